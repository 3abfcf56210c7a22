#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host-side disk figure of guestdrv bench (the disk layer's counter in
# the process that writes the image: qemu, UML, or qemu-storage-daemon
# for UML's vhost-user disks) must cover the payload of every upload case:
# it once read 0.001 MB/s for UML because the counter refreshed its file
# only on a later I/O.  Also: the cases are named by --uml-disk and carry
# the channel and disk fields.
source "$(dirname "$0")/lib.sh"
require_qemu
require_uml
command -v python3 >/dev/null || skip "python3 not installed (make deps)"
command -v qemu-storage-daemon >/dev/null || skip "qemu-storage-daemon not installed (qemu-system-common)"

mkdir "$work/shm"
timeout 900 "$GUESTDRV" bench --scenario upload --size 4M -n 1 --warmup 0 \
  --backend tcg,uml --uml-disk ubd,vhost-user --dir "$work/shm" \
  --out "$work/out" > "$work/bench.log" 2>&1 ||
  { cat "$work/bench.log"; fail "guestdrv bench failed"; }
grep -E "^upload|host side: " "$work/bench.log"

python3 - "$work/out/results.json" <<'PY' || fail "host-side disk bytes do not cover the payload"
import json, sys
j = json.load(open(sys.argv[1]))
want = {"tcg": ("virtio-serial", "virtio-scsi"),
        "uml-ubd": ("virtio", "ubd"),
        "uml-vhost-user": ("virtio", "vhost-user")}
seen = set()
for c in j["cases"]:
    b = c["backend"]
    seen.add(b)
    assert c["status"] == "ok", c
    assert (c["channel"], c["disk"]) == want[b], (b, c["channel"], c["disk"])
    written = c["extra"]["disk_MBps"] * c["summary"]["median_s"] * 1e6
    assert written >= c["bytes"], (b, written, c["bytes"])
    print(b, "host-side bytes written", int(written), ">= payload", c["bytes"])
assert seen == set(want), seen
PY
assert_no_leftovers
echo "PASS: test-bench-disk-counter"
