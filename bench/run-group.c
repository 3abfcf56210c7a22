/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `guestdrv bench`: the runs of one group (scenario x backend x cache),
 * guestdrv, libguestfs and the whole-process rows interleaved run by
 * run, and the medians of their extra figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "../common/error.h"

/* Median of the kept runs of V[0..N-1] (negative values: unmeasured). */
static int
kept_median (const double *v, size_t n, unsigned warmup, double *out)
{
  double kept[256];
  size_t i, k = 0;

  for (i = warmup; i < n && k < 256; i++)
    if (v[i] >= 0)
      kept[k++] = v[i];
  if (k == 0)
    return -1;
  return stats_percentile (kept, k, 50, out);
}

static void
set_median_extra (struct bench_case *c, const char *key, const double *v,
                  size_t n, unsigned warmup)
{
  double m;

  if (c && v && kept_median (v, n, warmup, &m) == 0)
    results_set_extra (c, key, m);
}

static void
finish_group (struct group *g, unsigned warmup)
{
  size_t n = g->self->nsamples;

  set_median_extra (g->self, "launch_s", g->launch, n, warmup);
  set_median_extra (g->self, "shutdown_s", g->shutdown, n, warmup);
  set_median_extra (g->self, "channel_MBps", g->channel, n, warmup);
  set_median_extra (g->self, "disk_MBps", g->disk, n, warmup);
  if (g->peer && g->peer->status == BENCH_OK) {
    n = g->peer->nsamples;
    set_median_extra (g->peer, "launch_s", g->plaunch, n, warmup);
    set_median_extra (g->peer, "shutdown_s", g->pshutdown, n, warmup);
  }
  if (g->sc->api_calls) {
    struct bench_case *cs[2] = { g->self, g->peer };
    const unsigned calls = g->sc->api_calls;
    int k;

    for (k = 0; k < 2; k++) {
      struct stats_summary s;

      if (cs[k] && cs[k]->status == BENCH_OK &&
          stats_summarize_runs (cs[k]->samples, cs[k]->nsamples, warmup,
                                &s) == 0) {
        results_set_extra (cs[k], "calls", calls);
        results_set_extra (cs[k], "call_ms", 1000 * s.median / calls);
      }
    }
  }
}

/* Record one run's outcome into case C.  Returns 0 if the run counted. */
static int
record (struct bench_results *r, struct cost_model *m,
        const struct bench_key *k, struct bench_case *c, int rc,
        const struct bench_sample *smp, unsigned run)
{
  if (rc == -1) {
    char msg[1024];

    snprintf (msg, sizeof msg, "run %u: %s", run, gd_get_error ());
    if (!bench_interrupted) {
      fprintf (stderr, "\nguestdrv: bench: %s (%s, %s) %s: %s\n",
               k->scenario, k->backend, k->cache, k->tool, msg);
      results_case_fail (c, msg);
    }
    else if (c->nsamples <= r->method.warmup)
      results_case_fail (c, "interrupted");
    return -1;
  }
  if (results_add_sample (c, smp->seconds) == -1)
    return -1;
  cost_model_observe (m, k, smp->wall_s);
  return 0;
}

/* Whether a whole-process row of G is still running. */
static int
refs_ok (const struct group *g)
{
  for (size_t t = 0; t < STARTUP_REF_NTOOLS; t++)
    if (g->ref[t] && g->ref[t]->status == BENCH_OK)
      return 1;
  return 0;
}

int
bench_run_group (struct bench_results *r, struct cost_model *m,
           struct bench_progress *pg, const struct options *o,
           struct group *g, const char *dir, const char *kernel_version)
{
  struct bench_key ks = { g->scenario, g->label, g->cache,
                          BENCH_TOOL_SELF, g->bytes };
  struct bench_key kp = ks;
  struct bench_run run = {
    .sc = g->sc, .scenario = g->scenario, .backend = g->backend, .cache = g->cache,
    .kernel = g->kernel_path,
    .set_names = g->set_names, .set_values = g->set_values,
    .nsettings = g->nsettings,
    .bytes = g->bytes,
    .image_size = bench_image_size_for (g->sc, g->bytes),
    .payload = g->payload, .tarball = g->tarball, .tmpdir = dir,
  };
  char image[4096];
  unsigned i;
  int self_ok = 1, peer_ok = g->peer && g->peer->status == BENCH_OK;

  kp.tool = BENCH_TOOL_PEER;
  snprintf (image, sizeof image, "%s/image", dir);
  run.image = image;
  g->launch = calloc (o->runs, sizeof (double));
  g->shutdown = calloc (o->runs, sizeof (double));
  g->channel = calloc (o->runs, sizeof (double));
  g->disk = calloc (o->runs, sizeof (double));
  g->plaunch = calloc (o->runs, sizeof (double));
  g->pshutdown = calloc (o->runs, sizeof (double));
  if (!g->launch || !g->shutdown || !g->channel || !g->disk || !g->plaunch ||
      !g->pshutdown) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (i = 0; i < o->runs && (self_ok || peer_ok || refs_ok (g)) &&
         !bench_interrupted;
       i++) {
    struct bench_sample smp;
    int rc;

    progress_run (pg, i + 1, o->runs);
    if (self_ok) {
      rc = self_run (&run, &smp);
      if (record (r, m, &ks, g->self, rc, &smp, i + 1) == 0) {
        size_t at = g->self->nsamples - 1;
        g->launch[at] = smp.launch_s;
        g->shutdown[at] = smp.shutdown_s;
        g->channel[at] = smp.channel_MBps;
        g->disk[at] = smp.disk_MBps;
      }
      else
        self_ok = 0;
    }
    if (peer_ok && !bench_interrupted) {
      rc = peer_run (&run, &smp);
      if (record (r, m, &kp, g->peer, rc, &smp, i + 1) == 0) {
        size_t at = g->peer->nsamples - 1;
        g->plaunch[at] = smp.launch_s;
        g->pshutdown[at] = smp.shutdown_s;
      }
      else
        peer_ok = 0;
    }
    for (size_t t = 0; t < STARTUP_REF_NTOOLS && !bench_interrupted; t++) {
      struct bench_key kr = ks;
      if (g->ref[t] == NULL || g->ref[t]->status != BENCH_OK)
        continue;
      kr.tool = startup_ref_tools[t];
      memset (&smp, 0, sizeof smp);
      rc = startup_ref_run (kr.tool, &run, kernel_version, &smp.seconds);
      smp.wall_s = smp.seconds;
      record (r, m, &kr, g->ref[t], rc, &smp, i + 1);
    }
  }
  finish_group (g, o->warmup);
  return 0;
}
