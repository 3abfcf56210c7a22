/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One fsync-test case: a backend and a cache mode.
 *
 * The image is an ext2 filesystem made on the host, holding two files of
 * PATTERN_SIZE bytes ("old" patterns), in the lazyfs backing dir before
 * the hypervisor ever opens it, so that it starts out durable.  The guest
 * overwrites both in place (no allocation, so only data blocks change):
 *   1. synced.bin with dd conv=fsync: when the reply arrives, the guest
 *      has said "durable";
 *   2. then unsynced.bin with dd oflag=direct and no sync: it leaves the
 *      guest's page cache for the virtual disk but is never flushed, so it
 *      is the control that a power cut loses what was not synced.
 * Then the hypervisor's process group gets SIGKILL (a clean exit would
 * flush), the model cuts its volatile cache, and the host reads the
 * backing image with e2fsck -fn and debugfs, without guestdrv.
 * Meanwhile harness-flushcount.c counts the hypervisor's flush syscalls.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../session/guest-shell.h"
#include "../session/session.h"
#include "../protocol/proc-numbers.h"

/* /dev/sda mounted on / (harness.h). */
int
harness_guest_mount (struct session *s)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  int r = -1;

  if (a && proto_args_string (a, "/dev/sda") == 0 &&
      proto_args_string (a, "/") == 0)
    r = session_call (s, PROC_MOUNT, 0, a, &rep);
  if (r == -1)
    gd_error_prefix ("mount /dev/sda");
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

/* Write PATTERN_SIZE bytes of `yes LINE` over FILE in place with dd. */
static int
guest_write (struct session *s, const char *line, const char *file,
             const char *ddflags)
{
  char cmd[512], *out = NULL;
  int r;

  snprintf (cmd, sizeof cmd,
            "yes '%s' | head -c %d | dd of=/sysroot/%s bs=65536 "
            "iflag=fullblock %s 2>&1 && echo guestdrv-fsync-ok",
            line, PATTERN_SIZE, file, ddflags);
  gd_debug ("fsync", "guest: %s", cmd);
  r = session_guest_sh (s, cmd, &out);
  if (r == 0 && (!out || !strstr (out, "guestdrv-fsync-ok"))) {
    gd_set_error ("in the guest, %s failed: %s", cmd, out ? out : "");
    r = -1;
  }
  free (out);
  return r;
}

/* SIGKILL the hypervisor's process group and wait until its leader is
 * dead, without reaping it (the launcher reaps it in session_free).
 */
static void
kill_hypervisor (pid_t pid)
{
  siginfo_t si;

  kill (-pid, SIGKILL);
  memset (&si, 0, sizeof si);
  while (waitid (P_PID, pid, &si, WEXITED | WNOWAIT) == -1 && errno == EINTR)
    ;
}

/* Writes the dead hypervisor issued may still be in the FUSE queue: wait
 * until the model's write counter stands still.
 */
static void
settle (struct lazyfs *l, const char *name)
{
  uint64_t last = UINT64_MAX;

  for (int i = 0; i < 30; i++) {
    char *st = NULL;
    uint64_t w = 0;
    if (lazyfs_ctl (l, "stats", &st) == 0)
      lazyfs_field (st, name, "writes", &w);
    free (st);
    if (w == last)
      return;
    last = w;
    usleep (100000);
  }
}

static void
set_verdicts (struct harness_env *env, struct case_result *r)
{
  const struct fc_phase *a = &r->fc.phase[FC_PHASE_FSYNCED];
  unsigned flushes_a = a->fsyncs + a->fdatasyncs + a->dsync_writes;
  size_t nl = strlen (r->note);

  if (r->fc.available)
    snprintf (r->method1, sizeof r->method1, "%s",
              flushes_a > 0 || r->fc.o_sync || r->fc.o_dsync ?
              "honoured" : "not-honoured");
  else {
    snprintf (r->method1, sizeof r->method1, "n/a");
    nl += snprintf (r->note + nl, sizeof r->note - nl,
                    "%sflush accounting unavailable: %s",
                    nl ? "; " : "", r->fc.why);
  }

  snprintf (r->method2, sizeof r->method2, "n/a");
  if (!env->lfs) {
    nl += snprintf (r->note + nl, sizeof r->note - nl, "%sno power cut: %s",
                    nl ? "; " : "", env->nofuse_why);
  }
  else if (r->cut_done) {
    if (r->writebacks > 0)
      nl += snprintf (r->note + nl, sizeof r->note - nl,
                      "%spower cut inconclusive: the model's cache overflowed "
                      "and wrote back", nl ? "; " : "");
    else
      snprintf (r->method2, sizeof r->method2, "%s",
                r->fsynced_bytes_lost == 0 ? "honoured" : "not-honoured");
    if (!r->unsynced_on_host)
      nl += snprintf (r->note + nl, sizeof r->note - nl,
                      "%scontrol: the unsynced data never reached the host",
                      nl ? "; " : "");
    if (r->fsck_status != 0)
      nl += snprintf (r->note + nl, sizeof r->note - nl,
                      "%se2fsck -fn after the cut: status %d", nl ? "; " : "",
                      r->fsck_status);
  }

  if (strcmp (r->method1, "n/a") == 0 && strcmp (r->method2, "n/a") == 0)
    snprintf (r->verdict, sizeof r->verdict, "error");
  else if (strcmp (r->method1, "n/a") == 0)
    snprintf (r->verdict, sizeof r->verdict, "%s", r->method2);
  else if (strcmp (r->method2, "n/a") == 0 ||
           strcmp (r->method1, r->method2) == 0)
    snprintf (r->verdict, sizeof r->verdict, "%s", r->method1);
  else {
    snprintf (r->verdict, sizeof r->verdict, "inconsistent");
    nl += snprintf (r->note + nl, sizeof r->note - nl,
                    "%sthe methods disagree: flush accounting says %s, the "
                    "power cut says %s", nl ? "; " : "", r->method1,
                    r->method2);
  }
  (void) nl;
}

/* One case's files and patterns. */
struct case_files {
  char dir[PATH_MAX];           /* the case's scratch dir */
  char img[PATH_MAX];           /* the image the hypervisor opens */
  char back_img[PATH_MAX];      /* the same file on the backing dir */
  char name[64];                /* its file name */
  char sline[128], uline[128];  /* the lines of the new patterns */
  char *want_s, *want_u;        /* the new patterns (synced, unsynced) */
  uint64_t map_s[PATTERN_BLOCKS], map_u[PATTERN_BLOCKS];
};

/* The result's labels and the case's paths.  UML's channel and disk
 * default to virtio and ubd.
 */
static void
case_name (const struct harness_env *env, const char *backend,
           const char **channel, const char **disk, const char *cache,
           const struct harness_kernel *k, size_t kindex,
           struct case_result *r, struct case_files *cf)
{
  char tag[40];

  memset (r, 0, sizeof *r);
  snprintf (r->backend, sizeof r->backend, "%s", backend);
  snprintf (r->guest_kernel, sizeof r->guest_kernel, "%s", k->label);
  snprintf (r->cache, sizeof r->cache, "%s", cache);
  snprintf (r->method1, sizeof r->method1, "n/a");
  snprintf (r->method2, sizeof r->method2, "n/a");
  r->fsck_status = -1;
  r->pattern_bytes = PATTERN_SIZE;

  /* A backend with channel and disk settings names its cases by them
   * (their defaults when not given).
   */
  if (harness_backend_varies (backend)) {
    if (!*channel)
      *channel = backend_setting_lookup (HARNESS_CHANNEL)->values[0];
    if (!*disk)
      *disk = backend_setting_lookup (HARNESS_DISK)->values[0];
    snprintf (r->channel, sizeof r->channel, "%s", *channel);
    snprintf (r->disk, sizeof r->disk, "%s", *disk);
    snprintf (r->label, sizeof r->label, "%s/%s/%s", backend, *channel,
              *disk);
    snprintf (tag, sizeof tag, "%s-%s-%s", backend, *channel, *disk);
  }
  else {
    snprintf (r->label, sizeof r->label, "%s", backend);
    snprintf (tag, sizeof tag, "%s", backend);
  }
  snprintf (cf->name, sizeof cf->name, "disk-%s-%s-k%zu.img", tag, cache,
            kindex);
  snprintf (r->image, sizeof r->image, "%s", cf->name);
  snprintf (cf->dir, sizeof cf->dir, "%s/%s-%s-k%zu", env->tmpdir, tag,
            cache, kindex);
  snprintf (cf->img, sizeof cf->img, "%s/%s", env->lfs ? env->mnt : cf->dir,
            cf->name);
  snprintf (cf->back_img, sizeof cf->back_img, "%s/%s",
            env->lfs ? env->backing : cf->dir, cf->name);
}

/* The image with the old patterns and its block maps, then the new
 * patterns the guest will write.
 */
static int
case_files_make (struct case_files *cf)
{
  if (mkdir (cf->dir, 0755) == -1) {
    gd_set_error_errno ("mkdir %s", cf->dir);
    return -1;
  }
  if (harness_image_make (cf->dir, cf->back_img) == -1 ||
      harness_image_block_map (cf->dir, cf->back_img, "synced.bin",
                               cf->map_s) == -1 ||
      harness_image_block_map (cf->dir, cf->back_img, "unsynced.bin",
                               cf->map_u) == -1)
    return -1;
  return 0;
}

static int
case_patterns_make (struct case_files *cf)
{
  /* Unique per run, so stale data can never pass for ours. */
  unsigned nonce = (unsigned) (gd_now_ns () ^ getpid ());

  snprintf (cf->sline, sizeof cf->sline, "guestdrv-fsync synced %08x", nonce);
  snprintf (cf->uline, sizeof cf->uline, "guestdrv-fsync unsynced %08x",
            nonce);
  cf->want_s = harness_pattern_make (cf->sline, PATTERN_SIZE);
  cf->want_u = harness_pattern_make (cf->uline, PATTERN_SIZE);
  if (!cf->want_s || !cf->want_u) {
    gd_set_error_errno ("malloc");
    return -1;
  }
  return 0;
}

/* A mode the backend refuses is a result, not a failure: 1 (R says
 * refused or unavailable, and why) if the launcher will not take it.
 */
static int
case_refused (const char *backend, const char *disk, const char *cache,
              const char *img, struct case_result *r)
{
  struct disk d = { .path = (char *) img, .format = (char *) "raw",
                    .cache = (char *) cache };
  struct launch_config cfg = { .disks = &d, .ndisks = 1 };
  char set[64];
  const char *sets[1] = { set };

  cfg.backend = launcher_parse_backend (backend);
  if (disk) {
    snprintf (set, sizeof set, "%s=%s", HARNESS_DISK, disk);
    cfg.settings = sets;
    cfg.nsettings = 1;
  }
  if (launcher_prepare (&cfg) == 0)
    return 0;
  /* A refusal of the mode names it; anything else is the backend. */
  snprintf (r->verdict, sizeof r->verdict, "%s",
            strstr (gd_get_error (), cache) ? "refused" : "unavailable");
  snprintf (r->note, sizeof r->note, "%s", gd_get_error ());
  return 1;
}

/* The appliance on IMG, launched and with /dev/sda mounted. */
static struct session *
case_launch (const char *backend, const char *channel, const char *disk,
             const char *cache, const struct harness_kernel *k,
             const char *img)
{
  struct session *s = session_new ();

  if (!s || session_set_backend (s, backend) == -1 ||
      session_add_drive (s, img, "raw", cache, false) == -1)
    goto err;
  session_set_timeouts (s, HARNESS_LAUNCH_TIMEOUT_MS, HARNESS_CALL_TIMEOUT_MS);
  if ((channel &&
       session_set_backend_setting (s, HARNESS_CHANNEL, channel) == -1) ||
      (disk && session_set_backend_setting (s, HARNESS_DISK, disk) == -1))
    goto err;
  if (k->path)
    session_set_kernel (s, k->path);
  if (session_launch (s) == -1) {
    gd_error_prefix ("launch");
    goto err;
  }
  if (harness_interrupted || harness_guest_mount (s) == -1)
    goto err;
  return s;
 err:
  session_free (s);
  return NULL;
}

/* The guest writes synced.bin with fsync, then unsynced.bin without,
 * each phase marked for the flush count.
 */
static int
case_guest_writes (struct session *s, struct flushcount *fc,
                   const struct case_files *cf, struct case_result *r)
{
  uint64_t t0 = gd_now_ns ();

  flushcount_mark (fc, FC_PHASE_FSYNCED);
  if (guest_write (s, cf->sline, "synced.bin", "conv=notrunc,fsync") == -1)
    return -1;
  r->guest_fsync_s = (gd_now_ns () - t0) / 1e9;
  /* The reply is the guest's word that synced.bin is durable. */
  flushcount_mark (fc, FC_PHASE_UNSYNCED);
  if (guest_write (s, cf->uline, "unsynced.bin",
                   "oflag=direct conv=notrunc") == -1)
    return -1;
  flushcount_mark (fc, FC_PHASE_AFTER);
  return 0;
}

/* After the hypervisor's death: the model's counters, what reached the
 * host before the cut, the cut, then the backing image read with host
 * tools only.
 */
static int
case_power_cut (struct lazyfs *l, const struct case_files *cf,
                struct case_result *r)
{
  char *st = NULL, *cut = NULL, dump[PATH_MAX];
  char *fsck[] = { (char *) "e2fsck", (char *) "-fn",
                   (char *) cf->back_img, NULL };
  char *out = NULL;
  uint64_t diff;

  settle (l, cf->name);
  if (lazyfs_ctl (l, "stats", &st) == 0) {
    lazyfs_field (st, cf->name, "dirty_bytes", &r->dirty_before_cut);
    lazyfs_field (st, cf->name, "fsyncs", &r->model_fsyncs);
    lazyfs_field (st, cf->name, "fdatasyncs", &r->model_fdatasyncs);
    lazyfs_field (st, cf->name, "sync_writes", &r->model_sync_writes);
    lazyfs_field (st, cf->name, "writebacks", &r->writebacks);
  }
  free (st);
  /* Before the cut, through the mount: did the data reach the host? */
  if (harness_image_read_compare (cf->img, cf->map_s, cf->want_s,
                                  &diff) == -1)
    return -1;
  r->fsynced_on_host = diff == 0;
  if (harness_image_read_compare (cf->img, cf->map_u, cf->want_u,
                                  &diff) == -1)
    return -1;
  r->unsynced_on_host = diff == 0;

  if (lazyfs_ctl (l, "cut", &cut) == -1)
    return -1;
  lazyfs_field (cut, cf->name, "bytes_lost", &r->cut_bytes_lost);
  free (cut);
  r->cut_done = true;

  r->fsck_status = harness_run_tool (fsck, &out);
  if (r->fsck_status != 0)
    gd_debug ("fsync", "e2fsck -fn %s: %s", cf->back_img, out ? out : "");
  free (out);
  snprintf (dump, sizeof dump, "%s/after-synced.bin", cf->dir);
  if (harness_image_dump_compare (cf->back_img, "synced.bin", dump,
                                  cf->want_s, &r->fsynced_bytes_lost) == -1)
    return -1;
  snprintf (dump, sizeof dump, "%s/after-unsynced.bin", cf->dir);
  return harness_image_dump_compare (cf->back_img, "unsynced.bin", dump,
                                     cf->want_u, &r->unsynced_bytes_lost);
}

int
harness_run_case (struct harness_env *env, const char *backend,
                  const char *channel, const char *disk, const char *cache,
                  const struct harness_kernel *k, size_t kindex,
                  struct case_result *r)
{
  struct case_files cf = { .want_s = NULL };
  struct session *s = NULL;
  struct flushcount *fc = NULL;
  /* A UML kernel runs its processes under its own ptrace. */
  bool ptraces = backend_lookup (backend)->appliance == APPLIANCE_UML;
  bool vblk;
  pid_t pid = -1, helper = -1;
  int ret = -1;

  case_name (env, backend, &channel, &disk, cache, k, kindex, r, &cf);
  vblk = disk && strcmp (disk, "vhost-user") == 0;
  if (case_files_make (&cf) == -1)
    goto error;
  if (case_refused (backend, disk, cache, cf.img, r))
    return 0;
  if (case_patterns_make (&cf) == -1 ||
      (s = case_launch (backend, channel, disk, cache, k, cf.img)) == NULL)
    goto error;
  pid = hv_pid (session_hv (s));
  helper = hv_helper_pid (session_hv (s));
  if (env->lfs)
    lazyfs_ctl (env->lfs, "reset-counters", NULL);
  /* With vhost-user disks qemu-storage-daemon (threaded, like qemu)
   * does the image's I/O, not UML.
   */
  if (vblk)
    fc = flushcount_start (helper, cf.img, cf.dir, true);
  else
    fc = flushcount_start (pid, cf.img, cf.dir, !ptraces);
  if (case_guest_writes (s, fc, &cf, r) == -1)
    goto error;

  kill_hypervisor (pid);
  if (helper > 0)
    kill_hypervisor (helper);   /* the power cut takes the disk server too */
  pid = helper = -1;
  flushcount_finish (fc, &r->fc);
  fc = NULL;
  if (env->lfs && case_power_cut (env->lfs, &cf, r) == -1)
    goto error;
  session_free (s);
  s = NULL;
  set_verdicts (env, r);
  ret = 0;
  goto out;

 error:
  if (pid > 0)
    kill_hypervisor (pid);
  if (helper > 0)
    kill_hypervisor (helper);
  if (fc) {
    flushcount_finish (fc, &r->fc);
    fc = NULL;
  }
  snprintf (r->verdict, sizeof r->verdict, "error");
  snprintf (r->note, sizeof r->note, "%s",
            harness_interrupted ? "interrupted" : gd_get_error ());
  session_free (s);
  s = NULL;
 out:
  free (cf.want_s);
  free (cf.want_u);
  return ret;
}
