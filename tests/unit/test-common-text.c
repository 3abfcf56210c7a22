/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/text.c: the last line of a buffer. */
#undef NDEBUG
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit-main.h"
#include "common/text.h"

static void
check_last (const char *buf, const char *want)
{
  size_t n;
  const char *l = gd_last_line (buf, strlen (buf), &n);

  ck_assert_uint_eq (n, strlen (want));
  ck_assert_int_eq (strncmp (l, want, n), 0);
}

START_TEST (last_line)
{
  size_t n;

  check_last ("", "");
  check_last ("\n\n", "");
  check_last ("one", "one");
  check_last ("one\ntwo", "two");
  check_last ("one\ntwo\n", "two");
  check_last ("one\r\ntwo  \r\n\n", "two");
  check_last ("a\n  indented\n", "  indented");
  ck_assert_uint_eq (strlen (gd_last_line (NULL, 0, &n)), 0);
  ck_assert_uint_eq (n, 0);
  /* Only LEN bytes count. */
  gd_last_line ("x\nyz\nlater", 4, &n);
  ck_assert_uint_eq (n, 2);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, last_line);
  return unit_run ("common-text", tc);
}
