/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trace layer: one timeline for every layer, written as Trace Event
 * Format JSON (Perfetto, chrome://tracing).  Layers call these functions
 * only behind trace_on(LAYER), so with tracing off the hot paths pay one
 * predictable branch.  Timestamps are gd_now_ns() values (common/clock.h).
 */
#ifndef GUESTDRV_TRACE_H
#define GUESTDRV_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "../common/clock.h"

enum trace_layer {
  TL_LAUNCHER, TL_KERNEL, TL_INIT, TL_DAEMON, TL_CHANNEL, TL_PROTOCOL, TL_DISK,
  TL_NLAYERS
};

extern unsigned trace_mask;     /* bit (1u << layer) = layer on */
#define trace_on(layer) unlikely (trace_mask & (1u << (layer)))

/* Parse "launcher,kernel,init,channel,protocol,disk" (or "all"). */
int trace_parse_layers (const char *list, unsigned *mask);

/* ARGS_JSON is NULL or the inside of a JSON object: "\"bytes\":123". */
void trace_complete (enum trace_layer l, const char *name,
                     uint64_t t0_ns, uint64_t t1_ns, const char *args_json);
void trace_instant (enum trace_layer l, const char *name, uint64_t t_ns,
                    const char *args_json);
void trace_counter (enum trace_layer l, const char *name, uint64_t t_ns,
                    const char *series, double value);

/* The run's summary: per-layer figures at the end of the run, written
 * into the trace as otherData.summary.<layer>.<key> so that `guestdrv
 * report` needs no re-derivation.  VALUE_JSON is one JSON value (a
 * number, a string with its quotes, an object).  Setting a key again
 * replaces its value.
 */
void trace_summary_json (enum trace_layer l, const char *key,
                         const char *value_json);
void trace_summary_num (enum trace_layer l, const char *key, double v);
void trace_summary_str (enum trace_layer l, const char *key, const char *s);

/* Write everything recorded so far to PATH; 0 or -1 (error set). */
int trace_write (const char *path);
void trace_reset (void);

#endif
