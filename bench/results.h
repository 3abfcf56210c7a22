/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The results model of `guestdrv bench`: one case per scenario × backend
 * × cache mode × tool, its raw samples (seconds, warm-up included) and
 * extra per-case figures; plus the method (runs, warm-up, image
 * location, machine) that every report prints alongside the numbers.
 *
 * Writers: the terminal table shaped like the studies' lines, the
 * serial-vs-disk decomposition, results.csv (RFC 4180) and results.json.
 */
#ifndef GUESTDRV_BENCH_RESULTS_H
#define GUESTDRV_BENCH_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/* Identifies a case; strings are copied by results_add_case. */
struct bench_key {
  const char *scenario;         /* "upload", see scenario.h */
  const char *backend;          /* the case: BACKEND[-VARIANT][:KERNEL] */
  const char *cache;            /* "writeback", ... */
  const char *tool;             /* BENCH_TOOL_SELF or BENCH_TOOL_PEER */
  uint64_t bytes;               /* payload moved per run; 0: none */
};

enum bench_status {
  BENCH_OK,                     /* ran (samples may still be too few) */
  BENCH_SKIPPED,                /* not applicable: "no UML backend" */
  BENCH_FAILED,                 /* tried and failed: reason says why */
};

struct bench_extra {
  char *key;                    /* "channel_MBps", "disk_MBps", ... */
  double value;
};

/* Read-only outside results.c. */
struct bench_case {
  char *scenario, *backend, *cache, *tool;
  /* The channel and disk a backend setting chose ("virtio", "ubd", ...);
   * NULL: the backend's only one (qemu: virtio-serial, virtio-scsi).
   * results_case_set_devices.
   */
  char *channel, *disk;
  uint64_t bytes;
  double *samples;              /* seconds, in run order, warm-up first */
  size_t nsamples, samples_cap;
  struct bench_extra *extras;
  size_t nextras;
  enum bench_status status;
  char *reason;                 /* for SKIPPED and FAILED, else NULL */
};

struct bench_method {
  unsigned runs, warmup;
  char *image;                  /* where the images live: "/tmp (tmpfs)" */
  long nproc;
  char *kernel;                 /* "Linux 6.1.0-18-amd64 x86_64" */
  char *cpu;                    /* /proc/cpuinfo "model name" */
  char *date;                   /* ISO 8601 local time with offset */
};

struct bench_results {
  struct bench_method method;
  int peer;                     /* libguestfs was asked for (--peer) */
  struct bench_case **cases;
  size_t ncases, cases_cap;
};

/* RUNS per case, the first WARMUP discarded (WARMUP < RUNS). */
struct bench_results *results_new (unsigned runs, unsigned warmup);
void results_free (struct bench_results *r);

void results_set_peer (struct bench_results *r, int peer);
int results_set_image (struct bench_results *r, const char *location);
/* Fill nproc, kernel (uname), CPU model and date.  Never fatal: what
 * cannot be read is reported as "unknown".
 */
int results_probe_machine (struct bench_results *r);

/* "no UML backend": why libguestfs has no case of backend case BACKEND
 * (the launcher's table says libguestfs has no counterpart).
 */
void results_no_peer_backend (const char *backend, char *buf, size_t len);
/* A new case (error if the same key is already present). */
struct bench_case *results_add_case (struct bench_results *r,
                                     const struct bench_key *key);
/* Name the case's channel and disk when a backend setting chose them
 * (the JSON's channel, disk).
 */
int results_case_set_devices (struct bench_case *c, const char *channel,
                          const char *disk);
struct bench_case *results_find_case (const struct bench_results *r,
                                      const char *scenario,
                                      const char *backend,
                                      const char *cache, const char *tool);
int results_add_sample (struct bench_case *c, double seconds);
/* Set or replace an extra figure. */
int results_set_extra (struct bench_case *c, const char *key, double value);
/* Pointer to the value, or NULL if absent. */
const double *results_get_extra (const struct bench_case *c,
                                 const char *key);
int results_case_skip (struct bench_case *c, const char *reason);
int results_case_fail (struct bench_case *c, const char *reason);

/* Summary of C after discarding R's warm-up.  -1 (error set) if the
 * case has no usable samples (skipped, failed before enough runs, ...).
 */
int results_case_summary (const struct bench_results *r,
                          const struct bench_case *c,
                          struct stats_summary *s);
/* Median MB/s of C; -1 if it moves no bytes or has no summary. */
int results_case_mbps (const struct bench_results *r,
                       const struct bench_case *c, double *mbps);

/* Writers: 0, or -1 with the error set. */
#define RESULTS_TABLE_RANGE 1u  /* add "(min–max)" after each median */
int results_write_method (const struct bench_results *r, FILE *fp);
int results_write_table (const struct bench_results *r, FILE *fp,
                         unsigned flags);
int results_write_decomposition (const struct bench_results *r, FILE *fp);
int results_write_csv (const struct bench_results *r, const char *path);
int results_write_json (const struct bench_results *r, const char *path);
/* Create OUTDIR if needed and write results.txt (method, table,
 * decomposition), results.csv and results.json into it.
 */
int results_write_all (const struct bench_results *r, const char *outdir);

/* Helpers exposed for tests and the chart writer. */
/* Quote FIELD for CSV per RFC 4180 (quotes only when needed). */
int results_csv_field (FILE *fp, const char *field);
/* "12.3", "0.812": three significant digits, no exponent. */
void results_format_seconds (double s, char *buf, size_t len);

#endif
