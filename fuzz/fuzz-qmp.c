/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the JSON reader (common/json.c) as the disk layer
 * uses it on qemu's QMP replies (query-blockstats), and the writer on
 * whatever it accepted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "disk/disk.h"
#include "common/json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct disk_qmp_stats st[8];
  struct json *j;
  size_t n;

  disk_qmp_parse_blockstats ((const char *) data, size, st, 8, &n);
  j = json_parse ((const char *) data, size);
  if (j) {
    FILE *f = fopen ("/dev/null", "w");
    json_number (json_path (j, "return.stats.rd_bytes"), 0);
    json_string (json_get (j, "event"), NULL);
    if (f) {
      json_write (f, j, 1);
      fclose (f);
    }
    json_free (j);
  }
  return 0;
}
