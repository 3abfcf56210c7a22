#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv bench end to end, small: startup and upload-no-write with an
# 8 MiB payload, 2 runs, on tcg and uml (1 MiB: its serial line takes
# about 0.5 MB/s host to guest).
# results.csv and results.json must parse, every figure be positive, and
# MB/s x median seconds give back the payload bytes.  startup also has
# the whole-process rows (guestdrv-process, bare-boot) and their ratios.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v python3 >/dev/null || skip "python3 not installed (make deps)"

require_uml
backends=tcg,uml

mkdir "$work/shm"
timeout 900 "$GUESTDRV" bench --scenario startup,upload-no-write --size tcg=8M,uml=1M \
  -n 2 --warmup 0 --backend "$backends" --dir "$work/shm" \
  --out "$work/out" > "$work/bench.log" 2>&1 ||
  { cat "$work/bench.log"; fail "guestdrv bench failed"; }
cat "$work/bench.log"
for b in ${backends//,/ }; do
  grep -Eq "^startup \($b\), whole process, medians: guestdrv [0-9.]+ s, bare boot [0-9.]+ s; guestdrv/bare boot [0-9.]+x" "$work/bench.log" ||
    fail "no whole-process ratio line for $b"
done

for f in results.txt results.csv results.json; do
  [ -s "$work/out/$f" ] || fail "$f missing"
done
[ -z "$(ls -A "$work/shm")" ] || fail "bench left files in --dir: $(ls -A "$work/shm")"

python3 - "$work/out" "$backends" <<'PY' || fail "results do not check out"
import csv, json, sys
out, backends = sys.argv[1], sys.argv[2].split(",")
want = {(s, b) for s in ("startup", "upload-no-write") for b in backends}
payloads = {"tcg": 8 * 1024 * 1024, "uml": 1024 * 1024}

def check(rows, where):
    seen = set()
    tools = {}
    for r in rows:
        key = (r["scenario"], r["backend"])
        tools.setdefault(key, set()).add(r["tool"])
        if r["tool"] in ("guestdrv-process", "bare-boot"):
            assert r["scenario"] == "startup", (where, r)
            assert r["status"] == "ok", (where, key, r["status"], r["reason"])
            assert 0 < r["min"] <= r["median"] <= r["max"], (where, r)
            continue
        seen.add(key)
        assert r["tool"] == "guestdrv", (where, r)
        assert r["status"] == "ok", (where, key, r["status"], r["reason"])
        lo, med, hi = r["min"], r["median"], r["max"]
        assert 0 < lo <= med <= hi, (where, key, lo, med, hi)
        if r["scenario"] == "upload-no-write":
            payload = payloads[r["backend"]]
            assert r["bytes"] == payload, (where, key, r["bytes"])
            mbps = r["MBps"]
            assert mbps > 0, (where, key, mbps)
            # MB/s x s = bytes (MB = 10^6 bytes), to rounding.
            got = mbps * med * 1e6
            assert abs(got - payload) / payload < 1e-3, (where, key, got)
            ch = r["channel_MBps"]
            assert ch is not None and ch > 0, (where, key, ch)
        else:
            assert r["bytes"] == 0
            assert r["launch_s"] > 0 and r["shutdown_s"] > 0
            assert abs(r["launch_s"] + r["shutdown_s"] - med) < 0.5 * med
    assert seen == want, (where, seen, want)
    for b in backends:
        assert tools[("startup", b)] == {"guestdrv", "guestdrv-process",
                                         "bare-boot"}, (where, tools)

rows = []
with open(out + "/results.csv", newline="") as f:
    for r in csv.DictReader(f):
        num = lambda k: float(r[k]) if r.get(k) else None
        rows.append(dict(scenario=r["scenario"], backend=r["backend"],
                         tool=r["tool"], status=r["status"],
                         reason=r["reason"], bytes=int(r["bytes"]),
                         min=num("min_s"), median=num("median_s"),
                         max=num("max_s"), MBps=num("MBps"),
                         channel_MBps=num("channel_MBps"),
                         launch_s=num("launch_s"),
                         shutdown_s=num("shutdown_s")))
check(rows, "csv")

with open(out + "/results.json") as f:
    j = json.load(f)
assert j["method"]["runs"] == 2 and j["method"]["warmup_discarded"] == 0
rows = []
for c in j["cases"]:
    s, x = c["summary"], c["extra"]
    assert len(c["samples_s"]) == 2, c
    rows.append(dict(scenario=c["scenario"], backend=c["backend"],
                     tool=c["tool"], status=c["status"], reason=c["reason"],
                     bytes=c["bytes"], min=s["min_s"], median=s["median_s"],
                     max=s["max_s"], MBps=c["MBps"],
                     channel_MBps=x.get("channel_MBps"),
                     launch_s=x.get("launch_s"),
                     shutdown_s=x.get("shutdown_s")))
check(rows, "json")
print("results check out:", sorted(want))
PY
assert_no_leftovers
