/* The reaper (reaper.h).  Two processes, both double-forked so that
 * nobody has to wait for them:
 *
 *  - the killer joins the hypervisor's process group, so that the group
 *    id cannot be reused while it waits, and waits for EOF on a pipe
 *    whose write end only guestdrv holds; then it kills the group, itself
 *    included;
 *  - the sweeper leaves the group (setsid), waits for the killer's death
 *    the same way, and removes the temp dir.
 *
 * PR_SET_PDEATHSIG alone kills the hypervisor, but not its helpers (UML
 * forks some) and it removes no files.  Everything between fork and exec
 * is async-signal-safe: guestdrv is threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include "reaper.h"
#include "../common/error.h"

static void
wait_eof (int fd)
{
  char c;

  while (read (fd, &c, 1) == -1 && errno == EINTR)
    ;
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
killer (int trigger, pid_t pgid, const char *tmpdir)
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
  if (dup2 (trigger, 3) == -1)
    _exit (1);
  close_range (4, ~0U, 0);
  if (pipe (q) == -1)
    _exit (1);
  switch (fork ()) {
  case -1:
    _exit (1);
  case 0:
    /* The sweeper. */
    close (q[1]);
    close (3);
    setsid ();
    wait_eof (q[0]);
    execl ("/bin/rm", "rm", "-rf", "--", tmpdir, (char *) NULL);
    _exit (127);
  }
  close (q[0]);
  if (setpgid (0, pgid) == -1)
    _exit (1);                  /* the group is already gone */
  wait_eof (3);
  kill (-pgid, SIGKILL);
  _exit (0);
}

int
reaper_start (pid_t pgid, const char *tmpdir)
{
  int p[2], status;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) == -1) {
    gd_set_error_errno ("reaper: pipe");
    return -1;
  }
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("reaper: fork");
    close (p[0]);
    close (p[1]);
    return -1;
  }
  if (pid == 0) {
    if (fork () == 0)
      killer (p[0], pgid, tmpdir);
    _exit (0);
  }
  close (p[0]);
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  return p[1];
}

void
reaper_stop (int fd)
{
  if (fd >= 0)
    close (fd);
}
