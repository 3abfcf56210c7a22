/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/json-write.c: RFC 8259 string escaping (quotes, backslash,
 * every control character, DEL, valid UTF-8 kept, invalid bytes as
 * U+FFFD), numbers (non-finite as null), the writer's layout and its
 * misuse detection, and a round trip through the reader.
 */
#undef NDEBUG
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit-main.h"
#include "common/error.h"
#include "common/json.h"
#include "common/json-write.h"

/* S escaped, as a malloc'd string. */
static char *
esc_n (const char *s, size_t n)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (json_write_string_n (f, s, n), 0);
  fclose (f);
  return buf;
}

static void
check_esc (const char *in, const char *want)
{
  char *got = esc_n (in, strlen (in));
  ck_assert_str_eq (got, want);
  free (got);
}

START_TEST (string_escaping)
{
  char *got;

  check_esc ("plain", "\"plain\"");
  check_esc ("a\"b\\c/", "\"a\\\"b\\\\c/\"");
  check_esc ("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
  check_esc ("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
  check_esc ("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
             "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  /* Invalid UTF-8: a lone continuation byte, an overlong '/', a
   * surrogate, a truncated sequence at the end.
   */
  check_esc ("\x80", "\"\\ufffd\"");
  check_esc ("\xc0\xaf", "\"\\ufffd\\ufffd\"");
  check_esc ("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
  check_esc ("ok\xe2\x82", "\"ok\\ufffd\\ufffd\"");
  got = esc_n ("a\0b", 3);
  ck_assert_str_eq (got, "\"a\\u0000b\"");
  free (got);
  /* Every byte value comes back through the reader unchanged (the
   * valid ones) or as U+FFFD.
   */
  for (int c = 1; c < 0x80; c++) {
    char in[2] = { (char) c, 0 };
    struct json *j;
    got = esc_n (in, 1);
    j = json_parse (got, strlen (got));
    ck_assert_ptr_nonnull (j);
    ck_assert_str_eq (j->str, in);
    json_free (j);
    free (got);
  }
}
END_TEST

START_TEST (numbers)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  json_write_number (f, 1.5, 9);
  fputc (' ', f);
  json_write_number (f, NAN, 9);
  fputc (' ', f);
  json_write_number (f, -INFINITY, 9);
  fputc (' ', f);
  json_write_number (f, 0.1, 17);
  fclose (f);
  ck_assert_str_eq (buf, "1.5 null null 0.10000000000000001");
  free (buf);
}
END_TEST

START_TEST (writer_layout)
{
  struct json_writer w;
  char *s;
  size_t len;

  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_object_begin (&w);
  jw_key (&w, "a"); jw_int (&w, -3);
  jw_key (&w, "b"); jw_array_begin (&w);
  jw_uint (&w, 18446744073709551615ULL); jw_bool (&w, true); jw_null (&w);
  jw_number (&w, 2.5); jw_string (&w, "x\n");
  jw_array_end (&w);
  jw_key (&w, "e"); jw_object_begin (&w); jw_object_end (&w);
  jw_object_end (&w);
  s = jw_take_buffer (&w, &len);
  ck_assert_ptr_nonnull (s);
  ck_assert_str_eq (s, "{\"a\":-3,\"b\":[18446744073709551615,true,null,"
                    "2.5,\"x\\n\"],\"e\":{}}");
  ck_assert_uint_eq (len, strlen (s));
  free (s);

  ck_assert_int_eq (jw_init_buffer (&w, 2), 0);
  jw_object_begin (&w);
  jw_key (&w, "k"); jw_array_begin (&w); jw_int (&w, 1); jw_int (&w, 2);
  jw_array_end (&w);
  jw_object_end (&w);
  s = jw_take_buffer (&w, NULL);
  ck_assert_str_eq (s, "{\n  \"k\": [\n    1,\n    2\n  ]\n}");
  free (s);
}
END_TEST

START_TEST (writer_misuse)
{
  struct json_writer w;

  /* A value where a key is due. */
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_object_begin (&w); jw_int (&w, 1); jw_object_end (&w);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "misnested"));
  /* Unclosed, mismatched, two top-level values, nothing at all. */
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_array_begin (&w);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_array_begin (&w); jw_object_end (&w);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_int (&w, 1); jw_int (&w, 2);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
  /* A key without its value. */
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  jw_object_begin (&w); jw_key (&w, "k"); jw_object_end (&w);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
}
END_TEST

/* As deep as the reader accepts, and not one level deeper. */
START_TEST (writer_depth)
{
  struct json_writer w;
  struct json *j;
  char *s;

  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  for (int i = 0; i <= JSON_MAX_DEPTH; i++)
    jw_array_begin (&w);
  for (int i = 0; i <= JSON_MAX_DEPTH; i++)
    jw_array_end (&w);
  s = jw_take_buffer (&w, NULL);
  ck_assert_ptr_nonnull (s);
  j = json_parse (s, strlen (s));
  ck_assert_ptr_nonnull (j);
  json_free (j);
  free (s);
  ck_assert_int_eq (jw_init_buffer (&w, 0), 0);
  for (int i = 0; i <= JSON_MAX_DEPTH + 1; i++)
    jw_array_begin (&w);
  for (int i = 0; i <= JSON_MAX_DEPTH + 1; i++)
    jw_array_end (&w);
  ck_assert_ptr_null (jw_take_buffer (&w, NULL));
}
END_TEST

START_TEST (tree_round_trip)
{
  const char *doc = "{\"s\":\"a\\u0001\\n\\\"\",\"n\":[1,2.5e-3,-7],"
                    "\"o\":{\"t\":true,\"f\":false,\"z\":null}}";
  struct json *j = json_parse (doc, strlen (doc));
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  ck_assert_ptr_nonnull (j);
  json_write (f, j, 0);
  fclose (f);
  ck_assert_str_eq (buf, "{\"s\":\"a\\u0001\\n\\\"\",\"n\":[1,0.0025,-7],"
                    "\"o\":{\"t\":true,\"f\":false,\"z\":null}}");
  json_free (j);
  free (buf);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, string_escaping);
  tcase_add_test (tc, numbers);
  tcase_add_test (tc, writer_layout);
  tcase_add_test (tc, writer_misuse);
  tcase_add_test (tc, writer_depth);
  tcase_add_test (tc, tree_round_trip);
  return unit_run ("common-json-write", tc);
}
