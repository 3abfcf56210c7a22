# Failing commands for test-guestfish-errors.sh, run under guestfish and
# under guestdrv: each line starting with "-" may fail and the script
# goes on.  None prints the appliance's name for the disk (sda or sdb
# from one boot to the next, on either side).
run
mount /dev/sda /
# Daemon errors: "api_name: the daemon's message".
-mkdir /d
-mkdir-p /d/f/x
-mount-ro /dev/sdz1 /mnt
-acl-set-file /nonexist access u::rwx
-rm /nonexist
-rmdir /d/f
-ll /nonexist
-chmod 0777 /nonexist
-truncate-size /d/f -1
-pread /d/f 10 -1
-tune2fs-l /dev/sdz
-blockdev-getsize64 /dev/sda9
-checksum md9 /d/f
-zero-device /dev/sdz
-aug-get /nosuch
-lvcreate lv vgnone 10
# An empty daemon message, and a true answer.
-equal /d/f /nonexist
equal /d/f /d/f
# Host-side commands that call the daemon name the call that failed.
-cat /nonexist
-cat /d
-read-file /nonexist
-ls /nonexist
-find /nonexist
-write-append /nonexist/x y
-download /nonexist -
-tar-out /nonexist -
-glob rm /nonexist*
# The host's own errors.
-upload /nonexistent-host-file /d/h
-copy-in /nonexistent-host /d
-copy-out /nonexist .
-sparse /nonexistent-dir/x 10M
-available nosuchgroup
-add /nonexistent.img
-disk-create unused.img vmdk 10M
-disk-create unused.img raw 10M preallocation:bogus
-disk-create unused.img raw -1
-disk-create unused.img raw 10M bogus:1
-disk-create unused.img raw x
-sparse unused.img -5
-alloc unused.img x
# GUIDs are checked on the host (braces allowed, letters not only hex).
-part-set-gpt-type /dev/sda 1 notaguid
-part-set-disk-guid /dev/sda 1234
-part-set-gpt-guid /dev/sda 1 {01234567-89AB-CDEF-0123-456789ABCDEF
# guestfish's own parser.
-no-such-command
-mkdir-p
-mkdir-p a b
-tar-out /a b numericowner:maybe
-tar-out /a b bogus:1
-add-drive /nonexistent.img bogus:1
-resize2fs-size /dev/sda 1x
-resize2fs-size /dev/sda x
-part-get-gpt-type /dev/sda 99999999999
-mkdir-mode /x 99999999999999999999
-time mkdir-p
glob echo /nonexist*
# Output forms.
get-umask
umask 077
get-umask
version
echo done
