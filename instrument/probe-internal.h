/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the probes of instrument/ (boot-timeline.c, disk-probe.c,
 * layer-summary.c, probe.c).  Not a public interface.
 */
#ifndef GUESTDRV_INSTRUMENT_PROBE_INTERNAL_H
#define GUESTDRV_INSTRUMENT_PROBE_INTERNAL_H

#include <stdint.h>

#include "../common/clock.h"
#include "../launcher/launcher.h"
#include "../session/session.h"

/* ms since the run's origin on the host clock (0 stays 0: "never"). */
static inline double
probe_ms_since_origin (uint64_t t)
{
  return t ? (double) (int64_t) (t - gd_clock_origin) / 1e6 : 0;
}

/* boot-timeline.c: the launcher's figures, the init's stage marks and
 * the daemon's start; the kernel's own lines from DMESG on the host
 * clock (see there).
 */
void boot_probe_launcher (struct session *s, struct hv *hv);
void boot_probe_init_daemon (struct hv *hv, const struct hv_mark_info *m,
                             unsigned n);
void boot_probe_kernel (const char *dmesg, const struct hv_mark_info *m,
                        unsigned n);

/* disk-probe.c: OUT is the guest's disk_guest_stat_command output (or
 * NULL).  Begin after the launch, end before the shutdown, hv_exit once
 * the hypervisor is reaped (the run directory still exists).
 */
void disk_probe_begin (struct session *s, struct hv *hv, const char *out);
void disk_probe_end (struct hv *hv, const char *out);
void disk_probe_hv_exit (struct hv *hv, uint64_t now);

/* layer-summary.c: the channel's and the protocol's counters. */
void channel_probe_begin (struct hv *hv);
void channel_probe_summary (struct hv *hv, uint64_t t_work);
void protocol_probe_summary (struct proto *p);

#endif
