/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The results model: cases, samples, extra figures and the method block
 * (see results.h).  The writers live in report.c and export.c.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "results.h"
#include "../common/error.h"
#include "../launcher/launcher.h"

struct bench_results *
results_new (unsigned runs, unsigned warmup)
{
  struct bench_results *r;

  if (runs == 0 || warmup >= runs) {
    errno = EINVAL;
    gd_set_error ("bench: %u run%s with %u warm-up: at least one run must "
                  "remain after the warm-up is discarded",
                  runs, runs == 1 ? "" : "s", warmup);
    return NULL;
  }
  r = calloc (1, sizeof *r);
  if (r == NULL) {
    gd_set_error_errno ("bench: calloc");
    return NULL;
  }
  r->method.runs = runs;
  r->method.warmup = warmup;
  return r;
}

static void
case_free (struct bench_case *c)
{
  size_t i;

  if (c == NULL)
    return;
  free (c->scenario);
  free (c->backend);
  free (c->cache);
  free (c->channel);
  free (c->disk);
  free (c->tool);
  free (c->samples);
  for (i = 0; i < c->nextras; i++)
    free (c->extras[i].key);
  free (c->extras);
  free (c->reason);
  free (c);
}

void
results_free (struct bench_results *r)
{
  size_t i;

  if (r == NULL)
    return;
  for (i = 0; i < r->ncases; i++)
    case_free (r->cases[i]);
  free (r->cases);
  free (r->method.image);
  free (r->method.kernel);
  free (r->method.cpu);
  free (r->method.date);
  free (r);
}

void
results_set_peer (struct bench_results *r, int peer)
{
  r->peer = !!peer;
}

static int
replace_string (char **dst, const char *src)
{
  char *s = strdup (src);

  if (s == NULL) {
    gd_set_error_errno ("bench: strdup");
    return -1;
  }
  free (*dst);
  *dst = s;
  return 0;
}

int
results_set_image (struct bench_results *r, const char *location)
{
  return replace_string (&r->method.image, location);
}

/* The first "model name" of /proc/cpuinfo (x86), else "Processor" or
 * "cpu model" (other architectures), else NULL.
 */
static char *
read_cpu_model (void)
{
  static const char *const keys[] = { "model name", "Processor", "cpu model" };
  FILE *fp = fopen ("/proc/cpuinfo", "re");
  char *line = NULL, *found = NULL;
  size_t cap = 0, k;

  if (fp == NULL)
    return NULL;
  while (found == NULL && getline (&line, &cap, fp) != -1) {
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
      size_t klen = strlen (keys[k]);
      char *colon, *end;

      if (strncmp (line, keys[k], klen) != 0 ||
          (colon = strchr (line + klen, ':')) == NULL)
        continue;
      colon += strspn (colon + 1, " \t") + 1;
      end = colon + strlen (colon);
      while (end > colon && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
      found = strdup (colon);
      break;
    }
  }
  free (line);
  fclose (fp);
  return found;
}

int
results_probe_machine (struct bench_results *r)
{
  struct bench_method *m = &r->method;
  struct utsname u;
  char buf[512];
  char *cpu;
  time_t now = time (NULL);
  struct tm tm;

  m->nproc = sysconf (_SC_NPROCESSORS_ONLN);

  if (uname (&u) == 0)
    snprintf (buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
  else
    snprintf (buf, sizeof buf, "unknown");
  if (replace_string (&m->kernel, buf) == -1)
    return -1;

  cpu = read_cpu_model ();
  if (replace_string (&m->cpu, cpu ? cpu : "unknown") == -1) {
    free (cpu);
    return -1;
  }
  free (cpu);

  if (localtime_r (&now, &tm) == NULL ||
      strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
    snprintf (buf, sizeof buf, "unknown");
  return replace_string (&m->date, buf);
}

struct bench_case *
results_find_case (const struct bench_results *r, const char *scenario,
                   const char *backend, const char *cache, const char *tool)
{
  size_t i;

  for (i = 0; i < r->ncases; i++) {
    struct bench_case *c = r->cases[i];
    if (strcmp (c->scenario, scenario) == 0 &&
        strcmp (c->backend, backend) == 0 &&
        strcmp (c->cache, cache) == 0 &&
        strcmp (c->tool, tool) == 0)
      return c;
  }
  return NULL;
}

struct bench_case *
results_add_case (struct bench_results *r, const struct bench_key *k)
{
  struct bench_case *c;

  if (!k->scenario || !k->backend || !k->cache || !k->tool) {
    errno = EINVAL;
    gd_set_error ("bench: case key with a missing field");
    return NULL;
  }
  if (results_find_case (r, k->scenario, k->backend, k->cache, k->tool)) {
    errno = EEXIST;
    gd_set_error ("bench: case %s (%s, %s) %s added twice",
                  k->scenario, k->backend, k->cache, k->tool);
    return NULL;
  }
  if (r->ncases == r->cases_cap) {
    size_t ncap = r->cases_cap ? 2 * r->cases_cap : 16;
    struct bench_case **v = realloc (r->cases, ncap * sizeof *v);
    if (v == NULL) {
      gd_set_error_errno ("bench: realloc");
      return NULL;
    }
    r->cases = v;
    r->cases_cap = ncap;
  }
  c = calloc (1, sizeof *c);
  if (c == NULL) {
    gd_set_error_errno ("bench: calloc");
    return NULL;
  }
  c->scenario = strdup (k->scenario);
  c->backend = strdup (k->backend);
  c->cache = strdup (k->cache);
  c->tool = strdup (k->tool);
  if (!c->scenario || !c->backend || !c->cache || !c->tool) {
    gd_set_error_errno ("bench: strdup");
    case_free (c);
    return NULL;
  }
  c->bytes = k->bytes;
  c->status = BENCH_OK;
  r->cases[r->ncases++] = c;
  return c;
}

int
results_case_set_devices (struct bench_case *c, const char *channel,
                      const char *disk)
{
  free (c->channel);
  free (c->disk);
  c->channel = strdup (channel);
  c->disk = strdup (disk);
  if (!c->channel || !c->disk) {
    gd_set_error_errno ("bench: strdup");
    return -1;
  }
  return 0;
}

int
results_add_sample (struct bench_case *c, double seconds)
{
  if (!isfinite (seconds) || seconds < 0) {
    errno = EINVAL;
    gd_set_error ("bench: %s (%s, %s) %s: sample %g s is not a duration",
                  c->scenario, c->backend, c->cache, c->tool, seconds);
    return -1;
  }
  if (c->nsamples == c->samples_cap) {
    size_t ncap = c->samples_cap ? 2 * c->samples_cap : 8;
    double *v = realloc (c->samples, ncap * sizeof *v);
    if (v == NULL) {
      gd_set_error_errno ("bench: realloc");
      return -1;
    }
    c->samples = v;
    c->samples_cap = ncap;
  }
  c->samples[c->nsamples++] = seconds;
  return 0;
}

int
results_set_extra (struct bench_case *c, const char *key, double value)
{
  struct bench_extra *v;
  size_t i;

  for (i = 0; i < c->nextras; i++)
    if (strcmp (c->extras[i].key, key) == 0) {
      c->extras[i].value = value;
      return 0;
    }
  v = realloc (c->extras, (c->nextras + 1) * sizeof *v);
  if (v == NULL) {
    gd_set_error_errno ("bench: realloc");
    return -1;
  }
  c->extras = v;
  v[c->nextras].key = strdup (key);
  if (v[c->nextras].key == NULL) {
    gd_set_error_errno ("bench: strdup");
    return -1;
  }
  v[c->nextras++].value = value;
  return 0;
}

const double *
results_get_extra (const struct bench_case *c, const char *key)
{
  size_t i;

  for (i = 0; i < c->nextras; i++)
    if (strcmp (c->extras[i].key, key) == 0)
      return &c->extras[i].value;
  return NULL;
}

static int
set_status (struct bench_case *c, enum bench_status st, const char *reason)
{
  if (replace_string (&c->reason, reason ? reason : "no reason given") == -1)
    return -1;
  c->status = st;
  return 0;
}

int
results_case_skip (struct bench_case *c, const char *reason)
{
  return set_status (c, BENCH_SKIPPED, reason);
}

int
results_case_fail (struct bench_case *c, const char *reason)
{
  return set_status (c, BENCH_FAILED, reason);
}

int
results_case_summary (const struct bench_results *r,
                      const struct bench_case *c, struct stats_summary *s)
{
  if (c->status == BENCH_SKIPPED) {
    errno = EINVAL;
    gd_set_error ("%s (%s, %s) %s: skipped: %s", c->scenario, c->backend,
                  c->cache, c->tool, c->reason);
    return -1;
  }
  if (stats_summarize_runs (c->samples, c->nsamples, r->method.warmup,
                            s) == -1) {
    gd_error_prefix ("%s (%s, %s) %s", c->scenario, c->backend, c->cache,
                     c->tool);
    return -1;
  }
  return 0;
}

int
results_case_mbps (const struct bench_results *r,
                   const struct bench_case *c, double *mbps)
{
  struct stats_summary s;

  if (c->bytes == 0) {
    errno = EINVAL;
    gd_set_error ("%s: moves no bytes", c->scenario);
    return -1;
  }
  if (results_case_summary (r, c, &s) == -1)
    return -1;
  return stats_mbps (c->bytes, s.median, mbps);
}

void
results_format_seconds (double s, char *buf, size_t len)
{
  int prec;

  if (!isfinite (s)) {
    snprintf (buf, len, "%g", s);
    return;
  }
  prec = s >= 100 ? 0 : s >= 10 ? 1 : s >= 1 ? 2 : 3;
  snprintf (buf, len, "%.*f", prec, s);
}

void
results_no_peer_backend (const char *backend, char *buf, size_t len)
{
  size_t n = strcspn (backend, ":-"), i;
  char upper[32];

  for (i = 0; i < n && i + 1 < sizeof upper; i++)
    upper[i] = (char) toupper ((unsigned char) backend[i]);
  upper[i] = '\0';
  snprintf (buf, len, "no %s backend", upper);
}
