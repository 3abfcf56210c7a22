/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FNV-1a, 64 bits: the appliance cache key and a user kernel's id.  Not
 * cryptographic: it tells inputs apart, it does not defend against
 * someone choosing them (the cache is the user's own).
 */
#include <fcntl.h>
#include <unistd.h>

#include "appliance-internal.h"

uint64_t
appliance_fnv (uint64_t h, const void *data, size_t n)
{
  const unsigned char *p = data;

  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

int
appliance_fnv_file (uint64_t *h, const char *path)
{
  unsigned char buf[65536];
  ssize_t r;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1)
    return -1;
  while ((r = read (fd, buf, sizeof buf)) > 0)
    *h = appliance_fnv (*h, buf, (size_t) r);
  close (fd);
  return r < 0 ? -1 : 0;
}
