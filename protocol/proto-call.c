/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A protocol session over a channel: serials, sending calls, reading
 * replies (with progress records and stray cancel words skipped, §7,
 * §8, §10), and accounting.  Any transport failure or desync breaks the
 * session for good: after it we cannot know where the next unit starts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../trace/trace.h"

struct proto *
proto_new (struct channel *ch)
{
  struct proto *p = calloc (1, sizeof *p);

  if (p == NULL) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  p->ch = ch;
  p->serial = PROTO_FIRST_SERIAL;
  return p;
}

void
proto_set_call_timeout (struct proto *p, int timeout_ms)
{
  p->call_timeout_ns = timeout_ms > 0 ? (uint64_t) timeout_ms * 1000000 : 0;
}

void
proto_set_fileout_limit (struct proto *p, uint64_t max_bytes)
{
  p->fileout_limit = max_bytes;
}

int
proto_check_deadline (struct proto *p)
{
  if (p->deadline_ns && gd_now_ns () >= p->deadline_ns) {
    errno = ETIMEDOUT;
    gd_set_error ("the call did not end within its deadline of %g s "
                  "(the daemon kept sending progress or data): use "
                  "--call-timeout to allow more", p->call_timeout_ns / 1e9);
    proto_fail (p);
    return -1;
  }
  return 0;
}

void
proto_free (struct proto *p)
{
  if (p == NULL)
    return;
  proto_stats_free (p);
  free (p->rbuf);
  free (p->fbuf);
  free (p->broken_msg);
  free (p);
}

void
proto_set_progress (struct proto *p, proto_progress_fn fn, void *opaque)
{
  p->progress_fn = fn;
  p->progress_opaque = opaque;
}

int
proto_begin (struct proto *p)
{
  if (p->broken) {
    errno = EPROTO;
    gd_set_error ("protocol session unusable after an earlier failure: %s",
                  p->broken_msg ? p->broken_msg : "unknown error");
    return -1;
  }
  if (p->busy) {
    errno = EBUSY;
    gd_set_error ("a call is already in progress on this session "
                  "(callbacks may not make calls)");
    return -1;
  }
  p->busy = true;
  if (p->call_timeout_ns) {
    p->deadline_ns = gd_now_ns () + p->call_timeout_ns;
    channel_set_deadline (p->ch, p->deadline_ns);
  }
  return 0;
}

void
proto_end (struct proto *p)
{
  p->busy = false;
  p->fileout_limit = 0;
  if (p->deadline_ns) {
    p->deadline_ns = 0;
    channel_set_deadline (p->ch, 0);
  }
}

void
proto_fail (struct proto *p)
{
  if (!p->broken) {
    p->broken = true;
    p->broken_msg = strdup (gd_get_error ());
  }
}

int
proto_send_call (struct proto *p, uint32_t proc, uint32_t serial,
                 uint64_t progress_hint, uint64_t optargs_bitmask,
                 const struct proto_args *args, size_t *req_bytes)
{
  unsigned char head[PROTO_CALL_HEAD_LEN];
  struct iovec iov[2];
  const void *adata = NULL;
  size_t alen = 0;

  if (args)
    adata = proto_args_data (args, &alen);
  if (proto_encode_call_head (head, proc, serial, progress_hint,
                              optargs_bitmask, alen) == -1)
    return -1;                  /* nothing sent: the session is fine */
  iov[0].iov_base = head;
  iov[0].iov_len = sizeof head;
  iov[1].iov_base = (void *) adata;
  iov[1].iov_len = alen;
  *req_bytes = sizeof head + alen;
  if (channel_writev_full (p->ch, iov, 2) == -1) {
    proto_fail (p);
    return -1;
  }
  return 0;
}

static int
handle_progress (struct proto *p)
{
  unsigned char rec[PROTO_PROGRESS_LEN];
  gd_progress pr;

  if (channel_read_full (p->ch, rec, sizeof rec) == -1 ||
      proto_decode_progress (rec, &pr) == -1)
    return -1;
  gd_debug ("protocol", "progress %s serial 0x%08x: %" PRIu64 "/%" PRIu64,
            proto_proc_name (pr.proc) ? : "?", pr.serial,
            (uint64_t) pr.position, (uint64_t) pr.total);
  if (trace_on (TL_PROTOCOL)) {
    char args[96];

    snprintf (args, sizeof args, "\"serial\":%u,\"position\":%" PRIu64
              ",\"total\":%" PRIu64, pr.serial, (uint64_t) pr.position,
              (uint64_t) pr.total);
    trace_instant (TL_PROTOCOL, "progress", gd_now_ns (), args);
  }
  if (p->progress_fn)
    p->progress_fn (p->progress_opaque, pr.proc, pr.serial,
                    pr.position, pr.total);
  return 0;
}

int
proto_read_word (struct proto *p, unsigned flags, uint32_t *w)
{
  unsigned char b[4];

  for (;;) {
    if (p->deadline_ns && proto_check_deadline (p) == -1)
      return -1;
    if (channel_read_full (p->ch, b, sizeof b) == -1)
      goto fail;
    *w = proto_word (b);
    if (*w == PROTO_PROGRESS_FLAG) {
      if (handle_progress (p) == -1)
        goto fail;
      if (flags & PROTO_WORD_RETURN_PROGRESS)
        return 0;
      continue;
    }
    /* After a FileIn whose end marker was already sent, the daemon's
     * cancel word comes just before its error reply (§8).
     */
    if (*w == PROTO_CANCEL_FLAG && (flags & PROTO_WORD_SKIP_CANCEL)) {
      gd_debug ("protocol", "skipping a cancel word before the reply");
      continue;
    }
    return 0;
  }

 fail:
  proto_fail (p);
  return -1;
}

int
proto_desync (struct proto *p, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  proto_vdesync_error (fmt, ap);
  va_end (ap);
  proto_fail (p);
  return -1;
}

int
proto_read_reply (struct proto *p, uint32_t proc, uint32_t serial,
                  struct proto_reply *r, size_t *reply_bytes,
                  uint64_t *decode_ns)
{
  uint32_t w;
  uint64_t t;

  if (proto_read_word (p, PROTO_WORD_SKIP_CANCEL, &w) == -1)
    return -1;
  if (w == PROTO_LAUNCH_FLAG)
    return proto_desync (p, "unexpected launch flag while waiting for the reply "
                   "to %s: the appliance restarted",
                   proto_proc_name (proc) ? : "?");
  if (w > PROTO_MESSAGE_MAX)
    return proto_desync (p, "length word %u (0x%08x) exceeds the message maximum "
                   "of %u bytes: the stream is out of sync", w, w,
                   PROTO_MESSAGE_MAX);
  if (w < PROTO_HEADER_LEN)
    return proto_desync (p, "length word %u is shorter than the %u-byte header",
                   w, PROTO_HEADER_LEN);
  if (w > p->rcap) {
    unsigned char *nb = realloc (p->rbuf, w);

    if (nb == NULL) {
      gd_set_error_errno ("realloc");
      proto_fail (p);
      return -1;
    }
    p->rbuf = nb;
    p->rcap = w;
  }
  if (channel_read_full (p->ch, p->rbuf, w) == -1) {
    gd_error_prefix ("reading a %u-byte reply", w);
    proto_fail (p);
    return -1;
  }
  t = gd_now_ns ();
  if (proto_decode_reply (p->rbuf, w, r) == -1) {
    proto_fail (p);
    return -1;
  }
  if (proto_check_reply_ids (r, proc, serial) == -1) {
    proto_reply_free (r);
    proto_fail (p);
    return -1;
  }
  *decode_ns = gd_now_ns () - t;
  *reply_bytes = 4 + w;
  return 0;
}

void
proto_account (struct proto *p, uint32_t proc, uint32_t serial, int status,
               size_t req_bytes, size_t reply_bytes,
               uint64_t t_start, uint64_t t_sent, uint64_t t_end,
               uint64_t encode_ns, uint64_t decode_ns)
{
  struct proto_proc_stats *s = proto_stats_for (p, proc);
  uint64_t wait_ns = t_end - t_sent - decode_ns;

  if (s) {
    s->calls++;
    s->errors += status != 0;
    s->req_bytes += req_bytes;
    s->reply_bytes += reply_bytes;
    s->encode_ns += encode_ns;
    s->wait_ns += wait_ns;
    s->decode_ns += decode_ns;
    proto_stats_latency (s, t_end - t_start);
  }
  gd_debug ("protocol", "%s serial 0x%08x: %s, %zu bytes out, %zu in, %.3f ms",
            proto_proc_name (proc) ? : "?", serial,
            status ? "ERROR" : "OK", req_bytes, reply_bytes,
            (t_end - t_start) / 1e6);
  if (trace_on (TL_PROTOCOL)) {
    char args[256];
    char name[32];
    const char *n = proto_proc_name (proc);

    if (n == NULL) {
      snprintf (name, sizeof name, "proc %u", proc);
      n = name;
    }
    snprintf (args, sizeof args,
              "\"serial\":%u,\"status\":%d,\"req_bytes\":%zu,"
              "\"reply_bytes\":%zu,\"encode_us\":%.1f,\"wait_us\":%.1f,"
              "\"decode_us\":%.1f",
              serial, status, req_bytes, reply_bytes, encode_ns / 1e3,
              wait_ns / 1e3, decode_ns / 1e3);
    trace_complete (TL_PROTOCOL, n, t_start, t_end, args);
  }
}

int
proto_call (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
            const struct proto_args *args, struct proto_reply *r)
{
  uint64_t t0, t_sent, decode_ns = 0;
  size_t req_bytes = 0, reply_bytes = 0;
  uint32_t serial;
  int ret = -1;

  memset (r, 0, sizeof *r);
  if (proto_proc_transfer (proc) != PROTO_TRANSFER_NONE) {
    errno = EINVAL;
    gd_set_error ("%s transfers a file: use proto_call_filein/fileout",
                  proto_proc_name (proc));
    return -1;
  }
  if (proto_begin (p) == -1)
    return -1;
  t0 = gd_now_ns ();
  serial = p->serial++;
  if (proto_send_call (p, proc, serial, 0, optargs_bitmask, args,
                       &req_bytes) == -1)
    goto out;
  t_sent = gd_now_ns ();
  if (proto_read_reply (p, proc, serial, r, &reply_bytes, &decode_ns) == -1)
    goto out;
  proto_account (p, proc, serial, r->status, req_bytes, reply_bytes,
                 t0, t_sent, gd_now_ns (), t_sent - t0, decode_ns);
  ret = 0;
 out:
  proto_end (p);
  return ret;
}
