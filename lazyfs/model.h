/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The durability model behind guestdrv-lazyfs: one file is a durable
 * backing file plus a volatile overlay of written-but-not-yet-durable
 * bytes, as a disk with a volatile write cache would hold them.
 *
 * "Durable" means "in the backing file": the model simulates the power
 * cut, so what survives it is exactly what reached the backing file.
 * Metadata changes (truncate, extension by fallocate) are write-through.
 *
 * No locking here: the caller serialises calls on one model_file.
 */
#ifndef GUESTDRV_FSYNC_MODEL_H
#define GUESTDRV_FSYNC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Granularity of the overlay's index; writes are tracked to the byte. */
#define MODEL_PAGE_SIZE 4096

struct model_file;

struct model_counters {
  uint64_t writes;              /* all writes, cached or not */
  uint64_t bytes_written;
  uint64_t sync_writes;         /* write-through: O_SYNC/O_DSYNC/O_DIRECT */
  uint64_t sync_bytes_written;
  uint64_t reads;
  uint64_t bytes_read;
  uint64_t fsyncs;
  uint64_t fdatasyncs;
  uint64_t flushes;             /* close(2) on FUSE: not a durability point */
  uint64_t truncates;
  uint64_t control_syncs;       /* sync-all from the control socket */
  uint64_t bytes_synced;        /* overlay bytes made durable by any sync */
  uint64_t writebacks;          /* overlay over its limit: written back */
  uint64_t bytes_written_back;
  uint64_t cuts;
  uint64_t bytes_lost;          /* overlay bytes discarded by cuts */
};

enum model_sync {
  MODEL_FSYNC,
  MODEL_FDATASYNC,
  MODEL_SYNC_CONTROL,           /* not issued by the guest: counted apart */
};

/* Called once per maximal lost byte range, in offset order. */
typedef int (*model_range_fn) (uint64_t off, uint64_t len, void *opaque);

/* Takes ownership of fd (opened read-write on the backing file).
 * cache_limit bounds the overlay: when a write takes it above the
 * limit, the whole overlay is written back (counted in writebacks),
 * as a full disk cache would.  0 means no limit.
 */
struct model_file *model_file_new (int fd, uint64_t cache_limit);
/* Closes the fd and discards the overlay without writing it. */
void model_file_free (struct model_file *mf);

/* If sync_mode, the write goes straight to the backing file. */
int model_file_write (struct model_file *mf, const void *buf, size_t len,
                      uint64_t off, bool sync_mode);
/* Returns the number of bytes read, short only at end of file. */
ssize_t model_file_read (struct model_file *mf, void *buf, size_t len,
                         uint64_t off);
/* Writes the overlay to the backing file, then fsync/fdatasyncs it
 * unless host sync is off.
 */
int model_file_sync (struct model_file *mf, enum model_sync kind);
int model_file_truncate (struct model_file *mf, uint64_t size);
/* The power cut: discards the overlay.  fn (may be NULL) sees each lost
 * range; *lost gets the number of bytes lost.
 */
int model_file_cut (struct model_file *mf, model_range_fn fn, void *opaque,
                    uint64_t *lost);
void model_file_note_flush (struct model_file *mf);

/* Whether a guest fsync also fsyncs the backing file on the host.  It
 * does not change what survives a simulated cut, only a real one.
 */
void model_file_set_host_sync (struct model_file *mf, bool host_sync);

uint64_t model_file_size (const struct model_file *mf);
uint64_t model_file_durable_size (const struct model_file *mf);
uint64_t model_file_dirty_bytes (const struct model_file *mf);
/* Heap held by the overlay (pages and range lists). */
uint64_t model_file_overlay_mem (const struct model_file *mf);
int model_file_fd (const struct model_file *mf);
const struct model_counters *model_file_counters (const struct model_file *mf);
void model_file_reset_counters (struct model_file *mf);

#endif
