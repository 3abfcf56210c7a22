/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The overlay of a model_file (see model.h, model-pages.h): a hash table
 * of 4 KiB pages, keyed by page index, each page holding a sorted list
 * of disjoint, non-adjacent dirty byte ranges.
 * Pages rather than one tree of extents: guests write whole blocks, so
 * most pages hold one range, lookups are O(1) and a write that bridges
 * two large extents never copies either of them.  The table uses linear
 * probing with backward-shift deletion, so no tombstones accumulate when
 * sync-mode writes or truncates empty pages.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "lazyfs/model-pages.h"

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

struct page *
model_page_find (const struct model_file *mf, uint64_t idx)
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

struct page *
model_page_get (struct model_file *mf, uint64_t idx)
{
  struct page *p = model_page_find (mf, idx);

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

uint64_t
model_page_dirty (const struct page *p)
{
  uint64_t n = 0;
  uint32_t i;

  for (i = 0; i < p->nr; i++)
    n += p->r[i].hi - p->r[i].lo;
  return n;
}

/* Removes p from the table and frees it.  Backward-shift deletion: move
 * later entries of the probe run into the hole unless their home slot
 * lies cyclically in (hole, j].
 */
void
model_page_delete (struct model_file *mf, struct page *p)
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
    model_overlay_clear (mf);         /* also gives back the table */
}

void
model_overlay_clear (struct model_file *mf)
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
int64_t
model_page_add (struct model_file *mf, struct page *p, uint16_t lo,
                uint16_t hi)
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
int64_t
model_page_remove (struct model_file *mf, struct page *p, uint16_t lo,
                   uint16_t hi)
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
struct page **
model_pages_sorted (struct model_file *mf)
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
