#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --ro as libguestfs does it: the guest writes to a throwaway overlay
# (qemu's snapshot=on, a UML COW file, a qcow2 node in
# qemu-storage-daemon), so blockdev-getro is false and writes succeed in
# the guest, while the image's bytes (sha256) and mtime do not change and
# no overlay is left behind.  TCG with raw and qcow2; UML with ubd (raw)
# and vhost-user (qcow2) when installed.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v mke2fs >/dev/null || skip "e2fsprogs not installed"

mkdir -p "$work/src"
echo original > "$work/src/orig"
mke2fs -q -F -t ext4 -d "$work/src" "$work/ro.img" 64M >/dev/null
qemu-img convert -f raw -O qcow2 "$work/ro.img" "$work/ro.qcow2"
touch -d '2020-01-02 03:04:05' "$work/ro.img" "$work/ro.qcow2"

cases="tcg:raw tcg:qcow2"
if [ -x /usr/bin/linux.uml ]; then
  cases="$cases uml:raw"
  command -v qemu-storage-daemon >/dev/null && cases="$cases uml-vhost:qcow2"
fi
for c in $cases; do
  b=${c%%:*} fmt=${c#*:}
  img=$work/ro.img; [ "$fmt" = qcow2 ] && img=$work/ro.qcow2
  opts=(--backend "$b")
  [ "$b" = uml-vhost ] && opts=(--backend uml --uml-disk vhost-user)
  sum=$(sha256sum < "$img") mtime=$(stat -c %Y "$img")
  rc=0
  timeout 300 "$GUESTDRV" "${opts[@]}" --ro --format="$fmt" -a "$img" -- \
    blockdev-getro /dev/sda : mount /dev/sda / : write /new written : \
    cat /new : cat /orig : ls / >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = 0 ] || fail "$c: exit $rc: $(tail -3 "$work/err")"
  printf 'false\nwritten\noriginal\n\nlost+found\nnew\norig\n' | cmp -s - "$work/out" ||
    fail "$c: guest saw: $(tr '\n' ' ' < "$work/out")"
  [ "$(sha256sum < "$img")" = "$sum" ] || fail "$c: the image's bytes changed"
  [ "$(stat -c %Y "$img")" = "$mtime" ] || fail "$c: the image's mtime changed"
  assert_no_leftovers
  echo "$c: writable overlay, image unchanged" >&2
done
# The host confirms the image never held the guest's file.
debugfs -R "ls /" "$work/ro.img" 2>/dev/null | grep -qw new && fail "new reached the image"
exit 0
