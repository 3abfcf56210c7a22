/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `guestdrv bench`: the main loop over the case matrix, Ctrl-C, and the
 * outputs.  The options are run-options.c's, the matrix run-matrix.c's,
 * the runs of one group run-group.c's; one run is self.c's or peer.c's
 * business; the host files are workdir.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "runner.h"
#include "../appliance/appliance.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/signals.h"
#include "../launcher/launcher.h"

volatile sig_atomic_t bench_interrupted;
volatile sig_atomic_t bench_peer_pgid;

/* The qemu appliance's kernel version, for the bare-boot reference. */
static char *qemu_kernel_version;

static void
on_signal (int sig)
{
  (void) sig;
  bench_interrupted = 1;
  launcher_kill_all_from_signal ();
  if (bench_peer_pgid > 0)
    kill (-bench_peer_pgid, SIGKILL);
}

/* Payloads and tarballs for every group, made before any timing. */
static int
prepare_files (struct group *gs, size_t ng, const char *dir)
{
  size_t i, j;

  for (i = 0; i < ng && !bench_interrupted; i++) {
    struct group *g = &gs[i];
    int tarball = g->sc->payload == PAYLOAD_TARBALL;

    if (g->bytes == 0 || g->sc->payload == PAYLOAD_NONE)
      continue;
    for (j = 0; j < i; j++)
      if (gs[j].payload && gs[j].bytes == g->bytes)
        break;
    if (j == i || tarball)
      fprintf (stderr, "preparing a %" PRIu64 "-byte random payload%s ...\n",
               g->bytes, tarball ? " and its tar.gz" : "");
    g->payload = workdir_payload (dir, g->bytes);
    if (g->payload == NULL)
      return -1;
    if (tarball &&
        (g->tarball = workdir_tarball (dir, g->payload, g->bytes)) == NULL)
      return -1;
  }
  return bench_interrupted ? -1 : 0;
}

/* Build the appliances outside any timing (a cache hit is instant). */
static int
prepare_appliances (const struct options *o)
{
  int need[2] = { 0, 0 };
  size_t i;

  for (i = 0; i < o->nbackends; i++)
    need[backend_lookup (o->backends[i])->appliance == APPLIANCE_UML] = 1;
  for (i = 0; i < 2; i++) {
    struct appliance_files f = { 0 };
    struct appliance_info info = { 0 };

    if (!need[i])
      continue;
    if (appliance_get (i ? APPLIANCE_UML : APPLIANCE_QEMU, false, &f,
                       &info) == -1)
      return -1;
    if (i == 0 && !qemu_kernel_version)
      qemu_kernel_version = info.kernel_version ? strdup (info.kernel_version)
                                                : NULL;
    appliance_files_free (&f);
    appliance_info_free (&info);
  }
  return 0;
}

static void
write_notes (FILE *fp, const struct options *o, int peer_used)
{
  fprintf (fp,
"notes: each case runs %u times, the first %u discarded; min/median/max "
"of the rest.  A fresh image per run in %s, host sync + guest sync "
"before and after the timed part; only the timed part is timed (the "
"launch only in startup, where launch and shutdown are also reported "
"apart).  MB = 10^6 bytes.  api = mkdir /api, then %u rounds of mkdir, "
"touch, internal_write (64 B), exists, statns, lstatns, ls0, rm = %u "
"calls.  upload-no-write uploads to /null, a mknod-c 1:3 node on the "
"guest's ext2; write-no-upload is fill 0x01 (fill's length is an int32: "
"above 1 GiB it writes several files).\n",
          o->runs, o->warmup, o->dir, BENCH_API_ROUNDS,
          1 + BENCH_API_ROUNDS * BENCH_API_CALLS_PER_ROUND);
  if (peer_used)
    fprintf (fp, "%s.\n", peer_method_note);
  for (size_t i = 0; i < o->nscenarios; i++)
    if (!bench_scenario_lookup (o->scenarios[i])->fs)
      fprintf (fp, "%s.\n", startup_ref_note);
  fprintf (fp, "host side (guestdrv rows): channel MB/s = host->guest "
           "channel bytes / timed seconds; disk MB/s = bytes the hypervisor "
           "wrote to the image (the disk layer's LD_PRELOAD counter) during "
           "the timed part and the guest sync after it / timed seconds.\n");
}

static int
append_notes (const struct bench_results *r, const char *outdir,
              const struct options *o, int peer_used)
{
  char path[4096];
  FILE *fp;

  snprintf (path, sizeof path, "%s/results.txt", outdir);
  fp = fopen (path, "ae");
  if (fp == NULL) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  startup_ref_write_ratios (r, fp);
  fputc ('\n', fp);
  write_notes (fp, o, peer_used);
  return fclose (fp) == 0 ? 0 : -1;
}

/* Each group's expected seconds, from the cost model, for the progress
 * line.  KEYS of a group are contiguous and in group order.
 */
static double *
group_estimates (const struct bench_plan *p, const struct cost_model *m,
                 unsigned runs)
{
  double *est = calloc (p->ng ? p->ng : 1, sizeof *est);
  size_t i, k;

  if (est == NULL) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  for (i = 0, k = 0; i < p->ng; i++) {
    const struct group *g = &p->gs[i];
    double t;

    for (; k < p->nk && strcmp (p->keys[k].scenario, g->scenario) == 0 &&
           strcmp (p->keys[k].backend, g->label) == 0 &&
           strcmp (p->keys[k].cache, g->cache) == 0; k++)
      if (cost_model_estimate (m, &p->keys[k], &t) == 0)
        est[i] += t * runs;
  }
  return est;
}

static int
run_groups (struct bench_results *r, struct cost_model *m,
            const struct options *o, struct bench_plan *p, const char *dir)
{
  struct bench_progress *pg = progress_new (stderr, p->ng, 0);
  double *est = group_estimates (p, m, o->runs);
  size_t i;
  int ret = -1;

  if (!pg || !est)
    goto out;
  progress_set_estimates (pg, est);
  for (i = 0; i < p->ng && !bench_interrupted; i++) {
    struct group *g = &p->gs[i];
    char label[256];
    uint64_t t0 = gd_now_ns ();

    snprintf (label, sizeof label, "%s (%s, %s) %s", g->scenario,
              g->label, g->cache,
              g->peer && g->peer->status == BENCH_OK
              ? "guestdrv+libguestfs" : "guestdrv");
    progress_case_start (pg, i, label);
    if (bench_run_group (r, m, pg, o, g, dir, qemu_kernel_version
                         ? qemu_kernel_version : "") == -1)
      goto out;
    progress_case_done (pg, (gd_now_ns () - t0) / 1e9);
  }
  ret = 0;
 out:
  if (pg)
    progress_finish (pg);
  progress_free (pg);
  free (est);
  return ret;
}

/* Cases never reached (Ctrl-C) say so. */
static void
fail_unreached (struct bench_plan *p)
{
  const char *why = bench_interrupted ? "interrupted" : "no runs";

  for (size_t i = 0; i < p->ng; i++) {
    struct group *g = &p->gs[i];

    if (g->self->nsamples == 0 && g->self->status == BENCH_OK)
      results_case_fail (g->self, why);
    if (g->peer && g->peer->nsamples == 0 && g->peer->status == BENCH_OK)
      results_case_fail (g->peer, why);
  }
}

/* The tables on stdout, the files in --out.  0, 1 (a case failed), 130
 * (interrupted), or -1 with the error set.
 */
static int
write_outputs (const struct bench_results *r, const struct options *o,
               int peer_used)
{
  size_t i;

  printf ("\n");
  results_write_method (r, stdout);
  write_notes (stdout, o, peer_used);
  printf ("\n");
  results_write_table (r, stdout, RESULTS_TABLE_RANGE);
  printf ("\n");
  results_write_decomposition (r, stdout);
  startup_ref_write_ratios (r, stdout);
  fflush (stdout);
  if (results_write_all (r, o->out) == -1 ||
      append_notes (r, o->out, o, peer_used) == -1)
    return -1;
  if (chart_write (r, o->out, NULL) == -1)
    fprintf (stderr, "guestdrv: bench: charts: %s (results are written)\n",
             gd_get_error ());
  fprintf (stderr, "results in %s/ (results.txt, results.csv, "
           "results.json, *.png)\n", o->out);
  if (bench_interrupted)
    return 130;
  for (i = 0; i < r->ncases; i++)
    if (r->cases[i]->status == BENCH_FAILED)
      return 1;
  return 0;
}

/* Empty results with the method's notes: runs, peer, image, machine. */
static struct bench_results *
results_for (const struct options *o)
{
  struct bench_results *r = results_new (o->runs, o->warmup);
  char loc[4200];

  if (r == NULL)
    return NULL;
  results_set_peer (r, o->peer);
  snprintf (loc, sizeof loc, "%s%s, fresh per run", o->dir,
            strncmp (o->dir, "/dev/shm", 8) == 0 ? " (tmpfs)" : "");
  results_set_image (r, loc);
  results_probe_machine (r);
  return r;
}

static void
options_free (struct options *o)
{
  free (o->scenarios);
  free (o->backends);
  free (o->caches);
  for (size_t i = 0; i < o->ndims; i++)
    free (o->dims[i].values);
}

int
bench_main (int argc, char **argv)
{
  struct options o = { 0 };
  struct bench_results *r = NULL;
  struct cost_model *m = NULL;
  struct bench_plan p = { 0 };
  char dir[4096] = "";
  int rc = 1;

  gd_clock_init ();
  if (bench_parse_options (argc, argv, &o) == -1) {
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
    goto out;
  }
  gd_signals_catch (on_signal);
  snprintf (dir, sizeof dir, "%s/guestdrv-bench.XXXXXX", o.dir);
  if (mkdtemp (dir) == NULL) {
    fprintf (stderr, "guestdrv: bench: --dir %s: %m\n", o.dir);
    dir[0] = '\0';
    goto out;
  }
  /* One asked for explicitly but not usable is an error; from the
   * default list it is dropped with a note.
   */
  if (bench_keep_usable_backends (&o, dir) == -1) {
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
    goto out;
  }
  if (o.peer && !peer_available ()) {
    fprintf (stderr, "guestdrv: bench: --peer: guestfish is not installed "
             "(GUESTDRV_PEER=1 bash tools/install-deps.sh)\n");
    goto out;
  }

  r = results_for (&o);
  m = cost_model_new ();
  if (!r || !m || bench_plan_build (&o, r, &p) == -1)
    goto out_err;
  printf ("guestdrv bench: %zu scenario%s on %zu backend%s%s\n",
          o.nscenarios, o.nscenarios == 1 ? "" : "s", o.nbackends,
          o.nbackends == 1 ? "" : "s", p.peer_used ? ", with libguestfs" : "");
  fflush (stdout);
  if (bench_plan_print (stderr, m, p.keys, p.nk, o.runs, o.warmup, NULL)
      == -1)
    goto out_err;

  if ((prepare_appliances (&o) == -1 || prepare_files (p.gs, p.ng, dir) == -1)
      && !bench_interrupted)
    goto out_err;
  if (run_groups (r, m, &o, &p, dir) == -1)
    goto out_err;
  fail_unreached (&p);
  rc = write_outputs (r, &o, p.peer_used);
  if (rc == -1) {
    rc = 1;
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
  }
  goto out;

 out_err:
  fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
 out:
  if (bench_interrupted)
    fprintf (stderr, "guestdrv: bench: interrupted\n");
  if (dir[0] && workdir_remove (dir) == -1)
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
  bench_plan_free (&p);
  cost_model_free (m);
  results_free (r);
  options_free (&o);
  free (qemu_kernel_version);
  qemu_kernel_version = NULL;
  return rc;
}
