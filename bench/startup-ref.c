/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The startup scenario's whole-process rows (see startup-ref.h): what a
 * user waits for, and the physical limit beside it.
 *
 *   guestdrv-process    guestdrv --backend B -a IMAGE -- ping-daemon
 *   libguestfs-process  guestfish -a IMAGE run : ping-daemon (direct
 *                       backend, force_tcg on tcg); not on uml
 *   bare-boot           the same kernel and hypervisor booted bare to its
 *                       panic (root=/dev/nonexist): qemu with the bzImage
 *                       and its default firmware, or linux.uml
 *
 * Each is one child process timed from fork to exit, in its own process
 * group (killed on Ctrl-C or after REF_TIMEOUT_S).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "startup-ref.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../common/text.h"

#define REF_TIMEOUT_S 600
#define REF_OUTPUT_MAX (64 * 1024)      /* the tail is kept */

const char *const startup_ref_tools[STARTUP_REF_NTOOLS] = {
  STARTUP_REF_SELF, STARTUP_REF_PEER, STARTUP_REF_BARE,
};

const char *const startup_ref_note =
  "startup whole-process rows: guestdrv-process = `guestdrv --backend B "
  "-a IMAGE -- ping-daemon`, libguestfs-process = `guestfish -a IMAGE "
  "run : ping-daemon` (direct backend, force_tcg on tcg), bare-boot = "
  "the same kernel booted bare to its panic (qemu: `-machine accel=B -m "
  "512 -nodefaults -nographic -serial stdio -kernel /boot/vmlinuz-V "
  "-append 'console=ttyS0 panic=-1 root=/dev/nonexist' -no-reboot`, "
  "default firmware; uml: `linux.uml (or the group's --kernel) mem=256M root=/dev/nonexist "
  "panic=-1 con=null con0=fd:0,fd:1`, plus uml_dir= in the scratch dir); each timed from fork to exit, "
  "interleaved with the other rows run by run";

/* Run ARGV with ENV_ADD set, stdin on /dev/null, stdout+stderr captured
 * into *OUT (malloc'd tail).  *SECONDS gets fork-to-exit time, *STATUS
 * the wait status.  0, or -1 (error set: could not start, interrupted,
 * timed out).
 */
static int
ref_spawn (char *const argv[], char *const env_add[], char **out,
           double *seconds, int *status)
{
  struct gd_run_opts o = {
    .spawn = { .argv = argv, .env_add = env_add },
    .timeout_ms = REF_TIMEOUT_S * 1000,
    .interrupt = &bench_interrupted, .pgid = &bench_peer_pgid,
    .output_max = REF_OUTPUT_MAX,
  };
  struct gd_run_result r;
  int ret = gd_run_ex (&o, &r);

  *out = r.output;
  *seconds = r.seconds;
  *status = r.status;
  return ret;
}

/* The target of guestdrv / bare boot for case BACKEND (the launcher's
 * table); 1.0 for a case named otherwise.
 */
static double
bare_target (const char *label)
{
  /* A group's label is BACKEND[-CHANNEL][-DISK][:KERNEL][:bare]. */
  char name[16];
  const struct backend *b;

  snprintf (name, sizeof name, "%.*s", (int) strcspn (label, ":-"), label);
  b = backend_lookup (name);

  return b ? b->bare_boot_target : 1.0;
}

int
startup_ref_run (const char *tool, const struct bench_run *run,
                 const char *kernel_version, double *seconds)
{
  char *argv[32], *env[4] = { NULL }, *out = NULL;
  char accel[64], kernel[512], tmpenv[4200], umldir[4200];
  const char *fmt;
  const struct backend *b = backend_lookup (run->backend);
  int kvm = b->kind == BACKEND_KVM;
  /* Booted bare, a UML kernel is a host program, a qemu one a bzImage. */
  int uml = b->appliance == APPLIANCE_UML;
  int bare = strcmp (tool, STARTUP_REF_BARE) == 0;
  int n = 0, status = 0, r = -1;
  size_t len;

  *seconds = -1;
  if (!bare && workdir_make_image (run->sc, run->image,
                                   run->image_size, &fmt) == -1)
    return -1;
  if (strcmp (tool, STARTUP_REF_SELF) == 0) {
    argv[n++] = (char *) "/proc/self/exe";
    argv[n++] = (char *) "--backend";
    argv[n++] = (char *) run->backend;
    if (run->kernel) {
      argv[n++] = (char *) "--kernel";
      argv[n++] = (char *) run->kernel;
    }
    argv[n++] = (char *) "--format";
    argv[n++] = (char *) fmt;
    argv[n++] = (char *) "-a";
    argv[n++] = (char *) run->image;
    argv[n++] = (char *) "--";
    argv[n++] = (char *) "ping-daemon";
  }
  else if (strcmp (tool, STARTUP_REF_PEER) == 0) {
    static char be[] = "LIBGUESTFS_BACKEND=direct";
    static char settings[128];
    static char cachedir[] = "LIBGUESTFS_CACHEDIR=/var/tmp";
    int e = 0;

    env[e++] = be;
    if (b->libguestfs_settings && *b->libguestfs_settings) {
      snprintf (settings, sizeof settings, "LIBGUESTFS_BACKEND_SETTINGS=%s",
                b->libguestfs_settings);
      env[e++] = settings;
    }
    if (getenv ("LIBGUESTFS_CACHEDIR") == NULL)
      env[e++] = cachedir;
    argv[n++] = (char *) "guestfish";
    argv[n++] = (char *) (strcmp (fmt, "raw") == 0 ? "--format=raw"
                          : "--format=qcow2");
    argv[n++] = (char *) "-a";
    argv[n++] = (char *) run->image;
    argv[n++] = (char *) "run";
    argv[n++] = (char *) ":";
    argv[n++] = (char *) "ping-daemon";
  }
  else if (uml) {
    /* The same kernel as guestdrv's row of this group. */
    argv[n++] = (char *) (run->kernel ? run->kernel : "/usr/bin/linux.uml");
    argv[n++] = (char *) "mem=256M";
    argv[n++] = (char *) "root=/dev/nonexist";
    argv[n++] = (char *) "panic=-1";
    argv[n++] = (char *) "con=null";
    argv[n++] = (char *) "con0=fd:0,fd:1";
    /* A panicking UML leaves its umid directory behind (default under
     * ~/.uml): keep it in the bench's scratch dir, removed at the end.
     */
    snprintf (umldir, sizeof umldir, "uml_dir=%s", run->tmpdir);
    argv[n++] = umldir;
    snprintf (tmpenv, sizeof tmpenv, "TMPDIR=%s", run->tmpdir);
    env[0] = tmpenv;
  }
  else {
    snprintf (accel, sizeof accel, "accel=%s", kvm ? "kvm" : "tcg");
    if (run->kernel)
      snprintf (kernel, sizeof kernel, "%s", run->kernel);
    else
      snprintf (kernel, sizeof kernel, "/boot/vmlinuz-%s", kernel_version);
    /* The qemu guestdrv runs (launcher: $GUESTDRV_QEMU or the default). */
    argv[n++] = (char *) (getenv ("GUESTDRV_QEMU") && *getenv ("GUESTDRV_QEMU")
                          ? getenv ("GUESTDRV_QEMU") : "qemu-system-x86_64");
    argv[n++] = (char *) "-machine";
    argv[n++] = accel;
    argv[n++] = (char *) "-m";
    argv[n++] = (char *) "512";
    argv[n++] = (char *) "-nodefaults";
    argv[n++] = (char *) "-nographic";
    argv[n++] = (char *) "-serial";
    argv[n++] = (char *) "stdio";
    argv[n++] = (char *) "-kernel";
    argv[n++] = kernel;
    argv[n++] = (char *) "-append";
    argv[n++] = (char *) "console=ttyS0 panic=-1 root=/dev/nonexist";
    argv[n++] = (char *) "-no-reboot";
  }
  argv[n] = NULL;

  if (ref_spawn (argv, env, &out, seconds, &status) == -1)
    goto out;
  if (bare) {
    /* The reference ends at the kernel's panic (qemu exits, UML aborts);
     * anything else did not measure a boot.
     */
    if (strstr (out, "Kernel panic") == NULL) {
      const char *l = gd_last_line (out, strlen (out), &len);
      gd_set_error ("%s: no kernel panic in its output (status 0x%x): %.*s",
                    argv[0], status, (int) len, l);
      goto out;
    }
  }
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    const char *l = gd_last_line (out, strlen (out), &len);
    gd_set_error ("%s: failed (status 0x%x): %.*s", tool, status, (int) len,
                  l);
    goto out;
  }
  r = 0;
 out:
  if (r == -1)
    *seconds = -1;
  if (!bare)
    unlink (run->image);
  free (out);
  return r;
}

/* Median of case C, or -1. */
static double
ref_median (const struct bench_results *r, const struct bench_case *c)
{
  struct stats_summary s;

  if (c == NULL || c->status != BENCH_OK ||
      results_case_summary (r, c, &s) == -1)
    return -1;
  return s.median;
}

int
startup_ref_write_ratios (const struct bench_results *r, FILE *fp)
{
  for (size_t i = 0; i < r->ncases; i++) {
    const struct bench_case *c = r->cases[i];
    const struct bench_scenario *sc = bench_scenario_find (c->scenario);
    double self, peer, bare;

    /* The rows run beside a launch-only scenario (startup). */
    if (!sc || sc->fs || strcmp (c->tool, STARTUP_REF_SELF) != 0)
      continue;
    self = ref_median (r, c);
    peer = ref_median (r, results_find_case (r, c->scenario, c->backend,
                                             c->cache, STARTUP_REF_PEER));
    bare = ref_median (r, results_find_case (r, c->scenario, c->backend,
                                             c->cache, STARTUP_REF_BARE));
    fprintf (fp, "startup (%s), whole process, medians:", c->backend);
    if (self < 0) {
      fprintf (fp, " guestdrv: no result\n");
      continue;
    }
    fprintf (fp, " guestdrv %.2f s", self);
    if (peer > 0)
      fprintf (fp, ", libguestfs %.2f s", peer);
    if (bare > 0)
      fprintf (fp, ", bare boot %.2f s", bare);
    if (peer > 0)
      fprintf (fp, "; guestdrv/libguestfs %.2fx (target <= 0.35x)",
               self / peer);
    /* A case of another kernel (uml:guestdrv): its bare boot is its
     * own, and its target is against the packaged kernel's case (uml).
     */
    const char *colon = strchr (c->backend, ':');
    if (colon && strncmp (colon + 1, "bare", 4) != 0) {
      char stock[64];
      double s;

      snprintf (stock, sizeof stock, "%.*s", (int) (colon - c->backend),
                c->backend);
      s = ref_median (r, results_find_case (r, c->scenario, stock, c->cache,
                                            STARTUP_REF_SELF));
      if (bare > 0)
        fprintf (fp, "; guestdrv/bare boot %.2fx", self / bare);
      if (s > 0)
        fprintf (fp, "; guestdrv/%s with the packaged kernel %.2fx "
                 "(target <= 0.50x)", stock, self / s);
    }
    else if (bare > 0)
      fprintf (fp, "; guestdrv/bare boot %.2fx (target <= %.2fx)",
               self / bare, bare_target (c->backend));
    fputc ('\n', fp);
  }
  return ferror (fp) ? -1 : 0;
}
