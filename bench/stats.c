/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sample statistics for the benchmark suite (conventions in stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../common/error.h"

static int
check_samples (const double *x, size_t n)
{
  size_t i;

  if (n == 0 || x == NULL) {
    errno = EINVAL;
    gd_set_error ("stats: no samples");
    return -1;
  }
  for (i = 0; i < n; i++)
    if (!isfinite (x[i]) || x[i] < 0) {
      errno = EINVAL;
      gd_set_error ("stats: sample %zu is %g (must be finite and >= 0)",
                    i, x[i]);
      return -1;
    }
  return 0;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sorted copy of X, or NULL (error set). */
static double *
sorted_copy (const double *x, size_t n)
{
  double *s = malloc (n * sizeof *s);

  if (s == NULL) {
    gd_set_error_errno ("stats: malloc");
    return NULL;
  }
  memcpy (s, x, n * sizeof *s);
  qsort (s, n, sizeof *s, compare_double);
  return s;
}

/* Type 7 percentile of already sorted S. */
static double
percentile_sorted (const double *s, size_t n, double p)
{
  double h = (double) (n - 1) * p / 100.0;
  size_t lo = (size_t) floor (h);

  if (lo >= n - 1)
    return s[n - 1];
  return s[lo] + (h - (double) lo) * (s[lo + 1] - s[lo]);
}

int
stats_discard_warmup (const double *samples, size_t n, size_t warmup,
                      const double **kept, size_t *nkept)
{
  if (warmup >= n) {
    errno = EINVAL;
    gd_set_error ("stats: %zu warm-up run%s to discard but only %zu run%s: "
                  "raise -n above the warm-up count",
                  warmup, warmup == 1 ? "" : "s", n, n == 1 ? "" : "s");
    return -1;
  }
  *kept = samples + warmup;
  *nkept = n - warmup;
  return 0;
}

int
stats_percentile (const double *x, size_t n, double p, double *out)
{
  double *s;

  if (check_samples (x, n) == -1)
    return -1;
  if (!(p >= 0 && p <= 100)) {
    errno = EINVAL;
    gd_set_error ("stats: percentile %g outside [0, 100]", p);
    return -1;
  }
  s = sorted_copy (x, n);
  if (s == NULL)
    return -1;
  *out = percentile_sorted (s, n, p);
  free (s);
  return 0;
}

int
stats_summarize (const double *x, size_t n, struct stats_summary *out)
{
  double *s, sum = 0, mean, ss = 0;
  size_t i;

  if (check_samples (x, n) == -1)
    return -1;
  s = sorted_copy (x, n);
  if (s == NULL)
    return -1;

  for (i = 0; i < n; i++)
    sum += s[i];
  mean = sum / (double) n;
  /* Two-pass variance: the samples are few, and this avoids the
   * cancellation of the sum-of-squares formula.
   */
  for (i = 0; i < n; i++)
    ss += (s[i] - mean) * (s[i] - mean);

  out->n = n;
  out->min = s[0];
  out->max = s[n - 1];
  out->median = percentile_sorted (s, n, 50);
  out->mean = mean;
  out->stddev = n > 1 ? sqrt (ss / (double) (n - 1)) : 0;
  free (s);
  return 0;
}

int
stats_summarize_runs (const double *samples, size_t n, size_t warmup,
                      struct stats_summary *out)
{
  const double *kept;
  size_t nkept;

  if (stats_discard_warmup (samples, n, warmup, &kept, &nkept) == -1)
    return -1;
  return stats_summarize (kept, nkept, out);
}

int
stats_mbps (uint64_t bytes, double seconds, double *out)
{
  if (!(seconds > 0) || !isfinite (seconds)) {
    errno = EINVAL;
    gd_set_error ("stats: throughput over %g s is undefined", seconds);
    return -1;
  }
  *out = (double) bytes / seconds / STATS_MB;
  return 0;
}

int
stats_ratio (double a, double b, double *out)
{
  if (!isfinite (a) || !isfinite (b) || !(b > 0)) {
    errno = EINVAL;
    gd_set_error ("stats: ratio %g / %g is undefined", a, b);
    return -1;
  }
  *out = a / b;
  return 0;
}
