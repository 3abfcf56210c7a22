/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark vocabulary: scenario, backend and cache mode names the
 * CLI accepts, and each scenario's row: what it measures, whether it
 * moves bytes (then reports carry MB/s), and how its runs differ.
 */
#ifndef GUESTDRV_BENCH_SCENARIO_H
#define GUESTDRV_BENCH_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

/* What the host prepares for a run, and the image it runs on. */
enum bench_image { IMAGE_RAW, IMAGE_RAW_PREALLOC, IMAGE_QCOW2,
                   IMAGE_QCOW2_META };
enum bench_payload {
  PAYLOAD_NONE,                 /* the guest makes its bytes (fill) */
  PAYLOAD_FILE,                 /* random bytes in a host file */
  PAYLOAD_TARBALL,              /* and their tar.gz */
  PAYLOAD_DISK,                 /* the file, attached read-only as sdb */
};
/* The three scenarios that split an upload into its legs (the report's
 * decomposition): the whole, the channel alone, the disk alone.
 */
enum bench_part { PART_NONE, PART_WHOLE, PART_CHANNEL, PART_DISK };

struct bench_run;
struct bench_scenario;
struct session;
/* A timed part (bench/ops.c), written once for both tools: guestdrv's
 * calls through its session, and the same calls as guestfish lines.
 * 0, or -1 with the error set.
 */
struct bench_op {
  int (*self) (struct session *s, const struct bench_scenario *sc,
               const struct bench_run *run);
  int (*peer) (FILE *fp, const struct bench_scenario *sc,
               const struct bench_run *run);
};
extern const struct bench_op bench_op_upload, bench_op_fill, bench_op_dd,
  bench_op_tgz_in, bench_op_api;

/* One scenario: one row of bench_scenarios (scenario.c) carries all
 * that makes it differ.  Adding one: docs/HACKING.md.
 */
struct bench_scenario {
  const char *name;
  const char *what;             /* one line for --help and the plan */
  int moves_bytes;              /* 1: the payload (--size) is transferred */
  /* Cost-model weights (bench/cost.c): how many times the payload crosses
   * the host→guest channel and the guest's disk, plus fixed seconds.
   */
  double channel_weight, disk_weight, fixed_s;
  unsigned api_calls;           /* round trips, for the "api" scenario */
  /* The run.  VARIANT: not one of the studies' core five, so a 2 GB
   * image and a 512 MiB payload by default.  FS NULL: launch and shut
   * down only (the sample is launch + shutdown; the whole-process
   * reference rows run beside it).  NULL_NODE: a 1:3 device node made
   * there, an honest sink (guestfsd resolves upload paths inside the
   * mounted fs).  OP: the timed part, on TARGET (fill: FILL_BYTE).
   */
  int variant;
  enum bench_image image;
  enum bench_payload payload;
  const char *fs, *mount_options;
  const char *null_node;
  const struct bench_op *op;
  const char *target;
  int fill_byte;
  enum bench_part part;
};

extern const struct bench_scenario bench_scenarios[];
extern const size_t bench_nscenarios;
/* The backends that can run (the launcher's table without auto) and
 * the cache modes in the bench's order (the disk layer's table): the
 * names into OUT (at most MAX), their number returned.
 */
size_t bench_backend_names (const char **out, size_t max);
size_t bench_cache_names (const char **out, size_t max);
#define BENCH_MAX_NAMES 16

#define BENCH_TOOL_SELF "guestdrv"
#define BENCH_TOOL_PEER "libguestfs"

/* NULL (error set) if NAME is not a scenario; _find leaves the error
 * slot alone.
 */
const struct bench_scenario *bench_scenario_lookup (const char *name);
const struct bench_scenario *bench_scenario_find (const char *name);

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
