/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Durability bookkeeping for guestdrv-lazyfs (see model.h): writes,
 * reads, syncs, truncates and cuts of one file over its backing file;
 * the overlay's pages are kept by model-pages.c.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/error.h"
#include "lazyfs/model-pages.h"

#define IOV_BATCH 64

static int
pread_full (int fd, void *buf, size_t len, uint64_t off, size_t *got)
{
  size_t done = 0;

  while (done < len) {
    ssize_t r = pread (fd, (char *) buf + done, len - done,
                       (off_t) (off + done));
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      gd_set_error_errno ("model: pread backing file at %" PRIu64, off);
      return -1;
    }
    if (r == 0)
      break;
    done += (size_t) r;
  }
  *got = done;
  return 0;
}

static int
pwritev_full (int fd, struct iovec *iov, int n, uint64_t off)
{
  while (n > 0) {
    ssize_t r = pwritev (fd, iov, n, (off_t) off);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      gd_set_error_errno ("model: pwrite backing file at %" PRIu64, off);
      return -1;
    }
    off += (uint64_t) r;
    while (n > 0 && (size_t) r >= iov->iov_len) {
      r -= (ssize_t) iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *) iov->iov_base + r;
      iov->iov_len -= (size_t) r;
    }
  }
  return 0;
}

/* Writes the whole overlay to the backing file, coalescing contiguous
 * ranges into one pwritev, then empties it.  On error the overlay is
 * kept: writing it again later is harmless.
 */
static int
overlay_write_back (struct model_file *mf, uint64_t *bytes)
{
  struct iovec iov[IOV_BATCH];
  struct page **v;
  uint64_t start = 0, end = 0;
  int niov = 0;
  size_t i;
  uint32_t j;

  *bytes = 0;
  if (mf->npages == 0)
    return 0;
  v = model_pages_sorted (mf);
  if (v == NULL)
    return -1;
  for (i = 0; i < mf->npages; i++) {
    for (j = 0; j < v[i]->nr; j++) {
      uint64_t off = v[i]->idx * PS + v[i]->r[j].lo;
      size_t len = v[i]->r[j].hi - v[i]->r[j].lo;

      if (niov > 0 && (off != end || niov == IOV_BATCH)) {
        if (pwritev_full (mf->fd, iov, niov, start) == -1)
          goto err;
        niov = 0;
      }
      if (niov == 0)
        start = end = off;
      iov[niov].iov_base = &v[i]->data[v[i]->r[j].lo];
      iov[niov].iov_len = len;
      niov++;
      end += len;
    }
  }
  if (niov > 0 && pwritev_full (mf->fd, iov, niov, start) == -1)
    goto err;
  free (v);

  *bytes = mf->dirty;
  mf->durable_size = max_u64 (mf->durable_size, end);
  model_overlay_clear (mf);
  /* Cannot happen while truncate is write-through; kept so the backing
   * file never ends up shorter than what readers were shown.
   */
  if (mf->durable_size < mf->size) {
    if (ftruncate (mf->fd, (off_t) mf->size) == -1) {
      gd_set_error_errno ("model: extend backing file to %" PRIu64,
                          mf->size);
      return -1;
    }
    mf->durable_size = mf->size;
  }
  return 0;

 err:
  free (v);
  return -1;
}

struct model_file *
model_file_new (int fd, uint64_t cache_limit)
{
  struct model_file *mf;
  struct stat st;

  if (fstat (fd, &st) == -1) {
    gd_set_error_errno ("model: fstat backing file");
    return NULL;
  }
  mf = calloc (1, sizeof *mf);
  if (mf == NULL) {
    gd_set_error_errno ("model: calloc");
    return NULL;
  }
  mf->fd = fd;
  mf->host_sync = true;
  mf->cache_limit = cache_limit;
  mf->size = mf->durable_size = (uint64_t) st.st_size;
  return mf;
}

void
model_file_free (struct model_file *mf)
{
  if (mf == NULL)
    return;
  model_overlay_clear (mf);
  close (mf->fd);
  free (mf);
}

static int
write_cached (struct model_file *mf, const uint8_t *buf, size_t len,
              uint64_t off)
{
  while (len > 0) {
    uint64_t po = off % PS;
    size_t n = (size_t) min_u64 (len, PS - po);
    struct page *p = model_page_get (mf, off / PS);
    int64_t added;

    if (p == NULL)
      return -1;
    added = model_page_add (mf, p, (uint16_t) po, (uint16_t) (po + n));
    if (added == -1)
      return -1;
    memcpy (&p->data[po], buf, n);
    mf->dirty += (uint64_t) added;
    mf->size = max_u64 (mf->size, off + n);
    buf += n;
    off += n;
    len -= n;
  }
  return 0;
}

/* Drops [off, off + len) from the overlay.  Returns the bytes dropped. */
static int64_t
overlay_punch (struct model_file *mf, uint64_t off, uint64_t len)
{
  int64_t total = 0;

  while (len > 0 && mf->npages > 0) {
    uint64_t po = off % PS;
    uint64_t n = min_u64 (len, PS - po);
    struct page *p = model_page_find (mf, off / PS);

    if (p) {
      int64_t r = model_page_remove (mf, p, (uint16_t) po,
                                     (uint16_t) (po + n));
      if (r == -1)
        return -1;
      mf->dirty -= (uint64_t) r;
      total += r;
      if (p->nr == 0)
        model_page_delete (mf, p);
    }
    off += n;
    len -= n;
  }
  return total;
}

int
model_file_write (struct model_file *mf, const void *buf, size_t len,
                  uint64_t off, bool sync_mode)
{
  mf->c.writes++;
  mf->c.bytes_written += len;
  if (len == 0)
    return 0;

  if (sync_mode) {
    struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };

    mf->c.sync_writes++;
    mf->c.sync_bytes_written += len;
    if (pwritev_full (mf->fd, &iov, 1, off) == -1)
      return -1;
    mf->durable_size = max_u64 (mf->durable_size, off + len);
    mf->size = max_u64 (mf->size, off + len);
    /* The new bytes supersede any cached older ones for the range;
     * leaving those would make a later sync overwrite newer data.
     */
    return overlay_punch (mf, off, len) == -1 ? -1 : 0;
  }

  if (write_cached (mf, buf, len, off) == -1)
    return -1;
  if (mf->cache_limit && mf->dirty > mf->cache_limit) {
    uint64_t bytes;

    if (overlay_write_back (mf, &bytes) == -1)
      return -1;
    mf->c.writebacks++;
    mf->c.bytes_written_back += bytes;
  }
  return 0;
}

ssize_t
model_file_read (struct model_file *mf, void *buf, size_t len, uint64_t off)
{
  uint8_t *out = buf;
  size_t got = 0;
  uint64_t idx, last;

  mf->c.reads++;
  if (off >= mf->size || len == 0)
    return 0;
  len = (size_t) min_u64 (len, mf->size - off);
  if (len > SSIZE_MAX)
    len = SSIZE_MAX;
  if (off < mf->durable_size &&
      pread_full (mf->fd, out, (size_t) min_u64 (len, mf->durable_size - off),
                  off, &got) == -1)
    return -1;
  memset (out + got, 0, len - got);

  if (mf->npages > 0) {
    last = (off + len - 1) / PS;
    for (idx = off / PS; idx <= last; idx++) {
      const struct page *p = model_page_find (mf, idx);
      uint32_t j;

      if (p == NULL)
        continue;
      for (j = 0; j < p->nr; j++) {
        uint64_t a = max_u64 (idx * PS + p->r[j].lo, off);
        uint64_t b = min_u64 (idx * PS + p->r[j].hi, off + len);

        if (a < b)
          memcpy (out + (a - off), &p->data[a - idx * PS], b - a);
      }
    }
  }
  mf->c.bytes_read += len;
  return (ssize_t) len;
}

int
model_file_sync (struct model_file *mf, enum model_sync kind)
{
  uint64_t bytes;
  int r;

  switch (kind) {
  case MODEL_FSYNC: mf->c.fsyncs++; break;
  case MODEL_FDATASYNC: mf->c.fdatasyncs++; break;
  case MODEL_SYNC_CONTROL: mf->c.control_syncs++; break;
  }
  if (overlay_write_back (mf, &bytes) == -1)
    return -1;
  mf->c.bytes_synced += bytes;
  if (!mf->host_sync)
    return 0;
  r = kind == MODEL_FDATASYNC ? fdatasync (mf->fd) : fsync (mf->fd);
  if (r == -1) {
    gd_set_error_errno ("model: %s backing file",
                        kind == MODEL_FDATASYNC ? "fdatasync" : "fsync");
    return -1;
  }
  return 0;
}

int
model_file_truncate (struct model_file *mf, uint64_t size)
{
  mf->c.truncates++;
  if (size > INT64_MAX) {
    errno = EFBIG;
    gd_set_error_errno ("model: truncate to %" PRIu64, size);
    return -1;
  }
  if (ftruncate (mf->fd, (off_t) size) == -1) {
    gd_set_error_errno ("model: truncate backing file to %" PRIu64, size);
    return -1;
  }
  if (size < mf->size && mf->npages > 0) {
    uint64_t first_whole = (size + PS - 1) / PS;
    struct page **v = model_pages_sorted (mf);
    size_t i, n = mf->npages;

    if (v == NULL)
      return -1;
    for (i = 0; i < n; i++) {
      if (v[i]->idx >= first_whole) {
        mf->dirty -= model_page_dirty (v[i]);
        model_page_delete (mf, v[i]);
      }
    }
    free (v);
    if (size % PS && overlay_punch (mf, size, PS - size % PS) == -1)
      return -1;
  }
  mf->size = mf->durable_size = size;
  return 0;
}

int
model_file_cut (struct model_file *mf, model_range_fn fn, void *opaque,
                uint64_t *lost)
{
  struct page **v = NULL;
  uint64_t start = 0, end = 0;
  bool have = false;
  size_t i;
  uint32_t j;

  mf->c.cuts++;
  *lost = mf->dirty;
  if (fn && mf->npages > 0) {
    v = model_pages_sorted (mf);
    if (v == NULL)
      return -1;
    for (i = 0; i < mf->npages && fn; i++) {
      for (j = 0; j < v[i]->nr && fn; j++) {
        uint64_t a = v[i]->idx * PS + v[i]->r[j].lo;
        uint64_t b = v[i]->idx * PS + v[i]->r[j].hi;

        if (have && a == end) {
          end = b;
          continue;
        }
        if (have && fn (start, end - start, opaque) == -1)
          fn = NULL;            /* the caller has seen enough */
        start = a;
        end = b;
        have = true;
      }
    }
    if (have && fn)
      fn (start, end - start, opaque);
    free (v);
  }
  mf->c.bytes_lost += mf->dirty;
  model_overlay_clear (mf);
  mf->size = mf->durable_size;
  return 0;
}

void
model_file_note_flush (struct model_file *mf)
{
  mf->c.flushes++;
}

void
model_file_set_host_sync (struct model_file *mf, bool host_sync)
{
  mf->host_sync = host_sync;
}

uint64_t
model_file_size (const struct model_file *mf)
{
  return mf->size;
}

uint64_t
model_file_durable_size (const struct model_file *mf)
{
  return mf->durable_size;
}

uint64_t
model_file_dirty_bytes (const struct model_file *mf)
{
  return mf->dirty;
}

uint64_t
model_file_overlay_mem (const struct model_file *mf)
{
  return mf->mem;
}

int
model_file_fd (const struct model_file *mf)
{
  return mf->fd;
}

const struct model_counters *
model_file_counters (const struct model_file *mf)
{
  return &mf->c;
}

void
model_file_reset_counters (struct model_file *mf)
{
  memset (&mf->c, 0, sizeof mf->c);
}

