/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfsd's first four bytes on the channel, the launch flag: the
 * appliance is up.
 */
#include <errno.h>
#include <string.h>

#include "channel-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../trace/trace.h"

int
channel_wait_launch_flag (struct channel *ch, int timeout_ms)
{
  static const unsigned char flag[4] = { 0xf5, 0xf5, 0x5f, 0xf5 };
  unsigned char b[4];
  int saved_timeout = ch->timeout_ms;
  uint64_t t0 = gd_now_ns ();
  int r;

  ch->timeout_ms = timeout_ms;
  r = channel_read_full (ch, b, sizeof b);
  ch->timeout_ms = saved_timeout;
  if (r == -1) {
    gd_error_prefix ("waiting for the launch flag from guestfsd");
    return -1;
  }
  if (memcmp (b, flag, sizeof flag) != 0) {
    errno = EPROTO;
    gd_set_error ("%s: expected the launch flag f5 f5 5f f5 from guestfsd, "
                  "got %02x %02x %02x %02x (is the channel 8-bit clean "
                  "and is this guestfsd?)",
                  ch->name, b[0], b[1], b[2], b[3]);
    return -1;
  }
  gd_debug ("channel", "%s: launch flag after %.3f s", ch->name,
            (gd_now_ns () - t0) / 1e9);
  if (trace_on (TL_CHANNEL))
    trace_complete (TL_CHANNEL, "wait launch flag", t0, gd_now_ns (), NULL);
  return 0;
}
