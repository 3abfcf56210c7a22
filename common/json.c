/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON reader (see json.h): recursive descent over a bounded buffer,
 * building a small tree.  Errors carry the line and column.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "error.h"

struct parser {
  const char *s, *end, *p;
  const char *msg;              /* first error, NULL if none */
};

static int
fail (struct parser *ps, const char *msg)
{
  if (!ps->msg)
    ps->msg = msg;
  return -1;
}

static void
skip_ws (struct parser *ps)
{
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int
literal (struct parser *ps, const char *word)
{
  size_t n = strlen (word);

  if ((size_t) (ps->end - ps->p) < n || memcmp (ps->p, word, n) != 0)
    return fail (ps, "invalid literal");
  ps->p += n;
  return 0;
}

static int
hex4 (struct parser *ps, unsigned *v)
{
  *v = 0;
  if (ps->end - ps->p < 4)
    return fail (ps, "truncated \\u escape");
  for (int i = 0; i < 4; i++) {
    char c = *ps->p++;
    *v <<= 4;
    if (c >= '0' && c <= '9') *v |= c - '0';
    else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
    else return fail (ps, "bad hex digit in \\u escape");
  }
  return 0;
}

static size_t
put_utf8 (char *o, unsigned cp)
{
  if (cp < 0x80) { o[0] = cp; return 1; }
  if (cp < 0x800) { o[0] = 0xc0 | cp >> 6; o[1] = 0x80 | (cp & 0x3f); return 2; }
  if (cp < 0x10000) {
    o[0] = 0xe0 | cp >> 12; o[1] = 0x80 | ((cp >> 6) & 0x3f);
    o[2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  o[0] = 0xf0 | cp >> 18; o[1] = 0x80 | ((cp >> 12) & 0x3f);
  o[2] = 0x80 | ((cp >> 6) & 0x3f); o[3] = 0x80 | (cp & 0x3f);
  return 4;
}

/* At the opening quote.  The decoded string is never longer than its
 * source text, so one allocation of the source length suffices.
 */
static int
parse_string (struct parser *ps, char **out)
{
  const char *q;
  char *buf, *o;

  ps->p++;
  for (q = ps->p; q < ps->end && *q != '"'; q++)
    if (*q == '\\')
      q++;
  if (q >= ps->end)
    return fail (ps, "unterminated string");
  buf = o = malloc (q - ps->p + 1);
  if (!buf)
    return fail (ps, "out of memory");
  while (ps->p < ps->end && *ps->p != '"') {
    unsigned char c = *ps->p++;
    if (c < 0x20) {
      free (buf);
      return fail (ps, "control character in string");
    }
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    if (ps->p >= ps->end)
      break;
    c = *ps->p++;
    switch (c) {
    case '"': case '\\': case '/': *o++ = c; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u': {
      unsigned cp, lo;
      if (hex4 (ps, &cp) == -1)
        goto bad;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
          fail (ps, "unpaired surrogate in \\u escape");
          goto bad;
        }
        ps->p += 2;
        if (hex4 (ps, &lo) == -1)
          goto bad;
        if (lo < 0xdc00 || lo > 0xdfff) {
          fail (ps, "unpaired surrogate in \\u escape");
          goto bad;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      }
      else if (cp >= 0xdc00 && cp <= 0xdfff) {
        fail (ps, "unpaired surrogate in \\u escape");
        goto bad;
      }
      if (cp == 0) {
        fail (ps, "\\u0000 in string");
        goto bad;
      }
      /* A \u escape is 6 source bytes and at most 4 UTF-8 bytes; a
       * surrogate pair is 12 source bytes for 4.
       */
      o += put_utf8 (o, cp);
      break;
    }
    default:
      fail (ps, "bad escape in string");
      goto bad;
    }
  }
  ps->p++;                      /* closing quote */
  *o = '\0';
  *out = buf;
  return 0;
 bad:
  free (buf);
  return -1;
}

static int
parse_number (struct parser *ps, double *v)
{
  const char *start = ps->p;
  char tmp[64];
  size_t n;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end)
    return fail (ps, "truncated number");
  if (*ps->p == '0')
    ps->p++;
  else if (*ps->p >= '1' && *ps->p <= '9')
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ps->p++;
  else
    return fail (ps, "invalid number");
  if (ps->p < ps->end && *ps->p == '.') {
    ps->p++;
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
      return fail (ps, "invalid number");
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ps->p++;
  }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
    ps->p++;
    if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
      ps->p++;
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
      return fail (ps, "invalid number");
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ps->p++;
  }
  n = ps->p - start;
  if (n >= sizeof tmp)
    return fail (ps, "number too long");
  /* strtod needs a terminated copy: the input need not be. */
  memcpy (tmp, start, n);
  tmp[n] = '\0';
  *v = strtod (tmp, NULL);
  if (!isfinite (*v))
    return fail (ps, "number out of range");
  return 0;
}

static void
free_contents (struct json *j)
{
  for (size_t i = 0; i < j->n; i++) {
    free_contents (&j->kids[i]);
    if (j->keys)
      free (j->keys[i]);
  }
  free (j->kids);
  free (j->keys);
  free (j->str);
  memset (j, 0, sizeof *j);
}

/* Append a child slot to J (an array or object); NULL on OOM. */
static struct json *
add_kid (struct json *j, size_t *cap, char *key)
{
  if (j->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 4;
    struct json *nk = realloc (j->kids, ncap * sizeof *nk);
    if (!nk)
      return NULL;
    j->kids = nk;
    if (j->type == JSON_OBJECT) {
      char **nkeys = realloc (j->keys, ncap * sizeof *nkeys);
      if (!nkeys)
        return NULL;
      j->keys = nkeys;
    }
    *cap = ncap;
  }
  memset (&j->kids[j->n], 0, sizeof j->kids[0]);
  if (j->type == JSON_OBJECT)
    j->keys[j->n] = key;
  return &j->kids[j->n++];
}

static int parse_value (struct parser *ps, struct json *j, int depth);

static int
parse_container (struct parser *ps, struct json *j, int depth)
{
  char close = j->type == JSON_ARRAY ? ']' : '}';
  size_t cap = 0;

  ps->p++;
  skip_ws (ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    return 0;
  }
  for (;;) {
    char *key = NULL;
    struct json *kid;

    skip_ws (ps);
    if (j->type == JSON_OBJECT) {
      if (ps->p >= ps->end || *ps->p != '"')
        return fail (ps, "expected a string key");
      if (parse_string (ps, &key) == -1)
        return -1;
      skip_ws (ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        free (key);
        return fail (ps, "expected ':' after a key");
      }
      ps->p++;
    }
    kid = add_kid (j, &cap, key);
    if (!kid) {
      free (key);
      return fail (ps, "out of memory");
    }
    if (parse_value (ps, kid, depth + 1) == -1)
      return -1;
    skip_ws (ps);
    if (ps->p >= ps->end)
      return fail (ps, "unexpected end of input");
    if (*ps->p == ',') {
      ps->p++;
      continue;
    }
    if (*ps->p == close) {
      ps->p++;
      return 0;
    }
    return fail (ps, j->type == JSON_ARRAY ? "expected ',' or ']'"
                                           : "expected ',' or '}'");
  }
}

static int
parse_value (struct parser *ps, struct json *j, int depth)
{
  if (depth > JSON_MAX_DEPTH)
    return fail (ps, "nested too deeply");
  skip_ws (ps);
  if (ps->p >= ps->end)
    return fail (ps, "unexpected end of input");
  switch (*ps->p) {
  case '{': j->type = JSON_OBJECT; return parse_container (ps, j, depth);
  case '[': j->type = JSON_ARRAY; return parse_container (ps, j, depth);
  case '"': j->type = JSON_STRING; return parse_string (ps, &j->str);
  case 't': j->type = JSON_BOOL; j->b = true; return literal (ps, "true");
  case 'f': j->type = JSON_BOOL; j->b = false; return literal (ps, "false");
  case 'n': j->type = JSON_NULL; return literal (ps, "null");
  default: j->type = JSON_NUMBER; return parse_number (ps, &j->num);
  }
}

struct json *
json_parse (const char *text, size_t len)
{
  struct parser ps = { text, text + len, text, NULL };
  struct json *j = calloc (1, sizeof *j);

  if (!j) {
    gd_set_error_errno ("json");
    return NULL;
  }
  if (parse_value (&ps, j, 0) == 0) {
    skip_ws (&ps);
    if (ps.p == ps.end)
      return j;
    fail (&ps, "trailing data after the value");
  }
  {
    unsigned line = 1, col = 1;
    for (const char *q = text; q < ps.p && q < ps.end; q++) {
      if (*q == '\n') { line++; col = 1; }
      else col++;
    }
    errno = EINVAL;
    gd_set_error ("json: line %u column %u: %s", line, col, ps.msg);
  }
  json_free (j);
  return NULL;
}

struct json *
json_parse_file (const char *path, size_t max_bytes)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  struct json *j;
  char *buf;
  size_t got = 0;

  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("%s", path);
    if (fd >= 0)
      close (fd);
    return NULL;
  }
  if (!S_ISREG (st.st_mode) || (uint64_t) st.st_size > max_bytes) {
    errno = EFBIG;
    gd_set_error ("%s: not a regular file of at most %zu bytes", path, max_bytes);
    close (fd);
    return NULL;
  }
  buf = malloc (st.st_size ? st.st_size : 1);
  if (!buf) {
    gd_set_error_errno ("%s", path);
    close (fd);
    return NULL;
  }
  while (got < (size_t) st.st_size) {
    ssize_t r = read (fd, buf + got, st.st_size - got);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += r;
  }
  close (fd);
  j = json_parse (buf, got);
  free (buf);
  if (!j)
    gd_error_prefix ("%s", path);
  return j;
}

void
json_free (struct json *j)
{
  if (!j)
    return;
  free_contents (j);
  free (j);
}

const struct json *
json_get (const struct json *obj, const char *key)
{
  if (!obj || obj->type != JSON_OBJECT || !key)
    return NULL;
  for (size_t i = 0; i < obj->n; i++)
    if (strcmp (obj->keys[i], key) == 0)
      return &obj->kids[i];
  return NULL;
}

const struct json *
json_path (const struct json *j, const char *keys)
{
  char part[256];

  while (j && keys && *keys) {
    const char *dot = strchr (keys, '.');
    size_t n = dot ? (size_t) (dot - keys) : strlen (keys);
    if (n >= sizeof part)
      return NULL;
    memcpy (part, keys, n);
    part[n] = '\0';
    j = json_get (j, part);
    keys = dot ? dot + 1 : NULL;
  }
  return j;
}

double
json_number (const struct json *j, double dflt)
{
  return j && j->type == JSON_NUMBER ? j->num : dflt;
}

const char *
json_string (const struct json *j, const char *dflt)
{
  return j && j->type == JSON_STRING ? j->str : dflt;
}

