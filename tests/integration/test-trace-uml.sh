#!/bin/bash
# The traced run of test-trace-tcg.sh under User-Mode Linux, as far as the
# UML backend goes: every layer present, the same I/O counter library in
# linux.uml (no QMP there).  Host-to-guest bulk data stalls on the UML
# serial line (launcher/UML.md, open problem 1), so the bulk transfer is
# guest-to-host (download-zeroes); the file on ext2 is small.  UML's
# writeback flushes are printed, not asserted (open problem 2).
source "$(dirname "$0")/lib.sh"
require_uml
command -v python3 >/dev/null || skip "python3 not installed"
[ -e "$top/disk/libguestdrv-iocount.so" ] || skip "disk/libguestdrv-iocount.so not built (make)"
truncate -s 96M "$work/probe.img"
timeout 300 "$GUESTDRV" --backend uml -a "$work/probe.img" -- ping-daemon >/dev/null 2>&1 ||
  skip "the UML backend does not run ping-daemon yet"
rm -f "$work/probe.img"

img=$work/disk.img
truncate -s 96M "$img"
timeout 900 "$GUESTDRV" --backend uml --timeout 300 --trace "$work/t.json" -a "$img" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
  write /f "written through the UML serial line" : sync : download-zeroes 16M
GUESTDRV_TRACE_NO_QMP=1 GUESTDRV_TRACE_DOWNLOAD=1 \
  python3 "$top/tests/integration/test-trace-check.py" "$work/t.json" $((16 * 1024 * 1024)) any
"$GUESTDRV" report "$work/t.json" > "$work/report.txt"
grep -q ubda "$work/report.txt" || fail "report lacks the guest's ubda: $(cat "$work/report.txt")"
assert_no_leftovers
