/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Argument syntax as guestfish takes it: integers in C notation with
 * an optional size suffix (k, K, M, G, T, P, E, Z, Y: powers of 1024, or
 * of 1000 when followed by "B", of 1024 with "iB"), booleans, and string
 * lists written as space-separated words in one argument.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "../common/error.h"

/* The marked message (cli.h): a copy, so that an error set after it
 * (a prefix added, another failure) is not taken for it.
 */
static char fish_msg[1024];
static enum cli_fish_kind fish_kind;

void
cli_fish_mark (enum cli_fish_kind kind)
{
  fish_kind = kind;
  snprintf (fish_msg, sizeof fish_msg, "%s", gd_get_error ());
}

enum cli_fish_kind
cli_fish_kind (void)
{
  return fish_kind != CLI_FISH_NONE && strcmp (fish_msg, gd_get_error ()) == 0
         ? fish_kind : CLI_FISH_NONE;
}

static int
suffix_power (char c)
{
  static const char order[] = "KMGTPEZY";
  const char *p;

  if (c == 'k')
    return 1;
  p = strchr (order, c);
  return p && c ? (int) (p - order) + 1 : -1;
}

/* guestfish reads integers with gnulib's xstrtoll and reports its
 * status: 1 overflow, 2 a bad suffix (3 both), 4 no number at all.
 */
#define XSTRTOL_OVERFLOW 1
#define XSTRTOL_BAD_SUFFIX 2

int
cli_parse_int64_status (const char *s, int64_t *v)
{
  char *end;
  long long x;
  int power, base = 1024, status = 0;

  errno = 0;
  x = strtoll (s, &end, 0);
  if (end == s)
    return CLI_XSTRTOL_INVALID;
  if (errno == ERANGE)
    status = XSTRTOL_OVERFLOW;
  if (*end) {
    power = suffix_power (*end);
    if (power < 0)
      return status | XSTRTOL_BAD_SUFFIX;
    end++;
    if (end[0] == 'i' && end[1] == 'B')
      end += 2;
    else if (end[0] == 'B' || end[0] == 'D') {
      base = 1000;
      end++;
    }
    while (power-- > 0)
      if (__builtin_mul_overflow (x, (long long) base, &x)) {
        x = x < 0 ? LLONG_MIN : LLONG_MAX;
        status |= XSTRTOL_OVERFLOW;
        break;
      }
    if (*end)
      status |= XSTRTOL_BAD_SUFFIX;
  }
  if (status == 0)
    *v = x;
  return status;
}

int
cli_parse_int64 (const char *s, int64_t *v)
{
  int status = cli_parse_int64_status (s, v);

  if (status) {
    gd_set_error ("invalid integer parameter (xstrtoll returned %d)", status);
    return -1;
  }
  return 0;
}

/* guestfish's Int is a signed 32-bit int. */
int
cli_parse_int (const char *s, int32_t *v)
{
  int64_t x;

  if (cli_parse_int64 (s, &x) == -1)
    return -1;
  if (x < INT32_MIN || x > INT32_MAX) {
    gd_set_error ("integer out of range");
    return -1;
  }
  *v = (int32_t) x;
  return 0;
}

/* libguestfs checks a GUID argument on the host before the call: 36
 * characters (38 with braces around them), dashes at 8, 13, 18 and 23,
 * letters or digits elsewhere (not only hexadecimal ones).
 */
bool
cli_valid_guid (const char *s)
{
  size_t len = strlen (s);

  if (len == 38 && s[0] == '{' && s[37] == '}') {
    s++;
    len = 36;
  }
  if (len != 36)
    return false;
  for (size_t i = 0; i < len; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isalnum ((unsigned char) s[i]))
      return false;
  }
  return true;
}

int
cli_parse_bool (const char *s, bool *v)
{
  static const char *const yes[] = { "true", "t", "yes", "y", "on", "1" };
  static const char *const no[] = { "false", "f", "no", "n", "off", "0" };

  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (strcasecmp (s, yes[i]) == 0) {
      *v = true;
      return 0;
    }
    if (strcasecmp (s, no[i]) == 0) {
      *v = false;
      return 0;
    }
  }
  gd_set_error ("'%s': invalid boolean value, use 'true' or 'false'", s);
  cli_fish_mark (CLI_FISH_PROG);
  return -1;
}

/* Words separated by spaces or tabs; single or double quotes group, and
 * a backslash escapes the next character, as in a shell.
 */
char **
cli_parse_string_list (const char *s)
{
  size_t n = 0, len = strlen (s);
  char **v = calloc (len / 2 + 2, sizeof *v);
  const char *p = s;

  if (!v) {
    gd_set_error_errno ("calloc");
    return NULL;
  }
  for (;;) {
    char *w, quote = 0;
    size_t wl = 0;

    p += strspn (p, " \t");
    if (!*p)
      break;
    if (!(w = malloc (len + 1))) {
      gd_set_error_errno ("malloc");
      cli_free_words (v);
      return NULL;
    }
    for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
      if (quote && *p == quote)
        quote = 0;
      else if (!quote && (*p == '\'' || *p == '"'))
        quote = *p;
      else if (*p == '\\' && p[1] && quote != '\'')
        w[wl++] = *++p;
      else
        w[wl++] = *p;
    }
    if (quote) {
      free (w);
      cli_free_words (v);
      gd_set_error ("unterminated quote in string list '%s'", s);
      return NULL;
    }
    w[wl] = '\0';
    v[n++] = w;
  }
  return v;
}
