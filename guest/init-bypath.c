/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: the /dev/disk/by-path links guestfsd reads at start-up
 * (guestfsd 1.48 lists that directory with `ls -1v`, drops the
 * appliance's root and maps /dev/sda, /dev/sdb... to the entries in
 * that order), made from /sys/block without udev.
 *
 * The order must be the hypervisor's, not the kernel's names: the SCSI
 * disk driver probes asynchronously, so with two -a disks sda is
 * sometimes the second one.  qemu gives each virtio-scsi disk the next
 * target in command-line order, so the H:C:T:L address is the order.
 *
 * A guest program: plain libc, nothing from libguestdrv.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "init-bypath.h"

struct disk {
  char *name;
  int rank;                     /* class (sd, vd, ubd) and name length */
  int have_addr;                /* addr[] was read from the device link */
  unsigned long addr[4];        /* SCSI H:C:T:L, or virtioN in addr[0] */
};

/* sd? sd?? vd? vd?? ubd? ubd??: class * 2 + (letters - 1), or -1. */
static int
disk_rank (const char *name)
{
  static const char *const prefix[] = { "sd", "vd", "ubd" };
  for (int p = 0; p < 3; p++) {
    size_t pl = strlen (prefix[p]), n = strlen (name);
    if (strncmp (name, prefix[p], pl) != 0 || n < pl + 1 || n > pl + 2)
      continue;
    for (size_t i = pl; i < n; i++)
      if (name[i] < 'a' || name[i] > 'z')
        return -1;
    return p * 2 + (int) (n - pl - 1);
  }
  return -1;
}

/* The address at the end of SYSBLOCK/NAME/device: "H:C:T:L" for SCSI,
 * "virtioN" for virtio-blk.  Returns 1 if read.
 */
static int
disk_addr (const char *sysblock, struct disk *d)
{
  char path[PATH_MAX], target[PATH_MAX];
  const char *last;
  ssize_t len;
  int used = 0;

  if (snprintf (path, sizeof path, "%s/%s/device", sysblock, d->name)
      >= (int) sizeof path)
    return 0;
  len = readlink (path, target, sizeof target - 1);
  if (len <= 0)
    return 0;
  target[len] = '\0';
  last = strrchr (target, '/');
  last = last ? last + 1 : target;
  if (d->rank / 2 == 0)
    return sscanf (last, "%lu:%lu:%lu:%lu%n", &d->addr[0], &d->addr[1],
                   &d->addr[2], &d->addr[3], &used) == 4
           && last[used] == '\0';
  if (d->rank / 2 == 1)
    return sscanf (last, "virtio%lu%n", &d->addr[0], &used) == 1
           && last[used] == '\0';
  return 0;                     /* ubd: the name is the order */
}

static int
disk_cmp (const void *a, const void *b)
{
  const struct disk *x = a, *y = b;

  if (x->rank / 2 != y->rank / 2)
    return x->rank / 2 - y->rank / 2;
  if (x->have_addr != y->have_addr)
    return y->have_addr - x->have_addr;
  if (x->have_addr)
    for (int i = 0; i < 4; i++)
      if (x->addr[i] != y->addr[i])
        return x->addr[i] < y->addr[i] ? -1 : 1;
  return x->rank != y->rank ? x->rank - y->rank : strcmp (x->name, y->name);
}

size_t
init_by_path_order (const char *sysblock, char **names, size_t max)
{
  struct disk disks[BY_PATH_MAX];
  size_t n = 0;
  DIR *dir = opendir (sysblock);
  struct dirent *e;

  if (!dir)
    return 0;
  if (max > BY_PATH_MAX)
    max = BY_PATH_MAX;
  while ((e = readdir (dir)) != NULL && n < max) {
    struct disk *d = &disks[n];
    memset (d, 0, sizeof *d);
    d->rank = disk_rank (e->d_name);
    if (d->rank < 0 || !(d->name = strdup (e->d_name)))
      continue;
    d->have_addr = disk_addr (sysblock, d);
    n++;
  }
  closedir (dir);
  qsort (disks, n, sizeof disks[0], disk_cmp);
  for (size_t i = 0; i < n; i++)
    names[i] = disks[i].name;
  return n;
}

void
init_by_path (void)
{
  char *names[BY_PATH_MAX];
  size_t n = init_by_path_order ("/sys/block", names, BY_PATH_MAX);

  mkdir ("/dev/disk", 0755);
  mkdir ("/dev/disk/by-path", 0755);
  for (size_t i = 0; i < n; i++) {
    char link[64], target[64];
    snprintf (link, sizeof link, "/dev/disk/by-path/guestdrv-disk-%03zu", i);
    snprintf (target, sizeof target, "../../%s", names[i]);
    unlink (link);
    if (symlink (target, link) != 0)
      perror (link);
    free (names[i]);
  }
}
