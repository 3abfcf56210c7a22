/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The end of a Check unit test's main (): run the suite (fork mode unless
 * CK_FORK=no, as the valgrind runs set) and return the exit status:
 * non-zero if any test failed.  unit_run puts a single test case TC in a
 * suite NAME first.
 */
#ifndef GUESTDRV_UNIT_MAIN_H
#define GUESTDRV_UNIT_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int
unit_run_suite (Suite *s)
{
  SRunner *sr = srunner_create (s);
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static inline int
unit_run (const char *name, TCase *tc)
{
  Suite *s = suite_create (name);

  suite_add_tcase (s, tc);
  return unit_run_suite (s);
}

#endif
