/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Disk images made on the host, as guestfish's library does: sparse and
 * alloc create a zeroed raw image (sparse, or with its blocks allocated)
 * and add it; disk-create makes a raw or qcow2 image (qemu-img) without
 * adding it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lib.h"
#include "../common/error.h"
#include "../common/run.h"

#define QEMU_IMG_TIMEOUT_MS 60000

/* guestfish's sparse and alloc read the size as an unsigned number
 * (xstrtoull: a minus sign is no number) and say so in their words.
 */
static int
parse_size (const char *s, int64_t *size)
{
  int status = CLI_XSTRTOL_INVALID;

  if (!strchr (s, '-'))
    status = cli_parse_int64_status (s, size);
  if (status) {
    gd_set_error ("parse_size: invalid integer parameter (xstrtoull returned %d)", status);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  return 0;
}

static int
make_raw (const char *path, int64_t size, bool allocate)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0666);
  int e;

  if (fd == -1) {
    gd_set_error_errno ("cannot create raw file: %s", path);
    return -1;
  }
  if (ftruncate (fd, size) == -1) {
    gd_set_error_errno ("%s: truncate", path);
    goto fail;
  }
  if (allocate && size > 0 && (e = posix_fallocate (fd, 0, size)) != 0) {
    errno = e;
    gd_set_error_errno ("%s: allocate", path);
    goto fail;
  }
  if (close (fd) == -1) {
    gd_set_error_errno ("%s: close", path);
    unlink (path);
    return -1;
  }
  return 0;
 fail:
  close (fd);
  unlink (path);
  return -1;
}

/* sparse|alloc FILENAME SIZE */
int
cli_host_sparse (struct cli *c, int argc, char **argv)
{
  int64_t size;

  (void) argc;
  if (parse_size (argv[2], &size) == -1 ||
      make_raw (argv[1], size, strcmp (argv[0], "sparse") != 0) == -1)
    return -1;
  /* After launch guestfish's add_drive_opts refuses and no file is left. */
  if (cli_refuse_add_after_launch (c, argv[0]) == -1) {
    unlink (argv[1]);
    return -1;
  }
  return session_add_drive (c->s, argv[1], "raw", "writeback", false);
}

/* disk-create's optional arguments, as guestfish parses them. */
struct dc_opts {
  const char *backingfile, *backingformat, *prealloc, *compat;
  int64_t clustersize;
  bool has_clustersize;
};

static int
dc_parse_opts (const char *cmd, int argc, char **argv, struct dc_opts *o)
{
  for (int i = 4; i < argc; i++) {
    const char *w = argv[i];
    if (strncmp (w, "backingfile:", 12) == 0)
      o->backingfile = w + 12;
    else if (strncmp (w, "backingformat:", 14) == 0)
      o->backingformat = w + 14;
    else if (strncmp (w, "preallocation:", 14) == 0)
      o->prealloc = w + 14;
    else if (strncmp (w, "compat:", 7) == 0)
      o->compat = w + 7;
    else if (strncmp (w, "clustersize:", 12) == 0) {
      if (cli_parse_int64 (w + 12, &o->clustersize) == -1) {
        gd_error_prefix ("%s: optargs_s.clustersize", cmd);
        cli_fish_mark (CLI_FISH_BARE);
        return -1;
      }
      o->has_clustersize = true;
    }
    else {
      gd_set_error ("%s: unknown optional argument \"%s\"", cmd, w);
      cli_fish_mark (CLI_FISH_BARE);
      return -1;
    }
  }
  return 0;
}

/* libguestfs's checks, in its order and words: the size (-1 with a
 * backing file), the format, then what each format allows.
 */
static int
dc_check (const char *format, int64_t size, const struct dc_opts *o)
{
  bool raw = strcmp (format, "raw") == 0;
  int64_t cs = o->clustersize;

  if (o->backingfile ? size != -1 : size < 0) {
    if (o->backingfile)
      gd_set_error ("if using a backing file, size must be passed as -1");
    else
      gd_set_error ("invalid size: %lld", (long long) size);
    return -1;
  }
  if (!raw && strcmp (format, "qcow2") != 0) {
    gd_set_error ("unsupported format \u2018%s\u2019", format);
    return -1;
  }
  if (raw) {
    const char *bad = o->backingfile ? "backingfile" : o->backingformat ? "backingformat"
      : o->compat ? "compat" : o->has_clustersize ? "clustersize" : NULL;
    if (bad) {
      gd_set_error ("%s parameter cannot be used with raw format", bad);
      return -1;
    }
  }
  if (strcmp (o->prealloc, "off") && strcmp (o->prealloc, "sparse") &&
      strcmp (o->prealloc, "full") && (raw || strcmp (o->prealloc, "metadata"))) {
    gd_set_error ("invalid value for preallocation parameter \u2018%s\u2019", o->prealloc);
    return -1;
  }
  if (o->compat && strcmp (o->compat, "0.10") && strcmp (o->compat, "1.1")) {
    gd_set_error ("invalid value for compat parameter \u2018%s\u2019", o->compat);
    return -1;
  }
  /* qcow2 clusters: a power of two from 512 bytes to 2 MiB. */
  if (o->has_clustersize && (cs < 512 || cs > 2 * 1024 * 1024 || (cs & (cs - 1)))) {
    gd_set_error ("invalid value for clustersize parameter \u2018%lld\u2019", (long long) cs);
    return -1;
  }
  return 0;
}

/* disk-create FILENAME FORMAT SIZE [backingfile:..] [backingformat:..]
 * [preallocation:off|sparse|full|metadata] [compat:0.10|1.1] [clustersize:N]
 */
int
cli_host_disk_create (struct cli *c, int argc, char **argv)
{
  struct dc_opts o = { .prealloc = "off" };
  char sizebuf[32], opt[4096], probed[32], *out = NULL;
  int64_t size;
  int st, n;

  (void) c;
  /* guestfish parses the words, then libguestfs checks them. */
  if (cli_parse_int64 (argv[3], &size) == -1) {
    gd_error_prefix ("%s: size", argv[0]);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  if (dc_parse_opts (argv[0], argc, argv, &o) == -1 ||
      dc_check (argv[2], size, &o) == -1)
    return -1;
  if (strcmp (argv[2], "raw") == 0)
    return make_raw (argv[1], size, strcmp (o.prealloc, "full") == 0);
  n = snprintf (opt, sizeof opt, "preallocation=%s",
                strcmp (o.prealloc, "sparse") == 0 ? "off" : o.prealloc);
  if (o.compat)
    n += snprintf (opt + n, sizeof opt - n, ",compat=%s", o.compat);
  if (o.has_clustersize)
    n += snprintf (opt + n, sizeof opt - n, ",cluster_size=%lld", (long long) o.clustersize);
  /* qemu-img's own -o parser splits at commas: a file name with one
   * would be read as two options.
   */
  if (o.backingfile && strchr (o.backingfile, ',')) {
    gd_set_error ("backingfile: a comma in the name is not supported: %s", o.backingfile);
    return -1;
  }
  if (o.backingfile)
    n += snprintf (opt + n, sizeof opt - n, ",backing_file=%s", o.backingfile);
  if (o.backingformat && strchr (o.backingformat, ',')) {
    gd_set_error ("invalid value for backingformat parameter \u2018%s\u2019", o.backingformat);
    return -1;
  }
  /* libguestfs names the backing file's format when it is not given
   * (qemu-img refuses a backing file without one): qemu-img probes it.
   */
  if (o.backingfile && !o.backingformat) {
    if (lib_disk_probe_format (o.backingfile, probed, sizeof probed) == -1)
      return -1;
    o.backingformat = probed;
  }
  if (o.backingformat)
    n += snprintf (opt + n, sizeof opt - n, ",backing_fmt=%s", o.backingformat);
  if (n < 0 || (size_t) n >= sizeof opt) {
    gd_set_error ("backingfile: name too long");
    return -1;
  }
  snprintf (sizebuf, sizeof sizebuf, "%lld", (long long) size);
  {
    char *qargv[] = { (char *) "qemu-img", (char *) "create", (char *) "-q",
                      (char *) "-f", (char *) "qcow2", (char *) "-o", opt,
                      argv[1], size == -1 ? NULL : sizebuf, NULL };
    st = gd_run (qargv, NULL, QEMU_IMG_TIMEOUT_MS, &out);
  }
  if (st != 0) {
    /* libguestfs's words (without -v it does not show qemu-img's). */
    if (st > 0)
      gd_set_error ("qemu-img: %s: qemu-img exited with error status %d.", argv[1], st);
    free (out);
    return -1;
  }
  free (out);
  return 0;
}
