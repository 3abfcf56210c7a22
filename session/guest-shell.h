/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run a shell command in the appliance through guestfsd's debug "sh"
 * and get what it printed (stdout and stderr, as guestfsd returns them).
 */
#ifndef GUESTDRV_SESSION_GUEST_SHELL_H
#define GUESTDRV_SESSION_GUEST_SHELL_H

#include "session.h"

/* Returns 0 with *OUT the command's output (caller frees), or -1 with
 * the error set and *OUT NULL.  The command runs under /bin/sh in the
 * guest; its exit status is not reported (end it with a marker such as
 * "&& echo ok" when it matters).
 */
int session_guest_sh (struct session *s, const char *cmd, char **out);

#endif
