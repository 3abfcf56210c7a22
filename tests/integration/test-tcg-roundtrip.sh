#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TCG, raw and qcow2: part-disk, mkfs ext2, mount, upload a 16 MiB random
# file, download it back (identical), and check with debugfs on the host
# that the image holds the same bytes.
source "$(dirname "$0")/lib.sh"
require_qemu

head -c $((16 * 1024 * 1024)) /dev/urandom > "$work/src"
for fmt in raw qcow2; do
  img=$work/disk.$fmt
  if [ $fmt = raw ]; then truncate -s 64M "$img"; else qemu-img create -q -f qcow2 "$img" 64M; fi
  "$GUESTDRV" --backend tcg --format $fmt -a "$img" -- \
    part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
    upload "$work/src" /f : download /f "$work/back" : \
    checksum sha256 /f : filesize /f : sync > "$work/out"
  cmp "$work/src" "$work/back" || fail "$fmt: downloaded file differs"
  sum=$(sha256sum < "$work/src" | cut -d' ' -f1)
  grep -qx "$sum" "$work/out" || fail "$fmt: guest checksum differs: $(cat "$work/out")"
  grep -qx 16777216 "$work/out" || fail "$fmt: filesize wrong"
  if [ $fmt = qcow2 ]; then
    qemu-img convert -O raw "$img" "$work/conv.raw"
    img=$work/conv.raw
  fi
  debugfs_dump "$img" /f "$work/host"
  cmp "$work/src" "$work/host" || fail "$fmt: image content differs (debugfs)"
  rm -f "$work/back" "$work/host" "$work/conv.raw"
  echo "$fmt: ok"
done
assert_no_leftovers
