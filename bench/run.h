/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the `guestdrv bench` runner, shared by run*.c (options,
 * case matrix and loop, outputs: runner.h), workdir.c (payloads and images on the host),
 * self.c (one run through guestdrv's session) and peer.c (one run
 * through stock libguestfs' guestfish).
 */
#ifndef GUESTDRV_BENCH_RUN_H
#define GUESTDRV_BENCH_RUN_H

#include <signal.h>
#include <stdint.h>

#include "bench.h"
#include "../launcher/launcher.h"

/* Payload sizes when --size is not given: the studies' 500 MB upload
 * into a 1 GB image, and 512 MiB for the variants on a 2 GB image.
 */
#define BENCH_CORE_SIZE (500 * 1000 * 1000ULL)
#define BENCH_VARIANT_SIZE (512 * 1024 * 1024ULL)
#define BENCH_CORE_IMAGE (1024 * 1024 * 1024ULL)
#define BENCH_VARIANT_IMAGE (2048 * 1024 * 1024ULL)

/* The api scenario: API_ROUNDS rounds of API_CALLS_PER_ROUND calls. */
#define BENCH_API_ROUNDS 125
#define BENCH_API_CALLS_PER_ROUND 8

/* Set by the SIGINT/SIGTERM/SIGHUP handler: the runner stops after the
 * current run (whose hypervisor the handler has already killed).
 */
extern volatile sig_atomic_t bench_interrupted;
/* Process group of a running peer (guestfish), for the handler; 0 if none. */
extern volatile sig_atomic_t bench_peer_pgid;

/* What one run needs: the case and the files workdir.c prepared. */
struct bench_run {
  const struct bench_scenario *sc;      /* its row */
  const char *scenario, *backend, *cache;
  const char *kernel;           /* --kernel PATH, NULL: the packaged one */
  /* Backend settings (the group's dimensions), passed on as they are. */
  const char *const *set_names, *const *set_values;
  size_t nsettings;
  uint64_t bytes;               /* payload size (0 for startup, api) */
  uint64_t image_size;
  const char *image;            /* fresh image path (created by the run) */
  const char *image_format;     /* "raw" or "qcow2" */
  const char *payload;          /* random bytes, BYTES long */
  const char *tarball;          /* tgz-in: tar.gz of the payload */
  const char *tmpdir;           /* scratch space of this bench */
};

/* What one run measured.  SECONDS is the timed part; the rest are
 * extras (negative: not measured).
 */
struct bench_sample {
  double seconds;
  double wall_s;                /* whole run, launch included (cost model) */
  double launch_s, shutdown_s;
  double channel_MBps;          /* host→guest bytes / timed seconds */
  double disk_MBps;             /* image bytes written by the hypervisor
                                   (timed part + its sync) / timed seconds */
};

/* workdir.c */
/* Random payload of BYTES in DIR, generated once ("payload-BYTES"). */
char *workdir_payload (const char *dir, uint64_t bytes);
/* DIR/payload-BYTES.tar.gz holding the payload as "payload". */
char *workdir_tarball (const char *dir, const char *payload, uint64_t bytes);
/* Create a fresh image for scenario SC at PATH (its row's image: raw
 * sparse, raw preallocated, qcow2, qcow2 with metadata preallocation);
 * *FORMAT gets "raw" or "qcow2".
 */
int workdir_make_image (const struct bench_scenario *sc, const char *path,
                        uint64_t size, const char **format);
/* Host-wide sync(2), so that the timed part starts with no dirty pages. */
void workdir_host_sync (void);
/* rm -rf DIR (bounded). */
int workdir_remove (const char *dir);
/* The image size of scenario SC: 2 GB for a variant, else 1 GB. */
uint64_t workdir_image_size (const struct bench_scenario *sc);

/* ops.c: call PROC with arguments described by FMT: 's' string, 'i'
 * int32.  Optional arguments are encoded by the caller's FMT as well (all
 * of them, unset ones as 0 or "", optmask 0).  0, or -1 with the error
 * set.
 */
struct session;
int bench_call (struct session *s, uint32_t proc, const char *fmt, ...);

/* self.c: one run of guestdrv.  0, or -1 with the error set. */
int self_run (const struct bench_run *run, struct bench_sample *out);

/* peer.c: whether guestfish is installed. */
int peer_available (void);
/* One run of libguestfs (guestfish).  0, or -1 with the error set. */
int peer_run (const struct bench_run *run, struct bench_sample *out);
/* How libguestfs is run (for the method notes). */
extern const char *const peer_method_note;

/* The fixed api mix, shared so both tools run the very same calls.
 * Round I (0-based) uses directory /api/dI.
 */
extern const char *const bench_api_payload;  /* internal_write content */

#endif
