/* Cross-layer probes (see probe.h).
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

#include "probe.h"
#include "trace.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/guest-text.h"
#include "../disk/disk.h"
#include "../session/guest-shell.h"
#include "../session/session.h"


#define QMP_TIMEOUT_MS 3000
#define MAX_DISKS 32
#define MAX_GUEST_DEVS 64

static struct {
  size_t ndisks;
  char *paths[MAX_DISKS];
  char cache[MAX_DISKS][16];
  struct disk_qmp_stats qmp0[MAX_DISKS + 1];
  size_t nqmp0;
  struct disk_guest_stat guest0[MAX_GUEST_DEVS];
  size_t nguest0;
  uint64_t t_launched;
  uint64_t wait_in0_ns, wait_out0_ns;   /* channel, at the launch flag */
} st;

static double
ms_since_origin (uint64_t t)
{
  return t ? (double) (int64_t) (t - gd_clock_origin) / 1e6 : 0;
}

int
trace_probe_dmesg_time (const char *line, double *t, const char **text)
{
  return guest_parse_dmesg_time (line, t, text);
}

/* Run a shell command in the guest; NULL (logged) if it failed. */
static char *
guest_sh (struct session *s, const char *cmd)
{
  char *out;

  if (session_guest_sh (s, cmd, &out) == -1)
    gd_debug ("trace", "guest probe failed: %s", gd_get_error ());
  return out;
}

/* --- launcher, init, daemon ------------------------------------------- */

static void
launcher_launched (struct session *s, struct hv *hv)
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
  trace_summary_num (TL_LAUNCHER, "exec_at_ms", ms_since_origin (hs->t_exec_ns));
}

static void
init_and_daemon (struct hv *hv, const struct hv_mark_info *m, unsigned n)
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
    trace_json_string (f, m[i].stage);
    fprintf (f, ",\"guest_uptime_s\":%.3f,\"host_ms\":%.3f,\"stage_ms\":%.3f,"
             "\"guest_stage_ms\":%.1f}", m[i].guest_uptime,
             ms_since_origin (m[i].host_ns), stage_ms, guest_ms);
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
    trace_summary_num (TL_DAEMON, "launch_flag_ms", ms_since_origin (lf));
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

/* --- kernel ------------------------------------------------------------ */

static const struct { const char *name, *pattern, *pattern2; } kernel_lines[] = {
  { "kernel-start", "Linux version", NULL },
  { "kernel-init-done", "Freeing unused kernel", NULL },
  { "run-init", "Run /init as init process", NULL },
  { "root-mounted", "VFS: Mounted root", NULL },
  { "root-mounted", "EXT4-fs (", "mounted filesystem" },
};
#define NKLINES (sizeof kernel_lines / sizeof kernel_lines[0])

static void
kernel_marks (const char *dmesg, const struct hv_mark_info *m, unsigned n)
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
    if (trace_probe_dmesg_time (line, &t, &text) == -1)
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
  trace_summary_num (TL_KERNEL, "offset_ms", ms_since_origin ((uint64_t) off));

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
                 first ? "" : ",", order[o], found[k], ms_since_origin (h));
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

/* --- disk -------------------------------------------------------------- */

static size_t
qmp_snapshot (struct hv *hv, struct disk_qmp_stats *out, size_t max)
{
  const char *path = hv_qmp_path (hv);
  size_t n = 0;

  if (!path || !*path)
    return 0;
  if (disk_qmp_blockstats (path, QMP_TIMEOUT_MS, out, max, &n) == -1) {
    gd_debug ("trace", "%s", gd_get_error ());
    trace_summary_str (TL_DISK, "qmp_error", gd_get_error ());
    return 0;
  }
  return n;
}

static void
host_counters_summary (struct hv *hv, uint64_t now)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (!f)
    return;
  fputc ('[', f);
  for (size_t i = 0; i < st.ndisks; i++) {
    struct disk_counters c;
    char series[48];

    if (disk_counters_read (hv, i, &c) == -1) {
      trace_summary_str (TL_DISK, "iocount_error", gd_get_error ());
      break;
    }
    fprintf (f, "%s{\"idx\":%zu,\"path\":", i ? "," : "", i);
    trace_json_string (f, st.paths[i] ? st.paths[i] : "?");
    fprintf (f, ",\"cache\":\"%s\",\"bytes_read\":%" PRIu64 ",\"bytes_written\":%" PRIu64
             ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64 ",\"flushes\":%" PRIu64
             ",\"flush_ms\":%.3f,\"sync_opens\":%" PRIu64 ",\"opens\":%" PRIu64
             ",\"fallocates\":%" PRIu64 ",\"read_ms\":%.3f,\"write_ms\":%.3f"
             ",\"processes\":%u}",
             st.cache[i], c.bytes_read, c.bytes_written, c.reads, c.writes,
             c.flushes, c.flush_ns / 1e6, c.sync_opens, c.opens, c.fallocates,
             c.read_ns / 1e6, c.write_ns / 1e6, c.processes);
    snprintf (series, sizeof series, "hd%zu host bytes", i);
    trace_counter (TL_DISK, series, now, "written", (double) c.bytes_written);
    trace_counter (TL_DISK, series, now, "read", (double) c.bytes_read);
    snprintf (series, sizeof series, "hd%zu host flushes", i);
    trace_counter (TL_DISK, series, now, "flushes", (double) c.flushes);
  }
  fputc (']', f);
  if (fclose (f) == 0)
    trace_summary_json (TL_DISK, "host", buf);
  free (buf);
}

static void
disk_begin (struct session *s, struct hv *hv, const char *out)
{
  st.ndisks = session_ndisks (s) < MAX_DISKS ? session_ndisks (s) : MAX_DISKS;
  for (size_t i = 0; i < st.ndisks; i++) {
    const struct disk *d = session_disk (s, i);
    free (st.paths[i]);
    st.paths[i] = strdup (d->path);
    snprintf (st.cache[i], sizeof st.cache[i], "%s", d->cache);
  }
  st.nqmp0 = qmp_snapshot (hv, st.qmp0, MAX_DISKS + 1);
  st.nguest0 = out ? disk_guest_parse (out, st.guest0, MAX_GUEST_DEVS) : 0;
  host_counters_summary (hv, gd_now_ns ());
}

#define DELTA(a, b, f) ((a).f >= (b).f ? (a).f - (b).f : 0)

static void
disk_end (struct hv *hv, const char *out)
{
  struct disk_qmp_stats q1[MAX_DISKS + 1];
  struct disk_guest_stat g1[MAX_GUEST_DEVS];
  size_t nq = qmp_snapshot (hv, q1, MAX_DISKS + 1);
  size_t ng = out ? disk_guest_parse (out, g1, MAX_GUEST_DEVS) : 0;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  uint64_t now = gd_now_ns ();

  /* qemu's counters, from after the launch to before the shutdown. */
  f = open_memstream (&buf, &len);
  if (!f)
    return;
  fputc ('[', f);
  for (size_t i = 0; i < nq; i++) {
    struct disk_qmp_stats z = { .device = "" }, *b = &z;
    char series[96];
    for (size_t j = 0; j < st.nqmp0; j++)
      if (strcmp (st.qmp0[j].device, q1[i].device) == 0)
        b = &st.qmp0[j];
    fprintf (f, "%s{\"device\":", i ? "," : "");
    trace_json_string (f, q1[i].device);
    fprintf (f, ",\"rd_bytes\":%" PRIu64 ",\"wr_bytes\":%" PRIu64 ",\"rd_ops\":%" PRIu64
             ",\"wr_ops\":%" PRIu64 ",\"flush_ops\":%" PRIu64 ",\"flush_ms\":%.3f"
             ",\"rd_ms\":%.3f,\"wr_ms\":%.3f}",
             DELTA (q1[i], *b, rd_bytes), DELTA (q1[i], *b, wr_bytes),
             DELTA (q1[i], *b, rd_ops), DELTA (q1[i], *b, wr_ops),
             DELTA (q1[i], *b, flush_ops), DELTA (q1[i], *b, flush_ns) / 1e6,
             DELTA (q1[i], *b, rd_ns) / 1e6, DELTA (q1[i], *b, wr_ns) / 1e6);
    snprintf (series, sizeof series, "%s qmp bytes", q1[i].device);
    trace_counter (TL_DISK, series, now, "written", (double) DELTA (q1[i], *b, wr_bytes));
  }
  fputc (']', f);
  if (fclose (f) == 0 && nq)
    trace_summary_json (TL_DISK, "qmp", buf);
  free (buf);
  buf = NULL;

  /* The guest kernel's counters over the same interval. */
  f = open_memstream (&buf, &len);
  if (!f)
    return;
  fputc ('[', f);
  for (size_t i = 0; i < ng; i++) {
    struct disk_guest_stat z = { .dev = "" }, *b = &z;
    for (size_t j = 0; j < st.nguest0; j++)
      if (strcmp (st.guest0[j].dev, g1[i].dev) == 0)
        b = &st.guest0[j];
    fprintf (f, "%s{\"dev\":", i ? "," : "");
    trace_json_string (f, g1[i].dev);
    fprintf (f, ",\"rd_ios\":%" PRIu64 ",\"rd_bytes\":%" PRIu64 ",\"rd_ms\":%" PRIu64
             ",\"wr_ios\":%" PRIu64 ",\"wr_bytes\":%" PRIu64 ",\"wr_ms\":%" PRIu64
             ",\"flush_ios\":%" PRIu64 ",\"flush_ms\":%" PRIu64 "}",
             DELTA (g1[i], *b, rd_ios), DELTA (g1[i], *b, rd_sectors) * 512,
             DELTA (g1[i], *b, rd_ticks_ms), DELTA (g1[i], *b, wr_ios),
             DELTA (g1[i], *b, wr_sectors) * 512, DELTA (g1[i], *b, wr_ticks_ms),
             DELTA (g1[i], *b, flush_ios), DELTA (g1[i], *b, flush_ticks_ms));
  }
  fputc (']', f);
  if (fclose (f) == 0 && ng)
    trace_summary_json (TL_DISK, "guest", buf);
  free (buf);
  host_counters_summary (hv, now);
}

/* --- channel and protocol ---------------------------------------------- */

static void
channel_summary (struct hv *hv, uint64_t t_work)
{
  const struct channel_stats *c = channel_get_stats (hv_channel (hv));
  char buf[512];

  trace_summary_num (TL_CHANNEL, "bytes_in", c->bytes_in);
  trace_summary_num (TL_CHANNEL, "bytes_out", c->bytes_out);
  trace_summary_num (TL_CHANNEL, "read_calls", c->read_calls);
  trace_summary_num (TL_CHANNEL, "write_calls", c->write_calls);
  trace_summary_num (TL_CHANNEL, "wait_in_ms", c->wait_in_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "wait_out_ms", c->wait_out_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "launch_wait_in_ms", st.wait_in0_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "work_wait_in_ms", (c->wait_in_ns - st.wait_in0_ns) / 1e6);
  trace_summary_num (TL_CHANNEL, "work_wait_out_ms", (c->wait_out_ns - st.wait_out0_ns) / 1e6);
  trace_summary_num (TL_CHANNEL, "session_ms", (gd_now_ns () - t_work) / 1e6);
  /* The UML serial line's acknowledged window (0 elsewhere). */
  trace_summary_num (TL_CHANNEL, "window_acks", c->acks);
  trace_summary_num (TL_CHANNEL, "window_waits", c->window_waits);
  trace_summary_num (TL_CHANNEL, "window_wait_ms", c->wait_ack_ns / 1e6);
  /* UML's vhost-user virtio-console (0 elsewhere): the device thread's
   * counters, read once it has stopped or relaxed while it runs.
   */
  trace_summary_num (TL_CHANNEL, "vu_msgs", __atomic_load_n (&c->vu_msgs, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_kicks", __atomic_load_n (&c->vu_kicks, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_calls", __atomic_load_n (&c->vu_calls, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_descs", __atomic_load_n (&c->vu_descs, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_bytes_to_guest", __atomic_load_n (&c->vu_bytes_to_guest, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_bytes_from_guest", __atomic_load_n (&c->vu_bytes_from_guest, __ATOMIC_RELAXED));
  trace_summary_num (TL_CHANNEL, "vu_wait_guest_ms", __atomic_load_n (&c->vu_wait_guest_ns, __ATOMIC_RELAXED) / 1e6);
  trace_summary_num (TL_CHANNEL, "vu_wait_host_ms", __atomic_load_n (&c->vu_wait_host_ns, __ATOMIC_RELAXED) / 1e6);
  snprintf (buf, sizeof buf, "[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
            c->read_sizes[0], c->read_sizes[1], c->read_sizes[2],
            c->read_sizes[3], c->read_sizes[4]);
  trace_summary_json (TL_CHANNEL, "read_sizes", buf);
  snprintf (buf, sizeof buf, "[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
            c->write_sizes[0], c->write_sizes[1], c->write_sizes[2],
            c->write_sizes[3], c->write_sizes[4]);
  trace_summary_json (TL_CHANNEL, "write_sizes", buf);
  trace_summary_json (TL_CHANNEL, "size_classes",
                      "[\"<=64\",\"<=512\",\"<=4K\",\"<=64K\",\">64K\"]");
}

static void
protocol_summary (struct proto *p)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  int first = 1;

  if (!f)
    return;
  fputc ('{', f);
  for (uint32_t proc = 0; proc <= PROTO_PROC_MAX; proc++) {
    const struct proto_proc_stats *s = proto_get_stats (p, proc);
    const char *name = proto_proc_name (proc);
    char num[32];

    if (!s || s->calls == 0)
      continue;
    if (!name) {
      snprintf (num, sizeof num, "proc %u", proc);
      name = num;
    }
    fprintf (f, "%s\n   ", first ? "" : ",");
    trace_json_string (f, name);
    fprintf (f, ":{\"proc\":%u,\"calls\":%" PRIu64 ",\"errors\":%" PRIu64
             ",\"req_bytes\":%" PRIu64 ",\"reply_bytes\":%" PRIu64
             ",\"encode_ms\":%.3f,\"wait_ms\":%.3f,\"decode_ms\":%.3f"
             ",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"chunks_out\":%" PRIu64
             ",\"chunks_in\":%" PRIu64 ",\"file_bytes_out\":%" PRIu64
             ",\"file_bytes_in\":%" PRIu64 "}",
             proc, s->calls, s->errors, s->req_bytes, s->reply_bytes,
             s->encode_ns / 1e6, s->wait_ns / 1e6, s->decode_ns / 1e6,
             proto_latency_percentile (s, 50) / 1e6,
             proto_latency_percentile (s, 99) / 1e6, s->chunks_out,
             s->chunks_in, s->file_bytes_out, s->file_bytes_in);
    first = 0;
  }
  fputc ('}', f);
  if (fclose (f) == 0)
    trace_summary_json (TL_PROTOCOL, "procs", buf);
  free (buf);
}

/* --- entry points ------------------------------------------------------ */

void
trace_probe_launched (struct session *s)
{
  struct hv *hv = session_hv (s);
  struct hv_mark_info marks[64];
  unsigned n;
  char *out = NULL;
  char cmd[1024];

  if (!hv)
    return;
  st.t_launched = gd_now_ns ();
  if (hv_channel (hv)) {
    st.wait_in0_ns = channel_get_stats (hv_channel (hv))->wait_in_ns;
    st.wait_out0_ns = channel_get_stats (hv_channel (hv))->wait_out_ns;
  }
  n = hv_get_marks (hv, marks, 64);
  if (trace_on (TL_LAUNCHER))
    launcher_launched (s, hv);
  if (trace_on (TL_INIT) || trace_on (TL_DAEMON))
    init_and_daemon (hv, marks, n);
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
    kernel_marks (out ? out : "", marks, n);
  if (trace_on (TL_DISK))
    disk_begin (s, hv, out);
  free (out);
}

void
trace_probe_before_shutdown (struct session *s)
{
  struct hv *hv = session_hv (s);

  if (!hv)
    return;
  if (trace_on (TL_DISK)) {
    char *out = session_proto (s) ? guest_sh (s, disk_guest_stat_command) : NULL;
    disk_end (hv, out);
    free (out);
  }
  if (trace_on (TL_CHANNEL) && hv_channel (hv))
    channel_summary (hv, st.t_launched ? st.t_launched : session_launch_ready_ns (s));
  if (trace_on (TL_PROTOCOL) && session_proto (s))
    protocol_summary (session_proto (s));
}

void
trace_probe_hv_exit (struct hv *hv)
{
  const struct hv_stats *hs = hv_get_stats (hv);
  uint64_t now = gd_now_ns ();

  if (trace_on (TL_LAUNCHER)) {
    char args[160];
    trace_summary_num (TL_LAUNCHER, "hv_user_s", hs->user_s);
    trace_summary_num (TL_LAUNCHER, "hv_sys_s", hs->sys_s);
    trace_summary_num (TL_LAUNCHER, "hv_maxrss_kb", hs->maxrss_kb);
    trace_summary_num (TL_LAUNCHER, "hv_exit_status", hs->exit_status);
    trace_summary_num (TL_LAUNCHER, "hv_exit_ms", ms_since_origin (now));
    snprintf (args, sizeof args, "\"user_s\":%.3f,\"sys_s\":%.3f,\"maxrss_kb\":%ld,"
              "\"wait_status\":%d", hs->user_s, hs->sys_s, hs->maxrss_kb,
              hs->exit_status);
    trace_instant (TL_LAUNCHER, "hypervisor exit", now, args);
    trace_counter (TL_LAUNCHER, "hypervisor cpu s", now, "user", hs->user_s);
    trace_counter (TL_LAUNCHER, "hypervisor cpu s", now, "sys", hs->sys_s);
    trace_counter (TL_LAUNCHER, "hypervisor maxrss kB", now, "maxrss",
                   (double) hs->maxrss_kb);
  }
  if (trace_on (TL_DISK) && st.ndisks)
    host_counters_summary (hv, now);
  for (size_t i = 0; i < st.ndisks; i++) {
    free (st.paths[i]);
    st.paths[i] = NULL;
  }
  st.ndisks = 0;
}
