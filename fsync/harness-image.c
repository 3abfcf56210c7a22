/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fsync-test image seen from the host: an ext2 filesystem made with
 * two files of the "old" pattern (see harness-case.c), then read back
 * without guestdrv (debugfs, or the blocks straight from the image) to
 * count the bytes that are not the pattern the guest wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../common/error.h"
#include "../common/run.h"

#define IMAGE_SIZE "64M"
#define TOOL_TIMEOUT_MS 60000

/* The bytes `yes LINE | head -c SIZE` produces. */
char *
harness_pattern_make (const char *line, size_t size)
{
  char *buf = malloc (size);
  size_t llen = strlen (line);

  if (!buf)
    return NULL;
  for (size_t i = 0; i < size; i++) {
    size_t k = i % (llen + 1);
    buf[i] = k < llen ? line[k] : '\n';
  }
  return buf;
}

static int
write_file (const char *path, const void *buf, size_t len)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd == -1 || write (fd, buf, len) != (ssize_t) len) {
    gd_set_error_errno ("%s", path);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return close (fd);
}

int
harness_run_tool (char *const argv[], char **out)
{
  int r = gd_run (argv, NULL, TOOL_TIMEOUT_MS, out);
  if (r == -1)
    gd_error_prefix ("%s", argv[0]);
  return r;
}

/* The ext2 image with the two old-pattern files, durable from the start. */
int
harness_image_make (const char *dir, const char *img)
{
  char seed[PATH_MAX], path[PATH_MAX];
  char *oldpat;
  int r;

  snprintf (seed, sizeof seed, "%s/seed", dir);
  if (mkdir (seed, 0755) == -1 && errno != EEXIST) {
    gd_set_error_errno ("mkdir %s", seed);
    return -1;
  }
  oldpat = harness_pattern_make ("guestdrv-fsync old data", PATTERN_SIZE);
  if (!oldpat) {
    gd_set_error_errno ("malloc");
    return -1;
  }
  snprintf (path, sizeof path, "%s/synced.bin", seed);
  r = write_file (path, oldpat, PATTERN_SIZE);
  snprintf (path, sizeof path, "%s/unsynced.bin", seed);
  if (r == 0)
    r = write_file (path, oldpat, PATTERN_SIZE);
  free (oldpat);
  if (r == -1)
    return -1;
  {
    char *trunc[] = { (char *) "truncate", (char *) "-s", (char *) IMAGE_SIZE,
                      (char *) img, NULL };
    char *mkfs[] = { (char *) "mkfs.ext2", (char *) "-q", (char *) "-F",
                     (char *) "-b", (char *) "4096", (char *) "-d", seed,
                     (char *) "-L", (char *) "gdfsync", (char *) img, NULL };
    char *out = NULL;
    if (harness_run_tool (trunc, NULL) != 0 ||
        (r = harness_run_tool (mkfs, &out)) != 0) {
      if (r > 0)
        gd_set_error ("mkfs.ext2 %s failed: %s", img, out ? out : "");
      free (out);
      return -1;
    }
    free (out);
  }
  return 0;
}

/* Compare FILE (dumped from an image) with the pattern WANT; *DIFF gets
 * the bytes of the blocks that are not WANT's (a missing or short file
 * counts whole).
 */
static int
compare_dump (const char *file, const char *want, size_t size, uint64_t *diff)
{
  char *buf = malloc (size);
  int fd = open (file, O_RDONLY | O_CLOEXEC);
  ssize_t n = 0;

  *diff = size;
  if (!buf) {
    gd_set_error_errno ("malloc");
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if (fd >= 0) {
    size_t got = 0;
    while (got < size && (n = read (fd, buf + got, size - got)) > 0)
      got += n;
    close (fd);
    /* Whole blocks: old and new patterns share some bytes by chance. */
    *diff = 0;
    for (size_t off = 0; off < size; off += BLOCK_SIZE)
      if (off + BLOCK_SIZE > got ||
          memcmp (buf + off, want + off, BLOCK_SIZE) != 0)
        *diff += BLOCK_SIZE;
  }
  free (buf);
  return 0;
}

/* debugfs -R "dump FILE OUT" IMG, then compare with WANT. */
int
harness_image_dump_compare (const char *img, const char *name,
                            const char *out, const char *want,
                            uint64_t *diff)
{
  char req[PATH_MAX + 64];
  char *argv[] = { (char *) "debugfs", (char *) "-R", req, (char *) img, NULL };

  unlink (out);
  snprintf (req, sizeof req, "dump /%s %s", name, out);
  if (harness_run_tool (argv, NULL) == -1)
    return -1;
  return compare_dump (out, want, PATTERN_SIZE, diff);
}

/* The physical block of each 4 KiB logical block of FILE in IMG, from
 * debugfs bmap (one run, a command file).  Read before the hypervisor
 * starts: the guest overwrites in place, so the map never changes.
 */
int
harness_image_block_map (const char *dir, const char *img, const char *file,
                         uint64_t *map)
{
  char cmds[PATH_MAX], *out = NULL, *line, *save = NULL;
  char *argv[] = { (char *) "debugfs", (char *) "-f", cmds, (char *) img,
                   NULL };
  size_t n = 0;
  FILE *f;

  snprintf (cmds, sizeof cmds, "%s/bmap-%s.cmds", dir, file);
  f = fopen (cmds, "w");
  if (!f) {
    gd_set_error_errno ("%s", cmds);
    return -1;
  }
  for (int i = 0; i < PATTERN_BLOCKS; i++)
    fprintf (f, "bmap /%s %d\n", file, i);
  if (fclose (f) != 0) {
    gd_set_error_errno ("%s", cmds);
    return -1;
  }
  if (harness_run_tool (argv, &out) != 0) {
    free (out);
    gd_set_error ("debugfs bmap on %s failed", img);
    return -1;
  }
  for (line = strtok_r (out, "\n", &save); line && n < PATTERN_BLOCKS;
       line = strtok_r (NULL, "\n", &save)) {
    char *end;
    unsigned long long b = strtoull (line, &end, 10);
    if (end != line && *end == '\0' && b > 0)
      map[n++] = b;
  }
  free (out);
  if (n != PATTERN_BLOCKS) {
    gd_set_error ("debugfs bmap /%s in %s: %zu blocks of %d", file, img, n,
                  PATTERN_BLOCKS);
    return -1;
  }
  return 0;
}

/* Read the file's blocks straight from the image (through the mount: no
 * e2fsprogs there, they fsync what they open) and compare with WANT.
 */
int
harness_image_read_compare (const char *img, const uint64_t *map,
                            const char *want, uint64_t *diff)
{
  char buf[BLOCK_SIZE];
  int fd = open (img, O_RDONLY | O_CLOEXEC);

  if (fd == -1) {
    gd_set_error_errno ("%s", img);
    return -1;
  }
  *diff = 0;
  for (int i = 0; i < PATTERN_BLOCKS; i++) {
    ssize_t n = pread (fd, buf, BLOCK_SIZE, (off_t) map[i] * BLOCK_SIZE);
    if (n < 0)
      n = 0;
    if (n != BLOCK_SIZE ||
        memcmp (buf, want + (size_t) i * BLOCK_SIZE, BLOCK_SIZE) != 0)
      *diff += BLOCK_SIZE;
  }
  close (fd);
  return 0;
}
