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
lib_xdr_i64 (struct cli_xdr *x, int64_t *v)
{
  uint64_t u;

  if (cli_xdr_u64 (x, &u) == -1)
    return -1;
  *v = (int64_t) u;
  return 0;
}

int
lib_xdr_string (struct cli_xdr *x, char **s)
{
  const unsigned char *d;
  size_t n;

  if (cli_xdr_bytes (x, -1, &d, &n) == -1)
    return -1;
  if (!(*s = strndup ((const char *) d, n))) {
    gd_set_error_errno ("strndup");
    return -1;
  }
  return 0;
}

void
lib_print_bool (bool b)
{
  puts (b ? "true" : "false");
}

/* read-lines and friends hold the whole file, as libguestfs does,
 * bounded like cat: the builtins' download (cli_fetch).
 */
int
lib_fetch (struct cli *c, const char *path, char **data, size_t *len)
{
  struct cli_membuf m = { 0 };

  if (cli_fetch (c, PROC_DOWNLOAD, path, &m) == -1)
    return -1;
  *data = m.buf;
  *len = m.len;
  return 0;
}
