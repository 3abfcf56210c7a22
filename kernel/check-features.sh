#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The appliance's kernel-dependent feature groups on one UML kernel, each
# exercised for real in one boot: make the file system (or device), mount
# it, write a file, read it back.  btrfs, xfs, f2fs, vfat, exfat, NTFS
# (ntfs-3g over FUSE, and ntfs3), LUKS (dm-crypt), LVM (dm), md raid1,
# squashfs (an image made on the host), GPT and MBR partitions.  Prints
# what the kernel registers at boot, then one line per group (n/a when the
# appliance lacks the group's tool: that is the appliance's package list,
# not the kernel), and exits non-zero if any group failed.
#
# usage: kernel/check-features.sh [KERNEL]   (a --kernel name or path;
#        default: stock)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
G=${GUESTDRV:-$here/../guestdrv}
kernel=${1:-stock}
w=$(mktemp -d /tmp/guestdrv-features.XXXXXX)
trap 'rm -rf "$w"' EXIT
for d in a b c d; do truncate -s 512M "$w/$d.img"; done
mkdir -p "$w/sq" && echo squashfs-ok > "$w/sq/f"
mksquashfs "$w/sq" "$w/e.img" -quiet -noappend >/dev/null

# One group: CMDS... ending in a `cat` of a file holding "NAME-ok".
groups=(
  "btrfs|mkfs btrfs /dev/sda : mount /dev/sda / : write /f btrfs-ok : umount-all : mount /dev/sda / : cat /f : umount-all"
  "xfs|mkfs xfs /dev/sdb : mount /dev/sdb / : write /f xfs-ok : umount-all : mount /dev/sdb / : cat /f : umount-all"
  "partitions|part-init /dev/sdc gpt : part-add /dev/sdc p 2048 264191 : part-add /dev/sdc p 264192 526335 : part-add /dev/sdc p 526336 788479 : part-add /dev/sdc p 788480 1048542 : part-init /dev/sdd mbr : part-add /dev/sdd p 2048 526335 : part-add /dev/sdd p 526336 1048575 : list-partitions"
  "f2fs|mkfs f2fs /dev/sdc1 : mount /dev/sdc1 / : write /f f2fs-ok : umount-all : mount /dev/sdc1 / : cat /f : umount-all"
  "vfat|mkfs vfat /dev/sdc2 : mount /dev/sdc2 / : write /f vfat-ok : umount-all : mount-vfs ro vfat /dev/sdc2 / : cat /f : umount-all"
  "ntfs-3g|mkfs ntfs /dev/sdc3 : mount /dev/sdc3 / : write /f ntfs-3g-ok : umount-all : mount-ro /dev/sdc3 / : cat /f : umount-all"
  "ntfs3|mount-vfs ro ntfs3 /dev/sdc3 / : cat /f : umount-all"
  "exfat|mkfs exfat /dev/sdc4 : mount /dev/sdc4 / : write /f exfat-ok : umount-all : mount-ro /dev/sdc4 / : cat /f : umount-all"
  "luks|luks-format /dev/sdd1 0 : luks-open /dev/sdd1 lk : mkfs ext4 /dev/mapper/lk : mount /dev/mapper/lk / : write /f luks-ok : umount-all : mount /dev/mapper/lk / : cat /f : umount-all : luks-close /dev/mapper/lk"
  "lvm|pvcreate /dev/sdd2 : vgcreate vg /dev/sdd2 : lvcreate lv vg 64 : mkfs ext4 /dev/vg/lv : mount /dev/vg/lv / : write /f lvm-ok : umount-all : mount /dev/vg/lv / : cat /f : umount-all"
  "squashfs|mount-ro /dev/sde / : cat /f : umount-all"
)
rc=0
# What the kernel offers without loading anything: the file systems
# registered at boot, the device-mapper targets, the md personalities.
out=$(timeout 300 "$G" --backend uml --kernel "$kernel" -a "$w/a.img" -- \
  debug sh 'cat /proc/filesystems' : debug sh 'ls /sys/module' 2>&1)
echo "$kernel registered: $(echo "$out" | awk -F'\t' 'NF == 2 { printf "%s ", $2 }')"
echo "$kernel modules: $(echo "$out" | grep -E '^(dm_|raid|md_mod|ntfs|fuse)' | tr '\n' ' ')"
for g in "${groups[@]}"; do
  name=${g%%|*}
  # shellcheck disable=SC2086
  if out=$(printf 'k\nk\n' | timeout 300 "$G" --backend uml --kernel "$kernel" \
        -a "$w/a.img" -a "$w/b.img" -a "$w/c.img" -a "$w/d.img" -a "$w/e.img" \
        -- $(echo "${g#*|}") 2>&1); then
    case $name in
      partitions) [ "$(echo "$out" | wc -l)" = 6 ] && r=ok || r="FAILED: $out" ;;
      ntfs3) echo "$out" | grep -q "ntfs-3g-ok" && r=ok || r="FAILED: $out" ;;
      *) echo "$out" | grep -q "$name-ok" && r=ok || r="FAILED: $out" ;;
    esac
  elif echo "$out" | grep -Eq "failed to execute mkfs|is not available in this"; then
    r="n/a: the appliance lacks the tool"
  else
    r="FAILED: $(echo "$out" | grep -v '^ *$' | tail -1)"
  fi
  echo "$kernel $name $r"
  case $r in FAILED*) rc=1 ;; esac
done
exit $rc
