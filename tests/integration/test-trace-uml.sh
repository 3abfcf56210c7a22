#!/bin/bash
# The traced run of test-trace-tcg.sh under User-Mode Linux: same layers,
# same checks (the I/O counter is the same library; there is no QMP).
source "$(dirname "$0")/lib.sh"
require_uml
command -v python3 >/dev/null || skip "python3 not installed"
[ -e "$top/disk/libguestdrv-iocount.so" ] || skip "disk/libguestdrv-iocount.so not built (make)"
truncate -s 96M "$work/probe.img"
timeout 300 "$GUESTDRV" --backend uml -a "$work/probe.img" -- ping-daemon >/dev/null 2>&1 ||
  skip "the UML backend does not run ping-daemon yet"

head -c $((32 * 1024 * 1024)) /dev/urandom > "$work/src"
img=$work/disk.img
truncate -s 96M "$img"
"$GUESTDRV" --backend uml --trace "$work/t.json" -a "$img" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
  upload "$work/src" /f : sync : upload-discard 8M : download-zeroes 8M
GUESTDRV_TRACE_NO_QMP=1 python3 "$top/tests/integration/test-trace-check.py" "$work/t.json" $((32 * 1024 * 1024)) yes
"$GUESTDRV" report "$work/t.json" >/dev/null
assert_no_leftovers
