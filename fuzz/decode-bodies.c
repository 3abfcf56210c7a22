/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every return-value decoder on one reply (see decode-bodies.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode-bodies.h"

void
fuzz_decode_bodies (const struct proto_reply *r)
{
  int32_t i32;
  int64_t i64;
  bool b;
  char *s;
  char **v;
  void *buf;
  size_t len;

  proto_ret_int (r, &i32);
  proto_ret_int64 (r, &i64);
  proto_ret_bool (r, &b);
  if (proto_ret_string (r, &s) == 0)
    free (s);
  if (proto_ret_string_list (r, &v) == 0) {
    for (size_t k = 0; v[k]; k++)
      free (v[k]);
    free (v);
  }
  if (proto_ret_buffer (r, &buf, &len) == 0)
    free (buf);
}
