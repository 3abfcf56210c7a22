/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a long benchmark shows while it runs: the plan before it starts
 * (cases × runs and an estimated time from the cost model), then one
 * progress line on stderr (case i of N, elapsed, ETA) redrawn in place.
 * The line is silent when its stream is not a terminal, so logs and
 * pipes get only the results.
 */
#ifndef GUESTDRV_BENCH_PROGRESS_H
#define GUESTDRV_BENCH_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#include "cost.h"
#include "results.h"

struct bench_progress;

#define PROGRESS_FORCE 1u       /* draw even if FP is not a terminal */

struct bench_progress *progress_new (FILE *fp, size_t ncases,
                                     unsigned flags);
void progress_free (struct bench_progress *p);
/* Optional: EST[0..ncases-1], estimated seconds of each whole case.
 * With them the ETA is the remaining estimates scaled by measured /
 * estimated so far; without, the mean measured case time × cases left.
 */
int progress_set_estimates (struct bench_progress *p, const double *est);
/* Case I (0-based) starts; LABEL is copied ("upload (tcg, writeback)
 * guestdrv").
 */
void progress_case_start (struct bench_progress *p, size_t i,
                          const char *label);
void progress_run (struct bench_progress *p, unsigned run, unsigned runs);
/* The current case finished (or failed) after SECONDS of wall time. */
void progress_case_done (struct bench_progress *p, double seconds);
/* Redraw now (the runner may call this from a timer). */
void progress_redraw (struct bench_progress *p);
/* Erase the line before results are printed. */
void progress_finish (struct bench_progress *p);
/* Seconds left, or -1 if nothing is known yet.  For tests and logs. */
double progress_eta (const struct bench_progress *p);
int progress_is_active (const struct bench_progress *p);

/* "45s", "4m30s", "1h12m". */
void progress_format_duration (double seconds, char *buf, size_t len);

/* Print the plan for CASES[0..N-1] × RUNS (first WARMUP discarded) with
 * the estimated time; *TOTAL_S (if not NULL) gets the estimate.
 */
int bench_plan_print (FILE *fp, const struct cost_model *m,
                      const struct bench_key *cases, size_t n,
                      unsigned runs, unsigned warmup, double *total_s);

#endif
