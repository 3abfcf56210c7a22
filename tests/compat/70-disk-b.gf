# Partitions, filesystems and block devices built on the second disk
# (/dev/sdb, 128M, empty), every step checked, failing cases included.
nr-devices
list-devices
ping-daemon
echo-daemon "a b" c
sleep 0
is-zero-device /dev/sdb
part-init /dev/sdb mbr
part-get-parttype /dev/sdb
part-add /dev/sdb p 64 40000
part-add /dev/sdb p 40001 80000
part-add /dev/sdb e 80001 200000
part-add /dev/sdb l 80100 120000
part-add /dev/sdb x 1 2
part-list /dev/sdb
part-get-mbr-id /dev/sdb 1
part-set-mbr-id /dev/sdb 1 0x83
part-set-mbr-id /dev/sdb 2 0x82
part-get-mbr-id /dev/sdb 2
part-get-mbr-part-type /dev/sdb 1
part-get-mbr-part-type /dev/sdb 3
part-get-mbr-part-type /dev/sdb 5
part-set-bootable /dev/sdb 1 true
part-get-bootable /dev/sdb 1
part-del /dev/sdb 5
part-del /dev/sdb 9
part-resize /dev/sdb 2 90000
part-resize /dev/sdb 2 79999
blockdev-rereadpt /dev/sdb
list-partitions
sfdisk-l /dev/sdb
sfdisk-kernel-geometry /dev/sdb
sfdisk-disk-geometry /dev/sdb
blockdev-getbsz /dev/sdb1
blockdev-setbsz /dev/sdb1 4096
blockdev-setra /dev/sdb1 256
blockdev-setro /dev/sdb1
blockdev-getro /dev/sdb1
blockdev-setrw /dev/sdb1
blockdev-flushbufs /dev/sdb1
mke2fs /dev/sdb1 fstype:ext4 blocksize:1024 label:mk uuid:01234567-89ab-cdef-0123-456789abcdef
vfs-type /dev/sdb1
vfs-label /dev/sdb1
vfs-uuid /dev/sdb1
get-e2label /dev/sdb1
set-e2label /dev/sdb1 relabelled
get-e2label /dev/sdb1
get-e2uuid /dev/sdb1
set-e2uuid /dev/sdb1 11111111-2222-3333-4444-555555555555
get-e2uuid /dev/sdb1
set-uuid /dev/sdb1 22222222-2222-3333-4444-555555555555
set-label /dev/sdb1 lab
findfs-label lab
findfs-uuid 22222222-2222-3333-4444-555555555555
findfs-label nosuchlabel
blkid /dev/sdb1
tune2fs /dev/sdb1 maxmountcount:5 intervalbetweenchecks:0
e2fsck /dev/sdb1 correct:true
e2fsck /dev/sdb1 correct:true forceall:true
fsck ext4 /dev/sdb1
vfs-minimum-size /dev/sdb1
resize2fs-size /dev/sdb1 8M
resize2fs /dev/sdb1
resize2fs-M /dev/sdb1
mkfs-b ext2 4096 /dev/sdb2
mkfs ext3 /dev/sdb2 blocksize:1024
mkfs nosuchfs /dev/sdb2
mkfs vfat /dev/sdb2 label:FAT
vfs-type /dev/sdb2
mkswap /dev/sdb2 label:sw uuid:33333333-2222-3333-4444-555555555555
mkswap-L swl /dev/sdb2
mkswap-U 44444444-2222-3333-4444-555555555555 /dev/sdb2
swapon-device /dev/sdb2
swapoff-device /dev/sdb2
swapon-uuid 44444444-2222-3333-4444-555555555555
swapoff-uuid 44444444-2222-3333-4444-555555555555
mkswap /dev/sdb2 label:swl2
swapon-label swl2
swapoff-label swl2
mount-options "" /dev/sdb1 /
mkfs ext4 /dev/sdb1
mount-vfs noatime ext4 /dev/sdb1 /
remount / rw:false
touch /ro
remount / rw:true
filesystem-available ext4
filesystem-available nosuchfs
mkmountpoint /mp
mkdir /mp2
mklost-and-found /
rmmountpoint /mp
mke2journal 1024 /dev/sdb5
fallocate64 /swapfile 1048576
mkswap-file /swapfile
swapon-file /swapfile
swapoff-file /swapfile
rm /swapfile
write /f "file content\n"
download /f @WORK@/@SIDE@-dl
upload @WORK@/@SIDE@-dl /up
cat /up
upload @WORK@/nonexistent /x
download /nonexistent @WORK@/@SIDE@-x
download-offset /f @WORK@/@SIDE@-dlo 5 4
upload-offset @WORK@/@SIDE@-dlo /f 0
cat /f
base64-out /f @WORK@/@SIDE@-b64
base64-in @WORK@/@SIDE@-b64 /fromb64
cat /fromb64
checksums-out md5 /lost+found @WORK@/@SIDE@-sums
mkdir /t
write /t/one "1\n"
tar-out /t @WORK@/@SIDE@-t.tar
tar-in @WORK@/@SIDE@-t.tar /mp2
tgz-out /t @WORK@/@SIDE@-t.tgz
tgz-in @WORK@/@SIDE@-t.tgz /mp2
txz-out /t @WORK@/@SIDE@-t.txz
txz-in @WORK@/@SIDE@-t.txz /mp2
ls /mp2
cpio-out /t @WORK@/@SIDE@-t.cpio
copy-in @WORK@/cases /t
copy-out /t @WORK@/@SIDE@-out
ls /t
copy-attributes /f /fromb64 all:true
dd /f /dd
cat /dd
strings-e l /f
llz /t
file-architecture /f
pwrite-device /dev/sdb3 "XXXX" 0
copy-device-to-file /dev/sdb3 /devcopy size:4
cat /devcopy
copy-file-to-device /devcopy /dev/sdb3 destoffset:8
copy-device-to-device /dev/sdb3 /dev/sdb3 srcoffset:0 destoffset:512 size:16
compress-device-out gzip /dev/sdb3 @WORK@/@SIDE@-dev.gz
checksum-device md5 /dev/sdb3
zero /dev/sdb3
zero-device /dev/sdb3
is-zero-device /dev/sdb3
scrub-file /f
scrub-device /dev/sdb3
zero-free-space /
mkdir /sf
scrub-freespace /sf
mknod-c 0600 1 3 /nullc
set-uuid-random /dev/sdb2
df
df-h
umount-all
wipefs /dev/sdb2
vfs-type /dev/sdb2
part-disk /dev/sdb gpt
part-get-gpt-type /dev/sdb 1
part-set-gpt-type /dev/sdb 1 0FC63DAF-8483-4772-8E79-3D69D8477DE4
part-get-gpt-type /dev/sdb 1
part-set-gpt-type /dev/sdb 1 nonsense
part-set-gpt-guid /dev/sdb 1 01234567-89AB-CDEF-0123-456789ABCDEF
part-get-gpt-guid /dev/sdb 1
part-set-gpt-attributes /dev/sdb 1 4
part-get-gpt-attributes /dev/sdb 1
part-set-disk-guid /dev/sdb 01234567-89AB-CDEF-0123-456789ABCDE0
part-get-disk-guid /dev/sdb
part-set-disk-guid /dev/sdb nonsense
part-set-disk-guid-random /dev/sdb
part-set-name /dev/sdb 1 named
part-get-name /dev/sdb 1
part-expand-gpt /dev/sdb
list-disk-labels
list-md-devices
list-dm-devices
list-9p
blkdiscard /dev/sdb1
blkdiscardzeroes /dev/sdb1
fstrim /
