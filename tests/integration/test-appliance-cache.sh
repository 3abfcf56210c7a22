#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The appliance cache: two guestdrv processes starting at once on an empty
# cache build the appliance once (the second waits on the lock and uses
# it), leave no half-built directory, and a run never writes the root.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v supermin >/dev/null || skip "supermin not installed (make deps)"
export GUESTDRV_CACHE=$work/cache
truncate -s 16M "$work/a.img" "$work/b.img"

"$GUESTDRV" -v --backend tcg -a "$work/a.img" -- ping-daemon 2>"$work/log1" &
p1=$!
"$GUESTDRV" -v --backend tcg -a "$work/b.img" -- ping-daemon 2>"$work/log2" &
p2=$!
wait $p1 || { tail -5 "$work/log1"; fail "first run failed"; }
wait $p2 || { tail -5 "$work/log2"; fail "second run failed"; }

builds=$(cat "$work/log1" "$work/log2" | grep -c "appliance: building qemu appliance" || true)
[ "$builds" = 1 ] || fail "appliance built $builds times"
grep -q "using cached qemu appliance" "$work/log1" "$work/log2" || fail "the other run did not use the cache"
dirs=$(ls "$GUESTDRV_CACHE" | grep -v '^lock$' | tr '\n' ' ')
case "$dirs" in
  "qemu-"*" ") [ "$(echo $dirs | wc -w)" = 1 ] || fail "cache holds: $dirs" ;;
  *) fail "cache holds: $dirs" ;;
esac
root=$(echo "$GUESTDRV_CACHE"/qemu-*/root)
[ -f "$GUESTDRV_CACHE"/qemu-*/complete ] || fail "no completion stamp"

# qemu booted the ELF extracted from the bzImage (PVH entry), once: its
# PVH note (Xen type 0x12, PHYS32_ENTRY) is checked with readelf.
vmlinux=$(echo "$GUESTDRV_CACHE"/qemu-*/vmlinux)
[ -f "$vmlinux" ] || fail "no vmlinux extracted in the cache"
grep -q -- "-kernel $vmlinux " "$work/log1" || fail "qemu was not given $vmlinux"
[ "$(cat "$work/log1" "$work/log2" | grep -c "appliance: extracted .*/vmlinux (PVH entry)")" = 1 ] || fail "vmlinux not extracted exactly once"
if command -v readelf >/dev/null; then
  readelf -n "$vmlinux" | grep -q "Xen .*0x00000012" || fail "$vmlinux has no PVH note"
fi

# A run does not touch the root image.
before=$(stat -c '%s %Y %Z' "$root"); sum=$(md5sum < "$root")
"$GUESTDRV" --backend tcg -a "$work/a.img" -- mkfs ext2 /dev/sda : mount /dev/sda / : touch /x : sync
[ "$(stat -c '%s %Y %Z' "$root")" = "$before" ] || fail "root metadata changed"
[ "$(md5sum < "$root")" = "$sum" ] || fail "root content changed"

# build-appliance forces a rebuild and says where and how long.
"$GUESTDRV" build-appliance --backend qemu > "$work/out"
grep -Eq "^qemu appliance: $GUESTDRV_CACHE/qemu-[0-9a-f]+ \(kernel .*\), built in [0-9.]+ s" "$work/out" || fail "build-appliance: $(cat "$work/out")"
assert_no_leftovers
