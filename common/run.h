/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child processes: the one place guestdrv forks.  Every child gets its
 * own process group (its pid is the group id, so a signal handler can
 * kill the whole group with kill (-pgid, SIGKILL)), dies with us
 * (PR_SET_PDEATHSIG), starts with default signal dispositions and an
 * empty signal mask, and has stdin on /dev/null unless told otherwise.
 *
 * Two ways to use it:
 *  - gd_child_spawn / gd_child_wait / gd_child_kill for a long-lived
 *    child (a hypervisor, a storage daemon): spawn returns its pid and
 *    the read end of its output pipe; waiting is separate and bounded.
 *  - gd_run_ex (and the short gd_run) to run to completion with a
 *    deadline, an interrupt flag and the bounded tail of its output.
 */
#ifndef GUESTDRV_RUN_H
#define GUESTDRV_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* gd_spawn.flags */
#define GD_SPAWN_STDIN          0x01    /* stdin from stdin_fd */
#define GD_SPAWN_OUT_PIPE       0x02    /* stdout+stderr into a pipe */
#define GD_SPAWN_OUT_FD         0x04    /* stdout+stderr to out_fd */
#define GD_SPAWN_OUT_INHERIT    0x08    /* stdout+stderr are ours */
#define GD_SPAWN_IGNORE_SIGINT  0x10    /* Ctrl-C is the parent's to handle */
#define GD_SPAWN_STDERR_INHERIT 0x20    /* with OUT_PIPE/OUT_FD: stdout only */
#define GD_SPAWN_STDERR_NULL    0x40    /* with OUT_PIPE/OUT_FD: stdout only */

/* What to start.  Zero-initialised fields mean: no environment change,
 * stdin and output on /dev/null, no fds kept, no working directory
 * change.
 */
struct gd_spawn {
  char *const *argv;            /* argv[0] looked up in $PATH */
  /* Instead of argv: run FN (ARG) in the forked child and exit with its
   * return value (a probe that must not hang the parent).
   */
  int (*fn) (void *arg);
  void *arg;
  /* "NAME=value" sets, "NAME" unsets; NULL-terminated. */
  char *const *env_add;
  unsigned flags;
  int stdin_fd;                 /* with GD_SPAWN_STDIN */
  int out_fd;                   /* with GD_SPAWN_OUT_FD */
  const int *keep_fds;          /* left open across exec */
  size_t nkeep;
  const char *cwd;
  /* Runs in the child just before exec (after the fds are set up):
   * async-signal-safe calls only.
   */
  void (*child_setup) (void *setup_arg);
  void *setup_arg;
};

struct gd_child {
  pid_t pid;                    /* and process group id; -1 when none */
  int out_fd;                   /* GD_SPAWN_OUT_PIPE: read end, else -1 */
  int pidfd;                    /* -1 if the kernel has no pidfd_open */
  bool reaped;
  int status;                   /* wait status once reaped */
  int exec_errno;               /* gd_child_spawn: exec failed */
  struct rusage rusage;
  uint64_t t_fork_ns, t_exit_ns;        /* gd_now_ns clock */
};

/* Start the child.  If exec fails, the child is reaped and -1 returned
 * with errno and the error "ARGV0: strerror" (so a missing program is
 * reported, not an exit status of 127).  0 on success.
 */
int gd_child_spawn (const struct gd_spawn *s, struct gd_child *c);
/* Wait for the child to exit, at most TIMEOUT_MS, stopping early when
 * *INTERRUPT becomes non-zero (INTERRUPT may be NULL).  0 once reaped
 * (what is left of its process group is then killed: helpers it
 * started); -1 with errno ETIMEDOUT or EINTR (the child still runs),
 * error set.  With GD_SPAWN_OUT_PIPE the caller must read the pipe, or a
 * chatty child blocks on it.
 */
int gd_child_wait (struct gd_child *c, int timeout_ms,
                   volatile sig_atomic_t *interrupt);
/* Kill the child's process group, reap it (bounded by TIMEOUT_MS) and
 * close its pipe and pidfd.  Safe to call twice and after a wait.
 */
void gd_child_kill (struct gd_child *c, int timeout_ms);

struct gd_run_opts {
  struct gd_spawn spawn;        /* its output flags are ignored: captured */
  int timeout_ms;
  volatile sig_atomic_t *interrupt;     /* may be NULL */
  /* Set to the child's process group while it runs, 0 after: for a
   * signal handler that must kill it.  May be NULL.
   */
  volatile sig_atomic_t *pgid;
  size_t output_max;            /* bytes of the tail kept; 0: 1 MiB */
};

struct gd_run_result {
  int status;                   /* wait status, if reaped */
  bool timed_out, interrupted;
  int exec_errno;               /* the program could not be run */
  char *output;                 /* malloc'd, NUL-terminated tail */
  size_t output_len;
  double seconds;               /* fork to exit */
  struct rusage rusage;
};

/* Run to completion, capturing stdout+stderr.  0 if the child ran and
 * exited (any status: read R->status); -1 otherwise, error set: could
 * not start, exec failed, timed out or interrupted (the group is then
 * killed and reaped).  R->output is always set (perhaps empty, NULL only
 * if out of memory): free it.
 */
int gd_run_ex (const struct gd_run_opts *o, struct gd_run_result *r);

/* Runs ARGV (argv[0] looked up in $PATH) with ENV_ADD ("NAME=value", NULL
 * terminated, may be NULL) added to the environment.  If OUTPUT is not
 * NULL it receives the captured output (malloc'd, NUL-terminated, at most
 * 1 MiB: the tail is kept).  Returns the exit status (0-255; 127 with
 * "ARGV0: strerror" as output if it could not be executed), or -1 with
 * the error set (could not start, killed by a signal, timed out).
 */
int gd_run (char *const argv[], char *const env_add[], int timeout_ms,
            char **output);

/* A step that must succeed: gd_run with the output kept only for the
 * error.  0 if ARGV exited 0; else -1 with the error set: "CONTEXT: exit
 * N: OUTPUT" (CONTEXT from the printf-style FMT; OUTPUT without its
 * trailing newlines), or gd_run's own error (timed out, killed).
 */
int gd_run_step (char *const argv[], char *const env_add[], int timeout_ms,
                 const char *fmt, ...)
  __attribute__((format (printf, 4, 5)));

/* Join ARGV into one shell-quoted line (for -v and error messages). */
char *gd_argv_to_string (char *const argv[]);

#endif
