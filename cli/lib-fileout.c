/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands libguestfs builds from an internal FileOut procedure,
 * so that a large answer is not bound by the protocol's message size:
 * filesystem-walk and find-inode (internal_filesystem_walk and
 * internal_find_inode write tsk_dirent structs back to back, in XDR),
 * yara-scan (internal_yara_scan: yara_detection structs) and
 * journal-get (internal_journal_get: each field a 64-bit big-endian
 * length, then "NAME=value" bytes).  The streams are the daemon's:
 * every length is checked against what arrived, and a stream that
 * does not decode whole prints nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

/* Call PROC with ARGS, then print its stream as a list of STRUCT_NAME.
 * libguestfs 1.48 fails on an empty stream (no names of an inode, no
 * yara match) because its decoding loop never sets its result: the
 * tsk calls fail with no message, yara-scan with the text of whatever
 * errno was left over (ENOENT in most guestfish sessions we ran, 0 in
 * a short one).  guestdrv fails the same way, with ENOENT's text, so
 * that scripts see the same exit status.
 */
static int
struct_stream (struct cli *c, uint32_t proc, struct proto_args *args,
               const char *struct_name)
{
  const struct proto_struct_info *si = lib_struct (struct_name);
  char *data;
  size_t len;
  int r;

  if (!si) {
    proto_args_free (args);
    gd_set_error ("struct %s is not in this build", struct_name);
    return -1;
  }
  if (lib_fileout (c, proc, args, &data, &len) == -1)
    return -1;
  if (len == 0) {
    free (data);
    if (proc != PROC_INTERNAL_YARA_SCAN)
      return CLI_ERR_PRINTED;
    gd_set_error ("deserialise_yara_detection_list: %s", strerror (ENOENT));
    return -1;
  }
  struct cli_xdr x = { (const unsigned char *) data, len };
  r = cli_print_struct_stream (&x, si);
  if (r == -1)
    gd_error_prefix ("%s", proto_proc_info (proc)->name);
  free (data);
  return r;
}

/* filesystem-walk DEVICE, find-inode DEVICE INODE. */
int
lib_tsk (struct cli *c, int argc, char **argv)
{
  bool walk = strcmp (argv[0], "filesystem-walk") == 0;
  struct proto_args *a;
  int64_t inode = 0;

  if (argc != (walk ? 2 : 3))
    return -2;
  if (!walk && cli_parse_int64 (argv[2], &inode) == -1) {
    gd_error_prefix ("%s: inode", argv[0]);
    cli_fish_mark (CLI_FISH_BARE);     /* guestfish's parser */
    return -1;
  }
  if (!(a = proto_args_new ()))
    return -1;
  if (proto_args_string (a, argv[1]) == -1 ||
      (!walk && proto_args_int64 (a, inode) == -1)) {
    proto_args_free (a);
    return -1;
  }
  return struct_stream (c, walk ? PROC_INTERNAL_FILESYSTEM_WALK : PROC_INTERNAL_FIND_INODE,
                        a, "tsk_dirent");
}

/* yara-scan PATH (after yara-load). */
int
lib_yara_scan (struct cli *c, int argc, char **argv)
{
  struct proto_args *a;

  if (argc != 2)
    return -2;
  if (!(a = proto_args_new ()))
    return -1;
  if (proto_args_string (a, argv[1]) == -1) {
    proto_args_free (a);
    return -1;
  }
  return struct_stream (c, PROC_INTERNAL_YARA_SCAN, a, "yara_detection");
}

/* Check the whole journal stream (nothing printed), or print it as an
 * xattr list: attrname up to the first '=', attrval the bytes after it.
 */
static int
journal_fields (const unsigned char *d, size_t len, FILE *o)
{
  size_t i = 0, n = 0;

  while (i < len) {
    struct cli_xdr x = { d + i, len - i };
    uint64_t flen;
    const unsigned char *f, *eq;

    if (cli_xdr_u64 (&x, &flen) == -1) {
      gd_set_error ("internal_journal_get: stream truncated at byte %zu of %zu", i, len);
      return -1;
    }
    i += 8;
    if (flen > len - i) {
      gd_set_error ("internal_journal_get: field of %" PRIu64 " bytes at byte %zu "
                    "runs past the end (%zu)", flen, i, len);
      return -1;
    }
    f = d + i;
    /* libguestfs looks for '=' as in a C string: a NUL before it fails. */
    eq = memchr (f, '=', strnlen ((const char *) f, (size_t) flen));
    if (!eq) {
      gd_set_error ("internal_journal_get: field at byte %zu has no '='", i);
      return -1;
    }
    if (o) {
      fprintf (o, "[%zu] = {\n  attrname: %.*s\n  attrval: ", n, (int) (eq - f), f);
      cli_print_escaped (o, eq + 1, (size_t) (f + flen - (eq + 1)));
      fputs ("\n}\n", o);
    }
    i += (size_t) flen;
    n++;
  }
  return 0;
}

int
lib_journal_get (struct cli *c, int argc, char **argv)
{
  char *data;
  size_t len;
  int r;

  (void) argv;
  if (argc != 1)
    return -2;
  if (lib_fileout (c, PROC_INTERNAL_JOURNAL_GET, NULL, &data, &len) == -1)
    return -1;
  r = journal_fields ((const unsigned char *) data, len, NULL);
  if (r == 0)
    journal_fields ((const unsigned char *) data, len, stdout);
  free (data);
  return r;
}
