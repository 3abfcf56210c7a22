/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session handle (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "../appliance/appliance.h"
#include "../appliance/kernel.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../trace/trace.h"

#include "../protocol/proc-numbers.h"

struct session {
  struct launch_config cfg;
  size_t disks_cap;
  char *kernel, *append, *init_flags;
  char *modules;                  /* --modules, with --kernel */
  char *cache_root;               /* where the launcher keeps its verdicts */
  char **settings;                /* "NAME=VALUE": cfg.settings */
  struct appliance_files app;
  struct hv *hv;
  int call_timeout_ms;            /* proto_set_call_timeout */
  struct proto *proto;
  uint64_t t_launch0, t_ready;
  struct session_hooks hooks;
};

struct session *
session_new (void)
{
  struct session *s = calloc (1, sizeof *s);
  const char *e;

  if (!s) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  gd_clock_init ();
  s->cfg.backend = BACKEND_AUTO;
  if ((e = getenv ("GUESTDRV_BACKEND")) && *e)
    s->cfg.backend = launcher_parse_backend (e);
  s->cfg.memory_mb = 1024;
  s->cfg.vcpus = 1;
  s->cfg.launch_timeout_ms = 120000;
  s->cfg.idle_timeout_ms = 600000;
  /* Long enough for any transfer this tool has been measured doing; a
   * bound on a daemon that keeps a call alive with progress records.
   */
  s->call_timeout_ms = 3600000;
  return s;
}

int
session_add_drive (struct session *s, const char *path, const char *format,
                   const char *cache, bool readonly)
{
  struct disk *d;

  if (s->hv) {
    gd_set_error ("add: the appliance is already running; add disks before 'run'");
    return -1;
  }
  if (s->cfg.ndisks >= 24) {
    gd_set_error ("too many disks (at most 24)");
    return -1;
  }
  if (s->cfg.ndisks == s->disks_cap) {
    size_t ncap = s->disks_cap ? s->disks_cap * 2 : 4;
    d = realloc (s->cfg.disks, ncap * sizeof *d);
    if (!d) {
      gd_set_error_errno ("realloc");
      return -1;
    }
    s->cfg.disks = d;
    s->disks_cap = ncap;
  }
  d = &s->cfg.disks[s->cfg.ndisks];
  d->path = strdup (path);
  d->format = strdup (format ? format : "raw");
  d->cache = strdup (cache ? cache : "writeback");
  d->readonly = readonly;
  if (!d->path || !d->format || !d->cache) {
    free (d->path); free (d->format); free (d->cache);
    gd_set_error_errno ("strdup");
    return -1;
  }
  s->cfg.ndisks++;
  return 0;
}

int
session_set_backend (struct session *s, const char *name)
{
  const struct backend *b = backend_lookup (name);
  char names[64];

  if (!b) {
    backend_list (names, sizeof names, ", ");
    gd_set_error ("unknown backend '%s' (%s)", name, names);
    return -1;
  }
  s->cfg.backend = b->kind;
  return 0;
}

static void
set_str (char **dst, const char *v)
{
  free (*dst);
  *dst = v ? strdup (v) : NULL;
}

void session_set_kernel (struct session *s, const char *p) { set_str (&s->kernel, p); s->cfg.kernel_override = s->kernel; }
void session_set_modules (struct session *s, const char *p) { set_str (&s->modules, p); }
void session_set_gdb (struct session *s, bool on) { s->cfg.gdb = on; }
void session_set_append (struct session *s, const char *a) { set_str (&s->append, a); s->cfg.append = s->append; }
void session_set_init_flags (struct session *s, const char *f) { set_str (&s->init_flags, f); s->cfg.init_flags = s->init_flags; }

int
session_set_backend_setting (struct session *s, const char *name,
                             const char *value)
{
  const struct backend_setting *bs = backend_setting_lookup (name);
  size_t n = strlen (name), i;
  char *kv, **v;

  if (!bs || backend_setting_check (bs, value) == -1)
    return -1;
  if (asprintf (&kv, "%s=%s", name, value) == -1) {
    gd_set_error_errno ("asprintf");
    return -1;
  }
  for (i = 0; i < s->cfg.nsettings; i++)
    if (strncmp (s->settings[i], name, n) == 0 && s->settings[i][n] == '=')
      break;
  if (i == s->cfg.nsettings) {
    v = realloc (s->settings, (i + 1) * sizeof *v);
    if (!v) {
      gd_set_error_errno ("realloc");
      free (kv);
      return -1;
    }
    s->settings = v;
    s->cfg.nsettings++;
  }
  else
    free (s->settings[i]);
  s->settings[i] = kv;
  s->cfg.settings = (const char *const *) s->settings;
  return 0;
}
void session_set_memory (struct session *s, int mb) { s->cfg.memory_mb = mb; }
void session_set_vcpus (struct session *s, int n) { s->cfg.vcpus = n; }
const struct launch_config *session_config (const struct session *s) { return &s->cfg; }
void
session_set_timeouts (struct session *s, int launch_ms, int idle_ms)
{
  if (launch_ms > 0) s->cfg.launch_timeout_ms = launch_ms;
  if (idle_ms > 0) s->cfg.idle_timeout_ms = idle_ms;
}
void session_set_call_timeout (struct session *s, int ms) { if (ms > 0) s->call_timeout_ms = ms; }
void
session_set_hooks (struct session *s, const struct session_hooks *hooks)
{
  if (hooks)
    s->hooks = *hooks;
  else
    memset (&s->hooks, 0, sizeof s->hooks);
  s->cfg.hooks = hooks ? &s->hooks.launcher : NULL;
}
size_t session_ndisks (const struct session *s) { return s->cfg.ndisks; }
const struct disk *session_disk (const struct session *s, size_t i) { return i < s->cfg.ndisks ? &s->cfg.disks[i] : NULL; }
enum backend_kind session_backend (const struct session *s) { return s->cfg.backend; }
bool session_is_launched (const struct session *s) { return s->hv != NULL; }
struct proto *session_proto (struct session *s) { return s->proto; }
struct hv *session_hv (struct session *s) { return s->hv; }
uint64_t session_launch_start_ns (const struct session *s) { return s->t_launch0; }
uint64_t session_launch_ready_ns (const struct session *s) { return s->t_ready; }

/* The appliance for the packaged kernel, or for --kernel (checked first:
 * a kernel without what the appliance needs fails here, by name).
 */
static int
session_get_appliance (struct session *s)
{
  enum appliance_kind kind = backend_of_kind (s->cfg.backend)->appliance;
  struct guest_kernel k;
  int r;

  if (!s->kernel) {
    if (s->modules) {
      gd_set_error ("--modules needs --kernel");
      return -1;
    }
    return appliance_get (kind, false, &s->app, NULL);
  }
  if (guest_kernel_open (kind, s->kernel, s->modules, &k) == -1)
    return -1;
  if (guest_kernel_check (kind, &k) == -1) {
    guest_kernel_free (&k);
    return -1;
  }
  r = appliance_get_kernel (kind, false, &k, &s->app, NULL);
  guest_kernel_free (&k);
  return r;
}

int
session_launch (struct session *s)
{
  uint64_t t0;

  if (s->hv) {
    gd_set_error ("run: the appliance is already running");
    return -1;
  }
  if (!backend_of_kind (s->cfg.backend)) {
    char names[64];
    backend_list (names, sizeof names, ", ");
    gd_set_error ("GUESTDRV_BACKEND: unknown backend (%s)", names);
    return -1;
  }
  if (s->cfg.ndisks == 0) {
    gd_set_error ("run: no disks: add one with -a IMAGE (or 'add IMAGE')");
    return -1;
  }
  s->t_launch0 = t0 = gd_now_ns ();
  if (!s->cache_root)
    s->cfg.state_dir = s->cache_root = appliance_cache_root ();
  if (launcher_prepare (&s->cfg) == -1)
    return -1;
  if (!s->app.kernel && session_get_appliance (s) == -1)
    return -1;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "prepare", t0, gd_now_ns (), NULL);
  s->hv = launcher_launch (&s->cfg, &s->app);
  if (!s->hv)
    return -1;
  s->proto = proto_new (hv_channel (s->hv));
  if (!s->proto) {
    hv_kill (s->hv);
    s->hv = NULL;
    return -1;
  }
  proto_set_call_timeout (s->proto, s->call_timeout_ms);
  s->t_ready = gd_now_ns ();
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "launch", s->t_launch0, s->t_ready, NULL);
  if (s->hooks.launched)
    s->hooks.launched (s->hooks.opaque, s);
  return 0;
}

/* Whether the guest kernel logged an I/O error since the count was IO0
 * (its line into LINE), waiting up to WAIT_MS for the console: it trails
 * the reply, as printk from the disk's completion is deferred in the
 * guest (UML at load 15: 206 ms after the reply).
 */
static bool
io_error_since (struct session *s, unsigned io0, int wait_ms, char *line,
                size_t len)
{
  unsigned n = s->hv ? hv_io_errors (s->hv, line, len) : io0;

  for (int t = 0; n == io0 && s->hv && t < wait_ms; t += 10) {
    usleep (10000);
    n = hv_io_errors (s->hv, line, len);
  }
  return n != io0;
}

/* How long to wait for the console's I/O error line after error MSG
 * (errno ERRNO_STR): up to 1 s when the daemon's words say a read or a
 * write failed ("write error: /up" has no errno), 50 ms when it gave no
 * errno, none for other errnos (ENOENT, EEXIST... are the file system's
 * answers, not a disk's failure).
 */
static int
io_wait_ms (const char *msg, const char *errno_str)
{
  if (strcmp (errno_str, "EIO") == 0 || strstr (msg, "write error") ||
      strstr (msg, "read error") || strstr (msg, "Input/output error"))
    return 1000;
  return errno_str[0] == '\0' ? 50 : 0;
}

/* Turn an error reply into the error slot.  If the guest kernel logged
 * an I/O error since the call began (IO0: the count then), the error
 * says so: the daemon's messages ("write error: /f") often drop errno,
 * and a disk failing on the host is the cause the user needs.
 */
static int
check_reply (struct session *s, unsigned io0, int r, struct proto_reply *rep)
{
  char line[192];

  if (r == -2 && rep->status == 0 && errno == EIO) {
    /* A download the daemon cancelled after its OK reply (a read failing
     * mid-transfer): no error reply carries the cause, the guest
     * kernel's log does ("download failed in the appliance" alone was
     * the error of 1 in 10 eio-read faults on UML/vhost-user).
     */
    char msg[512];
    if (io_error_since (s, io0, 1000, line, sizeof line)) {
      snprintf (msg, sizeof msg, "%s", gd_get_error ());
      gd_set_error ("%s (the guest kernel: %s)", msg, line);
    }
    errno = EIO;
    return -1;
  }
  if (r == -1) {
    char fate[160], msg[512];
    /* The channel only sees EOF; say how the appliance ended. */
    if (s->hv) {
      hv_describe_exit (s->hv, fate, sizeof fate);
      if (fate[0]) {
        snprintf (msg, sizeof msg, "%s", gd_get_error ());
        gd_set_error ("%s: %s", msg, fate);
        errno = EPIPE;
      }
    }
    return -1;
  }
  if (rep->status != 0) {
    const char *msg = rep->error_message ? rep->error_message : "error";
    if (io_error_since (s, io0, io_wait_ms (msg, rep->errno_str),
                        line, sizeof line)) {
      /* Into the reply too: the CLI words errors from the reply. */
      char *m = NULL;
      if (asprintf (&m, "%s (the guest kernel: %s)", msg, line) != -1) {
        free (rep->error_message);
        rep->error_message = m;
        msg = m;
      }
    }
    gd_set_error ("%s", msg);
    errno = EIO;
    return -1;
  }
  return r == -2 ? -1 : 0;
}

static unsigned
io_errors_now (struct session *s)
{
  return s->hv ? hv_io_errors (s->hv, NULL, 0) : 0;
}

int
session_call (struct session *s, uint32_t proc, uint64_t optmask,
              const struct proto_args *args, struct proto_reply *r)
{
  if (!s->proto) {
    gd_set_error ("the appliance is not running");
    return -1;
  }
  unsigned io0 = io_errors_now (s);

  return check_reply (s, io0, proto_call (s->proto, proc, optmask, args, r), r);
}

int
session_call_filein (struct session *s, uint32_t proc, uint64_t optmask,
                     const struct proto_args *args, uint64_t hint,
                     proto_source_fn src, void *opaque, struct proto_reply *r)
{
  if (!s->proto) {
    gd_set_error ("the appliance is not running");
    return -1;
  }
  unsigned io0 = io_errors_now (s);

  return check_reply (s, io0, proto_call_filein (s->proto, proc, optmask,
                                                 args, hint, src, opaque, r), r);
}

int
session_call_fileout (struct session *s, uint32_t proc, uint64_t optmask,
                      const struct proto_args *args, proto_sink_fn sink,
                      void *opaque, struct proto_reply *r)
{
  if (!s->proto) {
    gd_set_error ("the appliance is not running");
    return -1;
  }
  unsigned io0 = io_errors_now (s);

  return check_reply (s, io0, proto_call_fileout (s->proto, proc, optmask,
                                                  args, sink, opaque, r), r);
}

/* upload: FileIn from FD to REMOTE. */
int
session_upload_fd (struct session *s, int fd, uint64_t hint, const char *remote)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply r = { 0 };
  struct gd_fd_io io = { .fd = fd };
  int ret;

  if (!a || proto_args_string (a, remote) == -1) {
    proto_args_free (a);
    return -1;
  }
  ret = session_call_filein (s, PROC_UPLOAD, 0, a, hint, gd_fd_source, &io, &r);
  proto_reply_free (&r);
  proto_args_free (a);
  return ret;
}

int
session_shutdown (struct session *s)
{
  int r = 0;
  char why[512] = "";

  if (!s->hv)
    return 0;
  if (s->proto) {
    struct proto_reply rep = { 0 };
    struct proto_args *a = proto_args_new ();
    uint64_t t0 = gd_now_ns ();
    /* As libguestfs does: unmount everything and sync before stopping. */
    if (!a || proto_call (s->proto, PROC_INTERNAL_AUTOSYNC, 0, a, &rep) == -1 ||
        rep.status != 0) {
      /* Kept: tearing down the channel and the hypervisor below may
       * overwrite the error slot.
       */
      snprintf (why, sizeof why, "internal_autosync: %s",
                a && rep.status != 0 && rep.error_message ?
                rep.error_message : gd_get_error ());
      gd_debug ("session", "%s", why);
      r = -1;
    }
    if (trace_on (TL_PROTOCOL))
      trace_complete (TL_PROTOCOL, "autosync", t0, gd_now_ns (), NULL);
    if (s->hooks.before_shutdown)
      s->hooks.before_shutdown (s->hooks.opaque, s);
    proto_reply_free (&rep);
    proto_args_free (a);
    proto_free (s->proto);
    s->proto = NULL;
  }
  if (hv_shutdown (s->hv, 5000) == -1) {
    if (r == -1) {
      char fate[256];
      snprintf (fate, sizeof fate, "%s", gd_get_error ());
      gd_set_error ("%s (%s)", why, fate);
    }
    else
      gd_debug ("session", "hypervisor exit status was not 0: %s", gd_get_error ());
  }
  else if (r == -1)
    gd_set_error ("%s", why);
  s->hv = NULL;
  return r;
}

void
session_free (struct session *s)
{
  if (!s)
    return;
  if (s->hv) {
    if (session_shutdown (s) == -1 && s->hv) {
      hv_kill (s->hv);
      s->hv = NULL;
    }
  }
  for (size_t i = 0; i < s->cfg.ndisks; i++) {
    free (s->cfg.disks[i].path);
    free (s->cfg.disks[i].format);
    free (s->cfg.disks[i].cache);
  }
  free (s->cfg.disks);
  free (s->kernel);
  free (s->modules);
  free (s->cache_root);
  for (size_t i = 0; i < s->cfg.nsettings; i++)
    free (s->settings[i]);
  free (s->settings);
  free (s->append);
  free (s->init_flags);
  appliance_files_free (&s->app);
  free (s);
}
