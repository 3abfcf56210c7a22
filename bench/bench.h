/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark suite's interface for its runner (bench/run*.c) and the
 * CLI.  The runner's life cycle:
 *
 *   r = results_new (runs, warmup);           method: runs, warm-up
 *   results_set_peer (r, peer);  results_set_image (r, "/tmp (tmpfs)");
 *   results_probe_machine (r);                nproc, uname, CPU, date
 *   m = cost_model_new ();
 *   bench_plan_print (stderr, m, keys, n, runs, warmup, &total);
 *   p = progress_new (stderr, n, 0);  progress_set_estimates (p, est);
 *   for each case key k:
 *     progress_case_start (p, i, "upload (tcg, writeback) guestdrv");
 *     c = results_add_case (r, &k);
 *     (no libguestfs UML backend: results_case_skip (c, "no UML backend"))
 *     for run in 1..runs:
 *       progress_run (p, run, runs);
 *       results_add_sample (c, seconds);   cost_model_observe (m, &k, s);
 *     results_set_extra (c, "channel_MBps", x);  ... "disk_MBps",
 *       "channel_share"            (or results_case_fail (c, gd_get_error ()))
 *     progress_case_done (p, case_seconds);
 *   progress_finish (p);
 *   results_write_method (stdout, r);  results_write_table (r, stdout, 0);
 *   results_write_decomposition (r, stdout);
 *   results_write_all (r, outdir);  chart_write (r, outdir, NULL);
 */
#ifndef GUESTDRV_BENCH_H
#define GUESTDRV_BENCH_H

#include "stats.h"
#include "scenario.h"
#include "results.h"
#include "cost.h"
#include "progress.h"
#include "chart.h"

/* Defaults of `guestdrv bench`. */
#define BENCH_DEFAULT_RUNS 5
#define BENCH_DEFAULT_WARMUP 1
#define BENCH_DEFAULT_SIZE (100 * 1000 * 1000ULL)   /* 100 MB payload */
#define BENCH_DEFAULT_OUT "bench-results"

/* `guestdrv bench ARGS...` (bench/run.c); ARGV[0] is "bench".  The exit
 * status.
 */
int bench_main (int argc, char **argv);

#endif
