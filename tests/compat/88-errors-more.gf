# More failing cases, for the optional groups' and the handles' commands
# (Augeas, hivex, inotify, the journal, inspection without inspect-os,
# btrfs, LUKS, LDM, swap, partitions, LVM, md) and for the rest of the
# commands that had only a success case: handles not opened, devices
# that do not exist, files of the wrong kind.
mount /dev/sda1 /
echo ----- handles not opened
aug-close
aug-clear /files/x
aug-defnode a /files/x b
aug-defvar a /files/x
aug-insert /files/x y true
aug-label /files/x
aug-load
aug-ls /files
aug-match /files/*
aug-mv /files/a /files/b
aug-rm /files/x
aug-save
aug-set /files/x y
aug-setm /files/x "" y
aug-transform Hosts /etc/hosts
hivex-open /nonexistent
hivex-open /dir/hello
hivex-root
hivex-close
hivex-commit ""
hivex-node-name 0
hivex-node-name x
hivex-node-children 0
hivex-node-get-child 0 x
hivex-node-parent 0
hivex-node-values 0
hivex-node-get-value 0 x
hivex-node-add-child 0 x
hivex-node-delete-child 0
hivex-node-set-value 0 k 1 v
hivex-value-key 0
hivex-value-type 0
hivex-value-value 0
hivex-value-string 0
hivex-value-utf8 0
inotify-add-watch /dir 1
inotify-rm-watch 1
inotify-read
inotify-files
inotify-close
journal-open /nonexistent
journal-skip 1
journal-get-data-threshold
journal-set-data-threshold 10
journal-get-realtime-usec
inspect-os
inspect-get-roots
inspect-get-type /dev/sda1
inspect-get-arch /dev/sda1
inspect-get-distro /dev/sda1
inspect-get-drive-mappings /dev/sda1
inspect-get-filesystems /dev/sda1
inspect-get-format /dev/sda1
inspect-get-hostname /dev/sda1
inspect-get-major-version /dev/sda1
inspect-get-minor-version /dev/sda1
inspect-get-mountpoints /dev/sda1
inspect-get-package-format /dev/sda1
inspect-get-package-management /dev/sda1
inspect-get-product-name /dev/sda1
inspect-get-product-variant /dev/sda1
inspect-get-windows-current-control-set /dev/sda1
inspect-get-windows-software-hive /dev/sda1
inspect-get-windows-system-hive /dev/sda1
inspect-get-windows-systemroot /dev/sda1
inspect-is-live /dev/sda1
inspect-is-multipart /dev/sda1
inspect-is-netinst /dev/sda1
echo ----- optional groups on the wrong filesystems and devices
btrfs-filesystem-show /dev/sda1
btrfs-subvolume-list /
btrfs-subvolume-show /
btrfs-subvolume-get-default /
btrfs-scrub-status /
btrfs-balance-status /
btrfs-quota-enable / true
btrfs-qgroup-show /
btrfs-filesystem-sync /
btrfs-device-add "/dev/sdz" /
btrfs-fsck /dev/sda1
btrfstune-seeding /dev/sdz true
mkfs-btrfs "/dev/sdz"
luks-uuid /dev/sda1
luks-close /dev/mapper/nosuch
cryptsetup-close /dev/mapper/nosuch
luks-open /dev/sda1 lukstest
ldmtool-diskgroup-name nosuch
ldmtool-diskgroup-volumes nosuch
ldmtool-diskgroup-disks nosuch
ldmtool-volume-type nosuch v
ldmtool-volume-hint nosuch v
ldmtool-volume-partitions nosuch v
ntfsfix /dev/sdz
ntfsresize /dev/sdz
ntfscat-i /dev/sdz 0 @WORK@/@SIDE@-ntfscat
f2fs-expand /dev/sdz
isoinfo /nonexistent
isoinfo-device /dev/sdz
syslinux /dev/sdz
extlinux /nonexistent
mkswap-L swaplabel /dev/sdz
mkswap-U 11111111-2222-3333-4444-555555555555 /dev/sdz
mkswap-file /nonexistent
swapoff-file /nonexistent
swapoff-label nosuchlabel
swapon-uuid 11111111-2222-3333-4444-555555555555
swapoff-uuid 11111111-2222-3333-4444-555555555555
echo ----- partitions, LVM, md on missing devices
part-init /dev/sdz gpt
part-expand-gpt /dev/sdz
part-set-disk-guid-random /dev/sdz
part-set-name /dev/sda 99 x
part-set-bootable /dev/sda 99 true
part-set-gpt-guid /dev/sda 1 not-a-guid
part-set-gpt-attributes /dev/sda 99 0
sfdisk-l /dev/sdz
sfdisk-kernel-geometry /dev/sdz
sfdisk-disk-geometry /dev/sdz
md-create md1 "/dev/sdz"
md-stat /dev/sdz
pvcreate /dev/sdz
vgcreate vgx "/dev/sdz"
lvcreate-free lvx nosuchvg 50
lvresize-free /dev/nosuchvg/lv 50
vg-activate true "nosuchvg"
vgchange-uuid nosuchvg
pvchange-uuid /dev/sdz
pvresize-size /dev/sdz 1M
vgmeta nosuchvg
echo ----- filesystems and files
mke2fs-J ext4 1024 /dev/sdz /dev/sdz
mke2fs-JL ext4 1024 /dev/sdz jl
mke2fs-JU ext4 1024 /dev/sdz 11111111-2222-3333-4444-555555555555
mke2journal-L 1024 jl /dev/sdz
mke2journal-U 1024 11111111-2222-3333-4444-555555555555 /dev/sdz
resize2fs /dev/sdz
resize2fs-M /dev/sdz
resize2fs-size /dev/sdz 1M
e2fsck-f /dev/sdz
set-e2label /dev/sdz x
set-e2uuid /dev/sdz clear
set-label /dev/sdz x
set-uuid /dev/sdz 11111111-2222-3333-4444-555555555555
set-e2generation /nonexistent 1
vfs-minimum-size /dev/sdz
zerofree /dev/sdz
zero /dev/sdz
zero-free-space /nonexistent
scrub-file /nonexistent
scrub-freespace /nonexistent
mksquashfs /nonexistent @WORK@/@SIDE@-sqx
cap-get-file /nonexistent
cap-set-file /nonexistent "cap_net_raw+ep"
copy-attributes /nonexistent /dir
copy-device-to-file /dev/sdz /x
copy-file-to-device /nonexistent /dev/sda4
checksum-device md5 /dev/sdz
compress-device-out gzip /dev/sdz @WORK@/@SIDE@-cdo
dd /nonexistent /x
is-chardev /nonexistent
is-fifo /nonexistent
is-socket /nonexistent
is-symlink /nonexistent
pwrite /nonexistent "x" 0
pwrite-device /dev/sdz "x" 0
read-file /nonexistent
command "/nonexistent-program"
command-lines "/nonexistent-program"
modprobe nosuchmodule
drop-caches 99
mount-loop /nonexistent /dir
zfile gzip /nonexistent
zegrep x /nonexistent
zfgrep x /nonexistent
zgrepi x /nonexistent
zegrepi x /nonexistent
zfgrepi x /nonexistent
egrepi x /nonexistent
fgrepi x /nonexistent
debug-upload @WORK@/nonexistent /tmp/x 0644
time nosuch-command
umount /
