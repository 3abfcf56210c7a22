/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `guestdrv report [--json] TRACE.json`: the run's summary (written into
 * the trace as otherData.summary) as per-layer tables for a terminal, or
 * as JSON for machines.  File transfers come from the timeline's
 * "upload data"/"download data" and channel "transfer" events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrument.h"
#include "../common/json.h"
#include "../trace/trace.h"
#include "../common/error.h"

/* Traces of long runs with every layer on stay well below this. */
#define REPORT_MAX_BYTES (1024UL * 1024 * 1024)


static double
num (const struct json *o, const char *key)
{
  return json_number (json_get (o, key), 0);
}

static const char *
human_bytes (double b, char *buf, size_t len)
{
  if (b >= 1024.0 * 1024 * 1024)
    snprintf (buf, len, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  else if (b >= 1024.0 * 1024)
    snprintf (buf, len, "%.2f MiB", b / (1024.0 * 1024));
  else if (b >= 1024.0)
    snprintf (buf, len, "%.1f KiB", b / 1024.0);
  else
    snprintf (buf, len, "%.0f B", b);
  return buf;
}

static void
heading (const char *layer, const struct json *o, const char *extra)
{
  printf ("\n%s%s%s\n", layer, extra ? "  " : "", extra ? extra : "");
  if (!o || o->n == 0)
    printf ("  (not traced)\n");
}

static void
row_ms (const struct json *o, const char *label, const char *key)
{
  const struct json *v = json_get (o, key);
  if (v)
    printf ("  %-34s %12.3f ms\n", label, json_number (v, 0));
}

static void
report_launcher (const struct json *o)
{
  char b[32];

  heading ("launcher", o, json_string (json_get (o, "backend"), NULL));
  if (!o || !o->n)
    return;
  row_ms (o, "command line built", "cmdline_ms");
  row_ms (o, "fork + exec", "fork_exec_ms");
  row_ms (o, "exec -> first console byte", "exec_to_first_console_ms");
  row_ms (o, "exec -> launch flag", "exec_to_launch_flag_ms");
  row_ms (o, "launch total (prepare .. ready)", "launch_ms");
  if (json_get (o, "hv_user_s"))
    printf ("  %-34s user %.2f s, sys %.2f s, peak RSS %s, wait status %.0f\n",
            "hypervisor at exit", num (o, "hv_user_s"), num (o, "hv_sys_s"),
            human_bytes (num (o, "hv_maxrss_kb") * 1024, b, sizeof b),
            num (o, "hv_exit_status"));
}

static void
report_marks (const struct json *marks, const char *namekey,
              const char *guestkey, const char *guestlabel)
{
  double prev = -1;

  if (!marks || marks->type != JSON_ARRAY)
    return;
  printf ("  %-20s %14s %12s %12s\n", "mark", guestlabel, "host ms", "+ms");
  for (size_t i = 0; i < marks->n; i++) {
    const struct json *m = &marks->kids[i];
    double h = num (m, "host_ms");
    printf ("  %-20s %14.3f %12.1f", json_string (json_get (m, namekey), "?"),
            num (m, guestkey), h);
    if (prev >= 0)
      printf (" %12.1f", h - prev);
    printf ("\n");
    prev = h;
  }
}

static void
report_kernel (const struct json *o)
{
  heading ("kernel", o, NULL);
  if (!o || !o->n)
    return;
  if (json_get (o, "error"))
    printf ("  %s\n", json_string (json_get (o, "error"), ""));
  report_marks (json_get (o, "marks"), "name", "guest_s", "printk s");
  if (json_get (o, "method"))
    printf ("  mapping: %s (%.0f reference pairs)\n",
            json_string (json_get (o, "method"), ""), num (o, "reference_pairs"));
}

static void
report_init (const struct json *o)
{
  const struct json *marks = json_get (o, "marks");

  heading ("init", o, "(stage = time from the previous mark)");
  if (!marks || marks->type != JSON_ARRAY)
    return;
  printf ("  %-20s %14s %12s %12s %12s\n", "stage", "guest uptime s",
          "host ms", "stage ms", "guest ms");
  for (size_t i = 0; i < marks->n; i++) {
    const struct json *m = &marks->kids[i];
    printf ("  %-20s %14.2f %12.1f %12.1f %12.1f\n",
            json_string (json_get (m, "stage"), "?"), num (m, "guest_uptime_s"),
            num (m, "host_ms"), num (m, "stage_ms"), num (m, "guest_stage_ms"));
  }
}

static void
report_daemon (const struct json *o)
{
  heading ("daemon", o, NULL);
  if (!o || !o->n)
    return;
  row_ms (o, "launch flag at", "launch_flag_ms");
  row_ms (o, "/init start -> launch flag", "init_start_to_launch_flag_ms");
  row_ms (o, "daemon exec -> launch flag", "daemon_exec_to_launch_flag_ms");
}

/* Transfers from the timeline: protocol "upload data"/"download data". */
static void
report_transfers (const struct json *events, const char *layer)
{
  int any = 0;

  if (!events || events->type != JSON_ARRAY)
    return;
  for (size_t i = 0; i < events->n; i++) {
    const struct json *e = &events->kids[i];
    const struct json *args = json_get (e, "args");
    const char *name = json_string (json_get (e, "name"), "");
    double bytes, dur_ms;
    char b[32];

    if (strcmp (json_string (json_get (e, "cat"), ""), layer) != 0 ||
        strcmp (json_string (json_get (e, "ph"), ""), "X") != 0)
      continue;
    if (strcmp (layer, "protocol") == 0 && strcmp (name, "upload data") &&
        strcmp (name, "download data"))
      continue;
    if (strcmp (layer, "channel") == 0 && strncmp (name, "transfer", 8))
      continue;
    if (!any)
      printf ("  %-16s %8s %12s %10s %10s %9s\n", "transfer", "serial",
              "bytes", "ms", "MB/s", "chunks");
    any = 1;
    bytes = num (args, "bytes");
    dur_ms = num (e, "dur") / 1e3;
    printf ("  %-16s %8.0f %12s %10.1f %10.1f %9.0f\n", name, num (args, "serial"),
            human_bytes (bytes, b, sizeof b), dur_ms,
            dur_ms > 0 ? bytes / 1e6 / (dur_ms / 1e3) : 0,
            num (args, strcmp (layer, "channel") == 0 ? "syscalls" : "chunks"));
  }
}

static void
sizes_row (const char *label, const struct json *a, const struct json *classes)
{
  if (!a || a->type != JSON_ARRAY)
    return;
  printf ("  %-16s", label);
  for (size_t i = 0; i < a->n; i++)
    printf (" %s:%.0f", classes && i < classes->n ? json_string (&classes->kids[i], "?") : "?",
            json_number (&a->kids[i], 0));
  printf ("\n");
}

static void
report_channel (const struct json *o, const struct json *events)
{
  char b1[32], b2[32];

  heading ("channel", o, NULL);
  if (!o || !o->n)
    return;
  printf ("  %-34s %s in (%.0f read syscalls), %s out (%.0f write syscalls)\n",
          "bytes", human_bytes (num (o, "bytes_in"), b1, sizeof b1),
          num (o, "read_calls"), human_bytes (num (o, "bytes_out"), b2, sizeof b2),
          num (o, "write_calls"));
  printf ("  %-34s %.1f ms for the launch flag\n", "blocked on the peer",
          num (o, "launch_wait_in_ms"));
  printf ("  %-34s %.1f ms waiting for data, %.1f ms waiting to send "
          "(of %.1f ms)\n", "  after the launch flag",
          num (o, "work_wait_in_ms"), num (o, "work_wait_out_ms"),
          num (o, "session_ms"));
  if (num (o, "window_acks") > 0)
    printf ("  %-34s %.0f acks, full %.0f times, %.1f ms waiting for acks\n",
            "serial-line window", num (o, "window_acks"),
            num (o, "window_waits"), num (o, "window_wait_ms"));
  if (num (o, "vu_msgs") > 0) {
    printf ("  %-34s %.0f messages, %.0f kicks, %.0f calls, %.0f descriptors\n",
            "vhost-user console", num (o, "vu_msgs"), num (o, "vu_kicks"),
            num (o, "vu_calls"), num (o, "vu_descs"));
    printf ("  %-34s %s to the guest, %s from it; %.1f ms host data waited "
            "for guest buffers, %.1f ms guest data for the host\n", "",
            human_bytes (num (o, "vu_bytes_to_guest"), b1, sizeof b1),
            human_bytes (num (o, "vu_bytes_from_guest"), b2, sizeof b2),
            num (o, "vu_wait_guest_ms"), num (o, "vu_wait_host_ms"));
  }
  sizes_row ("read sizes", json_get (o, "read_sizes"), json_get (o, "size_classes"));
  sizes_row ("write sizes", json_get (o, "write_sizes"), json_get (o, "size_classes"));
  report_transfers (events, "channel");
}

static void
report_protocol (const struct json *o, const struct json *events)
{
  const struct json *procs = json_get (o, "procs");

  heading ("protocol", o, NULL);
  if (!procs || procs->type != JSON_OBJECT)
    return;
  printf ("  %-20s %5s %4s %9s %9s %9s %10s %9s %9s %9s\n", "procedure", "calls",
          "err", "req B", "reply B", "enc ms", "wait ms", "dec ms", "p50 ms", "p99 ms");
  for (size_t i = 0; i < procs->n; i++) {
    const struct json *p = &procs->kids[i];
    printf ("  %-20s %5.0f %4.0f %9.0f %9.0f %9.3f %10.1f %9.3f %9.1f %9.1f\n",
            procs->keys[i], num (p, "calls"), num (p, "errors"),
            num (p, "req_bytes"), num (p, "reply_bytes"), num (p, "encode_ms"),
            num (p, "wait_ms"), num (p, "decode_ms"), num (p, "p50_ms"),
            num (p, "p99_ms"));
  }
  report_transfers (events, "protocol");
}

/* Keys of one block-device table row: name, bytes read and written,
 * read and write operations, flushes, flush time.
 */
static const char *const qmp_keys[7] = {
  "device", "rd_bytes", "wr_bytes", "rd_ops", "wr_ops", "flush_ops", "flush_ms"
};
static const char *const guest_keys[7] = {
  "dev", "rd_bytes", "wr_bytes", "rd_ios", "wr_ios", "flush_ios", "flush_ms"
};

static void
report_block_table (const struct json *rows, const char *title,
                    const char *rd_head, const char *wr_head,
                    const char *const keys[7], int ms_decimals)
{
  char b1[32], b2[32];

  if (!rows || rows->type != JSON_ARRAY || !rows->n)
    return;
  printf ("  %s:\n", title);
  printf ("  %-10s %11s %11s %7s %7s %7s %9s\n", "device", "read", "written",
          rd_head, wr_head, "flushes", "flush ms");
  for (size_t i = 0; i < rows->n; i++) {
    const struct json *r = &rows->kids[i];
    printf ("  %-10s %11s %11s %7.0f %7.0f %7.0f %9.*f\n",
            json_string (json_get (r, keys[0]), "?"),
            human_bytes (num (r, keys[1]), b1, sizeof b1),
            human_bytes (num (r, keys[2]), b2, sizeof b2),
            num (r, keys[3]), num (r, keys[4]), num (r, keys[5]),
            ms_decimals, num (r, keys[6]));
  }
}

static void
report_disk (const struct json *o)
{
  const struct json *host = json_get (o, "host"), *qmp = json_get (o, "qmp");
  const struct json *guest = json_get (o, "guest");
  char b1[32], b2[32];

  heading ("disk", o, NULL);
  if (!o || !o->n)
    return;
  if (json_get (o, "iocount_error"))
    printf ("  host counter: %s\n", json_string (json_get (o, "iocount_error"), ""));
  if (json_get (o, "qmp_error"))
    printf ("  qmp: %s\n", json_string (json_get (o, "qmp_error"), ""));
  if (host && host->type == JSON_ARRAY && host->n) {
    printf ("  host (the hypervisor's system calls on the image, whole run;\n"
            "  zeroes and discards are fallocate calls, not bytes written):\n");
    printf ("  %-4s %-10s %11s %11s %7s %7s %7s %9s %6s %6s %5s\n", "idx", "cache",
            "read", "written", "reads", "writes", "flushes", "flush ms",
            "falloc", "syncop", "procs");
    for (size_t i = 0; i < host->n; i++) {
      const struct json *h = &host->kids[i];
      printf ("  hd%-2.0f %-10s %11s %11s %7.0f %7.0f %7.0f %9.1f %6.0f %6.0f %5.0f\n",
              num (h, "idx"), json_string (json_get (h, "cache"), "?"),
              human_bytes (num (h, "bytes_read"), b1, sizeof b1),
              human_bytes (num (h, "bytes_written"), b2, sizeof b2),
              num (h, "reads"), num (h, "writes"), num (h, "flushes"),
              num (h, "flush_ms"), num (h, "fallocates"), num (h, "sync_opens"),
              num (h, "processes"));
    }
  }
  report_block_table (qmp, "qemu block layer (query-blockstats, launch .. shutdown)",
                      "rd ops", "wr ops", qmp_keys, 1);
  report_block_table (guest, "guest kernel (/sys/block/*/stat, launch .. shutdown)",
                      "rd ios", "wr ios", guest_keys, 0);
}

int
report_main (int argc, char **argv)
{
  const char *path = NULL;
  const struct json *sum, *events;
  struct json *j;
  bool as_json = false;

  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--json") == 0)
      as_json = true;
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf (stderr, "guestdrv: report: unknown option '%s' "
               "(usage: guestdrv report [--json] TRACE.json)\n", argv[i]);
      return 1;
    }
    else if (!path)
      path = argv[i];
    else {
      fprintf (stderr, "guestdrv: report: one trace file at a time\n");
      return 1;
    }
  }
  if (!path) {
    fprintf (stderr, "guestdrv: report: usage: guestdrv report [--json] TRACE.json "
             "(write one with --trace FILE)\n");
    return 1;
  }
  j = json_parse_file (path, REPORT_MAX_BYTES);
  if (!j) {
    fprintf (stderr, "guestdrv: report: %s\n", gd_get_error ());
    return 1;
  }
  sum = json_path (j, "otherData.summary");
  events = json_get (j, "traceEvents");
  if (!sum || sum->type != JSON_OBJECT) {
    fprintf (stderr, "guestdrv: report: %s: no otherData.summary: not a "
             "guestdrv trace, or written by an older guestdrv\n", path);
    json_free (j);
    return 1;
  }
  if (as_json) {
    json_write (stdout, sum, 2);
    printf ("\n");
  }
  else {
    printf ("guestdrv report: %s", path);
    report_launcher (json_get (sum, "launcher"));
    report_kernel (json_get (sum, "kernel"));
    report_init (json_get (sum, "init"));
    report_daemon (json_get (sum, "daemon"));
    report_channel (json_get (sum, "channel"), events);
    report_protocol (json_get (sum, "protocol"), events);
    report_disk (json_get (sum, "disk"));
  }
  json_free (j);
  return 0;
}
