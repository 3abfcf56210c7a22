/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the appliance layer's files share (not part of its API). */
#ifndef GUESTDRV_APPLIANCE_INTERNAL_H
#define GUESTDRV_APPLIANCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "appliance.h"

/* The Debian packages the appliance is made of (NULL-terminated); part
 * of the cache key.
 */
extern const char *const appliance_packages[];

/* Build the appliance of KIND with supermin from KERNEL, MODULES (NULL:
 * a kernel with its drivers built in) and VERSION into a temporary
 * directory under ROOT, then rename it to FINAL.  0, or -1 with the
 * error set; the temporary directory is removed either way.
 */
int appliance_build (enum appliance_kind kind, const char *root,
                     const char *final, const char *kernel,
                     const char *modules, const char *version);

/* The packaged kernel for KIND: its path, module directory and version
 * (malloc'd).  0, or -1 with the error set (what to install).
 */
int appliance_find_kernel (enum appliance_kind kind, char **kernel,
                           char **modules, char **version);

/* FNV-1a (fnv.c): H extended by N bytes of DATA; the basis is
 * APPLIANCE_FNV_BASIS.
 */
#define APPLIANCE_FNV_BASIS 0xcbf29ce484222325ULL
uint64_t appliance_fnv (uint64_t h, const void *data, size_t n);
/* *H extended by the contents of PATH.  0, or -1 with errno set (*H then
 * covers what was read).
 */
int appliance_fnv_file (uint64_t *h, const char *path);

/* mkdir -p with mode 0755.  0, or -1 with errno set. */
int appliance_mkdir_p (const char *path);

#endif
