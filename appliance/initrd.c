/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A smaller supermin initrd (see initrd.h).
 *
 * supermin's mini initrd is a newc cpio of its static init, a "modules"
 * file and every module of a fixed pattern list (virtio*, nvdimm, crc*,
 * scsi, ext4, ...: 52 with Debian 12's kernel), which its init insmods in
 * the listed order before it looks for the root.  The appliance needs
 * only what finds and mounts the root, plus virtio_console for the
 * channel (loaded here, so /init runs no modprobe).  Everything else
 * stays loadable from the root's /lib/modules.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "initrd.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../common/tmpdir.h"

#define STEP_TIMEOUT_MS 120000
#define MAX_MODULES 512

/* The roots of the kept set; their dependencies come from modinfo.  The
 * crypto backends are soft dependencies modinfo does not list.
 */
static const char *const wanted[] = {
  "virtio_pci", "virtio_scsi", "sd_mod", "ext4", "virtio_console",
  "crc32c_generic", "crct10dif_generic", "crc64_rocksoft_generic",
  NULL
};

/* Module names treat '-' and '_' alike; FILE is "name.ko". */
static int
same_module (const char *file, const char *name, size_t namelen)
{
  size_t i;

  for (i = 0; i < namelen; i++) {
    char a = file[i] == '-' ? '_' : file[i], b = name[i] == '-' ? '_' : name[i];
    if (a == '\0' || a != b)
      return 0;
  }
  return strcmp (file + i, ".ko") == 0;
}

struct modlist {
  char *file[MAX_MODULES];
  int keep[MAX_MODULES];
  size_t n;
};

static long
find_module (const struct modlist *m, const char *name, size_t len)
{
  for (size_t i = 0; i < m->n; i++)
    if (same_module (m->file[i], name, len))
      return (long) i;
  return -1;
}

/* Mark module I and, through modinfo's depends field, what it needs. */
static int
keep_module (struct modlist *m, const char *dir, size_t i, unsigned depth)
{
  char path[4200], *out = NULL;
  const char *argv[] = { "modinfo", "-F", "depends", path, NULL };

  if (m->keep[i])
    return 0;
  if (depth > 32) {
    gd_set_error ("initrd: module dependencies too deep at %s", m->file[i]);
    return -1;
  }
  m->keep[i] = 1;
  snprintf (path, sizeof path, "%s/%s", dir, m->file[i]);
  if (gd_run ((char *const *) argv, NULL, STEP_TIMEOUT_MS, &out) != 0) {
    gd_set_error ("initrd: modinfo %s failed", m->file[i]);
    free (out);
    return -1;
  }
  for (char *p = out; p && *p; ) {
    size_t len = strcspn (p, ",\n");
    long j = len ? find_module (m, p, len) : -1;
    if (len && j < 0) {
      gd_set_error ("initrd: %s needs %.*s, which is not in the initrd",
                    m->file[i], (int) len, p);
      free (out);
      return -1;
    }
    if (j >= 0 && keep_module (m, dir, j, depth + 1) == -1) {
      free (out);
      return -1;
    }
    p += len;
    p += strspn (p, ",\n");
  }
  free (out);
  return 0;
}

static int
sh_step (const char *script, const char *a1, const char *a2)
{
  const char *argv[] = { "sh", "-c", script, "sh", a1, a2, NULL };

  return gd_run_step ((char *const *) argv, NULL, STEP_TIMEOUT_MS,
                      "initrd: '%s'", script);
}

int
initrd_trim (const char *initrd, const char *workdir)
{
  char dir[4200], path[4300], tmp[4300], line[256];
  struct modlist m = { .n = 0 };
  size_t kept = 0;
  FILE *fp;
  int r = -1;

  snprintf (dir, sizeof dir, "%s/initrd.d", workdir);
  if (mkdir (dir, 0755) == -1) {
    gd_set_error_errno ("mkdir %s", dir);
    return -1;
  }
  if (sh_step ("cd \"$1\" && cpio -id --quiet < \"$2\"", dir, initrd) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/modules", dir);
  if (!(fp = fopen (path, "re"))) {
    gd_set_error_errno ("initrd: %s (not a supermin initrd?)", path);
    goto out;
  }
  while (fgets (line, sizeof line, fp) && m.n < MAX_MODULES) {
    line[strcspn (line, "\n")] = '\0';
    if (line[0] && !strchr (line, '/') && (m.file[m.n] = strdup (line)))
      m.n++;
  }
  fclose (fp);

  for (size_t w = 0; wanted[w]; w++) {
    long i = find_module (&m, wanted[w], strlen (wanted[w]));
    /* Built into the kernel, or not offered: nothing to load. */
    if (i >= 0 && keep_module (&m, dir, i, 0) == -1)
      goto out;
  }

  /* The same order as supermin's list: it is the load order. */
  if (!(fp = fopen (path, "we"))) {
    gd_set_error_errno ("initrd: %s", path);
    goto out;
  }
  for (size_t i = 0; i < m.n; i++) {
    if (m.keep[i]) {
      fprintf (fp, "%s\n", m.file[i]);
      kept++;
    }
    else {
      snprintf (tmp, sizeof tmp, "%s/%s", dir, m.file[i]);
      unlink (tmp);
    }
  }
  if (fclose (fp) == EOF) {
    gd_set_error_errno ("initrd: %s", path);
    goto out;
  }
  snprintf (tmp, sizeof tmp, "%s.trim", initrd);
  if (sh_step ("cd \"$1\" && find . | LC_ALL=C sort | cpio -o -H newc --quiet > \"$2\"",
               dir, tmp) == -1)
    goto out;
  if (rename (tmp, initrd) == -1) {
    gd_set_error_errno ("initrd: rename %s", tmp);
    unlink (tmp);
    goto out;
  }
  gd_debug ("appliance", "initrd: kept %zu of %zu modules", kept, m.n);
  r = 0;
 out:
  for (size_t i = 0; i < m.n; i++)
    free (m.file[i]);
  if (gd_tree_remove (dir) == -1)
    gd_debug ("appliance", "initrd: %s", gd_get_error ());
  return r;
}
