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
#include "../cli/cli.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
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
    const char *sc = g->scenario;

    if (g->bytes == 0 || strcmp (sc, "write-no-upload") == 0 ||
        strcmp (sc, "fill-0") == 0 || strcmp (sc, "fill-1") == 0)
      continue;
    for (j = 0; j < i; j++)
      if (gs[j].payload && gs[j].bytes == g->bytes)
        break;
    if (j == i || strcmp (sc, "tgz-in") == 0)
      fprintf (stderr, "preparing a %" PRIu64 "-byte random payload%s ...\n",
               g->bytes, strcmp (sc, "tgz-in") == 0 ? " and its tar.gz" : "");
    g->payload = workdir_payload (dir, g->bytes);
    if (g->payload == NULL)
      return -1;
    if (strcmp (sc, "tgz-in") == 0 &&
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
    need[strcmp (o->backends[i], "uml") == 0] = 1;
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
    if (strcmp (o->scenarios[i], "startup") == 0)
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

int
bench_main (int argc, char **argv)
{
  struct options o = { 0 };
  struct bench_results *r = NULL;
  struct cost_model *m = NULL;
  struct bench_progress *pg = NULL;
  struct bench_key *keys = NULL;
  struct group *gs = NULL;
  double *est = NULL;
  char dir[4096] = "", why[512], loc[4200];
  const char **usable = NULL;
  size_t nusable = 0, ng = 0, nk = 0, nvariants, i, j, k;
  int rc = 1, peer_used = 0;
  struct sigaction sa;

  gd_clock_init ();
  if (bench_parse_options (argc, argv, &o) == -1) {
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
    goto out;
  }
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);

  snprintf (dir, sizeof dir, "%s/guestdrv-bench.XXXXXX", o.dir);
  if (mkdtemp (dir) == NULL) {
    fprintf (stderr, "guestdrv: bench: --dir %s: %m\n", o.dir);
    dir[0] = '\0';
    goto out;
  }

  /* Backends: keep the usable ones.  One asked for explicitly but not
   * usable is an error; from the default list it is dropped with a note.
   */
  usable = calloc (o.nbackends + 1, sizeof *usable);
  if (usable == NULL)
    goto out;
  for (i = 0; i < o.nbackends; i++) {
    why[0] = '\0';
    if (bench_backend_usable (o.backends[i], dir, why, sizeof why))
      usable[nusable++] = o.backends[i];
    else
      fprintf (stderr, "guestdrv: bench: backend %s is not usable: %s%s\n",
               o.backends[i], why, o.backends_given ? "" : " (skipped)");
  }
  if (nusable == 0 || (o.backends_given && nusable < o.nbackends)) {
    fprintf (stderr, "guestdrv: bench: no usable backend to run\n");
    goto out;
  }
  free (o.backends);
  o.backends = usable;
  o.nbackends = nusable;
  usable = NULL;

  if (o.peer && !peer_available ()) {
    fprintf (stderr, "guestdrv: bench: --peer: guestfish is not installed "
             "(GUESTDRV_PEER=1 bash tools/install-deps.sh)\n");
    goto out;
  }

  r = results_new (o.runs, o.warmup);
  m = cost_model_new ();
  nvariants = o.nwindows * o.nchannels * o.ndisks;
  gs = calloc (o.nscenarios * o.nbackends * o.ncaches * o.nkernels * nvariants,
               sizeof *gs);
  keys = calloc (2 * o.nscenarios * o.nbackends * o.ncaches * o.nkernels *
                 nvariants, sizeof *keys);
  if (!r || !m || !gs || !keys) {
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
    goto out;
  }
  results_set_peer (r, o.peer);
  snprintf (loc, sizeof loc, "%s%s, fresh per run", o.dir,
            strncmp (o.dir, "/dev/shm", 8) == 0 ? " (tmpfs)" : "");
  results_set_image (r, loc);
  results_probe_machine (r);

  for (i = 0; i < o.nbackends; i++)
   for (size_t q = 0; q < o.nkernels; q++)
    for (size_t v = 0; v < nvariants; v++) {
     int uml = strcmp (o.backends[i], "uml") == 0;
     size_t w = v % o.nwindows, chi = v / o.nwindows % o.nchannels;
     size_t dki = v / o.nwindows / o.nchannels;
     char name[64];
     /* The window, channel and disk are UML's: other backends run once
      * per kernel.
      */
     if (!uml && v > 0)
       continue;
     snprintf (name, sizeof name, "%s%s%s%s%s", o.backends[i],
               uml && o.channels_given ? "-" : "",
               uml && o.channels_given ? o.channels[chi] : "",
               uml && o.disks_given ? "-" : "",
               uml && o.disks_given ? o.disks[dki] : "");
     for (j = 0; j < o.ncaches; j++)
      for (k = 0; k < o.nscenarios; k++) {
        struct group *g = &gs[ng++];
        struct bench_key key = { o.scenarios[k], NULL,
                                 o.caches[j], BENCH_TOOL_SELF, 0 };
        int variant;

        g->scenario = o.scenarios[k];
        g->backend = o.backends[i];
        g->cache = o.caches[j];
        g->kernel_path = o.kernels[q].path;
        g->bare = uml && !o.windows[w];
        g->uml_channel = uml ? o.channels[chi] : NULL;
        g->uml_disk = uml ? o.disks[dki] : NULL;
        variant = g->kernel_path || g->bare;
        if (asprintf (&g->label, "%s%s%s%s", name,
                      g->kernel_path ? ":" : "",
                      g->kernel_path ? o.kernels[q].label : "",
                      g->bare ? ":bare" : "") == -1) {
          g->label = NULL;
          gd_set_error_errno ("malloc");
          goto out_err;
        }
        key.backend = g->label;
        g->bytes = key.bytes = bench_size_for (&o, g->scenario, g->backend);
        if ((g->self = results_add_case (r, &key)) == NULL ||
            (uml && results_case_set_uml (g->self, g->uml_channel,
                                          g->uml_disk) == -1))
          goto out_err;
        keys[nk++] = key;
        /* startup: the whole-process rows, once per backend. */
        if (strcmp (g->scenario, "startup") == 0 && j == 0)
          for (size_t t = 0; t < STARTUP_REF_NTOOLS; t++) {
            struct bench_key kr = key;
            if (strcmp (startup_ref_tools[t], STARTUP_REF_PEER) == 0 &&
                (!o.peer || strcmp (g->backend, "uml") == 0))
              continue;
            kr.tool = startup_ref_tools[t];
            if ((g->ref[t] = results_add_case (r, &kr)) == NULL)
              goto out_err;
          }
        if (!o.peer)
          continue;
        key.tool = BENCH_TOOL_PEER;
        if ((g->peer = results_add_case (r, &key)) == NULL)
          goto out_err;
        if (uml)
          results_case_skip (g->peer, "no UML backend in libguestfs");
        else if (variant)
          results_case_skip (g->peer, "runs the packaged kernel only");
        else if (strcmp (g->cache, "writeback") != 0 &&
                 strcmp (g->cache, "unsafe") != 0)
          results_case_skip (g->peer, "libguestfs cachemode is writeback "
                             "or unsafe only");
        else {
          keys[nk++] = key;
          peer_used = 1;
        }
      }
    }

  printf ("guestdrv bench: %zu scenario%s on %zu backend%s%s\n",
          o.nscenarios, o.nscenarios == 1 ? "" : "s", o.nbackends,
          o.nbackends == 1 ? "" : "s", peer_used ? ", with libguestfs" : "");
  fflush (stdout);
  if (bench_plan_print (stderr, m, keys, nk, o.runs, o.warmup, NULL) == -1)
    goto out_err;

  if (prepare_appliances (&o) == -1 || prepare_files (gs, ng, dir) == -1) {
    if (!bench_interrupted)
      goto out_err;
  }

  est = calloc (ng, sizeof *est);
  pg = progress_new (stderr, ng, 0);
  if (!est || !pg)
    goto out_err;
  for (i = 0, k = 0; i < ng; i++) {
    double t;

    for (; k < nk && strcmp (keys[k].scenario, gs[i].scenario) == 0 &&
           strcmp (keys[k].backend, gs[i].label) == 0 &&
           strcmp (keys[k].cache, gs[i].cache) == 0; k++)
      if (cost_model_estimate (m, &keys[k], &t) == 0)
        est[i] += t * o.runs;
  }
  progress_set_estimates (pg, est);

  for (i = 0; i < ng && !bench_interrupted; i++) {
    char label[256];
    uint64_t t0 = gd_now_ns ();

    snprintf (label, sizeof label, "%s (%s, %s) %s", gs[i].scenario,
              gs[i].label, gs[i].cache,
              gs[i].peer && gs[i].peer->status == BENCH_OK
              ? "guestdrv+libguestfs" : "guestdrv");
    progress_case_start (pg, i, label);
    if (bench_run_group (r, m, pg, &o, &gs[i], dir, qemu_kernel_version
                         ? qemu_kernel_version : "") == -1)
      goto out_err;
    progress_case_done (pg, (gd_now_ns () - t0) / 1e9);
  }
  progress_finish (pg);
  /* Cases never reached (Ctrl-C) say so. */
  for (i = 0; i < ng; i++) {
    if (gs[i].self->nsamples == 0 && gs[i].self->status == BENCH_OK)
      results_case_fail (gs[i].self, bench_interrupted ? "interrupted"
                         : "no runs");
    if (gs[i].peer && gs[i].peer->nsamples == 0 &&
        gs[i].peer->status == BENCH_OK)
      results_case_fail (gs[i].peer, bench_interrupted ? "interrupted"
                         : "no runs");
  }

  printf ("\n");
  results_write_method (r, stdout);
  write_notes (stdout, &o, peer_used);
  printf ("\n");
  results_write_table (r, stdout, RESULTS_TABLE_RANGE);
  printf ("\n");
  results_write_decomposition (r, stdout);
  startup_ref_write_ratios (r, stdout);
  fflush (stdout);
  if (results_write_all (r, o.out) == -1 ||
      append_notes (r, o.out, &o, peer_used) == -1) {
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
    goto out;
  }
  if (chart_write (r, o.out, NULL) == -1)
    fprintf (stderr, "guestdrv: bench: charts: %s (results are written)\n",
             gd_get_error ());
  fprintf (stderr, "results in %s/ (results.txt, results.csv, "
           "results.json, *.png)\n", o.out);
  rc = bench_interrupted ? 130 : 0;
  for (i = 0; i < r->ncases && rc == 0; i++)
    if (r->cases[i]->status == BENCH_FAILED)
      rc = 1;
  goto out;

 out_err:
  if (pg)
    progress_finish (pg);
  fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
 out:
  if (bench_interrupted)
    fprintf (stderr, "guestdrv: bench: interrupted\n");
  if (dir[0] && workdir_remove (dir) == -1)
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
  for (i = 0; i < ng; i++)
    bench_group_free (&gs[i]);
  free (gs);
  free (keys);
  free (est);
  free (usable);
  progress_free (pg);
  cost_model_free (m);
  results_free (r);
  free (o.scenarios);
  free (o.backends);
  free (o.caches);
  free (o.channels);
  free (o.disks);
  free (qemu_kernel_version);
  qemu_kernel_version = NULL;
  return rc;
}

