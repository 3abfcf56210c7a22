/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the protocol layer: the connection structure and the pure wire
 * functions (proto-wire.c) that encode and check single protocol units.
 * The wire functions work on byte buffers only, so the capture tests can
 * run the same checks over recorded traffic.
 */
#ifndef GUESTDRV_PROTO_INTERNAL_H
#define GUESTDRV_PROTO_INTERNAL_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"
#include "guestfs_protocol.h"

/* libguestfs starts here and so do we: it makes our traffic line up with
 * the golden captures.
 */
#define PROTO_FIRST_SERIAL 0x00123400u

/* Length word + header. */
#define PROTO_CALL_HEAD_LEN (4 + PROTO_HEADER_LEN)
/* Length word + cancel + data length. */
#define PROTO_CHUNK_HEAD_LEN 12u
/* What follows the progress flag word. */
#define PROTO_PROGRESS_LEN 24u

/* FileIn: how much source data we ask for at a time.  It goes out as up
 * to 8 chunks in one writev(); the daemon's cancel word is looked for
 * between batches.
 */
#define PROTO_FILEIN_BATCH (8 * PROTO_CHUNK_MAX)

#define PROTO_PAD4(n) (((n) + 3u) & ~3u)

struct proto {
  struct channel *ch;
  uint32_t serial;              /* serial of the next call */
  bool busy;                    /* a call is running (callbacks may not nest) */
  bool broken;                  /* a fatal desync happened */
  char *broken_msg;
  uint64_t call_timeout_ns;     /* 0 = none */
  uint64_t deadline_ns;         /* of the running call, 0 = none */
  uint64_t fileout_limit;       /* next FileOut call's byte cap, 0 = none */
  proto_progress_fn progress_fn;
  void *progress_opaque;

  unsigned char *rbuf;          /* reply frames, reused */
  size_t rcap;
  unsigned char *fbuf;          /* FileIn batches and FileOut chunk data */

  struct proto_proc_stats *stats[PROTO_PROC_MAX + 1]; /* allocated on first use */
};

/* --- proto-wire.c: single units, no I/O ------------------------------- */

static inline uint32_t
proto_word (const void *p)
{
  uint32_t w;

  memcpy (&w, p, 4);
  return ntohl (w);
}

/* Set the error "protocol error: MESSAGE" with errno EPROTO; -1. */
int proto_vdesync_error (const char *fmt, va_list ap)
  __attribute__((format (printf, 1, 0)));

/* Length word and header of a call whose arguments are ARGS_LEN bytes. */
int proto_encode_call_head (unsigned char out[PROTO_CALL_HEAD_LEN],
                            uint32_t proc, uint32_t serial,
                            uint64_t progress_hint, uint64_t optargs_bitmask,
                            size_t args_len);
/* Length word, cancel and data length of a chunk carrying N bytes. */
void proto_encode_chunk_head (unsigned char out[PROTO_CHUNK_HEAD_LEN],
                              int cancel, uint32_t n);

/* Decode the 40-byte header at the start of FRAME (LEN bytes, not
 * counting the length word).  -1 if LEN < 40.
 */
int proto_decode_header (const void *frame, size_t len,
                         struct gd_message_header *h);
/* Check a call header as the daemon would (prog, vers, direction, status). */
int proto_check_call (const struct gd_message_header *h);
/* Decode a reply frame into R: header checks, then the error body
 * (status 1, bounded strings) or a copy of the body (status 0).  Does not
 * compare proc and serial: see proto_check_reply_ids.
 */
int proto_decode_reply (const void *frame, size_t len, struct proto_reply *r);
int proto_check_reply_ids (const struct proto_reply *r,
                           uint32_t proc, uint32_t serial);
/* Check a chunk's length word W against its 8-byte head (cancel, n). */
int proto_check_chunk_len (uint32_t w);
int proto_decode_chunk_head (uint32_t w, const void *head8,
                             int *cancel, uint32_t *n);
/* Decode the 24 bytes after a progress flag. */
int proto_decode_progress (const void *rec, struct gd_progress *pr);

/* --- proto-stats.c ------------------------------------------------------ */
struct proto_proc_stats *proto_stats_for (struct proto *p, uint32_t proc);
void proto_stats_latency (struct proto_proc_stats *s, uint64_t ns);
void proto_stats_free (struct proto *p);

/* --- proto-call.c: shared by proto-file.c ------------------------------- */

/* Fail if the session is broken or busy; else mark it busy. */
int proto_begin (struct proto *p);
void proto_end (struct proto *p);
/* -1 (fatal, error set) once the running call's deadline has passed:
 * checked wherever the daemon's bytes can keep a loop going without
 * ever blocking (progress records, chunks, cancel words).
 */
int proto_check_deadline (struct proto *p);
/* After we cancel a download, at most this many bytes of chunks already
 * on their way are read and dropped; more is a daemon that ignores the
 * cancel.
 */
#define PROTO_DRAIN_MAX (64u * 1024 * 1024)
/* Record a fatal desync: the error stays set and later calls fail. */
void proto_fail (struct proto *p);
/* Set "protocol error: ..." (errno EPROTO), proto_fail, return -1. */
int proto_desync (struct proto *p, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

int proto_send_call (struct proto *p, uint32_t proc, uint32_t serial,
                     uint64_t progress_hint, uint64_t optargs_bitmask,
                     const struct proto_args *args, size_t *req_bytes);
/* Read one D->C word, handling progress records on the way.  With
 * PROTO_WORD_SKIP_CANCEL bare cancel words are skipped too; with
 * PROTO_WORD_RETURN_PROGRESS it returns PROTO_PROGRESS_FLAG after
 * handling one record instead of blocking for the next word.  -1 = fatal.
 */
#define PROTO_WORD_SKIP_CANCEL     1u
#define PROTO_WORD_RETURN_PROGRESS 2u
int proto_read_word (struct proto *p, unsigned flags, uint32_t *w);
/* Read the reply to (PROC, SERIAL), skipping progress records and stray
 * cancel words.  -1 = fatal (proto_fail already called).
 */
int proto_read_reply (struct proto *p, uint32_t proc, uint32_t serial,
                      struct proto_reply *r, size_t *reply_bytes,
                      uint64_t *decode_ns);
/* Account one finished call (stats, trace, debug). */
void proto_account (struct proto *p, uint32_t proc, uint32_t serial,
                    int status, size_t req_bytes, size_t reply_bytes,
                    uint64_t t_start, uint64_t t_sent, uint64_t t_end,
                    uint64_t encode_ns, uint64_t decode_ns);

#endif
