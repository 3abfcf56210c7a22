/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child processes (see run.h): spawn, bounded wait and kill, and the
 * run-to-completion wrapper with its output tail.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "clock.h"
#include "error.h"

#define OUTPUT_MAX_DEFAULT (1024 * 1024)
#define REAP_AFTER_KILL_MS 10000

/* Make FD the child's TO (fd TO stays open across exec). */
static void
child_dup (int fd, int to)
{
  if (fd == to)
    fcntl (fd, F_SETFD, fcntl (fd, F_GETFD) & ~FD_CLOEXEC);
  else
    dup2 (fd, to);
}

/* In the child after fork: set up, then exec or run FN.  Reports a
 * failure before or at exec as an errno on ERRFD.
 */
static void __attribute__((noreturn))
child_start (const struct gd_spawn *s, int out_w, int errfd, pid_t parent)
{
  static const int dfl[] = { SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD };
  int nullfd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  sigset_t none;
  int e;

  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)     /* the parent died before prctl */
    _exit (127);
  for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
    signal (dfl[i], SIG_DFL);
  signal (SIGINT, s->flags & GD_SPAWN_IGNORE_SIGINT ? SIG_IGN : SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  child_dup (s->flags & GD_SPAWN_STDIN ? s->stdin_fd : nullfd, 0);
  if (s->flags & GD_SPAWN_OUT_PIPE)
    ;
  else if (s->flags & GD_SPAWN_OUT_FD)
    out_w = s->out_fd;
  else if (s->flags & GD_SPAWN_OUT_INHERIT)
    out_w = -1;
  else
    out_w = nullfd;
  if (out_w >= 0) {
    child_dup (out_w, 1);
    if (s->flags & GD_SPAWN_STDERR_NULL)
      child_dup (nullfd, 2);
    else if (!(s->flags & GD_SPAWN_STDERR_INHERIT) || out_w == nullfd)
      child_dup (out_w, 2);
  }
  for (size_t i = 0; i < s->nkeep; i++)
    fcntl (s->keep_fds[i], F_SETFD,
           fcntl (s->keep_fds[i], F_GETFD) & ~FD_CLOEXEC);
  for (size_t i = 0; s->env_add && s->env_add[i]; i++) {
    if (strchr (s->env_add[i], '='))
      putenv (s->env_add[i]);
    else
      unsetenv (s->env_add[i]);
  }
  if (s->cwd && chdir (s->cwd) == -1)
    goto fail;
  if (s->child_setup)
    s->child_setup (s->setup_arg);
  if (s->fn) {
    close (errfd);
    _exit (s->fn (s->arg));
  }
  execvp (s->argv[0], s->argv);
 fail:
  e = errno;
  if (write (errfd, &e, sizeof e) == -1)
    _exit (126);
  _exit (127);
}

static const char *
child_name (const struct gd_spawn *s)
{
  return s->argv ? s->argv[0] : "child";
}

int
gd_child_spawn (const struct gd_spawn *s, struct gd_child *c)
{
  int out[2] = { -1, -1 }, errp[2], child_errno = 0;
  pid_t parent = getpid ();
  ssize_t n;

  memset (c, 0, sizeof *c);
  c->pid = -1;
  c->out_fd = -1;
  c->pidfd = -1;
  if ((s->flags & GD_SPAWN_OUT_PIPE) && pipe2 (out, O_CLOEXEC) == -1) {
    gd_set_error_errno ("%s: pipe", child_name (s));
    return -1;
  }
  /* A failed exec is reported on this pipe; a successful exec closes it
   * (O_CLOEXEC) and the parent reads EOF.
   */
  if (pipe2 (errp, O_CLOEXEC) == -1) {
    gd_set_error_errno ("%s: pipe", child_name (s));
    goto err_out;
  }
  c->t_fork_ns = gd_now_ns ();
  c->pid = fork ();
  if (c->pid == -1) {
    gd_set_error_errno ("%s: fork", child_name (s));
    close (errp[0]);
    close (errp[1]);
    goto err_out;
  }
  if (c->pid == 0)
    child_start (s, out[1], errp[1], parent);
  setpgid (c->pid, c->pid);
  close (errp[1]);
  if (out[1] >= 0)
    close (out[1]);
  c->out_fd = out[0];
  c->pidfd = (int) syscall (SYS_pidfd_open, c->pid, 0);
  do
    n = read (errp[0], &child_errno, sizeof child_errno);
  while (n == -1 && errno == EINTR);
  close (errp[0]);
  if (n == (ssize_t) sizeof child_errno) {
    gd_child_kill (c, REAP_AFTER_KILL_MS);
    c->exec_errno = child_errno;
    errno = child_errno;
    gd_set_error_errno ("%s", child_name (s));
    return -1;
  }
  return 0;

 err_out:
  if (out[0] >= 0) {
    close (out[0]);
    close (out[1]);
  }
  c->pid = -1;
  return -1;
}

int
gd_child_wait (struct gd_child *c, int timeout_ms,
               volatile sig_atomic_t *interrupt)
{
  uint64_t deadline = gd_now_ns () +
                      (uint64_t) (timeout_ms > 0 ? timeout_ms : 0) * 1000000;

  if (c->pid <= 0 || c->reaped)
    return 0;
  for (;;) {
    int64_t left;
    pid_t w = wait4 (c->pid, &c->status, WNOHANG, &c->rusage);

    if (w == c->pid) {
      c->reaped = true;
      c->t_exit_ns = gd_now_ns ();
      /* Whatever the child started in its group goes with it. */
      kill (-c->pid, SIGKILL);
      return 0;
    }
    if (w == -1 && errno != EINTR) {
      gd_set_error_errno ("waitpid %d", (int) c->pid);
      return -1;
    }
    if (interrupt && *interrupt) {
      errno = EINTR;
      gd_set_error ("interrupted");
      return -1;
    }
    left = (int64_t) (deadline - gd_now_ns ()) / 1000000;
    if ((int64_t) (deadline - gd_now_ns ()) <= 0) {
      errno = ETIMEDOUT;
      gd_set_error ("process %d: still running after %d ms", (int) c->pid,
                    timeout_ms);
      return -1;
    }
    if (left > 100)
      left = 100;
    if (c->pidfd >= 0) {
      struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
      poll (&p, 1, (int) left + 1);
    }
    else
      usleep (left > 10 ? 10000 : (useconds_t) (left + 1) * 1000);
  }
}

void
gd_child_kill (struct gd_child *c, int timeout_ms)
{
  if (c->pid > 0 && !c->reaped) {
    kill (-c->pid, SIGKILL);
    kill (c->pid, SIGKILL);     /* if setpgid lost a race */
    gd_child_wait (c, timeout_ms, NULL);
  }
  if (c->out_fd >= 0) {
    close (c->out_fd);
    c->out_fd = -1;
  }
  if (c->pidfd >= 0) {
    close (c->pidfd);
    c->pidfd = -1;
  }
}

/* Append N bytes to the tail buffer (*BUF, *LEN, *CAP) bounded by MAX. */
static int
keep_tail (char **buf, size_t *len, size_t *cap, size_t max,
           const char *data, size_t n)
{
  if (n >= max) {
    data += n - max;
    n = max;
  }
  if (*len + n > max) {
    size_t drop = *len + n - max;
    memmove (*buf, *buf + drop, *len - drop);
    *len -= drop;
  }
  if (*len + n + 1 > *cap) {
    size_t ncap = *cap * 2 > max + 1 ? max + 1 : *cap * 2;
    char *nb;
    while (ncap < *len + n + 1)
      ncap = ncap * 2 > max + 1 ? max + 1 : ncap * 2;
    nb = realloc (*buf, ncap);
    if (!nb)
      return -1;
    *buf = nb;
    *cap = ncap;
  }
  memcpy (*buf + *len, data, n);
  *len += n;
  (*buf)[*len] = '\0';
  return 0;
}

static void
run_finish (const struct gd_run_opts *o, struct gd_child *c,
            struct gd_run_result *r)
{
  gd_child_kill (c, REAP_AFTER_KILL_MS);
  if (o->pgid)
    *o->pgid = 0;
  r->status = c->status;
  r->rusage = c->rusage;
  if (c->reaped)
    r->seconds = (c->t_exit_ns - c->t_fork_ns) / 1e9;
}

int
gd_run_ex (const struct gd_run_opts *o, struct gd_run_result *r)
{
  struct gd_spawn s = o->spawn;
  struct gd_child c;
  size_t max = o->output_max ? o->output_max : OUTPUT_MAX_DEFAULT;
  size_t cap = max + 1 < 65536 ? max + 1 : 65536;
  uint64_t deadline = gd_now_ns () + (uint64_t) o->timeout_ms * 1000000;
  const char *name = child_name (&s);
  int left_ms;

  memset (r, 0, sizeof *r);
  r->output = malloc (cap);
  if (!r->output) {
    gd_set_error_errno ("%s: malloc", name);
    return -1;
  }
  r->output[0] = '\0';
  s.flags = (s.flags & ~(GD_SPAWN_OUT_FD | GD_SPAWN_OUT_INHERIT)) |
            GD_SPAWN_OUT_PIPE;
  if (gd_child_spawn (&s, &c) == -1) {
    r->exec_errno = c.exec_errno;
    return -1;
  }
  if (o->pgid)
    *o->pgid = c.pid;

  for (;;) {
    struct pollfd p = { .fd = c.out_fd, .events = POLLIN };
    int64_t left = (int64_t) (deadline - gd_now_ns ()) / 1000000;
    char tmp[8192];
    ssize_t n;

    if (o->interrupt && *o->interrupt) {
      r->interrupted = true;
      break;
    }
    if ((int64_t) (deadline - gd_now_ns ()) <= 0) {
      r->timed_out = true;
      break;
    }
    if (poll (&p, 1, left > 200 ? 200 : (int) left + 1) <= 0)
      continue;
    n = read (c.out_fd, tmp, sizeof tmp);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;                    /* EOF: the command is finishing */
    if (keep_tail (&r->output, &r->output_len, &cap, max, tmp, n) == -1) {
      gd_set_error_errno ("%s: output", name);
      run_finish (o, &c, r);
      return -1;
    }
  }
  /* Bound the reap by the same deadline. */
  left_ms = (int) ((int64_t) (deadline - gd_now_ns ()) / 1000000);
  if (!r->timed_out && !r->interrupted &&
      gd_child_wait (&c, left_ms > 0 ? left_ms : 0, o->interrupt) == -1) {
    if (errno == EINTR)
      r->interrupted = true;
    else if (errno == ETIMEDOUT)
      r->timed_out = true;
    else {
      run_finish (o, &c, r);
      return -1;
    }
  }
  run_finish (o, &c, r);
  if (r->interrupted) {
    errno = EINTR;
    gd_set_error ("interrupted");
    return -1;
  }
  if (r->timed_out) {
    errno = ETIMEDOUT;
    gd_set_error ("%s: timed out after %d s", name, o->timeout_ms / 1000);
    return -1;
  }
  return 0;
}

int
gd_run (char *const argv[], char *const env_add[], int timeout_ms,
        char **output)
{
  struct gd_run_opts o = {
    .spawn = { .argv = argv, .env_add = env_add },
    .timeout_ms = timeout_ms,
  };
  struct gd_run_result r;

  if (output)
    *output = NULL;
  if (gd_run_ex (&o, &r) == -1) {
    if (r.exec_errno) {
      /* As a shell would: the reason as output, status 127. */
      free (r.output);
      if (output && asprintf (output, "%s: %s\n", argv[0],
                              strerror (r.exec_errno)) == -1)
        *output = NULL;
      return 127;
    }
    if (output)
      *output = r.output;
    else
      free (r.output);
    return -1;
  }
  if (output)
    *output = r.output;
  else
    free (r.output);
  if (WIFSIGNALED (r.status)) {
    gd_set_error ("%s: killed by signal %d", argv[0], WTERMSIG (r.status));
    return -1;
  }
  return WEXITSTATUS (r.status);
}

int
gd_run_step (char *const argv[], char *const env_add[], int timeout_ms,
              const char *fmt, ...)
{
  char *out = NULL, *context = NULL;
  int r = gd_run (argv, env_add, timeout_ms, &out);
  size_t n;
  va_list ap;

  if (r > 0) {
    n = out ? strlen (out) : 0;
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
      n--;
    va_start (ap, fmt);
    if (vasprintf (&context, fmt, ap) == -1)
      context = NULL;
    va_end (ap);
    gd_set_error ("%s: exit %d: %.*s", context ? context : argv[0], r,
                  (int) n, out ? out : "");
    free (context);
  }
  free (out);
  return r == 0 ? 0 : -1;
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
