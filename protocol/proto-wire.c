/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Single protocol units as bytes: call and chunk heads out, reply,
 * chunk and progress checks in (PROTOCOL.md §3-§10).  No I/O here, so
 * the same checks run over live traffic and over recorded captures.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rpc/xdr.h>

#include "proto-internal.h"
#include "../common/error.h"

int
proto_vdesync_error (const char *fmt, va_list ap)
{
  char msg[512];

  vsnprintf (msg, sizeof msg, fmt, ap);
  errno = EPROTO;
  gd_set_error ("protocol error: %s", msg);
  return -1;
}

/* Every failure here means the byte stream cannot be trusted. */
static int desync (const char *fmt, ...)
  __attribute__((format (printf, 1, 2)));

static int
desync (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  proto_vdesync_error (fmt, ap);
  va_end (ap);
  return -1;
}

int
proto_encode_call_head (unsigned char out[PROTO_CALL_HEAD_LEN],
                        uint32_t proc, uint32_t serial,
                        uint64_t progress_hint, uint64_t optargs_bitmask,
                        size_t args_len)
{
  gd_message_header h = {
    .prog = PROTO_PROGRAM, .vers = PROTO_VERSION, .proc = proc,
    .direction = 0, .serial = serial, .progress_hint = progress_hint,
    .optargs_bitmask = optargs_bitmask, .status = 0,
  };
  u_int len;
  XDR xdr;

  if (args_len > PROTO_MESSAGE_MAX - PROTO_HEADER_LEN) {
    errno = E2BIG;
    gd_set_error ("call %u: arguments of %zu bytes exceed the 4 MiB "
                  "message limit", proc, args_len);
    return -1;
  }
  len = PROTO_HEADER_LEN + args_len;
  xdrmem_create (&xdr, (char *) out, PROTO_CALL_HEAD_LEN, XDR_ENCODE);
  if (!xdr_u_int (&xdr, &len) || !xdr_gd_message_header (&xdr, &h)) {
    xdr_destroy (&xdr);
    gd_set_error ("call %u: could not encode the header", proc);
    return -1;
  }
  xdr_destroy (&xdr);
  return 0;
}

void
proto_encode_chunk_head (unsigned char out[PROTO_CHUNK_HEAD_LEN],
                         int cancel, uint32_t n)
{
  u_int w = 8 + PROTO_PAD4 (n);
  gd_chunk_head c = { .cancel = cancel, .len = n };
  XDR xdr;

  /* Cannot fail: 12 bytes for three words. */
  xdrmem_create (&xdr, (char *) out, PROTO_CHUNK_HEAD_LEN, XDR_ENCODE);
  xdr_u_int (&xdr, &w);
  xdr_gd_chunk_head (&xdr, &c);
  xdr_destroy (&xdr);
}

int
proto_decode_header (const void *frame, size_t len,
                     struct gd_message_header *h)
{
  XDR xdr;
  bool ok;

  if (len < PROTO_HEADER_LEN)
    return desync ("message of %zu bytes is shorter than the %u-byte header",
                   len, PROTO_HEADER_LEN);
  xdrmem_create (&xdr, (char *) frame, PROTO_HEADER_LEN, XDR_DECODE);
  ok = xdr_gd_message_header (&xdr, h);
  xdr_destroy (&xdr);
  if (!ok)
    return desync ("could not decode the message header");
  return 0;
}

static int
check_prog_vers (const struct gd_message_header *h)
{
  if (h->prog != PROTO_PROGRAM)
    return desync ("wrong program number 0x%08x (expected 0x%08x)",
                   h->prog, PROTO_PROGRAM);
  if (h->vers != PROTO_VERSION)
    return desync ("wrong protocol version %u (expected %u)",
                   h->vers, PROTO_VERSION);
  return 0;
}

int
proto_check_call (const struct gd_message_header *h)
{
  if (check_prog_vers (h) == -1)
    return -1;
  if (h->direction != 0)
    return desync ("call with direction %u (expected 0 = call)",
                   h->direction);
  if (h->status != 0)
    return desync ("call with status %u (expected 0)", h->status);
  return 0;
}

/* An XDR string with its length checked against MAX before anything is
 * allocated, so the error says which bound was broken.
 */
static int
decode_bounded_string (XDR *xdr, const char *what, u_int max,
                       char *fixed, char **out)
{
  u_int n;
  u_int pos = xdr_getpos (xdr);
  char *s;

  if (!xdr_u_int (xdr, &n))
    return desync ("error reply: %s is missing", what);
  if (n > max)
    return desync ("error reply: %s of %u bytes exceeds the limit of %u",
                   what, n, max);
  if (!xdr_setpos (xdr, pos))
    return desync ("error reply: %s", what);
  s = fixed;
  if (!xdr_string (xdr, &s, max))
    return desync ("error reply: %s is truncated", what);
  if (out)
    *out = s;
  return 0;
}

int
proto_decode_reply (const void *frame, size_t len, struct proto_reply *r)
{
  gd_message_header h;

  memset (r, 0, sizeof *r);
  if (proto_decode_header (frame, len, &h) == -1 ||
      check_prog_vers (&h) == -1)
    return -1;
  if (h.direction != 1)
    return desync ("expected a reply, got a message with direction %u",
                   h.direction);
  r->proc = h.proc;
  r->serial = h.serial;

  if (h.status == 0) {
    r->status = 0;
    r->body_len = len - PROTO_HEADER_LEN;
    if (r->body_len > 0) {
      r->body = malloc (r->body_len);
      if (r->body == NULL) {
        gd_set_error_errno ("malloc");
        return -1;
      }
      memcpy (r->body, (const char *) frame + PROTO_HEADER_LEN, r->body_len);
    }
    return 0;
  }
  if (h.status == 1) {
    XDR xdr;
    int ret;

    r->status = 1;
    xdrmem_create (&xdr, (char *) frame + PROTO_HEADER_LEN,
                   len - PROTO_HEADER_LEN, XDR_DECODE);
    ret = decode_bounded_string (&xdr, "errno string", PROTO_ERRNO_MAX,
                                 r->errno_str, NULL);
    if (ret == 0)
      ret = decode_bounded_string (&xdr, "error message", PROTO_ERROR_MAX,
                                   NULL, &r->error_message);
    xdr_destroy (&xdr);
    if (ret == -1) {
      proto_reply_free (r);
      return -1;
    }
    return 0;
  }
  return desync ("reply with status %u (expected 0 or 1)", h.status);
}

int
proto_check_reply_ids (const struct proto_reply *r,
                       uint32_t proc, uint32_t serial)
{
  if (r->serial != serial)
    return desync ("reply serial 0x%08x does not match the call's 0x%08x",
                   r->serial, serial);
  if (r->proc != proc)
    return desync ("reply is for procedure %u, the call was %u",
                   r->proc, proc);
  return 0;
}

int
proto_check_chunk_len (uint32_t w)
{
  if (w < 8 || w > 8 + PROTO_CHUNK_MAX)
    return desync ("chunk length word %u is outside 8..%u", w,
                   8 + PROTO_CHUNK_MAX);
  return 0;
}

int
proto_decode_chunk_head (uint32_t w, const void *head8,
                         int *cancel, uint32_t *n)
{
  gd_chunk_head c;
  XDR xdr;
  bool ok;

  xdrmem_create (&xdr, (char *) head8, 8, XDR_DECODE);
  ok = xdr_gd_chunk_head (&xdr, &c);
  xdr_destroy (&xdr);
  if (!ok)
    return desync ("could not decode a chunk");
  if (c.cancel != 0 && c.cancel != 1)
    return desync ("chunk with cancel = %d (expected 0 or 1)", c.cancel);
  if (c.len > PROTO_CHUNK_MAX)
    return desync ("chunk data length %u exceeds %u", c.len, PROTO_CHUNK_MAX);
  if (w != 8 + PROTO_PAD4 (c.len))
    return desync ("chunk data length %u does not fit its length word %u",
                   c.len, w);
  *cancel = c.cancel;
  *n = c.len;
  return 0;
}

int
proto_decode_progress (const void *rec, struct gd_progress *pr)
{
  XDR xdr;
  bool ok;

  xdrmem_create (&xdr, (char *) rec, PROTO_PROGRESS_LEN, XDR_DECODE);
  ok = xdr_gd_progress (&xdr, pr);
  xdr_destroy (&xdr);
  if (!ok)
    return desync ("could not decode a progress record");
  return 0;
}
