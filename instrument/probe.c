/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The instrumentation's subscription to a session (see instrument.h):
 * after the launch flag, before the shutdown and at the hypervisor's
 * exit it reads what each layer counted and puts it on the timeline and
 * into the run's summary.  One traced session at a time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "instrument.h"
#include "probe-internal.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../disk/disk.h"
#include "../session/guest-shell.h"
#include "../trace/trace.h"

static uint64_t t_launched;

/* Run a shell command in the guest; NULL (logged) if it failed. */
static char *
guest_sh (struct session *s, const char *cmd)
{
  char *out;

  if (session_guest_sh (s, cmd, &out) == -1)
    gd_debug ("trace", "guest probe failed: %s", gd_get_error ());
  return out;
}

static void
probe_launched (void *opaque, struct session *s)
{
  struct hv *hv = session_hv (s);
  struct hv_mark_info marks[64];
  unsigned n;
  char *out = NULL;
  char cmd[1024];

  (void) opaque;
  if (!hv)
    return;
  t_launched = gd_now_ns ();
  channel_probe_begin (hv);
  n = hv_get_marks (hv, marks, 64);
  if (trace_on (TL_LAUNCHER))
    boot_probe_launcher (s, hv);
  if (trace_on (TL_INIT) || trace_on (TL_DAEMON))
    boot_probe_init_daemon (hv, marks, n);
  /* One daemon call for the kernel log and the guest disk counters. */
  snprintf (cmd, sizeof cmd, "%s%s",
            trace_on (TL_KERNEL) ? "dmesg; " : "",
            trace_on (TL_DISK) ? disk_guest_stat_command : "true");
  if (trace_on (TL_KERNEL) || trace_on (TL_DISK)) {
    uint64_t t0 = gd_now_ns ();
    out = guest_sh (s, cmd);
    trace_instant (trace_on (TL_KERNEL) ? TL_KERNEL : TL_DISK, "guest probe (dmesg, stat)",
                   t0, NULL);
  }
  if (trace_on (TL_KERNEL))
    boot_probe_kernel (out ? out : "", marks, n);
  if (trace_on (TL_DISK))
    disk_probe_begin (s, hv, out);
  free (out);
}

static void
probe_before_shutdown (void *opaque, struct session *s)
{
  struct hv *hv = session_hv (s);

  (void) opaque;
  if (!hv)
    return;
  if (trace_on (TL_DISK)) {
    char *out = session_proto (s) ? guest_sh (s, disk_guest_stat_command) : NULL;
    disk_probe_end (hv, out);
    free (out);
  }
  if (trace_on (TL_CHANNEL) && hv_channel (hv))
    channel_probe_summary (hv, t_launched ? t_launched : session_launch_ready_ns (s));
  if (trace_on (TL_PROTOCOL) && session_proto (s))
    protocol_probe_summary (session_proto (s));
}

static void
probe_hv_exit (void *opaque, struct hv *hv)
{
  const struct hv_stats *hs = hv_get_stats (hv);
  uint64_t now = gd_now_ns ();

  (void) opaque;
  if (trace_on (TL_LAUNCHER)) {
    char args[160];
    trace_summary_num (TL_LAUNCHER, "hv_user_s", hs->user_s);
    trace_summary_num (TL_LAUNCHER, "hv_sys_s", hs->sys_s);
    trace_summary_num (TL_LAUNCHER, "hv_maxrss_kb", hs->maxrss_kb);
    trace_summary_num (TL_LAUNCHER, "hv_exit_status", hs->exit_status);
    trace_summary_num (TL_LAUNCHER, "hv_exit_ms", probe_ms_since_origin (now));
    snprintf (args, sizeof args, "\"user_s\":%.3f,\"sys_s\":%.3f,\"maxrss_kb\":%ld,"
              "\"wait_status\":%d", hs->user_s, hs->sys_s, hs->maxrss_kb,
              hs->exit_status);
    trace_instant (TL_LAUNCHER, "hypervisor exit", now, args);
    trace_counter (TL_LAUNCHER, "hypervisor cpu s", now, "user", hs->user_s);
    trace_counter (TL_LAUNCHER, "hypervisor cpu s", now, "sys", hs->sys_s);
    trace_counter (TL_LAUNCHER, "hypervisor maxrss kB", now, "maxrss",
                   (double) hs->maxrss_kb);
  }
  disk_probe_hv_exit (hv, now);
}

void
instrument_attach (struct session *s)
{
  static const struct session_hooks hooks = {
    .launched = probe_launched,
    .before_shutdown = probe_before_shutdown,
    .launcher = { .hv_exit = probe_hv_exit },
  };

  session_set_hooks (s, &hooks);
}
