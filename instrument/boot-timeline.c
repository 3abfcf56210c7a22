/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot on the host timeline: the launcher's figures, the init's
 * stage marks, the daemon's start and the kernel's own lines.
 *
 * Guest clocks on the host timeline.  The init prints each mark on the
 * console with the guest's uptime and also writes it to /dev/kmsg, where
 * it gets the kernel's printk timestamp.  A console line reaches us a
 * little after it was written, never before, so for each clock the
 * smallest (host arrival - guest time) over all marks is the tightest
 * estimate of the offset between that guest clock and ours; printk
 * times (the kernel's own lines, read back with dmesg) are mapped with
 * it.  Without the /dev/kmsg copies we fall back to the uptime offset
 * (printk and /proc/uptime both count from boot; they may differ by
 * tens of ms).  Under TCG the guest clock follows the host's; /proc/uptime
 * has 10 ms resolution.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "../common/guest-text.h"
#include "../common/json-write.h"
#include "../trace/trace.h"

void
boot_probe_launcher (struct session *s, struct hv *hv)
{
  const struct hv_stats *hs = hv_get_stats (hv);
  uint64_t t0 = session_launch_start_ns (s), t1 = session_launch_ready_ns (s);

  trace_summary_str (TL_LAUNCHER, "backend", launcher_backend_name (hv_backend (hv)));
  trace_summary_num (TL_LAUNCHER, "cmdline_ms", hs->t_cmdline_ns / 1e6);
  trace_summary_num (TL_LAUNCHER, "fork_exec_ms", (hs->t_exec_ns - hs->t_fork_ns) / 1e6);
  if (hs->t_first_console_ns) {
    trace_summary_num (TL_LAUNCHER, "exec_to_first_console_ms",
                       (hs->t_first_console_ns - hs->t_exec_ns) / 1e6);
    trace_complete (TL_LAUNCHER, "exec to first console byte", hs->t_exec_ns,
                    hs->t_first_console_ns, NULL);
  }
  trace_summary_num (TL_LAUNCHER, "exec_to_launch_flag_ms",
                     (hs->t_launch_flag_ns - hs->t_exec_ns) / 1e6);
  trace_summary_num (TL_LAUNCHER, "launch_ms", (t1 - t0) / 1e6);
  trace_summary_num (TL_LAUNCHER, "exec_at_ms", probe_ms_since_origin (hs->t_exec_ns));
}

void
boot_probe_init_daemon (struct hv *hv, const struct hv_mark_info *m,
                        unsigned n)
{
  const struct hv_stats *hs = hv_get_stats (hv);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  uint64_t t_init = 0, t_exec = 0;

  if (!f)
    return;
  fputc ('[', f);
  for (unsigned i = 0; i < n; i++) {
    char args[160];
    double stage_ms = i ? (m[i].host_ns - m[i - 1].host_ns) / 1e6 : 0;
    double guest_ms = i ? (m[i].guest_uptime - m[i - 1].guest_uptime) * 1e3 : 0;

    if (strcmp (m[i].stage, "init-start") == 0 && !t_init)
      t_init = m[i].host_ns;
    if (strcmp (m[i].stage, "daemon-exec") == 0 && !t_exec)
      t_exec = m[i].host_ns;
    fprintf (f, "%s{\"stage\":", i ? "," : "");
    json_write_string (f, m[i].stage);
    fprintf (f, ",\"guest_uptime_s\":%.3f,\"host_ms\":%.3f,\"stage_ms\":%.3f,"
             "\"guest_stage_ms\":%.1f}", m[i].guest_uptime,
             probe_ms_since_origin (m[i].host_ns), stage_ms, guest_ms);
    if (i && trace_on (TL_INIT)) {
      snprintf (args, sizeof args, "\"guest_uptime_s\":%.3f,\"guest_stage_ms\":%.1f,"
                "\"host_stage_ms\":%.3f", m[i].guest_uptime, guest_ms, stage_ms);
      trace_complete (TL_INIT, m[i].stage, m[i - 1].host_ns, m[i].host_ns, args);
    }
  }
  fputc (']', f);
  if (fclose (f) == 0 && trace_on (TL_INIT))
    trace_summary_json (TL_INIT, "marks", buf);
  free (buf);

  if (trace_on (TL_DAEMON)) {
    uint64_t lf = hs->t_launch_flag_ns;
    trace_summary_num (TL_DAEMON, "launch_flag_ms", probe_ms_since_origin (lf));
    if (t_init) {
      trace_summary_num (TL_DAEMON, "init_start_to_launch_flag_ms", (lf - t_init) / 1e6);
      trace_complete (TL_DAEMON, "init-start to launch flag", t_init, lf, NULL);
    }
    if (t_exec) {
      trace_summary_num (TL_DAEMON, "daemon_exec_to_launch_flag_ms", (lf - t_exec) / 1e6);
      trace_complete (TL_DAEMON, "daemon start", t_exec, lf, NULL);
    }
  }
}

static const struct { const char *name, *pattern, *pattern2; } kernel_lines[] = {
  { "kernel-start", "Linux version", NULL },
  { "kernel-init-done", "Freeing unused kernel", NULL },
  { "run-init", "Run /init as init process", NULL },
  { "root-mounted", "VFS: Mounted root", NULL },
  { "root-mounted", "EXT4-fs (", "mounted filesystem" },
};
#define NKLINES (sizeof kernel_lines / sizeof kernel_lines[0])

void
boot_probe_kernel (const char *dmesg, const struct hv_mark_info *m,
                   unsigned n)
{
  double found[NKLINES];
  int64_t off_k = INT64_MAX, off_u = INT64_MAX, off;
  const char *method, *p;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  int first = 1;
  unsigned pairs = 0;

  for (size_t k = 0; k < NKLINES; k++)
    found[k] = -1;
  for (unsigned i = 0; i < n; i++) {
    int64_t o = (int64_t) m[i].host_ns - (int64_t) (m[i].guest_uptime * 1e9);
    if (o < off_u)
      off_u = o;
  }
  /* Kernel lines and the init's /dev/kmsg copies of its marks. */
  for (p = dmesg; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL) {
    char line[512];
    const char *text, *nl = strchr (p, '\n');
    size_t l = nl ? (size_t) (nl - p) : strlen (p);
    double t, up;
    char stage[48];

    snprintf (line, sizeof line, "%.*s", (int) (l < sizeof line ? l : sizeof line - 1), p);
    if (guest_parse_dmesg_time (line, &t, &text) == -1)
      continue;
    if (guest_parse_mark (text, &up, stage, sizeof stage) == 0) {
      for (unsigned i = 0; i < n; i++)
        if (strcmp (m[i].stage, stage) == 0 &&
            m[i].guest_uptime > up - 0.005 && m[i].guest_uptime < up + 0.005) {
          int64_t o = (int64_t) m[i].host_ns - (int64_t) (t * 1e9);
          if (o < off_k)
            off_k = o;
          pairs++;
          break;
        }
      continue;
    }
    for (size_t k = 0; k < NKLINES; k++) {
      if (strstr (text, kernel_lines[k].pattern) &&
          (!kernel_lines[k].pattern2 || strstr (text, kernel_lines[k].pattern2))) {
        int done = 0;
        /* The first occurrence of each name only. */
        for (size_t j = 0; j < NKLINES; j++)
          if (found[j] >= 0 && strcmp (kernel_lines[j].name, kernel_lines[k].name) == 0)
            done = 1;
        if (!done)
          found[k] = t;
        break;
      }
    }
  }
  if (pairs) {
    off = off_k;
    method = "printk time + min(host arrival - printk time) over the init's "
             "marks copied to /dev/kmsg";
  }
  else if (n) {
    off = off_u;
    method = "printk time + min(host arrival - guest uptime) over the init's "
             "console marks (printk clock assumed equal to uptime)";
  }
  else {
    trace_summary_str (TL_KERNEL, "error", "no init marks to map guest time");
    return;
  }
  trace_summary_str (TL_KERNEL, "method", method);
  trace_summary_num (TL_KERNEL, "reference_pairs", pairs);
  trace_summary_num (TL_KERNEL, "offset_ms", probe_ms_since_origin ((uint64_t) off));

  f = open_memstream (&buf, &len);
  if (!f)
    return;
  fputc ('[', f);
  {
    /* In boot order: the table is in that order except root-mounted. */
    static const char *const order[] = { "kernel-start", "kernel-init-done",
                                         "run-init", "root-mounted" };
    uint64_t prev = 0;
    for (size_t o = 0; o < 4; o++)
      for (size_t k = 0; k < NKLINES; k++) {
        uint64_t h;
        char args[96];
        if (found[k] < 0 || strcmp (kernel_lines[k].name, order[o]) != 0)
          continue;
        h = (uint64_t) (off + (int64_t) (found[k] * 1e9));
        fprintf (f, "%s{\"name\":\"%s\",\"guest_s\":%.6f,\"host_ms\":%.3f}",
                 first ? "" : ",", order[o], found[k], probe_ms_since_origin (h));
        first = 0;
        snprintf (args, sizeof args, "\"printk_s\":%.6f", found[k]);
        trace_instant (TL_KERNEL, order[o], h, args);
        if (prev && h > prev)
          trace_complete (TL_KERNEL, order[o], prev, h, args);
        prev = h;
      }
  }
  fputc (']', f);
  if (fclose (f) == 0)
    trace_summary_json (TL_KERNEL, "marks", buf);
  free (buf);
}
