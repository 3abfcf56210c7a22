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

#include "harness.h"
#include "../cli/cli.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/json-write.h"
#include "../common/signals.h"
#include "../common/tmpdir.h"
#include "../launcher/launcher.h"

#define MAX_LIST 8

volatile sig_atomic_t harness_interrupted;

static const char *const all_caches[] = {
  "none", "writeback", "writethrough", "directsync", "unsafe"
};

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
"                   PATH or NAME=PATH (a bzImage for tcg/kvm, a linux\n"
"                   binary for uml; default: stock)\n"
"  --json           one JSON object per case, one per line\n"
"  --keep           keep the mount, backing dir and report; print where\n");
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
split_choices (char *s, const char **out, size_t *n, const char *const *allowed,
               size_t nallowed, const char *what)
{
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

static void
json_str (FILE *f, const char *key, const char *v)
{
  fprintf (f, "\"%s\":", key);
  json_write_string (f, v);
}

static void
print_json (FILE *f, const struct case_result *r)
{
  const struct fc_result *fc = &r->fc;
  const struct fc_phase *a = &fc->phase[FC_PHASE_FSYNCED];
  const struct fc_phase *b = &fc->phase[FC_PHASE_UNSYNCED];

  fputc ('{', f);
  json_str (f, "backend", r->backend); fputc (',', f);
  json_str (f, "cache", r->cache); fputc (',', f);
  json_str (f, "channel", r->channel); fputc (',', f);
  json_str (f, "disk", r->disk); fputc (',', f);
  json_str (f, "image", r->image); fputc (',', f);
  json_str (f, "guest_kernel", r->guest_kernel); fputc (',', f);
  json_str (f, "verdict", r->verdict); fputc (',', f);
  json_str (f, "flush_accounting", r->method1); fputc (',', f);
  json_str (f, "power_cut", r->method2); fputc (',', f);
  if (fc->available) {
    fprintf (f, "\"host_flushes\":%u,", a->fsyncs + a->fdatasyncs + a->dsync_writes);
    fprintf (f, "\"host_flushes_unsynced\":%u,", b->fsyncs + b->fdatasyncs + b->dsync_writes);
    fprintf (f, "\"flush_detail\":{");
    for (int p = 0; p < FC_NPHASES; p++) {
      static const char *const names[] = { "before", "fsynced", "unsynced", "after" };
      const struct fc_phase *ph = &fc->phase[p];
      fprintf (f, "%s\"%s\":{\"fsync\":%u,\"fdatasync\":%u,\"sync_file_range\":%u,"
               "\"syncfs\":%u,\"sync\":%u,\"rwf_dsync_writes\":%u,\"opens\":%u}",
               p ? "," : "", names[p], ph->fsyncs, ph->fdatasyncs,
               ph->sync_file_ranges, ph->syncfs, ph->syncs, ph->dsync_writes,
               ph->opens);
    }
    fprintf (f, "},\"open_o_direct\":%s,\"open_o_dsync\":%s,\"open_o_sync\":%s,",
             fc->o_direct ? "true" : "false", fc->o_dsync ? "true" : "false",
             fc->o_sync ? "true" : "false");
    json_str (f, "flush_method", fc->method); fputc (',', f);
  }
  else
    fprintf (f, "\"host_flushes\":null,");
  if (r->cut_done) {
    fprintf (f, "\"pattern_bytes\":%llu,\"fsynced_bytes_lost\":%llu,"
             "\"unsynced_bytes_lost\":%llu,\"fsynced_on_host_before_cut\":%s,"
             "\"unsynced_on_host_before_cut\":%s,\"model_dirty_before_cut\":%llu,"
             "\"model_bytes_lost\":%llu,\"model_fsyncs\":%llu,"
             "\"model_fdatasyncs\":%llu,\"model_sync_writes\":%llu,"
             "\"model_writebacks\":%llu,\"e2fsck_status\":%d,",
             (unsigned long long) r->pattern_bytes,
             (unsigned long long) r->fsynced_bytes_lost,
             (unsigned long long) r->unsynced_bytes_lost,
             r->fsynced_on_host ? "true" : "false",
             r->unsynced_on_host ? "true" : "false",
             (unsigned long long) r->dirty_before_cut,
             (unsigned long long) r->cut_bytes_lost,
             (unsigned long long) r->model_fsyncs,
             (unsigned long long) r->model_fdatasyncs,
             (unsigned long long) r->model_sync_writes,
             (unsigned long long) r->writebacks, r->fsck_status);
  }
  else
    fprintf (f, "\"fsynced_bytes_lost\":null,\"unsynced_bytes_lost\":null,");
  fprintf (f, "\"guest_fsync_s\":%.3f,", r->guest_fsync_s);
  json_str (f, "note", r->note);
  fprintf (f, "}\n");
}

/* The kernel column appears when --kernel was given. */
static int kernel_col;

static void
print_header (FILE *f)
{
  if (kernel_col)
    fprintf (f, "%-*s ", kernel_col, "kernel");
  fprintf (f, "%-21s %-12s %-13s %-13s %-13s %-11s %-8s %-12s %-13s %-9s %s\n",
           "backend", "cache", "verdict", "flush-acct", "power-cut",
           "flushes f/u", "open", "fsynced-lost", "unsynced-lost",
           "volatile", "e2fsck");
}

static void
print_row (FILE *f, const struct case_result *r)
{
  const struct fc_result *fc = &r->fc;
  char flushes[32] = "-", open[16] = "-", lost_s[24] = "-", lost_u[24] = "-";
  char fsck[16] = "-", vol[16] = "-";

  if (fc->available) {
    const struct fc_phase *a = &fc->phase[FC_PHASE_FSYNCED];
    const struct fc_phase *b = &fc->phase[FC_PHASE_UNSYNCED];
    snprintf (flushes, sizeof flushes, "%u/%u",
              a->fsyncs + a->fdatasyncs + a->dsync_writes,
              b->fsyncs + b->fdatasyncs + b->dsync_writes);
  }
  if (fc->image_fds || fc->available)
    snprintf (open, sizeof open, "%s%s",
              fc->o_sync ? "SYNC" : fc->o_dsync ? "DSYNC" : "",
              fc->o_direct ? ((fc->o_sync || fc->o_dsync) ? "+DIRECT" : "DIRECT")
              : (fc->o_sync || fc->o_dsync) ? "" : "cached");
  if (r->cut_done) {
    snprintf (lost_s, sizeof lost_s, "%llu", (unsigned long long) r->fsynced_bytes_lost);
    snprintf (lost_u, sizeof lost_u, "%llu", (unsigned long long) r->unsynced_bytes_lost);
    snprintf (fsck, sizeof fsck, "%s", r->fsck_status == 0 ? "clean" : "ERRORS");
    snprintf (vol, sizeof vol, "%llu", (unsigned long long) r->dirty_before_cut);
  }
  if (kernel_col)
    fprintf (f, "%-*s ", kernel_col, r->guest_kernel);
  fprintf (f, "%-21s %-12s %-13s %-13s %-13s %-11s %-8s %-12s %-13s %-9s %s\n",
           r->label, r->cache, r->verdict, r->method1, r->method2, flushes,
           open, lost_s, lost_u, vol, fsck);
  if (r->note[0])
    fprintf (f, "        %s/%s%s%s: %s\n", r->label, r->cache,
             kernel_col ? "/" : "", kernel_col ? r->guest_kernel : "", r->note);
}

static void
print_legend (FILE *f)
{
  fprintf (f,
"flushes f/u: the hypervisor's fsync+fdatasync on the image while the guest\n"
"  fsynced / while it wrote without sync.  open: the image's open mode.\n"
"fsynced-lost / unsynced-lost: bytes of each %d-byte pattern file not found\n"
"  on the backing image after the cut.  volatile: bytes in the model's\n"
"  cache at the cut.  e2fsck: -fn on the backing image after the cut.\n",
           1024 * 1024);
}

/* --kernel items: "stock", "NAME=PATH" or "PATH" (labelled by its
 * path).  The paths must be readable; what they are is checked per case.
 */
int
harness_parse_kernels (const char **items, size_t n, struct harness_kernel *out)
{
  for (size_t i = 0; i < n; i++) {
    char *eq = strchr (items[i], '=');
    if (strcmp (items[i], "stock") == 0) {
      out[i] = (struct harness_kernel) { "stock", NULL };
      continue;
    }
    if (eq) {
      *eq = '\0';
      out[i] = (struct harness_kernel) { items[i], eq + 1 };
      if (!*items[i] || strlen (items[i]) > 40 || strcmp (items[i], "stock") == 0) {
        gd_set_error ("'%s': a name is 1-40 characters, not 'stock'", items[i]);
        return -1;
      }
    }
    else
      out[i] = (struct harness_kernel) { items[i], items[i] };
    if (access (out[i].path, R_OK) == -1) {
      gd_set_error_errno ("%s", out[i].path);
      return -1;
    }
    if (strlen (out[i].label) > 63)
      out[i].label = out[i].path + strlen (out[i].path) - 40;
  }
  return 0;
}

int
fsync_test_main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "backend", required_argument, NULL, 'b' },
    { "cache", required_argument, NULL, 'c' },
    { "kernel", required_argument, NULL, 'K' },
    { "uml-channel", required_argument, NULL, 'C' },
    { "uml-disk", required_argument, NULL, 'D' },
    { "json", no_argument, NULL, 'j' },
    { "keep", no_argument, NULL, 'k' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *backends[MAX_LIST], *caches[MAX_LIST], *kitems[MAX_LIST];
  struct harness_kernel kernels[MAX_LIST] = { { "stock", NULL } };
  static const char *const all_channels[] = { "virtio", "serial" };
  static const char *const all_disks[] = { "ubd", "vhost-user" };
  const char *channels[MAX_LIST] = { "virtio" }, *disks[MAX_LIST] = { "ubd" };
  char *blist = NULL, *clist = NULL, *klist = NULL, *chlist = NULL, *dlist = NULL;
  size_t nb = 0, nc = 0, nk = 1, nch = 1, nd = 1, ncases = 0, nerr = 0;
  struct case_result *results = NULL;
  struct harness_env env = { 0 };
  char tmpdir[PATH_MAX], backing[PATH_MAX], mnt[PATH_MAX], sock[PATH_MAX];
  char log[PATH_MAX];
  bool json = false, keep = false;
  int opt, rc = 1;

  optind = 1;
  while ((opt = getopt_long (argc, argv, "vh", opts, NULL)) != -1) {
    switch (opt) {
    case 'b': blist = optarg; break;
    case 'c': clist = optarg; break;
    case 'K': klist = optarg; break;
    case 'C': chlist = optarg; break;
    case 'D': dlist = optarg; break;
    case 'j': json = true; break;
    case 'k': keep = true; break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); return 0;
    default: usage (stderr); return 1;
    }
  }
  if (optind < argc) {
    fprintf (stderr, "guestdrv: fsync-test: unexpected argument '%s'\n", argv[optind]);
    return 1;
  }
  if (blist) {
    if (split_list (blist, backends, MAX_LIST, &nb) == -1) {
      fprintf (stderr, "guestdrv: fsync-test: --backend: give a list like tcg,uml\n");
      return 1;
    }
    for (size_t i = 0; i < nb; i++) {
      int b = launcher_parse_backend (backends[i]);
      if (b < 0 || b == BACKEND_AUTO) {
        fprintf (stderr, "guestdrv: fsync-test: --backend: unknown backend '%s' (tcg, kvm, uml)\n",
                 backends[i]);
        return 1;
      }
    }
  }
  else {
    char why[256];
    if (kvm_probe (3000, why, sizeof why) == 1)
      backends[nb++] = "kvm";
    backends[nb++] = "tcg";
    backends[nb++] = "uml";
  }
  if (clist) {
    if (split_list (clist, caches, MAX_LIST, &nc) == -1) {
      fprintf (stderr, "guestdrv: fsync-test: --cache: give a list like none,unsafe\n");
      return 1;
    }
    for (size_t i = 0; i < nc; i++) {
      size_t k;
      for (k = 0; k < 5 && strcmp (caches[i], all_caches[k]) != 0; k++)
        ;
      if (k == 5) {
        fprintf (stderr, "guestdrv: fsync-test: --cache: unknown cache mode '%s' "
                 "(none, writeback, writethrough, directsync, unsafe)\n", caches[i]);
        return 1;
      }
    }
  }
  else
    for (nc = 0; nc < 5; nc++)
      caches[nc] = all_caches[nc];

  if (chlist && split_choices (chlist, channels, &nch, all_channels, 2,
                               "uml-channel") == -1)
    return 1;
  if (dlist && split_choices (dlist, disks, &nd, all_disks, 2, "uml-disk") == -1)
    return 1;

  if (klist) {
    if (split_list (klist, kitems, MAX_LIST, &nk) == -1) {
      fprintf (stderr, "guestdrv: fsync-test: --kernel: give a list like "
               "stock,patched=PATH\n");
      return 1;
    }
    if (harness_parse_kernels (kitems, nk, kernels) == -1) {
      fprintf (stderr, "guestdrv: fsync-test: --kernel: %s\n", gd_get_error ());
      return 1;
    }
    kernel_col = 6;
    for (size_t i = 0; i < nk; i++)
      if ((int) strlen (kernels[i].label) > kernel_col)
        kernel_col = (int) strlen (kernels[i].label);
  }

  gd_signals_catch (on_signal);
  if (gd_tmpdir_make ("guestdrv-fsync", tmpdir, sizeof tmpdir) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
    return 1;
  }
  env.tmpdir = tmpdir;
  snprintf (backing, sizeof backing, "%s/backing", tmpdir);
  snprintf (mnt, sizeof mnt, "%s/mnt", tmpdir);
  snprintf (sock, sizeof sock, "%s/lazyfs.sock", tmpdir);
  snprintf (log, sizeof log, "%s/lazyfs.log", tmpdir);
  mkdir (backing, 0755);
  mkdir (mnt, 0755);

  if (access ("/dev/fuse", R_OK | W_OK) == -1)
    snprintf (env.nofuse_why, sizeof env.nofuse_why,
              "/dev/fuse is not usable (%m): the power-cut method needs FUSE "
              "(load the fuse module, or give the container /dev/fuse); "
              "running the flush accounting alone");
  else {
    env.lfs = lazyfs_start (backing, mnt, sock, log);
    if (!env.lfs)
      snprintf (env.nofuse_why, sizeof env.nofuse_why,
                "the FUSE model did not start: %s; running the flush accounting alone",
                gd_get_error ());
    env.backing = backing;
    env.mnt = mnt;
  }
  if (!env.lfs)
    fprintf (stderr, "guestdrv: fsync-test: %s\n", env.nofuse_why);

  results = calloc (nb * nch * nd * nc * nk, sizeof *results);
  if (!results) {
    fprintf (stderr, "guestdrv: fsync-test: out of memory\n");
    goto cleanup;
  }
  if (!json) {
    print_header (stdout);
    fflush (stdout);
  }
  for (size_t i = 0; i < nb && !harness_interrupted; i++)
   for (size_t v = 0; v < nch * nd && !harness_interrupted; v++) {
    bool uml = strcmp (backends[i], "uml") == 0;
    const char *ch = uml ? channels[v / nd] : NULL;
    const char *dk = uml ? disks[v % nd] : NULL;
    if (!uml && v > 0)
      break;                    /* the UML dimensions only */
    for (size_t k = 0; k < nc && !harness_interrupted; k++)
     for (size_t q = 0; q < nk && !harness_interrupted; q++) {
      struct case_result *r = &results[ncases++];
      gd_debug ("fsync", "case %s/%s/%s/%s/%s", backends[i], ch ? ch : "-",
                dk ? dk : "-", caches[k], kernels[q].label);
      if (harness_run_case (&env, backends[i], ch, dk, caches[k], &kernels[q],
                            q, r) == -1)
        nerr++;
      if (json)
        print_json (stdout, r);
      else
        print_row (stdout, r);
      fflush (stdout);
     }
   }
  if (!json)
    print_legend (stdout);
  fflush (stdout);
  rc = nerr || harness_interrupted ? 1 : 0;

 cleanup:
  if (keep) {
    char path[PATH_MAX + 16];
    FILE *f;
    snprintf (path, sizeof path, "%s/report.txt", tmpdir);
    if ((f = fopen (path, "w")) != NULL) {
      print_header (f);
      for (size_t i = 0; i < ncases; i++)
        print_row (f, &results[i]);
      print_legend (f);
      fclose (f);
    }
    snprintf (path, sizeof path, "%s/report.json", tmpdir);
    if ((f = fopen (path, "w")) != NULL) {
      for (size_t i = 0; i < ncases; i++)
        print_json (f, &results[i]);
      fclose (f);
    }
  }
  lazyfs_stop (env.lfs, keep);
  if (keep) {
    fprintf (stderr, "guestdrv: fsync-test: kept %s (report.txt, report.json, "
             "per-case dirs with strace logs and dumps; backing images in "
             "backing/)\n", tmpdir);
    if (env.lfs)
      fprintf (stderr, "guestdrv: fsync-test: the model is still mounted at %s "
               "(control: guestdrv-lazyfs ctl %s stats); unmount with: "
               "fusermount3 -u %s\n", mnt, sock, mnt);
  }
  else
    if (gd_tree_remove (tmpdir) == -1)
      fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
  free (results);
  if (harness_interrupted) {
    fprintf (stderr, "guestdrv: fsync-test: interrupted\n");
    return 128 + harness_interrupted;
  }
  return rc;
}
