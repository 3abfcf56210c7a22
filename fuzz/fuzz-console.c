/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the guest's text as guestdrv reads it: console marks,
 * printk times, the guest's /sys/block stat lines, the escaping of guest
 * text for the terminal and the trace's JSON strings.  A time that passes
 * the parsers must be finite and in range, so that the casts to
 * nanoseconds downstream are defined.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/guest-text.h"
#include "common/json-write.h"
#include "disk/disk.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct disk_guest_stat gs[4];
  char *text = malloc (size + 1), *esc, stage[48];
  const char *rest;
  double t;
  FILE *f;

  if (!text)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';

  if (guest_parse_mark (text, &t, stage, sizeof stage) == 0) {
    if (!isfinite (t) || t < 0 || t > GUEST_SECONDS_MAX || stage[0] == '\0')
      abort ();
    (void) (int64_t) (t * 1e9);
  }
  if (guest_parse_dmesg_time (text, &t, &rest) == 0) {
    if (!isfinite (t) || t < 0 || t > GUEST_SECONDS_MAX)
      abort ();
    (void) (int64_t) (t * 1e9);
  }
  disk_guest_parse (text, gs, 4);

  esc = guest_escape_dup ((const char *) data, size, size & 1);
  if (esc) {
    for (const unsigned char *p = (const unsigned char *) esc; *p; p++)
      if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
        abort ();
    free (esc);
  }
  f = fopen ("/dev/null", "w");
  if (f) {
    json_write_string (f, text);
    fclose (f);
  }
  free (text);
  return 0;
}
