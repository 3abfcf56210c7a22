/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny QMP client: just enough to ask qemu for query-blockstats.
 * Each reply is one line of JSON; asynchronous events (also lines) are
 * skipped.  Every read and write is bounded by the caller's timeout and
 * the reply by QMP_REPLY_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "disk.h"
#include "../common/clock.h"
#include "../common/error.h"
#include "../common/json.h"

#define QMP_REPLY_MAX (1024 * 1024)

struct qmp {
  int fd;
  uint64_t deadline;
  char *buf;
  size_t len, cap;
};

static int
remaining_ms (const struct qmp *q)
{
  uint64_t now = gd_now_ns ();
  return now >= q->deadline ? 0 : (int) ((q->deadline - now) / 1000000 + 1);
}

static int
qmp_wait (struct qmp *q, short ev)
{
  struct pollfd p = { .fd = q->fd, .events = ev };
  int r;

  do
    r = poll (&p, 1, remaining_ms (q));
  while (r == -1 && errno == EINTR);
  if (r == 0) {
    errno = ETIMEDOUT;
    gd_set_error ("qmp: no answer in time");
    return -1;
  }
  if (r == -1) {
    gd_set_error_errno ("qmp: poll");
    return -1;
  }
  return 0;
}

static int
qmp_send (struct qmp *q, const char *cmd)
{
  size_t off = 0, n = strlen (cmd);

  while (off < n) {
    ssize_t w = send (q->fd, cmd + off, n - off, MSG_NOSIGNAL);
    if (w > 0)
      off += w;
    else if (w == -1 && (errno == EAGAIN || errno == EINTR)) {
      if (qmp_wait (q, POLLOUT) == -1)
        return -1;
    }
    else {
      gd_set_error_errno ("qmp: send");
      return -1;
    }
  }
  return 0;
}

/* Read one line (without its CR LF) into a malloc'd string. */
static char *
qmp_line (struct qmp *q)
{
  for (;;) {
    char *nl = q->len ? memchr (q->buf, '\n', q->len) : NULL;
    ssize_t r;

    if (nl) {
      size_t n = nl - q->buf;
      char *line = malloc (n + 1);
      if (!line) {
        gd_set_error_errno ("qmp");
        return NULL;
      }
      memcpy (line, q->buf, n);
      line[n] = '\0';
      if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
      memmove (q->buf, nl + 1, q->len - n - 1);
      q->len -= n + 1;
      return line;
    }
    if (q->len == q->cap) {
      size_t ncap = q->cap ? q->cap * 2 : 4096;
      char *nb;
      if (ncap > QMP_REPLY_MAX) {
        errno = EMSGSIZE;
        gd_set_error ("qmp: reply longer than %d bytes", QMP_REPLY_MAX);
        return NULL;
      }
      nb = realloc (q->buf, ncap);
      if (!nb) {
        gd_set_error_errno ("qmp");
        return NULL;
      }
      q->buf = nb;
      q->cap = ncap;
    }
    r = recv (q->fd, q->buf + q->len, q->cap - q->len, 0);
    if (r > 0)
      q->len += r;
    else if (r == 0) {
      errno = ECONNRESET;
      gd_set_error ("qmp: qemu closed the connection");
      return NULL;
    }
    else if (errno == EAGAIN || errno == EINTR) {
      if (qmp_wait (q, POLLIN) == -1)
        return NULL;
    }
    else {
      gd_set_error_errno ("qmp: recv");
      return NULL;
    }
  }
}

/* Read lines until a reply ("return" or "error"); events are skipped. */
static struct json *
qmp_reply (struct qmp *q)
{
  for (;;) {
    char *line = qmp_line (q);
    struct json *j;

    if (!line)
      return NULL;
    j = json_parse (line, strlen (line));
    free (line);
    if (!j) {
      gd_error_prefix ("qmp");
      return NULL;
    }
    if (json_get (j, "return"))
      return j;
    if (json_get (j, "error")) {
      const char *desc = json_string (json_path (j, "error.desc"), "unknown");
      errno = EIO;
      gd_set_error ("qmp: qemu: %s", desc);
      json_free (j);
      return NULL;
    }
    json_free (j);              /* an event or the greeting */
  }
}

static uint64_t
u64 (const struct json *stats, const char *key)
{
  double v = json_number (json_get (stats, key), 0);

  /* qemu's numbers are untrusted too: no cast of a value out of range
   * (a NaN fails both tests).
   */
  return v > 0 && v < 18446744073709551616.0 ? (uint64_t) v : 0;
}

int
disk_qmp_parse_blockstats (const char *text, size_t len,
                           struct disk_qmp_stats *out, size_t max, size_t *n)
{
  struct json *j = json_parse (text, len);
  const struct json *ret;

  *n = 0;
  if (!j)
    return -1;
  ret = json_get (j, "return");
  if (!ret || ret->type != JSON_ARRAY) {
    json_free (j);
    errno = EPROTO;
    gd_set_error ("qmp: query-blockstats: no list in the reply");
    return -1;
  }
  for (size_t i = 0; i < ret->n && *n < max; i++) {
    const struct json *e = &ret->kids[i];
    const struct json *st = json_get (e, "stats");
    struct disk_qmp_stats *o = &out[*n];

    if (!st || st->type != JSON_OBJECT)
      continue;
    memset (o, 0, sizeof *o);
    snprintf (o->device, sizeof o->device, "%s",
              json_string (json_get (e, "device"),
                           json_string (json_get (e, "node-name"), "?")));
    o->rd_bytes = u64 (st, "rd_bytes");
    o->wr_bytes = u64 (st, "wr_bytes");
    o->rd_ops = u64 (st, "rd_operations");
    o->wr_ops = u64 (st, "wr_operations");
    o->flush_ops = u64 (st, "flush_operations");
    o->rd_ns = u64 (st, "rd_total_time_ns");
    o->wr_ns = u64 (st, "wr_total_time_ns");
    o->flush_ns = u64 (st, "flush_total_time_ns");
    (*n)++;
  }
  json_free (j);
  return 0;
}

int
disk_qmp_blockstats (const char *path, int timeout_ms,
                     struct disk_qmp_stats *out, size_t max, size_t *n)
{
  struct qmp q = { .fd = -1 };
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct json *j = NULL;
  char *text = NULL;
  size_t tlen = 0;
  FILE *mf;
  int ret = -1;

  *n = 0;
  if (!path || !*path || strlen (path) >= sizeof sa.sun_path) {
    errno = EINVAL;
    gd_set_error ("qmp: no QMP socket for this hypervisor");
    return -1;
  }
  strcpy (sa.sun_path, path);
  q.deadline = gd_now_ns () + (uint64_t) timeout_ms * 1000000;
  q.fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (q.fd == -1 || connect (q.fd, (struct sockaddr *) &sa, sizeof sa) == -1) {
    gd_set_error_errno ("qmp: connect %s", path);
    goto out;
  }
  /* The greeting has no "return": qmp_reply reads past it. */
  if (qmp_send (&q, "{\"execute\":\"qmp_capabilities\"}\n") == -1 ||
      !(j = qmp_reply (&q)))
    goto out;
  json_free (j);
  if (qmp_send (&q, "{\"execute\":\"query-blockstats\"}\n") == -1 ||
      !(j = qmp_reply (&q)))
    goto out;
  /* Re-serialise: the parser of the reply is the one the test uses. */
  mf = open_memstream (&text, &tlen);
  if (!mf)
    goto out;
  json_write (mf, j, 0);
  if (fclose (mf) == 0)
    ret = disk_qmp_parse_blockstats (text, tlen, out, max, n);
 out:
  json_free (j);
  free (text);
  free (q.buf);
  if (q.fd >= 0)
    close (q.fd);
  return ret;
}
