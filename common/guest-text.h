/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text and numbers that come from the guest (console lines, printk
 * times, daemon error strings): parsed strictly and made safe before
 * guestdrv itself prints or records them.  The guest is untrusted, so a
 * number that is not finite or not in range is refused before any cast,
 * and control characters never reach the host terminal raw.
 */
#ifndef GUESTDRV_GUEST_TEXT_H
#define GUESTDRV_GUEST_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Longest guest time we accept, in seconds (about 115 days): far above
 * any appliance's uptime, far below where a conversion to int64
 * nanoseconds could overflow.
 */
#define GUEST_SECONDS_MAX 1e7

/* Parse plain decimal seconds at S ("12", "0.25"; no sign, exponent,
 * hex, inf or nan), at most GUEST_SECONDS_MAX.  *END is set after the
 * number.  0, or -1 when S does not start with such a number.
 */
int guest_parse_seconds (const char *s, const char **end, double *v);

/* "guestdrv-mark UPTIME STAGE": STAGE is 1..STAGESZ-1 characters of
 * [A-Za-z0-9._-].  0 or -1.
 */
int guest_parse_mark (const char *line, double *uptime, char *stage,
                      size_t stagesz);

/* A printk line "[   12.345678] text": its time and where its text
 * starts.  0 or -1.
 */
int guest_parse_dmesg_time (const char *line, double *t, const char **text);

/* Copy IN (LEN bytes) into OUT (OUTSZ bytes, always NUL-terminated when
 * OUTSZ > 0) so that a terminal shows it as text: control characters
 * (C0, DEL, C1) and bytes that are not valid UTF-8 become "\xNN"; a
 * newline is kept when KEEP_NEWLINE.  Returns the length written.
 */
size_t guest_escape (char *out, size_t outsz, const char *in, size_t len,
                     bool keep_newline);
/* The same into a malloc'd string (NULL on allocation failure). */
char *guest_escape_dup (const char *in, size_t len, bool keep_newline);

/* Length of the valid UTF-8 sequence at S (N bytes available), or 0
 * when it is not one (overlong, surrogate, above U+10FFFF, truncated).
 */
size_t guest_utf8_len (const unsigned char *s, size_t n);

#endif
