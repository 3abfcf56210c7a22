/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#include "../common/run.h"

/* Once the daemon's side of the transfer is over, tar has at most a
 * pipe's worth of data left to handle.
 */
#define TAR_EXIT_TIMEOUT_MS (60 * 1000)

/* Start tar with ARGV: its stdout (TO_STDOUT) or stdin is the pipe end
 * FD; stderr is ours, for its messages.
 */
static int
start_tar (char *const argv[], int fd, bool to_stdout, struct gd_child *t)
{
  struct gd_spawn s = { .argv = argv };

  if (to_stdout) {
    s.flags = GD_SPAWN_OUT_FD | GD_SPAWN_STDERR_INHERIT;
    s.out_fd = fd;
  }
  else {
    s.flags = GD_SPAWN_STDIN | GD_SPAWN_OUT_INHERIT;
    s.stdin_fd = fd;
  }
  return gd_child_spawn (&s, t);
}

static int
reap_tar (struct gd_child *t, int call_ok)
{
  int st;

  if (gd_child_wait (t, TAR_EXIT_TIMEOUT_MS, NULL) == -1) {
    gd_error_prefix ("tar");
    gd_child_kill (t, TAR_EXIT_TIMEOUT_MS);
    return -1;
  }
  gd_child_kill (t, 0);         /* its pidfd */
  st = t->status;
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
  struct gd_child tar;

  if (cli_ensure_launched (c) == -1)
    return -1;
  if (pipe2 (p, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    return -1;
  }
  /* copy-in: tar writes the pipe, we read it; copy-out the reverse. */
  r = start_tar (tar_argv, in ? p[1] : p[0], in, &tar);
  close (in ? p[1] : p[0]);
  if (r == -1) {
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
    gd_child_kill (&tar, TAR_EXIT_TIMEOUT_MS);
    gd_set_error ("%s", saved);
    return -1;
  }
  return reap_tar (&tar, 1);
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
      /* libguestfs's words, quotes included. */
      gd_set_error ("source \u2018%s\u2019 does not exist (or cannot be read)", argv[i]);
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
    gd_set_error ("target \u2018%s\u2019 is not a directory", local);   /* libguestfs's words */
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
    if (r == 0 && !dir) {
      bool file = false;
      q[0] = (char *) "is-file";
      r = cli_call_proc (c, proto_proc_info (PROC_IS_FILE), 2, q, &rep);
      if (r == 0)
        r = proto_ret_bool (&rep, &file);
      proto_reply_free (&rep);
      if (r == 0 && !file) {
        gd_set_error ("\u2018%s\u2019 is not a file or directory", argv[i]);
        r = -1;
      }
    }
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
