/* Durability bookkeeping for guestdrv-lazyfs (see model.h).
 *
 * The overlay is a hash table of 4 KiB pages, keyed by page index, each
 * page holding a sorted list of disjoint, non-adjacent dirty byte ranges.
 * Pages rather than one tree of extents: guests write whole blocks, so
 * most pages hold one range, lookups are O(1) and a write that bridges
 * two large extents never copies either of them.  The table uses linear
 * probing with backward-shift deletion, so no tombstones accumulate when
 * sync-mode writes or truncates empty pages.
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
#include "fsync/model.h"

#define PS MODEL_PAGE_SIZE
#define INLINE_RANGES 2
#define IOV_BATCH 64

struct range {
  uint16_t lo, hi;              /* [lo, hi) within the page; hi <= PS */
};

struct page {
  uint64_t idx;
  uint32_t nr, cap;
  struct range *r;              /* inl, or a heap array once it outgrows it */
  struct range inl[INLINE_RANGES];
  uint8_t data[PS];             /* valid only inside the ranges */
};

struct model_file {
  int fd;
  bool host_sync;
  uint64_t cache_limit;
  uint64_t size;                /* what readers see */
  uint64_t durable_size;        /* size of the backing file */
  uint64_t dirty;               /* bytes in the overlay */
  uint64_t mem;                 /* heap held by the overlay */
  struct page **tab;
  size_t tab_cap;               /* 0 or a power of two */
  size_t npages;
  struct model_counters c;
};

static inline uint64_t
min_u64 (uint64_t a, uint64_t b)
{
  return a < b ? a : b;
}

static inline uint64_t
max_u64 (uint64_t a, uint64_t b)
{
  return a > b ? a : b;
}

/* Fibonacci hashing: sequential page indexes spread over the table. */
static inline size_t
page_hash (uint64_t idx)
{
  return (size_t) ((idx * 0x9E3779B97F4A7C15ULL) >> 32);
}

static inline size_t
slot_of (const struct model_file *mf, uint64_t idx)
{
  return page_hash (idx) & (mf->tab_cap - 1);
}

static struct page *
page_find (const struct model_file *mf, uint64_t idx)
{
  size_t i;

  if (mf->npages == 0)
    return NULL;
  for (i = slot_of (mf, idx); mf->tab[i]; i = (i + 1) & (mf->tab_cap - 1))
    if (mf->tab[i]->idx == idx)
      return mf->tab[i];
  return NULL;
}

static void
tab_insert (struct page **tab, size_t cap, struct page *p)
{
  size_t i;

  for (i = page_hash (p->idx) & (cap - 1);
       tab[i]; i = (i + 1) & (cap - 1))
    ;
  tab[i] = p;
}

static int
tab_grow (struct model_file *mf)
{
  size_t ncap = mf->tab_cap ? mf->tab_cap * 2 : 64;
  struct page **ntab;
  size_t i;

  ntab = calloc (ncap, sizeof *ntab);
  if (ntab == NULL) {
    gd_set_error_errno ("model: overlay table of %zu slots", ncap);
    return -1;
  }
  for (i = 0; i < mf->tab_cap; i++)
    if (mf->tab[i])
      tab_insert (ntab, ncap, mf->tab[i]);
  free (mf->tab);
  mf->mem += (ncap - mf->tab_cap) * sizeof *ntab;
  mf->tab = ntab;
  mf->tab_cap = ncap;
  return 0;
}

static struct page *
page_get (struct model_file *mf, uint64_t idx)
{
  struct page *p = page_find (mf, idx);

  if (p)
    return p;
  /* Keep the load factor at or below one half. */
  if ((mf->npages + 1) * 2 > mf->tab_cap && tab_grow (mf) == -1)
    return NULL;
  p = malloc (sizeof *p);
  if (p == NULL) {
    gd_set_error_errno ("model: overlay page");
    return NULL;
  }
  p->idx = idx;
  p->nr = 0;
  p->cap = INLINE_RANGES;
  p->r = p->inl;
  tab_insert (mf->tab, mf->tab_cap, p);
  mf->npages++;
  mf->mem += sizeof *p;
  return p;
}

static void
page_free (struct model_file *mf, struct page *p)
{
  if (p->r != p->inl) {
    mf->mem -= p->cap * sizeof *p->r;
    free (p->r);
  }
  mf->mem -= sizeof *p;
  free (p);
}

static uint64_t
page_dirty (const struct page *p)
{
  uint64_t n = 0;
  uint32_t i;

  for (i = 0; i < p->nr; i++)
    n += p->r[i].hi - p->r[i].lo;
  return n;
}

static void overlay_clear (struct model_file *mf);

/* Removes p from the table and frees it.  Backward-shift deletion: move
 * later entries of the probe run into the hole unless their home slot
 * lies cyclically in (hole, j].
 */
static void
page_delete (struct model_file *mf, struct page *p)
{
  size_t mask = mf->tab_cap - 1;
  size_t i, j, k;

  for (i = slot_of (mf, p->idx); mf->tab[i] != p; i = (i + 1) & mask)
    ;
  mf->tab[i] = NULL;
  for (j = (i + 1) & mask; mf->tab[j]; j = (j + 1) & mask) {
    k = slot_of (mf, mf->tab[j]->idx);
    if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
      continue;
    mf->tab[i] = mf->tab[j];
    mf->tab[j] = NULL;
    i = j;
  }
  mf->npages--;
  page_free (mf, p);
  if (mf->npages == 0)
    overlay_clear (mf);         /* also gives back the table */
}

static void
overlay_clear (struct model_file *mf)
{
  size_t i;

  for (i = 0; i < mf->tab_cap; i++)
    if (mf->tab[i])
      page_free (mf, mf->tab[i]);
  free (mf->tab);
  mf->mem -= mf->tab_cap * sizeof *mf->tab;
  mf->tab = NULL;
  mf->tab_cap = 0;
  mf->npages = 0;
  mf->dirty = 0;
  assert (mf->mem == 0);
}

/* Replaces ranges [a, b) of p with ins[0..nins). */
static int
page_splice (struct model_file *mf, struct page *p, uint32_t a, uint32_t b,
             const struct range *ins, uint32_t nins)
{
  uint32_t nr = p->nr - (b - a) + nins;

  if (nr > p->cap) {
    uint32_t ncap = p->cap * 2;
    struct range *nrange;

    nrange = malloc (ncap * sizeof *nrange);
    if (nrange == NULL) {
      gd_set_error_errno ("model: range list of %u entries", ncap);
      return -1;
    }
    memcpy (nrange, p->r, p->nr * sizeof *nrange);
    if (p->r != p->inl) {
      mf->mem -= p->cap * sizeof *p->r;
      free (p->r);
    }
    mf->mem += ncap * sizeof *nrange;
    p->r = nrange;
    p->cap = ncap;
  }
  memmove (&p->r[a + nins], &p->r[b], (p->nr - b) * sizeof *p->r);
  memcpy (&p->r[a], ins, nins * sizeof *ins);
  p->nr = nr;
  return 0;
}

/* Marks [lo, hi) dirty; merges with overlapping and adjacent ranges.
 * Returns the number of bytes that were not dirty before, or -1.
 */
static int64_t
page_add (struct model_file *mf, struct page *p, uint16_t lo, uint16_t hi)
{
  struct range m = { lo, hi };
  uint32_t a, b;
  uint64_t old = 0;

  for (a = 0; a < p->nr && p->r[a].hi < lo; a++)
    ;
  for (b = a; b < p->nr && p->r[b].lo <= hi; b++) {
    old += p->r[b].hi - p->r[b].lo;
    if (p->r[b].lo < m.lo)
      m.lo = p->r[b].lo;
    if (p->r[b].hi > m.hi)
      m.hi = p->r[b].hi;
  }
  if (page_splice (mf, p, a, b, &m, 1) == -1)
    return -1;
  return (int64_t) (m.hi - m.lo) - (int64_t) old;
}

/* Clears [lo, hi).  Returns the number of bytes that were dirty, or -1. */
static int64_t
page_remove (struct model_file *mf, struct page *p, uint16_t lo, uint16_t hi)
{
  struct range keep[2];
  uint32_t a, b, nkeep = 0;
  int64_t removed = 0;

  for (a = 0; a < p->nr && p->r[a].hi <= lo; a++)
    ;
  for (b = a; b < p->nr && p->r[b].lo < hi; b++)
    removed += (int64_t) (min_u64 (p->r[b].hi, hi)
                          - max_u64 (p->r[b].lo, lo));
  if (a == b)
    return 0;
  if (p->r[a].lo < lo)
    keep[nkeep++] = (struct range) { p->r[a].lo, lo };
  if (p->r[b - 1].hi > hi)
    keep[nkeep++] = (struct range) { hi, p->r[b - 1].hi };
  if (page_splice (mf, p, a, b, keep, nkeep) == -1)
    return -1;
  return removed;
}

static int
compare_pages (const void *a, const void *b)
{
  const struct page *pa = *(struct page * const *) a;
  const struct page *pb = *(struct page * const *) b;

  return pa->idx < pb->idx ? -1 : pa->idx > pb->idx;
}

/* The overlay's pages in offset order; the caller frees the array. */
static struct page **
pages_sorted (struct model_file *mf)
{
  struct page **v;
  size_t i, n = 0;

  v = malloc ((mf->npages ? mf->npages : 1) * sizeof *v);
  if (v == NULL) {
    gd_set_error_errno ("model: sorting %zu overlay pages", mf->npages);
    return NULL;
  }
  for (i = 0; i < mf->tab_cap; i++)
    if (mf->tab[i])
      v[n++] = mf->tab[i];
  assert (n == mf->npages);
  qsort (v, n, sizeof *v, compare_pages);
  return v;
}

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
  v = pages_sorted (mf);
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
  overlay_clear (mf);
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
  overlay_clear (mf);
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
    struct page *p = page_get (mf, off / PS);
    int64_t added;

    if (p == NULL)
      return -1;
    added = page_add (mf, p, (uint16_t) po, (uint16_t) (po + n));
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
    struct page *p = page_find (mf, off / PS);

    if (p) {
      int64_t r = page_remove (mf, p, (uint16_t) po, (uint16_t) (po + n));
      if (r == -1)
        return -1;
      mf->dirty -= (uint64_t) r;
      total += r;
      if (p->nr == 0)
        page_delete (mf, p);
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
      const struct page *p = page_find (mf, idx);
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
    struct page **v = pages_sorted (mf);
    size_t i, n = mf->npages;

    if (v == NULL)
      return -1;
    for (i = 0; i < n; i++) {
      if (v[i]->idx >= first_whole) {
        mf->dirty -= page_dirty (v[i]);
        page_delete (mf, v[i]);
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
    v = pages_sorted (mf);
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
  overlay_clear (mf);
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
