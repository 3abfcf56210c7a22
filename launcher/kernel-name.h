/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --kernel NAME: guestdrv's own UML kernels by name (kernel/build-uml.sh
 * caches them), besides a path.
 *
 *   stock          the packaged kernel (Debian's /usr/bin/linux.uml for
 *                  UML, the host's for qemu): no override
 *   guestdrv       6.1 with kernel/patches (make uml-kernel)
 *   guestdrv-6.12  6.12 with kernel/patches/6.12 (make uml-kernel-6.12)
 *   control, control-6.12   the same sources without the fixes
 *
 * A name resolves to <cache root>/kernels/<name>/linux, a link the build
 * script points at the last kernel it built.  Anything else is a path
 * (write ./guestdrv for a file of that name).
 */
#ifndef GUESTDRV_LAUNCHER_KERNEL_NAME_H
#define GUESTDRV_LAUNCHER_KERNEL_NAME_H

#include "../appliance/appliance.h"

/* Whether ARG is one of the names above. */
int kernel_name_is_name (const char *arg);

/* Resolve ARG: *PATH gets a malloc'd path (a name's cached kernel, or ARG
 * itself), or NULL for stock.  -1 with the error set when a named kernel
 * has not been built (the message says how to build it) or on ENOMEM.
 */
int kernel_name_resolve (const char *arg, char **path);

/* Whether the kernel ARG names boots on backends of appliance KIND:
 * stock and a path on every backend (a path's kind shows at launch),
 * guestdrv's own kernels under UML only.
 */
int kernel_name_boots (const char *arg, enum appliance_kind kind);

#endif
