/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The protocol layer: guestfsd's XDR protocol (../shared/protocol/PROTOCOL.md)
 * over a channel.  Owns framing, the serial counter, argument encoding,
 * reply decoding, FileIn/FileOut chunk streams, progress records,
 * cancellation and per-procedure counters.  Everything the daemon sends is
 * untrusted: every length is bounded.
 */
#ifndef GUESTDRV_PROTO_H
#define GUESTDRV_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../channel/channel.h"

#define PROTO_PROGRAM        0x2000F5F5u
#define PROTO_VERSION        4u
#define PROTO_LAUNCH_FLAG    0xF5F55FF5u
#define PROTO_CANCEL_FLAG    0xFFFFEEEEu
#define PROTO_PROGRESS_FLAG  0xFFFF5555u
#define PROTO_MESSAGE_MAX    4194304u
#define PROTO_CHUNK_MAX      8192u
#define PROTO_ERROR_MAX      65536u
#define PROTO_ERRNO_MAX      32u
#define PROTO_HEADER_LEN     40u
#define PROTO_PROC_MAX       510u

/* --- Argument encoding -------------------------------------------------
 * An argument list is built into a growable XDR buffer, in wire order:
 * required args (without FileIn/FileOut), then ALL optional args (unset
 * ones as 0 / "" / empty list) -- PROTOCOL.md §6.
 */
struct proto_args;
struct proto_args *proto_args_new (void);
void proto_args_free (struct proto_args *a);
int proto_args_string (struct proto_args *a, const char *s);
int proto_args_opt_string (struct proto_args *a, const char *s_or_null);
int proto_args_string_list (struct proto_args *a, char *const *strv); /* NULL-terminated */
int proto_args_int (struct proto_args *a, int32_t v);
int proto_args_int64 (struct proto_args *a, int64_t v);
int proto_args_bool (struct proto_args *a, bool v);
int proto_args_buffer (struct proto_args *a, const void *data, size_t len);
const void *proto_args_data (const struct proto_args *a, size_t *len);

/* --- Replies -------------------------------------------------------------- */
struct proto_reply {
  uint32_t proc, serial;
  int status;                    /* 0 = OK, 1 = ERROR */
  char errno_str[PROTO_ERRNO_MAX + 1];
  char *error_message;           /* malloc'd, NUL-terminated, when status = 1 */
  void *body;                    /* malloc'd reply body (XDR return value), may be NULL */
  size_t body_len;
};
void proto_reply_free (struct proto_reply *r);

/* Decoders for reply bodies.  Each returns 0 or -1 (error set). */
int proto_ret_int (const struct proto_reply *r, int32_t *v);
int proto_ret_int64 (const struct proto_reply *r, int64_t *v);
int proto_ret_bool (const struct proto_reply *r, bool *v);
int proto_ret_string (const struct proto_reply *r, char **s);          /* malloc'd */
int proto_ret_string_list (const struct proto_reply *r, char ***strv); /* NULL-terminated, malloc'd */
int proto_ret_buffer (const struct proto_reply *r, void **data, size_t *len);

/* --- Connection --------------------------------------------------------- */
struct proto;

/* Progress callback: position/total as the daemon sent them. */
typedef void (*proto_progress_fn) (void *opaque, uint32_t proc, uint32_t serial,
                                   uint64_t position, uint64_t total);
/* FileIn data source: fill BUF with up to N bytes; return the count, 0 at
 * end of data, -1 on error (the upload is then cancelled with a cancel chunk).
 */
typedef ssize_t (*proto_source_fn) (void *opaque, void *buf, size_t n);
/* FileOut data sink: consume N bytes; return 0, or -1 to cancel the download. */
typedef int (*proto_sink_fn) (void *opaque, const void *buf, size_t n);

struct proto *proto_new (struct channel *ch); /* does not own ch */
/* An absolute deadline for each call, from its start to its end (0 =
 * none, the default): separate from the channel's idle timeout, which a
 * daemon sending progress records or data forever would keep resetting.
 * A call past it fails with ETIMEDOUT and the session is unusable.
 */
void proto_set_call_timeout (struct proto *p, int timeout_ms);
/* Cap the data of the next FileOut call at MAX_BYTES (0 = no cap), for
 * callers that know how much they asked for: more is a protocol error.
 */
void proto_set_fileout_limit (struct proto *p, uint64_t max_bytes);
void proto_free (struct proto *p);
void proto_set_progress (struct proto *p, proto_progress_fn fn, void *opaque);

/* Ordinary call: send, wait for the reply (skipping progress records and
 * stray cancel words).  Returns 0 when a reply was received (check
 * r->status), -1 on a transport or protocol failure (fatal: the session
 * is unusable afterwards; error set).
 */
int proto_call (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
                const struct proto_args *args, struct proto_reply *r);

/* FileIn call (upload, tar_in, tgz_in, ...).  Streams the source in
 * chunks of up to 8192 bytes, watching for the daemon's cancel word
 * between chunks (§8).  PROGRESS_HINT goes in the header.  Return as
 * proto_call; a rejected upload gives r->status = 1 with the daemon's
 * message.  A source error sends a cancel chunk and returns -2 after
 * reading the daemon's reply (session still usable; error set).
 */
int proto_call_filein (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
                       const struct proto_args *args, uint64_t progress_hint,
                       proto_source_fn src, void *src_opaque,
                       struct proto_reply *r);

/* FileOut call (download, ls0, ...).  After an OK reply, reads chunks into
 * the sink until the end chunk.  A sink error sends a bare cancel word and
 * drains (§9); returns -2 (session usable; error set).  A daemon-side
 * failure during the transfer (cancel chunk) returns -2 with the error
 * "download failed in the appliance".  Never pipelines behind the transfer.
 */
int proto_call_fileout (struct proto *p, uint32_t proc, uint64_t optargs_bitmask,
                        const struct proto_args *args,
                        proto_sink_fn sink, void *sink_opaque,
                        struct proto_reply *r);

/* --- Counters ----------------------------------------------------------- */
struct proto_proc_stats {
  uint64_t calls, errors;
  uint64_t req_bytes, reply_bytes;
  uint64_t encode_ns, wait_ns, decode_ns;
  uint64_t chunks_out, chunks_in, file_bytes_out, file_bytes_in;
  /* Latency samples (ns) for p50/p99, a bounded ring. */
  uint64_t lat_ns[256];
  unsigned nlat;
};
const struct proto_proc_stats *proto_get_stats (const struct proto *p, uint32_t proc);
uint64_t proto_latency_percentile (const struct proto_proc_stats *s, double pct);

/* Names of procedures (for logs and reports): "mount", "upload", ...,
 * or NULL when unknown.
 */
const char *proto_proc_name (uint32_t proc);
/* The procedure number for NAME, or -1. */
int proto_proc_by_name (const char *name);
/* Whether a procedure streams a file after its call (FileIn) or after its
 * OK reply (FileOut).  Unknown procedures are PROTO_TRANSFER_NONE.
 */
#define PROTO_TRANSFER_NONE    0
#define PROTO_TRANSFER_FILEIN  1
#define PROTO_TRANSFER_FILEOUT 2
int proto_proc_transfer (uint32_t proc);

#endif
