/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error slot per thread: "context: message[: strerror]", errno kept.
 * Functions return -1 or NULL and leave the message here; the caller
 * prints it (or adds context) without losing errno.
 */
#ifndef GUESTDRV_ERROR_H
#define GUESTDRV_ERROR_H

#include <errno.h>

/* Set the error message (printf-style).  errno is preserved. */
void gd_set_error (const char *fmt, ...)
  __attribute__((format (printf, 1, 2)));
/* Same, and appends ": strerror(errno)" for the current errno. */
void gd_set_error_errno (const char *fmt, ...)
  __attribute__((format (printf, 1, 2)));
/* Prefix the current message with "context: ". */
void gd_error_prefix (const char *fmt, ...)
  __attribute__((format (printf, 1, 2)));
const char *gd_get_error (void);
/* The message with control characters escaped (guest-text.h), for the
 * terminal: it may quote the daemon or the console.
 */
const char *gd_get_error_printable (void);
int gd_get_errno (void);
void gd_clear_error (void);

#endif
