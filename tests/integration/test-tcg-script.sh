#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guestfish-style script on stdin exercising the command set on TCG:
# comments, quoting, !host commands, -x, add/add-ro, partitions, mkfs
# optargs, write/cat, tgz-in/tar-in, fill, dd, copy-device-to-file, ls.
# The results are checked on the host with debugfs.  test-uml-script.sh
# runs the same on UML (SCRIPT_BACKEND=uml).
source "$(dirname "$0")/lib.sh"
if [ "${SCRIPT_BACKEND:-}" = uml ]; then
  require_uml
  export GUESTDRV_BACKEND=uml
else
  require_qemu
fi

truncate -s 64M "$work/a.img"
truncate -s 8M "$work/ro.img"
printf 'read-only disk marker' | dd of="$work/ro.img" conv=notrunc status=none
mkdir -p "$work/tree/sub"
echo alpha > "$work/tree/a.txt"; echo beta > "$work/tree/sub/b.txt"
tar -C "$work/tree" -czf "$work/t.tgz" .
tar -C "$work/tree" -cf "$work/t.tar" .
ro_before=$(sha256sum < "$work/ro.img")

cat > "$work/script" <<EOS
# a comment, then a blank line

add $work/a.img format:raw cachemode:writeback
add-ro $work/ro.img
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 100000
mkfs ext2 /dev/sda1 blocksize:1024 label:GDTEST
mount-options "noatime" /dev/sda1 /
write /hello "hello \"quoted\" world\n"
cat /hello
mkdir /in
tgz-in $work/t.tgz /in
mkdir /tar
tar-in $work/t.tar /tar
ls /in
fill 0x41 12345 /filled
dd /filled /filled.dd
copy-device-to-file /dev/sdb /ro-head size:21
filesize /filled.dd
!echo host-side > $work/host-marker
list-devices
vfs-type /dev/sda1
version
sync
# cat prints the file as it is: no newline at the end, so last.
cat /ro-head
EOS
"$GUESTDRV" --backend tcg -x < "$work/script" > "$work/out" 2> "$work/err" || { cat "$work/err"; fail "script failed"; }

grep -qx 'hello "quoted" world' "$work/out" || fail "write/cat: $(cat "$work/out")"
grep -q '^read-only disk marker' "$work/out" || fail "copy-device-to-file from the read-only disk"
grep -qx 12345 "$work/out" || fail "filesize of the dd copy"
grep -qx a.txt "$work/out" && grep -qx sub "$work/out" || fail "ls after tgz-in"
grep -qx ext2 "$work/out" || fail "vfs-type"
grep -qx /dev/sda "$work/out" && grep -qx /dev/sdb "$work/out" || fail "list-devices"
# guestfish's form: the libguestfs version guestdrv speaks, as a struct.
grep -q "^major: 1$" "$work/out" && grep -q "^minor: 48$" "$work/out" || fail "version"
grep -q "^+ mkfs ext2 /dev/sda1 blocksize:1024 label:GDTEST" "$work/err" || fail "-x did not echo"
[ "$(cat "$work/host-marker")" = host-side ] || fail "!host command"
[ "$(sha256sum < "$work/ro.img")" = "$ro_before" ] || fail "the read-only disk changed"

# Independent check on the host: the filesystem and its files.
read -r start count < <(mbr_part "$work/a.img" 1)
[ "$start" = 2048 ] && [ "$count" = $((100000 - 2048 + 1)) ] || fail "partition $start+$count"
dd if="$work/a.img" of="$work/p1" bs=512 skip="$start" count="$count" status=none
debugfs -R "stats" "$work/p1" 2>/dev/null | grep -q "Block size:.*1024" || fail "blocksize:1024 not applied"
debugfs -R "stats" "$work/p1" 2>/dev/null | grep -q "volume name:.*GDTEST" || fail "label not applied"
debugfs -R "cat /in/sub/b.txt" "$work/p1" 2>/dev/null | grep -qx beta || fail "tgz-in content"
debugfs -R "cat /tar/a.txt" "$work/p1" 2>/dev/null | grep -qx alpha || fail "tar-in content"
debugfs -R "dump /filled $work/filled" "$work/p1" 2>/dev/null
[ "$(cat "$work/filled")" = "$(printf 'A%.0s' $(seq 12345))" ] || fail "fill content"
assert_no_leftovers
