#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML with --uml-disk vhost-user (qemu-storage-daemon exports the disks,
# launcher/uml-vhost-blk.c).  One boot with a raw and a qcow2 disk: both
# round trips, /dev/sda and /dev/sdb in -a order, the bytes checked on the
# host by debugfs (the qcow2 after qemu-img convert).  Then the daemon
# failing to start (a clear one-line error), UML SIGKILLed in the middle
# of an upload, and Ctrl-C in the middle of an upload: each leaves no
# qemu-storage-daemon, UML, socket or run directory behind.
source "$(dirname "$0")/lib.sh"
require_uml
[ -x "$GUESTDRV" ] || skip "$GUESTDRV not built (make)"
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"
command -v qemu-storage-daemon >/dev/null || skip "qemu-storage-daemon not installed (qemu-system-common)"
command -v qemu-img >/dev/null || skip "qemu-img not installed (qemu-utils)"

size=${UML_VBLK_TEST_SIZE:-16777216}
raw=$work/disk.img
qcow=$work/disk.qcow2
truncate -s 2G "$raw"
qemu-img create -q -f qcow2 "$qcow" 256M
head -c "$size" /dev/urandom > "$work/rand1"
head -c "$size" /dev/urandom > "$work/rand2"
uml=(--backend uml --uml-disk vhost-user)

# A bad value is refused before anything starts.
if "$GUESTDRV" --backend uml --uml-disk pigeon -a "$raw" -- ping-daemon 2> "$work/err"; then
  fail "--uml-disk pigeon accepted"
fi
grep -q "uml-disk: 'pigeon' is not ubd or vhost-user" "$work/err" ||
  fail "bad --uml-disk: $(cat "$work/err")"

# 1. Round trips on a raw and a qcow2 disk, one boot.
timeout 600 "$GUESTDRV" -v "${uml[@]}" -a "$raw" --format qcow2 -a "$qcow" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mkfs ext2 /dev/sdb : \
  mount /dev/sda1 / : mkdir /b : mount /dev/sdb /b : \
  upload "$work/rand1" /f : upload "$work/rand2" /b/g : \
  download /f "$work/back1" : download /b/g "$work/back2" : sync 2> "$work/log" ||
  fail "round trip failed: $(grep -v console "$work/log" | tail -3)"
grep -q "qemu-storage-daemon .*blk1.sock" "$work/log" || fail "no qemu-storage-daemon in the -v log"
grep -q "virtio_uml.device=.*blk0.sock:2 .*virtio_uml.device=.*blk1.sock:2" "$work/log" ||
  fail "UML not given both vhost-user-blk devices"
cmp "$work/rand1" "$work/back1" || fail "raw: downloaded bytes differ"
cmp "$work/rand2" "$work/back2" || fail "qcow2: downloaded bytes differ"
# -a order: the partition table went to the first disk (the raw one).
debugfs_dump "$raw" /f "$work/ondisk1"
cmp "$work/rand1" "$work/ondisk1" || fail "raw: bytes on the image differ"
qemu-img check -q "$qcow" || fail "qemu-img check: the qcow2 is damaged"
qemu-img convert -O raw "$qcow" "$work/conv.img"
debugfs -R "dump /g $work/ondisk2" "$work/conv.img" 2>/dev/null
[ -f "$work/ondisk2" ] || fail "qcow2: debugfs could not find /g after qemu-img convert"
cmp "$work/rand2" "$work/ondisk2" || fail "qcow2: bytes on the image differ"
rm -f "$work"/back? "$work"/ondisk? "$work/conv.img"
assert_no_leftovers

# 2. The daemon cannot start: one clear line, nothing left.  A
# qemu-storage-daemon first in PATH that fails as a broken one would.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "qemu-storage-daemon: simulated failure" >&2\nexit 1\n' > "$work/bin/qemu-storage-daemon"
chmod +x "$work/bin/qemu-storage-daemon"
if PATH=$work/bin:$PATH timeout 120 "$GUESTDRV" "${uml[@]}" -a "$raw" -- ping-daemon 2> "$work/err"; then
  fail "a failed qemu-storage-daemon went unnoticed"
fi
grep -q "qemu-storage-daemon (--uml-disk vhost-user) failed: qemu-storage-daemon: simulated failure" "$work/err" ||
  fail "daemon failure: $(cat "$work/err")"
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "not one line: $(cat "$work/err")"
assert_no_leftovers

# break_when (lib.sh) checks this while the upload runs.
storage_daemon_running () {
  pgrep -f "qemu-storage-daemon.*$TMPDIR" >/dev/null || fail "no qemu-storage-daemon running during the upload"
}
break_when_check=storage_daemon_running

# Big enough that the daemon reports progress before the end (the disk
# path is fast: the upload is cut long before it ends).
truncate -s 1500M "$work/big"
up=("${uml[@]}" -a "$raw" -- mount /dev/sda1 / : upload "$work/big" /big)
# 3. UML killed in the middle of an upload.
break_when uml-kill "progress upload" "$work/e3" "${up[@]}"
# 4. Ctrl-C in the middle of an upload.  On a fresh file system: the
# kill in 3. can leave /big's entry pointing at an unwritten inode, and
# the upload then fails at once with EIO ("deleted inode referenced").
break_when ctrl-c "progress upload" "$work/e4" "${uml[@]}" -a "$raw" -- \
  mkfs ext2 /dev/sda1 : mount /dev/sda1 / : upload "$work/big" /big
echo "PASS: test-uml-vhost-blk"
