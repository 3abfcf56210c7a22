/* copy-in and copy-out, which guestfish implements on the host: a local
 * tar(1) at one end of a pipe, the daemon's tar-in or tar-out at the
 * other (the pipe is passed as /dev/fd/N, a FileIn/FileOut host file).
 * copy-out of a regular file is a plain download.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "../common/error.h"

/* Start tar with ARGV, its stdin (TO_CHILD) or stdout the pipe end FD. */
static pid_t
start_tar (char *const argv[], int fd, int child_fd)
{
  pid_t pid = fork ();

  if (pid == -1) {
    gd_set_error_errno ("fork");
    return -1;
  }
  if (pid == 0) {
    if (dup2 (fd, child_fd) == -1)
      _exit (126);
    execvp ("tar", argv);
    _exit (127);
  }
  return pid;
}

static int
reap_tar (pid_t pid, int call_ok)
{
  int st;

  while (waitpid (pid, &st, 0) == -1)
    if (errno != EINTR) {
      gd_set_error_errno ("waitpid");
      return -1;
    }
  if (call_ok && (!WIFEXITED (st) || WEXITSTATUS (st) != 0)) {
    gd_set_error ("tar failed (%s %d)", WIFEXITED (st) ? "status" : "signal",
                  WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st));
    return -1;
  }
  return 0;
}

/* One tar-in or tar-out call with a pipe to a local tar. */
static int
tar_pipe (struct cli *c, bool in, const char *remote, char *const tar_argv[])
{
  const struct proto_proc_info *pi = proto_proc_info (in ? PROC_TAR_IN : PROC_TAR_OUT);
  struct proto_reply rep = { 0 };
  char fdpath[32];
  int p[2], r;
  pid_t pid;

  if (cli_ensure_launched (c) == -1)
    return -1;
  if (pipe2 (p, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    return -1;
  }
  /* copy-in: tar writes the pipe, we read it; copy-out the reverse. */
  pid = start_tar (tar_argv, in ? p[1] : p[0], in ? 1 : 0);
  close (in ? p[1] : p[0]);
  if (pid == -1) {
    close (in ? p[0] : p[1]);
    return -1;
  }
  snprintf (fdpath, sizeof fdpath, "/dev/fd/%d", in ? p[0] : p[1]);
  {
    char *argv[] = { (char *) (in ? "tar-in" : "tar-out"),
                     in ? fdpath : (char *) remote,
                     in ? (char *) remote : fdpath, NULL };
    r = cli_call_proc (c, pi, 3, argv, &rep);
  }
  proto_reply_free (&rep);
  close (in ? p[0] : p[1]);
  if (r == -1) {
    char saved[1024];
    snprintf (saved, sizeof saved, "%s", gd_get_error ());
    kill (pid, SIGTERM);
    reap_tar (pid, 0);
    gd_set_error ("%s", saved);
    return -1;
  }
  return reap_tar (pid, 1);
}

/* copy-in LOCAL [LOCAL ...] REMOTEDIR */
int
cli_copy_in (struct cli *c, int argc, char **argv)
{
  const char *remote = argv[argc - 1];

  for (int i = 1; i < argc - 1; i++) {
    char *d = strdup (argv[i]), *b = strdup (argv[i]);
    int r;
    if (!d || !b) {
      free (d);
      free (b);
      gd_set_error_errno ("strdup");
      return -1;
    }
    if (access (argv[i], R_OK) == -1) {
      gd_set_error_errno ("%s", argv[i]);
      r = -1;
    }
    else {
      char *tar_argv[] = { (char *) "tar", (char *) "-C", dirname (d),
                           (char *) "-cf", (char *) "-", (char *) "--",
                           basename (b), NULL };
      r = tar_pipe (c, true, remote, tar_argv);
    }
    free (d);
    free (b);
    if (r == -1)
      return -1;
  }
  return 0;
}

/* copy-out REMOTE [REMOTE ...] LOCALDIR: directories as a tree under
 * LOCALDIR/basename, files as LOCALDIR/basename.
 */
int
cli_copy_out (struct cli *c, int argc, char **argv)
{
  const char *local = argv[argc - 1];
  struct stat st;

  if (stat (local, &st) == -1 || !S_ISDIR (st.st_mode)) {
    gd_set_error ("%s: not a local directory", local);
    return -1;
  }
  for (int i = 1; i < argc - 1; i++) {
    const struct proto_proc_info *isdir = proto_proc_info (PROC_IS_DIR);
    struct proto_reply rep = { 0 };
    char *q[] = { (char *) "is-dir", argv[i], NULL };
    char *b = strdup (argv[i]), target[PATH_MAX];
    bool dir = false;
    int r;

    if (!b) {
      gd_set_error_errno ("strdup");
      return -1;
    }
    r = cli_call_proc (c, isdir, 2, q, &rep);
    if (r == 0)
      r = proto_ret_bool (&rep, &dir);
    proto_reply_free (&rep);
    snprintf (target, sizeof target, "%s/%s", local, basename (b));
    free (b);
    if (r == 0 && dir) {
      if (mkdir (target, 0755) == -1 && errno != EEXIST) {
        gd_set_error_errno ("%s", target);
        return -1;
      }
      char *tar_argv[] = { (char *) "tar", (char *) "-C", target,
                           (char *) "-xf", (char *) "-", NULL };
      r = tar_pipe (c, false, argv[i], tar_argv);
    }
    else if (r == 0) {
      char *d[] = { (char *) "download", argv[i], target, NULL };
      r = cli_call_proc (c, proto_proc_info (PROC_DOWNLOAD), 3, d, &rep);
      proto_reply_free (&rep);
    }
    if (r != 0)
      return -1;
  }
  return 0;
}
