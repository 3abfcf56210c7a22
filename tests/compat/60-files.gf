# Files and directories on the ext4 filesystem (/dev/sda2), every
# command at least once, failing cases included.
mount /dev/sda2 /
mkdir-p /w/a/b
mkdir-mode /w/m 0700
mkdir /w/a
rmdir /w/a/b
rmdir /w/nonexistent
write /w/f "alpha\nbeta\ngamma\nalpha beta\n"
write-file /w/g "0123456789" 0
chmod 0640 /w/f
lchown 10 20 /w/f
chown 30 40 /w/f
statns /w/f
lstatns /w/f
cp /w/f /w/f2
cp-a /w/f /w/f3
cp-r /w/a /w/a2
ln /w/f /w/hard
ln-f /w/f /w/hard
ln-s f /w/sym
ln-sf g /w/sym
readlink /w/sym
mv /w/f3 /w/f4
rename /w/f4 /w/f5
rm-f /w/f5
rm-f /w/nonexistent
rm /w/nonexistent
ls0 /w /dev/null
find0 /w /dev/null
fgrep beta /w/f
egrep "^a.*a$" /w/f
grepi ALPHA /w/f
fgrepi BETA /w/f
egrepi "^GAMMA" /w/f
zgrep alpha /w/f
zfgrep alpha /w/f
zegrep alpha /w/f
zgrepi ALPHA /w/f
zfgrepi ALPHA /w/f
zegrepi ALPHA /w/f
checksum sha256 /w/f
checksum md5 /w/f
checksum nosuch /w/f
truncate /w/g
filesize /w/g
fallocate64 /w/big 65536
filesize /w/big
fallocate /w/big2 4096
fill-dir /w/a 3
ls /w/a
mktemp /w/tmpXXXXXX
mkdtemp /w/dirXXXXXX
mkfifo 0600 /w/fifo
mknod 0600 0 0 /w/nod
mknod-b 0600 8 0 /w/blk
is-blockdev /w/blk
copy-size /w/f /w/f6 5
cat /w/f6
copy-file-to-file /w/f /w/f7
cat /w/f7
utimens /w/f7 1 2 3 4
stat /w/f7
pwrite /w/f7 "XY" 1
cat /w/f7
compress-out gzip /w/f /dev/null
zfile gzip /w/f
sh "echo hi"
sh-lines "echo a; echo b"
command "/bin/echo x"
command-lines "/bin/echo y"
setxattr user.a b 1 /w/f
lsetxattr user.c d 1 /w/f
lgetxattr /w/f user.a
lgetxattrs /w/f
removexattr user.a /w/f
lremovexattr user.c /w/f
getxattrs /w/f
get-e2attrs /w/f
set-e2attrs /w/f A
get-e2attrs /w/f
set-e2attrs /w/f A clear:true
get-e2generation /w/f
set-e2generation /w/f 7
get-e2generation /w/f
du /w
rm-rf /w
exists /w
sync
drop-caches 3
umount /
