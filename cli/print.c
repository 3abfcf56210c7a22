/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printing a reply body the way guestfish prints each return type:
 * numbers and "true"/"false" on a line, a string followed by a newline,
 * one line per list element, "key: value" for hashtables, "field: value"
 * lines for a struct and "[i] = {" ... "}" blocks, indented, for a
 * struct list; a buffer is written raw.  The body is the daemon's, so
 * every length is checked against what is left of it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

int
cli_xdr_u32 (struct cli_xdr *x, uint32_t *v)
{
  if (x->left < 4) {
    gd_set_error ("reply body truncated");
    return -1;
  }
  *v = (uint32_t) x->p[0] << 24 | (uint32_t) x->p[1] << 16 |
       (uint32_t) x->p[2] << 8 | x->p[3];
  x->p += 4;
  x->left -= 4;
  return 0;
}

int
cli_xdr_u64 (struct cli_xdr *x, uint64_t *v)
{
  uint32_t hi, lo;

  if (cli_xdr_u32 (x, &hi) == -1 || cli_xdr_u32 (x, &lo) == -1)
    return -1;
  *v = (uint64_t) hi << 32 | lo;
  return 0;
}

/* Opaque bytes with a length word (or a fixed LEN when fixed >= 0). */
int
cli_xdr_bytes (struct cli_xdr *x, long fixed, const unsigned char **data, size_t *len)
{
  uint32_t n;
  size_t padded;

  if (fixed >= 0)
    n = (uint32_t) fixed;
  else if (cli_xdr_u32 (x, &n) == -1)
    return -1;
  padded = ((size_t) n + 3) & ~(size_t) 3;
  if (padded > x->left) {
    gd_set_error ("reply body: length %" PRIu32 " exceeds the %zu bytes left",
                  n, x->left);
    return -1;
  }
  *data = x->p;
  *len = n;
  x->p += padded;
  x->left -= padded;
  return 0;
}

/* guestfish prints C strings: an embedded NUL ends them. */
static void
put_string (FILE *o, const unsigned char *s, size_t n)
{
  fwrite (s, 1, strnlen ((const char *) s, n), o);
}

void
cli_print_escaped (FILE *o, const unsigned char *d, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    /* c_isprint: the ASCII printable range. */
    if (d[i] >= 0x20 && d[i] < 0x7f)
      fputc (d[i], o);
    else
      fprintf (o, "\\x%02x", d[i]);
  }
}

static int
print_field_value (FILE *o, struct cli_xdr *x, char code)
{
  const unsigned char *d;
  size_t n;
  uint32_t w;
  uint64_t q;

  switch (code) {
  case 's':
    if (cli_xdr_bytes (x, -1, &d, &n) == -1)
      return -1;
    put_string (o, d, n);
    return 0;
  case 'U':
    if (cli_xdr_bytes (x, 32, &d, &n) == -1)
      return -1;
    fwrite (d, 1, n, o);
    return 0;
  case 'B':
    if (cli_xdr_bytes (x, -1, &d, &n) == -1)
      return -1;
    cli_print_escaped (o, d, n);
    return 0;
  case 'u':
    if (cli_xdr_u32 (x, &w) == -1)
      return -1;
    fprintf (o, "%" PRIu32, w);
    return 0;
  case 'i':
    if (cli_xdr_u32 (x, &w) == -1)
      return -1;
    fprintf (o, "%" PRIi32, (int32_t) w);
    return 0;
  case 'c':
    if (cli_xdr_u32 (x, &w) == -1)
      return -1;
    fputc ((char) w, o);
    return 0;
  case 'I':
    if (cli_xdr_u64 (x, &q) == -1)
      return -1;
    fprintf (o, "%" PRIi64, (int64_t) q);
    return 0;
  case 'Q':
    if (cli_xdr_u64 (x, &q) == -1)
      return -1;
    fprintf (o, "%" PRIu64, q);
    return 0;
  case 'f': {
    float f;
    if (cli_xdr_u32 (x, &w) == -1)
      return -1;
    memcpy (&f, &w, sizeof f);
    /* OptPercent: negative means "not present". */
    if (f >= 0)
      fprintf (o, "%g %%", (double) f);
    return 0;
  }
  }
  gd_set_error ("struct field code '%c'", code);
  return -1;
}

static int
print_struct (FILE *o, struct cli_xdr *x, const struct proto_struct_info *si,
              const char *indent)
{
  const char *name = si->field_names;

  for (const char *f = si->fields; *f; f++) {
    size_t nl = strcspn (name, " ");
    fprintf (o, "%s%.*s: ", indent, (int) nl, name);
    if (print_field_value (o, x, *f) == -1)
      return -1;
    fputc ('\n', o);
    name += nl + (name[nl] == ' ');
  }
  return 0;
}

int
cli_print_struct_stream (struct cli_xdr *x, const struct proto_struct_info *si)
{
  char *text = NULL;
  size_t len = 0;
  FILE *o = open_memstream (&text, &len);
  int r = 0;

  if (!o) {
    gd_set_error_errno ("open_memstream");
    return -1;
  }
  for (uint32_t i = 0; r == 0 && x->left > 0; i++) {
    fprintf (o, "[%" PRIu32 "] = {\n", i);
    r = print_struct (o, x, si, "  ");
    fputs ("}\n", o);
  }
  if (fclose (o) == EOF && r == 0) {
    gd_set_error_errno ("open_memstream");
    r = -1;
  }
  if (r == 0)
    fwrite (text, 1, len, stdout);
  free (text);
  return r;
}

static int
print_strings (struct cli_xdr *x, bool table)
{
  uint32_t n;

  if (cli_xdr_u32 (x, &n) == -1)
    return -1;
  if (n > x->left / 4) {
    gd_set_error ("reply body: %" PRIu32 " strings in %zu bytes", n, x->left);
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    const unsigned char *d;
    size_t len;
    if (cli_xdr_bytes (x, -1, &d, &len) == -1)
      return -1;
    put_string (stdout, d, len);
    /* guestfish prints pairs; an odd last key gets a "(null)" value. */
    if (table && i % 2 == 0)
      fputs (i + 1 < n ? ": " : ": (null)\n", stdout);
    else
      putchar ('\n');
  }
  return 0;
}

int
cli_print_reply (const struct proto_proc_info *pi, const struct proto_reply *r)
{
  struct cli_xdr x = { r->body, r->body ? r->body_len : 0 };
  const unsigned char *d;
  size_t n;
  uint32_t w;
  uint64_t q;
  const struct cli_cmd_info *ci = cli_cmd_by_proc (pi->proc);
  int base = ci ? ci->output : CLI_OUT_DEC;

  switch (pi->ret) {
  case 'n':
    return 0;
  case 'i':
    if (cli_xdr_u32 (&x, &w) == -1)
      return -1;
    if (base == CLI_OUT_OCTAL)
      printf ("%s%o\n", w ? "0" : "", (unsigned) w);
    else if (base == CLI_OUT_HEX)
      printf ("%s%x\n", w ? "0x" : "", (unsigned) w);
    else
      printf ("%" PRIi32 "\n", (int32_t) w);
    return 0;
  case 'I':
    if (cli_xdr_u64 (&x, &q) == -1)
      return -1;
    printf ("%" PRIi64 "\n", (int64_t) q);
    return 0;
  case 'b':
    if (cli_xdr_u32 (&x, &w) == -1)
      return -1;
    puts (w ? "true" : "false");
    return 0;
  case 's':
    if (cli_xdr_bytes (&x, -1, &d, &n) == -1)
      return -1;
    put_string (stdout, d, n);
    putchar ('\n');
    return 0;
  case 'L':
  case 'H':
    return print_strings (&x, pi->ret == 'H');
  case 'B':
    if (cli_xdr_bytes (&x, -1, &d, &n) == -1)
      return -1;
    fwrite (d, 1, n, stdout);
    return 0;
  case 'S':
    return print_struct (stdout, &x, &proto_structs[pi->ret_struct], "");
  case 'T':
    if (cli_xdr_u32 (&x, &w) == -1)
      return -1;
    if (w > x.left / 4) {
      gd_set_error ("reply body: %" PRIu32 " structs in %zu bytes", w, x.left);
      return -1;
    }
    for (uint32_t i = 0; i < w; i++) {
      printf ("[%" PRIu32 "] = {\n", i);
      if (print_struct (stdout, &x, &proto_structs[pi->ret_struct], "  ") == -1)
        return -1;
      puts ("}");
    }
    return 0;
  }
  gd_set_error ("return code '%c'", pi->ret);
  return -1;
}
