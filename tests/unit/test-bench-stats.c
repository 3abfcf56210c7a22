/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of bench/stats.c, bench/scenario.c, bench/cost.c and
 * bench/progress.c: statistics on known samples, warm-up discard,
 * throughput, the cost model and the progress line's ETA.
 */
#undef NDEBUG
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bench/bench.h"
#include "common/error.h"

#define EPS 1e-9

START_TEST (test_odd_count)
{
  const double x[] = { 3, 1, 2 };
  struct stats_summary s;

  ck_assert_int_eq (stats_summarize (x, 3, &s), 0);
  ck_assert_uint_eq (s.n, 3);
  ck_assert_double_eq_tol (s.min, 1, EPS);
  ck_assert_double_eq_tol (s.median, 2, EPS);
  ck_assert_double_eq_tol (s.max, 3, EPS);
  ck_assert_double_eq_tol (s.mean, 2, EPS);
  ck_assert_double_eq_tol (s.stddev, 1, EPS);
  /* The input is not reordered. */
  ck_assert_double_eq (x[0], 3);
}
END_TEST

START_TEST (test_even_count)
{
  const double x[] = { 4, 1, 3, 2 };
  struct stats_summary s;

  ck_assert_int_eq (stats_summarize (x, 4, &s), 0);
  ck_assert_double_eq_tol (s.median, 2.5, EPS);
  ck_assert_double_eq_tol (s.mean, 2.5, EPS);
  ck_assert_double_eq_tol (s.stddev, sqrt (5.0 / 3.0), EPS);
}
END_TEST

START_TEST (test_one_sample)
{
  const double x[] = { 7.5 };
  struct stats_summary s;
  double p;

  ck_assert_int_eq (stats_summarize (x, 1, &s), 0);
  ck_assert_double_eq (s.min, 7.5);
  ck_assert_double_eq (s.median, 7.5);
  ck_assert_double_eq (s.max, 7.5);
  ck_assert_double_eq (s.stddev, 0);
  ck_assert_int_eq (stats_percentile (x, 1, 90, &p), 0);
  ck_assert_double_eq (p, 7.5);
}
END_TEST

START_TEST (test_percentile_type7)
{
  const double x[] = { 4, 2, 3, 1 };
  double p;

  ck_assert_int_eq (stats_percentile (x, 4, 0, &p), 0);
  ck_assert_double_eq_tol (p, 1, EPS);
  ck_assert_int_eq (stats_percentile (x, 4, 25, &p), 0);
  ck_assert_double_eq_tol (p, 1.75, EPS);
  ck_assert_int_eq (stats_percentile (x, 4, 90, &p), 0);
  ck_assert_double_eq_tol (p, 3.7, EPS);
  ck_assert_int_eq (stats_percentile (x, 4, 100, &p), 0);
  ck_assert_double_eq_tol (p, 4, EPS);
  ck_assert_int_eq (stats_percentile (x, 4, 100.5, &p), -1);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_int_eq (stats_percentile (x, 4, NAN, &p), -1);
}
END_TEST

START_TEST (test_warmup_discard)
{
  const double x[] = { 10, 9, 1, 2, 3 };
  const double *kept;
  size_t n;
  struct stats_summary s;

  ck_assert_int_eq (stats_discard_warmup (x, 5, 2, &kept, &n), 0);
  ck_assert_ptr_eq (kept, x + 2);
  ck_assert_uint_eq (n, 3);
  ck_assert_int_eq (stats_summarize_runs (x, 5, 2, &s), 0);
  ck_assert_double_eq_tol (s.median, 2, EPS);
  ck_assert_double_eq_tol (s.max, 3, EPS);
  ck_assert_int_eq (stats_summarize_runs (x, 5, 0, &s), 0);
  ck_assert_double_eq_tol (s.max, 10, EPS);
}
END_TEST

START_TEST (test_warmup_too_large)
{
  const double x[] = { 1, 2, 3 };
  const double *kept;
  size_t n;
  struct stats_summary s;

  ck_assert_int_eq (stats_discard_warmup (x, 3, 3, &kept, &n), -1);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "warm-up"));
  ck_assert_int_eq (stats_summarize_runs (x, 3, 5, &s), -1);
  ck_assert_ptr_null (results_new (5, 5));
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_ptr_null (results_new (0, 0));
}
END_TEST

START_TEST (test_bad_samples)
{
  const double neg[] = { 1, -1 }, nan[] = { NAN }, inf[] = { INFINITY };
  struct stats_summary s;

  ck_assert_int_eq (stats_summarize (neg, 0, &s), -1);
  ck_assert_int_eq (stats_summarize (NULL, 3, &s), -1);
  ck_assert_int_eq (stats_summarize (neg, 2, &s), -1);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_int_eq (stats_summarize (nan, 1, &s), -1);
  ck_assert_int_eq (stats_summarize (inf, 1, &s), -1);
}
END_TEST

START_TEST (test_mbps)
{
  double mbps, ratio;
  const uint64_t bytes = 123456789;
  const double secs = 3.21;

  ck_assert_int_eq (stats_mbps (100000000, 2, &mbps), 0);
  ck_assert_double_eq_tol (mbps, 50, EPS);
  /* MB/s × s gives back the bytes (MB = 10^6). */
  ck_assert_int_eq (stats_mbps (bytes, secs, &mbps), 0);
  ck_assert_double_eq_tol (mbps * secs * STATS_MB, (double) bytes, 1e-3);
  ck_assert_int_eq (stats_mbps (1, 0, &mbps), -1);
  ck_assert_int_eq (stats_mbps (1, -1, &mbps), -1);
  ck_assert_int_eq (stats_mbps (1, NAN, &mbps), -1);

  ck_assert_int_eq (stats_ratio (12.3, 14.0, &ratio), 0);
  ck_assert_double_eq_tol (ratio, 12.3 / 14.0, EPS);
  ck_assert_int_eq (stats_ratio (1, 0, &ratio), -1);
  ck_assert_int_eq (stats_ratio (INFINITY, 1, &ratio), -1);
}
END_TEST

START_TEST (test_parse_lists)
{
  const char **v, *backends[BENCH_MAX_NAMES], *caches[BENCH_MAX_NAMES];
  size_t n, nbackends = bench_backend_names (backends, BENCH_MAX_NAMES);

  /* The launcher's table without auto; the caches in the bench's order. */
  ck_assert_uint_eq (nbackends, 3);
  ck_assert_uint_eq (bench_cache_names (caches, BENCH_MAX_NAMES), 5);
  ck_assert_str_eq (caches[0], "writeback");
  ck_assert_str_eq (caches[1], "none");
  ck_assert_str_eq (caches[2], "unsafe");
  ck_assert_str_eq (caches[3], "writethrough");
  ck_assert_str_eq (caches[4], "directsync");
  ck_assert_int_eq (bench_parse_list ("--backend", "tcg,uml,tcg", backends,
                                      nbackends, &v, &n), 0);
  ck_assert_uint_eq (n, 2);
  ck_assert_str_eq (v[0], "tcg");
  ck_assert_str_eq (v[1], "uml");
  ck_assert_ptr_null (v[2]);
  free (v);

  ck_assert_int_eq (bench_parse_scenarios ("all", &v, &n), 0);
  ck_assert_uint_eq (n, 14);
  ck_assert_uint_eq (bench_nscenarios, 14);
  free (v);

  ck_assert_int_eq (bench_parse_list ("--backend", "kvm,xen", backends,
                                      nbackends, &v, &n), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "'xen'"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "kvm,tcg,uml"));
  ck_assert_int_eq (bench_parse_scenarios ("", &v, &n), -1);
  ck_assert_ptr_null (bench_scenario_lookup ("nope"));
  ck_assert_int_eq (bench_scenario_lookup ("fill-1")->moves_bytes, 1);
  ck_assert_int_eq (bench_scenario_lookup ("startup")->moves_bytes, 0);
}
END_TEST

START_TEST (test_cost_model)
{
  struct cost_model *m = cost_model_new ();
  struct bench_key uml = { "upload", "uml", "writeback", BENCH_TOOL_SELF,
                           100000000 };
  struct bench_key kvm = uml, peer = uml, bad = uml;
  struct cost_backend fast = { "uml", 1, 100, 100, 0.001 };
  double tu, tk, tp, t2;

  ck_assert_ptr_nonnull (m);
  kvm.backend = "kvm";
  peer.tool = BENCH_TOOL_PEER;
  ck_assert_int_eq (cost_model_estimate (m, &uml, &tu), 0);
  ck_assert_int_eq (cost_model_estimate (m, &kvm, &tk), 0);
  ck_assert_int_eq (cost_model_estimate (m, &peer, &tp), 0);
  /* 100 MB over UML's ~1 MB/s serial line takes at least 100 s. */
  ck_assert (tu >= 100);
  ck_assert (tk < tu);
  ck_assert (tp > tu);

  /* A measurement twice the estimate moves the correction halfway. */
  ck_assert_int_eq (cost_model_observe (m, &uml, 2 * tu), 0);
  ck_assert_int_eq (cost_model_estimate (m, &uml, &t2), 0);
  ck_assert_double_eq_tol (t2, 1.5 * tu, 1e-6);

  ck_assert_int_eq (cost_model_set_backend (m, &fast), 0);
  ck_assert_int_eq (cost_model_estimate (m, &uml, &t2), 0);
  ck_assert (t2 < 10);

  bad.backend = "xen";
  ck_assert_int_eq (cost_model_estimate (m, &bad, &t2), -1);
  bad = uml;
  bad.scenario = "nope";
  ck_assert_int_eq (cost_model_estimate (m, &bad, &t2), -1);
  cost_model_free (m);
}
END_TEST

START_TEST (test_plan)
{
  struct cost_model *m = cost_model_new ();
  struct bench_key k[3] = {
    { "startup", "kvm", "writeback", BENCH_TOOL_SELF, 0 },
    { "upload", "kvm", "writeback", BENCH_TOOL_SELF, 1000000 },
    { "upload", "uml", "writeback", BENCH_TOOL_SELF, 1000000 },
  };
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);
  double total;

  ck_assert_int_eq (bench_plan_print (fp, m, k, 3, 5, 1, &total), 0);
  fclose (fp);
  ck_assert_ptr_nonnull (strstr (buf, "plan: 3 cases"));
  ck_assert_ptr_nonnull (strstr (buf, "= 15 runs"));
  ck_assert_ptr_nonnull (strstr (buf, "first 1 of each"));
  ck_assert_ptr_nonnull (strstr (buf, "estimated time:"));
  ck_assert_ptr_nonnull (strstr (buf, "kvm "));
  ck_assert_ptr_nonnull (strstr (buf, "uml "));
  ck_assert (total > 0);
  free (buf);
  cost_model_free (m);
}
END_TEST

START_TEST (test_duration_format)
{
  char b[32];

  progress_format_duration (45, b, sizeof b);
  ck_assert_str_eq (b, "45s");
  progress_format_duration (270, b, sizeof b);
  ck_assert_str_eq (b, "4m30s");
  progress_format_duration (4320, b, sizeof b);
  ck_assert_str_eq (b, "1h12m");
  progress_format_duration (-1, b, sizeof b);
  ck_assert_str_eq (b, "?");
}
END_TEST

START_TEST (test_progress_eta)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);
  struct bench_progress *p;
  const double est[4] = { 10, 10, 20, 20 };

  /* A memstream is not a terminal: silent unless forced. */
  p = progress_new (fp, 4, 0);
  ck_assert_int_eq (progress_is_active (p), 0);
  progress_case_start (p, 0, "startup (kvm, writeback) guestdrv");
  progress_finish (p);
  fflush (fp);
  ck_assert_uint_eq (len, 0);
  progress_free (p);

  p = progress_new (fp, 4, PROGRESS_FORCE);
  ck_assert_double_eq (progress_eta (p), -1);  /* nothing measured */
  progress_case_start (p, 0, "startup (kvm, writeback) guestdrv");
  progress_run (p, 2, 5);
  progress_case_done (p, 30);
  /* Mean of measured cases × cases left (minus ~0 s in the current). */
  ck_assert_double_eq_tol (progress_eta (p), 90, 0.5);
  ck_assert_int_eq (progress_set_estimates (p, est), 0);
  /* 30 s measured for 10 s estimated: 50 s left × 3. */
  ck_assert_double_eq_tol (progress_eta (p), 150, 0.5);
  progress_case_start (p, 1, "upload (tcg, writeback) guestdrv");
  progress_finish (p);
  fflush (fp);
  ck_assert_ptr_nonnull (strstr (buf, "[1/4] startup (kvm, writeback) "
                                 "guestdrv run 2/5  elapsed 0s  ETA"));
  ck_assert_ptr_nonnull (strstr (buf, "[2/4] upload"));
  ck_assert_ptr_nonnull (strstr (buf, "\r\033[K"));
  progress_free (p);
  fclose (fp);
  free (buf);
}
END_TEST

static Suite *
bench_stats_suite (void)
{
  Suite *s = suite_create ("bench-stats");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_odd_count);
  tcase_add_test (tc, test_even_count);
  tcase_add_test (tc, test_one_sample);
  tcase_add_test (tc, test_percentile_type7);
  tcase_add_test (tc, test_warmup_discard);
  tcase_add_test (tc, test_warmup_too_large);
  tcase_add_test (tc, test_bad_samples);
  tcase_add_test (tc, test_mbps);
  tcase_add_test (tc, test_parse_lists);
  tcase_add_test (tc, test_cost_model);
  tcase_add_test (tc, test_plan);
  tcase_add_test (tc, test_duration_format);
  tcase_add_test (tc, test_progress_eta);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (bench_stats_suite ());
  int failed;

  srunner_set_fork_status (sr, CK_FORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
