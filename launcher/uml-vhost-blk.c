/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UML's -a disks over vhost-user-blk (--uml-disk vhost-user): one
 * qemu-storage-daemon exports every disk on its own socket in the run's
 * temp dir (blkN.sock), in the disk's own format (so qcow2 works), and
 * UML is the front end (virtio_uml.device=SOCK:2, the guest's vdX).
 *
 * The daemon is started before UML (UML connects while it boots, and a
 * missing socket fails the device), in its own process group, dying with
 * us (PR_SET_PDEATHSIG), registered for the signal handler's kill, and
 * killed and reaped with the hv (hv_free).  Its output goes to qsd.log in
 * the temp dir, whose last line becomes the error if it fails.  The
 * daemon, not UML, does the images' I/O: it gets the disk layer's
 * counter (LD_PRELOAD) when that is wanted.  It is confined like UML
 * (confine.c: user, mount, network and IPC namespaces, no new privileges,
 * rlimits) but without the PID namespace: its process is then the one we
 * started, which fsync-test's flush accounting follows with its threads.
 *
 * Cache modes, mapped explicitly (file driver cache.direct / cache.no-flush,
 * export writethrough; "guest" = the init's /sys/block/vdX/cache_type):
 *
 *   --cache       direct  no-flush  writethrough  guest queue
 *   writeback     off     off       off           write back (flushes sent)
 *   writethrough  off     off       on            write through
 *   none          on      off       off           write back
 *   directsync    on      off       on            write through
 *   unsafe        off     on        off           write through (no flushes)
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "launcher-internal.h"
#include "uml-vhost-blk.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../common/run.h"
#include "../common/text.h"
#include "../disk/disk.h"

#define QSD_BINARY "qemu-storage-daemon"

struct vblk_cache {
  const char *mode;
  bool direct, noflush, writethrough;
};

static const struct vblk_cache vblk_caches[] = {
  { "writeback", false, false, false },
  { "writethrough", false, false, true },
  { "none", true, false, false },
  { "directsync", true, false, true },
  { "unsafe", false, true, false },
};

static const struct vblk_cache *
vblk_cache_lookup (const char *mode)
{
  for (size_t i = 0; i < sizeof vblk_caches / sizeof vblk_caches[0]; i++)
    if (strcmp (vblk_caches[i].mode, mode) == 0)
      return &vblk_caches[i];
  return NULL;
}

int
uml_vblk_check_disk (const struct disk *d)
{
  if (strcmp (d->format, "raw") && strcmp (d->format, "qcow2")) {
    gd_set_error ("%s: format '%s' is not raw or qcow2", d->path, d->format);
    return -1;
  }
  if (!vblk_cache_lookup (d->cache)) {
    gd_set_error ("%s: unknown cache mode '%s'", d->path, d->cache);
    return -1;
  }
  return 0;
}

bool
uml_vblk_guest_flushes (const struct disk *d)
{
  const struct vblk_cache *c = vblk_cache_lookup (d->cache);

  return c && !d->readonly && !c->noflush && !c->writethrough;
}

void
uml_vblk_socket (const char *tmpdir, size_t i, char *out, size_t outlen)
{
  snprintf (out, outlen, "%s/blk%zu.sock", tmpdir, i);
}

/* The last non-empty line of the daemon's log, for the error. */
static void
vblk_log_tail (const char *path, char *out, size_t outlen)
{
  char buf[4096];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = 0;
  off_t size;
  const char *line;
  size_t len;

  snprintf (out, outlen, "no output");
  if (fd == -1)
    return;
  size = lseek (fd, 0, SEEK_END);
  lseek (fd, size > (off_t) sizeof buf ? size - (off_t) sizeof buf : 0, SEEK_SET);
  n = gd_read_all (fd, buf, sizeof buf);
  close (fd);
  if (n <= 0)
    return;
  line = gd_last_line (buf, (size_t) n, &len);
  if (len)
    snprintf (out, outlen, "%.*s", (int) len, line);
}

#define OVERLAY_TIMEOUT_MS 60000

static void
vblk_overlay_path (const char *tmpdir, size_t i, char *out, size_t outlen)
{
  snprintf (out, outlen, "%s/disk%zu.qcow2", tmpdir, i);
}

/* --ro as libguestfs: each read-only disk gets a qcow2 overlay in the
 * temp dir (removed with it), backed by the image, which the daemon
 * then opens read-only.  The backing path is absolute: qemu resolves a
 * relative one from the overlay's directory.
 */
static int
vblk_make_overlays (const struct launch_config *cfg, const char *tmpdir)
{
  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    char ovl[300], *base;
    int r;

    if (!d->readonly)
      continue;
    base = realpath (d->path, NULL);
    if (!base) {
      gd_set_error_errno ("%s", d->path);
      return -1;
    }
    vblk_overlay_path (tmpdir, i, ovl, sizeof ovl);
    {
      const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2",
                             "-b", base, "-F", d->format, ovl, NULL };
      r = gd_run_step ((char *const *) argv, NULL, OVERLAY_TIMEOUT_MS,
                       "%s: overlay for --ro", d->path);
    }
    free (base);
    if (r == -1)
      return -1;
  }
  return 0;
}

/* A read-only disk: the image read-only under the overlay, which takes
 * the guest's writes (no flushes: it is thrown away).
 */
static int
vblk_overlay_args (const struct disk *d, const char *tmpdir, size_t i,
                   struct args *a)
{
  char ovl[300];
  int err = 0;

  vblk_overlay_path (tmpdir, i, ovl, sizeof ovl);
  err |= args_add (a, "--blockdev");
  err |= args_add (a, "driver=file,node-name=file%zu,filename=%s,read-only=on",
                   i, d->path);
  err |= args_add (a, "--blockdev");
  err |= args_add (a, "driver=%s,node-name=base%zu,file=file%zu,read-only=on",
                   d->format, i, i);
  err |= args_add (a, "--blockdev");
  err |= args_add (a, "driver=file,node-name=ovlfile%zu,filename=%s,"
                   "cache.no-flush=on", i, ovl);
  err |= args_add (a, "--blockdev");
  err |= args_add (a, "driver=qcow2,node-name=disk%zu,file=ovlfile%zu,"
                   "backing=base%zu", i, i, i);
  return err;
}

static int
vblk_build_args (const struct launch_config *cfg, const char *tmpdir,
                 struct args *a)
{
  int err = args_add (a, "%s", QSD_BINARY);

  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    const struct vblk_cache *c = vblk_cache_lookup (d->cache);
    char sock[300];

    uml_vblk_socket (tmpdir, i, sock, sizeof sock);
    if (d->readonly) {
      err |= vblk_overlay_args (d, tmpdir, i, a);
      err |= args_add (a, "--export");
      err |= args_add (a, "type=vhost-user-blk,id=export%zu,node-name=disk%zu,"
                       "addr.type=unix,addr.path=%s,writable=on,"
                       "writethrough=off", i, i, sock);
      continue;
    }
    err |= args_add (a, "--blockdev");
    err |= args_add (a, "driver=file,node-name=file%zu,filename=%s,"
                     "cache.direct=%s,cache.no-flush=%s,read-only=%s",
                     i, d->path, c->direct ? "on" : "off",
                     c->noflush ? "on" : "off", d->readonly ? "on" : "off");
    err |= args_add (a, "--blockdev");
    err |= args_add (a, "driver=%s,node-name=disk%zu,file=file%zu,"
                     "read-only=%s", d->format, i, i,
                     d->readonly ? "on" : "off");
    err |= args_add (a, "--export");
    err |= args_add (a, "type=vhost-user-blk,id=export%zu,node-name=disk%zu,"
                     "addr.type=unix,addr.path=%s,writable=%s,"
                     "writethrough=%s", i, i, sock,
                     d->readonly ? "off" : "on", c->writethrough ? "on" : "off");
  }
  return err;
}

static void
vblk_child_setup (void *arg)
{
  confine_child (*(const unsigned *) arg, gd_verbose);
}

int
uml_vblk_start (const char *tmpdir, const struct launch_config *cfg,
                int timeout_ms, struct gd_child *qsd)
{
  struct args a = { 0 };
  char **env = NULL;
  char log[300], why[512];
  unsigned confine_flags = confine_default_flags () & ~CONFINE_PIDNS;
  uint64_t deadline;
  int logfd, r;

  if (vblk_make_overlays (cfg, tmpdir) == -1)
    return -1;
  if (vblk_build_args (cfg, tmpdir, &a)) {
    gd_set_error_errno ("qemu-storage-daemon command line");
    args_free (&a);
    return -1;
  }
  snprintf (log, sizeof log, "%s/qsd.log", tmpdir);
  logfd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (logfd == -1) {
    gd_set_error_errno ("open %s", log);
    args_free (&a);
    return -1;
  }
  if (gd_verbose) {
    char *line = gd_argv_to_string (a.v);
    gd_debug ("launcher", "%s", line ? line : "(oom)");
    free (line);
  }
  if (disk_iocount_wanted ()) {
    env = disk_iocount_env (tmpdir, cfg->disks, cfg->ndisks);
    if (!env)
      gd_debug ("launcher", "qemu-storage-daemon: no host disk counters: %s",
                gd_get_error ());
  }
  {
    const struct gd_spawn sp = {
      .argv = a.v, .env_add = env, .out_fd = logfd,
      .flags = GD_SPAWN_OUT_FD | GD_SPAWN_IGNORE_SIGINT,
      .child_setup = vblk_child_setup, .setup_arg = &confine_flags,
    };
    r = gd_child_spawn (&sp, qsd);
  }
  close (logfd);
  args_free (&a);
  disk_env_free (env);
  if (r == -1) {
    gd_error_prefix ("qemu-storage-daemon (--uml-disk vhost-user) failed");
    return -1;
  }
  launcher_register_pgid (qsd->pid);

  /* Ready when every socket exists; a daemon that exits or a deadline
   * that passes is the error.
   */
  deadline = gd_now_ns () + (uint64_t) timeout_ms * 1000000;
  for (;;) {
    size_t ready = 0;
    for (size_t i = 0; i < cfg->ndisks; i++) {
      char sock[300];
      struct stat st;
      uml_vblk_socket (tmpdir, i, sock, sizeof sock);
      if (stat (sock, &st) == 0 && S_ISSOCK (st.st_mode))
        ready++;
    }
    if (ready == cfg->ndisks)
      break;
    if (hv_child_wait_quietly (qsd, 0) == 0) {
      launcher_unregister_pgid (qsd->pid);
      gd_child_kill (qsd, 0);
      qsd->pid = -1;
      vblk_log_tail (log, why, sizeof why);
      gd_set_error ("qemu-storage-daemon (--uml-disk vhost-user) failed: %s",
                    why);
      return -1;
    }
    if (gd_now_ns () > deadline) {
      vblk_log_tail (log, why, sizeof why);
      gd_set_error ("qemu-storage-daemon (--uml-disk vhost-user): sockets "
                    "not ready within %d ms (%s)", timeout_ms, why);
      return -1;
    }
    poll (NULL, 0, 10);
  }
  return 0;
}

/* SIGTERM first: the daemon then closes its block devices, writing
 * back qcow2 metadata it still caches (under --cache unsafe the guest
 * never flushes); SIGKILL after a deadline.
 */
void
uml_vblk_stop (struct gd_child *qsd, int timeout_ms)
{
  if (qsd->pid <= 0)
    return;
  if (!qsd->reaped) {
    kill (qsd->pid, SIGTERM);
    hv_child_wait_quietly (qsd, timeout_ms);
  }
  launcher_unregister_pgid (qsd->pid);
  /* SIGKILLs anything it left in its group; reaps it if still running. */
  gd_child_kill (qsd, 10000);
  qsd->pid = -1;
}
