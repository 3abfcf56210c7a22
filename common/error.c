/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-thread error slot (see error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "guest-text.h"

static __thread char err_msg[4096];
static __thread int err_errno;

static void
set_va (int with_errno, const char *fmt, va_list ap)
{
  int saved = errno;
  int n = vsnprintf (err_msg, sizeof err_msg, fmt, ap);
  if (with_errno && n >= 0 && (size_t) n < sizeof err_msg)
    snprintf (err_msg + n, sizeof err_msg - n, ": %s", strerror (saved));
  err_errno = saved;
  errno = saved;
}

void
gd_set_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  set_va (0, fmt, ap);
  va_end (ap);
}

void
gd_set_error_errno (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  set_va (1, fmt, ap);
  va_end (ap);
}

void
gd_error_prefix (const char *fmt, ...)
{
  int saved = errno;
  char prefix[1024], old[sizeof err_msg];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  memcpy (old, err_msg, sizeof old);
  snprintf (err_msg, sizeof err_msg, "%s: %s", prefix, old);
  errno = saved;
}

const char *
gd_get_error (void)
{
  return err_msg[0] ? err_msg : "unknown error";
}

const char *
gd_get_error_printable (void)
{
  /* Every byte may need four: \xNN. */
  static __thread char safe[sizeof err_msg * 4];

  guest_escape (safe, sizeof safe, gd_get_error (),
                strlen (gd_get_error ()), true);
  return safe;
}

int
gd_get_errno (void)
{
  return err_errno;
}

void
gd_clear_error (void)
{
  err_msg[0] = '\0';
  err_errno = 0;
}
