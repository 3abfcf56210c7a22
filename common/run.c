/* Bounded host commands (see run.h). */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "clock.h"
#include "error.h"

#define OUTPUT_MAX (1024 * 1024)

static void
append_output (char *buf, size_t *len, const char *data, size_t n)
{
  if (n >= OUTPUT_MAX) {
    data += n - OUTPUT_MAX;
    n = OUTPUT_MAX;
  }
  if (*len + n > OUTPUT_MAX) {          /* keep the tail */
    size_t drop = *len + n - OUTPUT_MAX;
    memmove (buf, buf + drop, *len - drop);
    *len -= drop;
  }
  memcpy (buf + *len, data, n);
  *len += n;
}

int
gd_run (char *const argv[], char *const env_add[], int timeout_ms,
        char **output)
{
  int pfd[2];
  pid_t pid;
  char *buf = NULL;
  size_t len = 0;
  uint64_t deadline = gd_now_ns () + (uint64_t) timeout_ms * 1000000;
  int status, timed_out = 0;

  if (pipe2 (pfd, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    return -1;
  }
  buf = malloc (OUTPUT_MAX + 1);
  if (!buf) {
    gd_set_error_errno ("malloc");
    close (pfd[0]); close (pfd[1]);
    return -1;
  }
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("fork");
    close (pfd[0]); close (pfd[1]);
    free (buf);
    return -1;
  }
  if (pid == 0) {
    int nullfd = open ("/dev/null", O_RDONLY);
    setpgid (0, 0);
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    signal (SIGPIPE, SIG_DFL);
    if (nullfd >= 0)
      dup2 (nullfd, 0);
    dup2 (pfd[1], 1);
    dup2 (pfd[1], 2);
    for (size_t i = 0; env_add && env_add[i]; i++)
      putenv (env_add[i]);
    execvp (argv[0], argv);
    fprintf (stderr, "%s: %m\n", argv[0]);
    _exit (127);
  }
  setpgid (pid, pid);
  close (pfd[1]);

  for (;;) {
    char tmp[8192];
    struct pollfd p = { .fd = pfd[0], .events = POLLIN };
    int64_t left = (int64_t) (deadline - gd_now_ns ()) / 1000000;
    ssize_t r;

    if (left <= 0) {
      timed_out = 1;
      break;
    }
    if (poll (&p, 1, left > 1000 ? 1000 : (int) left) == -1) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (!p.revents)
      continue;
    r = read (pfd[0], tmp, sizeof tmp);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    append_output (buf, &len, tmp, r);
  }
  close (pfd[0]);
  if (timed_out)
    kill (-pid, SIGKILL);
  /* Output closed: the command is finishing.  Bound the reap as well. */
  for (;;) {
    pid_t w = waitpid (pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (w == -1 && errno != EINTR) {
      gd_set_error_errno ("waitpid");
      free (buf);
      return -1;
    }
    if (gd_now_ns () > deadline && !timed_out) {
      timed_out = 1;
      kill (-pid, SIGKILL);
    }
    usleep (10000);
  }
  kill (-pid, SIGKILL);         /* leftovers of the group, if any */
  buf[len] = '\0';
  if (output)
    *output = buf;
  else
    free (buf);

  if (timed_out) {
    gd_set_error ("%s: timed out after %d s", argv[0], timeout_ms / 1000);
    errno = ETIMEDOUT;
    return -1;
  }
  if (WIFSIGNALED (status)) {
    gd_set_error ("%s: killed by signal %d", argv[0], WTERMSIG (status));
    return -1;
  }
  return WEXITSTATUS (status);
}

char *
gd_argv_to_string (char *const argv[])
{
  size_t cap = 1, i;
  char *s, *p;

  for (i = 0; argv[i]; i++)
    cap += strlen (argv[i]) * 4 + 3;
  s = p = malloc (cap);
  if (!s)
    return NULL;
  for (i = 0; argv[i]; i++) {
    const char *a = argv[i];
    int plain = *a != '\0' && strspn (a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+,./:@%") == strlen (a);
    if (i)
      *p++ = ' ';
    if (plain) {
      p = stpcpy (p, a);
      continue;
    }
    *p++ = '\'';
    for (; *a; a++) {
      if (*a == '\'')
        p = stpcpy (p, "'\\''");
      else
        *p++ = *a;
    }
    *p++ = '\'';
  }
  *p = '\0';
  return s;
}
