/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bench's files on the host: random payloads (made once per size,
 * outside any timing), their tar.gz for tgz-in, and a fresh image per
 * run in the format each scenario's row asks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "run.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../common/run.h"
#include "../common/tmpdir.h"

/* gzip of half a gigabyte of random bytes takes ~20 s; allow plenty. */
#define TAR_TIMEOUT_MS (15 * 60 * 1000)
#define QEMU_IMG_TIMEOUT_MS (60 * 1000)

uint64_t
workdir_image_size (const struct bench_scenario *sc)
{
  return sc->variant ? BENCH_VARIANT_IMAGE : BENCH_CORE_IMAGE;
}

char *
workdir_payload (const char *dir, uint64_t bytes)
{
  char *path, *tmp;
  static char buf[1 << 20];
  struct stat st;
  uint64_t left = bytes;
  int fd;

  if (asprintf (&path, "%s/payload-%llu", dir,
                (unsigned long long) bytes) == -1) {
    gd_set_error_errno ("asprintf");
    return NULL;
  }
  if (stat (path, &st) == 0 && (uint64_t) st.st_size == bytes)
    return path;
  if (asprintf (&tmp, "%s.tmp", path) == -1) {
    gd_set_error_errno ("asprintf");
    free (path);
    return NULL;
  }
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd == -1) {
    gd_set_error_errno ("%s", tmp);
    goto err;
  }
  while (left > 0) {
    size_t n = left < sizeof buf ? left : sizeof buf, got = 0;

    /* getrandom returns at most 32 MiB per call; loop for short reads. */
    while (got < n) {
      ssize_t r = getrandom (buf + got, n - got, 0);
      if (r == -1) {
        if (errno == EINTR && !bench_interrupted)
          continue;
        gd_set_error_errno ("getrandom");
        goto err_close;
      }
      got += r;
    }
    if (gd_write_all (fd, buf, n) == -1) {
      gd_set_error_errno ("%s", tmp);
      goto err_close;
    }
    left -= n;
  }
  if (close (fd) == -1) {
    gd_set_error_errno ("%s", tmp);
    goto err;
  }
  if (rename (tmp, path) == -1) {
    gd_set_error_errno ("rename %s", tmp);
    goto err;
  }
  free (tmp);
  return path;

 err_close:
  close (fd);
 err:
  unlink (tmp);
  free (tmp);
  free (path);
  return NULL;
}

char *
workdir_tarball (const char *dir, const char *payload, uint64_t bytes)
{
  char *path;
  const char *base = strrchr (payload, '/');
  struct stat st;

  if (asprintf (&path, "%s/payload-%llu.tar.gz", dir,
                (unsigned long long) bytes) == -1) {
    gd_set_error_errno ("asprintf");
    return NULL;
  }
  if (stat (path, &st) == 0)
    return path;
  {
    char *argv[] = { "tar", "-C", (char *) dir, "-czf", path,
                     (char *) (base ? base + 1 : payload), NULL };
    if (gd_run_step (argv, NULL, TAR_TIMEOUT_MS, "tar -czf %s", path) == -1) {
      unlink (path);
      free (path);
      return NULL;
    }
  }
  return path;
}

static int
qemu_img_create (const char *path, uint64_t size, int meta)
{
  char sizebuf[32];
  char *argv[12];
  int i = 0;

  snprintf (sizebuf, sizeof sizebuf, "%llu", (unsigned long long) size);
  argv[i++] = "qemu-img";
  argv[i++] = "create";
  argv[i++] = "-q";
  argv[i++] = "-f";
  argv[i++] = "qcow2";
  if (meta) {
    argv[i++] = "-o";
    argv[i++] = "preallocation=metadata";
  }
  argv[i++] = (char *) path;
  argv[i++] = sizebuf;
  argv[i] = NULL;
  return gd_run_step (argv, NULL, QEMU_IMG_TIMEOUT_MS, "qemu-img create %s",
                      path);
}

int
workdir_make_image (const struct bench_scenario *sc, const char *path,
                    uint64_t size, const char **format)
{
  int prealloc = sc->image == IMAGE_RAW_PREALLOC, fd, err;

  unlink (path);
  if (sc->image == IMAGE_QCOW2 || sc->image == IMAGE_QCOW2_META) {
    *format = "qcow2";
    return qemu_img_create (path, size, sc->image == IMAGE_QCOW2_META);
  }
  *format = "raw";
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd == -1) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  if (prealloc)
    err = posix_fallocate (fd, 0, (off_t) size);
  else
    err = ftruncate (fd, (off_t) size) == -1 ? errno : 0;
  if (err != 0) {
    errno = err;
    gd_set_error_errno ("%s: %s %llu bytes", path,
                        prealloc ? "fallocate" : "truncate to",
                        (unsigned long long) size);
    close (fd);
    unlink (path);
    return -1;
  }
  if (close (fd) == -1) {
    gd_set_error_errno ("%s", path);
    unlink (path);
    return -1;
  }
  return 0;
}

void
workdir_host_sync (void)
{
  sync ();
}

int
workdir_remove (const char *dir)
{
  return gd_tree_remove (dir);
}
