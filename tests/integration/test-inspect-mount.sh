#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestfish -i as the oracle: guestfish makes a small "Debian" guest (root
# on an LVM volume, /boot on sda1, an fstab naming both by label), then both tools
# run "-i" on copies of it and print what is mounted where and a file from
# each filesystem.  Standard output and exit status must be identical;
# -d is refused with a reason.  One boot per side, plus the setup boot.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp

truncate -s 64M "$work/base.img"
cat > "$work/setup.gf" <<'GF'
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 20479
part-add /dev/sda p 20480 -1
mkfs ext4 /dev/sda1 label:BOOT
pvcreate /dev/sda2
vgcreate vg /dev/sda2
lvcreate root vg 40
mkfs ext4 /dev/vg/root label:ROOT
mount /dev/vg/root /
mkdir-p /etc
mkdir-p /boot
mkdir-p /usr/bin
mkdir-p /bin
mkdir-p /var/lib/dpkg
write /etc/os-release "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n"
write /etc/debian_version "12.0\n"
write /etc/hostname "compat-guest\n"
write /etc/fstab "LABEL=ROOT / ext4 defaults 0 1\nLABEL=BOOT /boot ext4 defaults 0 2\n"
write /var/lib/dpkg/status ""
mount /dev/sda1 /boot
write /boot/marker "on boot\n"
GF
timeout 600 guestfish --format=raw -a "$work/base.img" -f "$work/setup.gf" 2>"$work/setup.err" ||
  fail "guestfish could not prepare the guest: $(tail -3 "$work/setup.err")"
cp --sparse=always "$work/base.img" "$work/gf.img"
cp --sparse=always "$work/base.img" "$work/gd.img"
printf 'mountpoints\ncat /etc/hostname\ncat /boot/marker\ninspect-get-distro /dev/vg/root\n' > "$work/check.gf"

timeout 900 guestfish --ro --format=raw -a "$work/gf.img" -i -f "$work/check.gf" \
  >"$work/gf.out" 2>"$work/gf.err" &
gf_pid=$!
rc_gd=0
# --scan udev,lvm: guestfish's appliance activates LVM at boot; guestdrv's
# does by default only once the appliance branch lands.
timeout 900 "$GUESTDRV" --backend tcg --scan udev,lvm --ro --format=raw -a "$work/gd.img" -i -f "$work/check.gf" \
  >"$work/gd.out" 2>"$work/gd.err" || rc_gd=$?
rc_gf=0
wait "$gf_pid" || rc_gf=$?
[ "$rc_gf" = 0 ] || fail "guestfish -i failed ($rc_gf): $(tail -3 "$work/gf.err")"
[ "$rc_gd" = 0 ] || fail "guestdrv -i failed ($rc_gd): $(tail -3 "$work/gd.err")"
# mountpoints prints the kernel's device names (sda or sdb per boot).
sed -i 's|^/dev/sd[ab]|/dev/sdX|' "$work/gf.out" "$work/gd.out"
if ! cmp -s "$work/gf.out" "$work/gd.out"; then
  diff -a "$work/gf.out" "$work/gd.out" >&2
  fail "guestdrv -i mounted differently from guestfish -i"
fi
grep -q "^on boot$" "$work/gd.out" || fail "/boot was not mounted"

# -d: refused, one line, non-zero.
rc=0
"$GUESTDRV" -d somedomain >"$work/d.out" 2>"$work/d.err" || rc=$?
[ "$rc" = 1 ] || fail "-d exited $rc"
grep -q "libvirt domains are not supported" "$work/d.err" || fail "-d: $(cat "$work/d.err")"
[ "$(wc -l < "$work/d.err")" = 1 ] || fail "-d printed more than one line"
assert_no_leftovers
