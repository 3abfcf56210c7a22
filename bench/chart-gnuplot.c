/* Running gnuplot on the chart script (see chart.h): found in $PATH,
 * in its own process group, bounded by a timeout, the tail of its output
 * kept for the error message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "chart.h"
#include "../common/clock.h"
#include "../common/error.h"

int
chart_gnuplot_available (const char *prog)
{
  const char *path = getenv ("PATH"), *p;

  if (prog == NULL)
    prog = "gnuplot";
  if (strchr (prog, '/'))
    return access (prog, X_OK) == 0;
  if (path == NULL)
    path = "/usr/bin:/bin";
  for (p = path; ; ) {
    size_t len = strcspn (p, ":");
    char buf[4096];

    snprintf (buf, sizeof buf, "%.*s/%s", (int) (len ? len : 1),
              len ? p : ".", prog);
    if (access (buf, X_OK) == 0)
      return 1;
    if (p[len] == '\0')
      return 0;
    p += len + 1;
  }
}

/* Keep the tail of gnuplot's output for the error message. */
static void
keep_tail (char *tail, size_t cap, size_t *len, const char *buf, size_t n)
{
  if (n >= cap - 1) {
    buf += n - (cap - 1);
    n = cap - 1;
  }
  if (*len + n > cap - 1) {
    size_t drop = *len + n - (cap - 1);
    memmove (tail, tail + drop, *len - drop);
    *len -= drop;
  }
  memcpy (tail + *len, buf, n);
  *len += n;
  tail[*len] = '\0';
}

/* Run PROG CHART_SCRIPT_NAME in OUTDIR within TIMEOUT_S seconds. */
static int
run_gnuplot (const char *prog, const char *outdir, double timeout_s)
{
  int out[2], errp[2], status, child_errno = 0;
  char tail[1024] = "", buf[512];
  size_t tail_len = 0;
  uint64_t deadline;
  ssize_t n;
  pid_t pid, w;
  int timed_out = 0;

  if (pipe2 (out, O_CLOEXEC) == -1) {
    gd_set_error_errno ("chart: pipe2");
    return -1;
  }
  /* The child reports a failed exec on this pipe; a successful exec
   * closes it (O_CLOEXEC) and the parent reads EOF.
   */
  if (pipe2 (errp, O_CLOEXEC) == -1) {
    gd_set_error_errno ("chart: pipe2");
    close (out[0]);
    close (out[1]);
    return -1;
  }
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("chart: fork");
    close (out[0]); close (out[1]); close (errp[0]); close (errp[1]);
    return -1;
  }
  if (pid == 0) {
    int fd, e;

    /* Own process group so a timeout kills anything gnuplot started. */
    setpgid (0, 0);
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    fd = open ("/dev/null", O_RDONLY);
    if (fd >= 0)
      dup2 (fd, 0);
    dup2 (out[1], 1);
    dup2 (out[1], 2);
    if (chdir (outdir) == 0)
      execlp (prog, prog, CHART_SCRIPT_NAME, (char *) NULL);
    e = errno;
    if (write (errp[1], &e, sizeof e) == -1)
      _exit (126);
    _exit (127);
  }
  close (out[1]);
  close (errp[1]);
  do
    n = read (errp[0], &child_errno, sizeof child_errno);
  while (n == -1 && errno == EINTR);
  close (errp[0]);
  if (n == (ssize_t) sizeof child_errno) {
    close (out[0]);
    while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
      ;
    errno = child_errno;
    if (errno == ENOENT)
      gd_set_error ("chart: %s not found: install gnuplot (Debian/Ubuntu: "
                    "apt-get install gnuplot-nox) to get PNG charts; the "
                    "script is in %s/" CHART_SCRIPT_NAME, prog, outdir);
    else
      gd_set_error_errno ("chart: cannot run %s in %s", prog, outdir);
    return -1;
  }

  deadline = gd_now_ns () + (uint64_t) (timeout_s * 1e9);
  for (;;) {
    struct pollfd pfd = { .fd = out[0], .events = POLLIN };
    uint64_t now = gd_now_ns ();
    int r;

    if (now >= deadline) {
      timed_out = 1;
      break;
    }
    r = poll (&pfd, 1, (int) ((deadline - now) / 1000000 + 1));
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      continue;                 /* timeout: the loop test ends it */
    n = read (out[0], buf, sizeof buf);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;                    /* EOF: gnuplot is exiting */
    keep_tail (tail, sizeof tail, &tail_len, buf, (size_t) n);
  }
  close (out[0]);

  /* EOF comes just before exit; give the exit until the deadline. */
  while (!timed_out) {
    w = waitpid (pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (w == -1 && errno != EINTR) {
      gd_set_error_errno ("chart: waitpid");
      return -1;
    }
    if (gd_now_ns () >= deadline)
      timed_out = 1;
    else
      usleep (10000);
  }
  if (timed_out) {
    kill (-pid, SIGKILL);
    kill (pid, SIGKILL);
    while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
      ;
    errno = ETIMEDOUT;
    gd_set_error ("chart: %s did not finish within %g s and was killed; "
                  "rerun it by hand in %s to see why", prog, timeout_s,
                  outdir);
    return -1;
  }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    while (tail_len > 0 && tail[tail_len - 1] == '\n')
      tail[--tail_len] = '\0';
    errno = EPROTO;
    if (WIFEXITED (status))
      gd_set_error ("chart: %s %s/" CHART_SCRIPT_NAME " failed (exit %d): %s",
                    prog, outdir, WEXITSTATUS (status),
                    tail_len ? tail : "no output");
    else
      gd_set_error ("chart: %s %s/" CHART_SCRIPT_NAME " killed by signal %d",
                    prog, outdir, WTERMSIG (status));
    return -1;
  }
  return 0;
}

int
chart_write (const struct bench_results *r, const char *outdir,
             const struct chart_options *opt)
{
  const char *prog = opt && opt->gnuplot ? opt->gnuplot : "gnuplot";
  double timeout_s = opt && opt->timeout_s > 0 ? opt->timeout_s
    : CHART_DEFAULT_TIMEOUT_S;

  if (chart_write_script (r, outdir) == -1)
    return -1;
  return run_gnuplot (prog, outdir, timeout_s);
}

