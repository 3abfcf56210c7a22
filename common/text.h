/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small text helpers over host-side buffers (logs, command output). */
#ifndef GUESTDRV_TEXT_H
#define GUESTDRV_TEXT_H

#include <stddef.h>

/* The last non-blank line of the LEN bytes at BUF (trailing newlines,
 * carriage returns, spaces and tabs dropped): usually the reason a
 * command or a hypervisor failed.  Returns a pointer into BUF and sets
 * *LINE_LEN (0 if there is no such line).
 */
const char *gd_last_line (const char *buf, size_t len, size_t *line_len);

#endif
