/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A kernel given with --kernel (and --modules): its version, its module
 * directory, its configuration as far as it can be read, and whether it
 * has what the appliance needs (appliance/kernel.c).  The appliance layer
 * builds the appliance for it and keys the cache by its identity.
 */
#ifndef GUESTDRV_APPLIANCE_KERNEL_H
#define GUESTDRV_APPLIANCE_KERNEL_H

#include <stdint.h>

#include "appliance.h"

struct guest_kernel {
  char *path;             /* as given, made absolute */
  char *modules;          /* lib/modules/<version> dir, NULL: none given */
  char *version;          /* uname -r of the kernel */
  char *config;           /* the kernel's .config text, NULL if unreadable */
  char *config_source;    /* where CONFIG came from ("linux --showconfig") */
  uint64_t id;            /* hash of the kernel file and the module list */
};

/* Read what can be known about PATH (and MODULES, may be NULL) for KIND.
 * Returns 0, or -1 with the error set: PATH missing or not a kernel of
 * that kind, MODULES not a module tree, or a version mismatch.
 */
int guest_kernel_open (enum appliance_kind kind, const char *path,
                       const char *modules, struct guest_kernel *k);
/* Does K have what the appliance needs (the channel, the disk driver,
 * ext2, devtmpfs, ...) built in, or as a module in its module tree?
 * Returns 0, or -1 with an error naming the first missing CONFIG_ option.
 * A kernel whose configuration cannot be read passes (said under -v).
 */
int guest_kernel_check (enum appliance_kind kind, const struct guest_kernel *k);
void guest_kernel_free (struct guest_kernel *k);

/* The value of CONFIG_NAME in a .config text: 'y', 'm', or 0 when unset. */
char guest_kernel_config_value (const char *config, const char *name);

#endif
