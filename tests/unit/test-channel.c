/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel layer: buffering, full reads and writes through partial
 * transfers, EOF, EPIPE without SIGPIPE, timeouts, Unix socket accept.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel/channel.h"
#include "common/serial-window.h"
#include "common/error.h"

static void
assert_error (const char *needle)
{
  ck_assert_msg (strstr (gd_get_error (), needle) != NULL,
                 "error \"%s\" does not contain \"%s\"", gd_get_error (),
                 needle);
}

static struct channel *
pair (int *peer)
{
  int sv[2];
  struct channel *ch;

  ck_assert (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  ch = channel_from_fds (sv[0], sv[0], "t");
  ck_assert (ch != NULL);
  channel_set_timeout (ch, 2000);
  *peer = sv[1];
  return ch;
}

/* N bytes of the pattern (MUL * i + ADD) mod 256, malloc'd. */
static unsigned char *
pattern (size_t n, unsigned mul, unsigned add)
{
  unsigned char *b = malloc (n);

  ck_assert (b != NULL);
  for (size_t i = 0; i < n; i++)
    b[i] = (mul * i + add) & 0xff;
  return b;
}

/* Many small protocol reads cost one syscall when the data is there. */
START_TEST (test_buffered_reads)
{
  int peer;
  struct channel *ch = pair (&peer);
  unsigned char out[100], in[4];

  for (int i = 0; i < 100; i++)
    out[i] = i;
  ck_assert_int_eq (channel_readable (ch), 0);
  ck_assert (write (peer, out, sizeof out) == sizeof out);
  for (int i = 0; i < 25; i++) {
    ck_assert_int_eq (channel_read_full (ch, in, 4), 0);
    ck_assert (memcmp (in, out + 4 * i, 4) == 0);
    if (i == 0)
      ck_assert_int_eq (channel_buffered (ch), 96);
  }
  /* One probe by channel_readable (EAGAIN), one read for all 25. */
  ck_assert_int_eq (channel_get_stats (ch)->read_calls, 2);
  ck_assert_int_eq (channel_get_stats (ch)->bytes_in, 100);
  ck_assert_int_eq (channel_get_stats (ch)->read_sizes[1], 1);
  ck_assert_int_eq (channel_readable (ch), 0);
  close (peer);
  ck_assert_int_eq (channel_readable (ch), 1);
  ck_assert_int_eq (channel_read_full (ch, in, 1), -1);
  ck_assert_int_eq (errno, EPIPE);
  assert_error ("appliance closed the channel");
  channel_close (ch);
}
END_TEST

/* 4 MiB each way through a 100-piece iovec, with a slow peer: partial
 * writes, EAGAIN and poll on both sides, more pieces than one writev.
 */
START_TEST (test_bulk_roundtrip)
{
  enum { N = 4 << 20, PIECES = 100 };
  int peer;
  struct channel *ch = pair (&peer);
  unsigned char *buf = pattern (N, 31, 7), *back = malloc (N);
  struct iovec iov[PIECES];
  pid_t pid;
  int status;

  pid = fork ();
  ck_assert (pid >= 0);
  if (pid == 0) {               /* read everything slowly, send it back */
    unsigned char *b = malloc (N);
    size_t total = 0;

    while (total < N) {
      ssize_t r = read (peer, b + total, N - total < 3000 ? N - total : 3000);
      if (r <= 0)
        _exit (1);
      total += r;
    }
    for (size_t off = 0; off < N;) {
      ssize_t r = write (peer, b + off, N - off);
      if (r <= 0)
        _exit (2);
      off += r;
    }
    free (b);
    free (buf);
    free (back);
    channel_close (ch);
    _exit (0);
  }
  for (int i = 0; i < PIECES; i++) {
    iov[i].iov_base = buf + (size_t) i * (N / PIECES);
    iov[i].iov_len = i == PIECES - 1 ? N - (size_t) i * (N / PIECES) : N / PIECES;
  }
  ck_assert_int_eq (channel_writev_full (ch, iov, PIECES), 0);
  ck_assert_int_eq (channel_read_full (ch, back, N), 0);
  ck_assert (memcmp (buf, back, N) == 0);
  ck_assert_int_eq (channel_get_stats (ch)->bytes_out, N);
  ck_assert_int_eq (channel_get_stats (ch)->bytes_in, N);
  ck_assert (waitpid (pid, &status, 0) == pid);
  ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  close (peer);
  channel_close (ch);
  free (buf);
  free (back);
}
END_TEST

/* A pipe pair (rfd != wfd); writing to a dead reader is EPIPE, not
 * death by SIGPIPE.
 */
START_TEST (test_pipe_epipe)
{
  int a[2], b[2];
  struct channel *ch;
  char x[4] = "abcd";

  signal (SIGPIPE, SIG_DFL);
  ck_assert (pipe (a) == 0 && pipe (b) == 0);
  ch = channel_from_fds (a[0], b[1], "pipes");
  ck_assert (ch != NULL);
  ck_assert (write (a[1], "hi", 2) == 2);
  ck_assert_int_eq (channel_read_full (ch, x, 2), 0);
  ck_assert (memcmp (x, "hi", 2) == 0);
  close (b[0]);
  ck_assert_int_eq (channel_write_full (ch, x, 4), -1);
  ck_assert_int_eq (errno, EPIPE);
  assert_error ("appliance closed the channel");
  close (a[1]);
  channel_close (ch);
}
END_TEST

START_TEST (test_read_timeout)
{
  int peer;
  struct channel *ch = pair (&peer);
  char c;

  channel_set_timeout (ch, 150);
  ck_assert_int_eq (channel_get_timeout (ch), 150);
  ck_assert_int_eq (channel_read_full (ch, &c, 1), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  assert_error ("no progress for 150 ms");
  close (peer);
  channel_close (ch);
}
END_TEST

START_TEST (test_unix_accept)
{
  char dir[] = "/tmp/gdchanXXXXXX", path[64];
  struct sockaddr_un { sa_family_t f; char p[108]; } addr = { AF_UNIX, "" };
  struct channel *ch;
  int lfd, cfd, wp[2];

  ck_assert (mkdtemp (dir) != NULL);
  snprintf (path, sizeof path, "%s/sock", dir);
  lfd = channel_listen_unix (path);
  ck_assert_int_ge (lfd, 0);

  /* Nobody connects: timeout. */
  ck_assert_ptr_null (channel_accept_unix (lfd, 100, -1, "u"));
  ck_assert_int_eq (errno, ETIMEDOUT);
  assert_error ("did not connect");

  /* The hypervisor dies while we wait. */
  ck_assert (pipe (wp) == 0);
  close (wp[1]);
  ck_assert_ptr_null (channel_accept_unix (lfd, 5000, wp[0], "u"));
  assert_error ("hypervisor exited");
  close (wp[0]);

  cfd = socket (AF_UNIX, SOCK_STREAM, 0);
  strcpy (addr.p, path);
  ck_assert (connect (cfd, (struct sockaddr *) &addr, sizeof addr) == 0);
  ch = channel_accept_unix (lfd, 1000, -1, "u");
  ck_assert_ptr_nonnull (ch);
  ck_assert_str_eq (channel_name (ch), "u");
  ck_assert (write (cfd, "\xf5\xf5\x5f\xf5", 4) == 4);
  ck_assert_int_eq (channel_wait_launch_flag (ch, 1000), 0);
  ck_assert_int_eq (channel_write_full (ch, "ok", 2), 0);
  {
    char b[2];
    ck_assert (read (cfd, b, 2) == 2 && memcmp (b, "ok", 2) == 0);
  }
  channel_close (ch);
  close (cfd);
  close (lfd);
  unlink (path);
  rmdir (dir);
}
END_TEST


/* A channel with the serial-line window, and the guest's two ends. */
static struct channel *
window_pair (int *data_peer, int *ack_peer)
{
  struct channel *ch = pair (data_peer);
  int sv[2];

  ck_assert (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  ck_assert_int_eq (channel_set_window (ch, sv[0], SERIAL_WINDOW_UNIT,
                                        SERIAL_WINDOW_BYTES), 0);
  *ack_peer = sv[1];
  return ch;
}

/* 1 MiB through the window to a guest that acknowledges late: the guest
 * checks at every step that it was never offered more than the window
 * beyond what it acknowledged.
 */
START_TEST (test_window_bounds)
{
  enum { N = 1 << 20 };
  int peer, ack;
  struct channel *ch = window_pair (&peer, &ack);
  unsigned char *buf = pattern (N, 13, 1);
  pid_t pid;
  int status;

  pid = fork ();
  ck_assert (pid >= 0);
  if (pid == 0) {
    unsigned char b[1000];
    size_t got = 0, acked = 0;

    while (got < N) {
      int queued = 0;
      ssize_t r;

      usleep (got % 7 == 0 ? 2000 : 0);     /* let the window fill */
      ioctl (peer, FIONREAD, &queued);
      if (got + queued > acked * SERIAL_WINDOW_UNIT + SERIAL_WINDOW_BYTES)
        _exit (3);                          /* more than the window */
      r = read (peer, b, sizeof b);
      if (r <= 0)
        _exit (1);
      for (ssize_t i = 0; i < r; i++)
        if (b[i] != ((13 * (got + i) + 1) & 0xff))
          _exit (4);
      got += r;
      while (acked < got / SERIAL_WINDOW_UNIT) {
        unsigned char a = SERIAL_WINDOW_ACK;
        if (write (ack, &a, 1) != 1)
          _exit (2);
        acked++;
      }
    }
    free (buf);                 /* for valgrind's leak check at exit */
    channel_close (ch);
    _exit (0);
  }
  ck_assert_int_eq (channel_write_full (ch, buf, N), 0);
  ck_assert (waitpid (pid, &status, 0) == pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "guest side failed with status %d", status);
  ck_assert_int_eq (channel_get_stats (ch)->bytes_out, N);
  ck_assert (channel_get_stats (ch)->window_waits > 0);
  ck_assert (channel_get_stats (ch)->acks >= (N - SERIAL_WINDOW_BYTES) / SERIAL_WINDOW_UNIT);
  close (peer);
  close (ack);
  channel_close (ch);
  free (buf);
}
END_TEST

/* The ack line is untrusted: a guest that never acknowledges is an idle
 * timeout, a wrong byte or an ack for bytes never sent is an error.
 */
START_TEST (test_window_bad_acks)
{
  static unsigned char buf[2 * SERIAL_WINDOW_BYTES];
  int peer, ack;
  struct channel *ch = window_pair (&peer, &ack);
  unsigned char junk = 'x', many[16];

  channel_set_timeout (ch, 300);
  ck_assert_int_eq (channel_write_full (ch, buf, sizeof buf), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  assert_error ("serial-line window");
  ck_assert_int_eq (channel_get_stats (ch)->bytes_out, SERIAL_WINDOW_BYTES);
  close (peer); close (ack);
  channel_close (ch);

  ch = window_pair (&peer, &ack);
  ck_assert (write (ack, &junk, 1) == 1);
  ck_assert_int_eq (channel_write_full (ch, buf, 10), -1);
  ck_assert_int_eq (errno, EPROTO);
  assert_error ("unexpected byte 0x78");
  close (peer); close (ack);
  channel_close (ch);

  ch = window_pair (&peer, &ack);
  ck_assert_int_eq (channel_write_full (ch, buf, SERIAL_WINDOW_UNIT), 0);
  memset (many, SERIAL_WINDOW_ACK, sizeof many);
  ck_assert (write (ack, many, 2) == 2);
  ck_assert_int_eq (channel_write_full (ch, buf, 10), -1);
  ck_assert_int_eq (errno, EPROTO);
  assert_error ("only 512 were sent");
  close (peer); close (ack);
  channel_close (ch);

  /* The guest closing the ack line is the appliance going away. */
  ch = window_pair (&peer, &ack);
  close (ack);
  ck_assert_int_eq (channel_write_full (ch, buf, 10), -1);
  ck_assert_int_eq (errno, EPIPE);
  close (peer);
  channel_close (ch);
}
END_TEST

static int
open_pty (char *slave, size_t n)
{
  int m = posix_openpt (O_RDWR | O_NOCTTY);

  ck_assert (m >= 0);
  ck_assert (grantpt (m) == 0 && unlockpt (m) == 0);
  ck_assert (ptsname_r (m, slave, n) == 0);
  return m;
}

/* Both halves for real, without UML: the relay the appliance runs
 * (guest/guestdrv-relay) on two ptys standing in for ttyS1 and ttyS2,
 * with a shell as the daemon (it says R, takes 1 MiB from fd 3 into a
 * file, sends the file back, then waits for one byte before it exits),
 * and the host channel with its window on the pty
 * masters.  Ptys are ttys with the same n_tty
 * buffer, so the relay's raw mode and acknowledgements are exercised.
 */
START_TEST (test_window_relay)
{
  enum { N = 1 << 20 };
  const char *relay = getenv ("GUESTDRV_RELAY");
  char data_tty[64], ack_tty[64];
  int dm, am;
  unsigned char *buf = pattern (N, 167, 13), *back = malloc (N);
  struct channel *ch;
  pid_t pid;
  int status;

  char tmp[] = "/tmp/guestdrv-relay-test.XXXXXX";
  int tfd = mkstemp (tmp);

  ck_assert (tfd >= 0);
  close (tfd);
  if (!relay)
    relay = "guest/guestdrv-relay";
  ck_assert_msg (access (relay, X_OK) == 0, "%s: not built", relay);
  dm = open_pty (data_tty, sizeof data_tty);
  am = open_pty (ack_tty, sizeof ack_tty);
  pid = fork ();
  ck_assert (pid >= 0);
  if (pid == 0) {
    execl (relay, relay, data_tty, ack_tty, "sh", "-c",
           "printf R >&3 && head -c 1048576 <&3 >\"$0\" && "
           "cat \"$0\" >&3 && rm \"$0\" && head -c 1 <&3 >/dev/null",
           tmp, (char *) NULL);
    _exit (127);
  }
  ch = channel_from_fds (dm, dm, "pty");
  ck_assert (ch != NULL);
  /* An idle limit for a hang, not a speed test: 5 s was hit once with
   * the machine's load at 4 (a shell, head and cat start in between).
   */
  channel_set_timeout (ch, 20000);
  ck_assert_int_eq (channel_set_window (ch, am, SERIAL_WINDOW_UNIT,
                                        SERIAL_WINDOW_BYTES), 0);
  /* Like guestfsd's launch flag: the relay has made the lines raw
   * before its daemon can say anything.  Then 1 MiB there and back:
   * every byte value, 8-bit clean (a tty not in raw mode would translate
   * CR/LF, echo, and hold back a line).
   */
  ck_assert_int_eq (channel_read_full (ch, back, 1), 0);
  ck_assert_int_eq (back[0], 'R');
  ck_assert_int_eq (channel_write_full (ch, buf, N), 0);
  ck_assert_int_eq (channel_read_full (ch, back, N), 0);
  ck_assert (memcmp (buf, back, N) == 0);
  /* Only now may the daemon, and so the relay, exit: once the last slave
   * fd of a pty is closed, a read of the master fails with EIO even
   * while bytes written before the close are still on their way (the
   * round trip failed so about one time in four on the loaded machine).
   */
  ck_assert_int_eq (channel_write_full (ch, "Q", 1), 0);
  /* Acks are collected while writing: the last window's may still be
   * on the way.
   */
  ck_assert (channel_get_stats (ch)->acks >=
             (N - SERIAL_WINDOW_BYTES) / SERIAL_WINDOW_UNIT);
  /* The daemon has exited: the relay passes on its status. */
  ck_assert (waitpid (pid, &status, 0) == pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "relay exit status %d", status);
  ck_assert (access (tmp, F_OK) == -1);
  channel_close (ch);
  free (buf);
  free (back);
}
END_TEST

static Suite *
channel_suite (void)
{
  Suite *s = suite_create ("channel");
  TCase *tc = tcase_create ("channel");

  tcase_add_test (tc, test_buffered_reads);
  tcase_add_test (tc, test_bulk_roundtrip);
  tcase_add_test (tc, test_pipe_epipe);
  tcase_add_test (tc, test_read_timeout);
  tcase_add_test (tc, test_unix_accept);
  tcase_add_test (tc, test_window_bounds);
  tcase_add_test (tc, test_window_bad_acks);
  tcase_add_test (tc, test_window_relay);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (channel_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
