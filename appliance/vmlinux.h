/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uncompressed kernel (ELF vmlinux) inside a bzImage, for qemu's PVH
 * entry: no firmware boot path and no decompression under TCG.
 */
#ifndef GUESTDRV_VMLINUX_H
#define GUESTDRV_VMLINUX_H

/* The ELF inside BZIMAGE, extracted once into DIR/vmlinux (DIR is an
 * appliance cache directory, held under the cache lock by the caller).
 * *OUT gets a malloc'd path, or NULL when the kernel has no XZ payload or
 * no PVH entry note (then boot the bzImage).  -1 with the error set only
 * on a host failure (no memory, rename).
 */
int vmlinux_get (const char *bzimage, const char *dir, char **out);
/* 1 if the ELF at PATH is x86-64 with the Xen PHYS32_ENTRY (PVH) note, 0
 * if not (or not such an ELF), -1 if it cannot be read.
 */
int vmlinux_has_pvh_note (const char *path);

#endif
