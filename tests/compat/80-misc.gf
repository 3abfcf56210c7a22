# The rest of the daemon's commands on the ext4 filesystem (/dev/sda2):
# augeas, inotify, ACLs, capabilities, SELinux, hivex and journal error
# cases, inspection of a disk without an OS, appliance information.
mount /dev/sda2 /
mkdir-p /etc
write /etc/hosts "127.0.0.1 localhost\n"
aug-init / 0
aug-get /files/etc/hosts/1/canonical
aug-set /files/etc/hosts/1/canonical here
aug-get /files/etc/hosts/1/canonical
aug-match /files/etc/hosts/*/ipaddr
aug-ls /files/etc/hosts
aug-defvar h /files/etc/hosts
aug-defnode n /files/etc/hosts/2/ipaddr 10.0.0.1
aug-insert /files/etc/hosts/1/canonical alias false
aug-label /files/etc/hosts/1
aug-setm /files/etc/hosts/* canonical x
aug-clear /files/etc/hosts/1/canonical
aug-mv /files/etc/hosts/2 /files/etc/hosts/3
aug-rm /files/etc/hosts/3
aug-save
aug-load
aug-transform hosts /etc/hosts
aug-get /nonexistent
aug-close
aug-get /files
inotify-init 0
inotify-add-watch / 4095
touch /notified
inotify-files
inotify-read
inotify-rm-watch 1
inotify-close
acl-set-file /notified access "u::rwx,g::r--,o::---"
acl-get-file /notified access
acl-delete-def-file /
acl-get-file /notified nosuch
cap-set-file /notified "cap_net_raw+ep"
cap-get-file /notified
getcon
setcon unconfined_u
selinux-relabel /etc/selinux/none / force:true
hivex-open /nonexistent
hivex-root
hivex-close
hivex-commit /x
hivex-node-name 0
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
hivex-value-string 0
hivex-value-utf8 0
hivex-value-value 0
journal-open /nonexistent
journal-next
journal-skip 1
journal-get-data-threshold
journal-set-data-threshold 0
journal-get-realtime-usec
journal-close
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
mount /dev/sda2 /
initrd-list /nonexistent
initrd-cat /nonexistent x
mount-loop /nonexistent /mnt
mount-9p tag /
modprobe nosuchmodule
rsync / /x
rsync-in rsync://x /
rsync-out / rsync://x
xfs-info /dev/sda1
xfs-growfs /
xfs-admin /dev/sda1
xfs-repair /dev/sda1
fill 65 10 /filled
cat /filled
fill-pattern "ab" 5 /patterned
cat /patterned
equal /filled /filled
equal /filled /patterned
equal /filled /nonexistent
get-umask
umask 022
get-umask
debug help ""
debug nosuch ""
debug-upload @WORK@/nonexistent /x 0644
download-inode /dev/sda2 2 @WORK@/@SIDE@-inode
download-blocks /dev/sda2 0 1 @WORK@/@SIDE@-blocks
yara-load /nonexistent
yara-destroy
available-all-groups
time echo timed
help ping-daemon
help nosuchcommand
launch
run
umount-all
