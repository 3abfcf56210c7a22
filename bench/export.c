/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine-readable results: results.csv (RFC 4180: CRLF line ends,
 * fields quoted only when they hold a comma, quote, CR or LF, quotes
 * doubled) and results.json (one object per case with its raw samples).
 * Numbers are printed in the C locale's format; guestdrv never calls
 * setlocale(LC_NUMERIC).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outfile.h"
#include "results.h"
#include "scenario.h"
#include "../common/error.h"
#include "../common/json-write.h"
#include "../launcher/launcher.h"

static const char *
status_name (enum bench_status st)
{
  switch (st) {
  case BENCH_OK: return "ok";
  case BENCH_SKIPPED: return "skipped";
  case BENCH_FAILED: return "failed";
  }
  return "unknown";
}

int
results_csv_field (FILE *fp, const char *field)
{
  const char *p;

  if (field == NULL)
    field = "";
  if (strpbrk (field, ",\"\r\n") == NULL)
    return fputs (field, fp) == EOF ? -1 : 0;
  fputc ('"', fp);
  for (p = field; *p; p++) {
    if (*p == '"')
      fputc ('"', fp);
    fputc (*p, fp);
  }
  return fputc ('"', fp) == EOF ? -1 : 0;
}

/* Every extra key of every case, in order of first appearance: the
 * CSV's trailing columns.  Returns a malloc'd array of borrowed keys.
 */
static const char **
collect_extra_keys (const struct bench_results *r, size_t *n)
{
  const char **keys = NULL;
  size_t i, j, k, cap = 0;

  *n = 0;
  for (i = 0; i < r->ncases; i++)
    for (j = 0; j < r->cases[i]->nextras; j++) {
      const char *key = r->cases[i]->extras[j].key;
      for (k = 0; k < *n; k++)
        if (strcmp (keys[k], key) == 0)
          break;
      if (k < *n)
        continue;
      if (*n == cap) {
        const char **v;
        cap = cap ? 2 * cap : 8;
        v = realloc (keys, cap * sizeof *v);
        if (v == NULL) {
          gd_set_error_errno ("bench: realloc");
          free (keys);
          return NULL;
        }
        keys = v;
      }
      keys[(*n)++] = key;
    }
  if (keys == NULL)
    keys = malloc (sizeof *keys);   /* non-NULL means success */
  if (keys == NULL)
    gd_set_error_errno ("bench: malloc");
  return keys;
}

static void
csv_number (FILE *fp, int have, double x)
{
  fputc (',', fp);
  if (have && isfinite (x))
    fprintf (fp, "%.9g", x);
}

int
results_write_csv (const struct bench_results *r, const char *path)
{
  const char **keys;
  size_t nkeys, i, j;
  FILE *fp;

  keys = collect_extra_keys (r, &nkeys);
  if (keys == NULL)
    return -1;
  fp = outfile_create ("bench", path);
  if (fp == NULL) {
    free (keys);
    return -1;
  }

  fputs ("scenario,backend,cache,tool,status,reason,bytes,runs,warmup,"
         "kept,min_s,median_s,max_s,mean_s,stddev_s,MBps,samples_s", fp);
  for (j = 0; j < nkeys; j++) {
    fputc (',', fp);
    results_csv_field (fp, keys[j]);
  }
  fputs ("\r\n", fp);

  for (i = 0; i < r->ncases; i++) {
    const struct bench_case *c = r->cases[i];
    struct stats_summary s;
    int have = c->status != BENCH_SKIPPED &&
      results_case_summary (r, c, &s) == 0;
    double mbps = 0;
    int have_mbps = have && c->bytes > 0 &&
      stats_mbps (c->bytes, s.median, &mbps) == 0;

    results_csv_field (fp, c->scenario);
    fputc (',', fp);
    results_csv_field (fp, c->backend);
    fputc (',', fp);
    results_csv_field (fp, c->cache);
    fputc (',', fp);
    results_csv_field (fp, c->tool);
    fprintf (fp, ",%s,", status_name (c->status));
    results_csv_field (fp, c->reason);
    fprintf (fp, ",%" PRIu64 ",%zu,%u,%zu", c->bytes, c->nsamples,
             r->method.warmup, have ? s.n : 0);
    csv_number (fp, have, have ? s.min : 0);
    csv_number (fp, have, have ? s.median : 0);
    csv_number (fp, have, have ? s.max : 0);
    csv_number (fp, have, have ? s.mean : 0);
    csv_number (fp, have, have ? s.stddev : 0);
    csv_number (fp, have_mbps, mbps);
    /* Raw samples, warm-up included, space-separated in one field. */
    fputc (',', fp);
    for (j = 0; j < c->nsamples; j++)
      fprintf (fp, "%s%.9g", j ? " " : "", c->samples[j]);
    for (j = 0; j < nkeys; j++) {
      const double *x = results_get_extra (c, keys[j]);
      csv_number (fp, x != NULL, x ? *x : 0);
    }
    fputs ("\r\n", fp);
  }
  free (keys);
  return outfile_close ("bench", fp, path);
}

static void
json_key (FILE *fp, const char *indent, const char *key)
{
  fputs (indent, fp);
  json_write_string (fp, key);
  fputs (": ", fp);
}

/* KEY: S (null if S is NULL), then ",\n". */
static void
json_field_string (FILE *fp, const char *indent, const char *key,
                   const char *s)
{
  json_key (fp, indent, key);
  if (s)
    json_write_string (fp, s);
  else
    fputs ("null", fp);
  fputs (",\n", fp);
}

/* The case name's variants (bench/run-matrix.c):
 * BACKEND[-CHANNEL][-DISK][:KERNEL][:bare], spelt out.
 */
static void
json_case_variants (FILE *fp, const char *in, const struct bench_case *c)
{
  const char *k = strchr (c->backend, ':');
  const struct backend *b = backend_lookup_prefix (c->backend, ":-");
  int window = backend_takes_setting (b, "uml-window");
  size_t n = strlen (c->backend);
  char kernel[64] = "stock";

  if (k && strcmp (k, ":bare") != 0)
    snprintf (kernel, sizeof kernel, "%.*s", (int) strcspn (k + 1, ":"),
              k + 1);
  json_field_string (fp, in, "guest_kernel", kernel);
  json_field_string (fp, in, "channel", c->channel ? c->channel
                     : b ? b->channel : NULL);
  json_field_string (fp, in, "disk", c->disk ? c->disk
                     : b ? b->disk : NULL);
  json_field_string (fp, in, "uml_window", !window ? "n/a"
                     : n >= 5 && strcmp (c->backend + n - 5, ":bare") == 0
                     ? "off" : "on");
}

/* "summary" (null if none) and "MBps" (null unless bytes moved). */
static void
json_case_summary (FILE *fp, const char *in, const struct bench_case *c,
                   int have, const struct stats_summary *s)
{
  static const char *const names[] = {
    "min_s", "median_s", "max_s", "mean_s", "stddev_s"
  };
  const double v[] = { s->min, s->median, s->max, s->mean, s->stddev };
  double mbps;

  json_key (fp, in, "summary");
  if (have) {
    fprintf (fp, "{\"n\": %zu", s->n);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
      fprintf (fp, ", \"%s\": ", names[i]);
      json_write_number (fp, v[i], 9);
    }
    fputs ("},\n", fp);
  }
  else
    fputs ("null,\n", fp);
  json_key (fp, in, "MBps");
  if (have && c->bytes > 0 && stats_mbps (c->bytes, s->median, &mbps) == 0)
    json_write_number (fp, mbps, 9);
  else
    fputs ("null", fp);
  fputs (",\n", fp);
}

static void
json_case (const struct bench_results *r, const struct bench_case *c,
           FILE *fp)
{
  const char *in = "      ";
  struct stats_summary s = { 0 };
  int have = c->status != BENCH_SKIPPED &&
    results_case_summary (r, c, &s) == 0;
  size_t j;

  fputs ("    {\n", fp);
  json_field_string (fp, in, "scenario", c->scenario);
  json_field_string (fp, in, "backend", c->backend);
  json_field_string (fp, in, "cache", c->cache);
  json_case_variants (fp, in, c);
  json_field_string (fp, in, "tool", c->tool);
  json_field_string (fp, in, "status", status_name (c->status));
  json_field_string (fp, in, "reason", c->reason);
  json_key (fp, in, "bytes");
  fprintf (fp, "%" PRIu64 ",\n", c->bytes);
  json_key (fp, in, "warmup");
  fprintf (fp, "%u,\n", r->method.warmup);
  json_key (fp, in, "samples_s");
  fputc ('[', fp);
  for (j = 0; j < c->nsamples; j++) {
    if (j)
      fputs (", ", fp);
    json_write_number (fp, c->samples[j], 9);
  }
  fputs ("],\n", fp);
  json_case_summary (fp, in, c, have, &s);

  json_key (fp, in, "extra");
  fputc ('{', fp);
  for (j = 0; j < c->nextras; j++) {
    if (j)
      fputs (", ", fp);
    json_write_string (fp, c->extras[j].key);
    fputs (": ", fp);
    json_write_number (fp, c->extras[j].value, 9);
  }
  fputs ("}\n    }", fp);
}

int
results_write_json (const struct bench_results *r, const char *path)
{
  const struct bench_method *m = &r->method;
  const char *in = "    ";
  FILE *fp;
  size_t i;

  fp = outfile_create ("bench", path);
  if (fp == NULL)
    return -1;

  fputs ("{\n  \"method\": {\n", fp);
  json_key (fp, in, "runs");
  fprintf (fp, "%u,\n", m->runs);
  json_key (fp, in, "warmup_discarded");
  fprintf (fp, "%u,\n", m->warmup);
  json_key (fp, in, "statistic");
  json_write_string (fp, "median");
  fputs (",\n", fp);
  json_key (fp, in, "percentiles");
  json_write_string (fp, "linear interpolation between closest ranks "
                       "(Hyndman-Fan type 7)");
  fputs (",\n", fp);
  json_key (fp, in, "MB_bytes");
  fprintf (fp, "%.0f,\n", STATS_MB);
  json_key (fp, in, "image");
  json_write_string (fp, m->image ? m->image : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "nproc");
  fprintf (fp, "%ld,\n", m->nproc);
  json_key (fp, in, "kernel");
  json_write_string (fp, m->kernel ? m->kernel : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "cpu");
  json_write_string (fp, m->cpu ? m->cpu : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "date");
  json_write_string (fp, m->date ? m->date : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "peer");
  fputs (r->peer ? "true\n" : "false\n", fp);
  fputs ("  },\n  \"cases\": [", fp);
  for (i = 0; i < r->ncases; i++) {
    fputs (i ? ",\n" : "\n", fp);
    json_case (r, r->cases[i], fp);
  }
  fputs (r->ncases ? "\n  ]\n}\n" : "]\n}\n", fp);
  return outfile_close ("bench", fp, path);
}

int
results_write_all (const struct bench_results *r, const char *outdir)
{
  char *txt = NULL, *csv = NULL, *json = NULL;
  FILE *fp;
  int ret = -1;

  if (mkdir (outdir, 0755) == -1 && errno != EEXIST) {
    gd_set_error_errno ("bench: cannot create --out directory %s", outdir);
    return -1;
  }
  txt = outfile_path ("bench", outdir, "results.txt");
  csv = outfile_path ("bench", outdir, "results.csv");
  json = outfile_path ("bench", outdir, "results.json");
  if (!txt || !csv || !json)
    goto out;

  fp = outfile_create ("bench", txt);
  if (fp == NULL)
    goto out;
  if (results_write_method (r, fp) == -1 ||
      fputc ('\n', fp) == EOF ||
      results_write_table (r, fp, RESULTS_TABLE_RANGE) == -1 ||
      fputc ('\n', fp) == EOF ||
      results_write_decomposition (r, fp) == -1) {
    fclose (fp);
    goto out;
  }
  if (outfile_close ("bench", fp, txt) == -1 ||
      results_write_csv (r, csv) == -1 ||
      results_write_json (r, json) == -1)
    goto out;
  ret = 0;
 out:
  free (txt);
  free (csv);
  free (json);
  return ret;
}
