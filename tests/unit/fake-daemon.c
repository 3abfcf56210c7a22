/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scripted fake guestfsd (see fake-daemon.h).  Replies are built
 * with libtirpc directly, independently of the code under test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <rpc/xdr.h>

#include "fake-daemon.h"

static void
die (const char *what, int code)
{
  fprintf (stderr, "fake daemon: %s\n", what);
  _exit (code);
}

static void
rd (int fd, void *buf, size_t n)
{
  unsigned char *p = buf;

  while (n > 0) {
    ssize_t r = read (fd, p, n);

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1 && errno == EAGAIN) {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      poll (&pfd, 1, -1);
      continue;
    }
    if (r <= 0)
      die ("unexpected EOF or error from the client", 3);
    p += r;
    n -= r;
  }
}

static void
wr (int fd, const void *buf, size_t n)
{
  const unsigned char *p = buf;

  while (n > 0) {
    ssize_t r = write (fd, p, n);

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1 && errno == EAGAIN) {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      poll (&pfd, 1, -1);
      continue;
    }
    if (r <= 0)
      die ("write failed", 4);
    p += r;
    n -= r;
  }
}

static uint32_t
word (int fd)
{
  uint32_t w;

  rd (fd, &w, 4);
  return ntohl (w);
}

static void
run (int fd, const struct fake_step *s)
{
  static unsigned char buf[8192 + 16];

  for (;; s++) {
    switch (s->op) {
    case FK_END:
      close (fd);
      _exit (0);
    case FK_WRITE:
      wr (fd, s->data, s->len);
      break;
    case FK_EXPECT: {
      unsigned char *b = malloc (s->len);

      rd (fd, b, s->len);
      if (memcmp (b, s->data, s->len) != 0)
        die ("client sent unexpected bytes", 5);
      free (b);
      break;
    }
    case FK_READ:
      for (size_t left = s->len; left > 0;) {
        size_t n = left < sizeof buf ? left : sizeof buf;
        rd (fd, buf, n);
        left -= n;
      }
      break;
    case FK_READ_CALL: {
      uint32_t w = word (fd);

      if (w < 40 || w > 4194304)
        die ("bad call length", 6);
      for (size_t left = w; left > 0;) {
        size_t n = left < sizeof buf ? left : sizeof buf;
        rd (fd, buf, n);
        left -= n;
      }
      break;
    }
    case FK_READ_CHUNKS: {
      size_t total = 0;

      for (;;) {
        uint32_t w = word (fd), cancel, n;

        if (w == 0xffffeeee)
          continue;
        if (w < 8 || w > 8 + 8192)
          die ("bad chunk length", 7);
        cancel = word (fd);
        n = word (fd);
        if (w != 8 + ((n + 3) & ~3u))
          die ("chunk length mismatch", 8);
        rd (fd, buf, w - 8);
        total += n;
        if (cancel || n == 0) {
          if ((int) cancel != s->arg)
            die ("unexpected final cancel flag", 9);
          break;
        }
      }
      if (s->len != SIZE_MAX && total != s->len) {
        fprintf (stderr, "fake daemon: got %zu data bytes, expected %zu\n",
                 total, s->len);
        _exit (10);
      }
      break;
    }
    case FK_SLEEP: {
      struct timespec ts = { s->arg / 1000, (s->arg % 1000) * 1000000L };
      nanosleep (&ts, NULL);
      break;
    }
    case FK_FLOOD:
      signal (SIGPIPE, SIG_IGN);
      for (;;) {
        const unsigned char *p = s->data;
        size_t left = s->len;

        while (left > 0) {
          ssize_t r = write (fd, p, left);
          if (r == -1 && errno == EAGAIN) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };
            poll (&pfd, 1, -1);
            continue;
          }
          if (r == -1 && errno == EINTR)
            continue;
          if (r <= 0)
            _exit (0);
          p += r;
          left -= r;
        }
      }
    case FK_WAIT_EOF:
      for (;;) {
        ssize_t r = read (fd, buf, sizeof buf);

        if (r == 0 || (r == -1 && errno != EINTR && errno != EAGAIN))
          break;
      }
      break;
    }
  }
}

pid_t
fake_daemon_start (int fd, int other_fd, const struct fake_step *steps)
{
  pid_t pid = fork ();

  if (pid == -1) {
    perror ("fork");
    return -1;
  }
  if (pid == 0) {
    close (other_fd);
    run (fd, steps);
    _exit (0);
  }
  close (fd);
  return pid;
}

int
fake_daemon_wait (pid_t pid)
{
  int status;

  if (waitpid (pid, &status, 0) == -1)
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

size_t
fake_reply (unsigned char *buf, size_t cap, uint32_t prog, uint32_t proc,
            uint32_t serial, uint32_t status, const char *errno_str,
            const char *msg, const void *body, size_t body_len)
{
  uint32_t vers = 4, dir = 1;
  uint64_t zero64 = 0;
  u_int len;
  XDR xdr;

  xdrmem_create (&xdr, (char *) buf + 4, cap - 4, XDR_ENCODE);
  xdr_uint32_t (&xdr, &prog);
  xdr_uint32_t (&xdr, &vers);
  xdr_uint32_t (&xdr, &proc);
  xdr_uint32_t (&xdr, &dir);
  xdr_uint32_t (&xdr, &serial);
  xdr_uint64_t (&xdr, &zero64);
  xdr_uint64_t (&xdr, &zero64);
  xdr_uint32_t (&xdr, &status);
  if (errno_str) {
    char *e = (char *) errno_str, *m = (char *) msg;
    xdr_string (&xdr, &e, ~0u);
    xdr_string (&xdr, &m, ~0u);
  }
  len = xdr_getpos (&xdr);
  xdr_destroy (&xdr);
  if (body_len) {
    memcpy (buf + 4 + len, body, body_len);
    len += body_len;
  }
  xdrmem_create (&xdr, (char *) buf, 4, XDR_ENCODE);
  xdr_u_int (&xdr, &len);
  xdr_destroy (&xdr);
  return 4 + len;
}

size_t
fake_chunk (unsigned char *buf, int cancel, const void *data, uint32_t n)
{
  uint32_t w = 8 + ((n + 3) & ~3u);
  XDR xdr;

  xdrmem_create (&xdr, (char *) buf, 12, XDR_ENCODE);
  xdr_uint32_t (&xdr, &w);
  xdr_int (&xdr, &cancel);
  xdr_uint32_t (&xdr, &n);
  xdr_destroy (&xdr);
  if (n > 0)
    memcpy (buf + 12, data, n);
  memset (buf + 12 + n, 0, w - 8 - n);
  return 4 + w;
}

size_t
fake_progress (unsigned char *buf, uint32_t proc, uint32_t serial,
               uint64_t pos, uint64_t total)
{
  uint32_t flag = 0xffff5555;
  XDR xdr;

  xdrmem_create (&xdr, (char *) buf, 28, XDR_ENCODE);
  xdr_uint32_t (&xdr, &flag);
  xdr_uint32_t (&xdr, &proc);
  xdr_uint32_t (&xdr, &serial);
  xdr_uint64_t (&xdr, &pos);
  xdr_uint64_t (&xdr, &total);
  xdr_destroy (&xdr);
  return 28;
}
