#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestfish as the oracle: guestfish makes an image (compat/setup.gf:
# GPT, ext2, ext4, vfat, LVM), then the same script (compat/main.gf, ~90
# distinct commands of every return type, failing ones included) runs
# under guestfish and under guestdrv on two copies of it.  Standard output
# and exit status must be byte-for-byte identical.  One boot per side for
# the script, plus guestfish's setup boot.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
dir=$top/tests/integration/compat
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
# guestfish's appliance cache outside the per-test TMPDIR (checked for leftovers).
export LIBGUESTFS_CACHEDIR=/var/tmp

truncate -s 160M "$work/base.img"
timeout 600 guestfish --format=raw -a "$work/base.img" -f "$dir/setup.gf" 2>"$work/setup.err" ||
  fail "guestfish could not prepare the image: $(tail -3 "$work/setup.err")"
cp --sparse=always "$work/base.img" "$work/gf.img"
cp --sparse=always "$work/base.img" "$work/gd.img"

# guestfish's appliance activates LVM and runs udev at boot; guestdrv's
# activates LVM when a disk has a PV and needs no udev for it: default
# options.  Both sides run at once (two cores), each bounded.
# The script avoids what shows the kernel's own disk names (blkid's
# DEVNAME, st_dev): both appliances probe SCSI disks asynchronously, so
# the added disk is sda or sdb from one boot to the next, on either side.
timeout 900 guestfish --format=raw -a "$work/gf.img" -f "$dir/main.gf" \
  >"$work/gf.out" 2>"$work/gf.err" &
gf_pid=$!
rc_gd=0
timeout 900 "$GUESTDRV" --backend tcg \
  --format=raw -a "$work/gd.img" -f "$dir/main.gf" >"$work/gd.out" 2>"$work/gd.err" || rc_gd=$?
rc_gf=0
wait "$gf_pid" || rc_gf=$?

[ "$rc_gf" -ne 124 ] || fail "guestfish timed out"
[ "$rc_gd" -ne 124 ] || fail "guestdrv timed out"
# One number is the appliance kernel's, not the daemon's: device-mapper's
# block major is handed out when dm-mod registers, 254 or 253 depending on
# which drivers the appliance loaded before it (guestdrv's trimmed initrd
# loads fewer).  It is compared for being a number, not for its value.
for side in gf gd; do
  sed -i 's/^\(  lv_kernel_major: \)[0-9][0-9]*$/\1DM-MAJOR/' "$work/$side.out"
done
grep -q "^  lv_kernel_major: DM-MAJOR$" "$work/gd.out" || fail "lvs-full printed no lv_kernel_major number"
if ! cmp -s "$work/gf.out" "$work/gd.out"; then
  diff -a "$work/gf.out" "$work/gd.out" | head -40 >&2
  echo "--- guestdrv stderr:" >&2; tail -5 "$work/gd.err" >&2
  fail "standard output differs from guestfish's"
fi
[ "$rc_gf" = "$rc_gd" ] || fail "exit status $rc_gd, guestfish $rc_gf"
# The script's last command fails and "echo never printed" must not run.
[ "$rc_gf" = 1 ] || fail "guestfish exited $rc_gf, expected 1"
grep -q "never printed" "$work/gd.out" && fail "guestdrv went on after the last error"
grep -q "^done$" "$work/gd.out" || fail "the script did not reach its end"
# The failing commands failed on our side too, with the daemon's text.
grep -q "mkdir: /dir/new: Read-only file system\|mkdir: /made: File exists" "$work/gd.err" ||
  fail "no daemon error text: $(head -3 "$work/gd.err")"
n=$(grep -v '^#\|^echo\|^$' "$dir/main.gf" | sed 's/^-//' | awk '{print $1}' | sort -u | wc -l)
echo "compat: $n distinct commands, $(wc -l < "$work/gd.out") identical lines, exit status $rc_gd" >&2
[ "$n" -ge 60 ] || fail "only $n distinct commands"
assert_no_leftovers
