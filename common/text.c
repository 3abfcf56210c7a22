/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text helpers (see text.h). */
#include <string.h>

#include "text.h"

const char *
gd_last_line (const char *buf, size_t len, size_t *line_len)
{
  const char *end, *start;

  if (!buf) {
    *line_len = 0;
    return "";
  }
  while (len > 0 && strchr ("\n\r \t", buf[len - 1]) && buf[len - 1] != '\0')
    len--;
  end = buf + len;
  start = memrchr (buf, '\n', len);
  start = start ? start + 1 : buf;
  *line_len = (size_t) (end - start);
  return start;
}
