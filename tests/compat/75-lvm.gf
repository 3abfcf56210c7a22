# LVM built on the second disk.  guestdrv without --scan does not yet
# create logical volumes (known difference: the appliance branch).
umount-all
part-disk /dev/sdb mbr
pvcreate /dev/sdb1
pvs-full
vgcreate vgb /dev/sdb1
vgs
vguuid vgb
vgpvuuids vgb
vgmeta vgb
lvcreate lvb vgb 8
lvcreate-free lvc vgb 50
lvs
lvuuid /dev/vgb/lvb
lvresize /dev/vgb/lvb 12
lvresize-free /dev/vgb/lvc 100
lvrename /dev/vgb/lvb /dev/vgb/lvd
lvremove /dev/vgb/lvd
vgrename vgb vgc
vg-activate false "vgc"
vg-activate-all true
vgscan
lvm-scan true
lvm-set-filter "/dev/sdb1"
lvm-clear-filter
vgchange-uuid vgc
vgchange-uuid-all
pvchange-uuid /dev/sdb1
pvchange-uuid-all
pvresize /dev/sdb1
pvresize-size /dev/sdb1 64M
vgremove vgc
pvremove /dev/sdb1
lvm-remove-all
md-create md0 "/dev/sdb1"
md-stat /dev/md0
md-detail /dev/md0
md-stop /dev/md0
