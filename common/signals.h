/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The signals of a long-running command (fsync-test, bench, the CLI):
 * the ones that ask it to stop, and SIGPIPE.
 */
#ifndef GUESTDRV_SIGNALS_H
#define GUESTDRV_SIGNALS_H

/* HANDLER catches SIGINT, SIGTERM and SIGHUP (without SA_RESTART, so a
 * blocked call returns EINTR); SIGPIPE is ignored, because a write to an
 * appliance that was killed must fail with EPIPE, not end guestdrv.
 */
void gd_signals_catch (void (*handler) (int));

#endif
