/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: /dev/disk/by-path without udev (init-bypath.c). */
#ifndef GUESTDRV_INIT_BYPATH_H
#define GUESTDRV_INIT_BYPATH_H

/* Links guestdrv-disk-N -> ../../<disk> for the whole disks in
 * /sys/block, in the shell's glob order (sd? sd?? vd? vd?? ubd? ubd??).
 */
void init_by_path (void);

#endif
