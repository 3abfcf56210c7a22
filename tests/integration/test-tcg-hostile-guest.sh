#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A misbehaving guest on one TCG boot (commands run by the real guestfsd):
#  - a flood of 12000 console marks under --trace: the trace keeps 10000
#    init instants and counts the rest; guestdrv's peak RSS (VmHWM, read
#    by a host command in the script) stays bounded;
#  - marks with inf, nan and 1e999 as uptime: refused, never in the trace,
#    and the trace is strict JSON (no NaN);
#  - a daemon error carrying escape sequences: stderr shows them escaped
#    (no raw ESC byte reaches the terminal), while command stdout stays
#    byte-identical to what the daemon returned.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v python3 >/dev/null || skip "python3 not installed"

# The guest's bytes come from the disk itself, so that no quoting layer
# (script, string list, shell) stands between them and the daemon: a line
# for stdout at offset 0, a hostile error text at offset 512.
truncate -s 16M "$work/d.img"
printf 'out \033[1mbold\033[0m\n' | dd of="$work/d.img" conv=notrunc status=none
printf 'hostile \033[2J\033]0;pwned\007 text\n' |
  dd of="$work/d.img" bs=512 seek=1 conv=notrunc status=none
cat > "$work/script" <<SCRIPT
debug sh "i=0; while [ \$i -lt 12000 ]; do echo guestdrv-mark 1.5 flood-\$i; i=\$((i+1)); done > /dev/console"
debug sh "for v in inf nan 1e999 -1; do echo guestdrv-mark \$v bad-\$v > /dev/console; done"
debug sh "head -c 17 /dev/sda"
!grep VmHWM /proc/\$PPID/status > $work/rss
debug sh "tail -c +513 /dev/sda | head -c 28 >&2; exit 1"
SCRIPT
rc=0
"$GUESTDRV" --backend tcg --trace "$work/t.json" -a "$work/d.img" -f "$work/script" \
  > "$work/out" 2> "$work/err" || rc=$?
[ $rc = 1 ] || fail "expected exit status 1 (the last command fails), got $rc: $(tail -3 "$work/err")"

# stderr: the daemon's message, escaped; no raw control byte but newlines.
grep -q 'hostile \\x1b\[2J\\x1b\]0;pwned\\x07 text' "$work/err" ||
  fail "daemon error not escaped as expected: $(cat -v "$work/err" | tail -3)"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/err"; then
  fail "raw control bytes on stderr: $(cat -v "$work/err" | tail -3)"
fi
# stdout: the daemon's bytes, escape sequences included.
grep -qF "$(printf 'out \033[1mbold\033[0m')" "$work/out" ||
  fail "stdout lacks the raw guest bytes: $(od -c "$work/out" | head -5)"

python3 - "$work/t.json" <<'PY' || fail "trace check failed"
import json, sys
def no_constants(c):
    raise ValueError("non-finite number in the trace: " + c)
t = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=no_constants)
ev = t["traceEvents"]
flood = [e for e in ev if e.get("name", "").startswith("flood-")]
bad = [e for e in ev if e.get("name", "").startswith("bad-")]
init = t["otherData"]["summary"]["init"]
assert not bad, bad[:3]
n_init = sum(1 for e in ev if e.get("cat") == "init" and e.get("ph") == "i")
assert n_init == 10000, n_init
assert len(flood) <= 10000 and len(flood) > 9000, len(flood)
assert init.get("dropped_events", 0) >= 2000, init.get("dropped_events")
print("flood instants kept", len(flood), "dropped", init["dropped_events"])
PY
rss=$(awk '/VmHWM/ {print $2}' "$work/rss")
echo "guestdrv peak RSS ${rss} kB"
[ -n "$rss" ] || fail "no VmHWM read"
[ "$rss" -lt 100000 ] || fail "guestdrv peak RSS ${rss} kB"

assert_no_leftovers
