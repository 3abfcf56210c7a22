/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fsync-test harness's parsers: strace output into per-phase flush
 * counts (only calls on the image, each counted once, by time), and
 * counters out of guestdrv-lazyfs control replies.
 */
#undef NDEBUG
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fsync/harness.h"

#define IMG "/tmp/x/mnt/disk.img"

static char trace_path[64];

static void
write_trace (const char *text)
{
  int fd;
  snprintf (trace_path, sizeof trace_path, "/tmp/test-fsync-harness.XXXXXX");
  fd = mkstemp (trace_path);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, text, strlen (text)), (ssize_t) strlen (text));
  close (fd);
}

START_TEST (test_parse_phases)
{
  /* Phases begin at 100 (fsynced), 200 (unsynced), 300 (after). */
  const double marks[FC_NPHASES] = { -1, 100, 200, 300 };
  struct fc_result r;

  write_trace (
"41 50.000001 openat(AT_FDCWD</>, \"" IMG "\", O_RDWR|O_DIRECT|O_CLOEXEC) = 13<" IMG ">\n"
"41 60.5 fdatasync(13<" IMG ">) = 0\n"
"42 150.1 fdatasync(13<" IMG "> <unfinished ...>\n"
"43 150.2 fsync(14</tmp/x/mnt/other.img>) = 0\n"
"42 150.3 <... fdatasync resumed>) = 0\n"
"43 150.4 fsync(13<" IMG ">) = 0\n"
"43 150.5 sync_file_range(13<" IMG ">, 0, 0, SYNC_FILE_RANGE_WRITE) = 0\n"
"44 150.6 pwritev2(13<" IMG ">, [{iov_base=\"x\", iov_len=1}], 1, 0, RWF_DSYNC) = 1\n"
"44 150.7 pwritev2(13<" IMG ">, [{iov_base=\"x\", iov_len=1}], 1, 0, 0) = 1\n"
"45 250.0 fdatasync(15<" IMG ".bak>) = 0\n"
"45 250.1 syncfs(13<" IMG ">) = 0\n"
"46 350.0 sync() = 0\n"
"46 350.1 +++ killed by SIGKILL +++\n"
"garbage line\n");
  memset (&r, 0, sizeof r);
  ck_assert_int_eq (flushcount_parse (trace_path, IMG, marks, &r), 0);
  unlink (trace_path);

  ck_assert_uint_eq (r.phase[FC_PHASE_BEFORE].opens, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_BEFORE].fdatasyncs, 1);
  ck_assert (r.o_direct);
  ck_assert (!r.o_dsync && !r.o_sync);
  ck_assert_uint_eq (r.phase[FC_PHASE_FSYNCED].fdatasyncs, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_FSYNCED].fsyncs, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_FSYNCED].sync_file_ranges, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_FSYNCED].dsync_writes, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_UNSYNCED].fdatasyncs, 0);
  ck_assert_uint_eq (r.phase[FC_PHASE_UNSYNCED].syncfs, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_AFTER].syncs, 1);
}
END_TEST

START_TEST (test_parse_no_pid_column)
{
  const double marks[FC_NPHASES] = { -1, 10, 20, -1 };
  struct fc_result r;

  write_trace ("15.000000 fsync(3<" IMG ">) = 0\n"
               "25.000000 fdatasync(3<" IMG ">) = 0\n"
               "26.000000 openat(AT_FDCWD</>, \"" IMG "\", O_RDWR|O_DSYNC) = 4<" IMG ">\n");
  memset (&r, 0, sizeof r);
  ck_assert_int_eq (flushcount_parse (trace_path, IMG, marks, &r), 0);
  unlink (trace_path);
  ck_assert_uint_eq (r.phase[FC_PHASE_FSYNCED].fsyncs, 1);
  /* No "after" mark: everything later stays in the unsynced phase. */
  ck_assert_uint_eq (r.phase[FC_PHASE_UNSYNCED].fdatasyncs, 1);
  ck_assert_uint_eq (r.phase[FC_PHASE_UNSYNCED].opens, 1);
  ck_assert (r.o_dsync && !r.o_direct);
}
END_TEST

START_TEST (test_parse_missing_file)
{
  const double marks[FC_NPHASES] = { -1, -1, -1, -1 };
  struct fc_result r;
  ck_assert_int_eq (flushcount_parse ("/nonexistent/strace.out", IMG, marks, &r), -1);
}
END_TEST

START_TEST (test_lazyfs_field)
{
  const char *stats =
    "{\"ok\":true,\"cmd\":\"stats\",\"files\":["
    "{\"name\":\"a.img\",\"dirty_bytes\":5,\"writes\":7},"
    "{\"name\":\"disk.img\",\"unlinked\":false,\"dirty_bytes\":4096,"
    "\"writes\":12,\"fdatasyncs\":3}]}";
  const char *cut =
    "{\"ok\":true,\"cmd\":\"cut\",\"files\":[{\"name\":\"disk.img\","
    "\"ranges\":[[0,4096]],\"ranges_truncated\":false,\"bytes_lost\":4096}],"
    "\"bytes_lost\":4096}";
  uint64_t v = 0;

  ck_assert_int_eq (lazyfs_field (stats, "disk.img", "dirty_bytes", &v), 0);
  ck_assert_uint_eq (v, 4096);
  ck_assert_int_eq (lazyfs_field (stats, "disk.img", "fdatasyncs", &v), 0);
  ck_assert_uint_eq (v, 3);
  ck_assert_int_eq (lazyfs_field (stats, "a.img", "writes", &v), 0);
  ck_assert_uint_eq (v, 7);
  /* A key of another file's object is not this file's. */
  ck_assert_int_eq (lazyfs_field (stats, "a.img", "fdatasyncs", &v), -1);
  ck_assert_int_eq (lazyfs_field (stats, "b.img", "writes", &v), -1);
  /* The cut's ranges array holds a ']' but no '}' before bytes_lost. */
  ck_assert_int_eq (lazyfs_field (cut, "disk.img", "bytes_lost", &v), 0);
  ck_assert_uint_eq (v, 4096);
  ck_assert_int_eq (lazyfs_field (cut, NULL, "bytes_lost", &v), 0);
  ck_assert_uint_eq (v, 4096);
}
END_TEST

static Suite *
harness_suite (void)
{
  Suite *s = suite_create ("fsync-harness");
  TCase *tc = tcase_create ("parsers");
  tcase_add_test (tc, test_parse_phases);
  tcase_add_test (tc, test_parse_no_pid_column);
  tcase_add_test (tc, test_parse_missing_file);
  tcase_add_test (tc, test_lazyfs_field);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (harness_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? 1 : 0;
}
