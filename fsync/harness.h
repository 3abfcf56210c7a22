/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fsync-test harness ("does this backend honour fsync?"), internal to
 * fsync/.  harness.c parses options and prints verdicts; harness-case.c
 * runs one backend x cache case; harness-lazyfs.c drives the FUSE model
 * (guestdrv-lazyfs) and its control socket; harness-flushcount.c counts
 * the hypervisor's host-side flush syscalls, independently of the model.
 */
#ifndef GUESTDRV_FSYNC_HARNESS_H
#define GUESTDRV_FSYNC_HARNESS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Set by the signal handler; every wait in the harness checks it. */
extern volatile sig_atomic_t harness_interrupted;

/* --- The FUSE model (harness-lazyfs.c) ---------------------------------- */
struct lazyfs;

/* Start guestdrv-lazyfs on BACKING, mounted at MNT, control socket SOCK,
 * log in LOG; waits (bounded) until it answers.  NULL with the error set.
 */
struct lazyfs *lazyfs_start (const char *backing, const char *mnt,
                             const char *sock, const char *log);
/* Send one control command; *REPLY (malloc'd JSON line) when not NULL.
 * 0 if the reply says "ok":true, else -1 with the error set.
 */
int lazyfs_ctl (struct lazyfs *l, const char *cmd, char **reply);
/* Counter KEY of file NAME in a stats reply (or a cut reply's
 * "bytes_lost").  0 or -1 if absent.
 */
int lazyfs_field (const char *json, const char *name, const char *key,
                  uint64_t *v);
/* Unmount and reap (bounded, then forced).  With LEAVE, only forget the
 * process: the mount stays for investigation.
 */
void lazyfs_stop (struct lazyfs *l, bool leave);

/* --- Method 1: host-side flush accounting (harness-flushcount.c) -------- */
enum { FC_PHASE_BEFORE, FC_PHASE_FSYNCED, FC_PHASE_UNSYNCED, FC_PHASE_AFTER,
       FC_NPHASES };

struct fc_phase {
  unsigned fsyncs, fdatasyncs;         /* on the image */
  unsigned sync_file_ranges, syncfs, syncs;
  unsigned dsync_writes;               /* pwritev2(RWF_DSYNC) on the image */
  unsigned opens;                      /* (re)opens of the image */
};

struct fc_result {
  bool available;
  char method[64];                     /* "strace -p" */
  char why[256];                       /* when not available */
  struct fc_phase phase[FC_NPHASES];
  /* Open modes of the image seen in the hypervisor's fd table. */
  bool o_direct, o_dsync, o_sync;
  unsigned image_fds;
};

struct flushcount;

/* Start counting for the hypervisor process group PGID (its leader is the
 * hypervisor) on IMAGE, writing its files under DIR.  FOLLOW_THREADS: the
 * hypervisor is an ordinary threaded process (qemu); without it, every
 * untraced process of the group is attached alone (UML traces its own
 * children).  Never fails: an unavailable method says why in its result.
 */
struct flushcount *flushcount_start (pid_t pgid, const char *image,
                                     const char *dir, bool follow_threads);
/* A phase boundary, now (wall clock: strace stamps with it). */
void flushcount_mark (struct flushcount *fc, int phase);
/* Add the calls on IMAGE in strace output PATH (-ttt -y, with or without
 * a pid column) to RES, by phase: MARKS[i] is when phase i began (epoch
 * s, -1 if never).  0 or -1 with the error set.
 */
int flushcount_parse (const char *path, const char *image,
                      const double marks[FC_NPHASES], struct fc_result *res);
/* After the hypervisor is dead: wait for the tracer, parse, free. */
void flushcount_finish (struct flushcount *fc, struct fc_result *out);

/* --- The image seen from the host (harness-image.c) -------------------- */
#define BLOCK_SIZE 4096
#define PATTERN_BLOCKS 256
#define PATTERN_SIZE (BLOCK_SIZE * PATTERN_BLOCKS)

/* The bytes `yes LINE | head -c SIZE` produces (malloc'd), NULL if out of
 * memory.
 */
char *harness_pattern_make (const char *line, size_t size);
/* gd_run with the tools' deadline; errors name argv[0]. */
int harness_run_tool (char *const argv[], char **out);
/* The ext2 image IMG with the two old-pattern files, durable from the
 * start; DIR holds the seed files.
 */
int harness_image_make (const char *dir, const char *img);
/* MAP gets the physical block of each 4 KiB block of FILE in IMG. */
int harness_image_block_map (const char *dir, const char *img,
                             const char *file, uint64_t *map);
/* debugfs dumps NAME of IMG to OUT; *DIFF gets the bytes of the blocks
 * that are not WANT's.
 */
int harness_image_dump_compare (const char *img, const char *name,
                                const char *out, const char *want,
                                uint64_t *diff);
/* The same, reading the blocks of MAP straight from IMG. */
int harness_image_read_compare (const char *img, const uint64_t *map,
                                const char *want, uint64_t *diff);

/* --- One case (harness-case.c) ------------------------------------------ */
struct harness_env {
  const char *tmpdir;                  /* the run's temp dir */
  struct lazyfs *lfs;                  /* NULL: no FUSE model */
  const char *backing, *mnt;           /* when lfs */
  char nofuse_why[256];
};

/* A guest kernel of the --kernel dimension: LABEL ("stock", or the name
 * the user gave), PATH NULL for the packaged one.
 */
struct harness_kernel {
  const char *label, *path;
  int named;                    /* guestdrv, control...: kernel-name.h */
};
/* Whether kernel K boots on BACKEND: guestdrv's own kernels are UML's,
 * so the cases of other backends with them are left out.
 */
int harness_kernel_boots (const struct harness_kernel *k, const char *backend);

struct case_result {
  char backend[8], cache[16];
  /* UML's channel and disk (--uml-channel, --uml-disk), "" for qemu;
   * label: what the table shows ("uml/virtio/vhost-user"); image: the
   * backing image's file name.
   */
  char channel[16], disk[16], label[40], image[96];
  char guest_kernel[64];
  /* honoured not-honoured inconsistent refused unavailable error */
  char verdict[16];
  char method1[16], method2[16];       /* honoured not-honoured n/a */
  char note[512];
  struct fc_result fc;
  /* Method 2: the power cut. */
  bool cut_done;
  uint64_t pattern_bytes;
  uint64_t fsynced_bytes_lost, unsynced_bytes_lost;
  bool fsynced_on_host, unsynced_on_host; /* visible via the mount pre-cut */
  uint64_t dirty_before_cut, cut_bytes_lost;
  uint64_t model_fsyncs, model_fdatasyncs, model_sync_writes, writebacks;
  int fsck_status;                     /* e2fsck -fn exit status, -1 n/a */
  double guest_fsync_s;                /* the guest's dd conv=fsync */
};

/* Parse --kernel items into OUT (N of them).  0 or -1 with the error set. */
int harness_parse_kernels (const char **items, size_t n,
                           struct harness_kernel *out);
/* The backend settings fsync-test runs side by side (--uml-channel,
 * --uml-disk): their values come from the launcher's table, and a
 * backend that takes them (harness_backend_varies) runs once per pair.
 */
#define HARNESS_CHANNEL "uml-channel"
#define HARNESS_DISK "uml-disk"
bool harness_backend_varies (const char *backend);

/* A case's appliance: its timeouts (launch, each call) and /dev/sda
 * mounted on / once it runs (harness-case.c; the campaign uses both).
 */
#define HARNESS_LAUNCH_TIMEOUT_MS 240000
#define HARNESS_CALL_TIMEOUT_MS 120000
struct session;
int harness_guest_mount (struct session *s);
/* CHANNEL and DISK: values of those settings for a backend that takes
 * them (NULL: the defaults), NULL for the others.
 */
int harness_run_case (struct harness_env *env, const char *backend,
                      const char *channel, const char *disk,
                      const char *cache, const struct harness_kernel *k,
                      size_t kindex, struct case_result *r);

/* --- The report (harness-report.c) ------------------------------------- */
/* KERNEL_COL: the width of the kernel column, 0 for none (no --kernel). */
void harness_report_header (FILE *f, int kernel_col);
void harness_report_row (FILE *f, const struct case_result *r,
                         int kernel_col);
void harness_report_legend (FILE *f);
/* One line of JSON per case. */
void harness_report_json (FILE *f, const struct case_result *r);

#endif
