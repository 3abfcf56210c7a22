/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotpath-bench: the cost of tracing on the host's hot path alone, with
 * no VM noise.  Uploads SIZE bytes through a socketpair to the scripted
 * fake daemon of the unit tests, ROUNDS times with every layer traced
 * and ROUNDS times untraced, interleaved (on off off on ...), and prints
 * the medians of wall time and of this thread's CPU time.
 *
 *   tests/perf/hotpath-bench [SIZE_MB [ROUNDS]]     (default 256 MiB, 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "channel/channel.h"
#include "common/clock.h"
#include "common/error.h"
#include "protocol/proto.h"
#include "tests/unit/fake-daemon.h"
#include "trace/trace.h"

#include "protocol/proc-numbers.h"
#define FIRST_SERIAL 0x00123400u

static uint64_t
thread_cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct src { uint64_t left; };

static ssize_t
source (void *opaque, void *buf, size_t n)
{
  struct src *s = opaque;

  if (n > s->left)
    n = s->left;
  memset (buf, 0xa5, n);
  s->left -= n;
  return n;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  uint64_t size = (argc > 1 ? strtoull (argv[1], NULL, 0) : 256) << 20;
  int rounds = argc > 2 ? atoi (argv[2]) : 5, n = 2 * rounds, i;
  struct fake_step *steps = calloc (3 * n + 2, sizeof *steps);
  unsigned char (*replies)[64] = calloc (n, 64);
  double *wall[2], *cpu[2];
  int nk[2] = { 0, 0 };
  struct channel *ch;
  struct proto *p;
  int sv[2];
  pid_t pid;

  if (rounds < 1 || !steps || !replies ||
      socketpair (AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
    fprintf (stderr, "hotpath-bench: usage: hotpath-bench [SIZE_MB [ROUNDS]]\n");
    return 1;
  }
  for (int k = 0; k < 2; k++) {
    wall[k] = calloc (rounds, sizeof (double));
    cpu[k] = calloc (rounds, sizeof (double));
  }
  for (i = 0; i < n; i++) {
    size_t len = fake_reply (replies[i], 64, PROTO_PROGRAM, PROC_UPLOAD,
                             FIRST_SERIAL + i, 0, NULL, NULL, NULL, 0);
    steps[3 * i] = (struct fake_step) { FK_READ_CALL, NULL, 0, 0 };
    steps[3 * i + 1] = (struct fake_step) { FK_READ_CHUNKS, NULL, size, 0 };
    steps[3 * i + 2] = (struct fake_step) { FK_WRITE, replies[i], len, 0 };
  }
  steps[3 * n] = (struct fake_step) { FK_WAIT_EOF, NULL, 0, 0 };
  steps[3 * n + 1] = (struct fake_step) { FK_END, NULL, 0, 0 };
  pid = fake_daemon_start (sv[1], sv[0], steps);
  ch = channel_from_fds (sv[0], sv[0], "bench");
  p = ch ? proto_new (ch) : NULL;
  if (!p) {
    fprintf (stderr, "hotpath-bench: %s\n", gd_get_error ());
    return 1;
  }
  gd_clock_init ();
  for (i = 0; i < n; i++) {
    /* on off off on on off ...: each mode first half the time. */
    int on = (i % 4 == 0 || i % 4 == 3);
    struct proto_args *a = proto_args_new ();
    struct proto_reply r;
    struct src s = { size };
    uint64_t t0, c0;

    trace_mask = on ? (1u << TL_NLAYERS) - 1 : 0;
    proto_args_string (a, "/f");
    t0 = gd_now_ns ();
    c0 = thread_cpu_ns ();
    if (proto_call_filein (p, PROC_UPLOAD, 0, a, size, source, &s, &r) != 0 ||
        r.status != 0) {
      fprintf (stderr, "hotpath-bench: upload: %s\n", gd_get_error ());
      return 1;
    }
    cpu[on][nk[on]] = (thread_cpu_ns () - c0) / 1e9;
    wall[on][nk[on]++] = (gd_now_ns () - t0) / 1e9;
    printf ("round %2d %-3s wall %.3f s  cpu %.3f s\n", i + 1, on ? "on" : "off",
            wall[on][nk[on] - 1], cpu[on][nk[on] - 1]);
    proto_reply_free (&r);
    proto_args_free (a);
    trace_mask = 0;
    trace_reset ();
  }
  proto_free (p);
  channel_close (ch);
  if (fake_daemon_wait (pid) != 0) {
    fprintf (stderr, "hotpath-bench: the fake daemon failed\n");
    return 1;
  }
  {
    double w1 = median (wall[1], rounds), w0 = median (wall[0], rounds);
    double c1 = median (cpu[1], rounds), c0 = median (cpu[0], rounds);
    printf ("%llu MiB upload over a socketpair, median of %d:\n"
            "  wall: traced %.3f s, untraced %.3f s, ratio %.3f\n"
            "  host CPU (this thread): traced %.3f s, untraced %.3f s, ratio %.3f\n",
            (unsigned long long) (size >> 20), rounds, w1, w0, w1 / w0, c1, c0, c1 / c0);
  }
  for (int k = 0; k < 2; k++) {
    free (wall[k]);
    free (cpu[k]);
  }
  free (steps);
  free (replies);
  return 0;
}
