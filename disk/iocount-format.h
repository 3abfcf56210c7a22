/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the I/O counter (iocount.c, loaded into the hypervisor with
 * LD_PRELOAD) and the host side (disk.c) agree on.
 *
 * Environment given to the hypervisor:
 *   GUESTDRV_IOCOUNT_DIR   directory for the counter files
 *   GUESTDRV_IOCOUNT_N     number of images
 *   GUESTDRV_IOCOUNT_PATH<i>  image i (matched by device and inode, so
 *                          the hypervisor may spell the path any way)
 *
 * Each process (more exactly: each address space) writes
 * <dir>/iocount.<id>.<pid>, replacing it atomically (rename):
 *   guestdrv-iocount 1
 *   id <hex> pid <pid> seq <n>
 *   image <i> <opens> <sync_opens> <reads> <bytes_read> <read_ns>
 *         <writes> <bytes_written> <write_ns> <flushes> <flush_ns>
 *         <fallocates>                                   (one line)
 * Threads and CLONE_VM clones share the address space, hence the id and
 * the counters: the reader keeps the file of each id with the highest
 * seq and sums over ids.
 */
/*
 * Live counters: each address space also keeps its counters in a shared
 * mapping of <dir>/iocount-live.<id>.<pid> (struct iocount_live), which
 * the host reads whenever it wants the figures: they are current at that
 * moment, and the counting process writes no file while it does I/O.  The
 * text file is written when the counter loads and when the process exits
 * (and, without the mapping, as before: every flush and at most every
 * IOCOUNT_DUMP_INTERVAL_NS).  A process cloned without CLONE_VM and
 * without fork's handlers keeps adding to its parent's mapping.
 */
#ifndef GUESTDRV_IOCOUNT_FORMAT_H
#define GUESTDRV_IOCOUNT_FORMAT_H

#include <stdatomic.h>
#include <stdint.h>

#define IOCOUNT_MAX_IMAGES 32
#define IOCOUNT_ENV_DIR   "GUESTDRV_IOCOUNT_DIR"
#define IOCOUNT_ENV_N     "GUESTDRV_IOCOUNT_N"
#define IOCOUNT_ENV_PATH  "GUESTDRV_IOCOUNT_PATH"
#define IOCOUNT_MAGIC     "guestdrv-iocount 1"
#define IOCOUNT_PREFIX    "iocount."
/* Longest time between two writes of a process's file while it does
 * image I/O.  Flushes always write it at once.
 */
#define IOCOUNT_DUMP_INTERVAL_NS 200000000ULL

#define IOCOUNT_LIVE_PREFIX "iocount-live."
#define IOCOUNT_LIVE_MAGIC  "guestdrv-iocount-live 1"
#define IOCOUNT_NFIELDS 11

/* Field order as on an "image" line of the text file. */
enum { IOC_OPENS, IOC_SYNC_OPENS, IOC_READS, IOC_BYTES_READ, IOC_READ_NS,
       IOC_WRITES, IOC_BYTES_WRITTEN, IOC_WRITE_NS, IOC_FLUSHES, IOC_FLUSH_NS,
       IOC_FALLOCATES };

struct iocount_live {
  char magic[32];
  uint64_t id, pid, nimages;
  _Atomic uint64_t v[IOCOUNT_MAX_IMAGES][IOCOUNT_NFIELDS];
};

#endif
