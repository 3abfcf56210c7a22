/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest text: strict numbers (inf, nan, hex, exponents, out of range
 * refused), marks, printk times, and escaping of control characters and
 * invalid UTF-8 for the terminal.
 */
#undef NDEBUG
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/guest-text.h"
#include "unit-main.h"

START_TEST (seconds_plain)
{
  const char *end;
  double v;

  ck_assert_int_eq (guest_parse_seconds ("12.5 x", &end, &v), 0);
  ck_assert (v == 12.5);
  ck_assert_str_eq (end, " x");
  ck_assert_int_eq (guest_parse_seconds ("0", &end, &v), 0);
  ck_assert (v == 0);
  ck_assert_int_eq (guest_parse_seconds ("10000000", &end, &v), 0);
  ck_assert_int_eq (guest_parse_seconds ("10000001", &end, &v), -1);
  ck_assert_int_eq (guest_parse_seconds ("99999999999999999999999999", &end, &v), -1);
}
END_TEST

START_TEST (seconds_refused)
{
  static const char *const bad[] = { "inf", "nan", "INF", "-1", "+1",
                                     ".5", "", " 1", "infinity", "NaN" };
  const char *end;
  double v;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg (guest_parse_seconds (bad[i], &end, &v) == -1, "%s", bad[i]);
  /* An exponent stops the number: a mark then fails on the next char. */
  ck_assert_int_eq (guest_parse_seconds ("1e308", &end, &v), 0);
  ck_assert_str_eq (end, "e308");
}
END_TEST

START_TEST (marks)
{
  char stage[48];
  double up;

  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1.25 init-start", &up, stage, sizeof stage), 0);
  ck_assert (up == 1.25);
  ck_assert_str_eq (stage, "init-start");
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark inf x", &up, stage, sizeof stage), -1);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark nan x", &up, stage, sizeof stage), -1);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1e400 x", &up, stage, sizeof stage), -1);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark -5 x", &up, stage, sizeof stage), -1);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1 \x1b[2J", &up, stage, sizeof stage), -1);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1 ", &up, stage, sizeof stage), -1);
  /* 47 characters fit, 48 do not. */
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &up, stage, sizeof stage), 0);
  ck_assert_int_eq (guest_parse_mark ("guestdrv-mark 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &up, stage, sizeof stage), -1);
}
END_TEST

START_TEST (dmesg)
{
  const char *text;
  double t;

  ck_assert_int_eq (guest_parse_dmesg_time ("[    0.123456] Linux version", &t, &text), 0);
  ck_assert (t > 0.1234 && t < 0.1235);
  ck_assert_str_eq (text, "Linux version");
  ck_assert_int_eq (guest_parse_dmesg_time ("[  inf] x", &t, &text), -1);
  ck_assert_int_eq (guest_parse_dmesg_time ("[nan] x", &t, &text), -1);
  ck_assert_int_eq (guest_parse_dmesg_time ("[1e999] x", &t, &text), -1);
  ck_assert_int_eq (guest_parse_dmesg_time ("[1.0 x", &t, &text), -1);
}
END_TEST

START_TEST (escape)
{
  char out[64];
  char *d;

  guest_escape (out, sizeof out, "a\x1b[31mb\n", 8, false);
  ck_assert_str_eq (out, "a\\x1b[31mb\\x0a");
  guest_escape (out, sizeof out, "a\nb\tc", 5, true);
  ck_assert_str_eq (out, "a\nb\tc");
  /* Valid UTF-8 stays, C1 controls and invalid bytes are escaped. */
  guest_escape (out, sizeof out, "\xc3\xa9\xc2\x9b\xff\xc0\xaf", 7, false);
  ck_assert_str_eq (out, "\xc3\xa9\\xc2\\x9b\\xff\\xc0\\xaf");
  /* Truncated sequence at the end, and a surrogate. */
  guest_escape (out, sizeof out, "\xe2\x82\xed\xa0\x80", 5, false);
  ck_assert_str_eq (out, "\\xe2\\x82\\xed\\xa0\\x80");
  /* The output is cut on a whole unit, never mid-escape. */
  ck_assert_uint_eq (guest_escape (out, 6, "\x01\x02", 2, false), 4);
  ck_assert_str_eq (out, "\\x01");
  d = guest_escape_dup ("\x7f", 1, false);
  ck_assert_str_eq (d, "\\x7f");
  free (d);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, seconds_plain);
  tcase_add_test (tc, seconds_refused);
  tcase_add_test (tc, marks);
  tcase_add_test (tc, dmesg);
  tcase_add_test (tc, escape);
  return unit_run ("guest-text", tc);
}
