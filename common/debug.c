/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debug printer: "[   1.234567] layer: message" on stderr, time since the
 * run's origin.  errno is preserved.  Messages carry guest text (console
 * lines, daemon errors), so control characters are escaped here, once for
 * every layer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "guest-text.h"

int gd_verbose;

void
gd_debug_print (const char *layer, const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  uint64_t t;
  char *msg = NULL, *safe = NULL;
  int n;

  gd_clock_init ();
  t = gd_now_ns () - gd_clock_origin;
  flockfile (stderr);
  fprintf (stderr, "[%4u.%06u] %s: ", (unsigned) (t / 1000000000),
           (unsigned) (t % 1000000000 / 1000), layer);
  va_start (ap, fmt);
  n = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (n >= 0)
    safe = guest_escape_dup (msg, (size_t) n, true);
  fputs (safe ? safe : "(out of memory)", stderr);
  fputc ('\n', stderr);
  funlockfile (stderr);
  free (msg);
  free (safe);
  errno = saved;
}
