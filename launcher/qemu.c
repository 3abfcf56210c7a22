/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qemu backend (KVM or TCG): builds the qemu command line, starts it,
 * and accepts its virtio-serial connection.
 *
 * Disks are virtio-scsi (/dev/sda, /dev/sdb, ... in -a order), each with
 * an explicit format= and cache=; the appliance root comes last, as a
 * snapshot=on drive so that no run ever writes to the cached root.  The
 * channel is the virtio-serial port org.libguestfs.channel.0 on a Unix
 * socket in the run's temp dir; QMP is on another one (disk counters).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "cmdline.h"
#include "gdb.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../trace/trace.h"

#define CONNECT_TIMEOUT_MS 30000

/* qemu's part of the hv (hv->priv). */
struct qemu_state {
  int listen_fd;                  /* the channel socket, until accepted */
  char qmp_path[300];             /* QMP socket, for disk counters */
};

static void
qemu_free (void *priv)
{
  struct qemu_state *q = priv;

  if (q->listen_fd >= 0)
    close (q->listen_fd);
  free (q);
}

static const char *
qemu_qmp_path (const void *priv)
{
  return ((const struct qemu_state *) priv)->qmp_path;
}

static int
qemu_check (const struct launch_config *cfg)
{
  struct qemu_paths settings = { 0 };
  char modes[128];

  if (backend_settings_read (&qemu_backend_ops, cfg, &settings) == -1)
    return -1;
  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    if (strcmp (d->format, "raw") != 0 && strcmp (d->format, "qcow2") != 0) {
      gd_set_error ("%s: unknown format '%s' (raw or qcow2)", d->path, d->format);
      return -1;
    }
    if (!disk_cache_lookup (d->cache)) {
      disk_cache_list (modes, sizeof modes, ", ");
      gd_set_error ("%s: unknown cache mode '%s' (%s)", d->path, d->cache,
                    modes);
      return -1;
    }
  }
  return 0;
}

/* The ext2 UUID of the appliance root, for root=UUID= (supermin's mini
 * initrd mounts the root by UUID).  The superblock is at 1024, s_uuid at
 * offset 104 in it.
 */
static int
root_uuid (const char *root, char *out, size_t outlen)
{
  unsigned char u[16];
  int fd = open (root, O_RDONLY | O_CLOEXEC);

  if (fd == -1 || pread (fd, u, 16, 1024 + 104) != 16) {
    gd_set_error_errno ("appliance root %s", root);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  close (fd);
  snprintf (out, outlen,
            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
            u[10], u[11], u[12], u[13], u[14], u[15]);
  return 0;
}

static struct hv *
qemu_start (const struct launch_config *cfg, const struct appliance_files *app)
{
  struct hv *hv = hv_alloc (cfg->backend, &qemu_backend_ops);
  struct qemu_state *q;
  struct args a = { 0 };
  char sock[300], uuid[40];
  uint64_t t0 = gd_now_ns ();
  int err = 0;

  if (!hv)
    return NULL;
  q = hv->priv = calloc (1, sizeof *q);
  if (!q) {
    gd_set_error_errno ("calloc");
    goto fail;
  }
  q->listen_fd = -1;
  snprintf (sock, sizeof sock, "%s/guestfsd.sock", hv->tmpdir);
  snprintf (q->qmp_path, sizeof q->qmp_path, "%s/qmp.sock", hv->tmpdir);
  if (root_uuid (app->root, uuid, sizeof uuid) == -1)
    goto fail;
  q->listen_fd = channel_listen_unix (sock);
  if (q->listen_fd == -1)
    goto fail;

  {
    struct qemu_paths paths = {
      .binary = qemu_binary (), .tmpdir = hv->tmpdir, .channel_sock = sock,
      .qmp_sock = q->qmp_path, .root_uuid = uuid, .verbose = gd_verbose,
    };
    if (backend_settings_read (&qemu_backend_ops, cfg, &paths) == -1)
      goto fail;
    err = qemu_build_argv (cfg, app, &paths, &a);
  }
  if (err)
    goto fail_oom;

  hv->cmdline = gd_argv_to_string (a.v);
  hv->stats.t_cmdline_ns = gd_now_ns () - t0;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "build-cmdline", t0, gd_now_ns (), NULL);
  gd_debug ("launcher", "%s", hv->cmdline ? hv->cmdline : "(oom)");

  {
    /* snapshot=on puts its overlay in $TMPDIR: keep it in our temp dir. */
    char env_tmp[300];
    char *env[] = { env_tmp, NULL };
    snprintf (env_tmp, sizeof env_tmp, "TMPDIR=%s", hv->tmpdir);
    if (hv_spawn (hv, cfg, a.v, NULL, 0, env) == -1)
      goto fail;
  }
  gdb_announce (cfg, hv, NULL);
  args_free (&a);
  a = (struct args) { 0 };

  hv->ch = channel_accept_unix (q->listen_fd, CONNECT_TIMEOUT_MS, hv->proc.pidfd, "virtio-serial");
  if (!hv->ch) {
    char msg[2048], last[1024];
    usleep (100000);
    /* qemu's own complaint is its last line. */
    hv_console_last_line (hv, last, sizeof last);
    snprintf (msg, sizeof msg, "qemu: %s%s%s", gd_get_error (),
              last[0] ? ": " : "", last);
    gd_set_error ("%s", msg);
    goto fail;
  }
  close (q->listen_fd);
  q->listen_fd = -1;
  return hv;

 fail_oom:
  gd_set_error_errno ("qemu command line");
 fail:
  args_free (&a);
  hv_free (hv);
  return NULL;
}

const struct backend_ops qemu_backend_ops = {
  .name = "qemu",
  .check = qemu_check,
  .start = qemu_start,
  .free = qemu_free,
  .qmp_path = qemu_qmp_path,
  .settings = qemu_settings_table,
  .config = qemu_config,
};
