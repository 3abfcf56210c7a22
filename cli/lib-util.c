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

/* A FileOut procedure's whole output in memory (ARGS consumed; NULL
 * for none), NUL-terminated: the builtins' download (cli_fetch_args).
 */
int
lib_fileout (struct cli *c, uint32_t proc, struct proto_args *args,
             char **data, size_t *len)
{
  struct cli_membuf m = { 0 };

  if (cli_fetch_args (c, proc, args, &m) == -1)
    return -1;
  *data = m.buf;
  *len = m.len;
  return 0;
}

/* read-lines and friends hold the whole file, as libguestfs does,
 * bounded like cat.
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

const struct proto_struct_info *
lib_struct (const char *name)
{
  for (size_t i = 0; i < proto_nstructs; i++)
    if (strcmp (proto_structs[i].name, name) == 0)
      return &proto_structs[i];
  return NULL;
}

/* A procedure of one string argument ARG returning a string or an int. */
int
lib_call_string (struct cli *c, uint32_t proc, const char *arg, char **out)
{
  char *v[] = { (char *) proto_proc_info (proc)->name, (char *) arg, NULL };
  struct proto_reply rep = { 0 };
  int r = lib_call (c, proc, arg ? 2 : 1, v, &rep);

  if (r == 0 && proto_ret_string (&rep, out) == -1) {
    gd_error_prefix ("%s", v[0]);
    r = -1;
  }
  proto_reply_free (&rep);
  return r;
}

int
lib_call_int (struct cli *c, uint32_t proc, const char *arg, int32_t *out)
{
  char *v[] = { (char *) proto_proc_info (proc)->name, (char *) arg, NULL };
  struct proto_reply rep = { 0 };
  int r = lib_call (c, proc, arg ? 2 : 1, v, &rep);

  if (r == 0 && proto_ret_int (&rep, out) == -1) {
    gd_error_prefix ("%s", v[0]);
    r = -1;
  }
  proto_reply_free (&rep);
  return r;
}

/* libguestfs's download to a temporary file: the size first (so a
 * missing file fails as filesize does), refused above MAX bytes.
 */
int
lib_download_max (struct cli *c, const char *path, uint64_t max,
                  char **data, size_t *len)
{
  char *v[] = { (char *) "filesize", (char *) path, NULL };
  struct proto_reply rep = { 0 };
  int64_t size = 0;
  int r = lib_call (c, PROC_FILESIZE, 2, v, &rep);

  if (r == 0 && proto_ret_int64 (&rep, &size) == -1) {
    gd_error_prefix ("filesize");
    r = -1;
  }
  proto_reply_free (&rep);
  if (r == -1)
    return -1;
  if ((uint64_t) size > max) {
    gd_set_error ("size of %s is unreasonably large (%" PRIi64 " bytes)", path, size);
    return -1;
  }
  if (lib_fetch (c, path, data, len) == -1)
    return -1;
  /* The file may have grown since: hold to the bound. */
  if (*len > max) {
    free (*data);
    gd_set_error ("size of %s is unreasonably large (%zu bytes)", path, *len);
    return -1;
  }
  return 0;
}

void
lib_report (struct cli *c)
{
  fflush (stdout);
  fprintf (stderr, "%s: error: %s\n", c->progname, gd_get_error_printable ());
}
