/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cache modes --cache takes: qemu's cache= values, written once.
 * Each backend maps them its own way (qemu passes them on; UML's
 * launcher/uml-cmdline.c and uml-vhost-blk.c say what each becomes or
 * why it is refused), and every list in help, errors and the bench
 * comes from this table.
 */
#include <stdio.h>
#include <string.h>

#include "disk.h"

const struct disk_cache_mode disk_cache_modes[] = {
  /* name, bench order, write cost */
  { "none", 1, 1.5 },
  { "writeback", 0, 1.0 },
  { "writethrough", 3, 4.0 },
  { "directsync", 4, 4.0 },
  { "unsafe", 2, 0.7 },
};
const size_t disk_ncache_modes =
  sizeof disk_cache_modes / sizeof disk_cache_modes[0];

const struct disk_cache_mode *
disk_cache_lookup (const char *name)
{
  for (size_t i = 0; i < disk_ncache_modes; i++)
    if (strcmp (disk_cache_modes[i].name, name) == 0)
      return &disk_cache_modes[i];
  return NULL;
}

void
disk_cache_list (char *buf, size_t len, const char *sep)
{
  size_t used = 0;

  if (len == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < disk_ncache_modes && used < len; i++) {
    int n = snprintf (buf + used, len - used, "%s%s", i ? sep : "",
                      disk_cache_modes[i].name);
    if (n < 0)
      break;
    used += (size_t) n;
  }
}
