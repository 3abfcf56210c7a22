# LVM built from scratch with default options (no --scan): guestdrv's
# appliance runs no udev, libdevmapper makes the nodes itself.
run
part-disk /dev/sda mbr
pvcreate /dev/sda1
vgcreate VG /dev/sda1
lvcreate LV VG 48
lvcreate LV2 VG 20
lvs
vgs
pvs
lvresize /dev/VG/LV 60
mkfs ext4 /dev/VG/LV
mount /dev/VG/LV /
write /hello hi
ls /
cat /hello
list-filesystems
lvs-full
umount /
lvremove /dev/VG/LV2
lvs
list-filesystems
vgremove VG
pvremove /dev/sda1
lvs
echo done
