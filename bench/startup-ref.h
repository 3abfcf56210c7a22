/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The startup scenario's whole-process rows: guestdrv and guestfish as a
 * user runs them (`... -a IMAGE ... ping-daemon`, process start to exit),
 * and the bare-boot reference (the same kernel and hypervisor booted to
 * its panic with root=/dev/nonexist), run interleaved with the startup
 * case; the ratios between their medians are printed with every run.
 */
#ifndef GUESTDRV_BENCH_STARTUP_REF_H
#define GUESTDRV_BENCH_STARTUP_REF_H

#include <stdio.h>

#include "run.h"

#define STARTUP_REF_SELF "guestdrv-process"
#define STARTUP_REF_PEER "libguestfs-process"
#define STARTUP_REF_BARE "bare-boot"
#define STARTUP_REF_NTOOLS 3

/* The three tool names above, in run order. */
extern const char *const startup_ref_tools[STARTUP_REF_NTOOLS];
/* How they are run (for the method notes). */
extern const char *const startup_ref_note;

/* One run of TOOL for RUN (scenario startup; RUN->image is made fresh
 * and removed).  KERNEL_VERSION names /boot/vmlinuz-* for qemu's bare
 * boot.  *SECONDS gets the process's fork-to-exit time.  0, or -1 with
 * the error set (failed, timed out, interrupted, no panic seen).
 */
int startup_ref_run (const char *tool, const struct bench_run *run,
                     const char *kernel_version, double *seconds);
/* One line per backend: the medians and the ratios to the targets. */
int startup_ref_write_ratios (const struct bench_results *r, FILE *fp);

#endif
