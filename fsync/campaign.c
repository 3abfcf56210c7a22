/* guestdrv fsync-test --cuts N: the crash campaign.
 *
 * What a cut is: the image on the FUSE disk model (guestdrv-lazyfs) as a
 * power cut after one given disk operation would leave it -- everything
 * the hypervisor had written but not flushed gone, everything flushed
 * there.  The model copies that durable state at the operations we arm
 * (lazyfs-snap.c) without stopping the guest, so one appliance boot per
 * case serves every cut: the guest runs the workload of
 * campaign-workload.c round after round (each round in its own
 * directory), and each round carries up to --per-round cuts at random
 * operations of it.  After the round the host checks each cut's image
 * (campaign-check.c) while the guest waits.
 *
 * Cut I of a campaign with seed S has its own seed (S itself for I = 0,
 * a hash of S and I otherwise); that seed alone picks where in a round
 * the cut falls (operation 1 + seed mod the round's length, measured by
 * an uncut first round), so `--cuts 1 --seed SEED` replays one cut, and
 * `--seed S --from I` resumes a campaign at cut I.
 */
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "campaign.h"
#include "harness.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/signals.h"
#include "../common/tmpdir.h"
#include "../disk/disk.h"
#include "../launcher/launcher.h"
#include "../protocol/proc-numbers.h"
#include "../session/guest-shell.h"
#include "../session/session.h"

#define MAX_TRIES 3             /* rounds a cut may miss before it counts missed */

/* What one case needs while it runs. */
struct camp_run {
  const struct camp_opts *o;
  struct lazyfs *lfs;
  const char *backing, *mnt;
  char dir[PATH_MAX], snaps[PATH_MAX], work[PATH_MAX], name[64];
  struct session *s;
  struct camp_case *c;
  unsigned next_round;
  uint64_t shortest;            /* operations of the shortest round */
};

static void
on_signal (int sig)
{
  harness_interrupted = sig;
  launcher_kill_all_from_signal ();
}

/* The model's operation counter, or 0 with the error set. */
static uint64_t
model_ops (struct lazyfs *l)
{
  char *reply = NULL, *p;
  uint64_t v = 0;

  if (lazyfs_ctl (l, "ops", &reply) == 0 && (p = strstr (reply, "\"ops\":")))
    v = strtoull (p + 6, NULL, 10);
  free (reply);
  return v;
}

/* One round of the workload, each step's operation window recorded. */
static int
run_round (struct camp_run *cr, struct camp_round *rd)
{
  char cmd[1024], *out = NULL;

  for (int j = 0; j < CS_NSTEPS && !harness_interrupted; j++) {
    camp_step_command (rd, j, cmd, sizeof cmd);
    rd->before[j] = model_ops (cr->lfs);
    if (session_guest_sh (cr->s, cmd, &out) == -1)
      return -1;
    rd->after[j] = model_ops (cr->lfs);
    if (!out || !strstr (out, "guestdrv-ok")) {
      gd_set_error ("in the guest, step %d of round %u failed: %.300s", j,
                    rd->index, out ? out : "");
      free (out);
      return -1;
    }
    free (out);
    out = NULL;
    rd->nsteps_run = j + 1;
  }
  return harness_interrupted ? -1 : 0;
}

static void
round_init (struct camp_run *cr, struct camp_round *rd)
{
  memset (rd, 0, sizeof *rd);
  rd->index = cr->next_round++;
  rd->nonce = (unsigned) camp_mix64 (gd_now_ns () ^ rd->index);
}

/* Check the snapshot of cut SEED (at operation OP) and add it up. */
static int
check_one (struct camp_run *cr, const struct camp_round *rd, uint64_t op,
           uint64_t seed)
{
  struct camp_case *c = cr->c;
  struct camp_cut_result r = { .op = op, .seed = seed, .round = rd->index };
  char img[PATH_MAX + 32];
  bool bad = false;

  snprintf (img, sizeof img, "%s/cut-%" PRIu64 ".img", cr->snaps, op);
  if (camp_check_cut (img, cr->work, rd, &r) == -1)
    return -1;
  if (!cr->o->keep)
    unlink (img);
  c->seeds[c->cuts++] = seed;
  if (r.fsck_status != 0) {
    c->fsck_errors++;
    bad = true;
  }
  for (int k = 0; k < CV_NKINDS; k++) {
    c->violations[k] += r.violations[k];
    bad |= r.violations[k] > 0;
  }
  c->fsynced_bytes_lost += r.fsynced_bytes_lost;
  if (bad) {
    c->violating_cuts++;
    c->bad_seeds[c->nbad++] = seed;
    gd_debug ("campaign", "cut seed %" PRIu64 " (round %u, op %" PRIu64
              "): %s", seed, rd->index, op, r.detail);
    if (!c->note[0])
      snprintf (c->note, sizeof c->note, "first: %s", r.detail);
  }
  return 0;
}

/* The cuts still to take: their index, seed and tries so far. */
struct pending {
  uint64_t seed;
  unsigned tries;
};

/* One round with up to per_round cuts from PEND (N of them, the ones
 * taken removed).  T: the operations of a round.
 */
static int
cut_round (struct camp_run *cr, struct pending *pend, unsigned *n, uint64_t t)
{
  struct camp_round rd;
  unsigned k = *n < cr->o->per_round ? *n : cr->o->per_round, kept = 0;
  uint64_t *at = calloc (k ? k : 1, sizeof *at), base;
  size_t len = 0, cap = 16 + (size_t) k * 24;
  char *cmd = malloc (cap + PATH_MAX + 64);
  int ret = -1;

  if (!at || !cmd) {
    gd_set_error_errno ("malloc");
    goto out;
  }
  round_init (cr, &rd);
  base = model_ops (cr->lfs);
  len = (size_t) snprintf (cmd, PATH_MAX + 64, "snap %s %s ", cr->name,
                           cr->snaps);
  for (unsigned i = 0; i < k; i++) {
    at[i] = base + 1 + pend[i].seed % (pend[i].tries + 1 < MAX_TRIES ? t
                                         : cr->shortest);
    /* Two cuts at one operation would share a snapshot: the later waits. */
    for (unsigned j = 0; j < i; j++)
      if (at[j] == at[i])
        at[i] = 0;
    if (at[i])
      len += (size_t) snprintf (cmd + len, cap + PATH_MAX + 64 - len, "%s%" PRIu64,
                                kept++ ? "," : "", at[i]);
  }
  if (lazyfs_ctl (cr->lfs, cmd, NULL) == -1 || run_round (cr, &rd) == -1)
    goto out;
  cr->c->rounds++;
  /* Rounds vary by a few background writes (the journal's commits): a
   * cut past the end of a shorter round waits for the next one, and
   * after MAX_TRIES - 1 misses falls within the shortest round seen.
   */
  if (rd.after[CS_NSTEPS - 1] - base < cr->shortest)
    cr->shortest = rd.after[CS_NSTEPS - 1] - base;
  /* Check the cuts taken; the others go back in the queue. */
  unsigned w = 0;
  for (unsigned i = 0; i < *n; i++) {
    char img[PATH_MAX + 32];
    struct stat st;
    bool taken = false;
    if (i < k && at[i]) {
      snprintf (img, sizeof img, "%s/cut-%" PRIu64 ".img", cr->snaps, at[i]);
      taken = stat (img, &st) == 0;
      if (taken && check_one (cr, &rd, at[i], pend[i].seed) == -1)
        goto out;
      if (!taken && ++pend[i].tries >= MAX_TRIES) {
        cr->c->cuts_missed++;
        continue;
      }
    }
    if (!taken)
      pend[w++] = pend[i];
  }
  *n = w;
  ret = 0;
 out:
  free (at);
  free (cmd);
  return ret;
}

/* A cache mode the backend refuses is a result: 1 (C says why). */
static int
case_refused (const char *backend, bool vblk, const char *cache,
              const char *img, struct camp_case *c)
{
  struct disk d = { .path = (char *) img, .format = (char *) "raw",
                    .cache = (char *) cache };
  struct launch_config cfg = { .disks = &d, .ndisks = 1 };

  cfg.backend = launcher_parse_backend (backend);
  if ((int) cfg.backend < 0 || cfg.backend == BACKEND_AUTO) {
    snprintf (c->verdict, sizeof c->verdict, "error");
    snprintf (c->note, sizeof c->note, "unknown backend '%s' (tcg, kvm, uml)",
              backend);
    return 1;
  }
  char set[64];
  const char *sets[1] = { set };

  if (harness_backend_varies (backend)) {
    snprintf (set, sizeof set, "%s=%s", HARNESS_DISK,
              vblk ? "vhost-user" : "ubd");
    cfg.settings = sets;
    cfg.nsettings = 1;
  }
  if (launcher_prepare (&cfg) == 0)
    return 0;
  snprintf (c->verdict, sizeof c->verdict, "%s",
            strstr (gd_get_error (), cache) ? "refused" : "unavailable");
  snprintf (c->note, sizeof c->note, "%s", gd_get_error ());
  return 1;
}

static int
case_launch (struct camp_run *cr, const char *backend, bool vblk,
             const char *cache, const struct harness_kernel *k)
{
  char img[PATH_MAX + 80];

  snprintf (img, sizeof img, "%s/%s", cr->mnt, cr->name);
  cr->s = session_new ();
  if (!cr->s || session_set_backend (cr->s, backend) == -1 ||
      session_add_drive (cr->s, img, "raw", cache, false) == -1)
    return -1;
  session_set_timeouts (cr->s, HARNESS_LAUNCH_TIMEOUT_MS,
                        HARNESS_CALL_TIMEOUT_MS);
  if (harness_backend_varies (backend) &&
      session_set_backend_setting (cr->s, HARNESS_DISK,
                                   vblk ? "vhost-user" : "ubd") == -1)
    return -1;
  if (k->path)
    session_set_kernel (cr->s, k->path);
  if (session_launch (cr->s) == -1) {
    gd_error_prefix ("launch");
    return -1;
  }
  return harness_interrupted ? -1 : harness_guest_mount (cr->s);
}

static void
progress (const struct camp_run *cr, unsigned total, double t0)
{
  double el = (gd_now_ns () / 1e9) - t0;
  double eta = cr->c->cuts ? el / cr->c->cuts * (total - cr->c->cuts) : 0;

  fprintf (stderr, "guestdrv: fsync-test: %s %s: %u/%u cuts, %u broken, "
           "round %u, %.0f s, ETA %.0f s\n", cr->c->label, cr->c->cache,
           cr->c->cuts, total, cr->c->violating_cuts, cr->c->rounds, el, eta);
}

/* The rounds of one booted case: a first one uncut to measure its
 * length, then rounds with cuts until every cut is taken or missed.
 */
static int
case_rounds (struct camp_run *cr)
{
  const struct camp_opts *o = cr->o;
  unsigned n = o->cuts - o->from, total = n;
  struct pending *pend = calloc (n, sizeof *pend);
  struct camp_round cal;
  double t0 = gd_now_ns () / 1e9;
  int ret = -1;

  if (!pend) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (unsigned i = 0; i < n; i++)
    pend[i].seed = camp_cut_seed (o->seed, o->from + i);
  round_init (cr, &cal);
  if (run_round (cr, &cal) == -1)
    goto out;
  cr->c->ops_per_round = cal.after[CS_NSTEPS - 1] - cal.before[0];
  cr->shortest = cr->c->ops_per_round;
  if (cr->c->ops_per_round == 0) {
    gd_set_error ("the workload's round made no disk operation: is the "
                  "image on the model?");
    goto out;
  }
  while (n > 0 && !harness_interrupted) {
    if (cut_round (cr, pend, &n, cr->c->ops_per_round) == -1)
      goto out;
    progress (cr, total, t0);
  }
  ret = harness_interrupted ? -1 : 0;
 out:
  lazyfs_ctl (cr->lfs, "snap off", NULL);
  free (pend);
  return ret;
}

static int
run_case (const struct camp_opts *o, struct harness_env *env, size_t idx,
          const char *backend, const char *disk, const char *cache,
          const struct harness_kernel *k, struct camp_case *c)
{
  struct camp_run cr = { .o = o, .lfs = env->lfs, .backing = env->backing,
                         .mnt = env->mnt, .c = c };
  bool uml = harness_backend_varies (backend);
  bool vblk = uml && strcmp (disk, "vhost-user") == 0;
  char back_img[PATH_MAX + 80];
  uint64_t t0;
  int ret = -1;

  snprintf (c->backend, sizeof c->backend, "%s", backend);
  snprintf (c->cache, sizeof c->cache, "%s", cache);
  snprintf (c->disk, sizeof c->disk, "%s", uml ? disk : "");
  snprintf (c->kernel, sizeof c->kernel, "%s", k->label);
  snprintf (c->label, sizeof c->label, "%s%s%s", backend, uml ? "/" : "",
            uml ? disk : "");
  c->seeds = calloc (o->cuts, sizeof *c->seeds);
  c->bad_seeds = calloc (o->cuts, sizeof *c->bad_seeds);
  snprintf (cr.name, sizeof cr.name, "camp-%zu.img", idx);
  snprintf (cr.dir, sizeof cr.dir, "%s/case-%zu", env->tmpdir, idx);
  snprintf (cr.snaps, sizeof cr.snaps, "%s/cuts", cr.dir);
  snprintf (cr.work, sizeof cr.work, "%s/work", cr.dir);
  snprintf (back_img, sizeof back_img, "%s/%s", env->backing, cr.name);
  if (!c->seeds || !c->bad_seeds || mkdir (cr.dir, 0755) == -1 ||
      mkdir (cr.snaps, 0755) == -1 || mkdir (cr.work, 0755) == -1) {
    gd_set_error_errno ("%s", cr.dir);
    goto error;
  }
  if (camp_image_make (back_img) == -1)
    goto error;
  if (case_refused (backend, vblk, cache, back_img, c))
    return 0;
  t0 = gd_now_ns ();
  if (case_launch (&cr, backend, vblk, cache, k) == -1)
    goto error;
  c->boot_s = (gd_now_ns () - t0) / 1e9;
  t0 = gd_now_ns ();
  if (case_rounds (&cr) == -1)
    goto error;
  c->run_s = (gd_now_ns () - t0) / 1e9;
  session_free (cr.s);
  snprintf (c->verdict, sizeof c->verdict, "%s",
            c->violating_cuts ? "not-honoured" : "honoured");
  if (c->cuts_missed) {
    size_t nl = strlen (c->note);
    snprintf (c->note + nl, sizeof c->note - nl, "%s%u cuts missed (their "
              "operation never came in %d rounds)", nl ? "; " : "",
              c->cuts_missed, MAX_TRIES);
  }
  ret = 0;
  goto out;
 error:
  snprintf (c->verdict, sizeof c->verdict, "error");
  snprintf (c->note, sizeof c->note, "%s",
            harness_interrupted ? "interrupted" : gd_get_error ());
  session_free (cr.s);
 out:
  if (!o->keep) {
    unlink (back_img);
    gd_tree_remove (cr.dir);
  }
  return ret;
}

static size_t
run_cases (const struct camp_opts *o, struct harness_env *env,
           struct camp_case *cases, size_t *ncases)
{
  size_t nbad = 0;

  for (size_t b = 0; b < o->nb && !harness_interrupted; b++)
   for (size_t d = 0; d < o->nd && !harness_interrupted; d++) {
    if (!harness_backend_varies (o->backends[b]) && d > 0)
      break;
    for (size_t c = 0; c < o->nc && !harness_interrupted; c++)
     for (size_t k = 0; k < o->nk && !harness_interrupted; k++) {
      if (!harness_kernel_boots (&o->kernels[k], o->backends[b]))
        continue;
      struct camp_case *cc = &cases[*ncases];
      if (run_case (o, env, *ncases, o->backends[b], o->disks[d],
                    o->caches[c], &o->kernels[k], cc) == -1)
        nbad++;
      (*ncases)++;
      if (o->json)
        camp_report_json (stdout, cc, o->seed);
      else
        camp_report_row (stdout, cc);
      fflush (stdout);
     }
   }
  return nbad;
}

int
fsync_campaign_main (int argc, char **argv)
{
  struct camp_opts o;
  struct harness_env env = { 0 };
  struct camp_case *cases = NULL;
  char tmpdir[PATH_MAX], backing[PATH_MAX + 16], mnt[PATH_MAX + 16];
  char sock[PATH_MAX + 16], log[PATH_MAX + 16];
  size_t ncases = 0, nbad;
  int rc = 1;

  if (camp_parse_options (argc, argv, &o) == -1)
    return 1;
  if (access ("/dev/fuse", R_OK | W_OK) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: --cuts needs the FUSE disk model "
             "and /dev/fuse is not usable: %m\n");
    return 1;
  }
  gd_signals_catch (on_signal);
  if (gd_tmpdir_make ("guestdrv-campaign", tmpdir, sizeof tmpdir) == -1) {
    fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
    return 1;
  }
  snprintf (backing, sizeof backing, "%s/backing", tmpdir);
  snprintf (mnt, sizeof mnt, "%s/mnt", tmpdir);
  snprintf (sock, sizeof sock, "%s/lazyfs.sock", tmpdir);
  snprintf (log, sizeof log, "%s/lazyfs.log", tmpdir);
  mkdir (backing, 0755);
  mkdir (mnt, 0755);
  env = (struct harness_env) { .tmpdir = tmpdir, .backing = backing,
                               .mnt = mnt };
  env.lfs = lazyfs_start (backing, mnt, sock, log);
  if (!env.lfs) {
    fprintf (stderr, "guestdrv: fsync-test: the FUSE disk model did not "
             "start: %s\n", gd_get_error ());
    goto cleanup;
  }
  cases = calloc (o.nb * o.nd * o.nc * o.nk, sizeof *cases);
  if (!cases) {
    fprintf (stderr, "guestdrv: fsync-test: out of memory\n");
    goto cleanup;
  }
  fprintf (stderr, "guestdrv: fsync-test: campaign seed %" PRIu64 ", cuts "
           "%u to %u per case (resume: --seed %" PRIu64 " --from I; replay "
           "one cut: --cuts 1 --seed CUT-SEED)\n", o.seed, o.from,
           o.cuts - 1, o.seed);
  if (!o.json)
    camp_report_header (stdout);
  fflush (stdout);
  nbad = run_cases (&o, &env, cases, &ncases);
  if (!o.json)
    camp_report_legend (stdout);
  rc = nbad || harness_interrupted ? 1 : 0;
  /* A broken promise where fsync is honoured is a failure; where it is
   * not, the table shows the losses.  The caller decides which is which:
   * the exit status says only whether every case ran.
   */
 cleanup:
  lazyfs_stop (env.lfs, o.keep);
  if (o.keep)
    fprintf (stderr, "guestdrv: fsync-test: kept %s%s\n", tmpdir,
             env.lfs ? " (the model is still mounted at mnt/: fusermount3 -u it)"
             : "");
  else if (gd_tree_remove (tmpdir) == -1)
    fprintf (stderr, "guestdrv: fsync-test: %s\n", gd_get_error ());
  for (size_t i = 0; i < ncases; i++) {
    free (cases[i].seeds);
    free (cases[i].bad_seeds);
  }
  free (cases);
  if (harness_interrupted) {
    fprintf (stderr, "guestdrv: fsync-test: interrupted\n");
    return 128 + harness_interrupted;
  }
  return rc;
}
