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

#include "results.h"
#include "scenario.h"
#include "../common/error.h"

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

/* Open PATH for writing; close_output checks every write reached it. */
static FILE *
open_output (const char *path)
{
  FILE *fp = fopen (path, "we");

  if (fp == NULL)
    gd_set_error_errno ("bench: cannot create %s", path);
  return fp;
}

static int
close_output (FILE *fp, const char *path)
{
  int err = ferror (fp);

  if (fclose (fp) == EOF || err) {
    if (err && errno == 0)
      errno = EIO;
    gd_set_error_errno ("bench: writing %s", path);
    return -1;
  }
  return 0;
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
  fp = open_output (path);
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
  return close_output (fp, path);
}

/* Emit one code point as \uXXXX (a surrogate pair above the BMP). */
static void
json_u (FILE *fp, unsigned cp)
{
  if (cp >= 0x10000) {
    cp -= 0x10000;
    fprintf (fp, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
  }
  else
    fprintf (fp, "\\u%04x", cp);
}

/* Length of the valid UTF-8 sequence at P (1..4), or 0 if invalid. */
static size_t
utf8_len (const unsigned char *p, unsigned *cp)
{
  size_t n, i;
  unsigned min;

  if (p[0] < 0x80) { *cp = p[0]; return 1; }
  else if ((p[0] & 0xe0) == 0xc0) { n = 2; *cp = p[0] & 0x1f; min = 0x80; }
  else if ((p[0] & 0xf0) == 0xe0) { n = 3; *cp = p[0] & 0x0f; min = 0x800; }
  else if ((p[0] & 0xf8) == 0xf0) { n = 4; *cp = p[0] & 0x07; min = 0x10000; }
  else return 0;
  for (i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    *cp = (*cp << 6) | (p[i] & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
    return 0;
  return n;
}

int
results_json_string (FILE *fp, const char *s)
{
  const unsigned char *p = (const unsigned char *) (s ? s : "");

  fputc ('"', fp);
  while (*p) {
    unsigned cp;
    size_t n = utf8_len (p, &cp);

    if (n == 0) {
      /* Not UTF-8 (a reason string quoting a guest's bytes): keep the
       * document valid with U+FFFD rather than fail the whole report.
       */
      json_u (fp, 0xfffd);
      p++;
      continue;
    }
    if (cp == '"' || cp == '\\')
      fprintf (fp, "\\%c", (char) cp);
    else if (cp == '\n')
      fputs ("\\n", fp);
    else if (cp == '\t')
      fputs ("\\t", fp);
    else if (cp < 0x20 || cp == 0x7f)
      json_u (fp, cp);
    else
      fwrite (p, 1, n, fp);
    p += n;
  }
  return fputc ('"', fp) == EOF ? -1 : 0;
}

/* JSON has no NaN or infinity: those become null. */
static void
json_number (FILE *fp, double x)
{
  if (isfinite (x))
    fprintf (fp, "%.9g", x);
  else
    fputs ("null", fp);
}

static void
json_key (FILE *fp, const char *indent, const char *key)
{
  fputs (indent, fp);
  results_json_string (fp, key);
  fputs (": ", fp);
}

static void
json_case (const struct bench_results *r, const struct bench_case *c,
           FILE *fp)
{
  const char *in = "      ";
  struct stats_summary s;
  int have = c->status != BENCH_SKIPPED &&
    results_case_summary (r, c, &s) == 0;
  double mbps;
  size_t j;

  fputs ("    {\n", fp);
  json_key (fp, in, "scenario"); results_json_string (fp, c->scenario);
  fputs (",\n", fp);
  json_key (fp, in, "backend"); results_json_string (fp, c->backend);
  fputs (",\n", fp);
  json_key (fp, in, "cache"); results_json_string (fp, c->cache);
  fputs (",\n", fp);
  {
    /* The case name's variants (bench/run.c): BACKEND[:KERNEL][:bare]. */
    const char *k = strchr (c->backend, ':');
    char kernel[64] = "stock";
    size_t n;

    if (k && strcmp (k, ":bare") != 0) {
      n = strcspn (k + 1, ":");
      snprintf (kernel, sizeof kernel, "%.*s", (int) n, k + 1);
    }
    json_key (fp, in, "guest_kernel"); results_json_string (fp, kernel);
    fputs (",\n", fp);
    json_key (fp, in, "uml_window");
    results_json_string (fp, strncmp (c->backend, "uml", 3) != 0 ? "n/a"
                         : (n = strlen (c->backend)) >= 5 &&
                           strcmp (c->backend + n - 5, ":bare") == 0 ? "off" : "on");
    fputs (",\n", fp);
  }
  json_key (fp, in, "tool"); results_json_string (fp, c->tool);
  fputs (",\n", fp);
  json_key (fp, in, "status");
  results_json_string (fp, status_name (c->status));
  fputs (",\n", fp);
  json_key (fp, in, "reason");
  if (c->reason)
    results_json_string (fp, c->reason);
  else
    fputs ("null", fp);
  fputs (",\n", fp);
  json_key (fp, in, "bytes");
  fprintf (fp, "%" PRIu64 ",\n", c->bytes);
  json_key (fp, in, "warmup");
  fprintf (fp, "%u,\n", r->method.warmup);
  json_key (fp, in, "samples_s");
  fputc ('[', fp);
  for (j = 0; j < c->nsamples; j++) {
    if (j)
      fputs (", ", fp);
    json_number (fp, c->samples[j]);
  }
  fputs ("],\n", fp);

  json_key (fp, in, "summary");
  if (have) {
    fprintf (fp, "{\"n\": %zu, \"min_s\": ", s.n);
    json_number (fp, s.min);
    fputs (", \"median_s\": ", fp);
    json_number (fp, s.median);
    fputs (", \"max_s\": ", fp);
    json_number (fp, s.max);
    fputs (", \"mean_s\": ", fp);
    json_number (fp, s.mean);
    fputs (", \"stddev_s\": ", fp);
    json_number (fp, s.stddev);
    fputs ("},\n", fp);
  }
  else
    fputs ("null,\n", fp);
  json_key (fp, in, "MBps");
  if (have && c->bytes > 0 && stats_mbps (c->bytes, s.median, &mbps) == 0)
    json_number (fp, mbps);
  else
    fputs ("null", fp);
  fputs (",\n", fp);

  json_key (fp, in, "extra");
  fputc ('{', fp);
  for (j = 0; j < c->nextras; j++) {
    if (j)
      fputs (", ", fp);
    results_json_string (fp, c->extras[j].key);
    fputs (": ", fp);
    json_number (fp, c->extras[j].value);
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

  fp = open_output (path);
  if (fp == NULL)
    return -1;

  fputs ("{\n  \"method\": {\n", fp);
  json_key (fp, in, "runs");
  fprintf (fp, "%u,\n", m->runs);
  json_key (fp, in, "warmup_discarded");
  fprintf (fp, "%u,\n", m->warmup);
  json_key (fp, in, "statistic");
  results_json_string (fp, "median");
  fputs (",\n", fp);
  json_key (fp, in, "percentiles");
  results_json_string (fp, "linear interpolation between closest ranks "
                       "(Hyndman-Fan type 7)");
  fputs (",\n", fp);
  json_key (fp, in, "MB_bytes");
  fprintf (fp, "%.0f,\n", STATS_MB);
  json_key (fp, in, "image");
  results_json_string (fp, m->image ? m->image : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "nproc");
  fprintf (fp, "%ld,\n", m->nproc);
  json_key (fp, in, "kernel");
  results_json_string (fp, m->kernel ? m->kernel : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "cpu");
  results_json_string (fp, m->cpu ? m->cpu : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "date");
  results_json_string (fp, m->date ? m->date : "unknown");
  fputs (",\n", fp);
  json_key (fp, in, "peer");
  fputs (r->peer ? "true\n" : "false\n", fp);
  fputs ("  },\n  \"cases\": [", fp);
  for (i = 0; i < r->ncases; i++) {
    fputs (i ? ",\n" : "\n", fp);
    json_case (r, r->cases[i], fp);
  }
  fputs (r->ncases ? "\n  ]\n}\n" : "]\n}\n", fp);
  return close_output (fp, path);
}

/* DIR/NAME into a malloc'd string, or NULL. */
static char *
join_path (const char *dir, const char *name)
{
  char *p;

  if (asprintf (&p, "%s/%s", dir, name) == -1) {
    gd_set_error_errno ("bench: asprintf");
    return NULL;
  }
  return p;
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
  txt = join_path (outdir, "results.txt");
  csv = join_path (outdir, "results.csv");
  json = join_path (outdir, "results.json");
  if (!txt || !csv || !json)
    goto out;

  fp = open_output (txt);
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
  if (close_output (fp, txt) == -1 ||
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
