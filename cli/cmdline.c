/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfish's command-line disk and mount options, applied after all
 * options are read (as guestfish does): -a/--add drives, made read-only
 * by --ro wherever it appears; -N [FILENAME=]TYPE prepared disks (created
 * on the host, prepared by daemon commands right after launch); and
 * -m DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]] mounts, done after that,
 * shortest mount point first so "/" comes before what is under it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../common/error.h"

struct cli_drive { char *path; const char *format, *cache; char *prep; };
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
  d[ndrives] = (struct cli_drive) { strdup (path), format, cache, NULL };
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

/* -N [FILENAME=]TYPE[:ARGS]: guestfish's disk, part, fs, lv and lvfs,
 * with its defaults (1G, mbr, ext2, /dev/VG/LV).  The file is made now
 * (sparse, raw), named test1.img, test2.img, ... unless given; the
 * commands that prepare it run after launch (cli_cmdline_apply_mounts).
 */
int
cli_cmdline_add_prepared (const char *spec)
{
  static unsigned counter;
  char name[4096], prep[8192], *copy, *f[6] = { 0 }, *p, *eq, *colon;
  const char *type, *fs = "ext2", *size = "1G", *ptype = "mbr", *lv = "/dev/VG/LV";
  int nf = 0, fd;
  int64_t bytes;

  counter++;
  if (!(copy = strdup (spec))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  p = copy;
  eq = strchr (p, '=');
  colon = strchr (p, ':');
  if (eq && (!colon || eq < colon)) {
    *eq = '\0';
    snprintf (name, sizeof name, "%s", p);
    p = eq + 1;
  }
  else
    snprintf (name, sizeof name, "test%u.img", counter);
  for (char *tok = p; tok && nf < 6; nf++) {
    f[nf] = tok;
    if ((tok = strchr (tok, ':')))
      *tok++ = '\0';
  }
  type = f[0];
  /* Empty fields keep their defaults, as in guestfish. */
#define OPT(i, var) if (nf > (i) && *f[i]) var = f[i]
  if (strcmp (type, "disk") == 0) {
    OPT (1, size);
    prep[0] = '\0';
  }
  else if (strcmp (type, "part") == 0 || strcmp (type, "fs") == 0) {
    int o = strcmp (type, "fs") == 0;
    if (o) OPT (1, fs);
    OPT (1 + o, size);
    OPT (2 + o, ptype);
    if (o)
      snprintf (prep, sizeof prep, "part-disk @ %s\nmkfs %s @1", ptype, fs);
    else
      snprintf (prep, sizeof prep, "part-disk @ %s", ptype);
  }
  else if (strcmp (type, "lv") == 0 || strcmp (type, "lvfs") == 0) {
    int o = strcmp (type, "lvfs") == 0;
    char vg[256], *slash;
    OPT (1, lv);
    if (o) OPT (2, fs);
    OPT (2 + o, size);
    OPT (3 + o, ptype);
    if (strncmp (lv, "/dev/", 5) != 0 || !(slash = strchr (lv + 5, '/')) ||
        slash == lv + 5 || !slash[1] || strchr (slash + 1, '/')) {
      gd_set_error ("-N %s: '%s' is not /dev/VG/LV", spec, lv);
      free (copy);
      return -1;
    }
    snprintf (vg, sizeof vg, "%.*s", (int) (slash - lv - 5), lv + 5);
    snprintf (prep, sizeof prep,
              "part-disk @ %s\npvcreate @1\nvgcreate %s @1\nlvcreate-free %s %s 100",
              ptype, vg, slash + 1, vg);
    if (o)
      snprintf (prep + strlen (prep), sizeof prep - strlen (prep),
                "\nmkfs %s %s", fs, lv);
  }
  else {
    gd_set_error ("-N %s: unknown type '%s' (disk, part, fs, lv, lvfs)", spec, type);
    free (copy);
    return -1;
  }
#undef OPT
  if (cli_parse_int64 (size, &bytes) == -1 || bytes <= 0) {
    gd_error_prefix ("-N %s: size", spec);
    free (copy);
    return -1;
  }
  fd = open (name, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0666);
  if (fd == -1 || ftruncate (fd, bytes) == -1 || close (fd) == -1) {
    gd_set_error_errno ("-N: %s", name);
    if (fd != -1)
      close (fd);
    free (copy);
    return -1;
  }
  free (copy);
  /* '@' in PREP stands for the disk's device, known after launch. */
  if (cli_cmdline_add_drive (name, "raw", "writeback") == -1)
    return -1;
  if (prep[0] && !(drives[ndrives - 1].prep = strdup (prep))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  return 0;
}

/* Run each prepared disk's commands, '@' replaced by its device. */
static int
run_preparations (struct cli *c)
{
  for (size_t i = 0; i < ndrives; i++) {
    char *line, *save = NULL, *copy;
    if (!drives[i].prep)
      continue;
    if (!(copy = strdup (drives[i].prep))) {
      gd_set_error_errno ("strdup");
      return -1;
    }
    for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
      char buf[1024], *o = buf, **words;
      int n, r;
      for (const char *q = line; *q && o < buf + sizeof buf - 16; q++) {
        if (*q == '@')
          o += sprintf (o, "/dev/sd%c", (char) ('a' + i));
        else
          *o++ = *q;
      }
      *o = '\0';
      if ((n = cli_split_line (buf, &words)) <= 0) {
        free (copy);
        return -1;
      }
      r = cli_run_command (c, n, words);
      cli_free_words (words);
      if (r == -1) {
        free (copy);
        return -1;
      }
    }
    free (copy);
  }
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
  bool prepared = false;

  for (size_t i = 0; i < ndrives; i++)
    prepared |= drives[i].prep != NULL;
  if (prepared && run_preparations (c) == -1)
    return -1;
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
  for (size_t i = 0; i < ndrives; i++) {
    free (drives[i].path);
    free (drives[i].prep);
  }
  for (size_t i = 0; i < nmounts; i++)
    free (mounts[i].dev);
  free (drives);
  free (mounts);
  drives = NULL;
  mounts = NULL;
  ndrives = nmounts = 0;
}
