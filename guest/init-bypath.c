/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: the /dev/disk/by-path links guestfsd reads at start-up
 * (it lists that directory and derives its /dev/sdX translation from
 * it), made from /sys/block without udev.
 *
 * A guest program: plain libc, nothing from libguestdrv.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "init-bypath.h"

#define BY_PATH_MAX 256

/* The shell's glob order: sd? sd?? vd? vd?? ubd? ubd?? (each sorted). */
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

static int
disk_cmp (const void *a, const void *b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  int rx = disk_rank (x), ry = disk_rank (y);
  return rx != ry ? rx - ry : strcmp (x, y);
}

/* guestfsd only needs whole-disk links in /dev/disk/by-path, in the
 * order of the user's disks; it leaves out the appliance's own root.
 */
void
init_by_path (void)
{
  char *names[BY_PATH_MAX];
  size_t n = 0;
  DIR *d = opendir ("/sys/block");
  struct dirent *e;

  mkdir ("/dev/disk", 0755);
  mkdir ("/dev/disk/by-path", 0755);
  if (!d)
    return;
  while ((e = readdir (d)) != NULL && n < BY_PATH_MAX)
    if (disk_rank (e->d_name) >= 0 && (names[n] = strdup (e->d_name)))
      n++;
  closedir (d);
  qsort (names, n, sizeof names[0], disk_cmp);
  for (size_t i = 0; i < n; i++) {
    char link[64], target[64];
    snprintf (link, sizeof link, "/dev/disk/by-path/guestdrv-disk-%zu", i);
    snprintf (target, sizeof target, "../../%s", names[i]);
    unlink (link);
    symlink (target, link);
    free (names[i]);
  }
}
