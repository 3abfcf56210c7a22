/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of lazyfs/model.c: what survives a power cut, what is lost
 * and how much, against a byte-array reference model.
 */
#undef NDEBUG

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "lazyfs/model.h"

static int
backing_fd (void)
{
  int fd = memfd_create ("test-fsync-model", MFD_CLOEXEC);

  ck_assert_int_ge (fd, 0);
  return fd;
}

static uint64_t
backing_size (struct model_file *mf)
{
  struct stat st;

  ck_assert_int_eq (fstat (model_file_fd (mf), &st), 0);
  return (uint64_t) st.st_size;
}

static void
backing_read (struct model_file *mf, void *buf, size_t len, uint64_t off)
{
  ck_assert_int_eq (pread (model_file_fd (mf), buf, len, (off_t) off),
                    (ssize_t) len);
}

static void
fill (struct model_file *mf, int c, size_t len, uint64_t off, bool sync)
{
  uint8_t *buf = malloc (len);

  ck_assert_ptr_nonnull (buf);
  memset (buf, c, len);
  ck_assert_int_eq (model_file_write (mf, buf, len, off, sync), 0);
  free (buf);
}

/* Asserts that [off, off + len) of the model reads as byte c. */
static void
expect (struct model_file *mf, int c, size_t len, uint64_t off)
{
  uint8_t *buf = malloc (len);
  size_t i;

  ck_assert_ptr_nonnull (buf);
  ck_assert_int_eq (model_file_read (mf, buf, len, off), (ssize_t) len);
  for (i = 0; i < len; i++)
    ck_assert_msg (buf[i] == c, "byte %zu: 0x%02x, expected 0x%02x",
                   (size_t) off + i, buf[i], c);
  free (buf);
}

struct ranges {
  uint64_t off[4096], len[4096];
  unsigned n;
};

static int
collect (uint64_t off, uint64_t len, void *opaque)
{
  struct ranges *r = opaque;

  ck_assert_uint_lt (r->n, 4096);
  r->off[r->n] = off;
  r->len[r->n] = len;
  r->n++;
  return 0;
}

START_TEST (test_fsync_then_cut_survives)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  uint64_t lost;

  model_file_set_host_sync (mf, false);
  fill (mf, 0xaa, 10000, 123, false);
  ck_assert_uint_eq (backing_size (mf), 0);
  ck_assert_uint_eq (model_file_size (mf), 10123);
  ck_assert_int_eq (model_file_sync (mf, MODEL_FSYNC), 0);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 0);
  ck_assert_int_eq (model_file_cut (mf, NULL, NULL, &lost), 0);
  ck_assert_uint_eq (lost, 0);
  ck_assert_uint_eq (model_file_size (mf), 10123);
  expect (mf, 0, 123, 0);
  expect (mf, 0xaa, 10000, 123);
  ck_assert_uint_eq (model_file_counters (mf)->fsyncs, 1);
  ck_assert_uint_eq (model_file_counters (mf)->bytes_synced, 10000);
  model_file_free (mf);
}
END_TEST

START_TEST (test_unsynced_write_lost)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  struct ranges r = { .n = 0 };
  uint8_t buf[100];
  uint64_t lost;

  fill (mf, 0x11, 8192, 0, false);
  ck_assert_int_eq (model_file_sync (mf, MODEL_FDATASYNC), 0);
  fill (mf, 0x22, 5000, 1000, false);   /* overwrites durable bytes */
  fill (mf, 0x33, 10, 20000, false);    /* extends the file */
  ck_assert_uint_eq (model_file_size (mf), 20010);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 5010);
  expect (mf, 0x22, 5000, 1000);
  expect (mf, 0, 20000 - 8192, 8192);

  ck_assert_int_eq (model_file_cut (mf, collect, &r, &lost), 0);
  ck_assert_uint_eq (lost, 5010);
  ck_assert_uint_eq (r.n, 2);
  ck_assert_uint_eq (r.off[0], 1000);
  ck_assert_uint_eq (r.len[0], 5000);
  ck_assert_uint_eq (r.off[1], 20000);
  ck_assert_uint_eq (r.len[1], 10);
  ck_assert_uint_eq (model_file_counters (mf)->bytes_lost, 5010);
  ck_assert_uint_eq (model_file_counters (mf)->fdatasyncs, 1);

  /* After the cut only durable data is served. */
  ck_assert_uint_eq (model_file_size (mf), 8192);
  expect (mf, 0x11, 8192, 0);
  ck_assert_int_eq (model_file_read (mf, buf, sizeof buf, 8192), 0);
  ck_assert_int_eq (model_file_read (mf, buf, sizeof buf, 8150), 42);
  model_file_free (mf);
}
END_TEST

START_TEST (test_overlapping_writes_merge)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  struct ranges r = { .n = 0 };
  uint64_t lost;

  fill (mf, 'a', 100, 0, false);
  fill (mf, 'b', 100, 50, false);
  fill (mf, 'c', 10, 200, false);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 160);
  fill (mf, 'd', 50, 150, false);       /* bridges the gap exactly */
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 210);
  fill (mf, 'e', 1, 4095, false);       /* across a page boundary ... */
  fill (mf, 'f', 2, 4096, false);       /* ... adjacent to the last */
  fill (mf, 'g', 1, 60, false);         /* inside an existing range */
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 213);
  expect (mf, 'a', 50, 0);
  expect (mf, 'b', 10, 50);
  expect (mf, 'g', 1, 60);
  expect (mf, 'b', 89, 61);
  expect (mf, 'd', 50, 150);
  expect (mf, 'c', 10, 200);
  expect (mf, 0, 4095 - 210, 210);
  expect (mf, 'e', 1, 4095);
  expect (mf, 'f', 2, 4096);

  ck_assert_int_eq (model_file_cut (mf, collect, &r, &lost), 0);
  ck_assert_uint_eq (lost, 213);
  ck_assert_uint_eq (r.n, 2);
  ck_assert_uint_eq (r.off[0], 0);
  ck_assert_uint_eq (r.len[0], 210);
  ck_assert_uint_eq (r.off[1], 4095);   /* merged across the pages */
  ck_assert_uint_eq (r.len[1], 3);
  ck_assert_uint_eq (model_file_size (mf), 0);
  model_file_free (mf);
}
END_TEST

START_TEST (test_sync_mode_write_through)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  uint8_t buf[1000];
  uint64_t lost;

  fill (mf, 'a', 4096, 0, false);
  fill (mf, 'b', 1000, 1000, true);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 4096 - 1000);
  ck_assert_uint_eq (model_file_durable_size (mf), 2000);
  backing_read (mf, buf, 1000, 1000);
  ck_assert (buf[0] == 'b' && buf[999] == 'b');
  expect (mf, 'a', 1000, 0);
  expect (mf, 'b', 1000, 1000);
  expect (mf, 'a', 2096, 2000);

  /* A later sync must not overwrite the newer write-through bytes. */
  ck_assert_int_eq (model_file_sync (mf, MODEL_FSYNC), 0);
  expect (mf, 'b', 1000, 1000);
  backing_read (mf, buf, 1000, 1000);
  ck_assert (buf[0] == 'b' && buf[999] == 'b');

  fill (mf, 'c', 4096, 0, false);
  fill (mf, 'd', 4096, 0, true);        /* supersedes the whole page */
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 0);
  ck_assert_int_eq (model_file_cut (mf, NULL, NULL, &lost), 0);
  ck_assert_uint_eq (lost, 0);
  expect (mf, 'd', 4096, 0);
  ck_assert_uint_eq (model_file_counters (mf)->sync_writes, 2);
  ck_assert_uint_eq (model_file_counters (mf)->sync_bytes_written, 5096);
  ck_assert_uint_eq (model_file_counters (mf)->writes, 4);
  model_file_free (mf);
}
END_TEST

START_TEST (test_truncate_interplay)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  uint64_t lost;

  fill (mf, 'a', 10, 0, false);
  ck_assert_int_eq (model_file_sync (mf, MODEL_FSYNC), 0);
  fill (mf, 'b', 10000, 2000, false);
  /* Shrinking discards cached bytes beyond the new end: not "lost". */
  ck_assert_int_eq (model_file_truncate (mf, 5000), 0);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 3000);
  ck_assert_uint_eq (model_file_size (mf), 5000);
  ck_assert_uint_eq (backing_size (mf), 5000);
  /* Extending is durable at once and reads as zeroes. */
  ck_assert_int_eq (model_file_truncate (mf, 9000), 0);
  expect (mf, 'b', 3000, 2000);
  expect (mf, 0, 4000, 5000);
  ck_assert_int_eq (model_file_cut (mf, NULL, NULL, &lost), 0);
  ck_assert_uint_eq (lost, 3000);
  ck_assert_uint_eq (model_file_size (mf), 9000);
  expect (mf, 'a', 10, 0);
  expect (mf, 0, 8990, 10);
  ck_assert_uint_eq (model_file_counters (mf)->truncates, 2);

  /* Truncating inside a page keeps the cached head of that page. */
  fill (mf, 'c', 8192, 0, false);
  ck_assert_int_eq (model_file_truncate (mf, 100), 0);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 100);
  ck_assert_int_eq (model_file_truncate (mf, 0), 0);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 0);
  ck_assert_uint_eq (model_file_overlay_mem (mf), 0);
  model_file_free (mf);
}
END_TEST

START_TEST (test_cache_limit_writes_back)
{
  struct model_file *mf = model_file_new (backing_fd (), 8192);
  uint64_t lost;

  fill (mf, 'a', 8192, 0, false);
  ck_assert_uint_eq (model_file_counters (mf)->writebacks, 0);
  fill (mf, 'b', 1, 8192, false);
  ck_assert_uint_eq (model_file_counters (mf)->writebacks, 1);
  ck_assert_uint_eq (model_file_counters (mf)->bytes_written_back, 8193);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 0);
  ck_assert_int_eq (model_file_cut (mf, NULL, NULL, &lost), 0);
  ck_assert_uint_eq (lost, 0);
  expect (mf, 'a', 8192, 0);
  model_file_free (mf);
}
END_TEST

START_TEST (test_counters)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  const struct model_counters *c = model_file_counters (mf);
  uint8_t buf[10];

  fill (mf, 'a', 10, 0, false);
  ck_assert_int_eq (model_file_read (mf, buf, 10, 0), 10);
  model_file_note_flush (mf);
  ck_assert_uint_eq (c->flushes, 1);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), 10);   /* not durable */
  ck_assert_int_eq (model_file_sync (mf, MODEL_FDATASYNC), 0);
  ck_assert_int_eq (model_file_sync (mf, MODEL_FSYNC), 0);
  ck_assert_int_eq (model_file_sync (mf, MODEL_SYNC_CONTROL), 0);
  ck_assert_uint_eq (c->fdatasyncs, 1);
  ck_assert_uint_eq (c->fsyncs, 1);
  ck_assert_uint_eq (c->control_syncs, 1);
  ck_assert_uint_eq (c->bytes_synced, 10);
  ck_assert_uint_eq (c->reads, 1);
  ck_assert_uint_eq (c->bytes_read, 10);
  model_file_reset_counters (mf);
  ck_assert_uint_eq (c->writes + c->fsyncs + c->flushes + c->reads, 0);
  model_file_free (mf);
}
END_TEST

START_TEST (test_bad_fd)
{
  gd_clear_error ();
  ck_assert_ptr_null (model_file_new (-1, 0));
  ck_assert_int_eq (gd_get_errno (), EBADF);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "fstat"));
}
END_TEST

/* The reference: the file as readers see it, as the backing file holds
 * it, and which bytes are volatile.  Bytes beyond each size are zero.
 */
struct ref {
  size_t cap, size, dsize, ndirty;
  uint8_t *logical, *durable, *dirty;
};

static size_t
ref_mark (struct ref *ref, size_t off, size_t len, uint8_t v)
{
  size_t i, changed = 0;

  for (i = off; i < off + len; i++) {
    changed += ref->dirty[i] != v;
    ref->dirty[i] = v;
  }
  if (v)
    ref->ndirty += changed;
  else
    ref->ndirty -= changed;
  return changed;
}

static void
check_all (struct model_file *mf, struct ref *ref)
{
  uint8_t *buf = malloc (ref->cap + 1);

  ck_assert_ptr_nonnull (buf);
  ck_assert_uint_eq (model_file_size (mf), ref->size);
  ck_assert_uint_eq (model_file_durable_size (mf), ref->dsize);
  ck_assert_uint_eq (model_file_dirty_bytes (mf), ref->ndirty);
  ck_assert_int_eq (model_file_read (mf, buf, ref->cap + 1, 0),
                    (ssize_t) ref->size);
  ck_assert_mem_eq (buf, ref->logical, ref->size);
  ck_assert_uint_eq (backing_size (mf), ref->dsize);
  if (ref->dsize) {
    backing_read (mf, buf, ref->dsize, 0);
    ck_assert_mem_eq (buf, ref->durable, ref->dsize);
  }
  free (buf);
}

static void
random_ops (unsigned seed, size_t cap, size_t max_write, int nops)
{
  struct model_file *mf = model_file_new (backing_fd (), 0);
  struct ref ref = { .cap = cap };
  uint8_t *buf = malloc (cap);
  struct ranges *r = malloc (sizeof *r);
  int i;

  ck_assert_ptr_nonnull (buf);
  ck_assert_ptr_nonnull (r);
  ref.logical = calloc (cap, 1);
  ref.durable = calloc (cap, 1);
  ref.dirty = calloc (cap, 1);
  ck_assert (ref.logical && ref.durable && ref.dirty);
  model_file_set_host_sync (mf, false);
  srandom (seed);

  for (i = 0; i < nops; i++) {
    int op = (int) (random () % 100);
    size_t len = 1 + (size_t) random () % max_write;
    size_t off = (size_t) random () % (cap - len + 1);
    uint64_t lost;
    size_t j, k;

    if (op < 60) {                      /* cached write */
      for (j = 0; j < len; j++)
        buf[j] = (uint8_t) random ();
      ck_assert_int_eq (model_file_write (mf, buf, len, off, false), 0);
      memcpy (&ref.logical[off], buf, len);
      ref_mark (&ref, off, len, 1);
      if (off + len > ref.size)
        ref.size = off + len;
    }
    else if (op < 70) {                 /* sync-mode write */
      for (j = 0; j < len; j++)
        buf[j] = (uint8_t) random ();
      ck_assert_int_eq (model_file_write (mf, buf, len, off, true), 0);
      memcpy (&ref.logical[off], buf, len);
      memcpy (&ref.durable[off], buf, len);
      ref_mark (&ref, off, len, 0);
      if (off + len > ref.size)
        ref.size = off + len;
      if (off + len > ref.dsize)
        ref.dsize = off + len;
    }
    else if (op < 80) {                 /* read back a random range */
      ssize_t want = off >= ref.size ? 0
        : (ssize_t) (len < ref.size - off ? len : ref.size - off);

      ck_assert_int_eq (model_file_read (mf, buf, len, off), want);
      ck_assert_mem_eq (buf, &ref.logical[off], (size_t) want);
    }
    else if (op < 86) {                 /* fsync */
      ck_assert_int_eq (model_file_sync (mf, op & 1 ? MODEL_FSYNC
                                         : MODEL_FDATASYNC), 0);
      memcpy (ref.durable, ref.logical, cap);
      ref.dsize = ref.size;
      ref_mark (&ref, 0, cap, 0);
    }
    else if (op < 93) {                 /* power cut */
      r->n = 0;
      ck_assert_int_eq (model_file_cut (mf, collect, r, &lost), 0);
      ck_assert_uint_eq (lost, ref.ndirty);
      /* The reported ranges are exactly the runs of volatile bytes. */
      for (j = 0, k = 0; j < cap; j++) {
        size_t end;

        if (!ref.dirty[j])
          continue;
        for (end = j; end < cap && ref.dirty[end]; end++)
          ;
        ck_assert_uint_lt (k, r->n);
        ck_assert_uint_eq (r->off[k], j);
        ck_assert_uint_eq (r->len[k], end - j);
        k++;
        j = end;
      }
      ck_assert_uint_eq (k, r->n);
      memcpy (ref.logical, ref.durable, cap);
      ref.size = ref.dsize;
      ref_mark (&ref, 0, cap, 0);
    }
    else {                              /* truncate */
      size_t n = (size_t) random () % (cap + 1);

      ck_assert_int_eq (model_file_truncate (mf, n), 0);
      if (n < ref.size) {
        memset (&ref.logical[n], 0, cap - n);
        ref_mark (&ref, n, cap - n, 0);
      }
      if (n < ref.dsize)
        memset (&ref.durable[n], 0, cap - n);
      ref.size = ref.dsize = n;
    }
    ck_assert_uint_eq (model_file_dirty_bytes (mf), ref.ndirty);
    if (i % 97 == 0 || op >= 80)
      check_all (mf, &ref);
  }
  check_all (mf, &ref);
  model_file_free (mf);
  free (ref.logical);
  free (ref.durable);
  free (ref.dirty);
  free (buf);
  free (r);
}

START_TEST (test_random_small_file)
{
  /* Few pages, many overlaps within and across them. */
  random_ops (1, 3 * MODEL_PAGE_SIZE + 123, 3000, 4000);
}
END_TEST

START_TEST (test_random_many_pages)
{
  /* Enough pages to grow the table and exercise its deletions. */
  random_ops (2, 1024 * 1024, 20000, 3000);
}
END_TEST

START_TEST (test_random_tiny_writes)
{
  /* Many short ranges per page: range lists outgrow their inline slots. */
  random_ops (3, 2 * MODEL_PAGE_SIZE, 7, 6000);
}
END_TEST

static Suite *
model_suite (void)
{
  Suite *s = suite_create ("fsync-model");
  TCase *tc = tcase_create ("model");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_fsync_then_cut_survives);
  tcase_add_test (tc, test_unsynced_write_lost);
  tcase_add_test (tc, test_overlapping_writes_merge);
  tcase_add_test (tc, test_sync_mode_write_through);
  tcase_add_test (tc, test_truncate_interplay);
  tcase_add_test (tc, test_cache_limit_writes_back);
  tcase_add_test (tc, test_counters);
  tcase_add_test (tc, test_bad_fd);
  tcase_add_test (tc, test_random_small_file);
  tcase_add_test (tc, test_random_many_pages);
  tcase_add_test (tc, test_random_tiny_writes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (model_suite ());
  int failed;

  /* Check forks per test by default; CK_FORK=no is left to valgrind. */
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
