/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File metadata as libguestfs composes it from daemon calls: stat and
 * lstat are statns/lstatns cut down to the old 13-field struct (seconds
 * only); lstatlist, lstatnslist, lxattrlist and readlinklist are the
 * daemon's internal_* list calls; read-lines splits a file fetched with
 * read_file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

#define STATNS_FIELDS 22

static const char *const stat_names[] = {
  "dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "blksize",
  "blocks", "atime", "mtime", "ctime",
};

/* One statns struct from X, printed as the old stat struct: the first
 * ten fields, then the seconds of each time (fields 10, 12 and 14).
 */
static int
print_stat (struct cli_xdr *x, const char *indent)
{
  int64_t v[STATNS_FIELDS];

  for (size_t i = 0; i < STATNS_FIELDS; i++)
    if (lib_xdr_i64 (x, &v[i]) == -1)
      return -1;
  for (size_t i = 0; i < 13; i++)
    printf ("%s%s: %" PRIi64 "\n", indent, stat_names[i], v[i < 10 ? i : 10 + 2 * (i - 10)]);
  return 0;
}

/* stat, lstat: statns or lstatns. */
int
lib_stat (struct cli *c, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  int r = lib_call (c, strcmp (argv[0], "stat") == 0 ? PROC_STATNS : PROC_LSTATNS,
                    argc, argv, &rep);

  if (r == 0) {
    struct cli_xdr x = { rep.body, rep.body ? rep.body_len : 0 };
    r = print_stat (&x, "");
  }
  proto_reply_free (&rep);
  return r;
}

/* lstatlist: internal_lstatnslist, each entry cut down as for stat;
 * lstatnslist: printed as the daemon's statns list.
 */
int
lib_statlist (struct cli *c, int argc, char **argv)
{
  const struct proto_proc_info *pi = proto_proc_info (PROC_INTERNAL_LSTATNSLIST);
  struct proto_reply rep = { 0 };
  struct cli_xdr x;
  uint32_t n;
  int r = lib_call (c, PROC_INTERNAL_LSTATNSLIST, argc, argv, &rep);

  if (r == 0 && strcmp (argv[0], "lstatnslist") == 0)
    r = cli_print_reply (pi, &rep);
  else if (r == 0) {
    x = (struct cli_xdr) { rep.body, rep.body ? rep.body_len : 0 };
    r = cli_xdr_u32 (&x, &n);
    if (r == 0 && n > x.left / (STATNS_FIELDS * 8)) {
      gd_set_error ("reply body: %" PRIu32 " entries in %zu bytes", n, x.left);
      r = -1;
    }
    for (uint32_t i = 0; r == 0 && i < n; i++) {
      printf ("[%" PRIu32 "] = {\n", i);
      r = print_stat (&x, "  ");
      puts ("}");
    }
  }
  proto_reply_free (&rep);
  return r;
}

static int
run_internal (struct cli *c, uint32_t proc, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  int r = lib_call (c, proc, argc, argv, &rep);

  if (r == 0)
    r = cli_print_reply (proto_proc_info (proc), &rep);
  proto_reply_free (&rep);
  return r;
}

int
lib_lxattrlist (struct cli *c, int argc, char **argv)
{
  return run_internal (c, PROC_INTERNAL_LXATTRLIST, argc, argv);
}

int
lib_readlinklist (struct cli *c, int argc, char **argv)
{
  return run_internal (c, PROC_INTERNAL_READLINKLIST, argc, argv);
}

/* read-lines: the file's lines without their "\n" or "\r\n"; a final
 * newline does not start an empty line.
 */
int
lib_read_lines (struct cli *c, int argc, char **argv)
{
  char *data = NULL;
  size_t len = 0;

  (void) argc;
  if (lib_fetch (c, argv[1], &data, &len) == -1)
    return -1;
  for (size_t start = 0; start < len; ) {
    const char *p = (const char *) data + start;
    const char *nl = memchr (p, '\n', len - start);
    size_t n = nl ? (size_t) (nl - p) : len - start;
    size_t shown = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
    /* guestfish prints each line as a C string. */
    printf ("%.*s\n", (int) strnlen (p, shown), p);
    start += n + (nl != NULL);
  }
  free (data);
  return 0;
}
