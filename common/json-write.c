/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON writer (see json-write.h) and json_write, the reader's tree
 * written back with it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json-write.h"
#include "error.h"
#include "guest-text.h"

int
json_write_string_n (FILE *f, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *) s;

  fputc ('"', f);
  while (n > 0) {
    unsigned char c = *p;
    size_t u = guest_utf8_len (p, n);

    if (u == 0) {
      fputs ("\\ufffd", f);
      u = 1;
    }
    else if (c == '"' || c == '\\')
      fprintf (f, "\\%c", c);
    else if (c == '\b') fputs ("\\b", f);
    else if (c == '\f') fputs ("\\f", f);
    else if (c == '\n') fputs ("\\n", f);
    else if (c == '\r') fputs ("\\r", f);
    else if (c == '\t') fputs ("\\t", f);
    else if (c < 0x20 || c == 0x7f)
      fprintf (f, "\\u%04x", c);
    else
      fwrite (p, 1, u, f);
    p += u;
    n -= u;
  }
  return fputc ('"', f) == EOF ? -1 : 0;
}

int
json_write_string (FILE *f, const char *s)
{
  return s ? json_write_string_n (f, s, strlen (s))
           : json_write_string_n (f, "", 0);
}

int
json_write_number (FILE *f, double x, int digits)
{
  if (!isfinite (x))
    return fputs ("null", f) == EOF ? -1 : 0;
  return fprintf (f, "%.*g", digits, x) < 0 ? -1 : 0;
}

void
jw_init (struct json_writer *w, FILE *f, int indent)
{
  memset (w, 0, sizeof *w);
  w->f = f;
  w->indent = indent;
}

int
jw_init_buffer (struct json_writer *w, int indent)
{
  jw_init (w, NULL, indent);
  w->f = open_memstream (&w->buf, &w->buflen);
  if (!w->f) {
    w->failed = true;           /* later calls do nothing */
    gd_set_error_errno ("json: open_memstream");
    return -1;
  }
  w->own_file = true;
  return 0;
}

static void
newline (struct json_writer *w, int level)
{
  if (w->indent)
    fprintf (w->f, "\n%*s", w->indent * level, "");
}

/* Before a value: the comma and indentation of an item, unless the value
 * follows its key.  False (and the writer failed) if no value is due.
 */
static bool
before_value (struct json_writer *w)
{
  if (w->failed)
    return false;
  if (w->want_value) {
    w->want_value = false;
    return true;
  }
  if (w->in_object[w->depth] || (w->depth == 0 && w->has_items[0])) {
    w->failed = true;
    return false;
  }
  if (w->depth > 0) {
    if (w->has_items[w->depth])
      fputc (',', w->f);
    newline (w, w->depth);
  }
  w->has_items[w->depth] = true;
  return true;
}

static void
begin (struct json_writer *w, bool object)
{
  if (!before_value (w))
    return;
  if (w->depth > JSON_MAX_DEPTH) {
    w->failed = true;
    return;
  }
  fputc (object ? '{' : '[', w->f);
  w->depth++;
  w->in_object[w->depth] = object;
  w->has_items[w->depth] = false;
}

static void
end (struct json_writer *w, bool object)
{
  if (w->failed)
    return;
  if (w->depth == 0 || w->in_object[w->depth] != object || w->want_value) {
    w->failed = true;
    return;
  }
  if (w->has_items[w->depth])
    newline (w, w->depth - 1);
  fputc (object ? '}' : ']', w->f);
  w->depth--;
}

void jw_object_begin (struct json_writer *w) { begin (w, true); }
void jw_object_end (struct json_writer *w) { end (w, true); }
void jw_array_begin (struct json_writer *w) { begin (w, false); }
void jw_array_end (struct json_writer *w) { end (w, false); }

void
jw_key (struct json_writer *w, const char *key)
{
  if (w->failed)
    return;
  if (w->depth == 0 || !w->in_object[w->depth] || w->want_value) {
    w->failed = true;
    return;
  }
  if (w->has_items[w->depth])
    fputc (',', w->f);
  newline (w, w->depth);
  w->has_items[w->depth] = true;
  json_write_string (w->f, key);
  fputs (w->indent ? ": " : ":", w->f);
  w->want_value = true;
}

void
jw_string (struct json_writer *w, const char *s)
{
  if (before_value (w))
    json_write_string (w->f, s);
}

void
jw_number (struct json_writer *w, double x)
{
  if (before_value (w))
    json_write_number (w->f, x, w->digits ? w->digits : 17);
}

void
jw_int (struct json_writer *w, int64_t v)
{
  if (before_value (w))
    fprintf (w->f, "%" PRId64, v);
}

void
jw_uint (struct json_writer *w, uint64_t v)
{
  if (before_value (w))
    fprintf (w->f, "%" PRIu64, v);
}

void
jw_bool (struct json_writer *w, bool b)
{
  if (before_value (w))
    fputs (b ? "true" : "false", w->f);
}

void
jw_null (struct json_writer *w)
{
  if (before_value (w))
    fputs ("null", w->f);
}

int
jw_finish (struct json_writer *w)
{
  int bad = w->failed || w->depth != 0 || !w->has_items[0] || w->want_value;

  if (w->own_file) {
    if (fclose (w->f) == EOF && !bad) {
      w->f = NULL;
      gd_set_error_errno ("json: write");
      return -1;
    }
    w->f = NULL;
    w->own_file = false;
  }
  else if (!bad && (fflush (w->f) == EOF || ferror (w->f))) {
    gd_set_error_errno ("json: write");
    return -1;
  }
  if (bad) {
    errno = EINVAL;
    gd_set_error ("json: incomplete or misnested document");
    return -1;
  }
  return 0;
}

char *
jw_take_buffer (struct json_writer *w, size_t *len)
{
  char *b;

  if (jw_finish (w) == -1) {
    free (w->buf);
    w->buf = NULL;
    return NULL;
  }
  b = w->buf;
  if (len)
    *len = w->buflen;
  w->buf = NULL;
  return b;
}

static void
write_tree (struct json_writer *w, const struct json *j)
{
  switch (j->type) {
  case JSON_NULL: jw_null (w); return;
  case JSON_BOOL: jw_bool (w, j->b); return;
  case JSON_NUMBER: jw_number (w, j->num); return;
  case JSON_STRING: jw_string (w, j->str); return;
  case JSON_ARRAY:
    jw_array_begin (w);
    for (size_t i = 0; i < j->n; i++)
      write_tree (w, &j->kids[i]);
    jw_array_end (w);
    return;
  case JSON_OBJECT:
    jw_object_begin (w);
    for (size_t i = 0; i < j->n; i++) {
      jw_key (w, j->keys[i]);
      write_tree (w, &j->kids[i]);
    }
    jw_object_end (w);
    return;
  }
}

void
json_write (FILE *f, const struct json *j, int indent)
{
  struct json_writer w;

  if (!j)
    return;
  jw_init (&w, f, indent);
  w.digits = 15;
  write_tree (&w, j);
}
