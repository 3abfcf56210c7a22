/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The init's module plan from modules.dep (guest/init-module.c): which
 * files, in which order; names with '-' or '_', compressed files, names
 * that are only a prefix, missing modules and too many files.
 */
#undef NDEBUG
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/init-module.h"
#include "unit-main.h"

#define MAX 8

static const char dep[] =
  "kernel/drivers/char/virtio_console.ko:\n"
  "kernel/drivers/md/raid456.ko: kernel/crypto/async_tx/async_raid6_recov.ko "
  "kernel/crypto/async_tx/async_pq.ko kernel/crypto/async_tx/async_tx.ko\n"
  "kernel/drivers/md/dm-mod.ko:\n"
  "kernel/drivers/block/virtio_blk.ko.xz:\tkernel/drivers/virtio/virtio.ko\n"
  "kernel/fs/virtio_fs2.ko:\n"
  "no colon on this line virtio_net.ko\n"
  "kernel/drivers/net/last.ko: kernel/a.ko";

/* The plan for NAME as one string, files separated by spaces. */
static char *
plan (const char *text, const char *name, size_t max)
{
  const char *path[MAX];
  size_t len[MAX];
  int n = init_module_plan (text, name, path, len, max);
  char *out;
  size_t o = 0;

  if (n < 0)
    return NULL;
  out = calloc (1, 1024);
  ck_assert_ptr_nonnull (out);
  for (int i = 0; i < n; i++)
    o += (size_t) snprintf (out + o, 1024 - o, "%s%.*s", i ? " " : "",
                            (int) len[i], path[i]);
  return out;
}

static void
plan_is (const char *name, size_t max, const char *want)
{
  char *got = plan (dep, name, max);

  if (!want)
    ck_assert_msg (got == NULL, "%s: %s", name, got);
  else {
    ck_assert_msg (got != NULL, "%s: not found", name);
    ck_assert_str_eq (got, want);
  }
  free (got);
}

START_TEST (plan_order)
{
  plan_is ("virtio_console", MAX, "kernel/drivers/char/virtio_console.ko");
  /* Dependencies from the end of the list, the module last. */
  plan_is ("raid456", MAX, "kernel/crypto/async_tx/async_tx.ko "
           "kernel/crypto/async_tx/async_pq.ko "
           "kernel/crypto/async_tx/async_raid6_recov.ko "
           "kernel/drivers/md/raid456.ko");
  plan_is ("virtio_blk", MAX, "kernel/drivers/virtio/virtio.ko "
           "kernel/drivers/block/virtio_blk.ko.xz");
  /* The last line has no newline. */
  plan_is ("last", MAX, "kernel/a.ko kernel/drivers/net/last.ko");
}
END_TEST

START_TEST (plan_names)
{
  plan_is ("virtio-console", MAX, "kernel/drivers/char/virtio_console.ko");
  plan_is ("dm_mod", MAX, "kernel/drivers/md/dm-mod.ko");
  plan_is ("dm-mod", MAX, "kernel/drivers/md/dm-mod.ko");
  /* A prefix of a name, or a name beyond the file's, is not it. */
  plan_is ("virtio", MAX, NULL);
  plan_is ("virtio_console2", MAX, NULL);
  plan_is ("virtio_fs", MAX, NULL);
  plan_is ("raid", MAX, NULL);
  /* Only the part before ':' names a module. */
  plan_is ("virtio_net", MAX, NULL);
  plan_is ("async_pq", MAX, NULL);
  plan_is ("", MAX, NULL);
}
END_TEST

START_TEST (plan_bounds)
{
  /* Four files for raid456: a bound of four fits, three does not. */
  char *got = plan (dep, "raid456", 4);
  ck_assert_ptr_nonnull (got);
  free (got);
  plan_is ("raid456", 3, NULL);
  plan_is ("virtio_console", 1, "kernel/drivers/char/virtio_console.ko");
  plan_is ("virtio_console", 0, NULL);
  ck_assert_ptr_null (plan ("", "virtio_console", MAX));
  ck_assert_ptr_null (plan ("\n\n:\n", "virtio_console", MAX));
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, plan_order);
  tcase_add_test (tc, plan_names);
  tcase_add_test (tc, plan_bounds);
  return unit_run ("init-module", tc);
}
