/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --record: every byte the channel reads and writes, appended to a file
 * in the GFSCAP1 format of the project's golden captures (magic
 * "GFSCAP1\n", then records: direction 'C' host->daemon or 'D'
 * daemon->host, 8-byte big-endian microseconds since the recording
 * started, 4-byte big-endian length, the bytes; length 0 = EOF).  One
 * recording per process; the hot path pays one predictable branch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "../common/clock.h"
#include "../common/error.h"

FILE *channel_record_fp;
static uint64_t record_t0;
static int record_failed;

int
channel_record_open (const char *path)
{
  FILE *fp = fopen (path, "wbe");

  if (!fp) {
    gd_set_error_errno ("--record: %s", path);
    return -1;
  }
  if (fwrite ("GFSCAP1\n", 1, 8, fp) != 8) {
    gd_set_error_errno ("--record: %s", path);
    fclose (fp);
    return -1;
  }
  record_t0 = gd_now_ns ();
  record_failed = 0;
  channel_record_fp = fp;
  return 0;
}

void
channel_record_bytes (char dir, const void *data, size_t n)
{
  unsigned char hdr[13];
  uint64_t us = (gd_now_ns () - record_t0) / 1000;

  if (!channel_record_fp || record_failed)
    return;
  hdr[0] = (unsigned char) dir;
  for (int i = 0; i < 8; i++)
    hdr[1 + i] = (unsigned char) (us >> (56 - 8 * i));
  for (int i = 0; i < 4; i++)
    hdr[9 + i] = (unsigned char) ((uint32_t) n >> (24 - 8 * i));
  if (fwrite (hdr, 1, sizeof hdr, channel_record_fp) != sizeof hdr ||
      (n && fwrite (data, 1, n, channel_record_fp) != n))
    record_failed = errno ? errno : EIO;
}

int
channel_record_close (void)
{
  FILE *fp = channel_record_fp;
  int r = 0;

  if (!fp)
    return 0;
  channel_record_fp = NULL;
  if (fclose (fp) != 0 && !record_failed)
    record_failed = errno;
  if (record_failed) {
    errno = record_failed;
    gd_set_error_errno ("--record: write");
    r = -1;
  }
  return r;
}
