#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv appliance /init: ours, not libguestfs's.  Lean on purpose: it
# mounts what guestfsd needs, makes /dev/disk/by-path (guestfsd lists it at
# start-up and builds its /dev/sdX translation from it), and starts the
# daemon.  udev and MD scans are opt-in (guestdrv.udev=1, guestdrv.md=1
# on the kernel command line): the published start-up analysis found most
# of the time going there.  LVM's runs when a disk has a PV (or
# guestdrv.lvm=1).
#
# Each stage prints "guestdrv-mark <guest-uptime> <stage>" on the console;
# the host time-stamps the line when it arrives.  Runs under qemu and UML.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mark () {
    read -r up rest < /proc/uptime
    echo "guestdrv-mark $up $*"
    # The same mark in the kernel log gets the printk clock too: the host
    # maps the kernel's timestamps onto its own clock with these pairs.
    [ -c /dev/kmsg ] && echo "<6>guestdrv-mark $up $*" 2>/dev/null > /dev/kmsg
    :
}

# Booted straight from the ext2 root (UML: root=/dev/ubdX, no initrd),
# the mount points are ours to make: supermin's root has none.
[ -d /proc ] || mkdir -p /proc /sys /dev 2>&-
mount -t proc proc /proc 2>/dev/null
mark init-start
mount -t sysfs sysfs /sys 2>/dev/null
# Sources, sizes and /tmp on the root as libguestfs's appliance (df).
mount -t devtmpfs /dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run /tmp /sysroot
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 shmfs /dev/shm
mount -t tmpfs -o nosuid,size=20%,mode=0755 tmpfs /run
mkdir -p /tmp && chmod 1777 /tmp
ln -sf /proc/self/fd /dev/fd 2>/dev/null
# The loop driver's control node (kmod's static node): loop loads on demand.
[ -e /dev/loop-control ] || mknod -m 600 /dev/loop-control c 10 237 2>/dev/null
mark mounts

channel=
ackline=
backend=qemu
udev=0 lvm=0 md=0 dverbose= noflush= vblk=0 writeback=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        guestfs_channel=*) channel="${arg#guestfs_channel=}" ;;
        guestdrv.ack=*) ackline="${arg#guestdrv.ack=}" ;;
        guestdrv.backend=*) backend="${arg#guestdrv.backend=}" ;;
        guestdrv.udev=1) udev=1 ;;
        guestdrv.lvm=1) lvm=1 ;;
        guestdrv.md=1) md=1 ;;
        guestdrv.verbose=1) dverbose=-v ;;
        guestdrv.noflush=*) noflush="${arg#guestdrv.noflush=}" ;;
        guestdrv.vblk=*) vblk="${arg#guestdrv.vblk=}" ;;
        guestdrv.writeback=*) writeback="${arg#guestdrv.writeback=}" ;;
    esac
done

# The virtio-serial port needs virtio_console (a module in Debian's kernel
# and in Debian's UML).  UML on its serial line names the line instead.
if [ -z "$channel" ] && [ ! -e /dev/virtio-ports/org.libguestfs.channel.0 ]; then
    modprobe virtio_console 2>/dev/null
    i=0
    while [ ! -e /dev/virtio-ports/org.libguestfs.channel.0 ] && [ $i -lt 50 ]; do
        # Without udev the symlink is ours to make, from sysfs.
        for p in /sys/class/virtio-ports/vport*; do
            [ -r "$p/name" ] || continue
            n=$(cat "$p/name")
            mkdir -p /dev/virtio-ports
            [ -n "$n" ] && ln -sf "../${p##*/}" "/dev/virtio-ports/$n"
        done
        [ -e /dev/virtio-ports/org.libguestfs.channel.0 ] && break
        sleep 0.1; i=$((i+1))
    done
    mark modules
fi

# UML with --uml-disk vhost-user: N virtio disks (virtio_blk is a module
# in Debian's UML); wait for them all, bounded, before naming them.
if [ "$vblk" -gt 0 ] 2>/dev/null; then
    modprobe virtio_blk 2>/dev/null
    i=0
    while [ $i -lt 100 ]; do
        n=0
        for p in /sys/block/vd?; do [ -e "$p" ] && n=$((n+1)); done
        [ $n -ge "$vblk" ] && break
        sleep 0.05; i=$((i+1))
    done
    mark vblk
fi

# No host name, as libguestfs's appliance ("(none)", in LVM's metadata).
ip link set lo up 2>/dev/null

if [ $udev = 1 ] && [ -x /lib/systemd/systemd-udevd ]; then
    /lib/systemd/systemd-udevd --daemon
    udevadm trigger --type=devices --action=add
    udevadm settle --timeout=60
    mark udev-settle
else
    # guestfsd only needs whole-disk links in /dev/disk/by-path, in the
    # order of the user's disks; it leaves out the appliance's own root
    # itself and lists the rest with ls -1v.  The order is the
    # hypervisor's, not the kernel's names (SCSI probes asynchronously):
    # SCSI by H:C:T:L, virtio-blk by virtioN, UBD by name; no address:
    # last in its class.  guest/init-bypath.c does the same.
    mkdir -p /dev/disk/by-path
    i=0
    for p in /sys/block/sd? /sys/block/sd?? /sys/block/vd? /sys/block/vd?? \
             /sys/block/ubd? /sys/block/ubd??; do
        [ -e "$p" ] || continue
        n=${p##*/}; a=$(readlink "$p/device" 2>/dev/null); a=${a##*/}
        case $a in *[!0-9:]*|'') a=none ;; esac          # SCSI: digits, ':'
        case $n:$a in
            sd*:*[0-9]:*[0-9]:*[0-9]:*[0-9]) k="0 0 $(echo "$a" | tr : ' ')" ;;
            sd*) k="0 1 0 0 0 0" ;;
            *) a=$(readlink "$p/device" 2>/dev/null); a=${a##*/virtio}
               case $n:$a in
                   vd*:*[!0-9]*|vd*:) k="1 1 0 0 0 0" ;;
                   vd*) k="1 0 $a 0 0 0" ;;
                   *) k="2 1 0 0 0 0" ;;
               esac ;;
        esac
        # The glob order breaks ties (sd? before sd??).
        echo "$k $i $n"; i=$((i+1))
    done | sort -n -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6 -k7,7 | {
        i=0
        while read -r _ _ _ _ _ _ _ n; do
            ln -sf "../../$n" "/dev/disk/by-path/guestdrv-disk-$(printf %03d $i)"
            i=$((i+1))
        done
    }
    mark by-path
    # libdevmapper makes the dm nodes and LV links itself (no udevd).
    export DM_DISABLE_UDEV=1
    mkdir -p /dev/mapper
fi

# --cache unsafe under UML (and UML's scratch root): with the queue in
# "write through" mode the block layer sends the disk no flushes, so the
# host never fsyncs the image.
for d in $(echo "$noflush" | tr , ' '); do
    echo "write through" > "/sys/block/$d/queue/write_cache" 2>/dev/null
done

# vhost-user disks whose cache mode wants the guest's flushes: a volatile
# write cache, so fsync sends a flush (the device starts "write through").
for d in $(echo "$writeback" | tr , ' '); do
    echo "write back" > "/sys/block/$d/cache_type" 2>/dev/null ||
        echo "write back" > "/sys/block/$d/queue/write_cache" 2>/dev/null
done

if [ $md = 1 ] && command -v mdadm >/dev/null; then
    mdadm -As --auto=yes --no-degraded 2>&1
    mark md-scan
fi
# UML's kernel loads no module on demand here: device-mapper for LVM.
if [ "$backend" = uml ]; then
    modprobe dm_mod 2>/dev/null
    mark dm-mod
fi
# Volume groups active before the first command, as libguestfs, when a
# disk or partition has an LVM2 label (init-lvm.c's test, by blkid here).
if [ $lvm = 0 ] && blkid -t TYPE=LVM2_member >/dev/null 2>&1; then
    lvm=1
fi
if [ $lvm = 1 ] && command -v lvm >/dev/null; then
    lvm vgchange -aay --sysinit 2>&1
    mark lvm-scan
fi

mark daemon-exec
if [ -n "$channel" ] && [ -n "$ackline" ]; then
    # UML: the serial line with an acknowledged window (the relay reads the
    # line and acks on the second one; see channel/serial-window.h).
    guestdrv-relay "$channel" "$ackline" guestfsd $dverbose --channel fd:3
elif [ -n "$channel" ]; then
    guestfsd $dverbose --channel "$channel"
else
    guestfsd $dverbose
fi
mark daemon-exit "$?"

sync
if [ "$backend" = uml ]; then
    # A UML reboot restarts the kernel; a power-off ends the process with
    # status 0.  The appliance has no poweroff binary (no systemd-sysv), and
    # init exiting makes UML panic and abort (SIGABRT, maybe a core file):
    # the sysrq trigger powers off from /proc alone.
    echo o > /proc/sysrq-trigger
    sleep 5
else
    # Under qemu a reboot ends qemu (-no-reboot).  Same reason: no reboot
    # binary, so ask the kernel.
    echo b > /proc/sysrq-trigger
    sleep 5
fi
