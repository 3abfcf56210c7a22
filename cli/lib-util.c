/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the library-side commands share: calling a daemon procedure
 * from words, and reading a reply body (the daemon's bytes: untrusted,
 * every length checked against what is left).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

int
lib_call (struct cli *c, uint32_t proc, int argc, char **argv,
          struct proto_reply *rep)
{
  const struct proto_proc_info *pi = proto_proc_info (proc);
  int r;

  if (!pi) {
    gd_set_error ("procedure %" PRIu32 " is not in this build", proc);
    return -1;
  }
  /* Its errors name the call (cli_daemon_error), as guestfish's do. */
  r = cli_call_proc (c, pi, argc, argv, rep);
  return r == 0 ? 0 : -1;
}

int
lib_xdr_u32 (struct lib_xdr *x, uint32_t *v)
{
  if (x->left < 4) {
    gd_set_error ("reply body truncated");
    return -1;
  }
  *v = (uint32_t) x->p[0] << 24 | (uint32_t) x->p[1] << 16 |
       (uint32_t) x->p[2] << 8 | x->p[3];
  x->p += 4;
  x->left -= 4;
  return 0;
}

int
lib_xdr_i64 (struct lib_xdr *x, int64_t *v)
{
  uint32_t hi, lo;

  if (lib_xdr_u32 (x, &hi) == -1 || lib_xdr_u32 (x, &lo) == -1)
    return -1;
  *v = (int64_t) ((uint64_t) hi << 32 | lo);
  return 0;
}

int
lib_xdr_string (struct lib_xdr *x, char **s)
{
  uint32_t n;
  size_t padded;

  if (lib_xdr_u32 (x, &n) == -1)
    return -1;
  padded = ((size_t) n + 3) & ~(size_t) 3;
  if (padded > x->left) {
    gd_set_error ("reply body: string of %" PRIu32 " bytes, %zu left", n, x->left);
    return -1;
  }
  if (!(*s = strndup ((const char *) x->p, n))) {
    gd_set_error_errno ("strndup");
    return -1;
  }
  x->p += padded;
  x->left -= padded;
  return 0;
}

void
lib_print_bool (bool b)
{
  puts (b ? "true" : "false");
}

/* read-lines and friends hold the whole file, as libguestfs does,
 * bounded like cat (cli_membuf_sink).
 */
int
lib_fetch (struct cli *c, const char *path, char **data, size_t *len)
{
  struct cli_membuf m = { 0 };
  struct proto_args *a;
  struct proto_reply rep = { 0 };
  int r;

  if (cli_ensure_launched (c) == -1 || !(a = proto_args_new ()))
    return -1;
  r = proto_args_string (a, path);
  if (r == 0)
    r = session_call_fileout (c->s, PROC_DOWNLOAD, 0, a, cli_membuf_sink, &m, &rep);
  proto_args_free (a);
  proto_reply_free (&rep);
  if (r == 0 && !m.buf)
    r = cli_membuf_sink (&m, "", 0);
  if (r != 0) {
    free (m.buf);
    gd_error_prefix ("download");
    return -1;
  }
  *data = m.buf;
  *len = m.len;
  return 0;
}
