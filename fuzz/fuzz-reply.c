/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the reply/frame decoder.  The input is one frame as
 * the daemon sends it after its length word; every decoder that reads
 * daemon bytes without I/O runs on it (reply header and error body, each
 * return-value decoder on the body, chunk heads, progress records).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/proto-internal.h"
#include "decode-bodies.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct proto_reply r = { 0 };
  struct gd_message_header h;
  gd_progress pr;

  if (proto_decode_header (data, size, &h) == 0)
    proto_check_call (&h);
  if (proto_decode_reply (data, size, &r) == 0) {
    proto_check_reply_ids (&r, r.proc, r.serial);
    proto_check_reply_ids (&r, 92, 0x00123400u);
    fuzz_decode_bodies (&r);
    proto_reply_free (&r);
  }
  if (size >= 12) {
    int cancel;
    uint32_t n;
    proto_check_chunk_len (proto_word (data));
    proto_decode_chunk_head (proto_word (data), data + 4, &cancel, &n);
  }
  if (size >= PROTO_PROGRESS_LEN)
    proto_decode_progress (data, &pr);
  return 0;
}
