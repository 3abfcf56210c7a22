/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel's and the protocol's own counters, summarised at the end
 * of a traced session.  One traced session at a time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "probe-internal.h"
#include "../common/json-write.h"
#include "../trace/trace.h"
#include "../vhost/vhost-stats.h"

/* The channel's wait times at the launch flag: the session's share is
 * what comes after.
 */
static uint64_t wait_in0_ns, wait_out0_ns;

void
channel_probe_begin (struct hv *hv)
{
  if (hv_channel (hv)) {
    wait_in0_ns = channel_get_stats (hv_channel (hv))->wait_in_ns;
    wait_out0_ns = channel_get_stats (hv_channel (hv))->wait_out_ns;
  }
}

void
channel_probe_summary (struct hv *hv, uint64_t t_work)
{
  const struct channel_stats *c = channel_get_stats (hv_channel (hv));
  struct vhost_stats vu = { 0 };
  char buf[512];

  trace_summary_num (TL_CHANNEL, "bytes_in", c->bytes_in);
  trace_summary_num (TL_CHANNEL, "bytes_out", c->bytes_out);
  trace_summary_num (TL_CHANNEL, "read_calls", c->read_calls);
  trace_summary_num (TL_CHANNEL, "write_calls", c->write_calls);
  trace_summary_num (TL_CHANNEL, "wait_in_ms", c->wait_in_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "wait_out_ms", c->wait_out_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "launch_wait_in_ms", wait_in0_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "work_wait_in_ms", (c->wait_in_ns - wait_in0_ns) / 1e6);
  trace_summary_num (TL_CHANNEL, "work_wait_out_ms", (c->wait_out_ns - wait_out0_ns) / 1e6);
  trace_summary_num (TL_CHANNEL, "session_ms", (gd_now_ns () - t_work) / 1e6);
  /* The UML serial line's acknowledged window (0 elsewhere). */
  trace_summary_num (TL_CHANNEL, "window_acks", c->acks);
  trace_summary_num (TL_CHANNEL, "window_waits", c->window_waits);
  trace_summary_num (TL_CHANNEL, "window_wait_ms", c->wait_ack_ns / 1e6);
  /* UML's vhost-user virtio-console (0 elsewhere): the device thread's
   * own counters, one snapshot while it runs.
   */
  channel_vhost_stats (hv_channel (hv), &vu);
  trace_summary_num (TL_CHANNEL, "vu_msgs", vu.msgs);
  trace_summary_num (TL_CHANNEL, "vu_kicks", vu.kicks);
  trace_summary_num (TL_CHANNEL, "vu_calls", vu.calls);
  trace_summary_num (TL_CHANNEL, "vu_descs", vu.descs);
  trace_summary_num (TL_CHANNEL, "vu_bytes_to_guest", vu.bytes_to_guest);
  trace_summary_num (TL_CHANNEL, "vu_bytes_from_guest", vu.bytes_from_guest);
  trace_summary_num (TL_CHANNEL, "vu_wait_guest_ms", vu.wait_guest_ns / 1e6);
  trace_summary_num (TL_CHANNEL, "vu_wait_host_ms", vu.wait_host_ns / 1e6);
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

void
protocol_probe_summary (struct proto *p)
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
    json_write_string (f, name);
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
