# slice: check
# Device names, mountables and feature groups.
canonical-device-name /dev/vda1
canonical-device-name /dev/hdb
canonical-device-name /dev/xvdc3
canonical-device-name /dev/sda2
canonical-device-name /dev/vg0/lv0
canonical-device-name /dev/foo
canonical-device-name /dev/mapper/nonexistent
device-index /dev/sda
device-index /dev/sdb
device-index /dev/sdaa
device-index /dev/foo
device-index /dev/sda1
mountable-device /dev/sda1
mountable-device btrfsvol:/dev/sda2/sub
mountable-subvolume btrfsvol:/dev/sda2/sub
mountable-subvolume /dev/sda1
feature-available "lvm2"
feature-available "lvm2 linuxxattrs"
feature-available "nosuchgroup"
feature-available ""
get-uuid /dev/sda2
mount /dev/sda2 /
unmount /
mount /dev/sda2 /
unmount-all
get-pid
is-config
supported
