/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launcher's front: resolve the backend (the bounded KVM probe, the
 * remembered KVM verdict), check the disks, start through the backend's
 * ops, wait for a sign of life and the launch flag, fall back from KVM
 * to TCG under auto.  The process itself is hv-process.c's, the console
 * console.c's.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../trace/trace.h"

#define KVM_PROBE_TIMEOUT_MS 3000

int
launcher_check_disk (const struct disk *d)
{
  int fd = open (d->path, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  unsigned char magic[4];
  int is_qcow2;

  if (fd == -1) {
    gd_set_error_errno ("%s", d->path);
    return -1;
  }
  is_qcow2 = pread (fd, magic, 4, 0) == 4 && memcmp (magic, "QFI\xfb", 4) == 0;
  close (fd);
  if (strcmp (d->format, "qcow2") == 0 && !is_qcow2) {
    gd_set_error ("%s: --format qcow2 but the file is not a qcow2 image "
                  "(use --format raw)", d->path);
    return -1;
  }
  if (strcmp (d->format, "raw") == 0 && is_qcow2) {
    gd_set_error ("%s: --format raw but the file is a qcow2 image "
                  "(use --format qcow2)", d->path);
    return -1;
  }
  return 0;
}

static int
resolve_backend (struct launch_config *cfg)
{
  char why[256], path[4096];
  uint64_t t0;
  int ok;

  if (cfg->backend != BACKEND_AUTO && cfg->backend != BACKEND_KVM)
    return 0;
  /* A KVM launch that failed here before (same host kernel and boot,
   * qemu and CPU) fails again: do not pay the attempt twice.
   */
  if (kvm_verdict_load (cfg->state_dir, why, sizeof why, path, sizeof path)) {
    if (cfg->backend == BACKEND_KVM) {
      gd_set_error ("--backend kvm: KVM failed to boot the appliance on this "
                    "host before: %s (remembered in %s: remove it to try "
                    "again); use --backend tcg", why, path);
      return -1;
    }
    cfg->backend = BACKEND_TCG;
    gd_debug ("launcher", "backend auto: KVM failed here before: %s "
              "(remembered in %s): using TCG", why, path);
    return 0;
  }
  t0 = gd_now_ns ();
  ok = kvm_probe (KVM_PROBE_TIMEOUT_MS, why, sizeof why);
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "kvm-probe", t0, gd_now_ns (), NULL);
  if (cfg->backend == BACKEND_KVM) {
    if (!ok) {
      gd_set_error ("--backend kvm: KVM is not usable: %s; use --backend tcg", why);
      return -1;
    }
    gd_debug ("launcher", "kvm probe: %s", why);
    return 0;
  }
  cfg->backend = ok ? BACKEND_KVM : BACKEND_TCG;
  cfg->backend_from_auto = ok;
  gd_debug ("launcher", "backend auto: %s: using %s", why,
            ok ? "KVM (TCG if the KVM launch fails)" : "TCG");
  return 0;
}

int
launcher_prepare (struct launch_config *cfg)
{
  const struct backend *b;

  if (resolve_backend (cfg) == -1)
    return -1;
  for (size_t i = 0; i < cfg->ndisks; i++)
    if (launcher_check_disk (&cfg->disks[i]) == -1)
      return -1;
  b = backend_of_kind (cfg->backend);
  if (!b || !b->ops) {
    gd_set_error ("internal error: backend %d cannot start", (int) cfg->backend);
    return -1;
  }
  return b->ops->check (cfg);
}

/* Under KVM a working kernel prints its first stage mark within a
 * second or two of exec; a host that cannot run it either makes qemu
 * exit (kvm_buf_set_msrs assertion) or leaves the guest spinning without
 * a word (firmware output does not count).  Wait that long at most for
 * a line from the kernel or the init.  GUESTDRV_KVM_LIFE_TIMEOUT (s)
 * overrides it.
 */
#define KVM_LIFE_TIMEOUT_MS 10000

static int
kvm_life_timeout_ms (void)
{
  const char *e = getenv ("GUESTDRV_KVM_LIFE_TIMEOUT");
  char *end;
  double s;

  if (!e || !*e)
    return KVM_LIFE_TIMEOUT_MS;
  s = strtod (e, &end);
  if (*end || !(s > 0 && s <= 600))
    return KVM_LIFE_TIMEOUT_MS;
  return (int) (s * 1000);
}

/* 0 once the guest kernel or init has said something, -1 with the
 * error set if the hypervisor exited or stayed silent for LIFE_MS.
 */
static int
wait_sign_of_life (struct hv *hv, int life_ms)
{
  uint64_t deadline = hv->stats.t_exec_ns + (uint64_t) life_ms * 1000000;

  for (;;) {
    struct pollfd p = { .fd = hv->proc.pidfd, .events = POLLIN };
    uint64_t life;
    life = hv_console_life_ns (hv);
    if (life) {
      gd_debug ("launcher", "first line from the guest kernel %.3f s after exec",
                (life - hv->stats.t_exec_ns) / 1e9);
      return 0;
    }
    if (hv->proc.pidfd >= 0 && poll (&p, 1, 0) == 1) {
      gd_set_error ("the hypervisor exited during boot");
      return -1;
    }
    if (gd_now_ns () >= deadline) {
      gd_set_error ("no sign of life from the guest kernel within %.1f s "
                    "under KVM (the probe's vCPU ran, this kernel did not)", life_ms / 1e3);
      return -1;
    }
    if (hv->proc.pidfd >= 0)
      poll (&p, 1, 20);
    else
      usleep (20000);
  }
}

/* One launch on CFG's backend, up to the launch flag. */
static struct hv *
launch_once (struct launch_config *cfg, const struct appliance_files *app)
{
  const struct backend_ops *ops = backend_of_kind (cfg->backend)->ops;
  struct hv *hv;
  int r;

  hv = ops->start (cfg, app);
  if (!hv)
    return NULL;
  channel_set_watch_fd (hv->ch, hv->proc.pidfd);
  r = cfg->backend == BACKEND_KVM ? wait_sign_of_life (hv, kvm_life_timeout_ms ()) : 0;
  if (r == 0)
    r = channel_wait_launch_flag (hv->ch, cfg->launch_timeout_ms);
  if (r == -1) {
    char last[512];
    const char *hint;
    int err = errno;
    /* Let the console thread catch up on what the guest said last. */
    usleep (100000);
    hv_console_last_line (hv, last, sizeof last);
    gd_error_prefix ("%s: the appliance did not start", ops->name);
    if (ops->explain && (hint = ops->explain (hv_console_tail (hv))) != NULL) {
      char msg[2048];
      snprintf (msg, sizeof msg, "%s: %s", gd_get_error (), hint);
      gd_set_error ("%s", msg);
    }
    else if (last[0]) {
      char msg[1024];
      snprintf (msg, sizeof msg, "%s (last console line: %s)", gd_get_error (), last);
      gd_set_error ("%s", msg);
    }
    hv_free (hv);
    errno = err;
    return NULL;
  }
  hv->stats.t_launch_flag_ns = gd_now_ns ();
  channel_set_timeout (hv->ch, cfg->idle_timeout_ms);
  if (trace_on (TL_DAEMON))
    trace_instant (TL_DAEMON, "launch-flag", hv->stats.t_launch_flag_ns, NULL);
  gd_debug ("launcher", "launch flag received %.3f s after exec",
            (hv->stats.t_launch_flag_ns - hv->stats.t_exec_ns) / 1e9);
  return hv;
}

struct hv *
launcher_launch (struct launch_config *cfg, const struct appliance_files *app)
{
  struct hv *hv;
  uint64_t t0 = gd_now_ns ();

  if (cfg->backend == BACKEND_AUTO) {
    gd_set_error ("internal error: launcher_prepare was not called");
    return NULL;
  }
  hv = launch_once (cfg, app);
  if (hv || cfg->backend != BACKEND_KVM)
    return hv;
  /* KVM ran the probe's vCPU but could not boot the appliance: remember
   * it, and under auto boot the same appliance on TCG now.
   */
  kvm_verdict_save (cfg->state_dir, gd_get_error ());
  if (!cfg->backend_from_auto)
    return NULL;
  gd_debug ("launcher", "backend auto: the KVM launch failed after %.3f s: %s; "
            "falling back to TCG", (gd_now_ns () - t0) / 1e9, gd_get_error ());
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "kvm-attempt", t0, gd_now_ns (), NULL);
  cfg->backend = BACKEND_TCG;
  cfg->backend_from_auto = false;
  return launch_once (cfg, app);
}

struct channel *hv_channel (struct hv *hv) { return hv->ch; }
enum backend_kind hv_backend (const struct hv *hv) { return hv->backend; }
pid_t hv_pid (const struct hv *hv) { return hv->proc.pid; }
pid_t hv_helper_pid (const struct hv *hv) { return hv->priv && hv->ops->helper_pid ? hv->ops->helper_pid (hv->priv) : -1; }
const char *hv_tmpdir (const struct hv *hv) { return hv->tmpdir; }
const char *hv_qmp_path (const struct hv *hv) { return hv->priv && hv->ops->qmp_path ? hv->ops->qmp_path (hv->priv) : ""; }
const struct hv_stats *hv_get_stats (const struct hv *hv) { return &hv->stats; }

