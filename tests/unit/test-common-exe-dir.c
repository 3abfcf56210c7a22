/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/exe-dir.c: the directory of the running test program. */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unit-main.h"
#include "common/exe-dir.h"

START_TEST (holds_this_program)
{
  char dir[PATH_MAX], path[PATH_MAX + 64];

  ck_assert_int_eq (gd_exe_dir (dir, sizeof dir), 0);
  ck_assert_int_eq (dir[0], '/');
  snprintf (path, sizeof path, "%s/test-common-exe-dir", dir);
  ck_assert_msg (access (path, X_OK) == 0, "%s", path);
}
END_TEST

START_TEST (too_small)
{
  char dir[4];

  errno = 0;
  ck_assert_int_eq (gd_exe_dir (dir, sizeof dir), -1);
  ck_assert_int_eq (errno, ENAMETOOLONG);
  ck_assert_int_eq (gd_exe_dir (dir, 1), -1);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, holds_this_program);
  tcase_add_test (tc, too_small);
  return unit_run ("common-exe-dir", tc);
}
