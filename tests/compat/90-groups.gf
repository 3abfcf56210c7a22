# Commands of the optional groups guestdrv's appliance does not carry yet
# (btrfs, luks, ldm, ntfs, f2fs, squashfs, syslinux, extlinux, grub):
# error cases, run before the appliance branch lands, then compared.
btrfs-filesystem-show /dev/sda1
btrfs-filesystem-resize /
btrfs-filesystem-sync /
btrfs-filesystem-balance /
btrfs-balance /
btrfs-filesystem-defragment /
btrfs-balance-cancel /
btrfs-balance-pause /
btrfs-balance-resume /
btrfs-balance-status /
btrfs-device-add "/dev/sdb1" /
btrfs-device-delete "/dev/sdb1" /
btrfs-fsck /dev/sda1
btrfs-image "/dev/sda1" /x
btrfs-qgroup-assign 0/1 1/1 /
btrfs-qgroup-create 0/1 /
btrfs-qgroup-destroy 0/1 /
btrfs-qgroup-limit / 10
btrfs-qgroup-remove 0/1 1/1 /
btrfs-qgroup-show /
btrfs-quota-enable / true
btrfs-quota-rescan /
btrfs-replace /dev/sdb1 /dev/sdb2 /
btrfs-rescue-chunk-recover /dev/sda1
btrfs-rescue-super-recover /dev/sda1
btrfs-scrub-cancel /
btrfs-scrub-resume /
btrfs-scrub-start /
btrfs-scrub-status /
btrfs-set-seeding /dev/sda1 true
btrfs-subvolume-create /sub
btrfs-subvolume-delete /sub
btrfs-subvolume-get-default /
btrfs-subvolume-list /
btrfs-subvolume-set-default 5 /
btrfs-subvolume-show /
btrfs-subvolume-snapshot / /snap
btrfstune-enable-extended-inode-refs /dev/sda1
btrfstune-enable-skinny-metadata-extent-refs /dev/sda1
btrfstune-seeding /dev/sda1 true
mkfs-btrfs "/dev/sdb1"
luks-format /dev/sdb1 0
luks-format-cipher /dev/sdb1 0 aes
luks-open /dev/sda1 x
luks-open-ro /dev/sda1 x
luks-close /dev/mapper/x
luks-add-key /dev/sda1 1
luks-kill-slot /dev/sda1 1
luks-uuid /dev/sda1
cryptsetup-open /dev/sda1 x
cryptsetup-close /dev/mapper/x
ldmtool-scan
ldmtool-scan-devices "/dev/sda"
ldmtool-create-all
ldmtool-remove-all
ldmtool-diskgroup-name x
ldmtool-diskgroup-disks x
ldmtool-diskgroup-volumes x
ldmtool-volume-type x y
ldmtool-volume-hint x y
ldmtool-volume-partitions x y
list-ldm-volumes
list-ldm-partitions
ntfs-3g-probe true /dev/sda1
ntfsfix /dev/sda1
ntfsresize /dev/sda1
ntfsresize-size /dev/sda1 10M
ntfscat-i /dev/sda1 5 @WORK@/@SIDE@-ntfs
ntfsclone-out /dev/sda1 @WORK@/@SIDE@-clone
ntfsclone-in @WORK@/nonexistent /dev/sda1
f2fs-expand /dev/sda1
mksquashfs / @WORK@/@SIDE@-sq
syslinux /dev/sda1
extlinux /
grub-install / /dev/sda
isoinfo /nonexistent
isoinfo-device /dev/sda1
utsname
dmesg
