# The older compatibility script's cases (tests/integration/compat/main.gf,
# minus its run): every return type, failing commands included.
echo ----- devices and partitions
list-devices
list-partitions
part-list /dev/sda
part-get-parttype /dev/sda
part-get-name /dev/sda 1
part-to-dev /dev/sda3
part-to-partnum /dev/sda3
part-get-bootable /dev/sda 1
blockdev-getsize64 /dev/sda
blockdev-getsz /dev/sda
blockdev-getss /dev/sda
blockdev-getro /dev/sda
is-whole-device /dev/sda
is-whole-device /dev/sda1
echo ----- filesystems
list-filesystems
vfs-type /dev/sda1
vfs-type /dev/sda3
vfs-label /dev/sda2
vfs-label /dev/sda4
vfs-uuid /dev/sda1
tune2fs-l /dev/sda1
available "lvm2 linuxxattrs"
-available "bogusgroup"
echo ----- lvm
pvs
vgs
lvs
is-lv /dev/vg0/lv0
is-lv /dev/sda1
lvs-full
vgs-full
pvuuid /dev/sda5
vglvuuids vg0
lvm-canonical-lv-name /dev/mapper/vg0-lv0
echo ----- ext2 read
mount-ro /dev/sda1 /
mounts
mountpoints
ls /dir
ll /dir/sub
find /dir
exists /dir/hello
exists /nope
is-file /dir/hello
is-file /dir/link
is-file /dir/link followsymlinks:true
is-dir /dir/sub
is-symlink /dir/link
is-fifo /dir/fifo
is-chardev /dir/null
is-blockdev /dir/null
is-socket /dir/hello
readlink /dir/link
glob is-file /dir/*
glob vfs-type /dev/sda[123]
glob echo /dir/l* /nomatch* plain
cat /dir/hello
cat /dir/nonl
read-file /dir/nonl
echo
head /dir/lines
tail /dir/lines
head-n 3 /dir/lines
tail-n -10 /dir/lines
wc-l /dir/lines
wc-w /dir/lines
wc-c /dir/lines
filesize /dir/pattern
checksum md5 /dir/hello
checksum sha256 /dir/pattern
pread /dir/pattern 12 3
echo
pread-device /dev/sda1 4 1080
echo
is-zero /dir/zeroes
is-zero /dir/hello
grep two /dir/lines
grep e /dir/lines fixed:true
strings /dir/hello
hexdump /dir/nonl
file /dir/hello
file /dir/null
getxattrs /dir/hello
getxattr /dir/hello user.colour
echo
readdir /dir/sub
statvfs /
glob-expand /dir/*
case-sensitive-path /dir/HELLO
realpath /dir/link
du /dir
-cat /dir/missing
-mkdir /dir/new
-is-file /dir/hello followsymlinks:maybe
-wc-l
-frobnicate
# guestfish's own parser and commands, after launch: their messages
# bare, and a word parsed before libguestfs checks the handle's state.
-set-memsize abc
-set-smp 1 2
-memsize
-add-drive-scratch x
-mkdir-mode /x abc
-is-file /dir/hello bogus:1
-glob
-copy-in /x
-lcd
-help a b
umount /
echo ----- ext4, vfat, lvm: write
mount /dev/sda2 /
cat /four
mkdir /made
touch /made/t
write /made/w "written\n"
write-append /made/w "appended\n"
cat /made/w
cp /made/w /made/w2
mv /made/w2 /made/w3
ls /made
rm /made/t
rm-rf /made/w3
ls /made
truncate-size /made/w 3
cat /made/w
-mkdir /made
umask 022
umask 027
umask 022
umount /
mount /dev/sda3 /
vfs-type /dev/sda3
cat /VFAT.TXT
case-sensitive-path /vfat.txt
ls /
umount /
mount /dev/vg0/lv0 /
ls /
is-dir /onlv
umount-all
-mount /dev/sdz9 /
e2fsck-f /dev/sda1
zerofree /dev/sda1
echo done
mkdir /not-mounted
