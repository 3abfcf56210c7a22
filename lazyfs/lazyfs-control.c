/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs's control server: a thread that answers one command
 * per connection on a Unix stream socket.
 *
 * Protocol: a Unix stream socket at SOCKET.  The client connects,
 * sends one command line ("stats\n"), reads one JSON object on one line,
 * and the server closes the connection.  Commands:
 *   stats           {"ok":true,"cmd":"stats","files":[{"name":...,
 *                    "size":N,"durable_size":N,"dirty_bytes":N,
 *                    "open":N, <the counters of struct model_counters>}]}
 *   cut             {"ok":true,"cmd":"cut","bytes_lost":N,"files":[{"name":
 *                    ...,"bytes_lost":N,"ranges":[[off,len],...],
 *                    "ranges_truncated":false}]}
 *   sync-all        {"ok":true,"cmd":"sync-all","files":[{"name":...,
 *                    "bytes_synced":N}]}
 *   reset-counters  {"ok":true,"cmd":"reset-counters"}
 * An error is {"ok":false,"error":"..."}.  "files" lists the files opened
 * since the mount (a file never opened has no overlay and no counters).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/debug.h"
#include "common/error.h"
#include "common/fdio.h"
#include "common/json-write.h"
#include "lazyfs/lazyfs.h"

/* Lost ranges listed per file in a cut reply; the byte count is exact. */
#define CUT_MAX_RANGES 1024

static void
json_file_start (FILE *fp, const struct lfs_file *f, bool *first)
{
  fputs (*first ? "{\"name\":" : ",{\"name\":", fp);
  *first = false;
  json_write_string (fp, f->name ? f->name : "");
}

static void
ctl_stats (FILE *fp)
{
  const struct lfs_file *f;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"stats\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    const struct model_counters *c = model_file_counters (f->mf);

    json_file_start (fp, f, &first);
    fprintf (fp,
             ",\"unlinked\":%s,\"open\":%u,\"size\":%" PRIu64
             ",\"durable_size\":%" PRIu64 ",\"dirty_bytes\":%" PRIu64
             ",\"overlay_mem\":%" PRIu64,
             f->name ? "false" : "true", f->opens,
             model_file_size (f->mf), model_file_durable_size (f->mf),
             model_file_dirty_bytes (f->mf), model_file_overlay_mem (f->mf));
#define C(field) fprintf (fp, ",\"" #field "\":%" PRIu64, c->field)
    C (writes); C (bytes_written); C (sync_writes); C (sync_bytes_written);
    C (reads); C (bytes_read); C (fsyncs); C (fdatasyncs); C (flushes);
    C (truncates); C (control_syncs); C (bytes_synced); C (writebacks);
    C (bytes_written_back); C (cuts); C (bytes_lost);
#undef C
    fputc ('}', fp);
  }
  fputs ("]}", fp);
}

struct cut_ranges {
  FILE *fp;
  unsigned n;
};

static int
cut_range (uint64_t off, uint64_t len, void *opaque)
{
  struct cut_ranges *cr = opaque;

  if (cr->n == CUT_MAX_RANGES)
    return -1;
  fprintf (cr->fp, "%s[%" PRIu64 ",%" PRIu64 "]", cr->n ? "," : "", off, len);
  cr->n++;
  return 0;
}

static int
ctl_cut (FILE *fp)
{
  struct lfs_file *f;
  uint64_t total = 0, lost;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"cut\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    struct cut_ranges cr = { .fp = fp, .n = 0 };

    json_file_start (fp, f, &first);
    fputs (",\"ranges\":[", fp);
    if (model_file_cut (f->mf, cut_range, &cr, &lost) == -1)
      return -1;
    fprintf (fp, "],\"ranges_truncated\":%s,\"bytes_lost\":%" PRIu64 "}",
             cr.n == CUT_MAX_RANGES ? "true" : "false", lost);
    total += lost;
  }
  fprintf (fp, "],\"bytes_lost\":%" PRIu64 "}", total);
  return 0;
}

static int
ctl_sync_all (FILE *fp)
{
  struct lfs_file *f;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"sync-all\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    uint64_t before = model_file_dirty_bytes (f->mf);

    if (model_file_sync (f->mf, MODEL_SYNC_CONTROL) == -1)
      return -1;
    json_file_start (fp, f, &first);
    fprintf (fp, ",\"bytes_synced\":%" PRIu64 "}", before);
  }
  fputs ("]}", fp);
  return 0;
}

static char *
ctl_error_reply (const char *msg)
{
  char *reply = NULL;
  size_t size;
  FILE *fp = open_memstream (&reply, &size);

  if (fp == NULL)
    return NULL;
  fputs ("{\"ok\":false,\"error\":", fp);
  json_write_string (fp, msg);
  fputs ("}\n", fp);
  if (fclose (fp) != 0) {
    free (reply);
    return NULL;
  }
  return reply;
}

static int
ctl_run (FILE *fp, const char *cmd)
{
  struct lfs_file *f;

  if (strcmp (cmd, "stats") == 0)
    ctl_stats (fp);
  else if (strcmp (cmd, "cut") == 0)
    return ctl_cut (fp);
  else if (strcmp (cmd, "sync-all") == 0)
    return ctl_sync_all (fp);
  else if (strcmp (cmd, "reset-counters") == 0) {
    for (f = lfs.files; f; f = f->next)
      model_file_reset_counters (f->mf);
    fputs ("{\"ok\":true,\"cmd\":\"reset-counters\"}", fp);
  }
  else {
    gd_set_error ("unknown command '%.64s': use stats, cut, sync-all or "
                  "reset-counters", cmd);
    return -1;
  }
  return 0;
}

/* Returns the reply line (malloc'd), or NULL if out of memory. */
static char *
ctl_dispatch (const char *cmd)
{
  char *reply = NULL;
  size_t size;
  FILE *fp;
  int r;

  fp = open_memstream (&reply, &size);
  if (fp == NULL)
    return NULL;
  pthread_mutex_lock (&lfs.lock);
  r = ctl_run (fp, cmd);
  pthread_mutex_unlock (&lfs.lock);
  fputc ('\n', fp);
  if (fclose (fp) != 0 || r == -1) {
    free (reply);
    return r == -1 ? ctl_error_reply (gd_get_error ()) : NULL;
  }
  return reply;
}

static void
ctl_serve_one (int c)
{
  /* A client that connects and says nothing must not wedge the thread. */
  struct timeval tv = { .tv_sec = 5 };
  char line[256];
  size_t n = 0;
  char *reply;

  setsockopt (c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  while (n < sizeof line - 1) {
    ssize_t r = read (c, line + n, sizeof line - 1 - n);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += (size_t) r;
    if (memchr (line, '\n', n))
      break;
  }
  line[n] = '\0';
  line[strcspn (line, "\r\n")] = '\0';
  reply = ctl_dispatch (line);
  gd_debug ("lazyfs", "control: %s", line);
  if (reply)
    gd_write_all (c, reply, strlen (reply));
  free (reply);
}

static void *
ctl_thread (void *arg)
{
  struct pollfd pfd[2] = {
    { .fd = lfs.ctl_fd, .events = POLLIN },
    { .fd = lfs.stop_pipe[0], .events = POLLIN },
  };

  (void) arg;
  for (;;) {
    int c;

    if (poll (pfd, 2, -1) == -1) {
      if (errno == EINTR)
        continue;
      perror ("guestdrv-lazyfs: poll");
      break;
    }
    if (pfd[1].revents)
      break;
    c = accept4 (lfs.ctl_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c == -1)
      continue;
    ctl_serve_one (c);
    close (c);
  }
  return NULL;
}

int
lfs_control_listen (const char *path)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  struct stat st;
  int fd;

  if (strlen (path) >= sizeof sun.sun_path) {
    gd_set_error ("--control %s: path longer than %zu bytes", path,
                  sizeof sun.sun_path - 1);
    return -1;
  }
  strcpy (sun.sun_path, path);
  /* A socket left by a previous run that was killed. */
  if (lstat (path, &st) == 0 && S_ISSOCK (st.st_mode))
    unlink (path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) {
    gd_set_error_errno ("socket");
    return -1;
  }
  if (bind (fd, (struct sockaddr *) &sun, sizeof sun) == -1 ||
      listen (fd, 8) == -1) {
    gd_set_error_errno ("--control %s", path);
    close (fd);
    return -1;
  }
  return fd;
}

/* Called from FUSE's init: see lazyfs-ops.c. */
void
lfs_control_start (void)
{
  if (lfs.ctl_fd >= 0) {
    if (pthread_create (&lfs.ctl_thread, NULL, ctl_thread, NULL) != 0)
      fprintf (stderr, "guestdrv-lazyfs: cannot start the control thread\n");
    else
      lfs.ctl_running = true;
  }
}

void
lfs_control_stop (void)
{
  if (lfs.ctl_running) {
    ssize_t r = write (lfs.stop_pipe[1], "x", 1);
    (void) r;
    pthread_join (lfs.ctl_thread, NULL);
    lfs.ctl_running = false;
  }
}
