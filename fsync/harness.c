/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv fsync-test: does a backend honour the guest's fsync?  Runs
 * every backend x cache case (harness-case.c), prints a verdict per case
 * with its evidence from two independent methods, and cleans up the
 * mount, the model, the VMs and the temp dir whatever happens (--keep
 * leaves them for investigation).
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsync.h"
#include "harness.h"
#include "campaign.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/signals.h"
#include "../common/tmpdir.h"
#include "../launcher/launcher.h"
#include "../launcher/kernel-name.h"

#define MAX_LIST 8

volatile sig_atomic_t harness_interrupted;

bool
harness_backend_varies (const char *backend)
{
  const struct backend *b = backend_lookup (backend);

  return backend_takes_setting (b, HARNESS_CHANNEL) &&
    backend_takes_setting (b, HARNESS_DISK);
}

static void
on_signal (int sig)
{
  harness_interrupted = sig;
  /* Blocked calls to the appliance end with EOF. */
  launcher_kill_all_from_signal ();
}

static void
usage (FILE *f)
{
  fprintf (f,
"Usage: guestdrv fsync-test [--backend LIST] [--cache LIST] [--kernel LIST]\n"
"                           [--uml-channel LIST] [--uml-disk LIST] [--json] [--keep] [-v]\n"
"Does the guest's fsync reach the host's disk?  Per backend and cache mode:\n"
"  1. flush accounting: the hypervisor's fsync/fdatasync on the image while\n"
"     the guest fsyncs (strace attached to the hypervisor);\n"
"  2. power cut: the image on guestdrv-lazyfs (a disk with a volatile cache);\n"
"     SIGKILL the hypervisor, drop the cache, check the image with e2fsck/debugfs.\n"
"  --backend LIST   comma-separated: tcg, kvm, uml (default: tcg,uml; kvm too\n"
"                   when usable)\n"
"  --cache LIST     comma-separated cache modes (default: all five)\n"
"  --uml-channel LIST  uml cases for each of virtio, serial (default virtio)\n"
"  --uml-disk LIST  uml cases for each of ubd, vhost-user (default ubd)\n"
"  --kernel LIST    guest kernels side by side: stock (the packaged one),\n"
"                   guestdrv, guestdrv-6.12 (make uml-kernel), PATH or\n"
"                   NAME=PATH (a bzImage for tcg/kvm, a linux\n"
"                   binary for uml; default: stock)\n"
"  --json           one JSON object per case, one per line\n"
"  --keep           keep the mount, backing dir and report; print where\n"
"  --cuts N [--seed S] [--from I] [--per-round K]: the crash campaign, N\n"
"                   power cuts per case at random disk operations of an\n"
"                   fsync/rename/O_SYNC/O_DIRECT/sync workload, each checked\n"
"                   with e2fsck and debugfs (see fsync/CAMPAIGN.md)\n");
}

static int
split_list (char *s, const char **out, size_t max, size_t *n)
{
  char *save = NULL;
  *n = 0;
  for (char *t = strtok_r (s, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
    if (*n == max)
      return -1;
    out[(*n)++] = t;
  }
  return *n ? 0 : -1;
}

/* A comma list whose items must be among ALLOWED (N of them). */
static int
split_choices (char *s, const char **out, size_t *n, const char *what)
{
  const struct backend_setting *bs = backend_setting_lookup (what);
  const char *const *allowed = bs ? bs->values : NULL;
  size_t nallowed = 0;

  while (allowed && allowed[nallowed])
    nallowed++;
  if (split_list (s, out, MAX_LIST, n) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --%s: give a comma list\n", what);
    return -1;
  }
  for (size_t i = 0; i < *n; i++) {
    size_t k;
    for (k = 0; k < nallowed && strcmp (out[i], allowed[k]) != 0; k++)
      ;
    if (k == nallowed) {
      fprintf (stderr, "guestdrv: fsync-test: --%s: unknown value '%s'\n",
               what, out[i]);
      return -1;
    }
  }
  return 0;
}

int
harness_kernel_boots (const struct harness_kernel *k, const char *backend)
{
  const struct backend *b = backend_lookup (backend);

  return !k->named || !b || kernel_name_boots (k->label, b->appliance);
}

/* --kernel items: "stock", a name of launcher/kernel-name.h (guestdrv,
 * guestdrv-6.12...), "NAME=PATH" or "PATH" (labelled by its
 * path).  The paths must be readable; what they are is checked per case.
 */
int
harness_parse_kernels (const char **items, size_t n, struct harness_kernel *out)
{
  for (size_t i = 0; i < n; i++) {
    char *eq = strchr (items[i], '=');
    if (kernel_name_is_name (items[i])) {
      /* stock, guestdrv, guestdrv-6.12...: labelled by the name; the
       * path lives as long as the run.
       */
      char *path;
      if (kernel_name_resolve (items[i], &path) == -1)
        return -1;
      out[i] = (struct harness_kernel) { items[i], path, path != NULL };
      continue;
    }
    if (eq) {
      *eq = '\0';
      out[i] = (struct harness_kernel) { items[i], eq + 1, 0 };
      if (!*items[i] || strlen (items[i]) > 40 || strcmp (items[i], "stock") == 0) {
        gd_set_error ("'%s': a name is 1-40 characters, not 'stock'", items[i]);
        return -1;
      }
    }
    else
      out[i] = (struct harness_kernel) { items[i], items[i], 0 };
    if (access (out[i].path, R_OK) == -1) {
      gd_set_error_errno ("%s", out[i].path);
      return -1;
    }
    if (strlen (out[i].label) > 63)
      out[i].label = out[i].path + strlen (out[i].path) - 40;
  }
  return 0;
}

/* What the command line asks for. */
struct fsync_opts {
  const char *backends[MAX_LIST], *caches[MAX_LIST];
  const char *channels[MAX_LIST], *disks[MAX_LIST];
  struct harness_kernel kernels[MAX_LIST];
  size_t nb, nc, nch, nd, nk;
  int kernel_col;               /* 0: no --kernel, no kernel column */
  bool json, keep;
};

/* --backend: the list given, else kvm (if it works here), tcg and uml. */
static int
parse_backends (char *blist, struct fsync_opts *o)
{
  char why[256];

  if (!blist) {
    const struct backend *b;

    /* Every backend of the launcher's table; KVM when it works here. */
    for (size_t i = 0; (b = backend_at (i)) != NULL && o->nb < MAX_LIST; i++)
      if (b->ops && (b->kind != BACKEND_KVM ||
                     kvm_probe (3000, why, sizeof why) == 1))
        o->backends[o->nb++] = b->name;
    return 0;
  }
  if (split_list (blist, o->backends, MAX_LIST, &o->nb) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --backend: give a list like tcg,uml\n");
    return -1;
  }
  for (size_t i = 0; i < o->nb; i++) {
    int b = launcher_parse_backend (o->backends[i]);
    if (b < 0 || b == BACKEND_AUTO) {
      fprintf (stderr, "guestdrv: fsync-test: --backend: unknown backend '%s' (tcg, kvm, uml)\n",
               o->backends[i]);
      return -1;
    }
  }
  return 0;
}

/* --cache: the list given, else every mode. */
static int
parse_caches (char *clist, struct fsync_opts *o)
{
  if (!clist) {
    for (o->nc = 0; o->nc < disk_ncache_modes && o->nc < MAX_LIST; o->nc++)
      o->caches[o->nc] = disk_cache_modes[o->nc].name;
    return 0;
  }
  if (split_list (clist, o->caches, MAX_LIST, &o->nc) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --cache: give a list like none,unsafe\n");
    return -1;
  }
  for (size_t i = 0; i < o->nc; i++) {
    if (!disk_cache_lookup (o->caches[i])) {
      char modes[128];
      disk_cache_list (modes, sizeof modes, ", ");
      fprintf (stderr, "guestdrv: fsync-test: --cache: unknown cache mode '%s' "
               "(%s)\n", o->caches[i], modes);
      return -1;
    }
  }
  return 0;
}

static int
parse_kernel_list (char *klist, struct fsync_opts *o)
{
  const char *kitems[MAX_LIST];

  if (split_list (klist, kitems, MAX_LIST, &o->nk) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --kernel: give a list like "
             "stock,patched=PATH\n");
    return -1;
  }
  if (harness_parse_kernels (kitems, o->nk, o->kernels) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --kernel %s\n", gd_get_error ());
    return -1;
  }
  o->kernel_col = 6;
  for (size_t i = 0; i < o->nk; i++)
    if ((int) strlen (o->kernels[i].label) > o->kernel_col)
      o->kernel_col = (int) strlen (o->kernels[i].label);
  return 0;
}

/* 0 to run, 1 after --help, -1 on a bad command line (said on stderr). */
static int
parse_options (int argc, char **argv, struct fsync_opts *o)
{
  static const struct option opts[] = {
    { "backend", required_argument, NULL, 'b' },
    { "cache", required_argument, NULL, 'c' },
    { "kernel", required_argument, NULL, 'K' },
    { HARNESS_CHANNEL, required_argument, NULL, 'C' },
    { HARNESS_DISK, required_argument, NULL, 'D' },
    { "json", no_argument, NULL, 'j' },
    { "keep", no_argument, NULL, 'k' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  char *blist = NULL, *clist = NULL, *klist = NULL, *chlist = NULL, *dlist = NULL;
  int opt;

  *o = (struct fsync_opts) {
    .kernels = { { "stock", NULL } }, .nk = 1,
    .channels = { backend_setting_lookup (HARNESS_CHANNEL)->values[0] },
    .nch = 1,
    .disks = { backend_setting_lookup (HARNESS_DISK)->values[0] }, .nd = 1,
  };
  optind = 1;
  while ((opt = getopt_long (argc, argv, "vh", opts, NULL)) != -1) {
    switch (opt) {
    case 'b': blist = optarg; break;
    case 'c': clist = optarg; break;
    case 'K': klist = optarg; break;
    case 'C': chlist = optarg; break;
    case 'D': dlist = optarg; break;
    case 'j': o->json = true; break;
    case 'k': o->keep = true; break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); return 1;
    default: usage (stderr); return -1;
    }
  }
  if (optind < argc) {
    fprintf (stderr, "guestdrv: fsync-test: unexpected argument '%s'\n", argv[optind]);
    return -1;
  }
  if (parse_backends (blist, o) == -1 || parse_caches (clist, o) == -1)
    return -1;
  if (chlist && split_choices (chlist, o->channels, &o->nch,
                               HARNESS_CHANNEL) == -1)
    return -1;
  if (dlist && split_choices (dlist, o->disks, &o->nd, HARNESS_DISK) == -1)
    return -1;
  if (klist && parse_kernel_list (klist, o) == -1)
    return -1;
  return 0;
}

/* The FUSE model under TMPDIR, or ENV->nofuse_why says why not. */
static void
start_model (struct harness_env *env, const char *tmpdir, char *backing,
             char *mnt, char *sock)
{
  char log[PATH_MAX];

  snprintf (backing, PATH_MAX, "%s/backing", tmpdir);
  snprintf (mnt, PATH_MAX, "%s/mnt", tmpdir);
  snprintf (sock, PATH_MAX, "%s/lazyfs.sock", tmpdir);
  snprintf (log, sizeof log, "%s/lazyfs.log", tmpdir);
  mkdir (backing, 0755);
  mkdir (mnt, 0755);

  if (access ("/dev/fuse", R_OK | W_OK) == -1)
    snprintf (env->nofuse_why, sizeof env->nofuse_why,
              "/dev/fuse is not usable (%m): the power-cut method needs FUSE "
              "(load the fuse module, or give the container /dev/fuse); "
              "running the flush accounting alone");
  else {
    env->lfs = lazyfs_start (backing, mnt, sock, log);
    if (!env->lfs)
      snprintf (env->nofuse_why, sizeof env->nofuse_why,
                "the FUSE model did not start: %s; running the flush accounting alone",
                gd_get_error ());
    env->backing = backing;
    env->mnt = mnt;
  }
  if (!env->lfs)
    fprintf (stderr, "guestdrv: fsync-test: %s\n", env->nofuse_why);
}

/* Every case, printed as it ends.  Returns the number that failed;
 * *NCASES gets the number run.
 */
static size_t
run_cases (const struct fsync_opts *o, struct harness_env *env,
           struct case_result *results, size_t *ncases)
{
  size_t nerr = 0;

  for (size_t i = 0; i < o->nb && !harness_interrupted; i++)
   for (size_t v = 0; v < o->nch * o->nd && !harness_interrupted; v++) {
    bool varies = harness_backend_varies (o->backends[i]);
    const char *ch = varies ? o->channels[v / o->nd] : NULL;
    const char *dk = varies ? o->disks[v % o->nd] : NULL;
    if (!varies && v > 0)
      break;                    /* the settings' dimensions only */
    for (size_t k = 0; k < o->nc && !harness_interrupted; k++)
     for (size_t q = 0; q < o->nk && !harness_interrupted; q++) {
      if (!harness_kernel_boots (&o->kernels[q], o->backends[i]))
        continue;
      struct case_result *r = &results[(*ncases)++];
      gd_debug ("fsync", "case %s/%s/%s/%s/%s", o->backends[i], ch ? ch : "-",
                dk ? dk : "-", o->caches[k], o->kernels[q].label);
      if (harness_run_case (env, o->backends[i], ch, dk, o->caches[k],
                            &o->kernels[q], q, r) == -1)
        nerr++;
      if (o->json)
        harness_report_json (stdout, r);
      else
        harness_report_row (stdout, r, o->kernel_col);
      fflush (stdout);
     }
   }
  return nerr;
}

/* --keep: the report as text and JSON in the temp dir. */
static void
write_kept_reports (const char *tmpdir, const struct case_result *results,
                    size_t ncases, int kernel_col)
{
  char path[PATH_MAX + 16];
  FILE *f;

  snprintf (path, sizeof path, "%s/report.txt", tmpdir);
  if ((f = fopen (path, "w")) != NULL) {
    harness_report_header (f, kernel_col);
    for (size_t i = 0; i < ncases; i++)
      harness_report_row (f, &results[i], kernel_col);
    harness_report_legend (f);
    fclose (f);
  }
  snprintf (path, sizeof path, "%s/report.json", tmpdir);
  if ((f = fopen (path, "w")) != NULL) {
    for (size_t i = 0; i < ncases; i++)
      harness_report_json (f, &results[i]);
    fclose (f);
  }
}

int
fsync_test_main (int argc, char **argv)
{
  struct fsync_opts o;
  size_t ncases = 0;
  struct case_result *results = NULL;
  struct harness_env env = { 0 };
  char tmpdir[PATH_MAX], backing[PATH_MAX], mnt[PATH_MAX], sock[PATH_MAX];
  int rc = 1;

  if (fsync_campaign_wanted (argc, argv))
    return fsync_campaign_main (argc, argv);
  switch (parse_options (argc, argv, &o)) {
  case 1: return 0;
  case -1: return 1;
  }
  gd_signals_catch (on_signal);
  if (gd_tmpdir_make ("guestdrv-fsync", tmpdir, sizeof tmpdir) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
    return 1;
  }
  env.tmpdir = tmpdir;
  start_model (&env, tmpdir, backing, mnt, sock);

  results = calloc (o.nb * o.nch * o.nd * o.nc * o.nk, sizeof *results);
  if (!results) {
    fprintf (stderr, "guestdrv: fsync-test: out of memory\n");
    goto cleanup;
  }
  if (!o.json) {
    harness_report_header (stdout, o.kernel_col);
    fflush (stdout);
  }
  rc = run_cases (&o, &env, results, &ncases) || harness_interrupted ? 1 : 0;
  if (!o.json)
    harness_report_legend (stdout);
  fflush (stdout);

 cleanup:
  if (o.keep)
    write_kept_reports (tmpdir, results, ncases, o.kernel_col);
  lazyfs_stop (env.lfs, o.keep);
  if (o.keep) {
    fprintf (stderr, "guestdrv: fsync-test: kept %s (report.txt, report.json, "
             "per-case dirs with strace logs and dumps; backing images in "
             "backing/)\n", tmpdir);
    if (env.lfs)
      fprintf (stderr, "guestdrv: fsync-test: the model is still mounted at %s "
               "(control: guestdrv-lazyfs ctl %s stats); unmount with: "
               "fusermount3 -u %s\n", mnt, sock, mnt);
  }
  else if (gd_tree_remove (tmpdir) == -1)
    fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
  free (results);
  if (harness_interrupted) {
    fprintf (stderr, "guestdrv: fsync-test: interrupted\n");
    return 128 + harness_interrupted;
  }
  return rc;
}
