#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML with --uml-channel virtio (the vhost-user virtio-console served by
# guestdrv, vhost/virtio-console.c): a 64 MiB round trip with the bytes
# on the image checked by debugfs, then UML SIGKILLed in the middle of an
# upload and Ctrl-C in the middle of an upload.  Each ends with nothing
# left behind: no UML process, no socket or run directory in TMPDIR.
source "$(dirname "$0")/lib.sh"
require_uml
[ -x "$GUESTDRV" ] || skip "$GUESTDRV not built (make)"
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"

size=${UML_VIRTIO_TEST_SIZE:-67108864}
img=$work/disk.img
# Sparse: large enough for the cut-short uploads below.
truncate -s 2G "$img"
head -c "$size" /dev/urandom > "$work/rand"
uml=(--backend uml --uml-channel virtio)

# A bad value is refused before anything starts.
if "$GUESTDRV" --backend uml --uml-channel pigeon -a "$img" -- ping-daemon 2> "$work/err"; then
  fail "--uml-channel pigeon accepted"
fi
grep -q "uml-channel: 'pigeon' is not virtio or serial" "$work/err" ||
  fail "bad --uml-channel: $(cat "$work/err")"

# 1. Round trip.
timeout 600 "$GUESTDRV" -v "${uml[@]}" --trace "$work/t.json" -a "$img" -- part-disk /dev/sda mbr : \
  mkfs ext2 /dev/sda1 : mount /dev/sda1 / : upload "$work/rand" /f : \
  download /f "$work/back" : sync 2> "$work/log" ||
  fail "round trip failed: $(grep -v console "$work/log" | tail -3)"
grep -q "virtio_uml.device=.*vcon.sock:3" "$work/log" || fail "UML not given the vhost-user device"
grep -q "uml-virtio: launch flag" "$work/log" || fail "launch flag not over the virtio channel"
cmp "$work/rand" "$work/back" || fail "downloaded bytes differ"
debugfs_dump "$img" /f "$work/ondisk"
cmp "$work/rand" "$work/ondisk" || fail "bytes on the image differ"
# The device thread's counters reach the trace and the report.
"$GUESTDRV" report "$work/t.json" > "$work/report.txt"
grep -q "vhost-user console .* kicks, .* calls" "$work/report.txt" ||
  fail "report lacks the vhost-user row: $(grep -A3 '^channel' "$work/report.txt")"
python3 - "$work/t.json" "$size" <<'PY' || fail "vhost-user counters do not cover the payload"
import json, sys
s = json.load(open(sys.argv[1]))["otherData"]["summary"]["channel"]
size = int(sys.argv[2])
assert s.get("vu_bytes_to_guest", 0) >= size, s
assert s.get("vu_bytes_from_guest", 0) >= size, s
assert s.get("vu_kicks", 0) > 0 and s.get("vu_calls", 0) > 0, s
PY
rm -f "$work/back" "$work/ondisk" "$work/t.json"
assert_no_leftovers

# Big enough that the daemon reports progress before the end: on a
# quiet host 256 MiB went through before the first progress message.
truncate -s 1500M "$work/big"
up=("${uml[@]}" -a "$img" -- mount /dev/sda1 / : upload "$work/big" /g)
# 2. UML killed in the middle of an upload.
break_when uml-kill "progress upload" "$work/e2" "${up[@]}"
# 3. Ctrl-C in the middle of an upload.  On a fresh file system: the
# kill in 2. can leave /g's entry pointing at an unwritten inode, and the
# upload then fails at once with EIO ("deleted inode referenced").
break_when ctrl-c "progress upload" "$work/e3" "${uml[@]}" -a "$img" -- \
  mkfs ext2 /dev/sda1 : mount /dev/sda1 / : upload "$work/big" /g
echo "PASS: test-uml-virtio"
