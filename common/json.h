/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON for guestdrv: a small bounded reader (here) and the one writer
 * (json-write.h).  `guestdrv report` reads traces back with the reader
 * and the disk layer parses QMP replies with it.  Bounded (nesting depth,
 * input size), strict (RFC 8259 grammar, UTF-8 passed through, \u
 * escapes decoded, NUL rejected), and never trusts its input.
 *
 * Why our own and not Jansson: the reader is fuzzed as it is used
 * (fuzz-qmp feeds it hostile QMP replies), each caller bounds the depth
 * and the size of what it parses, it is under 500 lines, and guestdrv
 * keeps its runtime dependencies to libtirpc (and libfuse3 for the disk
 * model).  The writers' needs (escaping, numbers, nesting) are as small.
 */
#ifndef GUESTDRV_JSON_H
#define GUESTDRV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
                 JSON_OBJECT };

struct json {
  enum json_type type;
  bool b;
  double num;
  char *str;                    /* JSON_STRING: NUL-terminated */
  size_t n;                     /* JSON_ARRAY/JSON_OBJECT: children */
  struct json *kids;
  char **keys;                  /* JSON_OBJECT: key of each child */
};

/* Parse LEN bytes of TEXT (one value, whitespace around it allowed).
 * Returns NULL with the error set ("json: line L column C: ...").
 */
struct json *json_parse (const char *text, size_t len);
/* Read and parse PATH, refusing files over MAX_BYTES. */
struct json *json_parse_file (const char *path, size_t max_bytes);
void json_free (struct json *j);

/* Lookups; all accept NULL and return NULL / the default. */
const struct json *json_get (const struct json *obj, const char *key);
/* Follow dotted KEYS ("otherData.summary.disk"); keys with dots inside
 * cannot be reached this way: use json_get.
 */
const struct json *json_path (const struct json *j, const char *keys);
double json_number (const struct json *j, double dflt);
const char *json_string (const struct json *j, const char *dflt);

/* Write J as JSON, indented by INDENT spaces per level (0 = one line);
 * with json-write.h's escaping and numbers of 15 significant digits.
 */
void json_write (FILE *f, const struct json *j, int indent);

#endif
