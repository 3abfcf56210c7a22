/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trim supermin's mini initrd to the modules that find and mount the
 * appliance root (virtio-pci, virtio-scsi, sd, ext4) and virtio_console,
 * with their dependencies, in supermin's load order.
 */
#ifndef GUESTDRV_INITRD_H
#define GUESTDRV_INITRD_H

/* Rewrite INITRD (a supermin initrd: newc cpio of init, modules, *.ko)
 * in place, using WORKDIR for scratch files.  0, or -1 with the error
 * set and INITRD unchanged.
 */
int initrd_trim (const char *initrd, const char *workdir);

#endif
