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

#define LAUNCH_TIMEOUT_MS 240000
#define CALL_TIMEOUT_MS 120000

static int
guest_mount (struct session *s)
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
    nl += snprintf (r->note + nl, sizeof r->note - nl, "%sflush accounting unavailable: %s",
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
                    "power cut says %s", nl ? "; " : "", r->method1, r->method2);
  }
  (void) nl;
}

int
harness_run_case (struct harness_env *env, const char *backend,
                  const char *channel, const char *disk, const char *cache, const struct harness_kernel *k,
                  size_t kindex, struct case_result *r)
{
  char dir[PATH_MAX], img[PATH_MAX], back_img[PATH_MAX], name[64];
  char sline[128], uline[128], dump[PATH_MAX];
  char *want_s = NULL, *want_u = NULL;
  uint64_t map_s[PATTERN_BLOCKS], map_u[PATTERN_BLOCKS];
  struct session *s = NULL;
  struct flushcount *fc = NULL;
  struct disk d;
  struct launch_config cfg;
  bool is_uml = strcmp (backend, "uml") == 0;
  bool vblk = is_uml && disk && strcmp (disk, "vhost-user") == 0;
  char tag[40];
  pid_t pid, helper = -1;
  int ret = -1;

  memset (r, 0, sizeof *r);
  snprintf (r->backend, sizeof r->backend, "%s", backend);
  snprintf (r->guest_kernel, sizeof r->guest_kernel, "%s", k->label);
  snprintf (r->cache, sizeof r->cache, "%s", cache);
  snprintf (r->method1, sizeof r->method1, "n/a");
  snprintf (r->method2, sizeof r->method2, "n/a");
  r->fsck_status = -1;
  r->pattern_bytes = PATTERN_SIZE;

  if (is_uml) {
    if (!channel)
      channel = "virtio";
    if (!disk)
      disk = "ubd";
    snprintf (r->channel, sizeof r->channel, "%s", channel);
    snprintf (r->disk, sizeof r->disk, "%s", disk);
    snprintf (r->label, sizeof r->label, "uml/%s/%s", channel, disk);
    snprintf (tag, sizeof tag, "uml-%s-%s", channel, disk);
  }
  else {
    snprintf (r->label, sizeof r->label, "%s", backend);
    snprintf (tag, sizeof tag, "%s", backend);
  }
  snprintf (name, sizeof name, "disk-%s-%s-k%zu.img", tag, cache, kindex);
  snprintf (r->image, sizeof r->image, "%s", name);
  snprintf (dir, sizeof dir, "%s/%s-%s-k%zu", env->tmpdir, tag, cache, kindex);
  snprintf (img, sizeof img, "%s/%s", env->lfs ? env->mnt : dir, name);
  snprintf (back_img, sizeof back_img, "%s/%s", env->lfs ? env->backing : dir, name);
  if (mkdir (dir, 0755) == -1) {
    gd_set_error_errno ("mkdir %s", dir);
    goto error;
  }
  if (harness_image_make (dir, back_img) == -1 ||
      harness_image_block_map (dir, back_img, "synced.bin", map_s) == -1 ||
      harness_image_block_map (dir, back_img, "unsynced.bin", map_u) == -1)
    goto error;

  /* A mode the backend refuses is a result, not a failure. */
  d = (struct disk) { .path = img, .format = (char *) "raw",
                      .cache = (char *) cache };
  cfg = (struct launch_config) { .disks = &d, .ndisks = 1 };
  cfg.backend = launcher_parse_backend (backend);
  if (is_uml)
    cfg.uml_disk = vblk ? UML_DISK_VHOST_USER : UML_DISK_UBD;
  if (launcher_prepare (&cfg) == -1) {
    /* A refusal of the mode names it; anything else is the backend. */
    snprintf (r->verdict, sizeof r->verdict, "%s",
              strstr (gd_get_error (), cache) ? "refused" : "unavailable");
    snprintf (r->note, sizeof r->note, "%s", gd_get_error ());
    return 0;
  }

  {
    /* Unique per run, so stale data can never pass for ours. */
    unsigned nonce = (unsigned) (gd_now_ns () ^ getpid ());
    snprintf (sline, sizeof sline, "guestdrv-fsync synced %08x", nonce);
    snprintf (uline, sizeof uline, "guestdrv-fsync unsynced %08x", nonce);
  }
  want_s = harness_pattern_make (sline, PATTERN_SIZE);
  want_u = harness_pattern_make (uline, PATTERN_SIZE);
  if (!want_s || !want_u) {
    gd_set_error_errno ("malloc");
    goto error;
  }

  s = session_new ();
  if (!s || session_set_backend (s, backend) == -1 ||
      session_add_drive (s, img, "raw", cache, false) == -1)
    goto error;
  session_set_timeouts (s, LAUNCH_TIMEOUT_MS, CALL_TIMEOUT_MS);
  if (is_uml) {
    session_set_uml_channel (s, strcmp (channel, "serial") == 0
                             ? UML_CHANNEL_SERIAL : UML_CHANNEL_VIRTIO);
    session_set_uml_disk (s, vblk ? UML_DISK_VHOST_USER : UML_DISK_UBD);
  }
  if (k->path)
    session_set_kernel (s, k->path);
  if (session_launch (s) == -1) {
    gd_error_prefix ("launch");
    goto error;
  }
  if (harness_interrupted)
    goto error;
  pid = hv_pid (session_hv (s));
  helper = hv_helper_pid (session_hv (s));
  if (guest_mount (s) == -1)
    goto error;
  if (env->lfs)
    lazyfs_ctl (env->lfs, "reset-counters", NULL);
  /* With vhost-user disks qemu-storage-daemon (threaded, like qemu)
   * does the image's I/O, not UML.
   */
  if (vblk)
    fc = flushcount_start (helper, img, dir, true);
  else
    fc = flushcount_start (pid, img, dir, !is_uml);

  flushcount_mark (fc, FC_PHASE_FSYNCED);
  {
    uint64_t t0 = gd_now_ns ();
    if (guest_write (s, sline, "synced.bin", "conv=notrunc,fsync") == -1)
      goto error_kill;
    r->guest_fsync_s = (gd_now_ns () - t0) / 1e9;
  }
  /* The reply is the guest's word that synced.bin is durable. */
  flushcount_mark (fc, FC_PHASE_UNSYNCED);
  if (guest_write (s, uline, "unsynced.bin", "oflag=direct conv=notrunc") == -1)
    goto error_kill;
  flushcount_mark (fc, FC_PHASE_AFTER);

  kill_hypervisor (pid);
  if (helper > 0)
    kill_hypervisor (helper);   /* the power cut takes the disk server too */
  flushcount_finish (fc, &r->fc);
  fc = NULL;

  if (env->lfs) {
    char *st = NULL, *cut = NULL;
    uint64_t diff;

    settle (env->lfs, name);
    if (lazyfs_ctl (env->lfs, "stats", &st) == 0) {
      lazyfs_field (st, name, "dirty_bytes", &r->dirty_before_cut);
      lazyfs_field (st, name, "fsyncs", &r->model_fsyncs);
      lazyfs_field (st, name, "fdatasyncs", &r->model_fdatasyncs);
      lazyfs_field (st, name, "sync_writes", &r->model_sync_writes);
      lazyfs_field (st, name, "writebacks", &r->writebacks);
    }
    free (st);
    /* Before the cut, through the mount: did the data reach the host? */
    if (harness_image_read_compare (img, map_s, want_s, &diff) == -1)
      goto error;
    r->fsynced_on_host = diff == 0;
    if (harness_image_read_compare (img, map_u, want_u, &diff) == -1)
      goto error;
    r->unsynced_on_host = diff == 0;

    if (lazyfs_ctl (env->lfs, "cut", &cut) == -1)
      goto error;
    lazyfs_field (cut, name, "bytes_lost", &r->cut_bytes_lost);
    free (cut);
    r->cut_done = true;

    /* After the cut, on the backing file, with host tools only. */
    {
      char *fsck[] = { (char *) "e2fsck", (char *) "-fn", back_img, NULL };
      char *out = NULL;
      r->fsck_status = harness_run_tool (fsck, &out);
      if (r->fsck_status != 0)
        gd_debug ("fsync", "e2fsck -fn %s: %s", back_img, out ? out : "");
      free (out);
    }
    snprintf (dump, sizeof dump, "%s/after-synced.bin", dir);
    if (harness_image_dump_compare (back_img, "synced.bin", dump, want_s,
                          &r->fsynced_bytes_lost) == -1)
      goto error;
    snprintf (dump, sizeof dump, "%s/after-unsynced.bin", dir);
    if (harness_image_dump_compare (back_img, "unsynced.bin", dump, want_u,
                          &r->unsynced_bytes_lost) == -1)
      goto error;
  }
  session_free (s);
  s = NULL;
  set_verdicts (env, r);
  ret = 0;
  goto out;

 error_kill:
  kill_hypervisor (hv_pid (session_hv (s)));
  if (helper > 0)
    kill_hypervisor (helper);
 error:
  if (fc) {
    flushcount_finish (fc, &r->fc);
    fc = NULL;
  }
  snprintf (r->verdict, sizeof r->verdict, "error");
  snprintf (r->note, sizeof r->note, "%s",
            harness_interrupted ? "interrupted" : gd_get_error ());
  session_free (s);
  s = NULL;
  ret = -1;
 out:
  free (want_s);
  free (want_u);
  return ret;
}

