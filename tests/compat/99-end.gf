# After launch: adding disks fails; then the orderly end.
add @WORK@/base.img
add-ro @WORK@/base.img
add-drive @WORK@/base.img
add-drive-ro @WORK@/base.img
add-cdrom @WORK@/base.img
add-drive-with-if @WORK@/base.img virtio
add-drive-ro-with-if @WORK@/base.img virtio
add-drive-scratch 1M
scratch 1M
alloc @WORK@/@SIDE@-late.img 1M
allocate @WORK@/@SIDE@-late2.img 1M
sparse @WORK@/@SIDE@-late3.img 1M
config -no-such-option x
set-cachedir /var/tmp
cachedir /var/tmp
get-cachedir
set-path /usr/lib/x86_64-linux-gnu/guestfs
path /usr/lib/x86_64-linux-gnu/guestfs
get-path
upload-discard 1M
download-zeroes 1M
-echo the last case
is-config
get-pid
pid
version
shutdown
kill-subprocess
exit
