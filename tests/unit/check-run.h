/* The end of a unit test's main: run the suite and turn the result into
 * the exit status tests/run-tests.sh reads.  Check forks per test unless
 * CK_FORK=no (set for the valgrind runs), so one crash cannot take the
 * suite down.
 */
#ifndef GUESTDRV_CHECK_RUN_H
#define GUESTDRV_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int
check_run (Suite *s)
{
  SRunner *sr = srunner_create (s);
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
