/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Disk images on the host, as libguestfs handles them before launch:
 * disk-format, disk-virtual-size and disk-has-backing-file read
 * "qemu-img info --output=json"; add-drive-scratch makes a throwaway
 * sparse image; add-cdrom and add-drive(-ro)-with-if are the old ways of
 * adding a disk; debug-drives lists what was added.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "../common/error.h"
#include "../common/run.h"

#define QEMU_IMG_TIMEOUT_MS 60000
/* The most disks the session takes (session_add_drive's bound). */
#define LIB_MAX_DISKS 24

static char **scratch;          /* scratch images to remove at exit */
static size_t nscratch;

void
lib_disk_cleanup (void)
{
  for (size_t i = 0; i < nscratch; i++) {
    unlink (scratch[i]);
    free (scratch[i]);
  }
  free (scratch);
  scratch = NULL;
  nscratch = 0;
}

/* The value of top-level key KEY in qemu-img's pretty-printed JSON: its
 * top-level members are the lines indented by exactly four spaces.
 * Returns a pointer just after '"KEY": ', or NULL.
 */
static const char *
json_top_value (const char *json, const char *key)
{
  char pat[64];
  const char *p;

  snprintf (pat, sizeof pat, "\n    \"%s\": ", key);
  p = strstr (json, pat);
  return p ? p + strlen (pat) : NULL;
}

/* FILE's format as qemu-img probes it, into FMT; -1 with the error set. */
int
lib_disk_probe_format (const char *file, char *fmt, size_t len)
{
  char *qargv[] = { (char *) "qemu-img", (char *) "info", (char *) "--output=json",
                    (char *) file, NULL };
  char *out = NULL;
  const char *v;
  int st = gd_run (qargv, NULL, QEMU_IMG_TIMEOUT_MS, &out);

  if (st != 0) {
    if (st > 0)
      gd_set_error ("qemu-img info: %s: qemu-img info exited with error status %d.", file, st);
    free (out);
    return -1;
  }
  if (!(v = json_top_value (out, "format")) || *v != '"' || strcspn (v + 1, "\"") >= len) {
    gd_set_error ("qemu-img info: %s: no format in its output", file);
    free (out);
    return -1;
  }
  snprintf (fmt, len, "%.*s", (int) strcspn (v + 1, "\""), v + 1);
  free (out);
  return 0;
}

/* disk-format, disk-virtual-size, disk-has-backing-file FILENAME. */
int
lib_disk_info (struct cli *c, int argc, char **argv)
{
  char *qargv[] = { (char *) "qemu-img", (char *) "info", (char *) "--output=json",
                    argv[1], NULL };
  char *out = NULL;
  const char *v;
  int st, r = 0;

  (void) c; (void) argc;
  /* qemu-img's -f absent: it probes the format, as libguestfs lets it. */
  st = gd_run (qargv, NULL, QEMU_IMG_TIMEOUT_MS, &out);
  if (st != 0) {
    if (st > 0)
      gd_set_error ("qemu-img info: %s: qemu-img info exited with error status %d.",
                    argv[1], st);
    free (out);
    return -1;
  }
  if (strcmp (argv[0], "disk-has-backing-file") == 0)
    lib_print_bool (json_top_value (out, "backing-filename") != NULL);
  else if (strcmp (argv[0], "disk-format") == 0) {
    if ((v = json_top_value (out, "format")) && *v == '"')
      printf ("%.*s\n", (int) strcspn (v + 1, "\""), v + 1);
    else
      r = -1;
  }
  else {
    if ((v = json_top_value (out, "virtual-size")))
      printf ("%" PRIi64 "\n", (int64_t) strtoll (v, NULL, 10));
    else
      r = -1;
  }
  if (r == -1)
    gd_set_error ("qemu-img info: %s: no %s in its output", argv[1],
                  strcmp (argv[0], "disk-format") == 0 ? "format" : "virtual-size");
  free (out);
  return r;
}

/* Disks are added before launch.  libguestfs words the refusal two ways:
 * the calls that would hot-plug (add-drive-scratch) name the removed
 * feature, the old ones name the handle's state.
 */
static int
check_config (struct cli *c, const char *api)
{
  if (!session_is_launched (c->s))
    return 0;
  if (!api)
    gd_set_error ("hotplugging support was removed in libguestfs 1.48");
  else
    gd_set_error ("%s: this function can only be called in the config state", api);
  return -1;
}

/* add-drive-scratch's optional arguments: name (only inspection uses
 * it) has no effect; a label or a block size other than 512 would
 * change the disk the guest sees, so they are refused (*refused, after
 * the state check libguestfs makes), not ignored.
 */
static int
scratch_opts (const char *cmd, int argc, char **argv, const char **refused)
{
  for (int i = 2; i < argc; i++) {
    int64_t bs;
    if (strncmp (argv[i], "name:", 5) == 0)
      continue;
    if (strncmp (argv[i], "blocksize:", 10) == 0) {
      if (cli_parse_int64 (argv[i] + 10, &bs) == -1) {
        gd_error_prefix ("%s: optargs_s.blocksize", cmd);
        cli_fish_mark (CLI_FISH_BARE);
        return -1;
      }
      if (bs == 0 || bs == 512)
        continue;
    }
    else if (strncmp (argv[i], "label:", 6) != 0) {
      gd_set_error ("%s: unknown optional argument \"%s\"", cmd, argv[i]);
      cli_fish_mark (CLI_FISH_BARE);
      return -1;
    }
    if (!*refused)
      *refused = argv[i];
  }
  return 0;
}

/* add-drive-scratch SIZE: a sparse raw image in the temporary directory,
 * removed when guestdrv exits.
 */
int
lib_add_scratch (struct cli *c, int argc, char **argv)
{
  const char *refused = NULL;
  char path[4096], **v;
  int64_t size;
  int fd;

  /* guestfish's parser reads the size and the optional arguments
   * before libguestfs's state check.
   */
  if (cli_parse_int64 (argv[1], &size) == -1) {
    gd_error_prefix ("%s: size", argv[0]);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  if (scratch_opts (argv[0], argc, argv, &refused) == -1)
    return -1;
  if (check_config (c, NULL) == -1)
    return -1;
  if (refused) {
    gd_set_error ("%s: %s: not supported by guestdrv", argv[0], refused);
    return -1;
  }
  if (size < 0) {
    gd_set_error ("'%s': size must not be negative", argv[1]);
    return -1;
  }
  if ((size_t) snprintf (path, sizeof path, "%s/guestdrv-scratchXXXXXX",
                         lib_handle_tmpdir ()) >= sizeof path) {
    gd_set_error ("temporary directory name too long");
    return -1;
  }
  if (!(v = realloc (scratch, (nscratch + 1) * sizeof *v))) {
    gd_set_error_errno ("realloc");
    return -1;
  }
  scratch = v;
  if ((fd = mkstemp (path)) == -1) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  if (ftruncate (fd, size) == -1 || close (fd) == -1) {
    gd_set_error_errno ("%s", path);
    close (fd);
    unlink (path);
    return -1;
  }
  if (!(scratch[nscratch] = strdup (path))) {
    unlink (path);
    gd_set_error_errno ("strdup");
    return -1;
  }
  if (nscratch++ == 0)
    atexit (lib_disk_cleanup);
  return session_add_drive (c->s, path, "raw", "unsafe", false);
}

/* add-cdrom FILENAME: added read-only, like add-drive-ro. */
int
lib_add_cdrom (struct cli *c, int argc, char **argv)
{
  (void) argc;
  if (check_config (c, "add_cdrom") == -1)
    return -1;
  return session_add_drive (c->s, argv[1], "raw", "writeback", true);
}

/* add-drive-with-if, add-drive-ro-with-if FILENAME IFACE: guestdrv
 * chooses the disk interface itself (virtio-scsi, or UBD under UML), so
 * IFACE is not used.
 */
int
lib_add_with_if (struct cli *c, int argc, char **argv)
{
  bool ro = strstr (argv[0], "-ro-") != NULL;

  (void) argc;
  if (check_config (c, ro ? "add_drive_ro_with_if" : "add_drive_with_if") == -1)
    return -1;
  return session_add_drive (c->s, argv[1], "raw", "writeback", c->read_only || ro);
}

/* remove-drive LABEL: libguestfs 1.48 removed hot-plugging, so it always
 * fails, with libguestfs's message.
 */
int
lib_remove_drive (struct cli *c, int argc, char **argv)
{
  (void) c; (void) argc; (void) argv;
  gd_set_error ("hotplugging support was removed in libguestfs 1.48");
  return -1;
}

/* debug-drives: one line per disk, as libguestfs prints them. */
int
lib_debug_drives (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  for (size_t i = 0; i < session_ndisks (c->s); i++) {
    const struct disk *d = session_disk (c->s, i);
    printf ("%s%s format=%s", d->path, d->readonly ? " readonly" : "", d->format);
    if (strcmp (d->cache, "writeback") != 0)
      printf (" cachemode=%s", d->cache);
    printf (" protocol=file\n");
  }
  return 0;
}

int
lib_max_disks (struct cli *c, int argc, char **argv)
{
  (void) c; (void) argc; (void) argv;
  printf ("%d\n", LIB_MAX_DISKS);
  return 0;
}
