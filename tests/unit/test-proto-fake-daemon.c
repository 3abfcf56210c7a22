/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The protocol layer against a scripted fake daemon over a socketpair:
 * one test per misbehaviour (asserting the error text and errno), the
 * length boundaries, and the FileIn/FileOut cancellation dances.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel/channel.h"
#include "common/clock.h"
#include "common/error.h"
#include "protocol/proto.h"
#include "fake-session.h"
#include "unit-main.h"

/* Daemon scripts read best as positional tables with trailing fields
 * left out.
 */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define S0 0x00123400u          /* the first serial */
#define PING 92
#define UPLOAD 66
#define DOWNLOAD 67
#define PREAD_DEVICE 276

static const unsigned char cancel_word[4] = { 0xff, 0xff, 0xee, 0xee };

/* A ping whose reply is the given bytes; the call must fail with
 * NEEDLE and errno ERR.
 */
static void
ping_fails (const void *reply, size_t len, bool then_close,
            const char *needle, int err)
{
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, reply, len },
    { then_close ? FK_END : FK_WAIT_EOF },
    { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  fake_assert_error (needle);
  ck_assert_int_eq (errno, err);
  /* The session is dead after a desync. */
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  fake_assert_error ("unusable after an earlier failure");
  ck_assert_int_eq (fake_session_finish (&f), 0);
}

START_TEST (test_ping_ok)
{
  unsigned char rep[64], prog[28];
  size_t n = fake_ok_reply (rep, PING, S0);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, prog, fake_progress (prog, PING, S0, 1, 2) },
    { FK_WRITE, cancel_word, 4 },   /* stray cancel before a reply */
    { FK_WRITE, rep, n },
    { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  ck_assert_int_eq (r.status, 0);
  ck_assert_int_eq (r.serial, S0);
  proto_reply_free (&r);
  ck_assert_int_eq (proto_get_stats (f.p, PING)->calls, 1);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

START_TEST (test_len_over_max)
{
  static const unsigned char w[4] = { 0x00, 0x40, 0x00, 0x01 }; /* 4194305 */

  ping_fails (w, 4, false, "length word 4194305", EPROTO);
}
END_TEST

START_TEST (test_len_under_header)
{
  static const unsigned char w[4] = { 0, 0, 0, 39 };

  ping_fails (w, 4, false, "length word 39 is shorter than the 40-byte header",
              EPROTO);
}
END_TEST

/* 4194304 (exactly the maximum) and 4194303 are accepted. */
static void
big_reply (uint32_t frame)
{
  size_t body = frame - 40;
  unsigned char *buf = calloc (1, 4 + frame + 64);
  unsigned char *data = calloc (1, body);
  size_t n;
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, buf, 0 },
    { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;

  ck_assert (buf != NULL);
  n = fake_reply (buf, 4 + frame + 64, PROTO_PROGRAM, PREAD_DEVICE, S0, 0,
                  NULL, NULL, data, body);
  ck_assert_int_eq (n, 4 + frame);
  steps[1].len = n;
  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call (f.p, PREAD_DEVICE, 0, NULL, &r), 0);
  ck_assert_int_eq (r.body_len, body);
  proto_reply_free (&r);
  ck_assert_int_eq (fake_session_finish (&f), 0);
  free (buf);
  free (data);
}

START_TEST (test_len_exactly_max)
{
  big_reply (PROTO_MESSAGE_MAX);
}
END_TEST

START_TEST (test_len_max_minus_one)
{
  big_reply (PROTO_MESSAGE_MAX - 1);
}
END_TEST

START_TEST (test_truncated_then_eof)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, PING, S0);

  ping_fails (rep, n - 10, true, "appliance closed the channel", EPIPE);
}
END_TEST

START_TEST (test_eof_before_reply)
{
  ping_fails ("", 0, true, "appliance closed the channel", EPIPE);
}
END_TEST

START_TEST (test_wrong_serial)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, PING, S0 + 1);

  ping_fails (rep, n, false,
              "reply serial 0x00123401 does not match the call's 0x00123400",
              EPROTO);
}
END_TEST

START_TEST (test_wrong_proc)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, 7, S0);

  ping_fails (rep, n, false, "reply is for procedure 7, the call was 92",
              EPROTO);
}
END_TEST

START_TEST (test_wrong_program)
{
  unsigned char rep[64];
  size_t n = fake_reply (rep, sizeof rep, 0x2000F5F6, PING, S0, 0, NULL, NULL,
                         NULL, 0);

  ping_fails (rep, n, false, "wrong program number 0x2000f5f6", EPROTO);
}
END_TEST

START_TEST (test_bad_status)
{
  unsigned char rep[64];
  size_t n = fake_reply (rep, sizeof rep, PROTO_PROGRAM, PING, S0, 2, NULL,
                         NULL, NULL, 0);

  ping_fails (rep, n, false, "reply with status 2", EPROTO);
}
END_TEST

START_TEST (test_errno_33)
{
  unsigned char rep[256];
  size_t n = fake_reply (rep, sizeof rep, PROTO_PROGRAM, PING, S0, 1,
                         "EABCDEFGHIJKLMNOPQRSTUVWXYZ123456", "msg", NULL, 0);

  ping_fails (rep, n, false, "errno string of 33 bytes exceeds the limit of 32",
              EPROTO);
}
END_TEST

/* Errno of exactly 32 bytes and a message of exactly 65536 are fine. */
START_TEST (test_error_at_limits)
{
  static char msg[65537];
  unsigned char *rep = malloc (70000);
  size_t n;
  struct fake_step steps[] = {
    { FK_READ_CALL }, { FK_WRITE, rep, 0 }, { FK_END },
  };
  struct fake_session f;
  struct proto_reply r;

  memset (msg, 'm', 65536);
  n = fake_reply (rep, 70000, PROTO_PROGRAM, PING, S0, 1,
                  "EABCDEFGHIJKLMNOPQRSTUVWXYZ12345", msg, NULL, 0);
  steps[1].len = n;
  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  ck_assert_int_eq (r.status, 1);
  ck_assert_int_eq (strlen (r.errno_str), 32);
  ck_assert_int_eq (strlen (r.error_message), 65536);
  proto_reply_free (&r);
  ck_assert_int_eq (fake_session_finish (&f), 0);
  free (rep);
}
END_TEST

START_TEST (test_error_message_too_long)
{
  static char msg[65538];
  unsigned char *rep = malloc (70000);
  size_t n;

  memset (msg, 'm', 65537);
  n = fake_reply (rep, 70000, PROTO_PROGRAM, PING, S0, 1, "EIO", msg, NULL, 0);
  ping_fails (rep, n, false,
              "error message of 65537 bytes exceeds the limit of 65536", EPROTO);
  free (rep);
}
END_TEST

START_TEST (test_garbage)
{
  static const char junk[] = "HELLO, I am not guestfsd at all\r\n";

  ping_fails (junk, sizeof junk - 1, false, "exceeds the message maximum",
              EPROTO);
}
END_TEST

START_TEST (test_silence_times_out)
{
  struct fake_step steps[] = { { FK_READ_CALL }, { FK_WAIT_EOF }, { FK_END } };
  struct fake_session f;
  struct proto_reply r;
  int64_t t0;

  fake_session_start (&f, steps);
  channel_set_timeout (f.ch, 200);
  t0 = gd_now_ns ();
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  fake_assert_error ("no progress for 200 ms");
  ck_assert_int_ge ((int64_t) gd_now_ns () - t0, 190 * 1000000LL);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* The watch fd (a pidfd in real life; a pipe here) ends the wait. */
START_TEST (test_hypervisor_exit)
{
  struct fake_step steps[] = { { FK_READ_CALL }, { FK_WAIT_EOF }, { FK_END } };
  struct fake_session f;
  struct proto_reply r;
  int pfd[2];

  ck_assert (pipe (pfd) == 0);
  fake_session_start (&f, steps);
  channel_set_watch_fd (f.ch, pfd[0]);
  ck_assert (write (pfd[1], "x", 1) == 1);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), -1);
  fake_assert_error ("hypervisor exited");
  ck_assert_int_eq (fake_session_finish (&f), 0);
  close (pfd[0]);
  close (pfd[1]);
}
END_TEST

START_TEST (test_launch_flag)
{
  static const unsigned char good[4] = { 0xf5, 0xf5, 0x5f, 0xf5 };
  static const unsigned char bad[4] = { 'l', 'o', 'g', ':' };
  struct fake_step s1[] = { { FK_WRITE, good, 4 }, { FK_WAIT_EOF }, { FK_END } };
  struct fake_step s2[] = { { FK_WRITE, bad, 4 }, { FK_WAIT_EOF }, { FK_END } };
  struct fake_step s3[] = { { FK_WAIT_EOF }, { FK_END } };
  struct fake_session f;

  fake_session_start (&f, s1);
  ck_assert_int_eq (channel_wait_launch_flag (f.ch, 1000), 0);
  ck_assert_int_eq (fake_session_finish (&f), 0);

  fake_session_start (&f, s2);
  ck_assert_int_eq (channel_wait_launch_flag (f.ch, 1000), -1);
  fake_assert_error ("got 6c 6f 67 3a");
  ck_assert_int_eq (fake_session_finish (&f), 0);

  fake_session_start (&f, s3);
  ck_assert_int_eq (channel_wait_launch_flag (f.ch, 100), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  fake_assert_error ("launch flag");
  fake_assert_error ("100 ms");
  ck_assert_int_eq (channel_get_timeout (f.ch), 5000);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* --- FileIn ------------------------------------------------------------- */

struct src {
  size_t total, done;
  size_t fail_after;            /* return -1 once this much was given */
};

static ssize_t
source (void *opaque, void *buf, size_t n)
{
  struct src *s = opaque;
  unsigned char *b = buf;
  size_t i;

  if (s->done >= s->fail_after) {
    gd_set_error ("local read failed");
    errno = EIO;
    return -1;
  }
  if (n > s->total - s->done)
    n = s->total - s->done;
  if (n > s->fail_after - s->done)
    n = s->fail_after - s->done;
  for (i = 0; i < n; i++)
    b[i] = (31 * (s->done + i) + 7) & 0xff;
  s->done += n;
  return n;
}

static struct proto_args *
path_args (const char *path)
{
  struct proto_args *a = proto_args_new ();

  ck_assert (a != NULL);
  ck_assert (proto_args_string (a, path) == 0);
  return a;
}

/* 20000 bytes like s03: chunks 8192 + 8192 + 3616 and the end marker. */
START_TEST (test_upload_ok)
{
  unsigned char rep[64];
  size_t n = fake_ok_reply (rep, UPLOAD, S0);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_READ_CHUNKS, NULL, 20000, 0 },
    { FK_WRITE, rep, n },
    { FK_END },
  };
  struct src src = { .total = 20000, .fail_after = SIZE_MAX };
  struct proto_args *a = path_args ("/data.bin");
  struct fake_session f;
  struct proto_reply r;
  const struct proto_proc_stats *st;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_filein (f.p, UPLOAD, 0, a, 20000, source, &src,
                                       &r), 0);
  ck_assert_int_eq (r.status, 0);
  st = proto_get_stats (f.p, UPLOAD);
  ck_assert_int_eq (st->chunks_out, 4);
  ck_assert_int_eq (st->file_bytes_out, 20000);
  proto_reply_free (&r);
  proto_args_free (a);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* The s05 dance: the daemon's cancel word arrives mid-stream; we end
 * with a cancel chunk and get the real error; the session stays in sync.
 */
START_TEST (test_upload_daemon_cancel)
{
  unsigned char err[256], pong[64];
  size_t ne = fake_reply (err, sizeof err, PROTO_PROGRAM, UPLOAD, S0, 1,
                          "ENOENT", "/nonexistent-dir/x: No such file or "
                          "directory", NULL, 0);
  size_t np = fake_ok_reply (pong, PING, S0 + 1);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_READ, NULL, 3 * (12 + 8192) },
    { FK_WRITE, cancel_word, 4 },
    { FK_READ_CHUNKS, NULL, SIZE_MAX, 1 },
    { FK_WRITE, err, ne },
    { FK_READ_CALL },
    { FK_WRITE, pong, np },
    { FK_END },
  };
  /* An endless source: only the daemon's cancel can stop it. */
  struct src src = { .total = SIZE_MAX, .fail_after = SIZE_MAX };
  struct proto_args *a = path_args ("/nonexistent-dir/x");
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_filein (f.p, UPLOAD, 0, a, 0, source, &src,
                                       &r), 0);
  ck_assert_int_eq (r.status, 1);
  ck_assert_str_eq (r.errno_str, "ENOENT");
  ck_assert_str_eq (r.error_message,
                    "/nonexistent-dir/x: No such file or directory");
  proto_reply_free (&r);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  proto_reply_free (&r);
  proto_args_free (a);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* The daemon cancels after our end marker (s04): the cancel word comes
 * just before the error reply and is skipped.
 */
START_TEST (test_upload_cancel_after_end)
{
  unsigned char err[256];
  size_t ne = fake_reply (err, sizeof err, PROTO_PROGRAM, UPLOAD, S0, 1, "",
                          "write error: /dev/sdb1", NULL, 0);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_READ_CHUNKS, NULL, 18, 0 },
    { FK_WRITE, cancel_word, 4 },
    { FK_WRITE, err, ne },
    { FK_END },
  };
  struct src src = { .total = 18, .fail_after = SIZE_MAX };
  struct proto_args *a = path_args ("/dev/sdb1");
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_filein (f.p, UPLOAD, 0, a, 18, source, &src,
                                       &r), 0);
  ck_assert_int_eq (r.status, 1);
  ck_assert_str_eq (r.error_message, "write error: /dev/sdb1");
  proto_reply_free (&r);
  proto_args_free (a);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* User cancel (s06): the source fails after 20000 bytes; a cancel chunk
 * goes out, the daemon's "file upload cancelled" is read, -2 returned.
 */
START_TEST (test_upload_user_cancel)
{
  unsigned char err[256], pong[64];
  size_t ne = fake_reply (err, sizeof err, PROTO_PROGRAM, UPLOAD, S0, 1, "",
                          "file upload cancelled", NULL, 0);
  size_t np = fake_ok_reply (pong, PING, S0 + 1);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_READ_CHUNKS, NULL, 20000, 1 },
    { FK_WRITE, err, ne },
    { FK_READ_CALL },
    { FK_WRITE, pong, np },
    { FK_END },
  };
  struct src src = { .total = SIZE_MAX, .fail_after = 20000 };
  struct proto_args *a = path_args ("/x");
  struct fake_session f;
  struct proto_reply r;

  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_filein (f.p, UPLOAD, 0, a, 0, source, &src,
                                       &r), -2);
  fake_assert_error ("upload cancelled");
  fake_assert_error ("local read failed");
  ck_assert_int_eq (errno, EIO);
  ck_assert_int_eq (r.status, 1);
  proto_reply_free (&r);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  proto_reply_free (&r);
  proto_args_free (a);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* --- FileOut ------------------------------------------------------------ */

struct sink {
  unsigned char buf[65536];
  size_t len;
  size_t fail_after;            /* fail once this much was received */
};

static int
sink (void *opaque, const void *buf, size_t n)
{
  struct sink *s = opaque;

  if (s->len >= s->fail_after) {
    gd_set_error ("disk full");
    errno = ENOSPC;
    return -1;
  }
  ck_assert (s->len + n <= sizeof s->buf);
  memcpy (s->buf + s->len, buf, n);
  s->len += n;
  return 0;
}

struct progress_count {
  int n;
  uint64_t last_pos;
};

static void
on_progress (void *opaque, uint32_t proc, uint32_t serial, uint64_t pos,
             uint64_t total)
{
  struct progress_count *pc = opaque;

  (void) proc;
  (void) serial;
  (void) total;
  pc->n++;
  pc->last_pos = pos;
}

/* Progress records before the reply and between FileOut chunks. */
START_TEST (test_download_progress)
{
  unsigned char rep[64], c1[8300], c2[8300], end[16], pr[3][28];
  static const char d1[] = "hello ", d2[] = "world";
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, pr[0], fake_progress (pr[0], DOWNLOAD, S0, 0, 11) },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c1, fake_chunk (c1, 0, d1, 6) },
    { FK_WRITE, pr[1], fake_progress (pr[1], DOWNLOAD, S0, 6, 11) },
    { FK_WRITE, c2, fake_chunk (c2, 0, d2, 5) },
    { FK_WRITE, pr[2], fake_progress (pr[2], DOWNLOAD, S0, 11, 11) },
    { FK_WRITE, end, fake_chunk (end, 0, NULL, 0) },
    { FK_END },
  };
  struct sink *s = calloc (1, sizeof *s);
  struct progress_count pc = { 0, 0 };
  struct proto_args *a = path_args ("/hello.txt");
  struct fake_session f;
  struct proto_reply r;

  s->fail_after = SIZE_MAX;
  fake_session_start (&f, steps);
  proto_set_progress (f.p, on_progress, &pc);
  ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, a, sink, s, &r), 0);
  ck_assert_int_eq (r.status, 0);
  ck_assert_int_eq (s->len, 11);
  ck_assert (memcmp (s->buf, "hello world", 11) == 0);
  ck_assert_int_eq (pc.n, 3);
  ck_assert_int_eq (pc.last_pos, 11);
  ck_assert_int_eq (proto_get_stats (f.p, DOWNLOAD)->chunks_in, 3);
  proto_reply_free (&r);
  proto_args_free (a);
  free (s);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* Sink cancel (s06): a bare cancel word goes out, the chunks already on
 * the way are drained up to the daemon's cancel chunk; no reply follows
 * and the next call is in sync.
 */
START_TEST (test_download_sink_cancel)
{
  static unsigned char data[8192];
  static unsigned char c[8300], cc[16];
  unsigned char rep[64], pong[64];
  size_t nc = fake_chunk (c, 0, data, sizeof data);
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c, nc },
    { FK_WRITE, c, nc },
    { FK_EXPECT, cancel_word, 4 },
    { FK_WRITE, c, nc },        /* already in flight */
    { FK_WRITE, cc, fake_chunk (cc, 1, NULL, 0) },
    { FK_READ_CALL },
    { FK_WRITE, pong, fake_ok_reply (pong, PING, S0 + 1) },
    { FK_END },
  };
  struct sink *s = calloc (1, sizeof *s);
  struct proto_args *a = path_args ("/big");
  struct fake_session f;
  struct proto_reply r;

  s->fail_after = 8192;
  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, a, sink, s, &r), -2);
  fake_assert_error ("download cancelled");
  fake_assert_error ("disk full");
  ck_assert_int_eq (errno, ENOSPC);
  ck_assert_int_eq (s->len, 8192);
  proto_reply_free (&r);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  proto_reply_free (&r);
  proto_args_free (a);
  free (s);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* Daemon failure during a download: a cancel chunk and no reply. */
START_TEST (test_download_daemon_failure)
{
  static unsigned char c[8300];
  unsigned char rep[64], cc[16], pong[64];
  struct fake_step steps[] = {
    { FK_READ_CALL },
    { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
    { FK_WRITE, c, fake_chunk (c, 0, "abc", 3) },
    { FK_WRITE, cc, fake_chunk (cc, 1, NULL, 0) },
    { FK_READ_CALL },
    { FK_WRITE, pong, fake_ok_reply (pong, PING, S0 + 1) },
    { FK_END },
  };
  struct sink *s = calloc (1, sizeof *s);
  struct proto_args *a = path_args ("/f");
  struct fake_session f;
  struct proto_reply r;

  s->fail_after = SIZE_MAX;
  fake_session_start (&f, steps);
  ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, a, sink, s, &r), -2);
  fake_assert_error ("download failed in the appliance");
  ck_assert_int_eq (errno, EIO);
  proto_reply_free (&r);
  ck_assert_int_eq (proto_call (f.p, PING, 0, NULL, &r), 0);
  proto_reply_free (&r);
  proto_args_free (a);
  free (s);
  ck_assert_int_eq (fake_session_finish (&f), 0);
}
END_TEST

/* A chunk whose data length exceeds 8192 or disagrees with its frame. */
START_TEST (test_download_bad_chunk)
{
  static const unsigned char big[] = {
    0x00, 0x00, 0x20, 0x0c,  0, 0, 0, 0,  0x00, 0x00, 0x20, 0x04,
  };
  static const unsigned char mismatch[] = {
    0x00, 0x00, 0x00, 0x10,  0, 0, 0, 0,  0, 0, 0, 3,
  };
  const unsigned char *bad[2] = { big, mismatch };
  const char *msg[2] = { "chunk length word 8204 is outside 8..8200",
                         "chunk data length 3 does not fit its length word 16" };

  for (int i = 0; i < 2; i++) {
    unsigned char rep[64];
    struct fake_step steps[] = {
      { FK_READ_CALL },
      { FK_WRITE, rep, fake_ok_reply (rep, DOWNLOAD, S0) },
      { FK_WRITE, bad[i], 12 },
      { FK_WAIT_EOF },
      { FK_END },
    };
    struct sink *s = calloc (1, sizeof *s);
    struct proto_args *a = path_args ("/f");
    struct fake_session f;
    struct proto_reply r;

    s->fail_after = SIZE_MAX;
    fake_session_start (&f, steps);
    ck_assert_int_eq (proto_call_fileout (f.p, DOWNLOAD, 0, a, sink, s, &r), -1);
    fake_assert_error (msg[i]);
    proto_reply_free (&r);
    proto_args_free (a);
    free (s);
    ck_assert_int_eq (fake_session_finish (&f), 0);
  }
}
END_TEST

/* --- Replay ------------------------------------------------------------- */

/* Replay s01_basic: the fake daemon sends the captured D->C stream, we
 * make the same calls, and our C->D bytes must equal the captured ones.
 */
static unsigned char *
load_stream (const char *name, int dir, size_t *len)
{
  const char *d = getenv ("GUESTDRV_CAPTURES");
  char path[4096];
  unsigned char hdr[13], *s = NULL;
  FILE *fp;

  snprintf (path, sizeof path, "%s/%s",
            d, name);
  fp = fopen (path, "rb");
  ck_assert_msg (fp != NULL, "%s: %s (GUESTDRV_SKIP_CAPTURES=1 to skip)",
                 path, strerror (errno));
  ck_assert (fread (hdr, 1, 8, fp) == 8);
  *len = 0;
  while (fread (hdr, 1, 13, fp) == 13) {
    uint32_t n = (uint32_t) hdr[9] << 24 | hdr[10] << 16 | hdr[11] << 8 | hdr[12];

    if (hdr[0] == (dir ? 'D' : 'C')) {
      s = realloc (s, *len + n + 1);
      ck_assert (fread (s + *len, 1, n, fp) == n);
      *len += n;
    }
    else
      ck_assert (fseek (fp, n, SEEK_CUR) == 0);
  }
  fclose (fp);
  return s;
}

static void
call_ok (struct proto *p, uint32_t proc, struct proto_args *a,
         struct proto_reply *r)
{
  ck_assert_msg (proto_call (p, proc, 0, a, r) == 0, "%s: %s",
                 proto_proc_name (proc), gd_get_error ());
  ck_assert_int_eq (r->status, 0);
  proto_args_free (a);
}

START_TEST (test_replay_s01)
{
  const char *skip = getenv ("GUESTDRV_SKIP_CAPTURES");
  size_t clen, dlen;
  unsigned char *c, *d;
  struct fake_session f;
  struct proto_reply r;
  struct progress_count pc = { 0, 0 };
  struct proto_args *a;
  char **strv, *s;
  int64_t size;

  /* The golden captures are outside the tree: only when given. */
  if ((skip && strcmp (skip, "1") == 0) || !getenv ("GUESTDRV_CAPTURES") ||
      !*getenv ("GUESTDRV_CAPTURES"))
    return;
  c = load_stream ("s01_basic.cap", 0, &clen);
  d = load_stream ("s01_basic.cap", 1, &dlen);
  {
    struct fake_step steps[] = {
      { FK_WRITE, d, dlen },
      { FK_EXPECT, c, clen },
      { FK_END },
    };

    fake_session_start (&f, steps);
  }
  proto_set_progress (f.p, on_progress, &pc);
  ck_assert_int_eq (channel_wait_launch_flag (f.ch, 1000), 0);
  call_ok (f.p, 92, NULL, &r);                          /* ping_daemon */
  proto_reply_free (&r);
  call_ok (f.p, 7, NULL, &r);                           /* list_devices */
  ck_assert_int_eq (proto_ret_string_list (&r, &strv), 0);
  ck_assert_str_eq (strv[0], "/dev/sda");
  ck_assert_ptr_null (strv[1]);
  free (strv[0]);
  free (strv);
  proto_reply_free (&r);
  call_ok (f.p, 8, NULL, &r);                           /* list_partitions */
  ck_assert_int_eq (proto_ret_string_list (&r, &strv), 0);
  ck_assert_ptr_null (strv[0]);
  free (strv);
  proto_reply_free (&r);
  a = path_args ("/dev/sda");
  call_ok (f.p, 63, a, &r);                             /* blockdev_getsize64 */
  ck_assert_int_eq (proto_ret_int64 (&r, &size), 0);
  ck_assert_int_eq (size, 64 * 1024 * 1024);
  proto_reply_free (&r);
  {
    char *help[] = { NULL };    /* guestfish sent `debug help ""` as [] */
    char *prog[] = { "3", NULL };

    a = path_args ("help");
    ck_assert (proto_args_string_list (a, help) == 0);
    call_ok (f.p, 76, a, &r);                           /* debug help "" */
    ck_assert_int_eq (proto_ret_string (&r, &s), 0);
    ck_assert (strstr (s, "progress") != NULL);
    free (s);
    proto_reply_free (&r);
    a = path_args ("progress");
    ck_assert (proto_args_string_list (a, prog) == 0);
    call_ok (f.p, 76, a, &r);                           /* debug progress 3 */
    proto_reply_free (&r);
    ck_assert_int_eq (pc.n, 4);
    ck_assert_int_eq (pc.last_pos, 30);
  }
  a = proto_args_new ();
  ck_assert (proto_args_int (a, 3) == 0);
  call_ok (f.p, 90, a, &r);                             /* drop_caches 3 */
  proto_reply_free (&r);
  call_ok (f.p, 64, path_args ("/dev/sda"), &r);        /* blockdev_flushbufs */
  proto_reply_free (&r);
  call_ok (f.p, 47, NULL, &r);                          /* umount_all */
  proto_reply_free (&r);
  call_ok (f.p, 2, NULL, &r);                           /* sync */
  proto_reply_free (&r);
  call_ok (f.p, 282, NULL, &r);                         /* internal_autosync */
  proto_reply_free (&r);
  ck_assert_int_eq (proto_get_stats (f.p, 76)->calls, 2);
  ck_assert_int_eq (channel_get_stats (f.ch)->bytes_out, clen);
  ck_assert_int_eq (fake_session_finish (&f), 0);  /* the daemon compared our bytes */
  free (c);
  free (d);
}
END_TEST

static Suite *
fake_daemon_suite (void)
{
  Suite *s = suite_create ("proto-fake-daemon");
  TCase *tc = tcase_create ("misbehaviour");
  TCase *tf = tcase_create ("transfers");

  tcase_add_test (tc, test_ping_ok);
  tcase_add_test (tc, test_len_over_max);
  tcase_add_test (tc, test_len_under_header);
  tcase_add_test (tc, test_len_exactly_max);
  tcase_add_test (tc, test_len_max_minus_one);
  tcase_add_test (tc, test_truncated_then_eof);
  tcase_add_test (tc, test_eof_before_reply);
  tcase_add_test (tc, test_wrong_serial);
  tcase_add_test (tc, test_wrong_proc);
  tcase_add_test (tc, test_wrong_program);
  tcase_add_test (tc, test_bad_status);
  tcase_add_test (tc, test_errno_33);
  tcase_add_test (tc, test_error_at_limits);
  tcase_add_test (tc, test_error_message_too_long);
  tcase_add_test (tc, test_garbage);
  tcase_add_test (tc, test_silence_times_out);
  tcase_add_test (tc, test_hypervisor_exit);
  tcase_add_test (tc, test_launch_flag);
  suite_add_tcase (s, tc);

  tcase_add_test (tf, test_upload_ok);
  tcase_add_test (tf, test_upload_daemon_cancel);
  tcase_add_test (tf, test_upload_cancel_after_end);
  tcase_add_test (tf, test_upload_user_cancel);
  tcase_add_test (tf, test_download_progress);
  tcase_add_test (tf, test_download_sink_cancel);
  tcase_add_test (tf, test_download_daemon_failure);
  tcase_add_test (tf, test_download_bad_chunk);
  tcase_add_test (tf, test_replay_s01);
  suite_add_tcase (s, tf);
  return s;
}

int
main (void)
{
  return unit_run_suite (fake_daemon_suite ());
}
