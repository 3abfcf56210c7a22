/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: /dev/disk/by-path without udev (init-bypath.c). */
#ifndef GUESTDRV_INIT_BYPATH_H
#define GUESTDRV_INIT_BYPATH_H

#include <stddef.h>

/* At most this many whole disks get a link (guestdrv allows 24 user
 * disks plus the appliance; UML 15).
 */
#define BY_PATH_MAX 256

/* The whole disks (sd*, vd*, ubd*) in SYSBLOCK (normally /sys/block) in
 * the hypervisor's order, not the kernel's naming: SCSI disks by their
 * H:C:T:L address, virtio-blk disks by their virtioN index, UBD by
 * name; a disk whose address cannot be read sorts after its class's
 * others, by name.  Fills NAMES (malloc'd, caller frees) with up to MAX
 * names; returns how many.
 */
size_t init_by_path_order (const char *sysblock, char **names, size_t max);

/* Links /dev/disk/by-path/guestdrv-disk-NNN -> ../../<disk> in that
 * order, NNN zero-padded so that any sort (guestfsd 1.48 lists the
 * directory with ls -1v) keeps it.
 */
void init_by_path (void);

#endif
