/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The disk layer: what happens to each disk image, seen from the host
 * (an I/O counter inside the hypervisor; qemu's own block statistics over
 * QMP) and from the guest (/sys/block/<dev>/stat read through the
 * daemon).  Also used by the fsync harness for host flush counts.
 */
#ifndef GUESTDRV_DISK_H
#define GUESTDRV_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One disk image as the user gave it (-a, --format, --cache, --ro). */
struct disk {
  char *path;
  char *format;            /* "raw" or "qcow2" (explicit, always) */
  char *cache;             /* one of disk_cache_modes */
  bool readonly;
};

/* The --cache modes (cache-modes.c), in the order help and errors list
 * them.  BENCH_ORDER: the position in `bench --cache all` (the default,
 * writeback, first); WRITE_COST: the disk leg's cost relative to
 * writeback, where the bench's cost model starts.
 */
struct disk_cache_mode {
  const char *name;
  unsigned bench_order;
  double write_cost;
};
extern const struct disk_cache_mode disk_cache_modes[];
extern const size_t disk_ncache_modes;
/* The mode called NAME, or NULL. */
const struct disk_cache_mode *disk_cache_lookup (const char *name);
/* The names, SEP between them ("none, writeback, ..."), into BUF. */
void disk_cache_list (char *buf, size_t len, const char *sep);

/* Host side: the hypervisor's system calls on one image, counted by
 * libguestdrv-iocount.so (LD_PRELOAD) in every process of the hypervisor.
 */
struct disk_counters {
  uint64_t bytes_read, bytes_written;
  uint64_t reads, writes;          /* read/write system calls */
  uint64_t flushes;                /* fsync + fdatasync + sync_file_range */
  uint64_t flush_ns;               /* time inside those calls */
  uint64_t sync_opens;             /* opens with O_SYNC, O_DSYNC or O_DIRECT */
  uint64_t opens, fallocates;
  uint64_t read_ns, write_ns;
  unsigned processes;              /* address spaces that reported */
};

/* Read the counters of image IDX (the order of -a) of a running
 * hypervisor whose run directory is RUN_DIR (hv_tmpdir).  Figures are current (the live mapping of each process;
 * a process that could not map it: at most IOCOUNT_DUMP_INTERVAL_NS old,
 * flushes exact).  0, or -1 with the error set (counter not injected:
 * see disk_iocount_force; or not loaded yet).
 */
int disk_counters_read (const char *run_dir, size_t idx,
                        struct disk_counters *c);
/* The same from a counter directory (tests, after the fact). */
int disk_counters_read_dir (const char *dir, size_t idx, struct disk_counters *c);

/* Hypervisors get the counter when the disk layer is traced, or when
 * this is set (the fsync harness).
 */
extern bool disk_iocount_force;
bool disk_iocount_wanted (void);
/* The counter library: $GUESTDRV_IOCOUNT_SO, else disk/ next to the
 * guestdrv binary, else PREFIX/lib/guestdrv.  NULL if none exists.
 */
const char *disk_iocount_library (void);
/* The environment that injects the counter for DISKS into a hypervisor
 * whose run directory is TMPDIR: a NULL-terminated vector of malloc'd
 * "NAME=value" strings (LD_PRELOAD keeps any existing value).  Creates
 * TMPDIR/iocount.  NULL with the error set.
 */
char **disk_iocount_env (const char *tmpdir, const struct disk *disks,
                         size_t ndisks);
void disk_env_free (char **env);
/* TMPDIR/iocount, for readers. */
void disk_iocount_dir (const char *tmpdir, char *out, size_t outlen);

/* qemu's view of each drive (QMP query-blockstats). */
struct disk_qmp_stats {
  char device[64];                 /* "hd0", ... */
  uint64_t rd_bytes, wr_bytes, rd_ops, wr_ops, flush_ops;
  uint64_t rd_ns, wr_ns, flush_ns;
};
/* Connect to the QMP socket at PATH, negotiate, query, disconnect; every
 * step bounded by TIMEOUT_MS.  Fills at most MAX entries, sets *N.
 */
int disk_qmp_blockstats (const char *path, int timeout_ms,
                         struct disk_qmp_stats *out, size_t max, size_t *n);
/* Parse a query-blockstats reply (exposed for the unit test). */
int disk_qmp_parse_blockstats (const char *text, size_t len,
                               struct disk_qmp_stats *out, size_t max,
                               size_t *n);

/* Guest side: the 17 fields of /sys/block/<dev>/stat that we use. */
struct disk_guest_stat {
  char dev[32];                    /* "sda", "ubda" */
  uint64_t rd_ios, rd_sectors, rd_ticks_ms;
  uint64_t wr_ios, wr_sectors, wr_ticks_ms;
  uint64_t flush_ios, flush_ticks_ms;
};
/* Parse "DEV f1 f2 ..." lines (our probe's output).  Returns the count. */
size_t disk_guest_parse (const char *text, struct disk_guest_stat *out,
                         size_t max);
/* The shell command the daemon runs to print those lines. */
extern const char disk_guest_stat_command[];

#endif
