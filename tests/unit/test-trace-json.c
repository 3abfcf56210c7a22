/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of common/json.c (the reader behind `guestdrv report` and the
 * QMP client) and of the trace writer's summary: valid documents, every
 * kind of malformed input, bounds, and a write-then-read round trip.
 */
#undef NDEBUG
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/error.h"
#include "common/json.h"
#include "trace/trace.h"

static struct json *
parse (const char *s)
{
  return json_parse (s, strlen (s));
}

START_TEST (test_scalars)
{
  struct json *j = parse (" [1, -2.5e3, 0, true, false, null, \"x\"] ");

  ck_assert_ptr_nonnull (j);
  ck_assert_int_eq (j->type, JSON_ARRAY);
  ck_assert_uint_eq (j->n, 7);
  ck_assert_double_eq (j->kids[0].num, 1);
  ck_assert_double_eq (j->kids[1].num, -2500);
  ck_assert_double_eq (j->kids[2].num, 0);
  ck_assert (j->kids[3].type == JSON_BOOL && j->kids[3].b);
  ck_assert (j->kids[4].type == JSON_BOOL && !j->kids[4].b);
  ck_assert_int_eq (j->kids[5].type, JSON_NULL);
  ck_assert_str_eq (json_string (&j->kids[6], NULL), "x");
  json_free (j);
}
END_TEST

START_TEST (test_objects_and_paths)
{
  struct json *j = parse ("{\"a\":{\"b\":{\"c\":42}},\"s\":\"v\",\"e\":{},\"l\":[]}");

  ck_assert_ptr_nonnull (j);
  ck_assert_double_eq (json_number (json_path (j, "a.b.c"), -1), 42);
  ck_assert_ptr_null (json_path (j, "a.x.c"));
  ck_assert_str_eq (json_string (json_get (j, "s"), "?"), "v");
  ck_assert_str_eq (json_string (json_get (j, "a"), "dflt"), "dflt");
  ck_assert_uint_eq (json_get (j, "e")->n, 0);
  ck_assert_uint_eq (json_get (j, "l")->n, 0);
  ck_assert_double_eq (json_number (NULL, 7), 7);
  json_free (j);
}
END_TEST

START_TEST (test_escapes)
{
  struct json *j = parse ("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20ac \\ud83d\\ude00\"");

  ck_assert_ptr_nonnull (j);
  ck_assert_str_eq (j->str, "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  json_free (j);
}
END_TEST

START_TEST (test_malformed)
{
  static const char *const bad[] = {
    "", "   ", "[", "]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]",
    "[1 2]", "{1:2}", "tru", "nul", "falsey", "01", "1.", ".5", "-", "1e",
    "+1", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
    "\"\\ud800\\u0041\"", "\"\\u0000\"", "\"a\nb\"", "[1] [2]", "1e999",
    "{\"a\":1 \"b\":2}", "\"\\", "[\"\\u", NULL,
  };

  for (size_t i = 0; bad[i]; i++) {
    struct json *j = parse (bad[i]);
    if (j)
      ck_abort_msg ("accepted malformed input %zu: '%s'", i, bad[i]);
    ck_assert_ptr_nonnull (strstr (gd_get_error (), "json: line"));
  }
}
END_TEST

START_TEST (test_error_position)
{
  ck_assert_ptr_null (parse ("{\n  \"a\": [1,\n  2,,]}"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "line 3 column 5"));
}
END_TEST

START_TEST (test_depth_bound)
{
  char buf[2 * (JSON_MAX_DEPTH + 2) + 1];
  struct json *j;
  size_t n;

  /* JSON_MAX_DEPTH + 1 nested arrays is the most we accept. */
  for (n = 0; n <= JSON_MAX_DEPTH; n++)
    buf[n] = '[';
  for (size_t i = 0; i <= JSON_MAX_DEPTH; i++)
    buf[n++] = ']';
  buf[n] = '\0';
  j = parse (buf);
  ck_assert_ptr_nonnull (j);
  json_free (j);

  memmove (buf + 1, buf, n + 1);
  buf[0] = '[';
  strcat (buf, "]");
  ck_assert_ptr_null (parse (buf));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "nested too deeply"));
}
END_TEST

START_TEST (test_not_terminated_input)
{
  /* The parser must stay inside LEN even without a NUL after it. */
  char *buf = malloc (4);
  struct json *j;

  memcpy (buf, "1234", 4);
  j = json_parse (buf, 4);
  ck_assert_ptr_nonnull (j);
  ck_assert_double_eq (j->num, 1234);
  json_free (j);
  memcpy (buf, "\"abc", 4);
  ck_assert_ptr_null (json_parse (buf, 4));
  free (buf);
}
END_TEST

START_TEST (test_file_bounds)
{
  char path[] = "/tmp/test-trace-json.XXXXXX";
  int fd = mkstemp (path);
  struct json *j;

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, "{\"k\":[1,2,3]}", 13), 13);
  close (fd);
  j = json_parse_file (path, 100);
  ck_assert_ptr_nonnull (j);
  json_free (j);
  ck_assert_ptr_null (json_parse_file (path, 12));
  unlink (path);
  ck_assert_ptr_null (json_parse_file (path, 100));
  ck_assert_int_eq (gd_get_errno (), ENOENT);
}
END_TEST

START_TEST (test_write_read_roundtrip)
{
  char path[] = "/tmp/test-trace-json.XXXXXX";
  int fd = mkstemp (path);
  const struct json *ev, *sum;
  struct json *j;
  char *text = NULL;
  size_t len = 0;
  FILE *f;
  int found = 0;
  uint64_t t;

  ck_assert_int_ge (fd, 0);
  close (fd);
  gd_clock_init ();
  trace_mask = (1u << TL_NLAYERS) - 1;
  t = gd_now_ns ();
  trace_complete (TL_PROTOCOL, "we\"ird\\name\n", t, t + 1000, "\"serial\":5");
  trace_instant (TL_INIT, "mark", gd_now_ns (), NULL);
  trace_counter (TL_CHANNEL, "bytes", gd_now_ns (), "in", 12345);
  trace_summary_num (TL_DISK, "flushes", 3);
  trace_summary_num (TL_DISK, "flushes", 4);   /* replaces */
  trace_summary_str (TL_LAUNCHER, "backend", "t\"cg");
  trace_summary_json (TL_PROTOCOL, "procs", "{\"upload\":{\"calls\":1}}");
  trace_summary_num (TL_KERNEL, "nan", 0.0 / 0.0);
  ck_assert_int_eq (trace_write (path), 0);
  trace_reset ();

  j = json_parse_file (path, 1 << 20);
  ck_assert_ptr_nonnull (j);
  sum = json_path (j, "otherData.summary");
  ck_assert_double_eq (json_number (json_path (sum, "disk.flushes"), -1), 4);
  ck_assert_str_eq (json_string (json_path (sum, "launcher.backend"), "?"), "t\"cg");
  ck_assert_double_eq (json_number (json_path (sum, "protocol.procs.upload.calls"), -1), 1);
  ck_assert_double_eq (json_number (json_path (sum, "kernel.nan"), -1), 0);
  ck_assert_ptr_nonnull (json_get (sum, "channel"));      /* every layer */
  ev = json_get (j, "traceEvents");
  ck_assert_ptr_nonnull (ev);
  for (size_t i = 0; i < ev->n; i++)
    if (strcmp (json_string (json_get (&ev->kids[i], "name"), ""), "we\"ird\\name\n") == 0) {
      ck_assert_double_eq (json_number (json_path (&ev->kids[i], "args.serial"), -1), 5);
      ck_assert_double_eq_tol (json_number (json_get (&ev->kids[i], "dur"), -1), 1, 1e-9);
      found = 1;
    }
  ck_assert (found);

  /* json_write gives back something json_parse reads the same. */
  f = open_memstream (&text, &len);
  json_write (f, j, 2);
  fclose (f);
  json_free (j);
  j = json_parse (text, len);
  ck_assert_ptr_nonnull (j);
  ck_assert_double_eq (json_number (json_path (j, "otherData.summary.disk.flushes"), -1), 4);
  json_free (j);
  free (text);
  unlink (path);
  trace_mask = 0;
}
END_TEST

START_TEST (test_parse_layers)
{
  unsigned m = 0;

  ck_assert_int_eq (trace_parse_layers ("kernel,disk", &m), 0);
  ck_assert_uint_eq (m, (1u << TL_KERNEL) | (1u << TL_DISK));
  ck_assert_int_eq (trace_parse_layers ("all", &m), 0);
  ck_assert_uint_eq (m, (1u << TL_NLAYERS) - 1);
  ck_assert_int_eq (trace_parse_layers ("disk,bogus", &m), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "bogus"));
}
END_TEST

int report_main (int argc, char **argv);

/* Run report_main with stdout in a file; return what it printed. */
static char *
run_report (const char *opt, const char *path, int *rc)
{
  char out[] = "/tmp/test-trace-report.XXXXXX";
  int fd = mkstemp (out), saved = dup (1);
  char *argv[] = { (char *) "report", (char *) opt, (char *) path, NULL };
  char *text = calloc (1, 65536);

  ck_assert_int_ge (fd, 0);
  fflush (stdout);
  dup2 (fd, 1);
  *rc = opt ? report_main (3, argv) : report_main (2, (char *[]) { argv[0], argv[2], NULL });
  fflush (stdout);
  dup2 (saved, 1);
  close (saved);
  ck_assert_int_ge (pread (fd, text, 65535, 0), 0);
  close (fd);
  unlink (out);
  return text;
}

START_TEST (test_report)
{
  char path[] = "/tmp/test-trace-json.XXXXXX";
  int fd = mkstemp (path), rc;
  uint64_t t;
  char *text;
  struct json *j;

  ck_assert_int_ge (fd, 0);
  close (fd);
  gd_clock_init ();
  trace_mask = (1u << TL_NLAYERS) - 1;
  t = gd_now_ns ();
  trace_complete (TL_PROTOCOL, "upload data", t, t + 2000000000ULL,
                  "\"serial\":7,\"chunks\":4097,\"bytes\":33554432");
  trace_summary_str (TL_LAUNCHER, "backend", "tcg");
  trace_summary_num (TL_LAUNCHER, "fork_exec_ms", 0.5);
  trace_summary_json (TL_INIT, "marks", "[{\"stage\":\"init-start\",\"guest_uptime_s\":4.5,"
                      "\"host_ms\":100,\"stage_ms\":0,\"guest_stage_ms\":0}]");
  trace_summary_json (TL_PROTOCOL, "procs", "{\"upload\":{\"calls\":1,\"p50_ms\":2000,"
                      "\"p99_ms\":2000}}");
  trace_summary_json (TL_DISK, "host", "[{\"idx\":0,\"cache\":\"writeback\","
                      "\"bytes_written\":33554432,\"flushes\":3}]");
  ck_assert_int_eq (trace_write (path), 0);
  trace_reset ();
  trace_mask = 0;

  text = run_report (NULL, path, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_ptr_nonnull (strstr (text, "launcher  tcg"));
  ck_assert_ptr_nonnull (strstr (text, "init-start"));
  ck_assert_ptr_nonnull (strstr (text, "32.00 MiB"));
  ck_assert_ptr_nonnull (strstr (text, "16.8"));         /* MB/s of the transfer */
  ck_assert_ptr_nonnull (strstr (text, "(not traced)"));  /* kernel, ... */
  free (text);

  text = run_report ("--json", path, &rc);
  ck_assert_int_eq (rc, 0);
  j = json_parse (text, strlen (text));
  ck_assert_ptr_nonnull (j);
  ck_assert_double_eq (json_number (json_path (j, "disk.host"), -1), -1);
  ck_assert_double_eq (json_number (json_get (&json_get (j, "disk")->kids[0].kids[0], "flushes"), -1), 3);
  json_free (j);
  free (text);

  /* Not a guestdrv trace; not JSON; missing. */
  ck_assert_int_eq (trace_write (path), 0);
  {
    FILE *f = fopen (path, "w");
    fputs ("{\"traceEvents\":[]}", f);
    fclose (f);
  }
  free (run_report (NULL, path, &rc));
  ck_assert_int_eq (rc, 1);
  {
    FILE *f = fopen (path, "w");
    fputs ("{\"otherData\":", f);
    fclose (f);
  }
  free (run_report (NULL, path, &rc));
  ck_assert_int_eq (rc, 1);
  unlink (path);
  free (run_report (NULL, path, &rc));
  ck_assert_int_eq (rc, 1);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("trace-json");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_scalars);
  tcase_add_test (tc, test_objects_and_paths);
  tcase_add_test (tc, test_escapes);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_error_position);
  tcase_add_test (tc, test_depth_bound);
  tcase_add_test (tc, test_not_terminated_input);
  tcase_add_test (tc, test_file_bounds);
  tcase_add_test (tc, test_write_read_roundtrip);
  tcase_add_test (tc, test_parse_layers);
  tcase_add_test (tc, test_report);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
