# The second disk (/dev/sdb, used by 70-disk-b and 75-lvm): not in the
# check slice, because with two disks the kernel may name them in either
# order, and guestdrv's appliance does not yet always give the first
# image sda (seen once in ten runs here).
sparse @WORK@/@SIDE@-b.img 128M
debug-drives
