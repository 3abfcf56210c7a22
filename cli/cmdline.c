/* guestfish's command-line disk and mount options, applied after all
 * options are read (as guestfish does): -a/--add drives, made read-only
 * by --ro wherever it appears, and -m DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]
 * mounts, done right after launch, shortest mount point first so "/"
 * comes before what is mounted under it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

struct cli_drive { char *path; const char *format, *cache; };
struct cli_mount { char *dev, *mp, *opts, *fstype; };

static struct cli_drive *drives;
static size_t ndrives;
static struct cli_mount *mounts;
static size_t nmounts;

int
cli_cmdline_add_drive (const char *path, const char *format, const char *cache)
{
  struct cli_drive *d = realloc (drives, (ndrives + 1) * sizeof *d);

  if (!d) {
    gd_set_error_errno ("realloc");
    return -1;
  }
  drives = d;
  d[ndrives] = (struct cli_drive) { strdup (path), format, cache };
  if (!d[ndrives].path) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  ndrives++;
  return 0;
}

int
cli_cmdline_add_mount (const char *spec)
{
  struct cli_mount *m = realloc (mounts, (nmounts + 1) * sizeof *m), *n;
  char *s, *p;

  if (!m) {
    gd_set_error_errno ("realloc");
    return -1;
  }
  mounts = m;
  if (!(s = strdup (spec))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  n = &m[nmounts];
  *n = (struct cli_mount) { s, (char *) "/", (char *) "", NULL };
  if ((p = strchr (s, ':'))) {
    *p++ = '\0';
    n->mp = p;
    if ((p = strchr (p, ':'))) {
      *p++ = '\0';
      n->opts = p;
      if ((p = strchr (p, ':'))) {
        *p++ = '\0';
        n->fstype = p;
      }
    }
  }
  if (!*s || n->mp[0] != '/') {
    gd_set_error ("-m '%s': expected DEVICE[:MOUNTPOINT[:OPTIONS[:FSTYPE]]] with an absolute mount point", spec);
    free (s);
    return -1;
  }
  nmounts++;
  return 0;
}

int
cli_cmdline_apply_drives (struct cli *c)
{
  for (size_t i = 0; i < ndrives; i++)
    if (session_add_drive (c->s, drives[i].path, drives[i].format,
                           drives[i].cache, c->read_only) == -1)
      return -1;
  return 0;
}

static int
cmp_mount (const void *a, const void *b)
{
  size_t la = strlen (((const struct cli_mount *) a)->mp);
  size_t lb = strlen (((const struct cli_mount *) b)->mp);

  return la < lb ? -1 : la > lb;
}

int
cli_cmdline_apply_mounts (struct cli *c)
{
  if (nmounts == 0)
    return 0;
  qsort (mounts, nmounts, sizeof *mounts, cmp_mount);
  for (size_t i = 0; i < nmounts; i++) {
    struct cli_mount *m = &mounts[i];
    char opts[4096];
    char *argv[6];
    int argc = 0;

    /* --ro mounts read-only too, as guestfish's mount-ro does. */
    snprintf (opts, sizeof opts, "%s%s%s", c->read_only ? "ro" : "",
              c->read_only && *m->opts ? "," : "", m->opts);
    if (m->fstype) {
      argv[argc++] = (char *) "mount-vfs";
      argv[argc++] = opts;
      argv[argc++] = m->fstype;
    }
    else {
      argv[argc++] = (char *) "mount-options";
      argv[argc++] = opts;
    }
    argv[argc++] = m->dev;
    argv[argc++] = m->mp;
    argv[argc] = NULL;
    if (cli_run_command (c, argc, argv) == -1)
      return -1;
  }
  return 0;
}

void
cli_cmdline_free (void)
{
  for (size_t i = 0; i < ndrives; i++)
    free (drives[i].path);
  for (size_t i = 0; i < nmounts; i++)
    free (mounts[i].dev);
  free (drives);
  free (mounts);
  drives = NULL;
  mounts = NULL;
  ndrives = nmounts = 0;
}
