/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's view of its disks: the command that prints
 * /sys/block/<dev>/stat through the daemon, and the parser of its output
 * (guest text: untrusted, bounded by sscanf's field widths).  Apart from
 * disk.c so that the fuzzer links it alone.
 */
#include <stdio.h>
#include <string.h>

#include "disk.h"

const char disk_guest_stat_command[] =
  "cd /sys/block && for d in sd* vd* ubd*; do "
  "[ -r $d/stat ] && echo guestdrv-stat $d $(cat $d/stat); done; "
  /* guestfsd turns a non-zero exit status into an error. */
  "true";

size_t
disk_guest_parse (const char *text, struct disk_guest_stat *out, size_t max)
{
  size_t n = 0;
  const char *p = text;

  while (p && *p && n < max) {
    unsigned long long v[17] = { 0 };
    char dev[32];
    int got = sscanf (p, "guestdrv-stat %31s %llu %llu %llu %llu %llu %llu %llu "
                      "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                      dev, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                      &v[7], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13],
                      &v[14], &v[15], &v[16]);
    /* Fields (Documentation/block/stat.rst): read I/Os, read merges,
     * read sectors, read ticks, write I/Os, write merges, write sectors,
     * write ticks, in flight, io ticks, queue time, discard x4, flush
     * I/Os, flush ticks.  Older kernels give 11 or 15.
     */
    if (got >= 12) {
      struct disk_guest_stat *g = &out[n++];
      snprintf (g->dev, sizeof g->dev, "%s", dev);
      g->rd_ios = v[0];
      g->rd_sectors = v[2];
      g->rd_ticks_ms = v[3];
      g->wr_ios = v[4];
      g->wr_sectors = v[6];
      g->wr_ticks_ms = v[7];
      g->flush_ios = got >= 18 ? v[15] : 0;
      g->flush_ticks_ms = got >= 18 ? v[16] : 0;
    }
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return n;
}
