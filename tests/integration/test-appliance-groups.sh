#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The appliance offers what libguestfs's Debian appliance offers: one boot
# of guestfish and one of guestdrv per backend (TCG, and UML when
# installed) run the same script, available-all-groups and then
# "available" for every group.  available-all-groups must print the same
# list; the groups that are not available must be guestfish's less xfs
# (which guestdrv adds).  The same boot then uses a group that needs a
# module loaded on demand (btrfs: mkfs, mount, a file, its fs type), so
# "available" is not only a program check.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp

groups="acl augeas blkdiscard blkdiscardzeroes btrfs extlinux f2fs fstrim
gdisk grub hivex inotify journal ldm libtsk libyara linuxcaps linuxfsuuid
linuxmodules linuxxattrs luks lvm2 mdadm mknod ntfs3g ntfsprogs realpath
rsync scrub selinux selinuxrelabel sleuthkit squashfs syslinux wipefs xfs
xz zerofree"
{
  echo run
  echo available-all-groups
  # "-": go on after an unavailable group (its error names it).
  for g in $groups; do echo "-available $g"; done
} > "$work/avail.gf"
{
  cat "$work/avail.gf"
  echo "mkfs btrfs /dev/sda"
  echo "mount /dev/sda /"
  echo "write /f parity"
  echo "cat /f"
  echo "vfs-type /dev/sda"
} > "$work/avail-btrfs.gf"

# The groups an error said were not available, sorted.
unavailable () {
  grep -o '[a-z0-9]*: group not available' "$1" | sed 's/:.*//' | sort | tr '\n' ' '
}

truncate -s 256M "$work/gf.img"
timeout 900 guestfish --format=raw -a "$work/gf.img" -f "$work/avail.gf" \
  >"$work/gf.out" 2>"$work/gf.err" || true
[ "$(wc -l < "$work/gf.out")" -ge 30 ] ||
  fail "guestfish listed no groups: $(tail -3 "$work/gf.err")"
gf_no=$(unavailable "$work/gf.err")
# guestfish's appliance lacks xfs (Debian ships it in libguestfs-xfs).
want_no=$(echo "$gf_no" | tr ' ' '\n' | grep -vx xfs | grep . | sort | tr '\n' ' ' || true)

backends="tcg"
[ -x /usr/bin/linux.uml ] && backends="tcg uml"
for b in $backends; do
  truncate -s 256M "$work/$b.img"
  rc=0
  timeout 900 "$GUESTDRV" --backend "$b" --format=raw -a "$work/$b.img" \
    -f "$work/avail-btrfs.gf" >"$work/$b.out" 2>"$work/$b.err" || rc=$?
  [ "$rc" = 0 ] || fail "$b: exit $rc: $(tail -3 "$work/$b.err")"
  head -n "$(wc -l < "$work/gf.out")" "$work/$b.out" > "$work/$b.groups"
  cmp -s "$work/gf.out" "$work/$b.groups" ||
    fail "$b: available-all-groups differs: $(diff "$work/gf.out" "$work/$b.groups" | head -5)"
  gd_no=$(unavailable "$work/$b.err")
  [ "$gd_no" = "$want_no" ] ||
    fail "$b: not available: '$gd_no', guestfish (less xfs): '$want_no'"
  tail -n 2 "$work/$b.out" | tr '\n' ' ' | grep -qx "parity btrfs " ||
    fail "$b: btrfs did not work: $(tail -n 3 "$work/$b.out" "$work/$b.err")"
  echo "$b: $(echo $groups | wc -w) groups, not available: ${gd_no:-none} (guestfish: $gf_no)" >&2
done
assert_no_leftovers
