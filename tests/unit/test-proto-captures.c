/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decode recorded guestfsd sessions (GFSCAP1) with the project's own
 * decoder and re-encode every client call with the project's own encoder,
 * byte for byte.
 *
 * The recordings in the tree (tests/captures/r*.cap, made by guestdrv
 * --record from the real daemon: tools/record-captures.sh) are always
 * checked, including the daemon's and the host's upload and download
 * cancellations.  The golden captures made with libguestfs itself and a
 * raw probe (GUESTDRV_CAPTURES, e.g. ../shared/protocol/captures: s0x
 * sessions, malformed p* units that must be rejected and only those) are
 * checked when that directory is given; GUESTDRV_SKIP_CAPTURES=1 skips
 * everything.
 */
#undef NDEBUG
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rpc/xdr.h>

#include "protocol/proto-internal.h"
#include "protocol/proc-numbers.h"
#include "common/error.h"
#include "protocol/proc-info.h"

#define RECORDINGS_DIR "tests/captures"

struct cap {
  unsigned char *s[2];          /* 0 = C->D, 1 = D->C */
  size_t len[2];
  bool eof[2];
};

enum kind {
  U_LAUNCH, U_CANCEL, U_CALL, U_BADCALL, U_REPLY, U_BADREPLY, U_CHUNK,
  U_BADCHUNK, U_PROGRESS, U_BADLEN, U_TRUNC,
};

struct unit {
  enum kind kind;
  size_t off, len;              /* bytes of the unit in its stream */
  uint32_t proc, serial;
  int status, cancel;
  uint32_t n;                   /* chunk data length */
  bool in_transfer;             /* a cancel word inside a chunk stream */
  char err[256];
};

struct walk {
  struct unit *u;
  size_t n;
};

/* The golden captures, or NULL when not given. */
static const char *
captures_dir (void)
{
  const char *d = getenv ("GUESTDRV_CAPTURES");

  return d && *d ? d : NULL;
}

static const char *
recordings_dir (void)
{
  const char *d = getenv ("GUESTDRV_RECORDINGS");

  return d && *d ? d : RECORDINGS_DIR;
}

static bool
skip_captures (void)
{
  const char *s = getenv ("GUESTDRV_SKIP_CAPTURES");

  return s && strcmp (s, "1") == 0;
}

static void
load_cap_from (const char *dirname, const char *name, struct cap *cap)
{
  char path[4096];
  unsigned char magic[8], hdr[13];
  FILE *fp;

  memset (cap, 0, sizeof *cap);
  snprintf (path, sizeof path, "%s/%s", dirname, name);
  fp = fopen (path, "rb");
  ck_assert_msg (fp != NULL, "%s: %s (GUESTDRV_SKIP_CAPTURES=1 to skip)",
                 path, strerror (errno));
  ck_assert (fread (magic, 1, 8, fp) == 8);
  ck_assert_msg (memcmp (magic, "GFSCAP1\n", 8) == 0, "%s: bad magic", path);
  while (fread (hdr, 1, sizeof hdr, fp) == sizeof hdr) {
    int dir = hdr[0] == 'C' ? 0 : 1;
    uint32_t n = proto_word (hdr + 9);

    ck_assert (hdr[0] == 'C' || hdr[0] == 'D');
    if (n == 0) {
      cap->eof[dir] = true;
      continue;
    }
    cap->s[dir] = realloc (cap->s[dir], cap->len[dir] + n);
    ck_assert (cap->s[dir] != NULL);
    ck_assert_msg (fread (cap->s[dir] + cap->len[dir], 1, n, fp) == n,
                   "%s: truncated record", path);
    cap->len[dir] += n;
  }
  fclose (fp);
}

/* A golden capture. */
static void
load_cap (const char *name, struct cap *cap)
{
  load_cap_from (captures_dir (), name, cap);
}

static void
free_cap (struct cap *cap)
{
  free (cap->s[0]);
  free (cap->s[1]);
}

static struct unit *
add (struct walk *w, enum kind k, size_t off, size_t len)
{
  struct unit *u;

  w->u = realloc (w->u, (w->n + 1) * sizeof *w->u);
  ck_assert (w->u != NULL);
  u = &w->u[w->n++];
  memset (u, 0, sizeof *u);
  u->kind = k;
  u->off = off;
  u->len = len;
  return u;
}

static void
reject (struct unit *u, enum kind k)
{
  u->kind = k;
  snprintf (u->err, sizeof u->err, "%s", gd_get_error ());
}

/* One chunk at OFF (its length word W already read).  Returns false if
 * the framing is lost.
 */
static bool
walk_chunk (struct walk *w, const unsigned char *s, size_t len, size_t off,
            uint32_t word, bool *ended)
{
  struct unit *u;

  if (word > PROTO_MESSAGE_MAX || off + 4 + word > len) {
    u = add (w, U_TRUNC, off, len - off);
    gd_set_error ("chunk length word %u does not fit", word);
    reject (u, word > PROTO_MESSAGE_MAX ? U_BADLEN : U_TRUNC);
    return false;
  }
  u = add (w, U_CHUNK, off, 4 + word);
  if (word < 8) {
    proto_check_chunk_len (word);
    reject (u, U_BADCHUNK);
    return true;
  }
  if (proto_decode_chunk_head (word, s + off + 4, &u->cancel, &u->n) == -1) {
    reject (u, U_BADCHUNK);
    return true;                /* framing intact: the length word holds */
  }
  *ended = u->cancel == 1 || u->n == 0;
  return true;
}

/* The C->D stream: calls, their FileIn chunk streams, bare cancel words. */
static void
walk_c (const struct cap *cap, struct walk *w)
{
  const unsigned char *s = cap->s[0];
  size_t len = cap->len[0], off = 0;
  bool in_filein = false;

  memset (w, 0, sizeof *w);
  while (off + 4 <= len) {
    uint32_t word = proto_word (s + off);
    gd_message_header h;
    struct unit *u;

    if (word == PROTO_CANCEL_FLAG) {
      u = add (w, U_CANCEL, off, 4);
      u->in_transfer = in_filein;
      off += 4;
      continue;
    }
    if (in_filein) {
      bool ended = false;

      if (!walk_chunk (w, s, len, off, word, &ended))
        return;
      in_filein = !ended;
      off += 4 + word;
      continue;
    }
    if (word > PROTO_MESSAGE_MAX) {
      u = add (w, U_BADLEN, off, len - off);
      gd_set_error ("length word %u exceeds %u", word, PROTO_MESSAGE_MAX);
      reject (u, U_BADLEN);
      return;
    }
    if (off + 4 + word > len) {
      add (w, U_TRUNC, off, len - off);
      return;
    }
    u = add (w, U_CALL, off, 4 + word);
    if (proto_decode_header (s + off + 4, word, &h) == -1) {
      reject (u, U_BADCALL);
      return;                   /* the daemon exits here (p2) */
    }
    u->proc = h.proc;
    u->serial = h.serial;
    if (proto_check_call (&h) == -1)
      reject (u, U_BADCALL);    /* answered, but with a stale serial */
    else if (proto_proc_transfer (h.proc) == PROTO_TRANSFER_FILEIN)
      in_filein = true;
    off += 4 + word;
  }
  if (off < len)
    add (w, U_TRUNC, off, len - off);
}

/* The D->C stream: launch flag, replies, FileOut chunks, progress
 * records and the daemon's cancel words.
 */
static void
walk_d (const struct cap *cap, struct walk *w)
{
  const unsigned char *s = cap->s[1];
  size_t len = cap->len[1], off = 0;
  bool in_fileout = false;

  memset (w, 0, sizeof *w);
  while (off + 4 <= len) {
    uint32_t word = proto_word (s + off);
    struct unit *u;

    if (word == PROTO_LAUNCH_FLAG && off == 0) {
      add (w, U_LAUNCH, off, 4);
      off += 4;
      continue;
    }
    if (word == PROTO_PROGRESS_FLAG) {
      gd_progress pr;

      if (off + 4 + PROTO_PROGRESS_LEN > len) {
        add (w, U_TRUNC, off, len - off);
        return;
      }
      u = add (w, U_PROGRESS, off, 4 + PROTO_PROGRESS_LEN);
      ck_assert (proto_decode_progress (s + off + 4, &pr) == 0);
      u->proc = pr.proc;
      u->serial = pr.serial;
      u->in_transfer = in_fileout;
      off += 4 + PROTO_PROGRESS_LEN;
      continue;
    }
    if (word == PROTO_CANCEL_FLAG) {
      add (w, U_CANCEL, off, 4);
      off += 4;
      continue;
    }
    if (in_fileout) {
      bool ended = false;

      if (!walk_chunk (w, s, len, off, word, &ended))
        return;
      in_fileout = !ended;
      off += 4 + word;
      continue;
    }
    if (word > PROTO_MESSAGE_MAX || word < PROTO_HEADER_LEN) {
      u = add (w, U_BADLEN, off, len - off);
      gd_set_error ("bad length word %u", word);
      reject (u, U_BADLEN);
      return;
    }
    if (off + 4 + word > len) {
      add (w, U_TRUNC, off, len - off);
      return;
    }
    u = add (w, U_REPLY, off, 4 + word);
    {
      struct proto_reply r;

      if (proto_decode_reply (s + off + 4, word, &r) == -1)
        reject (u, U_BADREPLY);
      else {
        u->proc = r.proc;
        u->serial = r.serial;
        u->status = r.status;
        if (r.status == 1)
          snprintf (u->err, sizeof u->err, "%s: %s", r.errno_str,
                    r.error_message);
        if (r.status == 0 &&
            proto_proc_transfer (r.proc) == PROTO_TRANSFER_FILEOUT)
          in_fileout = true;
        proto_reply_free (&r);
      }
    }
    off += 4 + word;
  }
  if (off < len)
    add (w, U_TRUNC, off, len - off);
}

/* Pair every answered call with its reply, in order.  Returns the
 * number of id mismatches; *UNANSWERED gets the calls left over.
 */
static int
match_replies (const struct walk *c, const struct walk *d,
               size_t *unanswered, bool verbose)
{
  size_t ci = 0, di;
  int mismatches = 0;

  for (di = 0; di < d->n; di++) {
    const struct unit *r = &d->u[di];

    if (r->kind != U_REPLY)
      continue;
    while (ci < c->n && c->u[ci].kind != U_CALL && c->u[ci].kind != U_BADCALL)
      ci++;
    ck_assert_msg (ci < c->n, "reply at D offset %zu without a call", r->off);
    {
      struct proto_reply pr = { .proc = r->proc, .serial = r->serial };

      if (proto_check_reply_ids (&pr, c->u[ci].proc, c->u[ci].serial) == -1) {
        mismatches++;
        if (verbose)
          fprintf (stderr, "  reply at D+%zu: %s\n", r->off, gd_get_error ());
      }
    }
    ci++;
  }
  *unanswered = 0;
  for (; ci < c->n; ci++)
    if (c->u[ci].kind == U_CALL || c->u[ci].kind == U_BADCALL)
      (*unanswered)++;
  return mismatches;
}

/* Decode the arguments of a call with its signature from the generated
 * table (protocol/procs.tsv) and build them again with proto_args_*;
 * then the header with proto_encode_call_head.  The recorded bytes are
 * the oracle: a wrong type, count or order in the table makes the
 * decode fail or the re-encoding differ.
 */
static void
reencode_call (const unsigned char *frame, size_t len, const char *capname)
{
  gd_message_header h;
  const struct proto_proc_info *sig;
  struct proto_args *a;
  unsigned char head[PROTO_CALL_HEAD_LEN];
  const void *adata;
  size_t alen;
  char codes[64];
  XDR xdr;

  ck_assert (proto_decode_header (frame + 4, len - 4, &h) == 0);
  sig = proto_proc_info (h.proc);
  ck_assert_msg (sig != NULL, "%s: no signature for proc %u", capname, h.proc);
  snprintf (codes, sizeof codes, "%s%s", sig->args, sig->optargs);
  a = proto_args_new ();
  ck_assert (a != NULL);
  xdrmem_create (&xdr, (char *) frame + PROTO_CALL_HEAD_LEN,
                 len - PROTO_CALL_HEAD_LEN, XDR_DECODE);
  for (const char *c = codes; *c; c++) {
    char *str = NULL;
    int32_t i32;
    int64_t i64;
    bool_t b;
    u_int n;

    switch (*c) {
    case 's':
    case 'G':
    case 'K':
      ck_assert (xdr_string (&xdr, &str, len));
      ck_assert (proto_args_string (a, str) == 0);
      free (str);
      break;
    case 'o':
      ck_assert (xdr_bool (&xdr, &b));
      if (b) {
        ck_assert (xdr_string (&xdr, &str, len));
        ck_assert (proto_args_opt_string (a, str) == 0);
        free (str);
      }
      else
        ck_assert (proto_args_opt_string (a, NULL) == 0);
      break;
    case 'L': {
      char **v;

      ck_assert (xdr_u_int (&xdr, &n));
      ck_assert (n < len);
      v = calloc (n + 1, sizeof *v);
      for (u_int k = 0; k < n; k++)
        ck_assert (xdr_string (&xdr, &v[k], len));
      ck_assert (proto_args_string_list (a, v) == 0);
      for (u_int k = 0; k < n; k++)
        free (v[k]);
      free (v);
      break;
    }
    case 'i':
      ck_assert (xdr_int32_t (&xdr, &i32));
      ck_assert (proto_args_int (a, i32) == 0);
      break;
    case 'I':
      ck_assert (xdr_int64_t (&xdr, &i64));
      ck_assert (proto_args_int64 (a, i64) == 0);
      break;
    case 'b':
      ck_assert (xdr_bool (&xdr, &b));
      ck_assert (proto_args_bool (a, b) == 0);
      break;
    case 'B':
      n = 0;
      ck_assert (xdr_bytes (&xdr, &str, &n, len));
      ck_assert (proto_args_buffer (a, str, n) == 0);
      free (str);
      break;
    default:
      ck_abort_msg ("bad signature code %c", *c);
    }
  }
  xdr_destroy (&xdr);

  adata = proto_args_data (a, &alen);
  ck_assert (proto_encode_call_head (head, h.proc, h.serial, h.progress_hint,
                                     h.optargs_bitmask, alen) == 0);
  ck_assert_msg (PROTO_CALL_HEAD_LEN + alen == len,
                 "%s: %s serial 0x%x: re-encoded %zu bytes, captured %zu",
                 capname, proto_proc_name (h.proc), h.serial,
                 PROTO_CALL_HEAD_LEN + alen, len);
  ck_assert_msg (memcmp (head, frame, PROTO_CALL_HEAD_LEN) == 0,
                 "%s: %s: header differs", capname, proto_proc_name (h.proc));
  ck_assert_msg (alen == 0 ||
                 memcmp (adata, frame + PROTO_CALL_HEAD_LEN, alen) == 0,
                 "%s: %s: arguments differ", capname, proto_proc_name (h.proc));
  proto_args_free (a);
}

static size_t
count (const struct walk *w, enum kind k)
{
  size_t n = 0;

  for (size_t i = 0; i < w->n; i++)
    n += w->u[i].kind == k;
  return n;
}

/* Every session (recorded r0x, golden s0x): clean decode, exact
 * re-encoding, matching ids.  Returns the number of sessions.
 */
static int
sessions_roundtrip (const char *dirname, char prefix)
{
  DIR *dir;
  struct dirent *de;
  int sessions = 0;

  dir = opendir (dirname);
  ck_assert_msg (dir != NULL, "%s: %s (GUESTDRV_SKIP_CAPTURES=1 to skip)",
                 dirname, strerror (errno));
  while ((de = readdir (dir)) != NULL) {
    size_t nl = strlen (de->d_name), unanswered, ncalls = 0;
    struct cap cap;
    struct walk c, d;

    if (nl < 5 || strcmp (de->d_name + nl - 4, ".cap") != 0 ||
        de->d_name[0] != prefix)
      continue;
    load_cap_from (dirname, de->d_name, &cap);
    walk_c (&cap, &c);
    walk_d (&cap, &d);
    ck_assert_msg (d.n > 0 && d.u[0].kind == U_LAUNCH,
                   "%s: no launch flag", de->d_name);
    for (size_t i = 0; i < c.n; i++) {
      const struct unit *u = &c.u[i];

      ck_assert_msg (u->kind == U_CALL || u->kind == U_CHUNK ||
                     u->kind == U_CANCEL,
                     "%s: C unit %zu at %zu rejected: %s", de->d_name, i,
                     u->off, u->err);
      if (u->kind == U_CALL) {
        reencode_call (cap.s[0] + u->off, u->len, de->d_name);
        ncalls++;
      }
    }
    for (size_t i = 0; i < d.n; i++)
      ck_assert_msg (d.u[i].kind != U_BADREPLY && d.u[i].kind != U_BADCHUNK &&
                     d.u[i].kind != U_BADLEN && d.u[i].kind != U_TRUNC,
                     "%s: D unit %zu at %zu rejected: %s", de->d_name, i,
                     d.u[i].off, d.u[i].err);
    ck_assert_int_eq (match_replies (&c, &d, &unanswered, true), 0);
    /* s07: the internal_autosync after internal_exit gets EOF.  guestdrv
     * stops the appliance after its last reply without reading an EOF.
     */
    ck_assert_int_eq (unanswered, strncmp (de->d_name, "s07", 3) == 0);
    ck_assert (cap.eof[1] || prefix == 'r');
    fprintf (stderr, "%s: %zu C units (%zu calls re-encoded), %zu D units\n",
             de->d_name, c.n, ncalls, d.n);
    free (c.u);
    free (d.u);
    free_cap (&cap);
    sessions++;
  }
  closedir (dir);
  return sessions;
}

START_TEST (test_sessions_roundtrip)
{
  if (skip_captures ())
    return;
  ck_assert_int_ge (sessions_roundtrip (recordings_dir (), 'r'), 3);
  if (captures_dir ())
    ck_assert_int_ge (sessions_roundtrip (captures_dir (), 's'), 7);
}
END_TEST

/* r03 (recorded): the daemon cancels an upload to a missing directory
 * (C: upload call, data chunks, a cancel or end chunk; D: the daemon's
 * cancel word, then the ENOENT reply); we cancel an upload whose source fails
 * (a cancel chunk, ": file upload cancelled" or the like) and a download
 * whose sink fails (a bare cancel word; D: chunks up to the daemon's
 * cancel chunk); the ping after it is answered in sync.
 */
START_TEST (test_r03_cancels)
{
  struct cap cap;
  struct walk c, d;
  size_t i, unanswered;
  int uploads = 0;

  if (skip_captures ())
    return;
  load_cap_from (recordings_dir (), "r03_cancel.cap", &cap);
  walk_c (&cap, &c);
  walk_d (&cap, &d);
  for (i = 0; i < c.n; i++) {
    if (c.u[i].kind != U_CALL || c.u[i].proc != PROC_UPLOAD)
      continue;
    uploads++;
    for (i++; i < c.n && c.u[i].kind == U_CHUNK && c.u[i].cancel == 0 &&
           c.u[i].n > 0; i++)
      ck_assert_uint_le (c.u[i].n, PROTO_CHUNK_MAX);
    /* The daemon's cancel may come after the whole file was sent (then
     * an end chunk closes it); a failed source always ends in a cancel.
     */
    ck_assert (i < c.n);
    ck_assert_int_eq (c.u[i].kind, U_CHUNK);
    ck_assert_int_eq (c.u[i].n, 0);
    if (uploads == 2)
      ck_assert_int_eq (c.u[i].cancel, 1);
  }
  ck_assert_int_eq (uploads, 2);
  /* One bare cancel word from us: the download's. */
  ck_assert_int_eq (count (&c, U_CANCEL), 1);

  for (i = 0; i < d.n && d.u[i].kind != U_CANCEL; i++)
    ;
  ck_assert (i + 1 < d.n);
  ck_assert_int_eq (d.u[i + 1].kind, U_REPLY);
  ck_assert_int_eq (d.u[i + 1].proc, PROC_UPLOAD);
  ck_assert_int_eq (d.u[i + 1].status, 1);
  ck_assert_msg (strncmp (d.u[i + 1].err, "ENOENT: ", 8) == 0, "%s",
                 d.u[i + 1].err);
  for (i = 0; i < d.n && !(d.u[i].kind == U_REPLY && d.u[i].proc == PROC_DOWNLOAD); i++)
    ;
  ck_assert (i < d.n);
  ck_assert_int_eq (d.u[i].status, 0);
  for (i++; i < d.n && d.u[i].kind == U_CHUNK && d.u[i].cancel == 0; i++)
    ;
  ck_assert (i + 1 < d.n);
  ck_assert_int_eq (d.u[i].kind, U_CHUNK);
  ck_assert_int_eq (d.u[i].cancel, 1);
  ck_assert_int_eq (d.u[i + 1].kind, U_REPLY);
  ck_assert_int_eq (d.u[i + 1].proc, PROC_PING_DAEMON);
  ck_assert_int_eq (d.u[i + 1].status, 0);
  ck_assert_int_eq (match_replies (&c, &d, &unanswered, true), 0);
  ck_assert_int_eq (unanswered, 0);
  free (c.u);
  free (d.u);
  free_cap (&cap);
}
END_TEST

/* p1: exactly the malformed units are rejected:
 *  C: 4 calls with a wrong prog / vers / direction / status; a chunk
 *     with 16384 data bytes; a chunk with cancel = 2; the final length
 *     word 4194305 (framing ends there).
 *  D: nothing is malformed, but the 4 replies to the bad headers carry
 *     the previous request's serial (PROTOCOL.md §7) and must fail the
 *     serial check.
 */
START_TEST (test_p1_edge_cases)
{
  struct cap cap;
  struct walk c, d;
  size_t unanswered;
  int badcall = 0, badchunk = 0, badlen = 0;

  if (skip_captures () || !captures_dir ())
    return;
  load_cap ("p1_edge_cases.cap", &cap);
  walk_c (&cap, &c);
  walk_d (&cap, &d);
  for (size_t i = 0; i < c.n; i++) {
    const struct unit *u = &c.u[i];

    switch (u->kind) {
    case U_BADCALL:
      badcall++;
      ck_assert (strstr (u->err, "wrong program number") ||
                 strstr (u->err, "wrong protocol version") ||
                 strstr (u->err, "direction 1") ||
                 strstr (u->err, "status 1"));
      break;
    case U_BADCHUNK:
      badchunk++;
      ck_assert (strstr (u->err, "chunk data length 16384 exceeds 8192") ||
                 strstr (u->err, "cancel = 2"));
      break;
    case U_BADLEN:
      badlen++;
      ck_assert (strstr (u->err, "4194305"));
      ck_assert_int_eq (i, c.n - 1);
      break;
    case U_TRUNC:
      ck_abort_msg ("unexpected truncated unit");
    default:
      break;
    }
  }
  ck_assert_int_eq (badcall, 4);
  ck_assert_int_eq (badchunk, 2);
  ck_assert_int_eq (badlen, 1);
  /* C: the stray cancel before the first call, and the one right after
   * the download (p1/P20).
   */
  ck_assert_int_eq (count (&c, U_CANCEL), 2);

  for (size_t i = 0; i < d.n; i++)
    ck_assert (d.u[i].kind != U_BADREPLY && d.u[i].kind != U_BADCHUNK &&
               d.u[i].kind != U_BADLEN && d.u[i].kind != U_TRUNC);
  ck_assert_int_eq (match_replies (&c, &d, &unanswered, false), 4);
  ck_assert_int_eq (unanswered, 0);
  /* D: three daemon cancels of rejected uploads (P15, >8192, cancel=2). */
  ck_assert_int_eq (count (&d, U_CANCEL), 3);
  free (c.u);
  free (d.u);
  free_cap (&cap);
}
END_TEST

/* p2: the 8-byte frame is rejected as shorter than the header. */
START_TEST (test_p2_short_frame)
{
  struct cap cap;
  struct walk c, d;

  if (skip_captures () || !captures_dir ())
    return;
  load_cap ("p2_short_frame.cap", &cap);
  walk_c (&cap, &c);
  walk_d (&cap, &d);
  ck_assert_int_eq (c.n, 3);
  ck_assert_int_eq (c.u[2].kind, U_BADCALL);
  ck_assert_msg (strstr (c.u[2].err, "shorter than the 40-byte header"),
                 "%s", c.u[2].err);
  ck_assert_int_eq (count (&d, U_REPLY), 2);
  ck_assert (cap.eof[1]);
  free (c.u);
  free (d.u);
  free_cap (&cap);
}
END_TEST

/* s05: the daemon cancels mid-upload.  C: upload call, 16 data chunks,
 * a cancel chunk; D: one cancel word, then the ENOENT reply.
 */
START_TEST (test_s05_daemon_cancel)
{
  struct cap cap;
  struct walk c, d;
  size_t i, data = 0;

  if (skip_captures () || !captures_dir ())
    return;
  load_cap ("s05_upload_daemon_cancel.cap", &cap);
  walk_c (&cap, &c);
  walk_d (&cap, &d);
  for (i = 0; i < c.n && !(c.u[i].kind == U_CALL && c.u[i].proc == 66); i++)
    ;
  ck_assert (i < c.n);
  for (i++; c.u[i].kind == U_CHUNK && c.u[i].cancel == 0; i++) {
    ck_assert_int_eq (c.u[i].n, 8192);
    data++;
  }
  ck_assert_int_eq (data, 16);
  ck_assert_int_eq (c.u[i].kind, U_CHUNK);
  ck_assert_int_eq (c.u[i].cancel, 1);
  ck_assert_int_eq (c.u[i].n, 0);

  for (i = 0; i < d.n && d.u[i].kind != U_CANCEL; i++)
    ;
  ck_assert (i + 1 < d.n);
  ck_assert_int_eq (d.u[i + 1].kind, U_REPLY);
  ck_assert_int_eq (d.u[i + 1].proc, 66);
  ck_assert_int_eq (d.u[i + 1].status, 1);
  ck_assert_msg (strncmp (d.u[i + 1].err, "ENOENT: ", 8) == 0, "%s",
                 d.u[i + 1].err);
  ck_assert_int_eq (count (&d, U_CANCEL), 1);
  free (c.u);
  free (d.u);
  free_cap (&cap);
}
END_TEST

/* s06: user cancel of an upload (cancel chunk, "file upload cancelled")
 * and of a download (bare word C->D, then the daemon's cancel chunk and
 * no reply; the next ping is in sync).
 */
START_TEST (test_s06_user_cancel)
{
  struct cap cap;
  struct walk c, d;
  size_t i, unanswered;
  int chunks = 0;

  if (skip_captures () || !captures_dir ())
    return;
  load_cap ("s06_user_cancel.cap", &cap);
  walk_c (&cap, &c);
  walk_d (&cap, &d);
  ck_assert_int_eq (count (&c, U_CANCEL), 1);
  for (i = 0; i < c.n && c.u[i].kind != U_CANCEL; i++)
    ;
  ck_assert_int_eq (c.u[i - 1].kind, U_CALL);
  ck_assert_int_eq (c.u[i - 1].proc, 67);
  ck_assert_int_eq (count (&d, U_CANCEL), 0);

  for (i = 0; i < d.n; i++)
    if (d.u[i].kind == U_REPLY && d.u[i].proc == 66) {
      ck_assert_int_eq (d.u[i].status, 1);
      ck_assert_str_eq (d.u[i].err, ": file upload cancelled");
    }
  for (i = 0; i < d.n && !(d.u[i].kind == U_REPLY && d.u[i].proc == 67); i++)
    ;
  ck_assert_int_eq (d.u[i].status, 0);
  for (i++; d.u[i].kind == U_CHUNK && d.u[i].cancel == 0; i++)
    chunks++;
  ck_assert_int_eq (chunks, 5);
  ck_assert_int_eq (d.u[i].cancel, 1);
  ck_assert_int_eq (d.u[i + 1].kind, U_REPLY);
  ck_assert_int_eq (d.u[i + 1].proc, 92);
  ck_assert_int_eq (match_replies (&c, &d, &unanswered, true), 0);
  free (c.u);
  free (d.u);
  free_cap (&cap);
}
END_TEST

/* p3: the serial-line session decodes like any other (the record
 * boundaries, 43 bytes at most, do not matter to a stream decoder).
 * p4: every procedure number once; every call answered with its own ids
 * (no header is bad, so every serial must match).  p5: a bare cancel word
 * between upload chunks is decoded in the chunk stream; the ping eaten
 * behind download_offset has no reply.
 */
START_TEST (test_probes_decode)
{
  static const char *const names[] = {
    "p3_serial_ttyS1.cap", "p4_all_procs_sweep.cap", "p5_pipelining.cap",
  };

  if (skip_captures () || !captures_dir ())
    return;
  for (size_t k = 0; k < 3; k++) {
    struct cap cap;
    struct walk c, d;
    size_t unanswered;

    load_cap (names[k], &cap);
    walk_c (&cap, &c);
    walk_d (&cap, &d);
    for (size_t i = 0; i < c.n; i++)
      ck_assert_msg (c.u[i].kind == U_CALL || c.u[i].kind == U_CHUNK ||
                     c.u[i].kind == U_CANCEL, "%s: C unit %zu: %s",
                     names[k], i, c.u[i].err);
    for (size_t i = 0; i < d.n; i++)
      ck_assert_msg (d.u[i].kind != U_BADREPLY && d.u[i].kind != U_BADCHUNK &&
                     d.u[i].kind != U_BADLEN && d.u[i].kind != U_TRUNC,
                     "%s: D unit %zu: %s", names[k], i, d.u[i].err);
    ck_assert_int_eq (match_replies (&c, &d, &unanswered, true), 0);
    if (k == 1) {
      /* 0..511 once, then internal_exit; each FileIn proc (11) first
       * gets the daemon's cancel word.
       */
      ck_assert_int_eq (count (&c, U_CALL), 513);
      ck_assert_int_eq (unanswered, 0);
      ck_assert_int_eq (count (&d, U_CANCEL), 11);
    }
    if (k == 2) {
      ck_assert_int_eq (unanswered, 1);
      ck_assert_int_eq (count (&c, U_CANCEL), 1);
      for (size_t i = 0; i < c.n; i++)
        if (c.u[i].kind == U_CANCEL)
          ck_assert (c.u[i].in_transfer);
    }
    free (c.u);
    free (d.u);
    free_cap (&cap);
  }
}
END_TEST

/* The generated procedure table agrees with PROTOCOL.md §13. */
START_TEST (test_proc_names)
{
  ck_assert_str_eq (proto_proc_name (1), "mount");
  ck_assert_str_eq (proto_proc_name (282), "internal_autosync");
  ck_assert_str_eq (proto_proc_name (510), "internal_list_rpm_applications");
  ck_assert_ptr_null (proto_proc_name (0));
  ck_assert_ptr_null (proto_proc_name (4));
  ck_assert_ptr_null (proto_proc_name (511));
  ck_assert_int_eq (proto_proc_by_name ("ls0"), 347);
  ck_assert_int_eq (proto_proc_by_name ("nonesuch"), -1);
  ck_assert_int_eq (proto_proc_transfer (66), PROTO_TRANSFER_FILEIN);
  ck_assert_int_eq (proto_proc_transfer (69), PROTO_TRANSFER_FILEIN);
  ck_assert_int_eq (proto_proc_transfer (274), PROTO_TRANSFER_FILEOUT);
  ck_assert_int_eq (proto_proc_transfer (347), PROTO_TRANSFER_FILEOUT);
  ck_assert_int_eq (proto_proc_transfer (1), PROTO_TRANSFER_NONE);
}
END_TEST

static Suite *
captures_suite (void)
{
  Suite *s = suite_create ("proto-captures");
  TCase *tc = tcase_create ("captures");

  tcase_add_test (tc, test_sessions_roundtrip);
  tcase_add_test (tc, test_r03_cancels);
  tcase_add_test (tc, test_p1_edge_cases);
  tcase_add_test (tc, test_p2_short_frame);
  tcase_add_test (tc, test_s05_daemon_cancel);
  tcase_add_test (tc, test_s06_user_cancel);
  tcase_add_test (tc, test_probes_decode);
  tcase_add_test (tc, test_proc_names);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (captures_suite ());
  int failed;

  if (skip_captures ())
    fprintf (stderr, "GUESTDRV_SKIP_CAPTURES=1: capture tests skipped\n");
  else if (!captures_dir ())
    fprintf (stderr, "GUESTDRV_CAPTURES not set: the in-tree recordings "
             "only (the golden libguestfs captures and probes are not checked)\n");
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
