/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor process: its run directory, its start (own process
 * group, dies with us, confined if it is UML, the disk layer's counter
 * in its environment when wanted), its bounded reap, and the signal
 * handler's list of process groups to kill.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "launcher-internal.h"
#include "confine.h"
#include "reaper.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../common/tmpdir.h"
#include "../disk/disk.h"
#include "../trace/trace.h"

/* Process groups to kill from a signal handler. */
#define MAX_RUNNING 16
static volatile pid_t running[MAX_RUNNING];

static void
register_running (pid_t pid)
{
  for (int i = 0; i < MAX_RUNNING; i++)
    if (running[i] == 0) {
      running[i] = pid;
      return;
    }
}

static void
unregister_running (pid_t pid)
{
  for (int i = 0; i < MAX_RUNNING; i++)
    if (running[i] == pid)
      running[i] = 0;
}

void
launcher_register_pgid (pid_t pgid)
{
  register_running (pgid);
}

void
launcher_unregister_pgid (pid_t pgid)
{
  unregister_running (pgid);
}

void
launcher_kill_all_from_signal (void)
{
  for (int i = 0; i < MAX_RUNNING; i++)
    if (running[i] > 0)
      kill (-running[i], SIGKILL);
}

struct hv *
hv_alloc (enum backend_kind backend, const struct backend_ops *ops)
{
  struct hv *hv = calloc (1, sizeof *hv);

  if (!hv) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  if (gd_tmpdir_make ("guestdrv", hv->tmpdir, sizeof hv->tmpdir) == -1) {
    free (hv);
    return NULL;
  }
  hv->backend = backend;
  hv->ops = ops;
  hv->proc.pid = -1;
  hv->proc.pidfd = -1;
  hv->proc.out_fd = -1;
  hv->console_fd = -1;
  hv->reaper_fd = -1;
  hv->reaper_gone_fd = -1;
  pthread_mutex_init (&hv->lock, NULL);
  return hv;
}

/* ENV_ADD followed by the disk layer's counter for CFG's disks, when
 * that is wanted: a new vector in *MERGED (its strings in *IOCOUNT), or
 * ENV_ADD itself.
 */
static char *const *
spawn_env (struct hv *hv, const struct launch_config *cfg,
           char *const env_add[], char ***merged, char ***iocount)
{
  size_t n = 0, k = 0;

  *merged = *iocount = NULL;
  if (likely (!disk_iocount_wanted ()))
    return env_add;
  *iocount = disk_iocount_env (hv->tmpdir, cfg->disks, cfg->ndisks);
  if (!*iocount) {
    gd_debug ("launcher", "no host disk counters: %s", gd_get_error ());
    if (trace_on (TL_DISK))
      trace_summary_str (TL_DISK, "iocount_error", gd_get_error ());
    return env_add;
  }
  for (; env_add && env_add[n]; n++)
    ;
  for (size_t i = 0; (*iocount)[i]; i++)
    n++;
  *merged = calloc (n + 1, sizeof **merged);
  if (!*merged)
    return env_add;
  for (size_t i = 0; env_add && env_add[i]; i++)
    (*merged)[k++] = env_add[i];
  for (size_t i = 0; (*iocount)[i]; i++)
    (*merged)[k++] = (*iocount)[i];
  return *merged;
}

struct child_setup {
  bool confine;                   /* UML: qemu confines itself (-sandbox) */
  unsigned confine_flags;
  void (*extra) (void);
};

static void
child_setup (void *arg)
{
  const struct child_setup *c = arg;

  if (c->confine)
    confine_child (c->confine_flags, gd_verbose);
  if (c->extra)
    c->extra ();
}

int
hv_spawn (struct hv *hv, const struct launch_config *cfg, char *const argv[],
          const int *keep_fds, size_t nkeep, char *const env_add[])
{
  char **iocount = NULL, **merged = NULL;
  struct child_setup setup = {
    .confine = hv->backend == BACKEND_UML,
    .confine_flags = confine_default_flags (),
    .extra = hv->child_setup,
  };
  struct gd_spawn sp = {
    .argv = argv, .keep_fds = keep_fds, .nkeep = nkeep,
    /* Ctrl-C is ours to handle, not the hypervisor's. */
    .flags = GD_SPAWN_OUT_PIPE | GD_SPAWN_IGNORE_SIGINT,
    .child_setup = child_setup, .setup_arg = &setup,
  };
  int r;

  hv->hooks = cfg->hooks;
  sp.env_add = spawn_env (hv, cfg, env_add, &merged, &iocount);
  /* --gdb attaches to the hypervisor by its pid: no supervisor between. */
  if (cfg->gdb)
    setup.confine_flags &= ~CONFINE_PIDNS;
  r = gd_child_spawn (&sp, &hv->proc);
  free (merged);
  disk_env_free (iocount);
  if (r == -1) {
    gd_error_prefix ("%s: exec", hv->ops->name);
    return -1;
  }
  hv->stats.t_fork_ns = hv->proc.t_fork_ns;
  hv->stats.t_exec_ns = gd_now_ns ();
  hv->reaper_fd = reaper_start (hv->proc.pid, hv->tmpdir, &hv->reaper_gone_fd);
  if (hv->reaper_fd == -1)
    gd_debug ("launcher", "no reaper (nothing cleans up if guestdrv is "
              "killed): %s", gd_get_error ());
  register_running (hv->proc.pid);
  /* The console thread owns the pipe from here. */
  if (hv_console_start (hv, hv->proc.out_fd) == -1)
    gd_debug ("launcher", "no console reader thread");
  hv->proc.out_fd = -1;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "fork-exec", hv->stats.t_fork_ns,
                    hv->stats.t_exec_ns, NULL);
  return 0;
}

int
hv_child_wait_quietly (struct gd_child *c, int timeout_ms)
{
  int saved_errno = errno, r;
  char *saved;

  if (c->pid <= 0 || c->reaped)
    return 0;
  saved = strdup (gd_get_error ());
  r = gd_child_wait (c, timeout_ms, NULL);
  if (r == -1) {
    /* gd_get_error's text for an empty slot stays an empty slot. */
    if (!saved || strcmp (saved, "unknown error") == 0)
      gd_clear_error ();
    else
      gd_set_error ("%s", saved);
    errno = saved_errno;
  }
  free (saved);
  return r;
}

/* Wait (bounded) for the hypervisor's exit; its figures into the stats
 * and the launcher's observer told.  0, or -1 if it still runs.
 */
static int
reap (struct hv *hv, int timeout_ms)
{
  const struct rusage *ru = &hv->proc.rusage;

  if (hv->proc.pid <= 0 || hv->proc.reaped)
    return 0;
  if (hv_child_wait_quietly (&hv->proc, timeout_ms) == -1)
    return -1;
  hv->stats.exit_status = hv->proc.status;
  hv->stats.user_s = ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6;
  hv->stats.sys_s = ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
  hv->stats.maxrss_kb = ru->ru_maxrss;
  unregister_running (hv->proc.pid);
  if (hv->hooks && hv->hooks->hv_exit)
    hv->hooks->hv_exit (hv->hooks->opaque, hv);
  return 0;
}

void
hv_free (struct hv *hv)
{
  if (!hv)
    return;
  if (hv->ch)
    channel_close (hv->ch);
  if (hv->proc.pid > 0 && !hv->proc.reaped) {
    kill (-hv->proc.pid, SIGKILL);
    reap (hv, 10000);
  }
  if (hv->priv)
    hv->ops->free (hv->priv);
  hv_console_stop (hv);
  gd_child_kill (&hv->proc, 0);         /* closes the pidfd */
  if (gd_tree_remove (hv->tmpdir) == -1)
    gd_debug ("launcher", "%s", gd_get_error ());
  reaper_stop (hv->reaper_fd, hv->reaper_gone_fd);
  pthread_mutex_destroy (&hv->lock);
  free (hv->cmdline);
  free (hv);
}

int
hv_shutdown (struct hv *hv, int timeout_ms)
{
  int r;
  uint64_t t0 = gd_now_ns ();

  /* EOF on the channel makes guestfsd exit; /init then syncs and reboots
   * (qemu: -no-reboot exits) or halts (UML).  Give that a bounded time,
   * then terminate, then kill the whole group.
   */
  if (hv->ch) {
    channel_close (hv->ch);
    hv->ch = NULL;
  }
  r = reap (hv, timeout_ms);
  if (r == -1) {
    gd_debug ("launcher", "%s did not exit within %d ms: SIGTERM",
              hv->ops->name, timeout_ms);
    kill (hv->proc.pid, SIGTERM);
    if (reap (hv, 3000) == -1) {
      kill (-hv->proc.pid, SIGKILL);
      reap (hv, 10000);
    }
  }
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "shutdown", t0, gd_now_ns (), NULL);
  r = (r == 0 && WIFEXITED (hv->stats.exit_status) &&
       WEXITSTATUS (hv->stats.exit_status) == 0) ? 0 : -1;
  hv_free (hv);
  return r;
}

void
hv_kill (struct hv *hv)
{
  if (hv && hv->proc.pid > 0 && !hv->proc.reaped)
    kill (-hv->proc.pid, SIGKILL);
  hv_free (hv);
}
