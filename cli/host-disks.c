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

/* disk-create FILENAME FORMAT SIZE [preallocation:off|sparse|full] */
int
cli_host_disk_create (struct cli *c, int argc, char **argv)
{
  const char *prealloc = "off";
  char sizebuf[32], *out = NULL;
  int64_t size;
  int st;

  (void) c;
  /* guestfish parses the words, then libguestfs checks the size, the
   * format and the preallocation, in that order, each in its words.
   */
  if (cli_parse_int64 (argv[3], &size) == -1) {
    gd_error_prefix ("%s: size", argv[0]);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  if (argc == 5) {
    if (strncmp (argv[4], "preallocation:", 14) != 0) {
      gd_set_error ("%s: unknown optional argument \"%s\"", argv[0], argv[4]);
      cli_fish_mark (CLI_FISH_BARE);
      return -1;
    }
    prealloc = argv[4] + 14;
  }
  if (size < 0) {
    gd_set_error ("invalid size: %lld", (long long) size);
    return -1;
  }
  if (strcmp (argv[2], "raw") != 0 && strcmp (argv[2], "qcow2") != 0) {
    gd_set_error ("unsupported format \u2018%s\u2019", argv[2]);
    return -1;
  }
  if (strcmp (prealloc, "off") && strcmp (prealloc, "sparse") &&
      strcmp (prealloc, "full")) {
    gd_set_error ("invalid value for preallocation parameter \u2018%s\u2019", prealloc);
    return -1;
  }
  if (strcmp (argv[2], "raw") == 0)
    return make_raw (argv[1], size, strcmp (prealloc, "full") == 0);
  snprintf (sizebuf, sizeof sizebuf, "%lld", (long long) size);
  {
    char opt[64];
    char *qargv[] = { (char *) "qemu-img", (char *) "create", (char *) "-q",
                      (char *) "-f", (char *) "qcow2", (char *) "-o", opt,
                      argv[1], sizebuf, NULL };
    snprintf (opt, sizeof opt, "preallocation=%s",
              strcmp (prealloc, "sparse") == 0 ? "off" : prealloc);
    st = gd_run (qargv, NULL, QEMU_IMG_TIMEOUT_MS, &out);
  }
  if (st != 0) {
    if (st > 0)
      gd_set_error ("qemu-img create failed (status %d): %s", st, out ? out : "");
    free (out);
    return -1;
  }
  free (out);
  return 0;
}
