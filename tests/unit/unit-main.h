/* The end of a Check unit test's main (): put the test case TC in a
 * suite NAME, run it (fork mode unless CK_FORK=no) and return the exit
 * status: non-zero if any test failed.
 */
#ifndef GUESTDRV_UNIT_MAIN_H
#define GUESTDRV_UNIT_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int
unit_run (const char *name, TCase *tc)
{
  Suite *s = suite_create (name);
  SRunner *sr;
  int failed;

  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
