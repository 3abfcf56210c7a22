# Prepares the image the compatibility test runs on (run by guestfish,
# the oracle, so the image does not depend on guestdrv): GPT with ext2,
# ext4, vfat, and an LVM volume group holding an ext4 LV.
run
part-init /dev/sda gpt
part-add /dev/sda p 2048 67583
part-add /dev/sda p 67584 133119
part-add /dev/sda p 133120 198655
part-add /dev/sda p 198656 239615
part-add /dev/sda p 239616 -34
part-set-name /dev/sda 1 two
mkfs ext2 /dev/sda1 label:extwo
mkfs ext4 /dev/sda2 label:extfour
mkfs vfat /dev/sda3 label:VFAT
pvcreate /dev/sda5
vgcreate vg0 /dev/sda5
lvcreate lv0 vg0 16
mkfs ext4 /dev/vg0/lv0 label:lvfs
mount /dev/sda1 /
mkdir-p /dir/sub
write /dir/hello "hello, world\n"
write /dir/lines "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n"
write /dir/nonl "no newline"
fill 0 4096 /dir/zeroes
fill-pattern "abcdefgh" 10000 /dir/pattern
ln-s hello /dir/link
mkfifo 0644 /dir/fifo
mknod-c 0600 1 3 /dir/null
chmod 0751 /dir/sub
touch /dir/sub/empty
setxattr user.colour blue 4 /dir/hello
utimens /dir/hello 1000000000 0 1000000001 0
utimens /dir 1000000000 0 1000000000 0
umount /
mount /dev/sda2 /
write /four "ext4 file\n"
umount /
mount /dev/sda3 /
write /VFAT.TXT "vfat file\n"
umount /
mount /dev/vg0/lv0 /
mkdir /onlv
umount /
umount-all
