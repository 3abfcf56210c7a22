#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# LVM with default options: compat/lvm-create.gf (pvcreate, vgcreate,
# lvcreate, lvresize, mkfs and mount on the LV, lvremove, vgremove,
# list-filesystems) under guestfish and under guestdrv without --scan,
# on TCG and (when installed) UML, on fresh disks: the same output and
# exit status.  Normalised: the LVs' random UUIDs and device-mapper's
# block major (254 or 253 by the kernel's driver load order).  The host
# then checks the disk: no LVM2 label left after pvremove.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp
script=$top/tests/integration/compat/lvm-create.gf

norm () {
  sed -i -e 's/^\(  lv_uuid: \).*/\1UUID/' \
         -e 's/^\(  lv_kernel_major: \)[0-9]*$/\1DM-MAJOR/' "$1"
}

backends="tcg"
[ -x /usr/bin/linux.uml ] && backends="tcg uml"
truncate -s 128M "$work/gf.img"
for b in $backends; do truncate -s 128M "$work/$b.img"; done

# guestfish and the first guestdrv run at once (two cores), each bounded.
timeout 900 guestfish --format=raw -a "$work/gf.img" -f "$script" \
  >"$work/gf.out" 2>"$work/gf.err" &
gf_pid=$!
for b in $backends; do
  rc=0
  timeout 900 "$GUESTDRV" --backend "$b" --format=raw -a "$work/$b.img" \
    -f "$script" >"$work/$b.out" 2>"$work/$b.err" || rc=$?
  echo "$rc" > "$work/$b.rc"
done
rc_gf=0
wait "$gf_pid" || rc_gf=$?
[ "$rc_gf" = 0 ] || fail "guestfish exited $rc_gf: $(tail -3 "$work/gf.err")"
norm "$work/gf.out"
grep -q "^done$" "$work/gf.out" || fail "guestfish did not reach the end"
for b in $backends; do
  [ "$(cat "$work/$b.rc")" = 0 ] || fail "$b: exit $(cat "$work/$b.rc"): $(tail -3 "$work/$b.err")"
  norm "$work/$b.out"
  if ! cmp -s "$work/gf.out" "$work/$b.out"; then
    diff -a "$work/gf.out" "$work/$b.out" | head -20 >&2
    fail "$b: output differs from guestfish's"
  fi
  # pvremove wiped the label: LABELONE nowhere in the partition's start.
  read -r start _ < <(mbr_part "$work/$b.img" 1)
  dd if="$work/$b.img" bs=512 skip="$start" count=4 status=none | grep -q LABELONE &&
    fail "$b: an LVM2 label is still on the disk"
  echo "$b: $(wc -l < "$work/$b.out") lines as guestfish's" >&2
done
assert_no_leftovers
