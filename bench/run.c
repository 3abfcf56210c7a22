/* `guestdrv bench`: options, the case matrix, the run loop (guestdrv
 * and, with --peer, libguestfs interleaved run by run), Ctrl-C, and the
 * outputs.  One run is self.c's or peer.c's business; the host files
 * are workdir.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run.h"
#include "startup-ref.h"
#include "../appliance/appliance.h"
#include "../cli/cli.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../launcher/launcher.h"

volatile sig_atomic_t bench_interrupted;
volatile sig_atomic_t bench_peer_pgid;

/* The KVM probe runs a vCPU; three seconds is plenty when KVM works. */
#define KVM_PROBE_MS 3000

static const char *const default_scenarios =
  "startup,api,upload,upload-no-write,write-no-upload";

struct size_opt {
  const char *backend;          /* NULL: every backend */
  uint64_t bytes;
};

/* A guest kernel of the --kernel dimension (PATH NULL: the packaged). */
struct bench_kernel {
  const char *label, *path;
};

struct options {
  const char **scenarios, **backends, **caches;
  size_t nscenarios, nbackends, ncaches;
  struct bench_kernel kernels[8];
  size_t nkernels;
  int windows[2];               /* UML: 1 = acknowledged window, 0 = bare */
  size_t nwindows;
  struct size_opt sizes[8];
  size_t nsizes;
  unsigned runs, warmup;
  int peer;
  const char *out, *dir;
  int backends_given;
};

/* One scenario × backend × cache: the guestdrv case and the peer's. */
struct group {
  const char *scenario, *backend, *cache;
  /* The case's name in the results: the backend, then ":KERNEL" for a
   * kernel other than the packaged one and ":bare" for UML's bare line.
   */
  char *label;
  const char *kernel_path;
  int bare;
  uint64_t bytes;
  struct bench_case *self, *peer;       /* peer NULL without --peer */
  char *payload, *tarball;
  /* Per-run figures (all runs, warm-up first), for medians. */
  double *launch, *shutdown, *channel, *disk;  /* self */
  double *plaunch, *pshutdown;          /* peer */
  /* startup: the whole-process rows (startup-ref.h), NULL if not run. */
  struct bench_case *ref[STARTUP_REF_NTOOLS];
};

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

static void
usage (FILE *fp)
{
  size_t i;

  fprintf (fp,
"Usage: guestdrv bench [OPTIONS]\n"
"\n"
"  --scenario LIST   comma-separated, or all (default %s)\n"
"  --backend LIST    kvm,tcg,uml (default: every usable one)\n"
"  --cache LIST      qemu cache modes (default writeback)\n"
"  --size LIST       payload bytes, e.g. 128M or 500MB, or per backend\n"
"                    tcg=128M,uml=16M (K/M/G = 1024^n, KB/MB/GB = 1000^n;\n"
"                    default 500 MB for upload, upload-no-write and\n"
"                    write-no-upload, 512 MiB for the other scenarios)\n"
"  -n RUNS           runs per case (default %d)\n"
"  --warmup N        leading runs discarded (default %d)\n"
"  --peer            also run stock libguestfs (guestfish), interleaved\n"
"  --out DIR         results directory (default %s)\n"
"  --dir DIR         where images and payloads live (default /dev/shm)\n"
"  --kernel LIST     guest kernels side by side: stock, NAME=PATH (a\n"
"                    bzImage for kvm/tcg, a linux binary for uml);\n"
"                    cases are named BACKEND:NAME (default stock)\n"
"  --uml-window LIST on,off: UML's acknowledged window, or the bare line\n"
"                    (cases named uml[:NAME]:bare; default on)\n"
"  -v                debug output of every layer\n"
"\nScenarios:\n", default_scenarios, BENCH_DEFAULT_RUNS,
           BENCH_DEFAULT_WARMUP, BENCH_DEFAULT_OUT);
  for (i = 0; i < bench_nscenarios; i++)
    fprintf (fp, "  %-18s %s\n", bench_scenarios[i].name,
             bench_scenarios[i].what);
}

/* "128M", "500MB", "8388608". */
static int
parse_bytes (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  errno = 0;
  v = strtoull (s, &end, 10);
  if (end == s || errno)
    goto bad;
  if (*end) {
    const char *units = "KMG";
    const char *u = strchr (units, *end);
    int k;

    if (u == NULL)
      goto bad;
    for (k = 0; k <= u - units; k++)
      mult *= strcmp (end + 1, "B") == 0 ? 1000 : 1024;
    if (end[1] && strcmp (end + 1, "B") != 0)
      goto bad;
  }
  if (v == 0 || v > UINT64_MAX / mult)
    goto bad;
  *out = v * mult;
  return 0;
 bad:
  gd_set_error ("--size: '%s' is not a size (e.g. 128M, 500MB, tcg=128M)",
                s);
  return -1;
}

static int
parse_sizes (char *list, struct options *o)
{
  char *save = NULL, *tok;

  o->nsizes = 0;
  for (tok = strtok_r (list, ",", &save); tok;
       tok = strtok_r (NULL, ",", &save)) {
    char *eq = strchr (tok, '=');
    struct size_opt *so;

    if (o->nsizes == sizeof o->sizes / sizeof o->sizes[0]) {
      gd_set_error ("--size: too many items");
      return -1;
    }
    so = &o->sizes[o->nsizes++];
    so->backend = NULL;
    if (eq) {
      *eq = '\0';
      so->backend = tok;
      tok = eq + 1;
    }
    if (parse_bytes (tok, &so->bytes) == -1)
      return -1;
  }
  return 0;
}

static int
moves_payload (const char *scenario)
{
  const struct bench_scenario *sc = bench_scenario_lookup (scenario);
  return sc && sc->moves_bytes;
}

/* The payload size of SCENARIO on BACKEND. */
static uint64_t
size_for (const struct options *o, const char *scenario,
          const char *backend)
{
  uint64_t bytes = 0;
  size_t i;

  if (!moves_payload (scenario))
    return 0;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend == NULL && bytes == 0)
      bytes = o->sizes[i].bytes;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend && strcmp (o->sizes[i].backend, backend) == 0)
      bytes = o->sizes[i].bytes;
  if (bytes == 0)
    bytes = workdir_image_size (scenario) == BENCH_CORE_IMAGE
      ? BENCH_CORE_SIZE : BENCH_VARIANT_SIZE;
  /* dd copies a whole block device: the payload disk is sectors. */
  if (strcmp (scenario, "dd") == 0)
    bytes &= ~(uint64_t) 511;
  return bytes;
}

/* The image must hold the payload (and tgz-in's unpacked copy). */
static uint64_t
image_size_for (const char *scenario, uint64_t bytes)
{
  uint64_t size = workdir_image_size (scenario);
  uint64_t need = bytes + bytes / 4 + 64 * 1024 * 1024;

  if (need > size)
    size = (need + (1 << 20) - 1) & ~(uint64_t) ((1 << 20) - 1);
  return size;
}

/* Whether BACKEND can run here; *WHY gets the reason if not. */
static int
backend_usable (const char *backend, const char *dir, char *why,
                size_t whylen)
{
  if (strcmp (backend, "kvm") == 0)
    return kvm_probe (KVM_PROBE_MS, why, whylen);
  if (strcmp (backend, "uml") == 0) {
    struct disk d = { .format = "raw", .cache = "writeback" };
    struct launch_config cfg = { .backend = BACKEND_UML, .disks = &d,
                                 .ndisks = 1, .memory_mb = 1024, .vcpus = 1 };
    char *path;
    FILE *fp;
    int ok;

    if (asprintf (&path, "%s/probe.img", dir) == -1)
      return 0;
    fp = fopen (path, "we");
    if (fp == NULL || ftruncate (fileno (fp), 1 << 20) == -1) {
      snprintf (why, whylen, "%s: %m", path);
      if (fp)
        fclose (fp);
      free (path);
      return 0;
    }
    fclose (fp);
    d.path = path;
    ok = launcher_prepare (&cfg) == 0;
    if (!ok)
      snprintf (why, whylen, "%s", gd_get_error ());
    unlink (path);
    free (path);
    return ok;
  }
  return 1;
}

static void
group_free (struct group *g)
{
  free (g->label);
  free (g->payload);
  free (g->tarball);
  free (g->launch);
  free (g->shutdown);
  free (g->channel);
  free (g->disk);
  free (g->plaunch);
  free (g->pshutdown);
}

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
  if (strcmp (g->scenario, "api") == 0) {
    struct bench_case *cs[2] = { g->self, g->peer };
    const unsigned calls = 1 + BENCH_API_ROUNDS * BENCH_API_CALLS_PER_ROUND;
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

static int
run_group (struct bench_results *r, struct cost_model *m,
           struct bench_progress *pg, const struct options *o,
           struct group *g, const char *dir)
{
  struct bench_key ks = { g->scenario, g->label, g->cache,
                          BENCH_TOOL_SELF, g->bytes };
  struct bench_key kp = ks;
  struct bench_run run = {
    .scenario = g->scenario, .backend = g->backend, .cache = g->cache,
    .kernel = g->kernel_path, .uml_raw_line = g->bare,
    .bytes = g->bytes, .image_size = image_size_for (g->scenario, g->bytes),
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
      rc = startup_ref_run (kr.tool, &run, qemu_kernel_version
                            ? qemu_kernel_version : "", &smp.seconds);
      smp.wall_s = smp.seconds;
      record (r, m, &kr, g->ref[t], rc, &smp, i + 1);
    }
  }
  finish_group (g, o->warmup);
  return 0;
}

/* --kernel stock,NAME=PATH,...: the list string is kept (argv). */
static int
parse_kernels (char *list, struct options *o)
{
  char *save = NULL;

  o->nkernels = 0;
  for (char *t = strtok_r (list, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
    char *eq = strchr (t, '=');
    struct bench_kernel *k;

    if (o->nkernels == 8) {
      gd_set_error ("--kernel: at most 8 kernels");
      return -1;
    }
    k = &o->kernels[o->nkernels++];
    if (strcmp (t, "stock") == 0) {
      *k = (struct bench_kernel) { "stock", NULL };
      continue;
    }
    if (!eq || eq == t || strchr (t, ':') || eq - t > 40 ||
        strncmp (t, "stock=", 6) == 0 || strncmp (t, "bare=", 5) == 0) {
      gd_set_error ("--kernel: '%s': give stock or NAME=PATH (NAME: 1-40 "
                    "characters, no ':', not stock or bare)", t);
      return -1;
    }
    *eq = '\0';
    *k = (struct bench_kernel) { t, eq + 1 };
    if (access (k->path, R_OK) == -1) {
      gd_set_error_errno ("--kernel: %s", k->path);
      return -1;
    }
  }
  if (o->nkernels == 0) {
    gd_set_error ("--kernel: give a list like stock,patched=PATH");
    return -1;
  }
  return 0;
}

static int
parse_windows (const char *list, struct options *o)
{
  if (strcmp (list, "on") == 0)
    o->windows[0] = 1, o->nwindows = 1;
  else if (strcmp (list, "off") == 0)
    o->windows[0] = 0, o->nwindows = 1;
  else if (strcmp (list, "on,off") == 0)
    o->windows[0] = 1, o->windows[1] = 0, o->nwindows = 2;
  else if (strcmp (list, "off,on") == 0)
    o->windows[0] = 0, o->windows[1] = 1, o->nwindows = 2;
  else {
    gd_set_error ("--uml-window: '%s': give on, off or on,off", list);
    return -1;
  }
  return 0;
}

static int
parse_options (int argc, char **argv, struct options *o)
{
  enum { O_SCENARIO = 256, O_BACKEND, O_CACHE, O_SIZE, O_WARMUP, O_PEER,
         O_OUT, O_DIR, O_KERNEL, O_WINDOW };
  static const struct option longopts[] = {
    { "scenario", required_argument, NULL, O_SCENARIO },
    { "backend", required_argument, NULL, O_BACKEND },
    { "cache", required_argument, NULL, O_CACHE },
    { "size", required_argument, NULL, O_SIZE },
    { "warmup", required_argument, NULL, O_WARMUP },
    { "peer", no_argument, NULL, O_PEER },
    { "out", required_argument, NULL, O_OUT },
    { "dir", required_argument, NULL, O_DIR },
    { "kernel", required_argument, NULL, O_KERNEL },
    { "uml-window", required_argument, NULL, O_WINDOW },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *scen = default_scenarios, *back = "all", *cache = "writeback";
  char *end;
  int c;
  long v;

  o->kernels[0] = (struct bench_kernel) { "stock", NULL };
  o->nkernels = 1;
  o->windows[0] = 1;
  o->nwindows = 1;
  o->runs = BENCH_DEFAULT_RUNS;
  o->warmup = BENCH_DEFAULT_WARMUP;
  o->out = BENCH_DEFAULT_OUT;
  o->dir = "/dev/shm";
  optind = 1;
  while ((c = getopt_long (argc, argv, "+n:vh", longopts, NULL)) != -1) {
    switch (c) {
    case O_SCENARIO: scen = optarg; break;
    case O_BACKEND: back = optarg; o->backends_given = 1; break;
    case O_CACHE: cache = optarg; break;
    case O_SIZE:
      if (parse_sizes (optarg, o) == -1)
        return -1;
      break;
    case 'n':
    case O_WARMUP:
      v = strtol (optarg, &end, 10);
      if (*end || end == optarg || v < 0 || v > 100) {
        gd_set_error ("%s: '%s' is not a count (0..100)",
                      c == 'n' ? "-n" : "--warmup", optarg);
        return -1;
      }
      if (c == 'n')
        o->runs = v;
      else
        o->warmup = v;
      break;
    case O_PEER: o->peer = 1; break;
    case O_OUT: o->out = optarg; break;
    case O_DIR: o->dir = optarg; break;
    case O_KERNEL:
      if (parse_kernels (optarg, o) == -1)
        return -1;
      break;
    case O_WINDOW:
      if (parse_windows (optarg, o) == -1)
        return -1;
      break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); exit (0);
    default:
      gd_set_error ("see guestdrv bench --help");
      return -1;
    }
  }
  if (optind < argc) {
    gd_set_error ("unexpected argument '%s'", argv[optind]);
    return -1;
  }
  if (o->runs == 0 || o->warmup >= o->runs) {
    gd_set_error ("-n %u with --warmup %u: at least one run must remain "
                  "after the warm-up", o->runs, o->warmup);
    return -1;
  }
  if (bench_parse_scenarios (scen, &o->scenarios, &o->nscenarios) == -1 ||
      bench_parse_list ("--backend", back, bench_backends, bench_nbackends,
                        &o->backends, &o->nbackends) == -1 ||
      bench_parse_list ("--cache", cache, bench_caches, bench_ncaches,
                        &o->caches, &o->ncaches) == -1)
    return -1;
  for (size_t i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend) {
      size_t j;
      for (j = 0; j < bench_nbackends; j++)
        if (strcmp (o->sizes[i].backend, bench_backends[j]) == 0)
          break;
      if (j == bench_nbackends) {
        gd_set_error ("--size: unknown backend '%s'", o->sizes[i].backend);
        return -1;
      }
    }
  return 0;
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
  size_t nusable = 0, ng = 0, nk = 0, i, j, k;
  int rc = 1, peer_used = 0;
  struct sigaction sa;

  gd_clock_init ();
  if (parse_options (argc, argv, &o) == -1) {
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
    if (backend_usable (o.backends[i], dir, why, sizeof why))
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
  gs = calloc (o.nscenarios * o.nbackends * o.ncaches * o.nkernels * o.nwindows,
               sizeof *gs);
  keys = calloc (2 * o.nscenarios * o.nbackends * o.ncaches * o.nkernels *
                 o.nwindows, sizeof *keys);
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
    for (size_t w = 0; w < o.nwindows; w++) {
     int uml = strcmp (o.backends[i], "uml") == 0;
     /* The window is UML's: other backends run once per kernel. */
     if (!uml && w > 0)
       continue;
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
        variant = g->kernel_path || g->bare;
        if (asprintf (&g->label, "%s%s%s%s", g->backend,
                      g->kernel_path ? ":" : "",
                      g->kernel_path ? o.kernels[q].label : "",
                      g->bare ? ":bare" : "") == -1) {
          g->label = NULL;
          gd_set_error_errno ("malloc");
          goto out_err;
        }
        key.backend = g->label;
        g->bytes = key.bytes = size_for (&o, g->scenario, g->backend);
        if ((g->self = results_add_case (r, &key)) == NULL)
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
    if (run_group (r, m, pg, &o, &gs[i], dir) == -1)
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
  progress_finish (pg);
  fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
 out:
  if (bench_interrupted)
    fprintf (stderr, "guestdrv: bench: interrupted\n");
  if (dir[0] && workdir_remove (dir) == -1)
    fprintf (stderr, "guestdrv: bench: %s\n", gd_get_error ());
  for (i = 0; i < ng; i++)
    group_free (&gs[i]);
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
  free (qemu_kernel_version);
  qemu_kernel_version = NULL;
  return rc;
}
