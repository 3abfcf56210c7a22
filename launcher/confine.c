/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces, no_new_privs and rlimits for an unsandboxed hypervisor
 * (confine.h).  Everything here runs between fork and exec, so it uses
 * system calls and its own tiny string helpers only.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"

static volatile pid_t confine_pid1;

static void
msg_add (char *buf, size_t cap, size_t *len, const char *s)
{
  while (*s && *len + 1 < cap)
    buf[(*len)++] = *s++;
  buf[*len] = '\0';
}

static void
msg_num (char *buf, size_t cap, size_t *len, unsigned long v)
{
  char tmp[24];
  int i = sizeof tmp - 1;

  tmp[i] = '\0';
  do {
    tmp[--i] = (char) ('0' + v % 10);
    v /= 10;
  } while (v && i > 0);
  msg_add (buf, cap, len, tmp + i);
}

static int
write_file (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd == -1)
    return -1;
  n = write (fd, s, strlen (s));
  close (fd);
  return n == (ssize_t) strlen (s) ? 0 : -1;
}

/* Map our own uid and gid to themselves: the hypervisor keeps its file
 * access to the images and its temp dir while its capabilities only
 * count inside the new namespace.  Writing one's own single mapping is
 * allowed without privilege once setgroups is denied.
 */
static int
map_self (uid_t uid, gid_t gid)
{
  char line[64];
  size_t n = 0;

  msg_num (line, sizeof line, &n, uid);
  msg_add (line, sizeof line, &n, " ");
  msg_num (line, sizeof line, &n, uid);
  msg_add (line, sizeof line, &n, " 1\n");
  if (write_file ("/proc/self/uid_map", line) == -1)
    return -1;
  if (write_file ("/proc/self/setgroups", "deny\n") == -1 && errno != ENOENT)
    return -1;
  n = 0;
  msg_num (line, sizeof line, &n, gid);
  msg_add (line, sizeof line, &n, " ");
  msg_num (line, sizeof line, &n, gid);
  msg_add (line, sizeof line, &n, " 1\n");
  return write_file ("/proc/self/gid_map", line);
}

/* As root, every id must stay mapped to itself, or root would lose its
 * access to other users' images.  Only a process with CAP_SETUID outside
 * the new namespace may write such a map, so a helper forked before the
 * unshare writes it once we have unshared.  0 if the namespace was made
 * and mapped, -1 (errno set) if not.
 */
static int
unshare_user_as_root (void)
{
  int go[2], status;
  pid_t h;
  char c;

  if (pipe (go) == -1)
    return -1;
  h = fork ();
  if (h == -1) {
    close (go[0]);
    close (go[1]);
    return -1;
  }
  if (h == 0) {
    char path[64];
    size_t n = 0;
    ssize_t r;

    close (go[1]);
    while ((r = read (go[0], &c, 1)) == -1 && errno == EINTR)
      ;
    if (r != 1 || c != 'y')
      _exit (1);
    msg_add (path, sizeof path, &n, "/proc/");
    msg_num (path, sizeof path, &n, (unsigned long) getppid ());
    msg_add (path, sizeof path, &n, "/uid_map");
    if (write_file (path, "0 0 4294967295\n") == -1)
      _exit (2);
    path[n - 7] = 'g';          /* ".../uid_map" -> ".../gid_map" */
    _exit (write_file (path, "0 0 4294967295\n") == -1 ? 3 : 0);
  }
  close (go[0]);
  c = unshare (CLONE_NEWUSER) == 0 ? 'y' : 'n';
  if (write (go[1], &c, 1) < 0)
    (void) 0;
  close (go[1]);
  while (waitpid (h, &status, 0) == -1)
    if (errno != EINTR)
      return -1;
  if (c != 'y')
    return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

static void
forward (int sig)
{
  if (confine_pid1 > 0)
    kill (confine_pid1, sig);
}

/* The process left behind by CONFINE_PIDNS: never returns. */
static void
supervise (pid_t child)
{
  struct sigaction sa;
  int status;

  confine_pid1 = child;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  /* Close what the hypervisor holds, so that only it keeps the serial
   * lines and the console open: EOF must mean the hypervisor is gone.
   */
  close_range (3, ~0U, 0);
  while (waitpid (child, &status, 0) == -1)
    if (errno != EINTR)
      _exit (127);
  if (WIFSIGNALED (status)) {
    signal (WTERMSIG (status), SIG_DFL);
    kill (getpid (), WTERMSIG (status));
    _exit (128 + WTERMSIG (status));
  }
  _exit (WEXITSTATUS (status));
}

unsigned
confine_default_flags (void)
{
  static const struct { const char *name; unsigned flag; } names[] = {
    { "user", CONFINE_USERNS }, { "mount", CONFINE_MOUNTNS },
    { "net", CONFINE_NETNS }, { "ipc", CONFINE_IPCNS }, { "pid", CONFINE_PIDNS },
  };
  const char *e = getenv ("GUESTDRV_CONFINE");
  unsigned flags = 0;

  if (!e)
    return CONFINE_ALL;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *p = strstr (e, names[i].name);
    if (p && (p == e || p[-1] == ',') &&
        (p[strlen (names[i].name)] == '\0' || p[strlen (names[i].name)] == ','))
      flags |= names[i].flag;
  }
  return flags;
}

int
confine_child (unsigned flags, bool verbose)
{
  static const struct { unsigned flag; int clone; const char *name; } ns[] = {
    { CONFINE_USERNS, CLONE_NEWUSER, "user" },
    { CONFINE_MOUNTNS, CLONE_NEWNS, "mount" },
    { CONFINE_NETNS, CLONE_NEWNET, "network" },
    { CONFINE_IPCNS, CLONE_NEWIPC, "ipc" },
    { CONFINE_PIDNS, CLONE_NEWPID, "pid" },
  };
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  char msg[512];
  size_t len = 0, i;
  unsigned made = 0;
  struct rlimit rl;

  /* One namespace at a time, user first, so that a missing one (a
   * kernel without user namespaces, a container that forbids them)
   * costs only itself.
   */
  for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
    if (!(flags & ns[i].flag))
      continue;
    if ((ns[i].clone == CLONE_NEWUSER && uid == 0
         ? unshare_user_as_root () : unshare (ns[i].clone)) == -1) {
      if (verbose) {
        msg_add (msg, sizeof msg, &len, len ? "; " : "guestdrv-confine: ");
        msg_add (msg, sizeof msg, &len, "no ");
        msg_add (msg, sizeof msg, &len, ns[i].name);
        msg_add (msg, sizeof msg, &len, " namespace (errno ");
        msg_num (msg, sizeof msg, &len, (unsigned long) errno);
        msg_add (msg, sizeof msg, &len, "), continuing without it");
      }
      continue;
    }
    if (ns[i].clone == CLONE_NEWUSER && uid != 0 && map_self (uid, gid) == -1) {
      /* Unmapped, we could not open our own images: give up on the
       * user namespace only if nothing else was made yet.  It is the
       * first, so nothing was.
       */
      if (verbose) {
        msg_add (msg, sizeof msg, &len, len ? "; " : "guestdrv-confine: ");
        msg_add (msg, sizeof msg, &len, "user namespace without id map (errno ");
        msg_num (msg, sizeof msg, &len, (unsigned long) errno);
        msg_add (msg, sizeof msg, &len, ")");
      }
    }
    made |= ns[i].flag;
  }
  /* Nothing we mount (nothing, today) may reach the host, and nothing
   * the host mounts later needs to reach us.
   */
  if (made & CONFINE_MOUNTNS)
    mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);

  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  rl.rlim_cur = rl.rlim_max = 0;
  setrlimit (RLIMIT_CORE, &rl);
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max > CONFINE_NOFILE) {
    rl.rlim_cur = rl.rlim_max = CONFINE_NOFILE;
    setrlimit (RLIMIT_NOFILE, &rl);
  }

  if (verbose) {
    size_t l2 = 0;
    char line[256];
    msg_add (line, sizeof line, &l2, "guestdrv-confine: namespaces:");
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++)
      if (made & ns[i].flag) {
        msg_add (line, sizeof line, &l2, " ");
        msg_add (line, sizeof line, &l2, ns[i].name);
      }
    msg_add (line, sizeof line, &l2, "; no_new_privs; RLIMIT_CORE 0, RLIMIT_NOFILE <= ");
    msg_num (line, sizeof line, &l2, CONFINE_NOFILE);
    msg_add (line, sizeof line, &l2, "\n");
    if (write (2, line, l2) < 0)
      (void) 0;
    if (len) {
      msg_add (msg, sizeof msg, &len, "\n");
      if (write (2, msg, len) < 0)
        (void) 0;
    }
  }

  if (made & CONFINE_PIDNS) {
    pid_t pid = fork ();
    if (pid == -1) {
      /* Without a process to be PID 1 the namespace is unusable; the
       * hypervisor runs here, in our PID namespace.
       */
      static const char m[] = "guestdrv-confine: fork for the pid namespace "
                              "failed, continuing without it\n";
      if (verbose && write (2, m, sizeof m - 1) < 0)
        (void) 0;
      return 0;
    }
    if (pid > 0)
      supervise (pid);
    /* The new PID 1: die with the supervisor, as the hypervisor died
     * with guestdrv before.
     */
    prctl (PR_SET_PDEATHSIG, SIGKILL);
  }
  return 0;
}
