/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reaper (reaper.h).  Two processes, both double-forked so that
 * nobody has to wait for them, both reading the trigger pipe whose write
 * end only guestdrv holds:
 *
 *  - the killer joins the hypervisor's process group, so that the group
 *    id cannot be reused while it waits; on EOF (guestdrv died) it kills
 *    the group, itself included;
 *  - the sweeper leaves the group (setsid); on EOF it waits for the
 *    killer's death and removes the temp dir.
 *
 * A normal stop writes one 'D' for each of them before closing: then they
 * exit without doing anything (guestdrv has reaped the group and removed
 * the dir itself; its group kill may have ended the killer already), and
 * guestdrv waits until both are gone, so that nothing of the run outlives
 * a normal exit.
 *
 * PR_SET_PDEATHSIG alone kills the hypervisor, but not its helpers (UML
 * forks some) and it removes no files.  Everything between fork and exec
 * is async-signal-safe: guestdrv is threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include "reaper.h"
#include "../common/debug.h"
#include "../common/error.h"

/* 1 if guestdrv said "done" on FD, 0 on EOF (guestdrv is gone). */
static int
wait_trigger (int fd)
{
  char c;
  ssize_t n;

  while ((n = read (fd, &c, 1)) == -1 && errno == EINTR)
    ;
  return n == 1 && c == 'D';
}

static void
quiet_stdio (void)
{
  int nullfd = open ("/dev/null", O_RDWR);

  if (nullfd >= 0) {
    dup2 (nullfd, 0); dup2 (nullfd, 1); dup2 (nullfd, 2);
    if (nullfd > 2)
      close (nullfd);
  }
}

static void
killer (int trigger, int gone, pid_t pgid, const char *tmpdir)
{
  sigset_t none;
  int q[2];

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  quiet_stdio ();
  /* Hold nothing of guestdrv's open (above all not the channel: UML
   * must see EOF on its serial line when guestdrv goes).
   */
  if (dup2 (trigger, 3) == -1 || dup2 (gone, 4) == -1)
    _exit (1);
  close_range (5, ~0U, 0);
  if (pipe (q) == -1)
    _exit (1);
  switch (fork ()) {
  case -1:
    _exit (1);
  case 0:
    /* The sweeper. */
    close (q[1]);
    setsid ();
    if (wait_trigger (3))
      _exit (0);
    close (3);
    while (read (q[0], &q[1], 1) == -1 && errno == EINTR)
      ;                         /* EOF: the killer is gone */
    close (4);
    execl ("/bin/rm", "rm", "-rf", "--", tmpdir, (char *) NULL);
    _exit (127);
  }
  close (q[0]);
  if (setpgid (0, pgid) == -1)
    _exit (1);                  /* the group is already gone */
  if (wait_trigger (3))
    _exit (0);
  kill (-pgid, SIGKILL);
  _exit (0);
}

int
reaper_start (pid_t pgid, const char *tmpdir, int *gone_fd)
{
  int p[2], g[2], status;
  pid_t pid;

  *gone_fd = -1;
  if (pipe2 (p, O_CLOEXEC) == -1) {
    gd_set_error_errno ("reaper: pipe");
    return -1;
  }
  if (pipe2 (g, O_CLOEXEC) == -1) {
    gd_set_error_errno ("reaper: pipe");
    close (p[0]);
    close (p[1]);
    return -1;
  }
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("reaper: fork");
    close (p[0]); close (p[1]);
    close (g[0]); close (g[1]);
    return -1;
  }
  if (pid == 0) {
    if (fork () == 0)
      killer (p[0], g[1], pgid, tmpdir);
    _exit (0);
  }
  close (p[0]);
  close (g[1]);
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  *gone_fd = g[0];
  return p[1];
}

void
reaper_stop (int fd, int gone_fd)
{
  if (fd >= 0) {
    /* One 'D' for each of the two; a dead killer leaves its byte unread. */
    if (write (fd, "DD", 2) != 2)
      gd_debug ("launcher", "reaper: %m");
    close (fd);
  }
  if (gone_fd >= 0) {
    struct pollfd p = { .fd = gone_fd, .events = POLLIN };
    char c;
    /* EOF once both have exited; bounded, they have nothing to do. */
    while (poll (&p, 1, 2000) == 1 && read (gone_fd, &c, 1) == 1)
      ;
    close (gone_fd);
  }
}
