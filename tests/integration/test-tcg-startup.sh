#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up levers on TCG (issue 14), three boots: the default boot takes
# the kernel's PVH entry (the ELF from the appliance cache), its C /init
# links three disks in order, and its udevadm settles are answered by the
# shim without running the real udevadm (no udevd); with --scan udev the
# real udevadm runs; guestdrv.init=sh runs the shell init instead, with
# the same marks and disk order.  Files written are read back with debugfs.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"
truncate -s 64M "$work/disk.img" "$work/b.img" "$work/c.img"

# The real udevadm's --debug prints this on every run; the shim prints nothing.
real_udevadm="SELinux enabled state cached"

timeout 300 "$GUESTDRV" -v --backend tcg -a "$work/disk.img" -a "$work/b.img" \
  -a "$work/c.img" -- part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : \
  mount /dev/sda1 / : write /hello "default boot" : umount-all : \
  list-devices >"$work/devs1" 2>"$work/log1" \
  || { tail -5 "$work/log1"; fail "default boot failed"; }
[ "$(tr '\n' ' ' < "$work/devs1")" = "/dev/sda /dev/sdb /dev/sdc " ] || fail "list-devices: $(cat "$work/devs1")"
grep -Eq -- "-kernel [^ ]*/vmlinux " "$work/log1" || fail "qemu was not given the PVH vmlinux"
settles=$(grep -c "commandrvf: udevadm --debug settle" "$work/log1" || true)
[ "$settles" -ge 3 ] || fail "guestfsd settled $settles times (expected at least 3)"
! grep -q "$real_udevadm" "$work/log1" || fail "the real udevadm ran without udevd"
for m in init-start mounts modules by-path daemon-exec daemon-exit; do
  grep -q "guestdrv-mark [0-9.]* $m" "$work/log1" || fail "no $m mark on the console"
done
debugfs_dump "$work/disk.img" /hello "$work/hello"
[ "$(cat "$work/hello")" = "default boot" ] || fail "/hello holds '$(cat "$work/hello")'"

timeout 300 "$GUESTDRV" -v --backend tcg --scan udev -a "$work/disk.img" -- \
  mount /dev/sda1 / : write /hello2 "udev boot" : umount-all 2>"$work/log2" \
  || { tail -5 "$work/log2"; fail "--scan udev boot failed"; }
grep -q "udev-settle" "$work/log2" || fail "no udevd started with --scan udev"
grep -q "$real_udevadm" "$work/log2" || fail "the real udevadm did not run with udevd"
debugfs_dump "$work/disk.img" /hello2 "$work/hello2"
[ "$(cat "$work/hello2")" = "udev boot" ] || fail "/hello2 holds '$(cat "$work/hello2")'"
timeout 300 "$GUESTDRV" -v --backend tcg --append guestdrv.init=sh -a "$work/disk.img" \
  -a "$work/b.img" -a "$work/c.img" -- list-devices >"$work/devs3" 2>"$work/log3" \
  || { tail -5 "$work/log3"; fail "guestdrv.init=sh boot failed"; }
[ "$(tr '\n' ' ' < "$work/devs3")" = "/dev/sda /dev/sdb /dev/sdc " ] || fail "list-devices (init.sh): $(cat "$work/devs3")"
for m in init-start mounts by-path daemon-exec daemon-exit; do
  grep -q "guestdrv-mark [0-9.]* $m" "$work/log3" || fail "no $m mark from init.sh"
done
assert_no_leftovers
