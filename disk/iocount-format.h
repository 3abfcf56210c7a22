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
#ifndef GUESTDRV_IOCOUNT_FORMAT_H
#define GUESTDRV_IOCOUNT_FORMAT_H

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

#endif
