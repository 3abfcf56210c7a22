/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one JSON writer: strings, numbers, and objects and arrays built
 * call by call, into a FILE* or a growable buffer.
 *
 * Strings follow RFC 8259 section 7: '"' and '\' are escaped, the
 * control characters U+0000..U+001F use the two-character forms (\b \f
 * \n \r \t) or \u00XX, and DEL (0x7f) is written \u007f.  Valid UTF-8
 * passes through; each byte that does not start a valid UTF-8 sequence
 * (guest bytes, file names) becomes \ufffd, so the document stays valid.
 * Numbers: JSON has no NaN or infinity, so non-finite values are written
 * as null.
 */
#ifndef GUESTDRV_JSON_WRITE_H
#define GUESTDRV_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* S as a JSON string (NULL is written as ""); -1 on a write error. */
int json_write_string (FILE *f, const char *s);
/* The same for N bytes of S (NUL bytes become \u0000). */
int json_write_string_n (FILE *f, const char *s, size_t n);
/* X with DIGITS significant digits (%.*g), or null if not finite. */
int json_write_number (FILE *f, double x, int digits);

/* A writer that places the commas, colons and indentation.  Misuse (a
 * value where a key is due, unbalanced ends, nesting deeper than
 * what the reader accepts) and write errors make jw_finish fail.
 */
struct json_writer {
  FILE *f;
  int indent;                   /* spaces per level; 0: one line */
  int digits;                   /* of doubles; 0: 17 (round trip) */
  int depth;
  bool in_object[JSON_MAX_DEPTH + 2];
  bool has_items[JSON_MAX_DEPTH + 2];
  bool want_value;              /* a key was written */
  bool failed;
  bool own_file;                /* jw_init_buffer: F writes into buf */
  char *buf;
  size_t buflen;
};

void jw_init (struct json_writer *w, FILE *f, int indent);
/* Write into a growable buffer; jw_take_buffer returns it. */
int jw_init_buffer (struct json_writer *w, int indent);

void jw_object_begin (struct json_writer *w);
void jw_object_end (struct json_writer *w);
void jw_array_begin (struct json_writer *w);
void jw_array_end (struct json_writer *w);
void jw_key (struct json_writer *w, const char *key);
void jw_string (struct json_writer *w, const char *s);
void jw_number (struct json_writer *w, double x);
void jw_int (struct json_writer *w, int64_t v);
void jw_uint (struct json_writer *w, uint64_t v);
void jw_bool (struct json_writer *w, bool b);
void jw_null (struct json_writer *w);

/* 0 if the document is complete and was written; else -1, error set.
 * Does not close a caller's FILE*.
 */
int jw_finish (struct json_writer *w);
/* After jw_init_buffer: finishes and returns the NUL-terminated text
 * (malloc'd; *LEN its length if LEN is not NULL), or NULL, error set.
 */
char *jw_take_buffer (struct json_writer *w, size_t *len);

#endif
