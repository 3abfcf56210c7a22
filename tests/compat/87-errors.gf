# Failing cases for commands whose other cases succeed: word counts, bad
# numbers and booleans, unknown, repeated and malformed optional
# arguments (guestfish's parser), missing guest and host files, files of
# the wrong type, bad devices, and commands on an unmounted root.  The
# expected output is guestfish's, as for every area.
umount-all
echo ----- nothing mounted
touch /x
mkdir /x
cat /x
ls /
write /x "a"
read-lines /x
stat /x
lstat /x
is-file /x
find /
du /
statvfs /
realpath /
checksum md5 /x
download /x @WORK@/@SIDE@-unmounted
upload @WORK@/keys /x
mount /dev/sda1 /
echo ----- word counts, numbers, booleans
chmod 0755
chmod 0755 /dir/hello extra
chown 0 /dir/hello
lchown x 0 /dir/hello
mknod 0644 1 3
mknod-b 0644 x 3 /dev/blk
mknod-c 0644 1 x /dev/chr
head-n x /dir/lines
tail-n 3
pread /dir/pattern x 0
pread-device /dev/sda1 4 x
truncate-size /dir/hello x
fallocate /newfile x
fill 0 x /newfill
fill-pattern abc x /newfill
fill-dir /dir x
utimens /dir/hello 1 2 3
setxattr user.a b x /dir/hello
sleep x
sleep
echo-daemon
echo-daemon "hello compat"
echo-daemon ""
ping-daemon extra
pid extra
scratch
unsetenv
is-file /dir/hello followsymlinks:maybe
is-dir /dir followsymlinks:true followsymlinks:false
glob-expand "/dir/*" directoryslash:maybe
glob-expand "/nonexistent/*"
mkfs ext4 /dev/sda4 blocksize:x
mkfs ext4 /dev/sda4 bogus:1
mkfs ext4 /dev/sda4 nocolon
mkfs ext4 /dev/sda4 blocksize:1024 blocksize:2048
mkfs ext4 /dev/sda4 blocksize:1024 blocksize:x
tune2fs /dev/sda1 force:maybe
compress-out gzip /dir/hello @WORK@/@SIDE@-c.gz level:x
compress-out gzip /dir/hello @WORK@/@SIDE@-c.gz level:1 bogus:1
copy-device-to-device /dev/sda1 /dev/sda4 srcoffset:x
download-blocks /dev/sda1 x 1 @WORK@/@SIDE@-blk bogus:1
inspect-get-icon /dev/sda1 favicon:maybe
inspect-get-icon /dev/sda1 favicon:true favicon:false
echo ----- disks added after launch, and host images
add-drive @WORK@/base.img bogus:1
add-drive @WORK@/base.img readonly:maybe
add-drive @WORK@/base.img readonly:true readonly:false
add-drive @WORK@/base.img label:x
add-drive @WORK@/nonexistent.img iface:virtio
add-drive-ro @WORK@/base.img format:raw
add-drive-scratch 1M foo:x
add-drive-scratch 1M blocksize:x
scratch 1M label:x
disk-create @WORK@/@SIDE@-r1.img raw 1M backingfile:x
disk-create @WORK@/@SIDE@-r2.img raw 1M compat:1.1
disk-create @WORK@/@SIDE@-r3.img raw 1M clustersize:65536
disk-create @WORK@/@SIDE@-r4.img raw 1M backingformat:raw
disk-create @WORK@/@SIDE@-q1.img qcow2 1M compat:1.1 clustersize:65536
disk-create @WORK@/@SIDE@-q2.img qcow2 1M compat:0.9
disk-create @WORK@/@SIDE@-q3.img qcow2 1M clustersize:1000
disk-create @WORK@/@SIDE@-q4.img qcow2 1M clustersize:x
disk-create @WORK@/@SIDE@-q5.img qcow2 -1 backingfile:@WORK@/@SIDE@-q1.img
disk-create @WORK@/@SIDE@-q6.img qcow2 1M backingfile:@WORK@/@SIDE@-q1.img backingformat:qcow2
disk-create @WORK@/@SIDE@-q9.img qcow2 1M bogus:1
disk-create @WORK@/@SIDE@-q10.img qcow2 1M preallocation:metadata
disk-create @WORK@/@SIDE@-r5.img raw 1M preallocation:metadata
disk-create @WORK@/@SIDE@-q12.img qcow2 1M compat:1.1 clustersize:512
disk-create @WORK@/@SIDE@-q13.img qcow2 -1
disk-format @WORK@/@SIDE@-q5.img
disk-has-backing-file @WORK@/@SIDE@-q5.img
disk-virtual-size @WORK@/@SIDE@-q12.img
disk-format @WORK@/nonexistent.img
disk-virtual-size @WORK@/nonexistent.img
echo ----- missing guest files, wrong types
chmod 0644 /nonexistent
chown 0 0 /nonexistent
lchown 0 0 /nonexistent
cp-a /nonexistent /dir
cp-r /nonexistent /dir
copy-file-to-file /nonexistent /x
copy-size /nonexistent /x 10
mkfifo 0644 /nonexistent/fifo
mknod-c 0644 1 3 /nonexistent/null
mknod-b 0644 8 0 /nonexistent/blk
ln /nonexistent /dir/hl
ln-f /nonexistent /dir/hl
ln-s target /nonexistent/link
ln-sf target /nonexistent/link
rename /nonexistent /x
realpath /nonexistent
readdir /nonexistent
readdir /dir/hello
ls0 /nonexistent @WORK@/@SIDE@-ls0
find0 /nonexistent @WORK@/@SIDE@-find0
lstatns /nonexistent
statns /nonexistent
statvfs /nonexistent
getxattr /dir/hello user.nosuch
getxattr /nonexistent user.colour
lgetxattr /dir/hello user.nosuch
lgetxattrs /nonexistent
removexattr user.nosuch /dir/hello
lremovexattr user.nosuch /dir/hello
lsetxattr user.a b 1 /nonexistent
setxattr user.a b 1 /nonexistent
head /nonexistent
head-n 3 /nonexistent
tail /nonexistent
tail-n 3 /nonexistent
hexdump /nonexistent
strings /nonexistent
strings-e b /nonexistent
wc-c /nonexistent
wc-w /nonexistent
zgrep x /nonexistent
egrep x /nonexistent
fgrep x /nonexistent
grepi x /nonexistent
file-architecture /nonexistent
file-architecture /dir/hello
initrd-list /nonexistent
initrd-cat /nonexistent x
truncate /nonexistent
truncate-size /nonexistent 10
utimens /nonexistent 0 0 0 0
write-append /nonexistent/x "a"
write-file /nonexistent/x "a" 0
read-lines /nonexistent
read-lines /dir
stat /nonexistent
lstat /nonexistent
lstatlist /dir "nosuch hello"
lstatnslist /nonexistent "a b"
readlinklist /dir "hello nosuch link"
lxattrlist /nonexistent "a"
base64-out /nonexistent @WORK@/@SIDE@-b64x
checksums-out md5 /nonexistent @WORK@/@SIDE@-sumsx
tar-out /nonexistent @WORK@/@SIDE@-tx.tar
tgz-out /nonexistent @WORK@/@SIDE@-tx.tgz
txz-out /nonexistent @WORK@/@SIDE@-tx.txz
cpio-out /nonexistent @WORK@/@SIDE@-tx.cpio
compress-out gzip /nonexistent @WORK@/@SIDE@-cx
compress-out bogus /dir/hello @WORK@/@SIDE@-cx2
download-offset /nonexistent @WORK@/@SIDE@-dlx 0 10
download-inode /dev/sda1 999999 @WORK@/@SIDE@-inox
echo ----- missing host files
tar-in @WORK@/nonexistent.tar /dir
tgz-in @WORK@/nonexistent.tgz /dir
txz-in @WORK@/nonexistent.txz /dir
base64-in @WORK@/nonexistent /dir/b64
upload-offset @WORK@/nonexistent /dir/uo 0
upload @WORK@/nonexistent /dir/up
download /dir/hello @WORK@/nonexistent-dir/x
copy-in @WORK@/nonexistent /dir
echo ----- mounts
mount-ro /dev/sda1 /nonexistent
mount-vfs "" ext2 /dev/sda2 /nonexistent
mount-options "" /dev/sdz9 /dir
mkmountpoint /dir
rmmountpoint /nonexistent
mkdtemp /nonexistent/tmpXXXXXX
mktemp /nonexistent/tmpXXXXXX
mklost-and-found /nonexistent
mount-9p nosuchtag /dir
echo ----- bad devices
blkid /dev/sdz
blockdev-getbsz /dev/sdz
blockdev-flushbufs /dev/sdz
blockdev-getsize64 /dev/sdz
blockdev-setro /dev/sdz
blockdev-rereadpt /dev/sdz
blockdev-setra /dev/sdz 256
part-to-dev /dev/sda
part-to-partnum /dev/sda
part-get-disk-guid /dev/sdz
part-get-gpt-guid /dev/sda 99
part-get-gpt-attributes /dev/sda 99
tune2fs-l /dev/sdz
swapon-device /dev/sda1
swapoff-device /dev/sda1
swapon-file /nonexistent
swapon-label nosuchlabel
zero-device /dev/sdz
wipefs /dev/sdz
scrub-device /dev/sdz
fsck ext2 /dev/sdz
mke2fs /dev/sdz
mkfs-b ext2 1024 /dev/sdz
mke2journal 1024 /dev/sdz
findfs-uuid 99999999-9999-9999-9999-999999999999
canonical-device-name /dev/sdz
canonical-device-name nonsense
device-index /dev/sdz
device-index nonsense
mountable-device nonsense
lvcreate lvx nosuchvg 8
lvremove /dev/nosuchvg/lv
lvrename /dev/nosuchvg/a /dev/nosuchvg/b
lvresize /dev/nosuchvg/lv 8
lvuuid /dev/nosuchvg/lv
vguuid nosuchvg
vgremove nosuchvg
vgrename nosuchvg x
vgpvuuids nosuchvg
vglvuuids nosuchvg
pvremove /dev/sdz
pvuuid /dev/sda1
pvresize /dev/sdz
lvm-canonical-lv-name /dev/nosuchvg/lv
md-detail /dev/md9
md-stop /dev/md9
umount /
