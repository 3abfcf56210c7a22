/* The crash campaign (guestdrv fsync-test --cuts N), internal to fsync/.
 *
 * campaign.c runs the cases (one appliance boot per case serves every
 * cut), campaign-options.c parses the command line and derives the cut
 * seeds, campaign-workload.c is the guest's workload and what its
 * acknowledged steps promise, campaign-check.c reads one cut's image on
 * the host (e2fsck, debugfs) and checks those promises,
 * campaign-report.c prints the table and the JSON.
 */
#ifndef GUESTDRV_FSYNC_CAMPAIGN_H
#define GUESTDRV_FSYNC_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/* The steps of one round, in order; each is one guest call, so the
 * host knows when the guest acknowledged it.
 */
enum camp_step {
  CS_SETUP,                     /* files created, then sync(1) */
  CS_APPEND1, CS_APPEND2, CS_APPEND3, /* append a record + fsync */
  CS_FDATASYNC,                 /* overwrite in place + fdatasync */
  CS_RENAME1, CS_RENAME2,       /* write tmp, fsync, rename, fsync dir */
  CS_OSYNC,                     /* O_SYNC writes */
  CS_ODIRECT,                   /* O_DIRECT|O_DSYNC writes */
  CS_SYNC,                      /* plain write, then sync(1) */
  CS_NSTEPS
};

/* What a cut can break; the JSON's "violations" keys. */
enum camp_kind {
  CV_APPEND_LOST,               /* an fsynced append missing or wrong */
  CV_FDATASYNC_LOST,            /* fdatasynced overwrite not there */
  CV_RENAME_TORN,               /* the renamed file neither old nor new */
  CV_RENAME_LOST,               /* an acknowledged rename undone */
  CV_OSYNC_LOST,
  CV_ODIRECT_LOST,
  CV_SYNC_LOST,                 /* data written before an acked sync(1) */
  CV_SETUP_LOST,                /* data synced at setup changed */
  CV_NKINDS
};

extern const char *const camp_kind_names[CV_NKINDS];

/* One round: its directory /rINDEX on the image, and for each step the
 * model's operation counter before it was sent and after its reply came.
 * A cut after operation N has step j done if N >= after[j], not started
 * if N <= before[j], in flight otherwise (see campaign-workload.c).
 */
struct camp_round {
  unsigned index;
  unsigned nonce;
  uint64_t before[CS_NSTEPS], after[CS_NSTEPS];
  int nsteps_run;               /* steps whose reply came */
};

enum camp_status { CST_NOT_STARTED, CST_IN_FLIGHT, CST_DONE };

/* campaign-workload.c */
/* The guest shell command of STEP of round RD into BUF. */
void camp_step_command (const struct camp_round *rd, int step, char *buf,
                        size_t size);
/* The status of STEP for a cut after operation OP. */
enum camp_status camp_step_status (const struct camp_round *rd, int step,
                                   uint64_t op);

/* Files of a round, as dumped from the image: DATA NULL when absent. */
enum { CF_LOG, CF_DATA, CF_CFG, CF_OSYNC, CF_ODIRECT, CF_SYNCED, CF_NFILES };
extern const char *const camp_file_names[CF_NFILES];
struct camp_files {
  char *data[CF_NFILES];
  size_t len[CF_NFILES];
};

struct camp_cut_result {
  uint64_t op, seed;
  unsigned round;
  int fsck_status;              /* e2fsck -fn after the journal replay */
  unsigned violations[CV_NKINDS];
  uint64_t fsynced_bytes_lost;
  char detail[256];             /* the first violation, in words */
};

/* Check FILES of round RD against what the steps acknowledged before the
 * cut after operation R->op promise; fills R's violations.
 */
void camp_check_promises (const struct camp_round *rd,
                          const struct camp_files *files,
                          struct camp_cut_result *r);

/* campaign-check.c */
/* Replay the journal of the cut image IMG (as a mount would), e2fsck -fn
 * it, dump round RD's files with debugfs into WORKDIR and check them.
 * -1 (error set) only if the host tools could not run.
 */
int camp_check_cut (const char *img, const char *workdir,
                    const struct camp_round *rd, struct camp_cut_result *r);
/* The campaign's image: ext4 with a journal, made on the host. */
int camp_image_make (const char *img);

/* One case's totals. */
struct camp_case {
  char backend[8], cache[16], disk[16], label[40], kernel[64];
  char verdict[16];             /* honoured not-honoured refused error */
  char note[512];
  unsigned cuts, cuts_missed, rounds;
  unsigned violations[CV_NKINDS];
  unsigned violating_cuts, fsck_errors;
  uint64_t fsynced_bytes_lost;
  uint64_t ops_per_round;
  double boot_s, run_s;
  uint64_t *seeds;              /* of every checked cut, CUTS of them */
  uint64_t *bad_seeds;          /* of the cuts that broke a promise */
  unsigned nbad;
};

/* campaign-report.c */
void camp_report_header (FILE *f);
void camp_report_row (FILE *f, const struct camp_case *c);
void camp_report_json (FILE *f, const struct camp_case *c, uint64_t seed);
void camp_report_legend (FILE *f);

/* campaign-options.c */
#define MAX_LIST 8              /* items of one comma list option */

struct camp_opts {
  const char *backends[MAX_LIST], *caches[MAX_LIST], *disks[MAX_LIST];
  struct harness_kernel kernels[MAX_LIST];
  size_t nb, nc, nd, nk;
  unsigned cuts, from, per_round;
  uint64_t seed;
  bool json, keep;
};

/* 0, or -1 after printing a one-line error. */
int camp_parse_options (int argc, char **argv, struct camp_opts *o);
/* splitmix64. */
uint64_t camp_mix64 (uint64_t x);
/* Cut I's seed: SEED itself for I = 0, a hash of SEED and I otherwise. */
uint64_t camp_cut_seed (uint64_t seed, unsigned i);
bool fsync_campaign_wanted (int argc, char **argv);

/* campaign.c */
int fsync_campaign_main (int argc, char **argv);

#endif
