/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The init's by-path order (guest/init-bypath.c) on a fake /sys/block:
 * SCSI disks by H:C:T:L (numerically, not by kernel name), virtio-blk
 * by virtioN, UBD by name, unreadable addresses last, other names out.
 */
#undef NDEBUG
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "guest/init-bypath.h"
#include "unit-main.h"

static char dir[] = "/tmp/test-init-bypath.XXXXXX";

/* SYSBLOCK/NAME/device -> TARGET (a dangling link is enough: only the
 * link's text is read).  TARGET NULL: no device link.
 */
static void
fake_disk (const char *name, const char *target)
{
  char path[512];

  snprintf (path, sizeof path, "%s/%s", dir, name);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  if (target) {
    snprintf (path, sizeof path, "%s/%s/device", dir, name);
    ck_assert_int_eq (symlink (target, path), 0);
  }
}

/* The order as one string, names separated by spaces. */
static char *
order (size_t max)
{
  char *names[BY_PATH_MAX];
  size_t n = init_by_path_order (dir, names, max);
  char *out = calloc (1, 4096);
  size_t o = 0;

  ck_assert_ptr_nonnull (out);
  for (size_t i = 0; i < n; i++) {
    o += (size_t) snprintf (out + o, 4096 - o, "%s%s", i ? " " : "", names[i]);
    free (names[i]);
  }
  return out;
}

static void
order_is (size_t max, const char *want)
{
  char *got = order (max);
  ck_assert_str_eq (got, want);
  free (got);
}

static void
setup (void)
{
  ck_assert_ptr_nonnull (mkdtemp (dir));
}

static void
teardown (void)
{
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq (system (cmd), 0);
  strcpy (dir + strlen (dir) - 6, "XXXXXX");
}

#define SCSI "../../../0000:00:02.0/virtio1/host2/target2:0:"

START_TEST (scsi_by_address)
{
  /* Probed out of order: names do not follow the targets.  Target 10
   * must come after target 2 (numeric, not text).
   */
  fake_disk ("sda", SCSI "1/2:0:1:0");
  fake_disk ("sdb", SCSI "0/2:0:0:0");
  fake_disk ("sdc", SCSI "10/2:0:10:0");
  fake_disk ("sdd", SCSI "2/2:0:2:0");
  fake_disk ("sdaa", SCSI "3/2:0:3:0");
  order_is (BY_PATH_MAX, "sdb sda sdd sdaa sdc");
}
END_TEST

START_TEST (other_classes)
{
  /* sd before vd before ubd; virtio by index (numeric); ubd by name
   * (ubdb after ubda, ubdaa after both); no address: last in its class;
   * partitions, loop, dm and a bad SCSI address left out or last.
   */
  fake_disk ("vda", "../../../0000:00:04.0/virtio12");
  fake_disk ("vdb", "../../../0000:00:03.0/virtio3");
  fake_disk ("vdc", NULL);
  fake_disk ("ubdb", NULL);
  fake_disk ("ubdaa", NULL);
  fake_disk ("ubda", NULL);
  fake_disk ("sdb", SCSI "1/2:0:1:0");
  fake_disk ("sda", SCSI "x/2:0:x:0");
  fake_disk ("sdc", SCSI "0/2:0:0:0");
  fake_disk ("sda1", SCSI "0/2:0:0:0");
  fake_disk ("loop0", NULL);
  fake_disk ("dm-0", NULL);
  fake_disk ("sdA", NULL);
  order_is (BY_PATH_MAX, "sdc sdb sda vdb vda vdc ubda ubdb ubdaa");
}
END_TEST

START_TEST (bounds)
{
  char *names[BY_PATH_MAX];

  /* No such directory, an empty one, and a bound smaller than the
   * number of disks (which disks then is readdir's choice).
   */
  ck_assert_uint_eq (init_by_path_order ("/nonexistent/sys/block", names, 8), 0);
  order_is (BY_PATH_MAX, "");
  fake_disk ("sda", SCSI "0/2:0:0:0");
  fake_disk ("sdb", SCSI "1/2:0:1:0");
  fake_disk ("sdc", SCSI "2/2:0:2:0");
  size_t n = init_by_path_order (dir, names, 2);
  ck_assert_uint_eq (n, 2);
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  ck_assert_uint_eq (init_by_path_order (dir, names, 0), 0);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, scsi_by_address);
  tcase_add_test (tc, other_classes);
  tcase_add_test (tc, bounds);
  return unit_run ("init-bypath", tc);
}
