# slice: check
# Host-side disk queries (qemu-img on the host) and the disks added.
disk-format @WORK@/base.img
disk-format @WORK@/overlay.qcow2
disk-virtual-size @WORK@/base.img
disk-virtual-size @WORK@/overlay.qcow2
disk-has-backing-file @WORK@/base.img
disk-has-backing-file @WORK@/overlay.qcow2
disk-format @WORK@/nonexistent.img
disk-virtual-size @WORK@/nonexistent.img
disk-has-backing-file @WORK@/nonexistent.img
debug-drives
