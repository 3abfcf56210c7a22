/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of launcher/kernel-name.c: the --kernel names resolved from
 * a kernel cache built in a temp dir ($GUESTDRV_CACHE), a missing one's
 * one-line error naming its make target, stock and plain paths.
 */
#undef NDEBUG
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "launcher/kernel-name.h"
#include "common/error.h"
#include "unit-main.h"

static char dir[64];

static void
setup (void)
{
  strcpy (dir, "/tmp/guestdrv-kname.XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (dir));
  setenv ("GUESTDRV_CACHE", dir, 1);
}

static void
teardown (void)
{
  char cmd[128];

  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq (system (cmd), 0);
}

START_TEST (test_names)
{
  char path[256], target[256], *p = (char *) "x";
  FILE *f;

  /* The build script's layout: kernels/<name> -> uml-<hash>-patched. */
  snprintf (path, sizeof path, "%s/kernels", dir);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  snprintf (target, sizeof target, "%s/kernels/uml-0123-patched", dir);
  ck_assert_int_eq (mkdir (target, 0755), 0);
  snprintf (path, sizeof path, "%s/linux", target);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fclose (f);
  ck_assert_int_eq (chmod (path, 0755), 0);
  snprintf (path, sizeof path, "%s/kernels/guestdrv", dir);
  ck_assert_int_eq (symlink ("uml-0123-patched", path), 0);

  ck_assert_int_eq (kernel_name_resolve ("guestdrv", &p), 0);
  snprintf (path, sizeof path, "%s/kernels/guestdrv/linux", dir);
  ck_assert_str_eq (p, path);
  free (p);

  /* Not built: one line naming the make target. */
  ck_assert_int_eq (kernel_name_resolve ("guestdrv-6.12", &p), -1);
  ck_assert_ptr_null (p);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "guestdrv-6.12: not built yet"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "make uml-kernel-6.12"));
  ck_assert_ptr_null (strchr (gd_get_error (), '\n'));

  /* stock: no override.  Anything else is a path, even one named like
   * the program.
   */
  ck_assert_int_eq (kernel_name_resolve ("stock", &p), 0);
  ck_assert_ptr_null (p);
  ck_assert_int_eq (kernel_name_resolve ("./guestdrv", &p), 0);
  ck_assert_str_eq (p, "./guestdrv");
  free (p);
  ck_assert (kernel_name_is_name ("control-6.12"));
  ck_assert (!kernel_name_is_name ("guestdrv-6.1"));
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("kernel-name");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_names);
  return unit_run ("kernel-name", tc);
}
