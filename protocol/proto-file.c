/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FileIn and FileOut calls (PROTOCOL.md §8, §9): the chunk streams and
 * their two different cancellation dances.
 *
 * Upload: the call, then the source's data as chunks of up to 8 KiB,
 * several chunks per writev(), then the end marker.  Between batches we
 * look (without blocking) for the daemon's cancel word; on it we end the
 * stream with a cancel chunk and read the error reply.  We never wait
 * for a reply before the stream is ended: the daemon waits for the end
 * marker even when it rejected the call at once.
 *
 * Download: the call, the reply, then chunks until n = 0.  A sink error
 * sends a bare cancel word and drains until cancel = 1 or n = 0.  A
 * cancel = 1 chunk we did not ask for is the daemon's only way to say
 * that the transfer failed: no reply follows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "proto-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../trace/trace.h"

#define BATCH_CHUNKS (PROTO_FILEIN_BATCH / PROTO_CHUNK_MAX)

static const unsigned char zero_pad[4];

static int
ensure_fbuf (struct proto *p)
{
  if (p->fbuf == NULL) {
    p->fbuf = malloc (PROTO_FILEIN_BATCH);
    if (p->fbuf == NULL) {
      gd_set_error_errno ("malloc");
      return -1;
    }
  }
  return 0;
}

/* Send LEN bytes of BUF as data chunks, all in one writev(), with no
 * copy of the data.
 */
static int
send_data (struct proto *p, const unsigned char *buf, size_t len,
           uint64_t *chunks)
{
  unsigned char heads[BATCH_CHUNKS][PROTO_CHUNK_HEAD_LEN];
  struct iovec iov[3 * BATCH_CHUNKS];
  size_t off = 0;
  int cnt = 0;
  unsigned k = 0;

  while (off < len) {
    size_t n = len - off < PROTO_CHUNK_MAX ? len - off : PROTO_CHUNK_MAX;

    proto_encode_chunk_head (heads[k], 0, n);
    iov[cnt].iov_base = heads[k];
    iov[cnt++].iov_len = PROTO_CHUNK_HEAD_LEN;
    iov[cnt].iov_base = (void *) (buf + off);
    iov[cnt++].iov_len = n;
    if (n & 3) {
      iov[cnt].iov_base = (void *) zero_pad;
      iov[cnt++].iov_len = PROTO_PAD4 (n) - n;
    }
    k++;
    off += n;
  }
  if (channel_writev_full (p->ch, iov, cnt) == -1) {
    proto_fail (p);
    return -1;
  }
  *chunks += k;
  return 0;
}

/* The end marker (cancel = 0) or a cancel chunk (cancel = 1), no data. */
static int
send_end (struct proto *p, int cancel, uint64_t *chunks)
{
  unsigned char head[PROTO_CHUNK_HEAD_LEN];

  proto_encode_chunk_head (head, cancel, 0);
  if (channel_write_full (p->ch, head, sizeof head) == -1) {
    proto_fail (p);
    return -1;
  }
  (*chunks)++;
  return 0;
}

/* Handle whatever the daemon sent during an upload, without blocking
 * for more.  Only progress records and the cancel word are legal here.
 */
static int
check_daemon (struct proto *p, bool *cancelled)
{
  for (;;) {
    uint32_t w;
    int r = channel_readable (p->ch);

    if (r == -1) {
      proto_fail (p);
      return -1;
    }
    if (r == 0)
      return 0;
    if (proto_read_word (p, PROTO_WORD_RETURN_PROGRESS, &w) == -1)
      return -1;
    if (w == PROTO_PROGRESS_FLAG)
      continue;
    if (w == PROTO_CANCEL_FLAG) {
      *cancelled = true;
      return 0;
    }
    return proto_desync (p, "unexpected word 0x%08x from the daemon during "
                         "an upload (expected only progress or cancel)", w);
  }
}

static void
trace_transfer (const char *what, uint32_t proc, uint32_t serial,
                uint64_t t0, uint64_t t1, uint64_t chunks, uint64_t bytes)
{
  gd_debug ("protocol", "%s %s serial 0x%08x: %" PRIu64 " chunks, %" PRIu64
            " bytes, %.3f ms", what, proto_proc_name (proc) ? : "?", serial,
            chunks, bytes, (t1 - t0) / 1e6);
  if (trace_on (TL_PROTOCOL)) {
    char args[160];

    snprintf (args, sizeof args, "\"serial\":%u,\"chunks\":%" PRIu64
              ",\"bytes\":%" PRIu64 ",\"duration_us\":%.1f,\"MB_s\":%.2f",
              serial, chunks, bytes, (t1 - t0) / 1e3,
              t1 > t0 ? bytes / 1e6 / ((t1 - t0) / 1e9) : 0);
    trace_complete (TL_PROTOCOL, what, t0, t1, args);
  }
}

/* The channel's view of one transfer: bytes, syscalls and time blocked
 * between two snapshots of its counters (only when the layer is traced).
 */
static void
trace_channel_transfer (struct proto *p, const char *name, uint32_t serial,
                        const struct channel_stats *a, uint64_t t0)
{
  const struct channel_stats *b = channel_get_stats (p->ch);
  uint64_t t1 = gd_now_ns ();
  uint64_t bytes = b->bytes_in - a->bytes_in + b->bytes_out - a->bytes_out;
  char args[256];

  snprintf (args, sizeof args, "\"serial\":%u,\"bytes\":%" PRIu64
            ",\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64
            ",\"syscalls\":%" PRIu64 ",\"wait_in_ms\":%.3f,\"wait_out_ms\":%.3f"
            ",\"wait_ack_ms\":%.3f,\"MB_s\":%.2f", serial, bytes,
            b->bytes_in - a->bytes_in,
            b->bytes_out - a->bytes_out,
            b->read_calls - a->read_calls + b->write_calls - a->write_calls,
            (b->wait_in_ns - a->wait_in_ns) / 1e6,
            (b->wait_out_ns - a->wait_out_ns) / 1e6,
            (b->wait_ack_ns - a->wait_ack_ns) / 1e6,
            t1 > t0 ? bytes / 1e6 / ((t1 - t0) / 1e9) : 0);
  trace_complete (TL_CHANNEL, name, t0, t1, args);
}

static void
count_transfer (struct proto *p, uint32_t proc, bool in,
                uint64_t chunks, uint64_t bytes)
{
  struct proto_proc_stats *s = proto_stats_for (p, proc);

  if (s == NULL)
    return;
  if (in) {
    s->chunks_in += chunks;
    s->file_bytes_in += bytes;
  }
  else {
    s->chunks_out += chunks;
    s->file_bytes_out += bytes;
  }
}

/* The start both transfer directions share: check that PROC moves a file
 * the way the caller expects, take the session, send the call.  On
 * success the caller owes proto_end; on failure nothing is owed.
 */
/* The caller's source or sink failed (errno ERR, message MSG): the call
 * was cancelled.  Returns -2.
 */
static int
callback_failed (const char *what, int err, const char *msg)
{
  errno = err;
  gd_set_error ("%s cancelled: the data %s failed: %s", what,
                strcmp (what, "upload") == 0 ? "source" : "sink",
                msg ? msg : "unknown error");
  return -2;
}

static int
transfer_start (struct proto *p, uint32_t proc, int kind, const char *what,
                uint64_t progress_hint, uint64_t optargs_bitmask,
                const struct proto_args *args, struct proto_reply *r,
                uint32_t *serial, uint64_t *t0, size_t *req_bytes)
{
  memset (r, 0, sizeof *r);
  if (proto_proc_transfer (proc) != kind) {
    errno = EINVAL;
    gd_set_error ("procedure %u is not %s call", proc, what);
    return -1;
  }
  if (proto_begin (p) == -1)
    return -1;
  if (ensure_fbuf (p) == -1)
    goto fail;
  *t0 = gd_now_ns ();
  *serial = p->serial++;
  if (proto_send_call (p, proc, *serial, progress_hint, optargs_bitmask, args,
                       req_bytes) == -1)
    goto fail;
  return 0;
 fail:
  proto_end (p);
  return -1;
}

int
proto_call_filein (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
                   const struct proto_args *args, uint64_t progress_hint,
                   proto_source_fn src, void *src_opaque,
                   struct proto_reply *r)
{
  uint64_t t0, t_sent, t_end, decode_ns = 0, chunks = 0, bytes = 0;
  struct channel_stats ch0;
  size_t req_bytes = 0, reply_bytes = 0;
  bool daemon_cancel = false, src_failed = false;
  char *src_msg = NULL;
  int src_errno = 0;
  uint32_t serial;
  int ret = -1;

  if (transfer_start (p, proc, PROTO_TRANSFER_FILEIN, "an upload (FileIn)",
                      progress_hint, optargs_bitmask, args, r,
                      &serial, &t0, &req_bytes) == -1)
    return -1;
  t_sent = gd_now_ns ();
  if (trace_on (TL_CHANNEL))
    ch0 = *channel_get_stats (p->ch);

  for (;;) {
    ssize_t got;

    gd_clear_error ();
    got = src (src_opaque, p->fbuf, PROTO_FILEIN_BATCH);
    if (got < 0 || got > (ssize_t) PROTO_FILEIN_BATCH) {
      src_errno = got < 0 ? errno : EINVAL;
      src_msg = strdup (got < 0 ? gd_get_error () : "returned too much data");
      src_failed = true;
      if (send_end (p, 1, &chunks) == -1)
        goto out;
      break;
    }
    if (got == 0) {
      if (send_end (p, 0, &chunks) == -1)
        goto out;
      break;
    }
    if (send_data (p, p->fbuf, got, &chunks) == -1)
      goto out;
    bytes += got;
    if (check_daemon (p, &daemon_cancel) == -1)
      goto out;
    if (daemon_cancel) {
      gd_debug ("protocol", "daemon cancelled the upload after %" PRIu64
                " bytes", bytes);
      if (send_end (p, 1, &chunks) == -1)
        goto out;
      break;
    }
  }

  if (proto_read_reply (p, proc, serial, r, &reply_bytes, &decode_ns) == -1)
    goto out;
  t_end = gd_now_ns ();
  proto_account (p, proc, serial, r->status, req_bytes, reply_bytes,
                 t0, t_sent, t_end, t_sent - t0, decode_ns);
  count_transfer (p, proc, false, chunks, bytes);
  trace_transfer ("upload data", proc, serial, t_sent, t_end, chunks, bytes);
  if (trace_on (TL_CHANNEL))
    trace_channel_transfer (p, "transfer out", serial, &ch0, t_sent);
  ret = src_failed ? callback_failed ("upload", src_errno, src_msg) : 0;
 out:
  free (src_msg);
  proto_end (p);
  return ret;
}

int
proto_call_fileout (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
                    const struct proto_args *args,
                    proto_sink_fn sink, void *sink_opaque,
                    struct proto_reply *r)
{
  static const unsigned char cancel_word[4] = { 0xff, 0xff, 0xee, 0xee };
  uint64_t t0, t_sent, t_reply, decode_ns = 0, chunks = 0, bytes = 0;
  uint64_t limit, drained = 0;
  struct channel_stats ch0;
  size_t req_bytes = 0, reply_bytes = 0;
  bool user_cancel = false;
  char *sink_msg = NULL;
  int sink_errno = 0, cancel_errno = 0;
  uint32_t serial;
  int ret = -1;

  if (transfer_start (p, proc, PROTO_TRANSFER_FILEOUT, "a download (FileOut)",
                      0, optargs_bitmask, args, r,
                      &serial, &t0, &req_bytes) == -1)
    return -1;
  limit = p->fileout_limit;
  t_sent = gd_now_ns ();
  if (proto_read_reply (p, proc, serial, r, &reply_bytes, &decode_ns) == -1)
    goto out;
  t_reply = gd_now_ns ();
  if (trace_on (TL_CHANNEL))
    ch0 = *channel_get_stats (p->ch);
  proto_account (p, proc, serial, r->status, req_bytes, reply_bytes,
                 t0, t_sent, t_reply, t_sent - t0, decode_ns);
  if (r->status != 0) {         /* failed before the transfer: no chunks */
    ret = 0;
    goto out;
  }

  for (;;) {
    unsigned char head[8];
    uint32_t w, n;
    int cancel;

    if (proto_read_word (p, 0, &w) == -1)
      goto out;
    if (w == PROTO_CANCEL_FLAG) {
      proto_desync (p, "unexpected cancel word from the daemon during "
                    "a download");
      goto out;
    }
    if (proto_check_chunk_len (w) == -1 ||
        channel_read_full (p->ch, head, sizeof head) == -1 ||
        proto_decode_chunk_head (w, head, &cancel, &n) == -1 ||
        channel_read_full (p->ch, p->fbuf, PROTO_PAD4 (n)) == -1) {
      proto_fail (p);
      goto out;
    }
    chunks++;
    bytes += n;
    if (limit && bytes > limit) {
      proto_desync (p, "the daemon sent more than the %" PRIu64 " bytes "
                    "asked for", limit);
      goto out;
    }
    if (user_cancel && (drained += n) > PROTO_DRAIN_MAX) {
      proto_desync (p, "the daemon kept sending data %u MiB past our "
                    "cancel", PROTO_DRAIN_MAX >> 20);
      goto out;
    }
    if (cancel) {
      errno = cancel_errno = user_cancel ? sink_errno : EIO;
      if (user_cancel)
        gd_set_error ("download cancelled: the data sink failed: %s",
                      sink_msg ? sink_msg : "unknown error");
      else
        gd_set_error ("download failed in the appliance (the daemon "
                      "cancelled the transfer; see the appliance console)");
      ret = -2;
      break;
    }
    if (n == 0) {
      /* If we had cancelled, the daemon finished first and ignores our
       * cancel word in its main loop (§9).
       */
      ret = user_cancel ? callback_failed ("download", sink_errno, sink_msg)
                        : 0;
      break;
    }
    if (user_cancel)
      continue;                 /* draining what was already on the way */
    gd_clear_error ();
    if (sink (sink_opaque, p->fbuf, n) == -1) {
      sink_errno = errno;
      sink_msg = strdup (gd_get_error ());
      user_cancel = true;
      if (channel_write_full (p->ch, cancel_word, sizeof cancel_word) == -1) {
        proto_fail (p);
        goto out;
      }
    }
  }
  count_transfer (p, proc, true, chunks, bytes);
  trace_transfer ("download data", proc, serial, t_reply, gd_now_ns (),
                  chunks, bytes);
  if (trace_on (TL_CHANNEL))
    trace_channel_transfer (p, "transfer in", serial, &ch0, t_reply);
 out:
  free (sink_msg);
  proto_end (p);
  /* The caller tells the daemon's cancel (EIO) from ours by errno. */
  if (ret == -2)
    errno = user_cancel ? sink_errno : cancel_errno;
  return ret;
}
