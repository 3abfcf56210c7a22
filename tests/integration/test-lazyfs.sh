#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv-lazyfs end to end: an ext2 image on the mount, durable and
# volatile writes through it, a power cut, then the backing file must hold
# exactly the durable ones.  Also qemu-io's flush must reach us as a sync.
# Needs root and /dev/fuse (exit 77 otherwise); SKIP_TEST_LAZYFS=1 skips.
set -euo pipefail

skip () { echo "SKIP: $*"; exit 77; }
fail () { echo "FAIL: $*"; exit 1; }

[ -z "${SKIP_TEST_LAZYFS:-}" ] || skip "SKIP_TEST_LAZYFS is set"
[ "$(id -u)" = 0 ] || skip "needs root (FUSE mount)"
[ -c /dev/fuse ] || skip "/dev/fuse missing"
for c in fusermount3 mountpoint mkfs.ext2 debugfs qemu-img qemu-io cmp dd \
         timeout; do
  command -v "$c" >/dev/null || skip "$c not installed"
done

top=$(cd "$(dirname "$0")/../.." && pwd)
lazyfs=${LAZYFS:-$top/lazyfs/guestdrv-lazyfs}
[ -x "$lazyfs" ] || fail "$lazyfs not built (run make)"

tmp=$(mktemp -d /tmp/test-lazyfs.XXXXXX)
mnt=$tmp/mnt
back=$tmp/backing
sock=$tmp/ctl
pid=

cleanup () {
  local rc=$?
  if mountpoint -q "$mnt" 2>/dev/null; then
    fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" || :
  fi
  if [ -n "$pid" ]; then
    # Unmounting ends the daemon; only kill it if it does not go.
    timeout 10 tail --pid="$pid" -f /dev/null || kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || :
  fi
  [ $rc = 0 ] || { echo "--- lazyfs log:"; cat "$tmp/log" 2>/dev/null; }
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir "$mnt" "$back"
"$lazyfs" "$back" "$mnt" --control "$sock" --no-host-sync -f 2>"$tmp/log" &
pid=$!

ctl () { timeout 10 "$lazyfs" ctl "$sock" "$1"; }
# field FILE NAME: a counter from the stats object of FILE.
field () {
  ctl stats | grep -o "{\"name\":\"$1\"[^}]*}" |
    grep -o "\"$2\":[0-9]*" | cut -d: -f2
}
expect_field () {
  local v
  v=$(field "$1" "$2")
  [ "$v" = "$3" ] || fail "$1: $2 is '$v', expected $3"
}

for _ in $(seq 100); do
  mountpoint -q "$mnt" && ctl stats >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "guestdrv-lazyfs exited"
  sleep 0.1
done
mountpoint -q "$mnt" || fail "not mounted after 10 s"

# The image and its filesystem: mke2fs fsyncs, so it is durable.
img=$mnt/disk.img
timeout 30 truncate -s 64M "$img"
timeout 30 mkfs.ext2 -F -q "$img"
expect_field disk.img dirty_bytes 0
ctl reset-counters >/dev/null

# A file in the filesystem, written by debugfs, which fsyncs on close.
head -c 3000 /dev/urandom > "$tmp/old"
timeout 30 debugfs -w -R "write $tmp/old f.bin" "$img" >/dev/null 2>&1
[ "$(field disk.img fsyncs)" -ge 1 ] || fail "debugfs fsync not seen"
expect_field disk.img dirty_bytes 0

bs=$(debugfs -R stats "$img" 2>/dev/null | sed -n 's/^Block size: *//p')
blk=$(debugfs -R "bmap f.bin 0" "$img" 2>/dev/null)
[ -n "$bs" ] && [ -n "$blk" ] || fail "debugfs could not locate f.bin"

# Raw regions past the filesystem's metadata: one durable, one volatile.
head -c 4M /dev/urandom > "$tmp/durable"
head -c 4M /dev/urandom > "$tmp/volatile"
dd if="$back/disk.img" of="$tmp/pre" bs=1M skip=52 count=4 status=none
timeout 30 dd if="$tmp/durable" of="$img" bs=1M seek=44 conv=notrunc,fsync \
  status=none
# Now, after the last fsync: overwrite f.bin's first block (a volatile
# ext2 change) and a raw region.
head -c "$bs" /dev/urandom > "$tmp/newblk"
timeout 30 dd if="$tmp/newblk" of="$img" bs="$bs" seek="$blk" conv=notrunc \
  status=none
timeout 30 dd if="$tmp/volatile" of="$img" bs=1M seek=52 conv=notrunc \
  status=none

# Before the cut the mount shows everything, the backing file only the
# durable part.
cmp -s -n 4M -i 0:52M "$tmp/volatile" "$img" || fail "volatile data not readable"
cmp -s -n 4M -i 0:52M "$tmp/volatile" "$back/disk.img" &&
  fail "volatile data reached the backing file before any sync"
cmp -s -n 4M -i 0:44M "$tmp/durable" "$back/disk.img" ||
  fail "fsynced data not in the backing file"
expect_field disk.img dirty_bytes $((4194304 + bs))
[ "$(field disk.img flushes)" -ge 3 ] || fail "close(2) flushes not counted"

reply=$(ctl cut)
echo "$reply" | grep -q "\"bytes_lost\":$((4194304 + bs))}\$" ||
  fail "cut reply: $reply"
echo "$reply" | grep -q "\\[$((52 * 1048576)),4194304\\]" ||
  fail "cut reply lacks the volatile range: $reply"

# After the cut: durable data there, volatile data gone, in the backing
# file and through the mount alike.
for f in "$back/disk.img" "$img"; do
  cmp -s -n 4M -i 0:44M "$tmp/durable" "$f" || fail "$f: durable data lost"
  cmp -s -n 4M -i 0:52M "$tmp/pre" "$f" || fail "$f: volatile data survived"
  timeout 30 debugfs -R "dump f.bin $tmp/got" "$f" 2>/dev/null
  cmp -s "$tmp/old" "$tmp/got" || fail "$f: f.bin is not its fsynced version"
done
expect_field disk.img dirty_bytes 0
expect_field disk.img bytes_lost $((4194304 + bs))

# qemu-io: its flush must arrive as fdatasync and make the write durable;
# with cache=unsafe qemu drops flushes, so the write must be lost.
q=$mnt/q.img
timeout 30 qemu-img create -q -f raw "$q" 16M
ctl sync-all >/dev/null
ctl reset-counters >/dev/null
timeout 30 qemu-io -f raw -c 'write -P 0xab 0 1M' -c flush "$q" >/dev/null
[ "$(field q.img fdatasyncs)" -ge 1 ] || fail "qemu-io flush not seen"
expect_field q.img dirty_bytes 0
timeout 30 qemu-io -f raw -t none -c 'write -P 0xef 2M 64k' "$q" >/dev/null
[ "$(field q.img sync_writes)" -ge 1 ] || fail "O_DIRECT write not write-through"
# Last: any later fsync of q.img would make this write durable too.
timeout 30 qemu-io -f raw -t unsafe -c 'write -P 0xcd 1M 1M' -c flush "$q" \
  >/dev/null
expect_field q.img dirty_bytes 1048576
ctl cut >/dev/null
out=$(timeout 30 qemu-io -f raw -r -c 'read -P 0xab 0 1M' \
  -c 'read -P 0 1M 1M' -c 'read -P 0xef 2M 64k' "$back/q.img" 2>&1)
if echo "$out" | grep -q 'verification failed' ||
   [ "$(echo "$out" | grep -c '^read ')" != 3 ]; then
  fail "q.img after the cut is not what was flushed: $out"
fi

fusermount3 -u "$mnt"
timeout 10 tail --pid="$pid" -f /dev/null || fail "daemon did not exit"
wait "$pid" || fail "daemon exited with status $?"
pid=
echo "PASS: test-lazyfs"
