/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The inside of a model_file (lazyfs/model.c) and its overlay of dirty
 * pages (lazyfs/model-pages.c): shared by those two files only.
 */
#ifndef GUESTDRV_FSYNC_MODEL_PAGES_H
#define GUESTDRV_FSYNC_MODEL_PAGES_H

#include <stdint.h>

#include "lazyfs/model.h"

#define PS MODEL_PAGE_SIZE
#define INLINE_RANGES 2

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

/* The page holding index idx, NULL if it has no dirty byte. */
struct page *model_page_find (const struct model_file *mf, uint64_t idx);
/* The page of index idx, added empty if absent; NULL if out of memory. */
struct page *model_page_get (struct model_file *mf, uint64_t idx);
/* Removes p from the table and frees it. */
void model_page_delete (struct model_file *mf, struct page *p);
/* Frees every page and the table. */
void model_overlay_clear (struct model_file *mf);
uint64_t model_page_dirty (const struct page *p);
/* Marks [lo, hi) of p dirty.  Returns the bytes newly dirty, or -1. */
int64_t model_page_add (struct model_file *mf, struct page *p,
                        uint16_t lo, uint16_t hi);
/* Clears [lo, hi) of p.  Returns the bytes that were dirty, or -1. */
int64_t model_page_remove (struct model_file *mf, struct page *p,
                           uint16_t lo, uint16_t hi);
/* The overlay's pages in offset order; the caller frees the array. */
struct page **model_pages_sorted (struct model_file *mf);

#endif
