/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running gnuplot on the chart script (see chart.h): found in $PATH,
 * run by common/run.c bounded by a timeout, the tail of its output kept
 * for the error message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "chart.h"
#include "../common/error.h"
#include "../common/run.h"

int
chart_gnuplot_available (const char *prog)
{
  const char *path = getenv ("PATH"), *p;

  if (prog == NULL)
    prog = "gnuplot";
  if (strchr (prog, '/'))
    return access (prog, X_OK) == 0;
  if (path == NULL)
    path = "/usr/bin:/bin";
  for (p = path; ; ) {
    size_t len = strcspn (p, ":");
    char buf[4096];

    snprintf (buf, sizeof buf, "%.*s/%s", (int) (len ? len : 1),
              len ? p : ".", prog);
    if (access (buf, X_OK) == 0)
      return 1;
    if (p[len] == '\0')
      return 0;
    p += len + 1;
  }
}

/* Run PROG CHART_SCRIPT_NAME in OUTDIR within TIMEOUT_S seconds. */
static int
run_gnuplot (const char *prog, const char *outdir, double timeout_s)
{
  char *argv[] = { (char *) prog, (char *) CHART_SCRIPT_NAME, NULL };
  struct gd_run_opts o = {
    .spawn = { .argv = argv, .cwd = outdir },
    .timeout_ms = (int) (timeout_s * 1000),
    .output_max = 1023,         /* the tail for the error message */
  };
  struct gd_run_result r;
  int ret = -1;

  if (gd_run_ex (&o, &r) == -1) {
    if (r.exec_errno == ENOENT)
      gd_set_error ("chart: %s not found: install gnuplot (Debian/Ubuntu: "
                    "apt-get install gnuplot-nox) to get PNG charts; the "
                    "script is in %s/" CHART_SCRIPT_NAME, prog, outdir);
    else if (r.exec_errno) {
      errno = r.exec_errno;
      gd_set_error_errno ("chart: cannot run %s in %s", prog, outdir);
    }
    else if (r.timed_out)
      gd_set_error ("chart: %s did not finish within %g s and was killed; "
                    "rerun it by hand in %s to see why", prog, timeout_s,
                    outdir);
    else
      gd_error_prefix ("chart: %s", prog);
    errno = r.exec_errno ? r.exec_errno : r.timed_out ? ETIMEDOUT : errno;
    goto out;
  }
  if (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 0)
    ret = 0;
  else {
    size_t len = r.output ? r.output_len : 0;

    while (len > 0 && r.output[len - 1] == '\n')
      r.output[--len] = '\0';
    errno = EPROTO;
    if (WIFEXITED (r.status))
      gd_set_error ("chart: %s %s/" CHART_SCRIPT_NAME " failed (exit %d): %s",
                    prog, outdir, WEXITSTATUS (r.status),
                    len ? r.output : "no output");
    else
      gd_set_error ("chart: %s %s/" CHART_SCRIPT_NAME " killed by signal %d",
                    prog, outdir, WTERMSIG (r.status));
  }
 out:
  free (r.output);
  return ret;
}

int
chart_write (const struct bench_results *r, const char *outdir,
             const struct chart_options *opt)
{
  const char *prog = opt && opt->gnuplot ? opt->gnuplot : "gnuplot";
  double timeout_s = opt && opt->timeout_s > 0 ? opt->timeout_s
    : CHART_DEFAULT_TIMEOUT_S;

  if (chart_write_script (r, outdir) == -1)
    return -1;
  return run_gnuplot (prog, outdir, timeout_s);
}

