/* Generic launcher: backend choice (with the bounded KVM probe), the
 * hypervisor process (own process group, dies with us), its console, the
 * run's private temp dir, and an orderly or forced stop.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "confine.h"
#include "reaper.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/guest-text.h"
#include "../common/run.h"
#include "../disk/disk.h"
#include "../trace/trace.h"

#define KVM_PROBE_TIMEOUT_MS 3000

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
  const char *tmp = getenv ("TMPDIR");

  if (!hv) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  if (!tmp || !*tmp || strlen (tmp) > 150)
    tmp = "/tmp";
  snprintf (hv->tmpdir, sizeof hv->tmpdir, "%s/guestdrv.XXXXXX", tmp);
  if (!mkdtemp (hv->tmpdir)) {
    gd_set_error_errno ("mkdtemp %s", hv->tmpdir);
    free (hv);
    return NULL;
  }
  hv->backend = backend;
  hv->ops = ops;
  hv->pid = -1;
  hv->pidfd = -1;
  hv->console_fd = -1;
  hv->reaper_fd = -1;
  hv->reaper_gone_fd = -1;
  pthread_mutex_init (&hv->lock, NULL);
  return hv;
}

/* Remove the temp dir: it holds only flat files and sockets of ours. */
static void
remove_tmpdir (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d) {
    while ((e = readdir (d)) != NULL) {
      char path[512];
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      if (unlink (path) == -1 && errno == EISDIR) {
        remove_tmpdir (path);
      }
    }
    closedir (d);
  }
  rmdir (dir);
}

/* A console line that only a running Linux kernel or our init prints:
 * a printk time stamp "[    1.234567] ", or a stage mark.  Firmware
 * output (SeaBIOS, qboot) is neither.
 */
static int
is_guest_kernel_line (const char *line)
{
  const char *p = line;

  if (strncmp (line, "guestdrv-mark ", 14) == 0)
    return 1;
  if (*p++ != '[')
    return 0;
  while (*p == ' ')
    p++;
  if (*p < '0' || *p > '9')
    return 0;
  while (*p >= '0' && *p <= '9')
    p++;
  return *p == '.';
}

static void
console_line (struct hv *hv, char *line, uint64_t now)
{
  double up;
  char stage[48];

  if (unlikely (gd_verbose))
    gd_debug_print ("console", "%s", line);
  if (is_guest_kernel_line (line)) {
    pthread_mutex_lock (&hv->lock);
    if (hv->t_life_ns == 0)
      hv->t_life_ns = now;
    pthread_mutex_unlock (&hv->lock);
  }
  if (guest_parse_mark (line, &up, stage, sizeof stage) == 0) {
    pthread_mutex_lock (&hv->lock);
    if (hv->nmarks < HV_MARKS_MAX) {
      struct hv_mark *m = &hv->marks[hv->nmarks++];
      snprintf (m->stage, sizeof m->stage, "%s", stage);
      m->guest_uptime = up;
      m->host_ns = now;
    }
    pthread_mutex_unlock (&hv->lock);
    if (trace_on (TL_INIT)) {
      char args[96];
      snprintf (args, sizeof args, "\"guest_uptime_s\":%.3f", up);
      trace_instant (TL_INIT, stage, now, args);
    }
  }
}

static void *
console_reader (void *arg)
{
  struct hv *hv = arg;
  char buf[4096], line[1024];
  _Static_assert (sizeof buf <= CONSOLE_TAIL_MAX, "console buffer");
  size_t linelen = 0;
  ssize_t n;

  while ((n = read (hv->console_fd, buf, sizeof buf)) != 0) {
    uint64_t now;
    if (n == -1) {
      if (errno == EINTR)
        continue;
      break;
    }
    now = gd_now_ns ();
    pthread_mutex_lock (&hv->lock);
    if (hv->stats.t_first_console_ns == 0) {
      hv->stats.t_first_console_ns = now;
      if (trace_on (TL_LAUNCHER))
        trace_instant (TL_LAUNCHER, "first-console-byte", now, NULL);
    }
    /* Keep the tail for error messages (buf is smaller than the tail). */
    if (hv->console_len + n > CONSOLE_TAIL_MAX) {
      size_t drop = hv->console_len + n - CONSOLE_TAIL_MAX;
      memmove (hv->console_tail, hv->console_tail + drop, hv->console_len - drop);
      hv->console_len -= drop;
    }
    memcpy (hv->console_tail + hv->console_len, buf, n);
    hv->console_len += n;
    pthread_mutex_unlock (&hv->lock);

    for (ssize_t i = 0; i < n; i++) {
      char c = buf[i];
      if (c == '\n' || linelen == sizeof line - 1) {
        while (linelen > 0 && line[linelen - 1] == '\r')
          linelen--;
        line[linelen] = '\0';
        console_line (hv, line, now);
        linelen = 0;
        if (c == '\n')
          continue;
      }
      line[linelen++] = c;
    }
  }
  if (linelen > 0) {
    line[linelen] = '\0';
    console_line (hv, line, gd_now_ns ());
  }
  return NULL;
}

int
hv_spawn (struct hv *hv, const struct launch_config *cfg, char *const argv[],
          const int *keep_fds, size_t nkeep, char *const env_add[])
{
  int cfd[2];
  pid_t pid;
  unsigned confine_flags;

  char **iocount_env = NULL, **merged = NULL;

  hv->hooks = cfg->hooks;
  if (unlikely (disk_iocount_wanted ())) {
    size_t n = 0, k = 0;
    iocount_env = disk_iocount_env (hv->tmpdir, cfg->disks, cfg->ndisks);
    if (!iocount_env) {
      gd_debug ("launcher", "no host disk counters: %s", gd_get_error ());
      if (trace_on (TL_DISK))
        trace_summary_str (TL_DISK, "iocount_error", gd_get_error ());
    }
    for (; iocount_env && env_add && env_add[n]; n++)
      ;
    for (size_t i = 0; iocount_env && iocount_env[i]; i++)
      n++;
    if (iocount_env && (merged = calloc (n + 1, sizeof *merged)) != NULL) {
      for (size_t i = 0; env_add && env_add[i]; i++)
        merged[k++] = env_add[i];
      for (size_t i = 0; iocount_env[i]; i++)
        merged[k++] = iocount_env[i];
      env_add = merged;
    }
  }
  confine_flags = confine_default_flags ();
  /* --gdb attaches to the hypervisor by its pid: no supervisor between. */
  if (cfg->gdb)
    confine_flags &= ~CONFINE_PIDNS;
  if (pipe2 (cfd, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    free (merged);
    disk_env_free (iocount_env);
    return -1;
  }
  hv->stats.t_fork_ns = gd_now_ns ();
  pid = fork ();
  if (pid == -1) {
    gd_set_error_errno ("fork");
    close (cfd[0]); close (cfd[1]);
    free (merged);
    disk_env_free (iocount_env);
    return -1;
  }
  if (pid == 0) {
    int nullfd = open ("/dev/null", O_RDONLY);
    sigset_t all;

    setpgid (0, 0);
    /* The hypervisor dies with us, even if we are SIGKILLed. */
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    sigemptyset (&all);
    sigprocmask (SIG_SETMASK, &all, NULL);
    signal (SIGINT, SIG_IGN);   /* Ctrl-C is ours to handle, not qemu's */
    signal (SIGPIPE, SIG_DFL);
    if (nullfd >= 0)
      dup2 (nullfd, 0);
    dup2 (cfd[1], 1);
    dup2 (cfd[1], 2);
    for (size_t i = 0; i < nkeep; i++) {
      int fl = fcntl (keep_fds[i], F_GETFD);
      fcntl (keep_fds[i], F_SETFD, fl & ~FD_CLOEXEC);
    }
    for (size_t i = 0; env_add && env_add[i]; i++)
      putenv (env_add[i]);
    /* qemu confines itself (-sandbox); UML is an ordinary process. */
    if (hv->backend == BACKEND_UML)
      confine_child (confine_flags, gd_verbose);
    if (hv->child_setup)
      hv->child_setup ();
    execvp (argv[0], argv);
    fprintf (stderr, "guestdrv: exec %s: %m\n", argv[0]);
    _exit (127);
  }
  setpgid (pid, pid);
  close (cfd[1]);
  hv->reaper_fd = reaper_start (pid, hv->tmpdir, &hv->reaper_gone_fd);
  if (hv->reaper_fd == -1)
    gd_debug ("launcher", "no reaper (nothing cleans up if guestdrv is "
              "killed): %s", gd_get_error ());
  free (merged);
  disk_env_free (iocount_env);
  hv->pid = pid;
  hv->stats.t_exec_ns = gd_now_ns ();
  register_running (pid);
  hv->pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  hv->console_fd = cfd[0];
  if (pthread_create (&hv->console_thread, NULL, console_reader, hv) == 0)
    hv->console_thread_started = 1;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "fork-exec", hv->stats.t_fork_ns,
                    hv->stats.t_exec_ns, NULL);
  return 0;
}

static int
reap (struct hv *hv, int timeout_ms)
{
  uint64_t deadline = gd_now_ns () + (uint64_t) timeout_ms * 1000000;
  struct rusage ru;
  int status;

  if (hv->pid <= 0 || hv->reaped)
    return 0;
  for (;;) {
    pid_t w = wait4 (hv->pid, &status, WNOHANG, &ru);
    if (w == hv->pid)
      break;
    if (w == -1 && errno != EINTR)
      return -1;
    if (gd_now_ns () > deadline)
      return -1;
    if (hv->pidfd >= 0) {
      struct pollfd p = { .fd = hv->pidfd, .events = POLLIN };
      poll (&p, 1, 50);
    }
    else
      usleep (20000);
  }
  hv->reaped = 1;
  hv->stats.exit_status = status;
  hv->stats.user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  hv->stats.sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  hv->stats.maxrss_kb = ru.ru_maxrss;
  /* Helpers forked by the hypervisor (UML) share its process group. */
  kill (-hv->pid, SIGKILL);
  unregister_running (hv->pid);
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
  if (hv->pid > 0 && !hv->reaped) {
    kill (-hv->pid, SIGKILL);
    reap (hv, 10000);
  }
  if (hv->priv)
    hv->ops->free (hv->priv);
  if (hv->console_thread_started)
    pthread_join (hv->console_thread, NULL);
  if (hv->console_fd >= 0)
    close (hv->console_fd);
  if (hv->pidfd >= 0)
    close (hv->pidfd);
  remove_tmpdir (hv->tmpdir);
  reaper_stop (hv->reaper_fd, hv->reaper_gone_fd);
  pthread_mutex_destroy (&hv->lock);
  free (hv->cmdline);
  free (hv);
}

const char *
hv_console_tail (struct hv *hv)
{
  pthread_mutex_lock (&hv->lock);
  memcpy (hv->console_tail_copy, hv->console_tail, hv->console_len);
  hv->console_tail_copy[hv->console_len] = '\0';
  pthread_mutex_unlock (&hv->lock);
  return hv->console_tail_copy;
}

/* The last non-empty console line, for one-line error messages. */
static void
last_console_line (struct hv *hv, char *out, size_t outlen)
{
  const char *t = hv_console_tail (hv);
  size_t n = strlen (t);
  const char *end, *start;

  while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
    n--;
  end = t + n;
  start = end;
  while (start > t && start[-1] != '\n')
    start--;
  snprintf (out, outlen, "%.*s", (int) (end - start), start);
}

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
    struct pollfd p = { .fd = hv->pidfd, .events = POLLIN };
    uint64_t life;
    pthread_mutex_lock (&hv->lock);
    life = hv->t_life_ns;
    pthread_mutex_unlock (&hv->lock);
    if (life) {
      gd_debug ("launcher", "first line from the guest kernel %.3f s after exec",
                (life - hv->stats.t_exec_ns) / 1e9);
      return 0;
    }
    if (hv->pidfd >= 0 && poll (&p, 1, 0) == 1) {
      gd_set_error ("the hypervisor exited during boot");
      return -1;
    }
    if (gd_now_ns () >= deadline) {
      gd_set_error ("no sign of life from the guest kernel within %.1f s "
                    "under KVM (the probe's vCPU ran, this kernel did not)", life_ms / 1e3);
      return -1;
    }
    if (hv->pidfd >= 0)
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
  channel_set_watch_fd (hv->ch, hv->pidfd);
  r = cfg->backend == BACKEND_KVM ? wait_sign_of_life (hv, kvm_life_timeout_ms ()) : 0;
  if (r == 0)
    r = channel_wait_launch_flag (hv->ch, cfg->launch_timeout_ms);
  if (r == -1) {
    char last[512];
    const char *hint;
    int err = errno;
    /* Let the console thread catch up on what the guest said last. */
    usleep (100000);
    last_console_line (hv, last, sizeof last);
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
pid_t hv_pid (const struct hv *hv) { return hv->pid; }
pid_t hv_helper_pid (const struct hv *hv) { return hv->priv && hv->ops->helper_pid ? hv->ops->helper_pid (hv->priv) : -1; }
const char *hv_tmpdir (const struct hv *hv) { return hv->tmpdir; }
const char *hv_qmp_path (const struct hv *hv) { return hv->priv && hv->ops->qmp_path ? hv->ops->qmp_path (hv->priv) : ""; }
const struct hv_stats *hv_get_stats (const struct hv *hv) { return &hv->stats; }

unsigned
hv_get_marks (struct hv *hv, struct hv_mark_info *out, unsigned max)
{
  unsigned n;
  pthread_mutex_lock (&hv->lock);
  n = hv->nmarks < max ? hv->nmarks : max;
  for (unsigned i = 0; i < n; i++) {
    snprintf (out[i].stage, sizeof out[i].stage, "%s", hv->marks[i].stage);
    out[i].guest_uptime = hv->marks[i].guest_uptime;
    out[i].host_ns = hv->marks[i].host_ns;
  }
  pthread_mutex_unlock (&hv->lock);
  return n;
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
    kill (hv->pid, SIGTERM);
    if (reap (hv, 3000) == -1) {
      kill (-hv->pid, SIGKILL);
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
  if (hv && hv->pid > 0 && !hv->reaped)
    kill (-hv->pid, SIGKILL);
  hv_free (hv);
}
