/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One benchmark run through stock libguestfs, the peer: a guestfish
 * script doing what self.c does, with host-side time marks
 * (`!date +GDMARK:X:%s%N`) around the launch, the timed part and the
 * shutdown, so the launch is excluded exactly as for guestdrv.
 *
 * guestfish runs in its own process group; Ctrl-C (the handler in
 * run.c) kills that group.  Anything still running with this run's
 * image on its command line afterwards (a qemu libguestfs moved to
 * another group) is killed by pid.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "run.h"
#include "../common/run.h"
#include "../common/clock.h"
#include "../common/error.h"

const char *const peer_method_note =
  "libguestfs (peer): guestfish -f SCRIPT with LIBGUESTFS_BACKEND=direct "
  "and, on tcg, LIBGUESTFS_BACKEND_SETTINGS=force_tcg (KVM does not work "
  "here); its timed part lies between two `!date` host marks in the "
  "script, so each sample includes one shell+date spawn (~2 ms); "
  "libguestfs has no UML backend and only cachemode writeback|unsafe";

/* The longest one peer run may take (a 500 MB upload on TCG). */
#define PEER_TIMEOUT_S (60 * 60)
#define OUTPUT_MAX (16 * 1024 * 1024)

int
peer_available (void)
{
  return chart_gnuplot_available ("guestfish");
}

static void
mark (FILE *fp, const char *name)
{
  fprintf (fp, "!date +GDMARK:%s:%%s%%N\n", name);
}

/* The guestfish script of RUN: what self.c does, from the same row (and
 * the same timed part, bench/ops.c), with the time marks.
 */
static int
write_script (const struct bench_run *run, const char *path,
              const char *format)
{
  const struct bench_scenario *sc = run->sc;
  FILE *fp = fopen (path, "we");

  if (fp == NULL) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  fprintf (fp, "add-drive %s format:%s cachemode:%s\n", run->image, format,
           run->cache);
  if (sc->payload == PAYLOAD_DISK)
    fprintf (fp, "add-drive %s format:raw readonly:true cachemode:%s\n",
             run->payload, run->cache);
  mark (fp, "L0");
  fprintf (fp, "run\n");
  mark (fp, "L1");
  if (sc->fs) {
    fprintf (fp, "part-disk /dev/sda mbr\n");
    fprintf (fp, "mkfs %s /dev/sda1\n", sc->fs);
    if (sc->mount_options)
      fprintf (fp, "mount-options %s /dev/sda1 /\n", sc->mount_options);
    else
      fprintf (fp, "mount /dev/sda1 /\n");
    if (sc->null_node)
      fprintf (fp, "mknod-c 0666 1 3 %s\n", sc->null_node);
    fprintf (fp, "sync\n!sync\n");
    mark (fp, "T0");
    if (sc->op->peer (fp, sc, run) == -1) {
      fclose (fp);
      return -1;
    }
    mark (fp, "T1");
    fprintf (fp, "sync\n");
  }
  mark (fp, "S0");
  fprintf (fp, "shutdown\n");
  mark (fp, "S1");
  fprintf (fp, "!sync\n");
  if (fclose (fp) == EOF) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  return 0;
}

/* Kill (by pid) every process of ours whose command line mentions
 * NEEDLE: a hypervisor libguestfs left behind.
 */
static void
kill_strays (const char *needle)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  pid_t self = getpid ();

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL) {
    char path[64], buf[8192];
    pid_t pid = atoi (e->d_name);
    ssize_t n, i;
    int fd;

    if (pid <= 0 || pid == self)
      continue;
    snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
    fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
      continue;
    n = read (fd, buf, sizeof buf - 1);
    close (fd);
    if (n <= 0)
      continue;
    for (i = 0; i < n; i++)
      if (buf[i] == '\0')
        buf[i] = ' ';
    buf[n] = '\0';
    if (strstr (buf, needle))
      kill (pid, SIGKILL);
  }
  closedir (d);
}

/* Run guestfish on SCRIPT; *OUT gets its stdout+stderr (the tail if
 * huge).  Returns the exit status, or -1 (error set: interrupted, timed
 * out, could not start).
 */
static int
run_guestfish (const char *script, const char *tmpdir,
               const char *settings, char **out)
{
  char *argv[] = { "guestfish", "-f", (char *) script, NULL };
  char *tmpenv = NULL, *setenv_ = NULL, *env[5];
  size_t n = 0;
  struct gd_run_opts o = {
    .spawn = { .argv = argv, .env_add = env },
    .timeout_ms = PEER_TIMEOUT_S * 1000,
    .interrupt = &bench_interrupted, .pgid = &bench_peer_pgid,
    .output_max = OUTPUT_MAX,
  };
  struct gd_run_result r;
  int ret;

  *out = NULL;
  if (asprintf (&tmpenv, "TMPDIR=%s", tmpdir) == -1) {
    gd_set_error_errno ("guestfish: asprintf");
    return -1;
  }
  if (settings && *settings &&
      asprintf (&setenv_, "LIBGUESTFS_BACKEND_SETTINGS=%s", settings) == -1) {
    gd_set_error_errno ("guestfish: asprintf");
    free (tmpenv);
    return -1;
  }
  env[n++] = "LIBGUESTFS_BACKEND=direct";
  env[n++] = setenv_ ? setenv_ : "LIBGUESTFS_BACKEND_SETTINGS";  /* unset */
  /* Run files in our scratch dir; keep the appliance cache where it
   * normally lives so it is built once, not per run.
   */
  if (getenv ("LIBGUESTFS_CACHEDIR") == NULL)
    env[n++] = "LIBGUESTFS_CACHEDIR=/var/tmp";
  env[n++] = tmpenv;
  env[n] = NULL;
  ret = gd_run_ex (&o, &r);
  free (tmpenv);
  free (setenv_);
  *out = r.output;
  if (ret == -1)
    return -1;
  if (WIFSIGNALED (r.status)) {
    gd_set_error ("guestfish: killed by signal %d", WTERMSIG (r.status));
    return -1;
  }
  return WEXITSTATUS (r.status);
}

/* The value of mark NAME in OUT, ns since the epoch; 0 if absent. */
static uint64_t
find_mark (const char *out, const char *name)
{
  char key[32];
  const char *p;

  snprintf (key, sizeof key, "GDMARK:%s:", name);
  p = strstr (out, key);
  if (p == NULL)
    return 0;
  return strtoull (p + strlen (key), NULL, 10);
}

/* The last few lines of OUT, for an error message. */
static const char *
tail_lines (const char *out, int lines)
{
  const char *p = out + strlen (out);

  while (p > out && (p[-1] == '\n' || p[-1] == ' '))
    p--;
  while (p > out && lines > 0)
    if (*--p == '\n')
      lines--;
  return *p == '\n' ? p + 1 : p;
}

int
peer_run (const struct bench_run *run, struct bench_sample *out)
{
  char *script = NULL, *tmp = NULL, *output = NULL;
  const char *fmt;
  uint64_t w0 = gd_now_ns (), l0, l1, t0, t1, s0, s1;
  int r = -1, st;

  out->seconds = out->launch_s = out->shutdown_s = -1;
  out->channel_MBps = -1;
  if (asprintf (&script, "%s/peer.gf", run->tmpdir) == -1 ||
      asprintf (&tmp, "%s/peer-tmp", run->tmpdir) == -1) {
    gd_set_error_errno ("asprintf");
    goto out;
  }
  if (mkdir (tmp, 0700) == -1 && errno != EEXIST) {
    gd_set_error_errno ("%s", tmp);
    goto out;
  }
  if (workdir_make_image (run->sc, run->image, run->image_size,
                          &fmt) == -1 ||
      write_script (run, script, fmt) == -1)
    goto out;
  workdir_host_sync ();
  st = run_guestfish (script, tmp,
                      backend_lookup (run->backend)->libguestfs_settings,
                      &output);
  kill_strays (run->image);
  if (st == -1)
    goto out;
  if (st != 0) {
    gd_set_error ("guestfish exit %d: %s", st, tail_lines (output, 4));
    goto out;
  }
  l0 = find_mark (output, "L0");
  l1 = find_mark (output, "L1");
  s0 = find_mark (output, "S0");
  s1 = find_mark (output, "S1");
  if (!l0 || !l1 || !s0 || !s1 || l1 < l0 || s1 < s0) {
    gd_set_error ("guestfish: time marks missing: %s", tail_lines (output, 4));
    goto out;
  }
  out->launch_s = (l1 - l0) / 1e9;
  out->shutdown_s = (s1 - s0) / 1e9;
  if (!run->sc->fs)
    out->seconds = out->launch_s + out->shutdown_s;
  else {
    t0 = find_mark (output, "T0");
    t1 = find_mark (output, "T1");
    if (!t0 || !t1 || t1 < t0) {
      gd_set_error ("guestfish: timed-part marks missing: %s",
                    tail_lines (output, 4));
      goto out;
    }
    out->seconds = (t1 - t0) / 1e9;
  }
  r = 0;

 out:
  if (script)
    unlink (script);
  if (tmp)
    workdir_remove (tmp);
  unlink (run->image);
  free (output);
  free (script);
  free (tmp);
  out->wall_s = (gd_now_ns () - w0) / 1e9;
  return r;
}
