# LVM built on the second disk.  guestdrv without --scan does not yet
# create logical volumes (known difference: the appliance branch).
umount-all
part-disk /dev/sdb mbr
sfdisk /dev/sdb 0 0 0 ","
sfdisk-N /dev/sdb 1 0 0 0 ","
sfdiskM /dev/sdb ","
part-disk /dev/sdb mbr
mke2journal-L 1024 jl /dev/sdb1
mke2journal-U 1024 55555555-2222-3333-4444-555555555555 /dev/sdb1
mke2fs-J ext4 1024 /dev/sdb1 /dev/sdb1
mke2fs-JL ext4 1024 /dev/sdb1 jl
mke2fs-JU ext4 1024 /dev/sdb1 55555555-2222-3333-4444-555555555555
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
# Under the filter LVM sees only this disk's PV, so the answer does not
# depend on which image the kernel named sda (without it, the two PVs
# came in device-name order, which varies per boot).
pvchange-uuid-all
lvm-clear-filter
vgchange-uuid vgc
vgchange-uuid-all
pvchange-uuid /dev/sdb1
pvresize /dev/sdb1
pvresize-size /dev/sdb1 64M
vgremove vgc
pvremove /dev/sdb1
lvm-remove-all
md-create md0 "/dev/sdb1"
md-stat /dev/md0
md-detail /dev/md0
md-stop /dev/md0
