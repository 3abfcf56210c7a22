/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect-list-applications(2): the packages of an inspected guest,
 * read as libguestfs 1.48 reads them, from the guest mounted already
 * (guestfish -i): dpkg's status file, pacman's local database and
 * apk's installed file are downloaded and parsed here; rpm's database
 * is read by the daemon (internal_list_rpm_applications).  The list is
 * sorted by name.  Windows (the registry's Uninstall keys) is not
 * implemented and says so.  Guest files are untrusted: each download
 * is bounded as libguestfs bounds it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

/* libguestfs's limits: dpkg status and apk installed 50 MB, a pacman
 * desc file 8 KiB.
 */
#define MAX_DB (50 * 1000 * 1000)
#define MAX_DESC 8192

/* The string fields of application2, by the name after "app2_". */
enum { NAME, DISPLAY, VERSION, RELEASE, ARCH, INSTALL, TRANS, PUBLISHER,
       URL, SOURCE, SUMMARY, DESCR, NFIELDS };
static const char *const field[NFIELDS] = {
  "name", "display_name", "version", "release", "arch", "install_path",
  "trans_path", "publisher", "url", "source_package", "summary", "description",
};

struct app { char *s[NFIELDS]; int32_t epoch; };
struct apps { struct app *v; size_t n; };

static void
apps_free (struct apps *a)
{
  for (size_t i = 0; i < a->n; i++)
    for (int f = 0; f < NFIELDS; f++)
      free (a->v[i].s[f]);
  free (a->v);
}

/* A new entry, every string "" (an unset field prints empty). */
static struct app *
apps_add (struct apps *a)
{
  struct app *v = realloc (a->v, (a->n + 1) * sizeof *v);

  if (!v) {
    gd_set_error_errno ("realloc");
    return NULL;
  }
  a->v = v;
  v = &a->v[a->n++];
  v->epoch = 0;
  for (int f = 0; f < NFIELDS; f++)
    if (!(v->s[f] = strdup (""))) {
      gd_set_error_errno ("strdup");
      return NULL;
    }
  return v;
}

static int
set (struct app *p, int f, const char *val)
{
  char *s = strdup (val ? val : "");

  if (!s) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  free (p->s[f]);
  p->s[f] = s;
  return 0;
}

/* The index of application(2)'s field NAME ("app2_version"), or -1
 * for the epoch and the spare fields.
 */
static int
field_of (const char *name, size_t len)
{
  const char *u = memchr (name, '_', len);

  if (u)
    for (int f = 0; f < NFIELDS; f++)
      if (strlen (field[f]) == len - (size_t) (u + 1 - name) &&
          strncmp (field[f], u + 1, strlen (field[f])) == 0)
        return f;
  return -1;
}

/* dpkg and apk write "[epoch:]version[-release]"; the epoch must be a
 * number (libguestfs's parse_unsigned_int), else the package is skipped
 * and the error printed (reported on C, the run goes on).
 */
static void
split_version (struct cli *c, char *v, int32_t *epoch, char **ver, char **rel)
{
  char *colon = strchr (v, ':'), *dash;

  *epoch = 0;
  if (colon) {
    char *end;
    long e;
    *colon = '\0';
    e = strtol (v, &end, 10);
    *epoch = end == v || *end || e < 0 || e > INT32_MAX ? -1 : (int32_t) e;
    if (end == v || *end) {
      gd_set_error ("could not parse integer in version number: %s", v);
      lib_report (c);
    }
    v = colon + 1;
  }
  *ver = v;
  *rel = NULL;
  if ((dash = strchr (v, '-'))) {
    *dash = '\0';
    *rel = dash + 1;
  }
}

/* One package's paragraph as dpkg's and apk's parsers collect it. */
struct para {
  char *cur[NFIELDS], *version, *rel;
  int32_t epoch;
};

/* Field F of the paragraph becomes VAL. */
static int
para_field (struct para *p, int f, const char *val)
{
  free (p->cur[f]);
  if (!(p->cur[f] = strdup (val))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  return 0;
}

/* The version line's text V; apk's release drops a leading 'r'. */
static int
para_version (struct cli *c, struct para *p, char *v, bool apk)
{
  char *ver, *rl;

  split_version (c, v, &p->epoch, &ver, &rl);
  if (apk && rl && rl[0] == 'r')
    rl++;
  free (p->version);
  free (p->rel);
  p->version = strdup (ver);
  p->rel = rl ? strdup (rl) : NULL;
  if (!p->version || (rl && !p->rel)) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  return 0;
}

static void
para_clear (struct para *p)
{
  for (int k = 0; k < NFIELDS; k++)
    free (p->cur[k]);
  free (p->version);
  free (p->rel);
  memset (p, 0, sizeof *p);
}

/* The paragraph ends: its package is added if KEEP and it has a name
 * and a version with a valid epoch; then it is cleared.
 */
static int
para_end (struct para *p, struct apps *a, bool keep)
{
  int r = 0;

  if (keep && p->cur[NAME] && p->version && p->epoch >= 0) {
    struct app *e = apps_add (a);
    r = -1;
    if (e) {
      e->epoch = p->epoch;
      r = 0;
      for (int k = 0; k < NFIELDS && r == 0; k++)
        if (p->cur[k])
          r = set (e, k, p->cur[k]);
      if (r == 0 && (set (e, VERSION, p->version) == -1 ||
                     set (e, RELEASE, p->rel) == -1))
        r = -1;
    }
  }
  para_clear (p);
  return r;
}

/* /var/lib/dpkg/status: paragraphs; an installed package is added at
 * the blank line ending its paragraph.  Lines are read as fgets with a
 * 1024-byte buffer reads them, so longer lines come in pieces.
 */
static int
list_deb (struct cli *c, const char *db, size_t len, struct apps *a)
{
  char line[1024], **cont = NULL;
  struct para p = { 0 };
  bool installed = false;
  size_t pos = 0;
  int r = -1;

  while (pos < len) {
    size_t n = 0;
    while (pos < len && n < sizeof line - 1) {
      line[n++] = db[pos++];
      if (line[n - 1] == '\n')
        break;
    }
    line[n] = '\0';
    n = strlen (line);
    if (n > 0 && line[n - 1] == '\n')
      line[--n] = '\0';

    if (line[0] == ' ' && cont) {
      /* A description's continuation lines, joined by newlines. */
      size_t old = *cont ? strlen (*cont) : 0;
      char *s = realloc (*cont, old + n + 1);
      if (!s) {
        gd_set_error_errno ("realloc");
        goto out;
      }
      if (old)
        s[old++] = '\n';
      memcpy (s + old, line + 1, n);
      *cont = s;
    }
    else
      cont = NULL;

    int f = -1;
    const char *val = NULL;
    if (strncmp (line, "Package: ", 9) == 0)
      f = NAME, val = line + 9;
    else if (strncmp (line, "Status: ", 8) == 0)
      installed = strstr (line + 8, "installed") != NULL;
    else if (strncmp (line, "Version: ", 9) == 0) {
      if (para_version (c, &p, line + 9, false) == -1)
        goto out;
    }
    else if (strncmp (line, "Architecture: ", 14) == 0)
      f = ARCH, val = line + 14;
    else if (strncmp (line, "Homepage: ", 10) == 0)
      f = URL, val = line + 10;
    else if (strncmp (line, "Source: ", 8) == 0) {
      /* "Source: foo (1.0)" names the package foo. */
      line[8 + strcspn (line + 8, " ")] = '\0';
      f = SOURCE, val = line + 8;
    }
    else if (strncmp (line, "Description: ", 13) == 0) {
      /* A second Description in one paragraph goes on the first's text. */
      f = SUMMARY, val = line + 13;
      cont = &p.cur[DESCR];
    }
    else if (line[0] == '\0') {
      if (para_end (&p, a, installed) == -1)
        goto out;
      installed = false;
    }
    if (f >= 0 && para_field (&p, f, val) == -1)
      goto out;
  }
  r = 0;
 out:
  para_clear (&p);
  return r;
}

/* /lib/apk/db/installed: "X:value" lines, paragraphs ended by a blank
 * line; the release drops its leading 'r'.
 */
static int
list_apk (struct cli *c, char *db, struct apps *a)
{
  struct para p = { 0 };
  int r = -1;

  for (char *line = db, *next; line; line = next) {
    size_t n = strcspn (line, "\n");
    char empty[1] = "", *val;
    int f = -1;
    next = line[n] ? line + n + 1 : NULL;
    if (!next && n == 0)
      break;
    line[n] = '\0';
    if (n > 1 && line[1] != ':')
      continue;
    /* A bare letter ("V" alone) has an empty value: never past its end. */
    val = n >= 2 ? line + 2 : empty;
    switch (line[0]) {
    case '\0':
      if (para_end (&p, a, true) == -1)
        goto out;
      break;
    case 'A': f = ARCH; break;
    case 'P': f = NAME; break;
    case 'T': f = DESCR; break;
    case 'U': f = URL; break;
    case 'V':
      if (para_version (c, &p, val, true) == -1)
        goto out;
      break;
    }
    if (f >= 0 && para_field (&p, f, val) == -1)
      goto out;
  }
  r = 0;
 out:
  para_clear (&p);
  return r;
}

/* One pacman desc file: "%KEY%" lines, each followed by its value. */
static int
pacman_desc (struct cli *c, char *desc, struct apps *a)
{
  char *val[NFIELDS] = { 0 }, *version = NULL;
  int want = -1;

  for (char *line = desc, *next; line && *line; line = next) {
    size_t n = strcspn (line, "\n");
    next = line[n] ? line + n + 1 : NULL;
    line[n] = '\0';
    if (n == 0)
      want = -1;
    else if (want != -1) {
      if (want == VERSION)
        version = line;
      else
        val[want] = line;
      want = -1;
    }
    else if (strcmp (line, "%NAME%") == 0) want = NAME;
    else if (strcmp (line, "%VERSION%") == 0) want = VERSION;
    else if (strcmp (line, "%DESC%") == 0) want = DESCR;
    else if (strcmp (line, "%URL%") == 0) want = URL;
    else if (strcmp (line, "%ARCH%") == 0) want = ARCH;
  }
  /* Name, version (with a release) and arch are mandatory. */
  if (val[NAME] && version && val[ARCH]) {
    int32_t epoch;
    char *ver, *rel;
    split_version (c, version, &epoch, &ver, &rel);
    if (rel && epoch >= 0 && *ver && *rel) {
      struct app *p = apps_add (a);
      if (!p)
        return -1;
      p->epoch = epoch;
      for (int k = 0; k < NFIELDS; k++)
        if (val[k] && set (p, k, val[k]) == -1)
          return -1;
      if (set (p, VERSION, ver) == -1 || set (p, RELEASE, rel) == -1)
        return -1;
    }
  }
  return 0;
}

static int
list_pacman (struct cli *c, struct apps *a)
{
  static const char dir[] = "/var/lib/pacman/local";
  char *v[] = { (char *) "readdir", (char *) dir, NULL };
  struct proto_reply rep = { 0 };
  struct cli_xdr x;
  uint32_t n;
  int r = lib_call (c, PROC_READDIR, 2, v, &rep);

  if (r == -1) {
    proto_reply_free (&rep);
    return -1;
  }
  x = (struct cli_xdr) { rep.body, rep.body ? rep.body_len : 0 };
  if ((r = cli_xdr_u32 (&x, &n)) == -1)
    goto out;
  for (uint32_t i = 0; i < n && r == 0; i++) {
    uint64_t ino;
    uint32_t ftyp;
    const unsigned char *name;
    size_t len;
    char path[4096], *desc;
    size_t dlen;
    if ((r = cli_xdr_u64 (&x, &ino)) == -1 || (r = cli_xdr_u32 (&x, &ftyp)) == -1 ||
        (r = cli_xdr_bytes (&x, -1, &name, &len)) == -1)
      break;
    if (ftyp != 'd' || (len == 1 && name[0] == '.') ||
        (len == 2 && memcmp (name, "..", 2) == 0) ||
        snprintf (path, sizeof path, "%s/%.*s/desc", dir, (int) len, name) >= (int) sizeof path)
      continue;
    /* A package without a readable, small desc file is skipped. */
    if (lib_download_max (c, path, MAX_DESC, &desc, &dlen) == -1) {
      lib_report (c);
      continue;
    }
    if (pacman_desc (c, desc, a) == -1)
      r = -2;
    free (desc);
  }
 out:
  /* -1: the reply did not decode; -2: out of memory (error set). */
  if (r == -1)
    gd_error_prefix ("readdir");
  proto_reply_free (&rep);
  r = r ? -1 : 0;
  return r;
}

/* The daemon's application2 list (rpm). */
static int
list_rpm (struct cli *c, struct apps *a)
{
  const struct proto_struct_info *si = lib_struct ("application2");
  char *v[] = { (char *) "internal_list_rpm_applications", NULL };
  struct proto_reply rep = { 0 };
  struct cli_xdr x;
  uint32_t n;
  int r = lib_call (c, PROC_INTERNAL_LIST_RPM_APPLICATIONS, 1, v, &rep);

  if (r == -1)
    goto out;
  x = (struct cli_xdr) { rep.body, rep.body ? rep.body_len : 0 };
  if (!si || (r = cli_xdr_u32 (&x, &n)) == -1 || n > x.left / 4) {
    gd_set_error ("reply body: bad application2 list");
    r = -1;
    goto out;
  }
  for (uint32_t i = 0; i < n && r == 0; i++) {
    struct app *p = apps_add (a);
    const char *name = si->field_names;
    if (!p) {
      r = -1;
      break;
    }
    for (const char *fc = si->fields; *fc && r == 0; fc++) {
      size_t nl = strcspn (name, " ");
      int f = field_of (name, nl);
      uint32_t w;
      char *s;
      if (*fc == 'i' && (r = cli_xdr_u32 (&x, &w)) == 0)
        p->epoch = (int32_t) w;
      else if (*fc == 's' && (r = lib_xdr_string (&x, &s)) == 0) {
        if (f >= 0) {
          free (p->s[f]);
          p->s[f] = s;
        }
        else
          free (s);
      }
      else if (*fc != 'i' && *fc != 's') {
        gd_set_error ("application2: field code '%c'", *fc);
        r = -1;
      }
      name += nl + (name[nl] == ' ');
    }
  }
 out:
  proto_reply_free (&rep);
  return r;
}

static int
cmp_app (const void *x, const void *y)
{
  return strcmp (((const struct app *) x)->s[NAME], ((const struct app *) y)->s[NAME]);
}

/* As guestfish prints a struct list, field by field of SI. */
static void
print_apps (const struct apps *a, const struct proto_struct_info *si)
{
  for (size_t i = 0; i < a->n; i++) {
    const char *name = si->field_names;
    printf ("[%zu] = {\n", i);
    for (const char *fc = si->fields; *fc; fc++) {
      size_t nl = strcspn (name, " ");
      int f = field_of (name, nl);
      printf ("  %.*s: ", (int) nl, name);
      if (*fc == 'i')
        printf ("%" PRIi32 "\n", a->v[i].epoch);
      else
        printf ("%s\n", f >= 0 ? a->v[i].s[f] : "");
      name += nl + (name[nl] == ' ');
    }
    puts ("}");
  }
}

int
lib_list_applications (struct cli *c, int argc, char **argv)
{
  bool v2 = strcmp (argv[0], "inspect-list-applications2") == 0;
  const struct proto_struct_info *si = lib_struct (v2 ? "application2" : "application");
  struct apps a = { 0 };
  char *type = NULL, *fmt = NULL, *db = NULL;
  size_t len;
  int r = -1;

  if (argc != 2)
    return -2;
  if (!si) {
    gd_set_error ("struct application is not in this build");
    return -1;
  }
  if (lib_call_string (c, PROC_INSPECT_GET_TYPE, argv[1], &type) == -1 ||
      lib_call_string (c, PROC_INSPECT_GET_PACKAGE_FORMAT, argv[1], &fmt) == -1)
    goto out;
  if (strcmp (type, "linux") == 0 || strcmp (type, "hurd") == 0) {
    if (strcmp (fmt, "rpm") == 0 && list_rpm (c, &a) == -1)
      goto out;
    if (strcmp (fmt, "deb") == 0 &&
        (lib_download_max (c, "/var/lib/dpkg/status", MAX_DB, &db, &len) == -1 ||
         list_deb (c, db, len, &a) == -1))
      goto out;
    if (strcmp (fmt, "pacman") == 0 && list_pacman (c, &a) == -1)
      goto out;
    if (strcmp (fmt, "apk") == 0 &&
        (lib_download_max (c, "/lib/apk/db/installed", MAX_DB, &db, &len) == -1 ||
         list_apk (c, db, &a) == -1))
      goto out;
  }
  else if (strcmp (type, "windows") == 0) {
    gd_set_error ("%s: the applications of Windows guests (registry) are not "
                  "implemented in guestdrv", argv[0]);
    goto out;
  }
  /* Other guests: an empty list, as libguestfs gives. */
  if (a.n > 1)
    qsort (a.v, a.n, sizeof *a.v, cmp_app);
  print_apps (&a, si);
  r = 0;
 out:
  apps_free (&a);
  free (type);
  free (fmt);
  free (db);
  return r;
}
