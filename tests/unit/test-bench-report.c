/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the benchmark reports: the studies' table line, the
 * method header, the serial-vs-disk decomposition, RFC 4180 CSV, JSON
 * validity, and PNG charts through gnuplot (skipped without it).
 */
#undef NDEBUG
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <check.h>

#include "bench/bench.h"
#include "common/clock.h"
#include "common/error.h"

#define MB 1000000ULL
#define DASH "\xe2\x80\x94"

static struct bench_case *
add (struct bench_results *r, const char *scenario, const char *backend,
     const char *tool, uint64_t bytes, const double *x, size_t n)
{
  struct bench_key k = { scenario, backend, "writeback", tool, bytes };
  struct bench_case *c = results_add_case (r, &k);
  size_t i;

  ck_assert_msg (c != NULL, "%s", gd_get_error ());
  for (i = 0; i < n; i++)
    ck_assert_int_eq (results_add_sample (c, x[i]), 0);
  return c;
}

/* A run shaped like the studies: warm-up 1 of 4 runs. */
static struct bench_results *
sample_results (int peer)
{
  static const double self_tcg[] = { 99, 12.1, 12.3, 12.6 };
  static const double peer_tcg[] = { 99, 13.8, 14.0, 14.2 };
  static const double self_uml[] = { 600, 510, 500, 505 };
  static const double nowrite[] = { 20, 9.0, 9.1, 9.2 };
  static const double noupload[] = { 5, 2.9, 3.0, 2.8 };
  static const double startup[] = { 4, 2.5, 2.25, 2.0 };
  struct bench_results *r = results_new (4, 1);
  struct bench_case *c;

  ck_assert_ptr_nonnull (r);
  results_set_peer (r, peer);
  ck_assert_int_eq (results_set_image (r, "/tmp (tmpfs)"), 0);
  ck_assert_int_eq (results_probe_machine (r), 0);
  add (r, "startup", "tcg", BENCH_TOOL_SELF, 0, startup, 4);
  c = add (r, "upload", "tcg", BENCH_TOOL_SELF, 500 * MB, self_tcg, 4);
  ck_assert_int_eq (results_set_extra (c, "channel_MBps", 55.3), 0);
  ck_assert_int_eq (results_set_extra (c, "disk_MBps", 180), 0);
  ck_assert_int_eq (results_set_extra (c, "disk_MBps", 181), 0);
  if (peer)
    add (r, "upload", "tcg", BENCH_TOOL_PEER, 500 * MB, peer_tcg, 4);
  add (r, "upload-no-write", "tcg", BENCH_TOOL_SELF, 500 * MB, nowrite, 4);
  add (r, "write-no-upload", "tcg", BENCH_TOOL_SELF, 500 * MB, noupload, 4);
  add (r, "upload", "uml", BENCH_TOOL_SELF, 500 * MB, self_uml, 4);
  return r;
}

static char *
capture_table (const struct bench_results *r, unsigned flags)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);

  ck_assert_int_eq (results_write_table (r, fp, flags), 0);
  fclose (fp);
  return buf;
}

START_TEST (test_table_line)
{
  struct bench_results *r = sample_results (1);
  char *t = capture_table (r, 0);

  /* 500 MB / 12.3 s = 40.7 MB/s; 500 / 14.0 = 35.7; 12.3/14.0 = 0.88. */
  ck_assert_ptr_nonnull (strstr (t,
    "upload (tcg, writeback) " DASH " guestdrv: 12.3 s 40.7 MB/s " DASH
    " libguestfs: 14.0 s 35.7 MB/s " DASH " ratio 0.88\n"));
  /* libguestfs has no UML backend since 1.?: said, not hidden. */
  ck_assert_ptr_nonnull (strstr (t,
    "upload (uml, writeback) " DASH " guestdrv: 505 s 0.990 MB/s " DASH
    " libguestfs: none (no UML backend)\n"));
  /* No bytes, no MB/s; peer asked for but not run. */
  ck_assert_ptr_nonnull (strstr (t,
    "startup (tcg, writeback) " DASH " guestdrv: 2.25 s " DASH
    " libguestfs: none (not run)\n"));
  free (t);

  t = capture_table (r, RESULTS_TABLE_RANGE);
  ck_assert_ptr_nonnull (strstr (t, "guestdrv: 12.3 s (12.1\xe2\x80\x93"
                                 "12.6) 40.7 MB/s"));
  free (t);
  results_free (r);
}
END_TEST

START_TEST (test_table_no_peer)
{
  struct bench_results *r = sample_results (0);
  char *t = capture_table (r, 0);

  ck_assert_ptr_null (strstr (t, "libguestfs"));
  ck_assert_ptr_null (strstr (t, "ratio"));
  ck_assert_ptr_nonnull (strstr (t, "upload (tcg, writeback) " DASH
                                 " guestdrv: 12.3 s 40.7 MB/s\n"));
  free (t);
  results_free (r);
}
END_TEST

START_TEST (test_table_skip_and_fail)
{
  struct bench_results *r = results_new (3, 1);
  struct bench_key k = { "upload", "uml", "writeback", BENCH_TOOL_PEER, MB };
  struct bench_case *c;
  const double one[] = { 1 };
  char *t;

  results_set_peer (r, 1);
  c = results_add_case (r, &k);
  ck_assert_int_eq (results_case_skip (c, "no UML backend"), 0);
  ck_assert_ptr_null (results_add_case (r, &k));      /* duplicate */
  ck_assert_int_eq (errno, EEXIST);
  c = add (r, "upload", "uml", BENCH_TOOL_SELF, MB, one, 1);
  ck_assert_int_eq (results_case_fail (c, "appliance died: EOF"), 0);
  add (r, "dd", "kvm", BENCH_TOOL_SELF, MB, one, 1);  /* only warm-up */
  ck_assert_int_eq (results_add_sample (c, NAN), -1);
  ck_assert_int_eq (results_add_sample (c, -2), -1);

  t = capture_table (r, 0);
  ck_assert_ptr_nonnull (strstr (t,
    "upload (uml, writeback) " DASH " guestdrv: failed (appliance died: EOF) "
    DASH " libguestfs: none (no UML backend)\n"));
  ck_assert_ptr_nonnull (strstr (t, "guestdrv: no data (1 of 3 runs)"));
  free (t);
  results_free (r);
}
END_TEST

START_TEST (test_mbps_consistent)
{
  struct bench_results *r = sample_results (1);
  struct stats_summary s;
  double mbps;
  size_t i;

  for (i = 0; i < r->ncases; i++) {
    const struct bench_case *c = r->cases[i];
    if (c->bytes == 0) {
      ck_assert_int_eq (results_case_mbps (r, c, &mbps), -1);
      continue;
    }
    ck_assert_int_eq (results_case_mbps (r, c, &mbps), 0);
    ck_assert_int_eq (results_case_summary (r, c, &s), 0);
    ck_assert_double_eq_tol (mbps * s.median * STATS_MB, (double) c->bytes,
                             1e-6 * (double) c->bytes);
  }
  results_free (r);
}
END_TEST

START_TEST (test_method_header)
{
  struct bench_results *r = sample_results (1);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);
  char nproc[32];

  ck_assert_int_eq (results_write_method (r, fp), 0);
  fclose (fp);
  ck_assert_ptr_nonnull (strstr (buf, "4 runs per case, first 1 discarded "
                                 "as warm-up; median of the remaining 3"));
  ck_assert_ptr_nonnull (strstr (buf, "MB = 10^6 bytes"));
  ck_assert_ptr_nonnull (strstr (buf, "image:   /tmp (tmpfs)\n"));
  snprintf (nproc, sizeof nproc, "machine: %ld CPU", sysconf (_SC_NPROCESSORS_ONLN));
  ck_assert_ptr_nonnull (strstr (buf, nproc));
  ck_assert_ptr_nonnull (strstr (buf, "Linux "));
  ck_assert_ptr_nonnull (strstr (buf, "date:    20"));
  free (buf);
  results_free (r);
}
END_TEST

START_TEST (test_decomposition)
{
  struct bench_results *r = sample_results (1);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);

  ck_assert_int_eq (results_write_decomposition (r, fp), 0);
  fclose (fp);
  ck_assert_ptr_nonnull (strstr (buf, "serial vs disk " DASH
                                 " tcg, writeback, guestdrv:\n"));
  ck_assert_ptr_nonnull (strstr (buf, "  upload-no-write     9.10 s"));
  /* 9.1 / 12.3 = 74 %. */
  ck_assert_ptr_nonnull (strstr (buf, "channel share of the upload time: "
                                 "74%"));
  ck_assert_ptr_nonnull (strstr (buf, "channel + disk alone: 12.0 s vs "
                                 "upload 12.3 s"));
  ck_assert_ptr_nonnull (strstr (buf, "host side: channel 55.3 MB/s, "
                                 "disk 181 MB/s"));
  /* The peer has only an upload: a block with the parts not run. */
  ck_assert_ptr_nonnull (strstr (buf, "tcg, writeback, libguestfs:\n"));
  ck_assert_ptr_nonnull (strstr (buf, "uml, writeback, guestdrv:\n"));
  free (buf);
  results_free (r);
}
END_TEST

static char *
csv_of (const char *field)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&buf, &len);

  ck_assert_int_eq (results_csv_field (fp, field), 0);
  fclose (fp);
  return buf;
}

START_TEST (test_csv_quoting)
{
  static const struct { const char *in, *out; } t[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\r", "\"cr\r\"" },
    { "  spaced ", "  spaced " },
  };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    char *s = csv_of (t[i].in);
    ck_assert_str_eq (s, t[i].out);
    free (s);
  }
}
END_TEST

/* Parse RFC 4180 text into records of fields; returns the number of
 * records, fields per record in NF[], the field at (ROW, COL) in *CELL.
 */
static size_t
csv_parse (const char *p, size_t *nf, size_t maxrec, size_t row, size_t col,
           char *cell, size_t cellcap)
{
  size_t rec = 0, f = 0, o = 0;
  int quoted = 0, at_start = 1;

  cell[0] = '\0';
  while (*p) {
    char ch = *p++;
    int here = rec == row && f == col;

    if (quoted) {
      if (ch == '"' && *p == '"') { p++; }
      else if (ch == '"') { quoted = 0; continue; }
      if (here && o + 1 < cellcap) { cell[o++] = ch; cell[o] = '\0'; }
      continue;
    }
    if (ch == '"' && at_start) { quoted = 1; at_start = 0; continue; }
    ck_assert_msg (ch != '"', "bare quote in unquoted field");
    if (ch == ',') { f++; at_start = 1; continue; }
    if (ch == '\r') {
      ck_assert_msg (*p == '\n', "CR without LF outside quotes");
      p++;
      ck_assert (rec < maxrec);
      nf[rec++] = f + 1;
      f = 0;
      at_start = 1;
      continue;
    }
    ck_assert_msg (ch != '\n', "bare LF outside quotes (RFC 4180: CRLF)");
    at_start = 0;
    if (here && o + 1 < cellcap) { cell[o++] = ch; cell[o] = '\0'; }
  }
  ck_assert_msg (!quoted, "unterminated quoted field");
  return rec;
}

static char *
make_tmpdir (void)
{
  char *d = strdup ("/tmp/test-bench-report.XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (d));
  return d;
}

static int
rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st; (void) flag; (void) ftw;
  return remove (path);
}

static void
remove_tmpdir (char *d)
{
  nftw (d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  free (d);
}

static char *
slurp (const char *dir, const char *name)
{
  char path[512], *buf;
  FILE *fp;
  long n;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  fp = fopen (path, "r");
  ck_assert_msg (fp != NULL, "%s: %m", path);
  fseek (fp, 0, SEEK_END);
  n = ftell (fp);
  rewind (fp);
  buf = malloc (n + 1);
  ck_assert_int_eq (fread (buf, 1, n, fp), n);
  buf[n] = '\0';
  fclose (fp);
  return buf;
}

/* A nasty reason: comma, quotes, newline, backslash, control, bad UTF-8. */
#define NASTY "said \"no\", then\nleft \\ \x01 \xff \xc3\xa9"

static struct bench_results *
nasty_results (void)
{
  struct bench_results *r = sample_results (1);
  struct bench_key k = { "dd", "kvm", "writeback", BENCH_TOOL_PEER, MB };
  struct bench_case *c = results_add_case (r, &k);

  ck_assert_int_eq (results_case_fail (c, NASTY), 0);
  ck_assert_int_eq (results_set_extra (c, "channel_share", NAN), 0);
  return r;
}

START_TEST (test_csv_file)
{
  struct bench_results *r = nasty_results ();
  char *dir = make_tmpdir (), *csv, path[512], cell[256];
  size_t nf[32], nrec, i;

  snprintf (path, sizeof path, "%s/results.csv", dir);
  ck_assert_int_eq (results_write_csv (r, path), 0);
  csv = slurp (dir, "results.csv");
  nrec = csv_parse (csv, nf, 32, 0, 0, cell, sizeof cell);
  ck_assert_uint_eq (nrec, r->ncases + 1);
  for (i = 1; i < nrec; i++)
    ck_assert_uint_eq (nf[i], nf[0]);       /* every row has all columns */
  ck_assert_str_eq (cell, "scenario");
  ck_assert (strstr (csv, "MBps,samples_s,channel_MBps,disk_MBps,"
                     "channel_share\r\n") != NULL);
  /* The failed case's reason round-trips; it is the last row, col 5. */
  csv_parse (csv, nf, 32, nrec - 1, 5, cell, sizeof cell);
  ck_assert_str_eq (cell, NASTY);
  csv_parse (csv, nf, 32, 2, 16, cell, sizeof cell);
  ck_assert_str_eq (cell, "99 12.1 12.3 12.6");     /* raw samples */
  csv_parse (csv, nf, 32, 2, 11, cell, sizeof cell);
  ck_assert_str_eq (cell, "12.3");                  /* median_s */
  free (csv);
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

/* A tiny strict JSON checker (RFC 8259 grammar; no semantic checks). */
static const char *json_value (const char *p);

static const char *
json_ws (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static const char *
json_str (const char *p)
{
  if (*p++ != '"')
    return NULL;
  while (*p != '"') {
    if ((unsigned char) *p < 0x20)
      return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        int i;
        for (i = 1; i <= 4; i++)
          if (!strchr ("0123456789abcdefABCDEF", p[i]) || !p[i])
            return NULL;
        p += 4;
      }
      else if (!*p || !strchr ("\"\\/bfnrt", *p))
        return NULL;
    }
    p++;
  }
  return p + 1;
}

static const char *
json_num (const char *p)
{
  const char *s = p;

  if (*p == '-') p++;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
  else return NULL;
  if (*p == '.') { p++; if (!(*p >= '0' && *p <= '9')) return NULL;
                   while (*p >= '0' && *p <= '9') p++; }
  if (*p == 'e' || *p == 'E') { p++; if (*p == '+' || *p == '-') p++;
                                if (!(*p >= '0' && *p <= '9')) return NULL;
                                while (*p >= '0' && *p <= '9') p++; }
  return p > s ? p : NULL;
}

static const char *
json_value (const char *p)
{
  p = json_ws (p);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    int obj = *p == '{';
    p = json_ws (p + 1);
    if (*p == close)
      return p + 1;
    for (;;) {
      if (obj) {
        if (!(p = json_str (json_ws (p)))) return NULL;
        p = json_ws (p);
        if (*p++ != ':') return NULL;
      }
      if (!(p = json_value (p))) return NULL;
      p = json_ws (p);
      if (*p == close) return p + 1;
      if (*p++ != ',') return NULL;
    }
  }
  if (*p == '"') return json_str (p);
  if (!strncmp (p, "true", 4)) return p + 4;
  if (!strncmp (p, "false", 5)) return p + 5;
  if (!strncmp (p, "null", 4)) return p + 4;
  return json_num (p);
}

static int
json_valid (const char *s)
{
  const char *end = json_value (s);
  return end != NULL && *json_ws (end) == '\0';
}

START_TEST (test_json_checker_itself)
{
  ck_assert (json_valid ("{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\"]}"));
  ck_assert (!json_valid ("{\"a\": NaN}"));
  ck_assert (!json_valid ("{\"a\": \"tab\there\"}"));
  ck_assert (!json_valid ("[1,]"));
  ck_assert (!json_valid ("{\"a\": \"\\x\"}"));
}
END_TEST

START_TEST (test_json_file)
{
  struct bench_results *r = nasty_results ();
  char *dir = make_tmpdir (), *json, path[512], cmd[1024];

  snprintf (path, sizeof path, "%s/results.json", dir);
  ck_assert_int_eq (results_write_json (r, path), 0);
  json = slurp (dir, "results.json");
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  ck_assert_ptr_nonnull (strstr (json, "\"samples_s\": [99, 12.1, 12.3, 12.6]"));
  ck_assert_ptr_nonnull (strstr (json, "\"channel_share\": null"));
  ck_assert_ptr_nonnull (strstr (json, "\\n"));
  ck_assert_ptr_nonnull (strstr (json, "\\u0001"));
  ck_assert_ptr_nonnull (strstr (json, "\\ufffd"));
  /* Cross-check with a real parser when one is at hand. */
  if (system ("python3 -c '' 2>/dev/null") == 0) {
    snprintf (cmd, sizeof cmd,
              "python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));"
              " c=d[\"cases\"]; assert len(c) == %zu;"
              " assert c[-1][\"reason\"].startswith(\"said \\\"no\\\", then\\nleft \\\\\");"
              " assert c[1][\"summary\"][\"median_s\"] == 12.3;"
              " assert d[\"method\"][\"warmup_discarded\"] == 1' '%s'",
              r->ncases, path);
    ck_assert_int_eq (system (cmd), 0);
  }
  else
    fprintf (stderr, "test_json_file: python3 not found; "
             "built-in JSON checker only\n");
  free (json);
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

START_TEST (test_write_all)
{
  struct bench_results *r = sample_results (1);
  char *dir = make_tmpdir (), *txt;
  char sub[600];

  snprintf (sub, sizeof sub, "%s/out", dir);
  ck_assert_int_eq (results_write_all (r, sub), 0);
  txt = slurp (sub, "results.txt");
  ck_assert_ptr_nonnull (strstr (txt, "method:"));
  ck_assert_ptr_nonnull (strstr (txt, "ratio 0.88"));
  ck_assert_ptr_nonnull (strstr (txt, "serial vs disk"));
  free (txt);
  ck_assert_int_eq (results_write_all (r, "/nonexistent/dir/out"), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "--out"));
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

static int
png_ok (const char *dir, const char *name)
{
  char path[512];
  unsigned char sig[8];
  struct stat st;
  FILE *fp;
  int ok;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  if (stat (path, &st) == -1 || st.st_size < 100)
    return 0;
  fp = fopen (path, "rb");
  ok = fp && fread (sig, 1, 8, fp) == 8 &&
    memcmp (sig, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (fp)
    fclose (fp);
  return ok;
}

START_TEST (test_chart_png)
{
  struct bench_results *r;
  char *dir;

  if (getenv ("SKIP_TEST_BENCH_CHART") || !chart_gnuplot_available (NULL)) {
    fprintf (stderr, "test_chart_png: SKIP: gnuplot not found in $PATH "
             "(install gnuplot-nox)\n");
    return;
  }
  r = sample_results (1);
  dir = make_tmpdir ();
  ck_assert_msg (chart_write (r, dir, NULL) == 0, "%s", gd_get_error ());
  ck_assert (png_ok (dir, "upload.png"));
  ck_assert (png_ok (dir, "startup.png"));
  ck_assert (png_ok (dir, "upload-no-write.png"));
  ck_assert (png_ok (dir, "throughput.png"));
  if (getenv ("KEEP_CHARTS"))
    fprintf (stderr, "charts kept in %s\n", dir), free (dir);
  else
    remove_tmpdir (dir);
  results_free (r);
}
END_TEST

START_TEST (test_chart_no_gnuplot)
{
  struct bench_results *r = sample_results (1);
  char *dir = make_tmpdir ();
  struct chart_options o = { "gnuplot-does-not-exist-here", 5 };

  ck_assert_int_eq (chart_write (r, dir, &o), -1);
  ck_assert_int_eq (gd_get_errno (), ENOENT);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "not found"));
  ck_assert_int_eq (chart_gnuplot_available (o.gnuplot), 0);
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

static char *
fake_gnuplot (const char *dir, const char *body)
{
  char *path;
  FILE *fp;

  ck_assert_int_ne (asprintf (&path, "%s/fake-gnuplot", dir), -1);
  fp = fopen (path, "w");
  fprintf (fp, "#!/bin/sh\n%s\n", body);
  fclose (fp);
  chmod (path, 0755);
  return path;
}

START_TEST (test_chart_timeout)
{
  struct bench_results *r = sample_results (1);
  char *dir = make_tmpdir ();
  char *prog = fake_gnuplot (dir, "exec sleep 30");
  struct chart_options o = { prog, 0.3 };
  uint64_t t0 = gd_now_ns ();

  ck_assert_int_eq (chart_write (r, dir, &o), -1);
  ck_assert_int_eq (gd_get_errno (), ETIMEDOUT);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "killed"));
  ck_assert ((gd_now_ns () - t0) / 1000000 < 5000);
  free (prog);
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

START_TEST (test_chart_gnuplot_fails)
{
  struct bench_results *r = sample_results (1);
  char *dir = make_tmpdir ();
  char *prog = fake_gnuplot (dir, "echo 'line 7: undefined variable' >&2; "
                             "exit 3");
  struct chart_options o = { prog, 5 };

  ck_assert_int_eq (chart_write (r, dir, &o), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "exit 3"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "undefined variable"));
  free (prog);
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

START_TEST (test_chart_nothing)
{
  struct bench_results *r = results_new (2, 1);
  char *dir = make_tmpdir ();
  const double one[] = { 1 };

  add (r, "upload", "kvm", BENCH_TOOL_SELF, MB, one, 1);
  ck_assert_int_eq (chart_write_script (r, dir), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "nothing to chart"));
  remove_tmpdir (dir);
  results_free (r);
}
END_TEST

static Suite *
bench_report_suite (void)
{
  Suite *s = suite_create ("bench-report");
  TCase *tc = tcase_create ("report");
  TCase *ch = tcase_create ("chart");

  tcase_add_test (tc, test_table_line);
  tcase_add_test (tc, test_table_no_peer);
  tcase_add_test (tc, test_table_skip_and_fail);
  tcase_add_test (tc, test_mbps_consistent);
  tcase_add_test (tc, test_method_header);
  tcase_add_test (tc, test_decomposition);
  tcase_add_test (tc, test_csv_quoting);
  tcase_add_test (tc, test_csv_file);
  tcase_add_test (tc, test_json_checker_itself);
  tcase_add_test (tc, test_json_file);
  tcase_add_test (tc, test_write_all);
  suite_add_tcase (s, tc);

  tcase_set_timeout (ch, 60);
  tcase_add_test (ch, test_chart_png);
  tcase_add_test (ch, test_chart_no_gnuplot);
  tcase_add_test (ch, test_chart_timeout);
  tcase_add_test (ch, test_chart_gnuplot_fails);
  tcase_add_test (ch, test_chart_nothing);
  suite_add_tcase (s, ch);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (bench_report_suite ());
  int failed;

  srunner_set_fork_status (sr, CK_FORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
