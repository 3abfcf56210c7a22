/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark vocabulary: scenario, backend and cache mode names the
 * CLI accepts, what each scenario measures, and whether it moves bytes
 * (then reports carry MB/s).
 */
#ifndef GUESTDRV_BENCH_SCENARIO_H
#define GUESTDRV_BENCH_SCENARIO_H

#include <stddef.h>

struct bench_scenario {
  const char *name;
  const char *what;             /* one line for --help and the plan */
  int moves_bytes;              /* 1: the payload (--size) is transferred */
  /* Cost-model weights (bench/cost.c): how many times the payload crosses
   * the host→guest channel and the guest's disk, plus fixed seconds.
   */
  double channel_weight, disk_weight, fixed_s;
  unsigned api_calls;           /* round trips, for the "api" scenario */
};

extern const struct bench_scenario bench_scenarios[];
extern const size_t bench_nscenarios;
extern const char *const bench_backends[];    /* "kvm", "tcg", "uml" */
extern const size_t bench_nbackends;
extern const char *const bench_caches[];      /* qemu cache= modes */
extern const size_t bench_ncaches;

#define BENCH_TOOL_SELF "guestdrv"
#define BENCH_TOOL_PEER "libguestfs"

/* NULL (error set) if NAME is not a scenario. */
const struct bench_scenario *bench_scenario_lookup (const char *name);

/* Split a comma-separated LIST (or "all") into names checked against
 * KNOWN[0..NKNOWN-1].  WHAT names the option in the error ("--backend").
 * On success *OUT is a NULL-terminated array of pointers into KNOWN
 * (free only the array) and *NOUT its length.
 */
int bench_parse_list (const char *what, const char *list,
                      const char *const *known, size_t nknown,
                      const char ***out, size_t *nout);

/* bench_parse_list over the scenario table. */
int bench_parse_scenarios (const char *list, const char ***out, size_t *nout);

#endif
