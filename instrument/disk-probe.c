/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The disk layer on the timeline: qemu's block statistics (QMP), the
 * guest kernel's /sys/block counters (through the daemon) and the host
 * I/O counter in the hypervisor, from after the launch to the shutdown.
 * One traced session at a time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../disk/disk.h"
#include "../common/json-write.h"
#include "../trace/trace.h"

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
} st;

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

    if (disk_counters_read (hv_tmpdir (hv), i, &c) == -1) {
      trace_summary_str (TL_DISK, "iocount_error", gd_get_error ());
      break;
    }
    fprintf (f, "%s{\"idx\":%zu,\"path\":", i ? "," : "", i);
    json_write_string (f, st.paths[i] ? st.paths[i] : "?");
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

void
disk_probe_begin (struct session *s, struct hv *hv, const char *out)
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

void
disk_probe_end (struct hv *hv, const char *out)
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
    json_write_string (f, q1[i].device);
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
    json_write_string (f, g1[i].dev);
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

void
disk_probe_hv_exit (struct hv *hv, uint64_t now)
{
  if (trace_on (TL_DISK) && st.ndisks)
    host_counters_summary (hv, now);
  for (size_t i = 0; i < st.ndisks; i++) {
    free (st.paths[i]);
    st.paths[i] = NULL;
  }
  st.ndisks = 0;
}
