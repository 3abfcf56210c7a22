/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Terminal reports of `guestdrv bench`: the method header, one line per
 * scenario × backend × cache shaped like the libguestfs studies'
 *
 *   upload (tcg, writeback) — guestdrv: 12.3 s 41.2 MB/s — libguestfs:
 *   14.0 s 36.1 MB/s — ratio 0.88
 *
 * and the serial-vs-disk decomposition (upload, upload-no-write,
 * write-no-upload side by side).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "scenario.h"
#include "../common/error.h"
#include "../launcher/launcher.h"

#define DASH "\xe2\x80\x94"     /* U+2014 EM DASH, as in the studies */

static int
check_stream (FILE *fp, const char *what)
{
  if (ferror (fp)) {
    errno = EIO;
    gd_set_error ("bench: writing the %s failed", what);
    return -1;
  }
  return 0;
}

int
results_write_method (const struct bench_results *r, FILE *fp)
{
  const struct bench_method *m = &r->method;
  unsigned kept = m->runs - m->warmup;

  fprintf (fp, "method:  %u run%s per case, first %u discarded as warm-up; "
           "median of the remaining %u shown\n",
           m->runs, m->runs == 1 ? "" : "s", m->warmup, kept);
  fprintf (fp, "         (min, max, mean, stddev and raw samples in "
           "results.csv/json); percentiles interpolate linearly "
           "(type 7)\n");
  fprintf (fp, "         MB/s = payload bytes / median seconds, "
           "MB = 10^6 bytes; ratio = %s median / %s median\n",
           BENCH_TOOL_SELF, BENCH_TOOL_PEER);
  fprintf (fp, "image:   %s\n", m->image ? m->image : "unknown");
  if (m->nproc > 0)
    fprintf (fp, "machine: %ld CPU%s, %s, %s\n", m->nproc,
             m->nproc == 1 ? "" : "s",
             m->kernel ? m->kernel : "unknown kernel",
             m->cpu ? m->cpu : "unknown CPU");
  else
    fprintf (fp, "machine: unknown CPU count, %s, %s\n",
             m->kernel ? m->kernel : "unknown kernel",
             m->cpu ? m->cpu : "unknown CPU");
  fprintf (fp, "date:    %s\n", m->date ? m->date : "unknown");
  return check_stream (fp, "method header");
}

/* "12.3 s 41.2 MB/s", "none (no UML backend)", "failed (...)". */
static void
format_case (const struct bench_results *r, const struct bench_case *c,
             unsigned flags, char *buf, size_t len, int *have)
{
  struct stats_summary s;
  char med[32], lo[32], hi[32], rate[32];
  double mbps;
  size_t used;

  *have = 0;
  if (c->status == BENCH_SKIPPED) {
    snprintf (buf, len, "none (%s)", c->reason);
    return;
  }
  if (c->status == BENCH_FAILED) {
    snprintf (buf, len, "failed (%s)", c->reason);
    return;
  }
  if (results_case_summary (r, c, &s) == -1) {
    snprintf (buf, len, "no data (%zu of %u runs)", c->nsamples,
              r->method.runs);
    return;
  }
  *have = 1;
  results_format_seconds (s.median, med, sizeof med);
  used = (size_t) snprintf (buf, len, "%s s", med);
  if (used < len && (flags & RESULTS_TABLE_RANGE)) {
    results_format_seconds (s.min, lo, sizeof lo);
    results_format_seconds (s.max, hi, sizeof hi);
    used += (size_t) snprintf (buf + used, len - used, " (%s\xe2\x80\x93%s)",
                               lo, hi);
  }
  if (used < len && c->bytes > 0 && stats_mbps (c->bytes, s.median,
                                                &mbps) == 0) {
    results_format_seconds (mbps, rate, sizeof rate);
    snprintf (buf + used, len - used, " %s MB/s", rate);
  }
}

static int
same_group (const struct bench_case *a, const struct bench_case *b)
{
  return strcmp (a->scenario, b->scenario) == 0 &&
    strcmp (a->backend, b->backend) == 0 &&
    strcmp (a->cache, b->cache) == 0;
}

/* Is C the first case of its scenario × backend × cache group? */
static int
first_of_group (const struct bench_results *r, size_t i)
{
  size_t j;

  for (j = 0; j < i; j++)
    if (same_group (r->cases[j], r->cases[i]))
      return 0;
  return 1;
}

static void
write_group_line (const struct bench_results *r, const struct bench_case *g,
                  unsigned flags, FILE *fp)
{
  const struct bench_case *self, *peer;
  struct stats_summary ss, sp;
  char buf[512];
  int have_self = 0, have_peer = 0, have;
  double ratio;
  size_t i;

  self = results_find_case (r, g->scenario, g->backend, g->cache,
                            BENCH_TOOL_SELF);
  peer = results_find_case (r, g->scenario, g->backend, g->cache,
                            BENCH_TOOL_PEER);

  fprintf (fp, "%s (%s, %s)", g->scenario, g->backend, g->cache);
  if (self) {
    format_case (r, self, flags, buf, sizeof buf, &have_self);
    fprintf (fp, " " DASH " %s: %s", self->tool, buf);
  }
  if (peer) {
    format_case (r, peer, flags, buf, sizeof buf, &have_peer);
    fprintf (fp, " " DASH " %s: %s", peer->tool, buf);
  }
  else if (r->peer) {
    const struct backend *b = backend_lookup_prefix (g->backend, ":");
    char why[64] = "not run";

    if (b && b->ops && !b->libguestfs_settings)
      results_no_peer_backend (g->backend, why, sizeof why);
    fprintf (fp, " " DASH " %s: none (%s)", BENCH_TOOL_PEER, why);
  }
  /* Any further tools, in the order they were added. */
  for (i = 0; i < r->ncases; i++) {
    const struct bench_case *c = r->cases[i];
    if (c == self || c == peer || !same_group (c, g))
      continue;
    format_case (r, c, flags, buf, sizeof buf, &have);
    fprintf (fp, " " DASH " %s: %s", c->tool, buf);
  }
  if (have_self && have_peer &&
      results_case_summary (r, self, &ss) == 0 &&
      results_case_summary (r, peer, &sp) == 0 &&
      stats_ratio (ss.median, sp.median, &ratio) == 0)
    fprintf (fp, " " DASH " ratio %.2f", ratio);
  fputc ('\n', fp);
}

int
results_write_table (const struct bench_results *r, FILE *fp,
                     unsigned flags)
{
  size_t i;

  for (i = 0; i < r->ncases; i++)
    if (first_of_group (r, i))
      write_group_line (r, r->cases[i], flags, fp);
  return check_stream (fp, "results table");
}

/* The three scenarios that split an upload into channel and disk, in
 * the order of enum bench_part (the rows say which they are).
 */
#define NPARTS 3
static const char *const part_notes[NPARTS] = {
  "", "  (channel alone)", "  (disk alone)",
};

/* The scenario playing part K + 1, or "?" if no row does. */
static const char *
part_name (size_t k)
{
  for (size_t i = 0; i < bench_nscenarios; i++)
    if (bench_scenarios[i].part == (enum bench_part) (k + 1))
      return bench_scenarios[i].name;
  return "?";
}

static int
is_part (const char *scenario)
{
  const struct bench_scenario *sc = bench_scenario_find (scenario);

  return sc && sc->part != PART_NONE;
}

static const double *
group_extra (const struct bench_case *const *v, const char *key)
{
  const double *x;
  size_t k;

  for (k = 0; k < NPARTS; k++)
    if (v[k] && (x = results_get_extra (v[k], key)) != NULL)
      return x;
  return NULL;
}

static void
write_decomposition_block (const struct bench_results *r,
                           const struct bench_case *g, FILE *fp)
{
  const struct bench_case *v[NPARTS];
  struct stats_summary s[NPARTS];
  int have[NPARTS];
  const double *ch, *disk, *share;
  char t[32], rate[32];
  double mbps, ratio;
  size_t k;

  int any = 0;

  for (k = 0; k < NPARTS; k++) {
    v[k] = results_find_case (r, part_name (k), g->backend, g->cache,
                              g->tool);
    have[k] = v[k] && v[k]->status != BENCH_SKIPPED &&
      results_case_summary (r, v[k], &s[k]) == 0;
    any |= have[k];
  }
  /* A peer without this backend has nothing to decompose. */
  if (!any)
    return;

  fprintf (fp, "serial vs disk " DASH " %s, %s, %s:\n",
           g->backend, g->cache, g->tool);
  for (k = 0; k < NPARTS; k++) {
    if (!have[k]) {
      fprintf (fp, "  %-16s %s\n", part_name (k),
               v[k] ? "no data" : "not run");
      continue;
    }
    results_format_seconds (s[k].median, t, sizeof t);
    fprintf (fp, "  %-16s %7s s", part_name (k), t);
    if (v[k]->bytes > 0 && stats_mbps (v[k]->bytes, s[k].median,
                                       &mbps) == 0) {
      results_format_seconds (mbps, rate, sizeof rate);
      fprintf (fp, " %7s MB/s", rate);
    }
    fprintf (fp, "%s\n", part_notes[k]);
  }

  if (have[0] && have[1] && stats_ratio (s[1].median, s[0].median,
                                         &ratio) == 0)
    fprintf (fp, "  channel share of the upload time: %.0f%% "
             "(%s median / %s median)\n", 100 * ratio, part_name (1),
             part_name (0));
  if (have[0] && have[1] && have[2]) {
    results_format_seconds (s[1].median + s[2].median, t, sizeof t);
    fprintf (fp, "  channel + disk alone: %s s vs %s ", t, part_name (0));
    results_format_seconds (s[0].median, t, sizeof t);
    fprintf (fp, "%s s (%s \xe2\x89\x88 sum: the legs run one after "
             "the other; %s < sum: they overlap)\n", t, part_name (0),
             part_name (0));
  }

  ch = group_extra (v, "channel_MBps");
  disk = group_extra (v, "disk_MBps");
  share = group_extra (v, "channel_share");
  if (ch || disk) {
    fprintf (fp, "  host side:");
    if (ch) {
      results_format_seconds (*ch, rate, sizeof rate);
      fprintf (fp, " channel %s MB/s%s", rate, disk ? "," : "");
    }
    if (disk) {
      results_format_seconds (*disk, rate, sizeof rate);
      fprintf (fp, " disk %s MB/s", rate);
    }
    fputc ('\n', fp);
  }
  if (share)
    fprintf (fp, "  channel share measured on the host: %.0f%%\n",
             100 * *share);
}

int
results_write_decomposition (const struct bench_results *r, FILE *fp)
{
  size_t i, j;

  for (i = 0; i < r->ncases; i++) {
    const struct bench_case *c = r->cases[i];
    int seen = 0;

    if (!is_part (c->scenario))
      continue;
    for (j = 0; j < i && !seen; j++) {
      const struct bench_case *d = r->cases[j];
      seen = is_part (d->scenario) &&
        strcmp (c->backend, d->backend) == 0 &&
        strcmp (c->cache, d->cache) == 0 &&
        strcmp (c->tool, d->tool) == 0;
    }
    if (!seen)
      write_decomposition_block (r, c, fp);
  }
  return check_stream (fp, "decomposition");
}
