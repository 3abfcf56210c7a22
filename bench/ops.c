/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timed parts of the bench's scenarios, each written once for both
 * tools, side by side: guestdrv's calls through its session (self) and
 * the same calls as guestfish lines (peer), so that the two can only
 * drift where this file shows it.  A scenario's row (scenario.c) names
 * its part and gives it its data (target, fill byte).
 *
 * Why not one guestfish script per scenario, run by guestfish as it is
 * and by guestdrv through its own script runner?  It was weighed: the
 * peer's side already is such a script, with `!date` time marks.  But
 * guestdrv's side reads, in process and exactly at the marks, what a
 * script runner would hide: the channel's byte count and the image's
 * write counters; the runner prints every result (exists, ls) and
 * reports errors on stderr rather than into the case; and its parsing
 * and printing would count in the api scenario's per-call latency,
 * changing what the published figures have meant.  So the set-up and
 * the data stay in the row, and only the timed call sequence is code,
 * here, once per kind.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../session/session.h"
#include "../protocol/proc-numbers.h"

const char *const bench_api_payload =
  "guestdrv-bench-api-scenario:a.small.file.of.sixty-four.bytes.012";

int
bench_call (struct session *s, uint32_t proc, const char *fmt, ...)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  va_list ap;
  int r = 0;

  if (a == NULL)
    return -1;
  va_start (ap, fmt);
  for (; *fmt && r == 0; fmt++) {
    if (*fmt == 's')
      r = proto_args_string (a, va_arg (ap, const char *));
    else
      r = proto_args_int (a, va_arg (ap, int32_t));
  }
  va_end (ap);
  if (r == 0)
    r = session_call (s, proc, 0, a, &rep);
  if (r == -1)
    gd_error_prefix ("%s", proto_proc_name (proc) ? proto_proc_name (proc)
                     : "call");
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
peer_done (FILE *fp)
{
  if (ferror (fp)) {
    gd_set_error ("writing the guestfish script");
    return -1;
  }
  return 0;
}

/* upload: the payload to the target (upload-no-write: the null node). */

static int
upload_self (struct session *s, const struct bench_scenario *sc,
             const struct bench_run *run)
{
  int fd = open (run->payload, O_RDONLY | O_CLOEXEC), r;
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("%s", run->payload);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  r = session_upload_fd (s, fd, st.st_size, sc->target);
  if (r == -1)
    gd_error_prefix ("upload %s", sc->target);
  close (fd);
  return r;
}

static int
upload_peer (FILE *fp, const struct bench_scenario *sc,
             const struct bench_run *run)
{
  fprintf (fp, "upload %s %s\n", run->payload, sc->target);
  return peer_done (fp);
}

const struct bench_op bench_op_upload = { upload_self, upload_peer };

/* fill: fill's length is an int32, so bigger payloads are split over
 * several files of at most FILL_MAX bytes each (TARGET, TARGET.1, ...).
 */
#define FILL_MAX (1024 * 1024 * 1024)

static void
fill_path (const struct bench_scenario *sc, unsigned k, char *buf,
           size_t len)
{
  if (k)
    snprintf (buf, len, "%s.%u", sc->target, k);
  else
    snprintf (buf, len, "%s", sc->target);
}

static int
fill_self (struct session *s, const struct bench_scenario *sc,
           const struct bench_run *run)
{
  uint64_t done = 0;
  unsigned k = 0;

  while (done < run->bytes) {
    uint64_t n = run->bytes - done > FILL_MAX ? FILL_MAX : run->bytes - done;
    char path[64];

    fill_path (sc, k, path, sizeof path);
    if (bench_call (s, PROC_FILL, "iis", sc->fill_byte, (int32_t) n,
                    path) == -1)
      return -1;
    done += n;
    k++;
  }
  return 0;
}

static int
fill_peer (FILE *fp, const struct bench_scenario *sc,
           const struct bench_run *run)
{
  uint64_t done = 0;
  unsigned k = 0;

  while (done < run->bytes) {
    uint64_t n = run->bytes - done > FILL_MAX ? FILL_MAX : run->bytes - done;
    char path[64];

    fill_path (sc, k, path, sizeof path);
    fprintf (fp, "fill %d %llu %s\n", sc->fill_byte, (unsigned long long) n,
             path);
    done += n;
    k++;
  }
  return peer_done (fp);
}

const struct bench_op bench_op_fill = { fill_self, fill_peer };

/* dd: the payload disk (/dev/sdb) into the target. */

static int
dd_self (struct session *s, const struct bench_scenario *sc,
         const struct bench_run *run)
{
  (void) run;
  return bench_call (s, PROC_DD, "ss", "/dev/sdb", sc->target);
}

static int
dd_peer (FILE *fp, const struct bench_scenario *sc,
         const struct bench_run *run)
{
  (void) run;
  fprintf (fp, "dd /dev/sdb %s\n", sc->target);
  return peer_done (fp);
}

const struct bench_op bench_op_dd = { dd_self, dd_peer };

/* tgz-in: a FileIn call like upload, with a directory argument. */

static int
tgz_in_self (struct session *s, const struct bench_scenario *sc,
             const struct bench_run *run)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  int fd = open (run->tarball, O_RDONLY | O_CLOEXEC), r = -1;
  struct gd_fd_io io = { .fd = fd, .interrupt = &bench_interrupted };
  struct stat st;

  if (fd == -1) {
    gd_set_error_errno ("%s", run->tarball);
    proto_args_free (a);
    return -1;
  }
  if (a && fstat (fd, &st) == 0 && proto_args_string (a, sc->target) == 0)
    r = session_call_filein (s, PROC_TGZ_IN, 0, a, st.st_size, gd_fd_source,
                             &io, &rep);
  if (r == -1)
    gd_error_prefix ("tgz_in %s", sc->target);
  proto_reply_free (&rep);
  proto_args_free (a);
  close (fd);
  return r;
}

static int
tgz_in_peer (FILE *fp, const struct bench_scenario *sc,
             const struct bench_run *run)
{
  fprintf (fp, "tgz-in %s %s\n", run->tarball, sc->target);
  return peer_done (fp);
}

const struct bench_op bench_op_tgz_in = { tgz_in_self, tgz_in_peer };

/* api: mkdir TARGET, then BENCH_API_ROUNDS rounds of the fixed mix in
 * TARGET/dI.  guestfish's write and ls are internal_write and ls0
 * underneath, which guestdrv calls directly (ls0's list discarded).
 */

static int
call_write (struct session *s, const char *path, const char *content)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  int r = -1;

  if (a && proto_args_string (a, path) == 0 &&
      proto_args_buffer (a, content, strlen (content)) == 0)
    r = session_call (s, PROC_INTERNAL_WRITE, 0, a, &rep);
  if (r == -1)
    gd_error_prefix ("internal_write %s", path);
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
discard_sink (void *opaque, const void *buf, size_t n)
{
  (void) buf;
  *(size_t *) opaque += n;
  return 0;
}

static int
call_ls0 (struct session *s, const char *dir)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  size_t got = 0;
  int r = -1;

  if (a && proto_args_string (a, dir) == 0)
    r = session_call_fileout (s, PROC_LS0, 0, a, discard_sink, &got, &rep);
  if (r == -1)
    gd_error_prefix ("ls0 %s", dir);
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
api_self (struct session *s, const struct bench_scenario *sc,
          const struct bench_run *run)
{
  char dir[64], a[80], b[80];
  unsigned i;

  (void) run;
  if (bench_call (s, PROC_MKDIR, "s", sc->target) == -1)
    return -1;
  for (i = 0; i < BENCH_API_ROUNDS; i++) {
    snprintf (dir, sizeof dir, "%s/d%u", sc->target, i);
    snprintf (a, sizeof a, "%s/a", dir);
    snprintf (b, sizeof b, "%s/b", dir);
    if (bench_call (s, PROC_MKDIR, "s", dir) == -1 ||
        bench_call (s, PROC_TOUCH, "s", a) == -1 ||
        call_write (s, b, bench_api_payload) == -1 ||
        bench_call (s, PROC_EXISTS, "s", b) == -1 ||
        bench_call (s, PROC_STATNS, "s", a) == -1 ||
        bench_call (s, PROC_LSTATNS, "s", b) == -1 ||
        call_ls0 (s, dir) == -1 ||
        bench_call (s, PROC_RM, "s", a) == -1)
      return -1;
  }
  return 0;
}

static int
api_peer (FILE *fp, const struct bench_scenario *sc,
          const struct bench_run *run)
{
  const char *t = sc->target;

  (void) run;
  fprintf (fp, "mkdir %s\n", t);
  for (unsigned i = 0; i < BENCH_API_ROUNDS; i++)
    fprintf (fp, "mkdir %s/d%u\ntouch %s/d%u/a\n"
             "write %s/d%u/b \"%s\"\nexists %s/d%u/b\n"
             "statns %s/d%u/a\nlstatns %s/d%u/b\nls %s/d%u\n"
             "rm %s/d%u/a\n", t, i, t, i, t, i, bench_api_payload, t, i,
             t, i, t, i, t, i, t, i);
  return peer_done (fp);
}

const struct bench_op bench_op_api = { api_self, api_peer };
