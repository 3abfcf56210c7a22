/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host side of the UML serial line's acknowledged window
 * (serial-window.h): at most win_bytes unacknowledged bytes in flight,
 * the guest relay's acks read from their own line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "channel-internal.h"
#include "../common/serial-window.h"
#include "../common/error.h"

int
channel_set_window (struct channel *ch, int ack_fd, size_t unit, size_t window)
{
  int fl = fcntl (ack_fd, F_GETFL);

  if (unit == 0 || window < unit || fl == -1 ||
      fcntl (ack_fd, F_SETFL, fl | O_NONBLOCK) == -1) {
    errno = EINVAL;
    gd_set_error ("%s: bad window (unit %zu, window %zu, ack fd %d)",
                  ch->name, unit, window, ack_fd);
    if (ack_fd >= 0)
      close (ack_fd);
    return -1;
  }
  fcntl (ack_fd, F_SETFD, FD_CLOEXEC);
  if (ch->ack_fd >= 0)
    close (ch->ack_fd);
  ch->ack_fd = ack_fd;
  ch->win_unit = unit;
  ch->win_bytes = window;
  ch->acked = 0;
  return 0;
}

/* Take the acks that have arrived (never blocks).  The ack line is
 * untrusted like the rest: it may only ever acknowledge bytes we sent.
 */
static int
collect_acks (struct channel *ch)
{
  unsigned char b[512];

  for (;;) {
    ssize_t r = read (ch->ack_fd, b, sizeof b);

    if (r > 0) {
      for (ssize_t i = 0; i < r; i++)
        if (b[i] != SERIAL_WINDOW_ACK) {
          errno = EPROTO;
          gd_set_error ("%s: ack line: unexpected byte 0x%02x",
                        ch->name, b[i]);
          return -1;
        }
      ch->stats.acks += r;
      ch->acked += (uint64_t) r * ch->win_unit;
      if (ch->acked > ch->stats.bytes_out) {
        errno = EPROTO;
        gd_set_error ("%s: ack line: guest acknowledged %llu bytes, "
                      "only %llu were sent", ch->name,
                      (unsigned long long) ch->acked,
                      (unsigned long long) ch->stats.bytes_out);
        return -1;
      }
      continue;
    }
    if (r == 0 || (r == -1 && errno == ECONNRESET)) {
      channel_set_eof_error (ch);
      return -1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return 0;
    if (errno != EINTR) {
      gd_set_error_errno ("%s: read ack line", ch->name);
      return -1;
    }
  }
}

/* How many bytes may be written now: SSIZE_MAX without a window.  Waits
 * (bounded by the idle timeout) while the window is full.
 */
ssize_t
channel_window_room (struct channel *ch, uint64_t *idle_start)
{
  bool counted = false;

  if (ch->ack_fd < 0)
    return SSIZE_MAX;
  for (;;) {
    uint64_t in_flight;

    if (collect_acks (ch) == -1)
      return -1;
    in_flight = ch->stats.bytes_out - ch->acked;
    if (in_flight < ch->win_bytes)
      return ch->win_bytes - in_flight;
    if (!counted) {
      ch->stats.window_waits++;
      counted = true;
    }
    if (channel_wait_peer (ch, ch->ack_fd, POLLIN, idle_start,
                           &ch->stats.wait_ack_ns,
                           "waiting for the guest to acknowledge data "
                           "(serial-line window)") == -1)
      return -1;
  }
}
