/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics over one case's timing samples: warm-up discard, summary
 * (min/median/max/mean/stddev), percentiles, throughput and ratios.
 *
 * Conventions, stated once so every report can quote them:
 *  - Percentiles interpolate linearly between closest ranks (Hyndman &
 *    Fan type 7, the default of R, NumPy and spreadsheet PERCENTILE.INC):
 *    sorted x[0..n-1], h = (n-1)·p/100, result = x[⌊h⌋] + (h-⌊h⌋)·
 *    (x[⌊h⌋+1] - x[⌊h⌋]).  So the median of an even count is the mean
 *    of the two middle samples, p0 is the min and p100 the max.
 *  - stddev is the sample standard deviation (divisor n-1); 0 for n = 1.
 *  - Throughput is in MB/s with MB = 10^6 bytes (not MiB), as in the
 *    libguestfs studies this suite reproduces.
 */
#ifndef GUESTDRV_BENCH_STATS_H
#define GUESTDRV_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_MB 1e6            /* bytes per MB in every MB/s we print */

struct stats_summary {
  size_t n;                     /* samples summarised (after warm-up) */
  double min, median, max, mean, stddev;
};

/* Drop the first WARMUP of N samples: *KEPT points into SAMPLES.  At
 * least one sample must remain; otherwise -1 with EINVAL.
 */
int stats_discard_warmup (const double *samples, size_t n, size_t warmup,
                          const double **kept, size_t *nkept);

/* Summarise N >= 1 finite, non-negative samples (seconds).  -1 on error. */
int stats_summarize (const double *x, size_t n, struct stats_summary *out);

/* Warm-up discard followed by stats_summarize. */
int stats_summarize_runs (const double *samples, size_t n, size_t warmup,
                          struct stats_summary *out);

/* Percentile P in [0, 100] of N >= 1 samples (type 7, see above). */
int stats_percentile (const double *x, size_t n, double p, double *out);

/* BYTES moved in SECONDS → MB/s (10^6 B/s).  -1 if SECONDS <= 0. */
int stats_mbps (uint64_t bytes, double seconds, double *out);

/* A / B, e.g. guestdrv median / libguestfs median (< 1: guestdrv faster).
 * -1 if B <= 0 or either is not finite.
 */
int stats_ratio (double a, double b, double *out);

#endif
