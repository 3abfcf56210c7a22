/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File descriptor I/O helpers (see fdio.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fdio.h"
#include "error.h"

int
gd_write_all (int fd, const void *buf, size_t n)
{
  const char *p = buf;

  while (n > 0) {
    ssize_t r = write (fd, p, n);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += r;
    n -= (size_t) r;
  }
  return 0;
}

ssize_t
gd_read_all (int fd, void *buf, size_t n)
{
  char *p = buf;
  size_t got = 0;

  while (got < n) {
    ssize_t r = read (fd, p + got, n - got);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0)
      break;
    got += (size_t) r;
  }
  return (ssize_t) got;
}

char *
gd_read_file (const char *path, size_t max, size_t *len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  size_t cap = 4096, got = 0;
  char *buf = NULL;

  if (fd == -1) {
    gd_set_error_errno ("%s", path);
    return NULL;
  }
  /* Not trusting st_size: /proc files and pipes report 0. */
  for (;;) {
    ssize_t r;
    if (got + 1 >= cap || !buf) {
      char *nb;
      if (buf)
        cap *= 2;
      if (cap > max + 2)
        cap = max + 2;
      nb = realloc (buf, cap);
      if (!nb) {
        gd_set_error_errno ("%s", path);
        goto err;
      }
      buf = nb;
    }
    r = gd_read_all (fd, buf + got, cap - 1 - got);
    if (r == -1) {
      gd_set_error_errno ("%s", path);
      goto err;
    }
    got += (size_t) r;
    if (got > max) {
      errno = EFBIG;
      gd_set_error ("%s: larger than %zu bytes", path, max);
      goto err;
    }
    if (got < cap - 1)
      break;                    /* EOF */
  }
  close (fd);
  buf[got] = '\0';
  if (len)
    *len = got;
  return buf;

 err:
  close (fd);
  free (buf);
  return NULL;
}

ssize_t
gd_fd_source (void *opaque, void *buf, size_t n)
{
  struct gd_fd_io *io = opaque;
  ssize_t r;

  do
    r = read (io->fd, buf, n);
  while (r == -1 && errno == EINTR && !(io->interrupt && *io->interrupt));
  if (r == -1)
    gd_set_error_errno ("read");
  return r;
}

int
gd_fd_sink (void *opaque, const void *buf, size_t n)
{
  struct gd_fd_io *io = opaque;
  const char *p = buf;

  while (n > 0) {
    ssize_t w = write (io->fd, p, n);
    if (w == -1) {
      if (errno == EINTR && !(io->interrupt && *io->interrupt))
        continue;
      gd_set_error_errno ("write");
      return -1;
    }
    p += w;
    n -= (size_t) w;
  }
  return 0;
}
