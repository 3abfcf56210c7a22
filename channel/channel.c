/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The transport-independent part of a channel: buffered reads, full
 * writes, idle timeouts, the hypervisor watch fd and the counters.  The
 * UML serial line's window is window.c's, the launch flag
 * launch-flag.c's.
 *
 * Both fds are non-blocking.  We try the syscall first and poll() only on
 * EAGAIN, so a stream that keeps up costs one syscall per transfer and
 * the time in poll() is exactly the time spent waiting for the peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "channel-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../trace/trace.h"

/* Largest number of iovecs handed to one writev()/sendmsg(). */
#define IOV_BATCH 64

static unsigned
size_class (size_t n)
{
  if (n <= 64) return 0;
  if (n <= 512) return 1;
  if (n <= 4096) return 2;
  if (n <= 65536) return 3;
  return 4;
}

int
channel_poll_one (int fd, short events, int watch_fd, int timeout_ms,
                  uint64_t *wait_ns)
{
  struct pollfd pfd[2] = {
    { .fd = fd, .events = events },
    { .fd = watch_fd, .events = POLLIN },
  };
  nfds_t nfds = watch_fd >= 0 ? 2 : 1;
  uint64_t t0 = gd_now_ns ();
  int r;

  r = poll (pfd, nfds, timeout_ms);
  if (wait_ns)
    *wait_ns += gd_now_ns () - t0;
  if (r == -1) {
    if (errno == EINTR)
      return 1;                 /* the caller retries its syscall */
    gd_set_error_errno ("poll");
    return -1;
  }
  if (r == 0)
    return 0;
  /* Data still on the way from a dead hypervisor is worth more than the
   * news of its death (an internal_exit reply, for instance): report
   * the fd first.
   */
  if (pfd[0].revents)
    return 1;
  errno = EPIPE;
  gd_set_error ("hypervisor exited (the appliance is gone)");
  return -1;
}

void
channel_set_watch_fd (struct channel *ch, int watch_fd)
{
  ch->watch_fd = watch_fd;
}

void
channel_set_timeout (struct channel *ch, int idle_timeout_ms)
{
  ch->timeout_ms = idle_timeout_ms;
}

void
channel_set_deadline (struct channel *ch, uint64_t deadline_ns)
{
  ch->deadline_ns = deadline_ns;
}

int
channel_get_timeout (const struct channel *ch)
{
  return ch->timeout_ms;
}

/* Wait until FD is ready.  *IDLE_START is 0 right after progress (the
 * clock is read lazily, so a stream that never blocks never reads it).
 */
int
channel_wait_peer (struct channel *ch, int fd, short events,
                   uint64_t *idle_start, uint64_t *wait_ns, const char *what)
{
  int remaining = -1;
  uint64_t t0 = 0;
  bool by_deadline = false;
  int r;

  if (ch->timeout_ms >= 0) {
    uint64_t now = gd_now_ns ();
    uint64_t elapsed_ms;

    if (*idle_start == 0)
      *idle_start = now;
    elapsed_ms = (now - *idle_start) / 1000000;
    if (elapsed_ms >= (uint64_t) ch->timeout_ms)
      goto timeout;
    remaining = ch->timeout_ms - (int) elapsed_ms;
  }
  if (ch->deadline_ns) {
    uint64_t now = gd_now_ns ();
    uint64_t left_ms;

    if (now >= ch->deadline_ns) {
      errno = ETIMEDOUT;
      gd_set_error ("%s: %s: the call's deadline has passed (--call-timeout)",
                    ch->name, what);
      return -1;
    }
    left_ms = (ch->deadline_ns - now + 999999) / 1000000;
    if (remaining < 0 || left_ms < (uint64_t) remaining) {
      remaining = (int) (left_ms < INT32_MAX ? left_ms : INT32_MAX);
      by_deadline = true;
    }
  }

  if (trace_on (TL_CHANNEL))
    t0 = gd_now_ns ();
  r = channel_poll_one (fd, events, ch->watch_fd, remaining, wait_ns);
  if (trace_on (TL_CHANNEL))
    trace_complete (TL_CHANNEL, fd == ch->ack_fd ? "wait_ack"
                    : events == POLLIN ? "wait_in" : "wait_out",
                    t0, gd_now_ns (), NULL);
  if (r == -1) {
    gd_error_prefix ("%s: %s", ch->name, what);
    return -1;
  }
  if (r == 0)
    goto timeout;
  return 0;

 timeout:
  errno = ETIMEDOUT;
  /* poll's clock and ours may differ by a tick: trust which limit the
   * wait was given.
   */
  if (by_deadline || (ch->deadline_ns && gd_now_ns () >= ch->deadline_ns)) {
    gd_set_error ("%s: %s: the call's deadline has passed (--call-timeout)",
                  ch->name, what);
    return -1;
  }
  gd_set_error ("%s: %s: no progress for %d ms (idle timeout); "
                "the appliance may be hung",
                ch->name, what, ch->timeout_ms);
  return -1;
}

void
channel_set_eof_error (struct channel *ch)
{
  const char *why = ch->dev_ops ? ch->dev_ops->error (ch->dev) : NULL;

  errno = EPIPE;
  if (why) {
    gd_set_error ("%s: %s", ch->name, why);
    return;
  }
  gd_set_error ("%s: appliance closed the channel "
                "(guestfsd exited; see the appliance console)", ch->name);
}

static void
count_read (struct channel *ch, size_t r)
{
  ch->stats.bytes_in += r;
  ch->stats.read_sizes[size_class (r)]++;
  if (trace_on (TL_CHANNEL))
    trace_counter (TL_CHANNEL, "channel bytes", gd_now_ns (), "in",
                   (double) ch->stats.bytes_in);
}

static void
count_write (struct channel *ch, size_t r)
{
  ch->stats.bytes_out += r;
  ch->stats.write_sizes[size_class (r)]++;
  if (trace_on (TL_CHANNEL))
    trace_counter (TL_CHANNEL, "channel bytes", gd_now_ns (), "out",
                   (double) ch->stats.bytes_out);
}

int
channel_read_full (struct channel *ch, void *buf, size_t n)
{
  unsigned char *p = buf;
  size_t avail = ch->rlen - ch->rpos;
  uint64_t idle_start = 0;

  if (avail > 0) {
    size_t take = n < avail ? n : avail;

    memcpy (p, ch->rbuf + ch->rpos, take);
    ch->rpos += take;
    if (ch->rpos == ch->rlen)
      ch->rpos = ch->rlen = 0;
    p += take;
    n -= take;
  }

  /* Here the buffer is empty: read the rest and whatever else is ready
   * in one syscall.
   */
  while (n > 0) {
    struct iovec iov[2] = {
      { .iov_base = p, .iov_len = n },
      { .iov_base = ch->rbuf, .iov_len = sizeof ch->rbuf },
    };
    ssize_t r;

    if (ch->eof) {
      channel_set_eof_error (ch);
      return -1;
    }
    r = readv (ch->rfd, iov, 2);
    ch->stats.read_calls++;
    if (r > 0) {
      count_read (ch, r);
      idle_start = 0;
      if (__builtin_expect (channel_record_fp != NULL, 0)) {
        channel_record_bytes ('D', p, (size_t) r <= n ? (size_t) r : n);
        if ((size_t) r > n)
          channel_record_bytes ('D', ch->rbuf, r - n);
      }
      if ((size_t) r <= n) {
        p += r;
        n -= r;
      }
      else {
        ch->rpos = 0;
        ch->rlen = r - n;
        n = 0;
      }
    }
    else if (r == 0) {
      ch->eof = true;
      if (channel_record_fp)
        channel_record_bytes ('D', NULL, 0);
    }
    else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (channel_wait_peer (ch, ch->rfd, POLLIN, &idle_start, &ch->stats.wait_in_ns,
                     "waiting for data from the appliance") == -1)
        return -1;
    }
    else if (errno == ECONNRESET) {
      channel_set_eof_error (ch);
      return -1;
    }
    else if (errno != EINTR) {
      gd_set_error_errno ("%s: read", ch->name);
      return -1;
    }
  }
  return 0;
}

/* write() without SIGPIPE on fds that are not sockets: block the signal
 * around the call and swallow the one we caused, so a dead peer is an
 * EPIPE error rather than the death of the process.
 */
static ssize_t
writev_nosigpipe (int fd, const struct iovec *iov, int cnt)
{
  sigset_t pipe_set, old, pending;
  bool was_pending;
  ssize_t r;
  int saved;

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old);
  sigpending (&pending);
  was_pending = sigismember (&pending, SIGPIPE);
  r = writev (fd, iov, cnt);
  saved = errno;
  if (r == -1 && saved == EPIPE && !was_pending) {
    static const struct timespec zero = { 0, 0 };
    sigtimedwait (&pipe_set, NULL, &zero);
  }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  errno = saved;
  return r;
}

int
channel_writev_full (struct channel *ch, const struct iovec *iov, int iovcnt)
{
  int idx = 0;
  size_t off = 0;               /* bytes of iov[idx] already written */
  uint64_t idle_start = 0;

  for (;;) {
    struct iovec tmp[IOV_BATCH];
    int cnt = 0, i;
    ssize_t r, allowed;

    while (idx < iovcnt && iov[idx].iov_len == off) {
      idx++;
      off = 0;
    }
    if (idx == iovcnt)
      return 0;
    if ((allowed = channel_window_room (ch, &idle_start)) == -1)
      return -1;
    for (i = idx; i < iovcnt && cnt < IOV_BATCH && allowed > 0; i++) {
      size_t skip = i == idx ? off : 0;
      size_t len = iov[i].iov_len - skip;

      if (len == 0)
        continue;
      if (len > (size_t) allowed)
        len = allowed;
      tmp[cnt].iov_base = (char *) iov[i].iov_base + skip;
      tmp[cnt].iov_len = len;
      allowed -= len;
      cnt++;
    }

    if (ch->wfd_is_socket) {
      struct msghdr msg = { .msg_iov = tmp, .msg_iovlen = cnt };
      r = sendmsg (ch->wfd, &msg, MSG_NOSIGNAL);
    }
    else
      r = writev_nosigpipe (ch->wfd, tmp, cnt);
    ch->stats.write_calls++;

    if (r >= 0) {
      size_t left = r;

      count_write (ch, r);
      idle_start = 0;
      if (__builtin_expect (channel_record_fp != NULL, 0))
        for (size_t k = 0, rem = 0; k < (size_t) cnt && rem < (size_t) r; k++) {
          size_t take = tmp[k].iov_len < (size_t) r - rem ? tmp[k].iov_len : (size_t) r - rem;
          channel_record_bytes ('C', tmp[k].iov_base, take);
          rem += take;
        }
      while (left > 0) {
        size_t in_this = iov[idx].iov_len - off;

        if (left < in_this) {
          off += left;
          left = 0;
        }
        else {
          left -= in_this;
          idx++;
          off = 0;
        }
      }
    }
    else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (channel_wait_peer (ch, ch->wfd, POLLOUT, &idle_start, &ch->stats.wait_out_ns,
                     "waiting for the appliance to accept data") == -1)
        return -1;
    }
    else if (errno == EPIPE || errno == ECONNRESET) {
      channel_set_eof_error (ch);
      return -1;
    }
    else if (errno != EINTR) {
      gd_set_error_errno ("%s: write", ch->name);
      return -1;
    }
  }
}

int
channel_write_full (struct channel *ch, const void *buf, size_t n)
{
  struct iovec iov = { .iov_base = (void *) buf, .iov_len = n };

  return channel_writev_full (ch, &iov, 1);
}

int
channel_readable (struct channel *ch)
{
  ssize_t r;

  if (ch->rlen > ch->rpos || ch->eof)
    return 1;
  for (;;) {
    r = read (ch->rfd, ch->rbuf, sizeof ch->rbuf);
    ch->stats.read_calls++;
    if (r > 0) {
      count_read (ch, r);
      ch->rpos = 0;
      ch->rlen = r;
      return 1;
    }
    if (r == 0) {
      ch->eof = true;           /* reported by the next read */
      return 1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return 0;
    if (errno == ECONNRESET) {
      ch->eof = true;
      return 1;
    }
    if (errno != EINTR) {
      gd_set_error_errno ("%s: read", ch->name);
      return -1;
    }
  }
}

size_t
channel_buffered (const struct channel *ch)
{
  return ch->rlen - ch->rpos;
}

const struct channel_stats *
channel_get_stats (const struct channel *ch)
{
  return &ch->stats;
}

const char *
channel_name (const struct channel *ch)
{
  return ch->name;
}

void
channel_close (struct channel *ch)
{
  if (ch == NULL)
    return;
  gd_debug ("channel", "%s: closing: %llu bytes in (%llu reads), "
            "%llu bytes out (%llu writes)", ch->name,
            (unsigned long long) ch->stats.bytes_in,
            (unsigned long long) ch->stats.read_calls,
            (unsigned long long) ch->stats.bytes_out,
            (unsigned long long) ch->stats.write_calls);
  if (ch->rfd >= 0)
    close (ch->rfd);
  if (ch->wfd >= 0 && ch->wfd != ch->rfd)
    close (ch->wfd);
  /* After our end is closed: the device thread tells the guest, which
   * then powers off; answer UML meanwhile, for a bounded time.
   */
  if (ch->dev_ops)
    ch->dev_ops->stop (ch->dev);
  if (ch->ack_fd >= 0)
    close (ch->ack_fd);
  free (ch->name);
  free (ch);
}
