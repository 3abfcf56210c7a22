/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Charts of a benchmark run: a gnuplot script and data file written
 * next to the results, then gnuplot run (bounded by a timeout) to make
 * one PNG per scenario — backends side by side, guestdrv and libguestfs
 * as clustered bars, median seconds with min–max error bars — and
 * throughput.png, the median MB/s of every scenario that moves bytes.
 */
#ifndef GUESTDRV_BENCH_CHART_H
#define GUESTDRV_BENCH_CHART_H

#include "results.h"

/* The script's and the data's file names in the results directory. */
#define CHART_SCRIPT_NAME "chart.gp"

struct chart_options {
  const char *gnuplot;          /* NULL: "gnuplot" from $PATH */
  double timeout_s;             /* 0: CHART_DEFAULT_TIMEOUT_S */
};

/* gnuplot renders a handful of small PNGs in well under a second; a
 * minute means it is stuck (e.g. waiting on a broken font cache).
 */
#define CHART_DEFAULT_TIMEOUT_S 60.0

/* Write OUTDIR/chart.gp and OUTDIR/chart.dat; run gnuplot in OUTDIR.
 * OPT may be NULL.  -1 with the error set (errno ENOENT if gnuplot is
 * missing, ETIMEDOUT if it was killed); the script stays for rerunning.
 */
int chart_write (const struct bench_results *r, const char *outdir,
                 const struct chart_options *opt);

/* Write only the script and data file (no gnuplot needed). */
int chart_write_script (const struct bench_results *r, const char *outdir);

/* 1 if PROG (NULL: "gnuplot") is an executable in $PATH, else 0. */
int chart_gnuplot_available (const char *prog);

/* Name of the PNG for SCENARIO (also "throughput"), into BUF. */
void chart_png_name (const char *scenario, char *buf, size_t len);

#endif
