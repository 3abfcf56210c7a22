/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict parsers and escaping for text from the guest (guest-text.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest-text.h"

int
guest_parse_seconds (const char *s, const char **end, double *v)
{
  double x = 0, scale = 1;
  const char *p = s;
  int digits = 0;

  /* Digit by digit instead of strtod: strtod takes "inf", "nan", hex and
   * exponents, none of which a guest clock prints.
   */
  while (*p >= '0' && *p <= '9') {
    x = x * 10 + (*p - '0');
    if (x > GUEST_SECONDS_MAX)
      return -1;
    p++;
    digits++;
  }
  if (digits == 0)
    return -1;
  if (*p == '.') {
    p++;
    /* Nanoseconds are the host clock's resolution; more digits are
     * accepted but ignored.
     */
    for (int i = 0; *p >= '0' && *p <= '9'; i++, p++)
      if (i < 9) {
        scale /= 10;
        x += (*p - '0') * scale;
      }
  }
  *v = x;
  if (end)
    *end = p;
  return 0;
}

int
guest_parse_mark (const char *line, double *uptime, char *stage,
                  size_t stagesz)
{
  static const char prefix[] = "guestdrv-mark ";
  const char *p;
  size_t n = 0;

  if (stagesz < 2 || strncmp (line, prefix, sizeof prefix - 1) != 0)
    return -1;
  if (guest_parse_seconds (line + sizeof prefix - 1, &p, uptime) == -1 ||
      *p != ' ')
    return -1;
  for (p++; *p && *p != ' ' && *p != '\r' && *p != '\n'; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return -1;
    if (n + 1 >= stagesz)
      return -1;
    stage[n++] = c;
  }
  if (n == 0)
    return -1;
  stage[n] = '\0';
  return 0;
}

int
guest_parse_dmesg_time (const char *line, double *t, const char **text)
{
  const char *p;

  if (line[0] != '[')
    return -1;
  p = line + 1;
  while (*p == ' ')
    p++;
  if (guest_parse_seconds (p, &p, t) == -1 || *p != ']')
    return -1;
  p++;
  while (*p == ' ')
    p++;
  *text = p;
  return 0;
}

size_t
guest_utf8_len (const unsigned char *s, size_t n)
{
  uint32_t cp;
  size_t len, i;

  if (n == 0)
    return 0;
  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    len = 2;
    cp = s[0] & 0x1f;
  }
  else if (s[0] >= 0xe0 && s[0] <= 0xef) {
    len = 3;
    cp = s[0] & 0x0f;
  }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    len = 4;
    cp = s[0] & 0x07;
  }
  else
    return 0;
  if (n < len)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return 0;
  return len;
}

size_t
guest_escape (char *out, size_t outsz, const char *in, size_t len,
              bool keep_newline)
{
  const unsigned char *s = (const unsigned char *) in;
  size_t o = 0, i = 0;

  if (outsz == 0)
    return 0;
  while (i < len) {
    size_t u = guest_utf8_len (s + i, len - i);
    /* C1 controls (U+0080..U+009F) are two bytes in UTF-8; some
     * terminals act on them like ESC sequences.
     */
    bool c1 = u == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0;
    bool ctl = u == 1 && (s[i] < 0x20 || s[i] == 0x7f) &&
               !(keep_newline && s[i] == '\n') && s[i] != '\t';

    if (u == 0 || ctl || c1) {
      size_t k = u == 0 ? 1 : u;
      for (size_t j = 0; j < k; j++) {
        if (o + 4 >= outsz)
          goto out;
        snprintf (out + o, 5, "\\x%02x", s[i + j]);
        o += 4;
      }
      i += k;
    }
    else {
      if (o + u >= outsz)
        goto out;
      memcpy (out + o, s + i, u);
      o += u;
      i += u;
    }
  }
 out:
  out[o] = '\0';
  return o;
}

char *
guest_escape_dup (const char *in, size_t len, bool keep_newline)
{
  size_t cap;
  char *out;

  if (len > (SIZE_MAX - 1) / 4)
    return NULL;
  cap = len * 4 + 1;
  out = malloc (cap);

  if (out)
    guest_escape (out, cap, in, len, keep_newline);
  return out;
}
