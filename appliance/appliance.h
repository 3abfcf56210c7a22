/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The appliance layer: builds the appliance with supermin from Debian
 * packages plus our own /init (guest/init.sh, embedded in the binary),
 * caches it per user, keyed by every input, under a lock.
 */
#ifndef GUESTDRV_APPLIANCE_H
#define GUESTDRV_APPLIANCE_H

#include <stdbool.h>

enum appliance_kind { APPLIANCE_QEMU, APPLIANCE_UML };

/* What the appliance layer hands to the launcher. */
struct appliance_files {
  char *kernel, *initrd, *root;   /* initrd NULL when none is needed */
};

struct appliance_info {
  char *dir;              /* cache directory of this appliance */
  bool built;             /* built by this call (else cached) */
  double build_seconds;
  char *kernel_version;
};

/* Find or build the appliance for KIND.  FORCE rebuilds it.  Returns 0 and
 * fills FILES (and INFO if not NULL), or -1 with the error set.
 */
int appliance_get (enum appliance_kind kind, bool force,
                   struct appliance_files *files, struct appliance_info *info);
/* The same for a user's kernel (--kernel/--modules, see kernel.h); USER
 * NULL is the packaged kernel.
 */
struct guest_kernel;
int appliance_get_kernel (enum appliance_kind kind, bool force,
                          const struct guest_kernel *user,
                          struct appliance_files *files,
                          struct appliance_info *info);
void appliance_files_free (struct appliance_files *files);
void appliance_info_free (struct appliance_info *info);
/* The cache root: $GUESTDRV_CACHE, else $XDG_CACHE_HOME/guestdrv, else
 * ~/.cache/guestdrv.  Returns a malloc'd string or NULL.
 */
char *appliance_cache_root (void);

/* Files the build puts into the appliance, embedded at build time: the
 * init script (guest/init.sh) and the UML serial-line relay
 * (guest/uml-relay.c, /usr/bin/guestdrv-relay in the guest).
 */
extern const unsigned char appliance_init_sh[];
extern const unsigned appliance_init_sh_len;
extern const unsigned char appliance_relay_bin[];
extern const unsigned appliance_relay_bin_len;
/* The C /init (guest/init.c); init.sh goes beside it as /init.sh. */
extern const unsigned char appliance_init_bin[];
extern const unsigned appliance_init_bin_len;
/* The udevadm shim (guest/udevadm-shim.c, /usr/sbin/udevadm). */
extern const unsigned char appliance_udevadm_bin[];
extern const unsigned appliance_udevadm_bin_len;

#endif
