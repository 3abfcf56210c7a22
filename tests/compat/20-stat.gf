# slice: check
# File metadata composed from the daemon's statns and internal list calls,
# on the ext2 filesystem setup.gf filled (times fixed with utimens there).
mount /dev/sda1 /
stat /dir/hello
lstat /dir/link
stat /dir/link
stat /dir/sub
lstat /dir/fifo
stat /dir/null
stat /nonexistent
lstat /nonexistent
stat relative
lstatlist /dir "hello link sub"
lstatlist /dir "nonexistent"
lstatlist /nonexistent "a"
lstatnslist /dir "hello fifo null"
lstatnslist /dir ""
lxattrlist /dir "hello link"
lxattrlist /dir "sub"
readlinklist /dir "link hello nonexistent"
read-lines /dir/lines
read-lines /dir/nonl
read-lines /dir/sub/empty
read-lines /nonexistent
read-lines /dir
write /crlf "a\r\nb\r\n\r\nc"
read-lines /crlf
umount /
