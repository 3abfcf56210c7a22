/* Debug printer: "[   1.234567] layer: message" on stderr, time since the
 * run's origin.  errno is preserved.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "debug.h"

int gd_verbose;

void
gd_debug_print (const char *layer, const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  uint64_t t;

  gd_clock_init ();
  t = gd_now_ns () - gd_clock_origin;
  flockfile (stderr);
  fprintf (stderr, "[%4u.%06u] %s: ", (unsigned) (t / 1000000000),
           (unsigned) (t % 1000000000 / 1000), layer);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  funlockfile (stderr);
  errno = saved;
}
