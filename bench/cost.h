/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A cost model for planning `guestdrv bench`: estimated seconds per run
 * of a case from per-backend speeds and per-scenario weights.  The
 * defaults are a table (cost.c); the runner refines them with what it
 * measures, so the ETA improves as the suite runs.
 */
#ifndef GUESTDRV_BENCH_COST_H
#define GUESTDRV_BENCH_COST_H

#include <stddef.h>
#include <stdint.h>

#include "results.h"

/* Speeds of one backend, MB = 10^6 bytes. */
struct cost_backend {
  const char *name;
  double startup_s;             /* launch to daemon ready, and shutdown */
  double channel_MBps;          /* host→guest channel (serial, virtio) */
  double disk_MBps;             /* guest writes reaching the image */
  double call_s;                /* one no-op daemon round trip */
};

struct cost_model;

struct cost_model *cost_model_new (void);
void cost_model_free (struct cost_model *m);

/* Replace a backend's speeds (new backends are added). */
int cost_model_set_backend (struct cost_model *m,
                            const struct cost_backend *b);
/* Estimated seconds of ONE run of the case K (startup included). */
int cost_model_estimate (const struct cost_model *m,
                         const struct bench_key *k, double *seconds);
/* Tell the model a run of K took SECONDS: the backend's correction
 * factor moves halfway towards measured / estimated.
 */
int cost_model_observe (struct cost_model *m, const struct bench_key *k,
                        double seconds);

#endif
