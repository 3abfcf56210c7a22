/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The User-Mode Linux backend: builds the linux.uml command line, starts
 * it with one end of two socketpairs as UML serial lines, and hands back
 * the other ends as the channel.  See launcher/UML.md for the measurements.
 *
 * Boot: the supermin ext2 root straight from a UBD device (root=/dev/ubdN
 * init=/init, no initrd).  UML's kernel has ubd, ext2/ext4 and devtmpfs
 * built in, and the root holds /lib/modules/<uml version> for modprobe, so
 * supermin's mini-initrd (which only loads virtio modules UML has no use
 * for, then mounts the same root) is skipped.
 *
 * Disks: user disk i is ubd<i> (/dev/ubda is the first -a disk, which
 * guestfsd shows as /dev/sda); the appliance root comes last, as a COW
 * file of ours in the run's temp dir over the read-only cached root.
 *
 * Cache modes (UBD in Debian's 6.1 linux.uml: no O_DIRECT; the source
 * turns a guest flush (REQ_OP_FLUSH) into fsync() of the image, but strace
 * saw none: see UML.md; the 's' flag opens the image O_SYNC, checked):
 *
 *   --cache        ubd flag   host page cache   guest flush -> host
 *   writeback      (none)     yes               fsync
 *   writethrough   s          yes (O_SYNC)      fsync (every write is
 *                                               already durable)
 *   unsafe         (none)     yes               none: the init switches the
 *                                               disk's queue to "write
 *                                               through", so the guest never
 *                                               sends a flush
 *   none           refused: UBD cannot bypass the host page cache
 *   directsync     refused: same reason (writethrough is the nearest)
 *
 * --uml-disk vhost-user instead: qemu-storage-daemon exports each -a disk
 * (any format, every cache mode: uml-vhost-blk.c) and UML is the front
 * end (virtio_uml.device=blkN.sock:2); the user disks are vda.. in -a
 * order, the root is ubda, and the init turns "write back" on for the
 * disks whose cache mode wants the guest's flushes.
 *
 * Channel: two serial lines on socketpairs (the guest ends kept at the
 * same numbers in the child by hv_spawn): ssl1=fd:K carries the data both
 * ways, ssl2=fd:L carries the guest relay's acknowledgements back
 * (guestfs_channel=/dev/ttyS1 guestdrv.ack=/dev/ttyS2; the init runs
 * guestdrv-relay, which makes both raw and starts guestfsd --channel
 * fd:3).  The host keeps at most SERIAL_WINDOW_BYTES unacknowledged, so
 * the guest tty never throttles the line: Debian's 6.1 never reads a
 * throttled line again (common/serial-window.h, UML.md).  --uml-window
 * off gives the bare line (guestfsd on /dev/ttyS1) for fixed kernels.
 * No termios on the host side (sockets).  Console: con0 writes to fd 1,
 * the launcher's console pipe.
 *
 * --uml-channel virtio instead: UML is the vhost-user front end of a
 * virtio-console device that a thread of ours serves on vcon.sock in the
 * run's temp dir (virtio_uml.device=PATH:3, vhost/virtio-console.c);
 * guestfsd opens /dev/virtio-ports/org.libguestfs.channel.0 as under
 * qemu, and no serial line carries data.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "cmdline.h"
#include "uml-xstate.h"
#include "uml-cpu.h"
#include "uml-vhost-blk.h"
#include "gdb.h"
#include "../common/serial-window.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../trace/trace.h"

/* UML's ubd driver has 16 units; the appliance root takes one. */
#define UML_MAX_DISKS 15
#define TMPFS_MAGIC_NR 0x01021994
/* UML's part of the hv (hv->priv). */
struct uml_state {
  int listen_fd;                  /* --uml-channel virtio: vcon.sock */
  struct gd_child qsd;            /* --uml-disk vhost-user: the daemon */
};

/* After the hypervisor's reap: the storage daemon goes last, as it
 * serves UML's disks.
 */
static void
uml_free (void *priv)
{
  struct uml_state *u = priv;

  uml_vblk_stop (&u->qsd, 5000);
  if (u->listen_fd >= 0)
    close (u->listen_fd);
  free (u);
}

static pid_t
uml_helper_pid (const void *priv)
{
  const struct gd_child *qsd = &((const struct uml_state *) priv)->qsd;

  return qsd->reaped ? -1 : qsd->pid;
}

/* UML splits a ubd spec at ',' and ':' and the kernel command line at
 * white space: such paths cannot be passed at all.
 */
static int
uml_path_ok (const char *what, const char *path)
{
  if (strpbrk (path, ",: \t\n\"")) {
    gd_set_error ("%s: UML cannot use a path containing ',', ':', quotes or "
                  "white space: use a symlink without them", path);
    (void) what;
    return 0;
  }
  return 1;
}

static int
uml_check (const struct launch_config *cfg)
{
  struct uml_settings us = { 0 };

  if (backend_settings_read (&uml_backend_ops, cfg, &us) == -1)
    return -1;
  if (cfg->ndisks > UML_MAX_DISKS) {
    gd_set_error ("--backend uml: at most %d disks (UML has 16 ubd units, "
                  "one is the appliance)", UML_MAX_DISKS);
    return -1;
  }
  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    const struct uml_cache *c = uml_cache_lookup (d->cache);

    if (us.vhost_user) {
      if (uml_vblk_check_disk (d) == -1 || !uml_path_ok ("disk", d->path))
        return -1;
      continue;
    }
    if (strcmp (d->format, "raw") != 0) {
      gd_set_error ("%s: UML has no %s support: convert with "
                    "qemu-img convert -O raw", d->path, d->format);
      return -1;
    }
    if (!c) {
      char modes[128];

      uml_cache_list (modes, sizeof modes);
      gd_set_error ("%s: unknown cache mode '%s' (%s with --backend uml)",
                    d->path, d->cache, modes);
      return -1;
    }
    if (!c->flags) {
      gd_set_error ("%s: --cache %s: %s", d->path, d->cache, c->why);
      return -1;
    }
    if (!uml_path_ok ("disk", d->path))
      return -1;
  }
  return 0;
}

/* UML backs guest RAM with a file in $TMPDIR (unlinked at once, so nothing
 * is left behind).  On a disk file system the host would write guest
 * memory back to disk: prefer /dev/shm when it is a tmpfs.
 */
static const char *
uml_memory_dir (const struct hv *hv)
{
  struct statfs sf;

  if (statfs ("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC_NR &&
      access ("/dev/shm", W_OK | X_OK) == 0)
    return "/dev/shm";
  return hv->tmpdir;
}

/* UML forks helpers that do not die with it: PR_SET_PDEATHSIG only covers
 * the main process, and helpers outlived a SIGKILLed UML (holding the
 * disk images' locks).  A watchdog in UML's process group waits for EOF on
 * a pipe whose write end only we hold, i.e. for our death, however it
 * happens, and then kills the whole group.  It is double-forked so that
 * nobody has to reap it; killing the group ends it too.
 */
static int
uml_start_watchdog (pid_t pgid)
{
  int p[2];
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    return -1;
  }
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("fork");
    close (p[0]); close (p[1]);
    return -1;
  }
  if (pid == 0) {
    /* Only async-signal-safe calls from here: we may be multithreaded. */
    if (fork () != 0)
      _exit (0);
    char c;
    sigset_t all;
    sigemptyset (&all);
    sigprocmask (SIG_SETMASK, &all, NULL);
    signal (SIGINT, SIG_IGN);
    /* Hold nothing of ours open: above all not the channel, or UML would
     * never see EOF on its serial line.
     */
    if (p[0] != 3 && dup2 (p[0], 3) == -1)
      _exit (1);
    int nullfd = open ("/dev/null", O_RDWR);
    if (nullfd >= 0) {
      dup2 (nullfd, 0); dup2 (nullfd, 1); dup2 (nullfd, 2);
    }
    close_range (4, ~0U, 0);
    if (setpgid (0, pgid) == -1)
      _exit (1);
    while (read (3, &c, 1) == -1 && errno == EINTR)
      ;
    kill (-pgid, SIGKILL);
    _exit (0);
  }
  close (p[0]);
  while (waitpid (pid, NULL, 0) == -1 && errno == EINTR)
    ;
  /* The write end stays open (close-on-exec) until we exit. */
  return 0;
}

static struct hv *
uml_start (const struct launch_config *cfg, const struct appliance_files *app)
{
  struct hv *hv = hv_alloc (cfg->backend, &uml_backend_ops);
  struct uml_state *u;
  struct args a = { 0 };
  char env_tmp[300];
  char *env[] = { env_tmp, NULL };
  /* Two lines: [0] data (ttyS1, both ways), [1] acks (ttyS2, guest to
   * host).  host[i] is ours, guest[i] goes to UML.
   */
  int host[2] = { -1, -1 }, guest[2] = { -1, -1 }, err = 0;
  struct uml_settings us = { 0 };
  bool virtio, vblk;
  size_t nlines;
  char vsock[300];
  uint64_t t0 = gd_now_ns ();
  size_t i;
  const char *kernel = cfg->kernel_override ? cfg->kernel_override : UML_BINARY;

  if (!hv)
    return NULL;
  if (backend_settings_read (&uml_backend_ops, cfg, &us) == -1) {
    hv_free (hv);
    return NULL;
  }
  virtio = !us.serial;
  vblk = us.vhost_user && cfg->ndisks > 0;
  nlines = virtio ? 0 : us.raw_line ? 1 : 2;
  u = hv->priv = calloc (1, sizeof *u);
  if (!u) {
    gd_set_error_errno ("calloc");
    goto fail;
  }
  u->listen_fd = -1;
  u->qsd.pid = -1;
  u->qsd.out_fd = -1;
  u->qsd.pidfd = -1;
  if (!uml_path_ok ("appliance root", app->root) ||
      !uml_path_ok ("temp dir", hv->tmpdir))
    goto fail;
  snprintf (vsock, sizeof vsock, "%s/vcon.sock", hv->tmpdir);
  if (virtio) {
    /* Listening before UML starts: it connects while it boots. */
    u->listen_fd = channel_listen_unix (vsock);
    if (u->listen_fd == -1)
      goto fail;
  }
  if (vblk && uml_vblk_start (hv->tmpdir, cfg, cfg->launch_timeout_ms,
                               &u->qsd) == -1)
    goto fail;
  for (i = 0; i < nlines; i++) {
    int sv[2];

    if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
      gd_set_error_errno ("socketpair");
      goto fail;
    }
    host[i] = sv[0];
    /* The guest's end is named on UML's command line (sslN=fd:K): give
     * it a number above stdio, which hv_spawn rewires in the child.
     */
    guest[i] = fcntl (sv[1], F_DUPFD_CLOEXEC, 3);
    close (sv[1]);
    if (guest[i] == -1) {
      gd_set_error_errno ("fcntl F_DUPFD");
      goto fail;
    }
  }

  {
    /* Debian's kernel only: a --kernel of our own handles the host's
     * xstate itself (kernel/README.md) and may not keep the FXSAVE path.
     */
    bool fxsr = strcmp (kernel, UML_BINARY) == 0 && uml_xstate_needs_fxsr ();
    const struct uml_paths paths = {
      .kernel = kernel, .umid_pid = (int) getpid (), .tmpdir = hv->tmpdir,
      .virtio = virtio, .vcon_sock = vsock, .nlines = nlines,
      .guest_fd = { guest[0], guest[1] }, .vblk = vblk,
      .xstate_tunables = fxsr, .verbose = gd_verbose,
    };
    hv->child_setup = fxsr ? uml_cpu_child_pin_fxsr : uml_cpu_child_pin;
    err = uml_build_argv (cfg, app, &paths, &a);
  }
  if (err) {
    gd_set_error_errno ("UML command line");
    goto fail;
  }
  if (cfg->vcpus > 1)
    gd_debug ("launcher", "uml: one vCPU only (UML is uniprocessor)");

  hv->cmdline = gd_argv_to_string (a.v);
  hv->stats.t_cmdline_ns = gd_now_ns () - t0;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "build-cmdline", t0, gd_now_ns (), NULL);
  gd_debug ("launcher", "%s", hv->cmdline ? hv->cmdline : "(oom)");

  snprintf (env_tmp, sizeof env_tmp, "TMPDIR=%s", uml_memory_dir (hv));
  if (hv_spawn (hv, cfg, a.v, guest, nlines, env) == -1)
    goto fail;
  gdb_announce (cfg, hv, kernel);
  for (i = 0; i < nlines; i++) {
    close (guest[i]);
    guest[i] = -1;
  }
  args_free (&a);
  a = (struct args) { 0 };

  if (uml_start_watchdog (hv->proc.pid) == -1)
    goto fail;
  if (virtio) {
    hv->ch = channel_vhost_user_console (u->listen_fd, hv->proc.pidfd,
                                         cfg->launch_timeout_ms, "uml-virtio");
    if (!hv->ch)
      goto fail;
    return hv;
  }
  hv->ch = channel_from_fds (host[0], host[0], "uml-serial");
  host[0] = -1;                 /* owned by the channel, even on error */
  if (!hv->ch)
    goto fail;
  if (nlines == 2) {
    err = channel_set_window (hv->ch, host[1], SERIAL_WINDOW_UNIT,
                              SERIAL_WINDOW_BYTES);
    host[1] = -1;               /* same */
    if (err == -1)
      goto fail;
  }
  else
    gd_debug ("launcher", "uml: bare serial line (--uml-window off): "
              "Debian's 6.1 stops reading it after a burst over 4 KiB");
  return hv;

 fail:
  args_free (&a);
  for (i = 0; i < 2; i++) {
    if (guest[i] >= 0)
      close (guest[i]);
    if (host[i] >= 0)
      close (host[i]);
  }
  hv_free (hv);
  return NULL;
}

/* Debian's linux.uml 6.1 restores each process's FP state through a
 * buffer of the XSAVE size of an AVX-512 host; a host with AMX wants a
 * larger one, every restore fails with EFAULT and init dies at once.
 */
static const char *
uml_explain (const char *console)
{
  if (strstr (console, "ptrace set fp regs failed"))
    return "this UML kernel cannot run processes on this host (its FP-state "
      "buffer is smaller than the host's XSAVE area, e.g. AMX): build one "
      "that can with 'make uml-kernel' (kernel/README.md) and pass it with "
      "--kernel";
  return NULL;
}

const struct backend_ops uml_backend_ops = {
  .name = "uml",
  .check = uml_check,
  .start = uml_start,
  .explain = uml_explain,
  .free = uml_free,
  .helper_pid = uml_helper_pid,
  .settings = uml_settings_table,
  .config = uml_config,
};
