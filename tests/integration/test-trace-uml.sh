#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The traced run of test-trace-tcg.sh under User-Mode Linux, on the
# serial line (--uml-channel serial; test-uml-virtio.sh traces virtio): every layer
# present, the same I/O counter library in linux.uml (no QMP there), a
# 4 MiB upload host to guest through the serial line's acknowledged window
# (its acks and waits in the channel summary), and a guest-to-host
# download-zeroes.  UML's writeback flushes are printed, not asserted
# (launcher/UML.md, open problem 2).
source "$(dirname "$0")/lib.sh"
require_uml
command -v python3 >/dev/null || fail "python3 not installed (make deps)"
[ -e "$top/disk/libguestdrv-iocount.so" ] || fail "disk/libguestdrv-iocount.so not built (make)"
img=$work/disk.img
truncate -s 96M "$img"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/payload"
timeout 900 "$GUESTDRV" --backend uml --uml-channel serial --timeout 300 --trace "$work/t.json" -a "$img" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
  upload "$work/payload" /f : sync : download-zeroes 16M
GUESTDRV_TRACE_NO_QMP=1 GUESTDRV_TRACE_WINDOW=1 \
  python3 "$top/tests/integration/test-trace-check.py" "$work/t.json" $((4 * 1024 * 1024)) any
debugfs_dump "$img" /f "$work/ondisk"
cmp "$work/payload" "$work/ondisk" || fail "uploaded bytes differ on the image"
"$GUESTDRV" report "$work/t.json" > "$work/report.txt"
grep -q ubda "$work/report.txt" || fail "report lacks the guest's ubda: $(cat "$work/report.txt")"
grep -q "serial-line window" "$work/report.txt" || fail "report lacks the serial-line window row"
assert_no_leftovers
