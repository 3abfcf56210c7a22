/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The instrumentation above the session: probes that read what every
 * layer counted (launcher figures, console marks, the kernel log, channel
 * and protocol counters, disk statistics) and put it on the timeline and
 * into the run's summary (trace/trace.h).  The layers below know nothing
 * of it: it subscribes to the session's and the launcher's hooks.
 */
#ifndef GUESTDRV_INSTRUMENT_H
#define GUESTDRV_INSTRUMENT_H

#include "../session/session.h"

/* Subscribe the probes to S.  Call it when some layer is traced (they
 * assume one traced session at a time), before session_launch.
 */
void instrument_attach (struct session *s);

/* `guestdrv report [--json] TRACE.json` (report.c). */
int report_main (int argc, char **argv);

#endif
