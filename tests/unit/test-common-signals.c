/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/signals.c: the stop signals reach the handler, SIGPIPE does
 * not end the process and a write to a closed pipe fails with EPIPE.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "unit-main.h"
#include "common/signals.h"

static volatile sig_atomic_t caught;

static void
on_signal (int sig)
{
  caught = sig;
}

START_TEST (stop_signals_caught)
{
  static const int stop[] = { SIGINT, SIGTERM, SIGHUP };

  gd_signals_catch (on_signal);
  for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
    caught = 0;
    ck_assert_int_eq (raise (stop[i]), 0);
    ck_assert_int_eq (caught, stop[i]);
  }
}
END_TEST

START_TEST (sigpipe_ignored)
{
  int p[2];

  gd_signals_catch (on_signal);
  ck_assert_int_eq (pipe (p), 0);
  close (p[0]);
  errno = 0;
  ck_assert_int_eq (write (p[1], "x", 1), -1);
  ck_assert_int_eq (errno, EPIPE);
  close (p[1]);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, stop_signals_caught);
  tcase_add_test (tc, sigpipe_ignored);
  return unit_run ("common-signals", tc);
}
