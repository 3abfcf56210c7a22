/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: whether any disk carries an LVM physical volume
 * (init-lvm.c).
 */
#ifndef GUESTDRV_INIT_LVM_H
#define GUESTDRV_INIT_LVM_H

#include <stddef.h>

/* 1 when one of the disks in /sys/block (sd*, vd*, ubd*) or one of their
 * partitions has an LVM2 label, else 0.
 */
int init_lvm_pv_present (void);

/* 1 when the first BUF_LEN bytes of a device, BUF, hold an LVM2 label in
 * one of the four sectors LVM looks at.
 */
int init_lvm_label_in (const unsigned char *buf, size_t buf_len);

#endif
