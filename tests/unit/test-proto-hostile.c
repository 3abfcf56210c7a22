/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A hostile daemon, console and qemu: one test per misbehaviour that the
 * older fake-daemon tests did not reach, and one per bound (the call
 * deadline, the FileOut cap, the drain after a cancel, the trace caps,
 * the QMP line limit).  Each must end with a clear error in bounded time
 * and memory.
 */
#undef NDEBUG
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel/channel.h"
#include "common/clock.h"
#include "common/error.h"
#include "disk/disk.h"
#include "protocol/proto.h"
#include "common/json.h"
#include "trace/trace.h"
#include "fake-session.h"
#include "unit-main.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define S0 0x00123400u
#define PING 92
#define DOWNLOAD 67

static const unsigned char cancel_word[4] = { 0xff, 0xff, 0xee, 0xee };

/* A ping answered by REPLY: the call fails with NEEDLE and ERR, fast. */
static void
ping_fails (const void *reply, size_t len, const char *needle, int err)
{
  struct fake_step steps[] = {
    { FK_READ_CALL }, { FK_WRITE, reply, len }, { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  fake_assert_error (needle);
  ck_assert_int_eq (errno, err);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}

START_TEST (test_wrong_version)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, PING, S0);

  rep[11] = 5;                  /* the version word: 4 -> 5 */
  ping_fails (rep, n, "wrong protocol version 5", EPROTO);
}
END_TEST

START_TEST (test_wrong_direction)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, PING, S0);

  rep[19] = 0;                  /* the direction word: reply -> call */
  ping_fails (rep, n, "got a message with direction 0", EPROTO);
}
END_TEST

START_TEST (test_launch_flag_mid_session)
{
  static const unsigned char flag[4] = { 0xf5, 0xf5, 0x5f, 0xf5 };

  ping_fails (flag, 4, "unexpected launch flag", EPROTO);
}
END_TEST

/* An error reply whose strings run past the end of its frame: the
 * length word says less than the strings claim.
 */
START_TEST (test_error_past_frame)
{
  unsigned char rep[256];
  size_t n = fake_reply (rep, sizeof rep, PROTO_PROGRAM, PING, S0, 1, "EIO",
                         "a message that is longer than what is left", NULL, 0);
  uint32_t w = htonl ((uint32_t) (n - 4 - 24));

  memcpy (rep, &w, 4);
  ping_fails (rep, n - 24, "protocol error", EPROTO);
}
END_TEST

/* The call's deadline ends a daemon that keeps a call alive forever:
 * with progress records, or with stray cancel words (both reset the idle
 * timeout).  Under --trace the progress instants are capped, so host
 * memory stays bounded.
 */
static void
endless (const void *unit, size_t len, bool traced)
{
  struct fake_step steps[] = {
    { FK_READ_CALL }, { FK_FLOOD, unit, len }, { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;
  struct rusage ru0, ru1;
  uint64_t t0;

  trace_reset ();
  trace_mask = traced ? (1u << TL_NLAYERS) - 1 : 0;
  getrusage (RUSAGE_SELF, &ru0);
  fake_session_start (&f, steps);
  proto_set_call_timeout (f.p, 1500);
  t0 = gd_now_ns ();
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  fake_assert_error ("deadline");
  ck_assert_int_lt (gd_now_ns () - t0, 5000000000ull);
  ck_assert_int_eq (fake_session_finish (&f), 0);
  getrusage (RUSAGE_SELF, &ru1);
  /* Capped trace: tens of MB at most, whatever the flood rate (ASan's
   * quarantine keeps freed memory, so there only the count below).
   */
#ifndef __SANITIZE_ADDRESS__
  ck_assert_int_lt (ru1.ru_maxrss - ru0.ru_maxrss, 64 * 1024);
#endif
  (void) ru0;
  if (traced) {
    char path[] = "/tmp/guestdrv-hostile-XXXXXX";
    int fd = mkstemp (path);
    struct json *j;
    const struct json *ev;
    size_t progress = 0;

    ck_assert (fd >= 0);
    close (fd);
    ck_assert_int_eq (trace_write (path), 0);
    j = json_parse_file (path, 256u << 20);
    unlink (path);
    ck_assert_msg (j != NULL, "%s", gd_get_error ());
    ev = json_get (j, "traceEvents");
    for (size_t i = 0; ev && i < ev->n; i++)
      if (strcmp (json_string (json_get (&ev->kids[i], "name"), ""), "progress") == 0)
        progress++;
    ck_assert_int_le (progress, 10000);
    ck_assert_msg (progress == 10000, "only %zu progress records in 1.5 s", progress);
    ck_assert (json_number (json_path (j, "otherData.summary.protocol.dropped_events"), 0) > 0);
    json_free (j);
  }
  trace_mask = 0;
  trace_reset ();
}

START_TEST (test_endless_progress)
{
  unsigned char pr[28];

  endless (pr, fake_progress (pr, PING, S0, 1, 2), true);
}
END_TEST

START_TEST (test_endless_cancel_words)
{
  endless (cancel_word, 4, false);
}
END_TEST

struct counter {
  uint64_t bytes;
  uint64_t fail_after;
};

static int
count_sink (void *opaque, const void *buf, size_t n)
{
  struct counter *c = opaque;

  (void) buf;
  if (c->bytes >= c->fail_after) {
    errno = ENOSPC;
    gd_set_error ("disk full");
    return -1;
  }
  c->bytes += n;
  return 0;
}

/* A download that never ends: OK reply, then chunks forever. */
static void
endless_download (int timeout_ms, uint64_t limit, uint64_t fail_after,
                  const char *needle, int err)
{
  static unsigned char data[8192], c[8300];
  unsigned char rep[64];
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_FLOOD, c, fake_chunk (c, 0, data, sizeof data) },
    { FK_END },
  };
  struct counter cnt = { 0, fail_after };
  struct fake_session f;
  struct proto_reply r;
  uint64_t t0;

  fake_session_start (&f, steps);
  proto_set_call_timeout (f.p, timeout_ms);
  if (limit)
    proto_set_fileout_limit (f.p, limit);
  t0 = gd_now_ns ();
  ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, NULL, count_sink,
                                        &cnt, &r), -1);
  fake_assert_error (needle);
  ck_assert_int_eq (errno, err);
  ck_assert_int_lt (gd_now_ns () - t0, 20000000000ull);
  if (limit)
    ck_assert_int_le (cnt.bytes, limit);
  proto_reply_free (&r);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}

START_TEST (test_endless_fileout_deadline)
{
  endless_download (1000, 0, UINT64_MAX, "deadline", ETIMEDOUT);
}
END_TEST

START_TEST (test_fileout_over_limit)
{
  endless_download (0, 20000, UINT64_MAX, "more than the 20000 bytes asked for",
                    EPROTO);
}
END_TEST

/* We cancel (the sink fails) and the daemon ignores it. */
START_TEST (test_drain_after_cancel_bounded)
{
  endless_download (0, 0, 8192, "past our cancel", EPROTO);
}
END_TEST

/* A download answered by STEPS fails with NEEDLE and ERR; BYTES (unless
 * -1) reached the sink.
 */
static void
download_fails (const struct fake_step *steps, const char *needle, int err,
                int64_t bytes)
{
  struct counter cnt = { 0, UINT64_MAX };
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, NULL, count_sink,
                                        &cnt, &r), -1);
  fake_assert_error (needle);
  ck_assert_int_eq (errno, err);
  if (bytes >= 0)
    ck_assert_int_eq (cnt.bytes, bytes);
  proto_reply_free (&r);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}

START_TEST (test_chunk_cancel_2)
{
  unsigned char rep[64], c[64];
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c, fake_chunk (c, 2, "abc", 3) },
    { FK_WAIT_EOF }, { FK_END },
  };

  download_fails (steps, "chunk with cancel = 2", EPROTO, 0);
}
END_TEST

START_TEST (test_eof_mid_chunk)
{
  static unsigned char data[8192], c[8300];
  unsigned char rep[64];
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c, 12 + 1000 },  /* the head and 1000 of 8192 bytes */
    { FK_END },
  };

  fake_chunk (c, 0, data, sizeof data);
  download_fails (steps, "appliance closed the channel", EPIPE, -1);
}
END_TEST

START_TEST (test_cancel_word_during_download)
{
  static unsigned char c[64];
  unsigned char rep[64];
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c, fake_chunk (c, 0, "abcd", 4) },
    { FK_WRITE, cancel_word, 4 },
    { FK_WAIT_EOF }, { FK_END },
  };

  download_fails (steps, "unexpected cancel word from the daemon during a download",
                  EPROTO, 4);
}
END_TEST

START_TEST (test_truncated_progress)
{
  unsigned char pr[28];

  fake_progress (pr, PING, S0, 1, 2);
  ping_fails (pr, 14, "appliance closed the channel", EPIPE);
}
END_TEST

/* A flood of console marks under --trace: the init layer keeps at most
 * 10000 instants; the rest are counted.  Non-finite counters never reach
 * the trace, and guest strings come out as valid UTF-8 JSON.
 */
START_TEST (test_trace_caps_and_strings)
{
  char path[] = "/tmp/guestdrv-hostile-XXXXXX";
  int fd = mkstemp (path);
  struct json *j;
  const struct json *ev;
  size_t init = 0, counters = 0;
  FILE *f;
  char *text;
  long len;

  ck_assert (fd >= 0);
  close (fd);
  trace_reset ();
  trace_mask = (1u << TL_NLAYERS) - 1;
  for (int i = 0; i < 30000; i++)
    trace_instant (TL_INIT, "flood", 1000 + i, "\"guest_uptime_s\":1.000");
  trace_counter (TL_CHANNEL, "c", 1, "v", NAN);
  trace_counter (TL_CHANNEL, "c", 2, "v", INFINITY);
  trace_counter (TL_CHANNEL, "c", 3, "v", 5);
  trace_summary_str (TL_INIT, "guest", "bad \xff\xc0 utf8 \x1b[2J \xe2\x82\xac");
  ck_assert_int_eq (trace_write (path), 0);
  trace_mask = 0;
  trace_reset ();

  /* Strict JSON: our reader refuses NaN, bare control bytes and
   * (through strtod) nothing else; check the bytes too.
   */
  f = fopen (path, "r");
  ck_assert (f != NULL);
  fseek (f, 0, SEEK_END);
  len = ftell (f);
  rewind (f);
  text = malloc (len + 1);
  ck_assert (fread (text, 1, len, f) == (size_t) len);
  text[len] = '\0';
  fclose (f);
  ck_assert (strstr (text, "nan") == NULL && strstr (text, "inf") == NULL);
  ck_assert (strchr (text, '\x1b') == NULL && strstr (text, "\xff") == NULL);
  ck_assert (strstr (text, "\\ufffd\\ufffd utf8 \\u001b[2J \xe2\x82\xac") != NULL);
  free (text);

  j = json_parse_file (path, 64u << 20);
  unlink (path);
  ck_assert_msg (j != NULL, "%s", gd_get_error ());
  ev = json_get (j, "traceEvents");
  for (size_t i = 0; ev && i < ev->n; i++) {
    const char *name = json_string (json_get (&ev->kids[i], "name"), "");
    init += strcmp (name, "flood") == 0;
    counters += strcmp (name, "c") == 0;
  }
  ck_assert_int_eq (init, 10000);
  ck_assert_int_eq (counters, 1);
  ck_assert (json_number (json_path (j, "otherData.summary.init.dropped_events"), 0) == 20000);
  json_free (j);
}
END_TEST

/* qemu (or what took it over) sends a QMP line longer than the limit. */
START_TEST (test_qmp_line_over_limit)
{
  char dir[] = "/tmp/guestdrv-qmp-XXXXXX", path[128];
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct disk_qmp_stats st[4];
  size_t n;
  int lfd;
  pid_t pid;
  uint64_t t0;

  ck_assert (mkdtemp (dir) != NULL);
  snprintf (path, sizeof path, "%s/qmp.sock", dir);
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", path);
  lfd = socket (AF_UNIX, SOCK_STREAM, 0);
  ck_assert (lfd >= 0);
  ck_assert (bind (lfd, (struct sockaddr *) &sa, sizeof sa) == 0);
  ck_assert (listen (lfd, 1) == 0);
  pid = fork ();
  ck_assert (pid >= 0);
  if (pid == 0) {
    static char junk[65536];
    int c = accept (lfd, NULL, NULL);

    signal (SIGPIPE, SIG_IGN);
    memset (junk, 'x', sizeof junk);
    /* 2 MiB without a newline, then hold the connection. */
    for (int i = 0; c >= 0 && i < 32; i++)
      if (write (c, junk, sizeof junk) < 0)
        break;
    sleep (10);
    _exit (0);
  }
  close (lfd);
  t0 = gd_now_ns ();
  ck_assert_int_eq (disk_qmp_blockstats (path, 3000, st, 4, &n), -1);
  ck_assert_int_eq (errno, EMSGSIZE);
  fake_assert_error ("longer than");
  ck_assert_int_lt (gd_now_ns () - t0, 3000000000ull);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  unlink (path);
  rmdir (dir);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("hostile");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_wrong_version);
  tcase_add_test (tc, test_wrong_direction);
  tcase_add_test (tc, test_launch_flag_mid_session);
  tcase_add_test (tc, test_error_past_frame);
  tcase_add_test (tc, test_endless_progress);
  tcase_add_test (tc, test_endless_cancel_words);
  tcase_add_test (tc, test_endless_fileout_deadline);
  tcase_add_test (tc, test_fileout_over_limit);
  tcase_add_test (tc, test_drain_after_cancel_bounded);
  tcase_add_test (tc, test_chunk_cancel_2);
  tcase_add_test (tc, test_eof_mid_chunk);
  tcase_add_test (tc, test_cancel_word_during_download);
  tcase_add_test (tc, test_truncated_progress);
  tcase_add_test (tc, test_trace_caps_and_strings);
  tcase_add_test (tc, test_qmp_line_over_limit);
  return unit_run ("proto-hostile", tc);
}
