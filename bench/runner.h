/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The internals of `guestdrv bench`'s runner (bench/run*.c): the
 * options, the groups of cases they expand to, and the functions that
 * parse, plan and run them.  bench/run.h is the interface of one run.
 */
#ifndef GUESTDRV_BENCH_RUNNER_H
#define GUESTDRV_BENCH_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"
#include "progress.h"
#include "run.h"
#include "startup-ref.h"

struct size_opt {
  const char *backend;          /* NULL: every backend */
  uint64_t bytes;
};

/* A guest kernel of the --kernel dimension (PATH NULL: the packaged). */
struct bench_kernel {
  const char *label, *path;
  int named;                    /* stock, guestdrv...: kernel-name.h */
};

/* A backend setting run side by side (--uml-channel virtio,serial): the
 * backends that take it run once per value, the others once.  Cases are
 * named by the value when the list was given (uml-serial), or, for the
 * setting whose BARE value marks a variant, ":bare" (uml-window off).
 */
enum bench_dim_field { DIM_NONE, DIM_CHANNEL, DIM_DISK };
struct bench_dim {
  const char *name;             /* the backend setting */
  const char *bare;             /* see above, or NULL */
  enum bench_dim_field field;   /* what the results record it as */
  const char **values;
  size_t nvalues;
  int given;
};
#define BENCH_MAX_DIMS 4

struct options {
  const char **scenarios, **backends, **caches;
  size_t nscenarios, nbackends, ncaches;
  struct bench_kernel kernels[8];
  size_t nkernels;
  struct bench_dim dims[BENCH_MAX_DIMS];
  size_t ndims;
  struct size_opt sizes[8];
  size_t nsizes;
  unsigned runs, warmup;
  int peer;
  const char *out, *dir;
  int backends_given;
};

/* One scenario × backend × cache: the guestdrv case and the peer's. */
struct group {
  const struct bench_scenario *sc;
  const char *scenario, *backend, *cache;
  /* The case's name in the results: the backend, then ":KERNEL" for a
   * kernel other than the packaged one and ":bare" for UML's bare line.
   */
  char *label;
  const char *kernel_path;
  /* The backend settings of its dimensions (into the options). */
  const char *set_names[BENCH_MAX_DIMS], *set_values[BENCH_MAX_DIMS];
  size_t nsettings;
  uint64_t bytes;
  struct bench_case *self, *peer;       /* peer NULL without --peer */
  char *payload, *tarball;
  /* Per-run figures (all runs, warm-up first), for medians. */
  double *launch, *shutdown, *channel, *disk;  /* self */
  double *plaunch, *pshutdown;          /* peer */
  /* startup: the whole-process rows (startup-ref.h), NULL if not run. */
  struct bench_case *ref[STARTUP_REF_NTOOLS];
};


/* run-options.c: parse argv into O (-h prints the help and exits).
 * 0, or -1 with the error set.
 */
int bench_parse_options (int argc, char **argv, struct options *o);

/* run-matrix.c: the case matrix. */
/* The payload size of scenario SC on BACKEND. */
uint64_t bench_size_for (const struct options *o,
                         const struct bench_scenario *sc,
                         const char *backend);
/* The image must hold the payload (and tgz-in's unpacked copy). */
uint64_t bench_image_size_for (const struct bench_scenario *sc,
                               uint64_t bytes);
/* Whether BACKEND can run here; *WHY gets the reason if not. */
int bench_backend_usable (const char *backend, const char *dir, char *why,
                          size_t whylen);
void bench_group_free (struct group *g);
/* Drop the backends that cannot run here (each said on stderr); -1 with
 * the error set if none is left, or one given with --backend is not.
 */
int bench_keep_usable_backends (struct options *o, const char *dir);

/* The groups of O in run order, their result cases added to R, and KEYS:
 * every case that will run (for the plan and the estimates), those of a
 * group contiguous and in group order.
 */
struct bench_plan {
  struct group *gs;
  size_t ng;
  struct bench_key *keys;
  size_t nk;
  int peer_used;                /* some peer case runs */
};
int bench_plan_build (const struct options *o, struct bench_results *r,
                      struct bench_plan *p);
void bench_plan_free (struct bench_plan *p);

/* run-group.c: the runs of group G, interleaved tool by tool.
 * KERNEL_VERSION: the qemu appliance's, for the bare-boot reference.
 */
int bench_run_group (struct bench_results *r, struct cost_model *m,
                     struct bench_progress *pg, const struct options *o,
                     struct group *g, const char *dir,
                     const char *kernel_version);

#endif
