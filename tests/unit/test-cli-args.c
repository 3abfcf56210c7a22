/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of cli/parse.c and cli/print.c: guestfish's number, boolean
 * and string-list syntax, and printing of reply bodies (every return
 * type, octal/hex ints, struct lists), including bodies that lie about
 * their lengths.  Output goes through a temporary file in place of stdout.
 */
#undef NDEBUG
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cli/cli.h"
#include "common/error.h"
#include "unit-main.h"

/* cli/print.c and cli/parse.c use cli_free_words from script.c. */
void
cli_free_words (char **words)
{
  if (!words)
    return;
  for (size_t i = 0; words[i]; i++)
    free (words[i]);
  free (words);
}

START_TEST (test_numbers)
{
  int64_t v;
  int32_t i;

  ck_assert_int_eq (cli_parse_int64 ("10k", &v), 0); ck_assert_int_eq (v, 10240);
  ck_assert_int_eq (cli_parse_int64 ("1KB", &v), 0); ck_assert_int_eq (v, 1000);
  ck_assert_int_eq (cli_parse_int64 ("1KiB", &v), 0); ck_assert_int_eq (v, 1024);
  ck_assert_int_eq (cli_parse_int64 ("2M", &v), 0); ck_assert_int_eq (v, 2 << 20);
  ck_assert_int_eq (cli_parse_int64 ("0x10", &v), 0); ck_assert_int_eq (v, 16);
  ck_assert_int_eq (cli_parse_int64 ("010", &v), 0); ck_assert_int_eq (v, 8);
  ck_assert_int_eq (cli_parse_int64 ("-1", &v), 0); ck_assert_int_eq (v, -1);
  ck_assert_int_eq (cli_parse_int64 ("1kx", &v), -1);
  ck_assert_int_eq (cli_parse_int64 ("1m", &v), -1);
  ck_assert_int_eq (cli_parse_int64 ("", &v), -1);
  ck_assert_int_eq (cli_parse_int64 ("99999999999999999999", &v), -1);
  ck_assert_int_eq (cli_parse_int64 ("9000000000000000000K", &v), -1);
  ck_assert_int_eq (cli_parse_int ("2147483647", &i), 0);
  ck_assert_int_eq (cli_parse_int ("2147483648", &i), -1);
  ck_assert_int_eq (cli_parse_int ("-2147483648", &i), 0);
  ck_assert_int_eq (cli_parse_int ("3000000000", &i), -1);
  ck_assert_str_eq (gd_get_error (), "integer out of range");
  /* guestfish's words: gnulib xstrtoll's status in the message. */
  static const struct { const char *s; const char *status; } bad[] = {
    { "x", "4" }, { "", "4" }, { "1x", "2" }, { "1kx", "2" },
    { "99999999999999999999", "1" }, { "99999999999999999999x", "3" },
    { "9000000000000000000K", "1" },
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    char want[64];
    snprintf (want, sizeof want, "invalid integer parameter (xstrtoll returned %s)", bad[k].status);
    ck_assert_int_eq (cli_parse_int64 (bad[k].s, &v), -1);
    ck_assert_str_eq (gd_get_error (), want);
  }
}
END_TEST

START_TEST (test_guids)
{
  ck_assert (cli_valid_guid ("01234567-89AB-CDEF-0123-456789ABCDEF"));
  ck_assert (cli_valid_guid ("{01234567-89ab-cdef-0123-456789abcdef}"));
  /* Letters beyond F pass, as they do in libguestfs. */
  ck_assert (cli_valid_guid ("01234567-89AB-CDEF-0123-456789ABCDEZ"));
  ck_assert (!cli_valid_guid ("notaguid"));
  ck_assert (!cli_valid_guid (""));
  ck_assert (!cli_valid_guid ("{01234567-89AB-CDEF-0123-456789ABCDEF"));
  ck_assert (!cli_valid_guid ("01234567-89AB-CDEF-0123-456789ABCDEF}"));
  ck_assert (!cli_valid_guid ("01234567089AB-CDEF-0123-456789ABCDEF"));
  ck_assert (!cli_valid_guid ("01234567-89AB-CDEF-0123-456789ABCDE!"));
}
END_TEST

START_TEST (test_bools)
{
  static const char *const yes[] = { "true", "T", "yes", "y", "ON", "1" };
  static const char *const no[] = { "false", "f", "NO", "n", "off", "0" };
  bool b;

  for (size_t k = 0; k < 6; k++) {
    ck_assert_int_eq (cli_parse_bool (yes[k], &b), 0); ck_assert (b);
    ck_assert_int_eq (cli_parse_bool (no[k], &b), 0); ck_assert (!b);
  }
  ck_assert_int_eq (cli_parse_bool ("2", &b), -1);
  ck_assert_int_eq (cli_parse_bool ("maybe", &b), -1);
  ck_assert_int_eq (cli_parse_bool ("", &b), -1);
}
END_TEST

START_TEST (test_string_list)
{
  char **v = cli_parse_string_list ("  a 'b c'\td\\ e \"f g\" ");

  ck_assert_ptr_nonnull (v);
  ck_assert_str_eq (v[0], "a");
  ck_assert_str_eq (v[1], "b c");
  ck_assert_str_eq (v[2], "d e");
  ck_assert_str_eq (v[3], "f g");
  ck_assert_ptr_null (v[4]);
  cli_free_words (v);
  v = cli_parse_string_list ("");
  ck_assert_ptr_nonnull (v);
  ck_assert_ptr_null (v[0]);
  cli_free_words (v);
  ck_assert_ptr_null (cli_parse_string_list ("a 'b"));
}
END_TEST

/* XDR body builder. */
struct body { unsigned char b[1024]; size_t n; };
static void put32 (struct body *x, uint32_t w) { w = htonl (w); memcpy (x->b + x->n, &w, 4); x->n += 4; }
static void put64 (struct body *x, uint64_t w) { put32 (x, w >> 32); put32 (x, (uint32_t) w); }
static void
putstr (struct body *x, const char *s)
{
  size_t l = strlen (s);
  put32 (x, l);
  memcpy (x->b + x->n, s, l);
  x->n += l;
  while (x->n % 4)
    x->b[x->n++] = 0;
}

/* Print BODY as procedure PROC's reply; return what was printed. */
static char *
printed (uint32_t proc, const struct body *x, int *ret)
{
  struct proto_reply r = { .body = (void *) x->b, .body_len = x->n };
  char *out = calloc (1, 4096);
  FILE *tmp = tmpfile ();
  int saved = dup (1);
  size_t n;

  ck_assert_ptr_nonnull (tmp);
  fflush (stdout);
  dup2 (fileno (tmp), 1);
  *ret = cli_print_reply (proto_proc_info (proc), &r);
  fflush (stdout);
  dup2 (saved, 1);
  close (saved);
  rewind (tmp);
  n = fread (out, 1, 4095, tmp);
  out[n] = '\0';
  fclose (tmp);
  return out;
}

#define EXPECT(proc, body, text) do {                                   \
    int rr_;                                                            \
    char *o_ = printed (proc, body, &rr_);                              \
    ck_assert_int_eq (rr_, 0);                                          \
    ck_assert_str_eq (o_, text);                                        \
    free (o_);                                                          \
  } while (0)
#define EXPECT_FAIL(proc, body) do {                                    \
    int rr_;                                                            \
    free (printed (proc, body, &rr_));                                  \
    ck_assert_int_eq (rr_, -1);                                         \
  } while (0)

START_TEST (test_print_scalars)
{
  struct body x = { .n = 0 };

  put32 (&x, 18);
  EXPECT (PROC_UMASK, &x, "022\n");               /* octal */
  EXPECT (PROC_PART_GET_MBR_ID, &x, "0x12\n");    /* hexadecimal */
  EXPECT (PROC_WC_L, &x, "18\n");
  x.n = 0; put32 (&x, 0);
  EXPECT (PROC_UMASK, &x, "0\n");
  EXPECT (PROC_EXISTS, &x, "false\n");
  x.n = 0; put64 (&x, (uint64_t) -5);
  EXPECT (PROC_FILESIZE, &x, "-5\n");
  x.n = 0; putstr (&x, "ext4");
  EXPECT (PROC_VFS_TYPE, &x, "ext4\n");
  x.n = 0; putstr (&x, "a\nb\n");
  EXPECT (PROC_LL, &x, "a\nb\n\n");               /* a string, then a newline */
  x.n = 0; putstr (&x, "raw\x01");
  EXPECT (PROC_PREAD, &x, "raw\x01");             /* a buffer is written raw */
}
END_TEST

START_TEST (test_print_lists)
{
  struct body x = { .n = 0 };

  put32 (&x, 3); putstr (&x, "/dev/sda"); putstr (&x, "/dev/sdb"); putstr (&x, "x");
  EXPECT (PROC_LIST_PARTITIONS, &x, "/dev/sda\n/dev/sdb\nx\n");
  x.n = 0; put32 (&x, 4); putstr (&x, "TYPE"); putstr (&x, "ext4"); putstr (&x, "UUID"); putstr (&x, "u");
  EXPECT (PROC_BLKID, &x, "TYPE: ext4\nUUID: u\n");
  x.n = 0; put32 (&x, 2);
  put32 (&x, 1); put64 (&x, 512); put64 (&x, 1023); put64 (&x, 512);
  put32 (&x, 2); put64 (&x, 1024); put64 (&x, 2047); put64 (&x, 1024);
  EXPECT (PROC_PART_LIST, &x,
          "[0] = {\n  part_num: 1\n  part_start: 512\n  part_end: 1023\n  part_size: 512\n}\n"
          "[1] = {\n  part_num: 2\n  part_start: 1024\n  part_end: 2047\n  part_size: 1024\n}\n");
  x.n = 0; put32 (&x, 0);
  EXPECT (PROC_PART_LIST, &x, "");
}
END_TEST

/* The daemon's lengths are not trusted. */
START_TEST (test_print_lying_bodies)
{
  struct body x = { .n = 0 };

  EXPECT_FAIL (PROC_WC_L, &x);                    /* empty body */
  put32 (&x, 1000);                               /* string longer than the body */
  EXPECT_FAIL (PROC_VFS_TYPE, &x);
  x.n = 0; put32 (&x, 0x40000000);                /* a billion strings */
  EXPECT_FAIL (PROC_LIST_PARTITIONS, &x);
  x.n = 0; put32 (&x, 0xffffffff);                /* struct count */
  EXPECT_FAIL (PROC_PART_LIST, &x);
  x.n = 0; put32 (&x, 1); put32 (&x, 1); put64 (&x, 512);  /* struct cut short */
  EXPECT_FAIL (PROC_PART_LIST, &x);
}
END_TEST

/* The generated table: 492 procedures, 476 of them guestfish commands. */
START_TEST (test_table)
{
  size_t exposed = 0;

  ck_assert_uint_eq (proto_nprocs, 492);
  for (size_t i = 0; i < proto_nprocs; i++) {
    const struct proto_proc_info *pi = &proto_procs[i];
    exposed += !(pi->flags & PROTO_PROC_INTERNAL);
    ck_assert (i == 0 || proto_procs[i - 1].proc < pi->proc);
    ck_assert_ptr_eq (proto_proc_info (pi->proc), pi);
    ck_assert (strchr ("niIbsLHBST", pi->ret) != NULL);
    ck_assert ((pi->ret == 'S' || pi->ret == 'T') == (pi->ret_struct >= 0));
  }
  ck_assert_uint_eq (exposed, 476);
  ck_assert_int_eq (PROC_UPLOAD, 66);
  /* Wire arguments only; the host file's place is the CLI table's. */
  ck_assert_str_eq (proto_proc_info (PROC_UPLOAD)->args, "s");
  ck_assert_str_eq (proto_proc_info (PROC_DOWNLOAD_OFFSET)->args, "sII");
  ck_assert_int_eq (cli_cmd_by_proc (PROC_UPLOAD)->host_file, 0);
  ck_assert_int_eq (cli_cmd_by_proc (PROC_DOWNLOAD_OFFSET)->host_file, 1);
  ck_assert_int_eq (cli_cmd_by_proc (PROC_TAR_OUT)->host_file, 1);
  ck_assert_str_eq (proto_proc_info (PROC_PART_SET_GPT_TYPE)->args, "siG");
  ck_assert_str_eq (proto_proc_info (PROC_TAR_OUT)->optargs, "sbLbbb");
  ck_assert_str_eq (proto_proc_info (PROC_AUG_DEFVAR)->args, "so");
  ck_assert_ptr_null (proto_proc_info (4));
  ck_assert_ptr_null (proto_proc_info_by_name ("no_such_proc"));
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("args");

  tcase_add_test (tc, test_table);
  tcase_add_test (tc, test_numbers);
  tcase_add_test (tc, test_bools);
  tcase_add_test (tc, test_guids);
  tcase_add_test (tc, test_string_list);
  tcase_add_test (tc, test_print_scalars);
  tcase_add_test (tc, test_print_lists);
  tcase_add_test (tc, test_print_lying_bodies);
  return unit_run ("cli-args", tc);
}
