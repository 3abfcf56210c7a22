/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --gdb hooks for the backends (launcher/gdb.c). */
#ifndef GUESTDRV_LAUNCHER_GDB_H
#define GUESTDRV_LAUNCHER_GDB_H

#include "launcher-internal.h"

/* qemu: the gdbstub socket in TMPDIR and -S when --gdb.  0, or -1 (out
 * of memory).
 */
int gdb_qemu_args (const struct launch_config *cfg, const char *tmpdir,
                   struct args *a);
/* After the hypervisor started: how to attach (stderr with --gdb, the
 * debug log under -v).  KERNEL: the UML binary, for its symbols.
 */
void gdb_announce (const struct launch_config *cfg, const struct hv *hv,
                   const char *kernel);

#endif
