# r01: commands of every return type and two daemon errors.
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 32767
part-add /dev/sda p 32768 -1
mkfs ext2 /dev/sda1 label:rec
mount /dev/sda1 /
mkdir-p /d/e
write /d/f "recorded\n"
cat /d/f
ls /d
exists /d/f
filesize /d/f
statns /d/f
part-list /dev/sda
blkid /dev/sda1
vfs-label /dev/sda1
pread /d/f 4 2
-mkdir /d
-cat /missing
umask 022
sync
