/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The harness's side of guestdrv-lazyfs: start it in the foreground as
 * our child (its own session, so a Ctrl-C reaches us, not it: we unmount
 * it in order), talk to its control socket, unmount and reap it.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/exe-dir.h"
#include "../common/fdio.h"
#include "../common/run.h"

#define LAZYFS_START_MS 10000
#define LAZYFS_STOP_MS 10000
#define CTL_REPLY_MAX (1 << 20)

struct lazyfs {
  pid_t pid;
  char mnt[PATH_MAX];
  char sock[108];
};

#ifndef GUESTDRV_LIBEXECDIR
#define GUESTDRV_LIBEXECDIR "/usr/local/libexec/guestdrv"
#endif

/* GUESTDRV_LAZYFS overrides; else the tool next to guestdrv in the build
 * tree (lazyfs/) or beside it, where make install used to put it; else
 * where make install puts it (LIBEXECDIR); else $PATH.
 */
static void
find_lazyfs (char *out, size_t outlen)
{
  const char *env = getenv ("GUESTDRV_LAZYFS");
  char exe[PATH_MAX];

  if (env && *env) {
    snprintf (out, outlen, "%s", env);
    return;
  }
  if (gd_exe_dir (exe, sizeof exe) == 0) {
    snprintf (out, outlen, "%s/lazyfs/guestdrv-lazyfs", exe);
    if (access (out, X_OK) == 0)
      return;
    snprintf (out, outlen, "%s/guestdrv-lazyfs", exe);
    if (access (out, X_OK) == 0)
      return;
  }
  snprintf (out, outlen, "%s/guestdrv-lazyfs", GUESTDRV_LIBEXECDIR);
  if (access (out, X_OK) == 0)
    return;
  snprintf (out, outlen, "guestdrv-lazyfs");
}

static bool
is_mounted (const char *mnt)
{
  struct stat a, b;
  char parent[PATH_MAX];

  snprintf (parent, sizeof parent, "%s/..", mnt);
  return stat (mnt, &a) == 0 && stat (parent, &b) == 0 && a.st_dev != b.st_dev;
}

struct lazyfs *
lazyfs_start (const char *backing, const char *mnt, const char *sock,
              const char *log)
{
  struct lazyfs *l = calloc (1, sizeof *l);
  char prog[PATH_MAX];
  pid_t pid;

  if (!l) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  if (strlen (sock) >= sizeof l->sock) {
    gd_set_error ("%s: control socket path too long", sock);
    free (l);
    return NULL;
  }
  snprintf (l->mnt, sizeof l->mnt, "%s", mnt);
  snprintf (l->sock, sizeof l->sock, "%s", sock);
  find_lazyfs (prog, sizeof prog);
  gd_debug ("fsync", "starting %s %s %s --control %s", prog, backing, mnt, sock);

  /* Not common/run.c's child: with --keep the model must outlive us,
   * mounted, so no PR_SET_PDEATHSIG, and its own session.
   */
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("fork");
    free (l);
    return NULL;
  }
  if (pid == 0) {
    int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int nullfd = open ("/dev/null", O_RDONLY);
    setsid ();
    if (nullfd >= 0)
      dup2 (nullfd, 0);
    if (fd >= 0) {
      dup2 (fd, 1);
      dup2 (fd, 2);
    }
    signal (SIGINT, SIG_DFL);
    signal (SIGPIPE, SIG_DFL);
    execlp (prog, prog, backing, mnt, "--control", sock, "--no-host-sync",
            "-f", (char *) NULL);
    fprintf (stderr, "exec %s: %m\n", prog);
    _exit (127);
  }
  l->pid = pid;

  for (int waited = 0; waited < LAZYFS_START_MS; waited += 50) {
    int status;
    if (waitpid (pid, &status, WNOHANG) == pid) {
      l->pid = 0;
      gd_set_error ("guestdrv-lazyfs (%s) exited before mounting (status %d); "
                    "its log: %s", prog, status, log);
      free (l);
      return NULL;
    }
    if (is_mounted (mnt) && lazyfs_ctl (l, "stats", NULL) == 0)
      return l;
    if (harness_interrupted)
      break;
    usleep (50000);
  }
  gd_set_error ("guestdrv-lazyfs did not mount %s within %d s; its log: %s",
                mnt, LAZYFS_START_MS / 1000, log);
  lazyfs_stop (l, false);
  return NULL;
}

int
lazyfs_ctl (struct lazyfs *l, const char *cmd, char **reply)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  char *buf = malloc (CTL_REPLY_MAX + 1);
  size_t len;
  ssize_t n;
  int fd = -1;

  if (reply)
    *reply = NULL;
  if (!buf) {
    gd_set_error_errno ("malloc");
    return -1;
  }
  memcpy (sa.sun_path, l->sock, strlen (l->sock) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1 || connect (fd, (struct sockaddr *) &sa, sizeof sa) == -1) {
    gd_set_error_errno ("lazyfs control %s", l->sock);
    goto fail;
  }
  {
    /* The server reads one line and replies; bound a hung server. */
    struct timeval tv = { .tv_sec = 30 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  if (dprintf (fd, "%s\n", cmd) < 0) {
    gd_set_error_errno ("lazyfs control: send");
    goto fail;
  }
  n = gd_read_all (fd, buf, CTL_REPLY_MAX);
  if (n == -1) {
    gd_set_error_errno ("lazyfs control: %s", cmd);
    goto fail;
  }
  len = (size_t) n;
  buf[len] = '\0';
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  close (fd);
  gd_debug ("fsync", "lazyfs %s -> %.300s", cmd, buf);
  if (!strstr (buf, "\"ok\":true")) {
    gd_set_error ("lazyfs control: %s: %s", cmd, buf);
    free (buf);
    return -1;
  }
  if (reply)
    *reply = buf;
  else
    free (buf);
  return 0;

 fail:
  if (fd >= 0)
    close (fd);
  free (buf);
  return -1;
}

int
lazyfs_field (const char *json, const char *name, const char *key,
              uint64_t *v)
{
  char pat[300];
  const char *obj = json, *end, *p;

  if (name) {
    snprintf (pat, sizeof pat, "{\"name\":\"%s\"", name);
    obj = strstr (json, pat);
    if (!obj)
      return -1;
  }
  /* Per-file objects are flat except for the cut's "ranges" arrays. */
  end = name ? strchr (obj, '}') : obj + strlen (obj);
  snprintf (pat, sizeof pat, "\"%s\":", key);
  for (p = obj; (p = strstr (p, pat)) != NULL && p < end; p++) {
    const char *q = p + strlen (pat);
    if (*q >= '0' && *q <= '9') {
      *v = strtoull (q, NULL, 10);
      return 0;
    }
  }
  return -1;
}

void
lazyfs_stop (struct lazyfs *l, bool leave)
{
  if (!l)
    return;
  if (leave || l->pid <= 0) {
    free (l);
    return;
  }
  if (is_mounted (l->mnt)) {
    char *argv[] = { (char *) "fusermount3", (char *) "-u", l->mnt, NULL };
    if (gd_run (argv, NULL, LAZYFS_STOP_MS, NULL) != 0) {
      /* Busy (a hypervisor we could not kill?): detach it lazily. */
      char *lazy[] = { (char *) "fusermount3", (char *) "-uz", l->mnt, NULL };
      gd_run (lazy, NULL, LAZYFS_STOP_MS, NULL);
    }
  }
  for (int waited = 0; waited < LAZYFS_STOP_MS; waited += 50) {
    if (waitpid (l->pid, NULL, WNOHANG) == l->pid) {
      l->pid = 0;
      break;
    }
    usleep (50000);
  }
  if (l->pid > 0) {
    kill (l->pid, SIGKILL);
    waitpid (l->pid, NULL, 0);
  }
  free (l);
}
