/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scenario table of the benchmark suite: one row per scenario,
 * carrying what makes its runs differ (image, payload, file system, the
 * timed part of bench/ops.c), read by self.c, peer.c, workdir.c and the
 * runner, none of which names a scenario.  Also the backend and
 * cache-mode names, from the launcher's and the disk layer's tables.  The
 * scenarios reproduce two libguestfs studies: UML vs KVM, and the
 * fastest way to upload a file into a disk image.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "run.h"
#include "../common/error.h"
#include "../launcher/launcher.h"

/* Shorthands for the rows: the set-up most scenarios share. */
#define UPLOAD_TO(fs, opts) IMAGE_RAW, PAYLOAD_FILE, fs, opts, NULL, \
    &bench_op_upload, "/f", 0

const struct bench_scenario bench_scenarios[] = {
  /* name, what,
   * moves_bytes, channel, disk, fixed_s, api_calls,
   * variant, image, payload, fs, mount options, null node,
   * timed part, its target, fill byte, decomposition part
   */
  { "startup", "launch the appliance and shut it down",
    0, 0, 0, 0, 0,
    0, IMAGE_RAW, PAYLOAD_NONE, NULL, NULL, NULL, NULL, NULL, 0, PART_NONE },
  { "api", "1001 small calls: mkdir, touch, write, exists, stat, ls, rm",
    0, 0, 0, 0, 1 + BENCH_API_ROUNDS * BENCH_API_CALLS_PER_ROUND,
    0, IMAGE_RAW, PAYLOAD_NONE, "ext2", NULL, NULL, &bench_op_api, "/api",
    0, PART_NONE },
  { "upload", "upload a file into a filesystem on the image",
    1, 1, 1, 0, 0,
    0, UPLOAD_TO ("ext2", NULL), PART_WHOLE },
  { "upload-no-write", "upload to a 1:3 (null) node in the guest: the channel alone",
    1, 1, 0, 0, 0,
    0, IMAGE_RAW, PAYLOAD_FILE, "ext2", NULL, "/null", &bench_op_upload,
    "/null", 0, PART_CHANNEL },
  { "write-no-upload", "write the same bytes in the guest: the disk alone",
    1, 0, 1, 0, 0,
    0, IMAGE_RAW, PAYLOAD_NONE, "ext2", NULL, NULL, &bench_op_fill, "/f", 1,
    PART_DISK },
  { "upload-prealloc", "upload into a fully preallocated raw image",
    1, 1, 1, 0, 0,
    1, IMAGE_RAW_PREALLOC, PAYLOAD_FILE, "ext2", NULL, NULL,
    &bench_op_upload, "/f", 0, PART_NONE },
  { "upload-qcow2", "upload into a qcow2 image",
    1, 1, 1.3, 0, 0,
    1, IMAGE_QCOW2, PAYLOAD_FILE, "ext2", NULL, NULL, &bench_op_upload,
    "/f", 0, PART_NONE },
  { "upload-qcow2-meta", "upload into qcow2 with preallocation=metadata",
    1, 1, 1.1, 0, 0,
    1, IMAGE_QCOW2_META, PAYLOAD_FILE, "ext2", NULL, NULL,
    &bench_op_upload, "/f", 0, PART_NONE },
  { "dd", "dd the payload from a second disk into a file",
    1, 1, 1, 0, 0,
    1, IMAGE_RAW, PAYLOAD_DISK, "ext2", NULL, NULL, &bench_op_dd, "/f", 0,
    PART_NONE },
  { "upload-sync", "upload into a filesystem mounted -o sync",
    1, 1, 1, 1, 0,
    1, UPLOAD_TO ("ext2", "sync"), PART_NONE },
  { "upload-ext3", "upload into an ext3 filesystem",
    1, 1, 1.2, 0, 0,
    1, UPLOAD_TO ("ext3", NULL), PART_NONE },
  { "tgz-in", "unpack a gzipped tar of the payload into the filesystem",
    1, 1, 1, 2, 0,
    1, IMAGE_RAW, PAYLOAD_TARBALL, "ext2", NULL, NULL, &bench_op_tgz_in, "/",
    0, PART_NONE },
  { "fill-0", "fill a file of the payload's size with zero bytes",
    1, 0, 1, 0, 0,
    1, IMAGE_RAW, PAYLOAD_NONE, "ext2", NULL, NULL, &bench_op_fill, "/f", 0,
    PART_NONE },
  { "fill-1", "fill a file of the payload's size with 0x01 bytes",
    1, 0, 1, 0, 0,
    1, IMAGE_RAW, PAYLOAD_NONE, "ext2", NULL, NULL, &bench_op_fill, "/f", 1,
    PART_NONE },
};
const size_t bench_nscenarios =
  sizeof bench_scenarios / sizeof bench_scenarios[0];

size_t
bench_backend_names (const char **out, size_t max)
{
  const struct backend *b;
  size_t n = 0;

  for (size_t i = 0; (b = backend_at (i)) != NULL && n < max; i++)
    if (b->ops)
      out[n++] = b->name;
  return n;
}

size_t
bench_cache_names (const char **out, size_t max)
{
  size_t n = 0;

  for (size_t k = 0; k < disk_ncache_modes && n < max; k++)
    for (size_t i = 0; i < disk_ncache_modes; i++)
      if (disk_cache_modes[i].bench_order == k)
        out[n++] = disk_cache_modes[i].name;
  return n;
}

const struct bench_scenario *
bench_scenario_find (const char *name)
{
  for (size_t i = 0; i < bench_nscenarios; i++)
    if (strcmp (bench_scenarios[i].name, name) == 0)
      return &bench_scenarios[i];
  return NULL;
}

const struct bench_scenario *
bench_scenario_lookup (const char *name)
{
  const struct bench_scenario *sc = bench_scenario_find (name);

  if (sc)
    return sc;
  errno = EINVAL;
  gd_set_error ("unknown scenario '%s' (see guestdrv bench --help)", name);
  return NULL;
}

static int
add_unique (const char **v, size_t *n, const char *name)
{
  size_t i;

  for (i = 0; i < *n; i++)
    if (v[i] == name)
      return 0;
  v[(*n)++] = name;
  return 1;
}

int
bench_parse_list (const char *what, const char *list,
                  const char *const *known, size_t nknown,
                  const char ***out, size_t *nout)
{
  const char **v;
  const char *p = list;
  size_t n = 0, i;

  v = calloc (nknown + 1, sizeof *v);
  if (v == NULL) {
    gd_set_error_errno ("%s: calloc", what);
    return -1;
  }
  while (*p) {
    size_t len = strcspn (p, ",");
    int found = 0;

    if (len == 3 && strncmp (p, "all", 3) == 0) {
      for (i = 0; i < nknown; i++)
        add_unique (v, &n, known[i]);
      found = 1;
    }
    for (i = 0; !found && i < nknown; i++)
      if (strlen (known[i]) == len && strncmp (p, known[i], len) == 0) {
        add_unique (v, &n, known[i]);
        found = 1;
      }
    if (!found) {
      char names[512] = "all";
      size_t used = 3;

      for (i = 0; i < nknown && used < sizeof names; i++)
        used += snprintf (names + used, sizeof names - used, ",%s", known[i]);
      errno = EINVAL;
      gd_set_error ("%s: unknown name '%.*s' (known: %s)",
                    what, (int) len, p, names);
      free (v);
      return -1;
    }
    p += len;
    if (*p == ',')
      p++;
  }
  if (n == 0) {
    errno = EINVAL;
    gd_set_error ("%s: empty list", what);
    free (v);
    return -1;
  }
  *out = v;
  *nout = n;
  return 0;
}

int
bench_parse_scenarios (const char *list, const char ***out, size_t *nout)
{
  const char *names[sizeof bench_scenarios / sizeof bench_scenarios[0]];
  const char **v;
  size_t i, n;

  for (i = 0; i < bench_nscenarios; i++)
    names[i] = bench_scenarios[i].name;
  if (bench_parse_list ("--scenario", list, names, bench_nscenarios,
                        &v, &n) == -1)
    return -1;
  *out = v;
  *nout = n;
  return 0;
}
