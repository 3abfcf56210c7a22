/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress line and plan printer of `guestdrv bench` (see progress.h). */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "../common/clock.h"
#include "../common/error.h"

struct bench_progress {
  FILE *fp;
  int active;                   /* drawing: a terminal or forced */
  size_t ncases, current, done;
  double *est;                  /* NULL or ncases estimates */
  double done_actual;           /* seconds of the finished cases */
  uint64_t t0_ns, case_t0_ns;
  unsigned run, runs;
  char *label;
  int drawn;
};

struct bench_progress *
progress_new (FILE *fp, size_t ncases, unsigned flags)
{
  struct bench_progress *p = calloc (1, sizeof *p);

  if (p == NULL) {
    gd_set_error_errno ("bench: calloc");
    return NULL;
  }
  p->fp = fp;
  p->ncases = ncases;
  p->active = (flags & PROGRESS_FORCE) || isatty (fileno (fp));
  p->t0_ns = p->case_t0_ns = gd_now_ns ();
  return p;
}

void
progress_free (struct bench_progress *p)
{
  if (p == NULL)
    return;
  free (p->est);
  free (p->label);
  free (p);
}

int
progress_set_estimates (struct bench_progress *p, const double *est)
{
  double *v = malloc ((p->ncases ? p->ncases : 1) * sizeof *v);

  if (v == NULL) {
    gd_set_error_errno ("bench: malloc");
    return -1;
  }
  memcpy (v, est, p->ncases * sizeof *v);
  free (p->est);
  p->est = v;
  return 0;
}

int
progress_is_active (const struct bench_progress *p)
{
  return p->active;
}

void
progress_format_duration (double s, char *buf, size_t len)
{
  unsigned long t;

  if (!(s >= 0)) {
    snprintf (buf, len, "?");
    return;
  }
  t = (unsigned long) (s + 0.5);
  if (t < 60)
    snprintf (buf, len, "%lus", t);
  else if (t < 3600)
    snprintf (buf, len, "%lum%02lus", t / 60, t % 60);
  else
    snprintf (buf, len, "%luh%02lum", t / 3600, (t % 3600) / 60);
}

static double
seconds_since (uint64_t t0_ns)
{
  return (double) (gd_now_ns () - t0_ns) / 1e9;
}

double
progress_eta (const struct bench_progress *p)
{
  double in_case = p->done < p->ncases ? seconds_since (p->case_t0_ns) : 0;
  double left;
  size_t i;

  if (p->done >= p->ncases)
    return 0;
  if (p->est) {
    double rem = 0, done_est = 0, scale = 1;
    for (i = 0; i < p->done; i++)
      done_est += p->est[i];
    for (i = p->done; i < p->ncases; i++)
      rem += p->est[i];
    if (done_est > 0)
      scale = p->done_actual / done_est;
    left = rem * scale;
  }
  else if (p->done > 0)
    left = p->done_actual / (double) p->done * (double) (p->ncases - p->done);
  else
    return -1;
  /* Time already spent in the current case is part of its estimate. */
  left -= in_case;
  return left > 0 ? left : 0;
}

void
progress_redraw (struct bench_progress *p)
{
  char elapsed[32], eta[32];

  if (!p->active)
    return;
  progress_format_duration (seconds_since (p->t0_ns), elapsed,
                            sizeof elapsed);
  progress_format_duration (progress_eta (p), eta, sizeof eta);
  fprintf (p->fp, "\r[%zu/%zu] %s", p->current + 1, p->ncases,
           p->label ? p->label : "");
  if (p->runs)
    fprintf (p->fp, " run %u/%u", p->run, p->runs);
  /* \033[K erases what a longer previous line left behind. */
  fprintf (p->fp, "  elapsed %s  ETA %s\033[K", elapsed, eta);
  fflush (p->fp);
  p->drawn = 1;
}

void
progress_case_start (struct bench_progress *p, size_t i, const char *label)
{
  free (p->label);
  p->label = label ? strdup (label) : NULL;
  p->current = i < p->ncases ? i : p->ncases ? p->ncases - 1 : 0;
  p->run = p->runs = 0;
  p->case_t0_ns = gd_now_ns ();
  progress_redraw (p);
}

void
progress_run (struct bench_progress *p, unsigned run, unsigned runs)
{
  p->run = run;
  p->runs = runs;
  progress_redraw (p);
}

void
progress_case_done (struct bench_progress *p, double seconds)
{
  if (p->done < p->ncases) {
    p->done_actual += seconds;
    p->done++;
  }
  p->case_t0_ns = gd_now_ns ();
  progress_redraw (p);
}

void
progress_finish (struct bench_progress *p)
{
  if (p->active && p->drawn) {
    fputs ("\r\033[K", p->fp);
    fflush (p->fp);
    p->drawn = 0;
  }
}

/* Number of distinct strings at byte OFFSET of each struct bench_key. */
static size_t
count_distinct (const struct bench_key *k, size_t n, size_t offset)
{
  size_t i, j, count = 0;

  for (i = 0; i < n; i++) {
    const char *a = *(const char *const *) ((const char *) &k[i] + offset);
    for (j = 0; j < i; j++)
      if (strcmp (a, *(const char *const *) ((const char *) &k[j] + offset))
          == 0)
        break;
    if (j == i)
      count++;
  }
  return count;
}

int
bench_plan_print (FILE *fp, const struct cost_model *m,
                  const struct bench_key *cases, size_t n,
                  unsigned runs, unsigned warmup, double *total_s)
{
  size_t nsc = count_distinct (cases, n, offsetof (struct bench_key, scenario));
  size_t nbe = count_distinct (cases, n, offsetof (struct bench_key, backend));
  size_t nca = count_distinct (cases, n, offsetof (struct bench_key, cache));
  size_t nto = count_distinct (cases, n, offsetof (struct bench_key, tool));
  uint64_t payload = 0;
  double total = 0, t;
  char buf[32];
  size_t i, j;

  for (i = 0; i < n; i++) {
    if (cost_model_estimate (m, &cases[i], &t) == -1)
      return -1;
    total += t * runs;
    if (cases[i].bytes > payload)
      payload = cases[i].bytes;
  }

  fprintf (fp, "plan: %zu case%s (%zu scenario%s \xc3\x97 %zu backend%s "
           "\xc3\x97 %zu cache mode%s \xc3\x97 %zu tool%s%s) "
           "\xc3\x97 %u run%s = %zu runs; "
           "the first %u of each case discarded as warm-up\n",
           n, n == 1 ? "" : "s", nsc, nsc == 1 ? "" : "s",
           nbe, nbe == 1 ? "" : "s", nca, nca == 1 ? "" : "s",
           nto, nto == 1 ? "" : "s",
           nsc * nbe * nca * nto != n ? ", not every combination" : "",
           runs, runs == 1 ? "" : "s", n * runs, warmup);
  if (payload)
    fprintf (fp, "payload: %" PRIu64 " bytes (%.1f MB) per run where the "
             "scenario moves bytes\n", payload, (double) payload / STATS_MB);

  progress_format_duration (total, buf, sizeof buf);
  fprintf (fp, "estimated time: %s (", buf);
  for (i = 0; i < n; i++) {
    double sub = 0;

    for (j = 0; j < i; j++)
      if (strcmp (cases[j].backend, cases[i].backend) == 0)
        break;
    if (j < i)
      continue;
    for (j = i; j < n; j++)
      if (strcmp (cases[j].backend, cases[i].backend) == 0 &&
          cost_model_estimate (m, &cases[j], &t) == 0)
        sub += t * runs;
    progress_format_duration (sub, buf, sizeof buf);
    fprintf (fp, "%s%s %s", i ? ", " : "", cases[i].backend, buf);
  }
  fprintf (fp, "%scost model in bench/cost.c, refined as runs complete)\n",
           n ? "; " : "");
  if (total_s)
    *total_s = total;
  if (ferror (fp)) {
    errno = EIO;
    gd_set_error ("bench: writing the plan failed");
    return -1;
  }
  return 0;
}
