/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs: a FUSE filesystem that models a disk with a volatile
 * write cache, so we can ask whether a hypervisor passes a guest's fsync
 * down to its image file.  It mirrors one flat directory of regular files
 * (the VM images); every write goes into a per-file volatile overlay
 * (lazyfs/model.c) until the hypervisor fsyncs or fdatasyncs the file,
 * and a "cut" command discards whatever is still volatile, as a power
 * cut would.  The design follows LazyFS (used by Jepsen); no code of it.
 *
 * Usage:
 *   guestdrv-lazyfs BACKING_DIR MOUNTPOINT [--control SOCKET] [-f] ...
 *   guestdrv-lazyfs ctl SOCKET COMMAND
 *
 * The files: lazyfs-ops.c (FUSE operations), lazyfs-files.c (the table
 * of modelled files), lazyfs-control.c (the control server and its
 * protocol), lazyfs-client.c (the `ctl` client), model.c (the model).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/debug.h"
#include "common/error.h"
#include "lazyfs/lazyfs.h"

static void
usage (FILE *fp)
{
  fprintf (fp,
"usage: guestdrv-lazyfs BACKING_DIR MOUNTPOINT [options]\n"
"       guestdrv-lazyfs ctl SOCKET stats|cut|sync-all|reset-counters\n"
"Mirror the flat directory BACKING_DIR at MOUNTPOINT, caching every write\n"
"in memory until the file is fsynced, so a `cut' loses what a power cut\n"
"would.  Options:\n"
"  -c, --control SOCKET   serve control commands on this Unix socket\n"
"      --cache-size SIZE  write back a file's cache above SIZE bytes\n"
"                         (suffix K, M or G; default 1G; 0 = no limit)\n"
"      --no-host-sync     do not fsync backing files on the host\n"
"  -f, --foreground       do not daemonise\n"
"  -o OPTS                extra FUSE mount options\n"
"  -v, --verbose          log every write, sync and control command\n");
}

static int
parse_size (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || end == s)
    return -1;
  switch (*end) {
  case 'G': case 'g': v <<= 10; /* fallthrough */
  case 'M': case 'm': v <<= 10; /* fallthrough */
  case 'K': case 'k': v <<= 10; end++; break;
  case '\0': break;
  default: return -1;
  }
  if (*end)
    return -1;
  *out = v;
  return 0;
}

/* The control socket at CONTROL (made absolute: the daemon chdirs to /
 * and unlinks it at exit) and the pipe that stops its thread.
 */
static int
control_open (const char *control)
{
  char cwd[PATH_MAX];

  if (control[0] == '/')
    lfs.control_path = strdup (control);
  else if (getcwd (cwd, sizeof cwd) == NULL ||
           asprintf (&lfs.control_path, "%s/%s", cwd, control) == -1)
    lfs.control_path = NULL;
  if (lfs.control_path == NULL) {
    perror ("guestdrv-lazyfs: control path");
    return -1;
  }
  lfs.ctl_fd = lfs_control_listen (lfs.control_path);
  if (lfs.ctl_fd == -1) {
    fprintf (stderr, "guestdrv-lazyfs: %s\n", gd_get_error ());
    return -1;
  }
  if (pipe2 (lfs.stop_pipe, O_CLOEXEC) == -1) {
    perror ("guestdrv-lazyfs: pipe2");
    return -1;
  }
  return 0;
}

static void
control_close (void)
{
  if (lfs.control_path) {
    unlink (lfs.control_path);
    close (lfs.ctl_fd);
    close (lfs.stop_pipe[0]);
    close (lfs.stop_pipe[1]);
    free (lfs.control_path);
  }
}

/* fuse_main's argv: PROG [-f] [-o FUSE_OPTS] MOUNTPOINT and our own
 * mount options; FARGV has room for 12.
 */
static int
fuse_args (char **fargv, char *prog, char *mountpoint, bool foreground,
           const char *fuse_opts)
{
  int fargc = 0;

  fargv[fargc++] = prog;
  fargv[fargc++] = (char *) "-o";
  fargv[fargc++] = (char *) "fsname=guestdrv-lazyfs,subtype=guestdrv-lazyfs";
  if (foreground)
    fargv[fargc++] = (char *) "-f";
  /* libfuse 3.14 otherwise warns, misleadingly, about its own default
   * of -1 here ("Ignoring invalid max threads value").
   */
  fargv[fargc++] = (char *) "-o";
  fargv[fargc++] = (char *) "max_idle_threads=8";
  if (fuse_opts) {
    fargv[fargc++] = (char *) "-o";
    fargv[fargc++] = (char *) fuse_opts;
  }
  fargv[fargc++] = mountpoint;
  fargv[fargc] = NULL;
  return fargc;
}

int
main (int argc, char *argv[])
{
  enum { OPT_CACHE_SIZE = 256, OPT_NO_HOST_SYNC };
  static const struct option longopts[] = {
    { "control", required_argument, NULL, 'c' },
    { "cache-size", required_argument, NULL, OPT_CACHE_SIZE },
    { "no-host-sync", no_argument, NULL, OPT_NO_HOST_SYNC },
    { "foreground", no_argument, NULL, 'f' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *control = NULL, *fuse_opts = NULL;
  bool foreground = false;
  char *fargv[12];
  int fargc, c, r;

  if (argc == 4 && strcmp (argv[1], "ctl") == 0)
    return lfs_control_client (argv[2], argv[3]);

  lfs.cache_limit = 1ULL << 30;
  lfs.host_sync = true;
  while ((c = getopt_long (argc, argv, "c:fo:vh", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': control = optarg; break;
    case 'f': foreground = true; break;
    case 'o': fuse_opts = optarg; break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); return 0;
    case OPT_CACHE_SIZE:
      if (parse_size (optarg, &lfs.cache_limit) == -1) {
        fprintf (stderr, "guestdrv-lazyfs: --cache-size %s: not a size\n",
                 optarg);
        return 1;
      }
      break;
    case OPT_NO_HOST_SYNC: lfs.host_sync = false; break;
    default: usage (stderr); return 1;
    }
  }
  if (argc - optind != 2) {
    usage (stderr);
    return 1;
  }

  /* The daemon chdirs to /, so keep the directory open. */
  lfs.dirfd = open (argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lfs.dirfd == -1) {
    fprintf (stderr, "guestdrv-lazyfs: %s: %m\n", argv[optind]);
    return 1;
  }
  if (control && control_open (control) == -1)
    return 1;
  fargc = fuse_args (fargv, argv[0], argv[optind + 1], foreground, fuse_opts);
  r = fuse_main (fargc, fargv, &lfs_ops, NULL);
  control_close ();
  close (lfs.dirfd);
  return r;
}
