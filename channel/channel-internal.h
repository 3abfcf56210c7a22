/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the transports (unix-socket.c, fdpair.c), the serial-line window
 * (window.c) and the launch flag (launch-flag.c) share with channel.c.
 */
#ifndef GUESTDRV_CHANNEL_INTERNAL_H
#define GUESTDRV_CHANNEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"

/* Host-side receive buffer.  guestfsd's protocol reads 4-byte words and
 * small headers; over the UML serial line data arrives in pieces of a
 * few dozen bytes.  One readv() fills the caller's buffer and this one
 * together, so most small reads cost no syscall at all.
 */
#define CHANNEL_RBUF_SIZE (64 * 1024)

/* Used when nobody sets a timeout: long enough for slow calls under TCG
 * (mkfs of a big disk sends no progress), short enough that a hung
 * appliance is reported rather than waited on forever.
 */
#define CHANNEL_DEFAULT_TIMEOUT_MS (10 * 60 * 1000)

/* A device that a thread of ours runs at the far end of the channel's
 * fds (vhost-console.c: the vhost-user virtio-console), so the core can
 * report why it stopped and stop it without knowing what it is.
 */
struct channel_device_ops {
  /* Why the device stopped, or NULL while it runs. */
  const char *(*error) (void *dev);
  /* Stop and free it, once the channel's own fds are closed. */
  void (*stop) (void *dev);
};

struct channel {
  char *name;
  int rfd, wfd;
  bool wfd_is_socket;           /* use send(MSG_NOSIGNAL) rather than write() */
  bool eof;                     /* read() returned 0: report on the next read */
  int watch_fd;                 /* not owned, -1 if none */
  int timeout_ms;               /* idle timeout, < 0 = none */
  uint64_t deadline_ns;         /* absolute (gd_now_ns), 0 = none */
  size_t rpos, rlen;            /* unread bytes are rbuf[rpos .. rlen) */
  int ack_fd;                   /* acknowledged window, -1 if none */
  size_t win_unit, win_bytes;
  uint64_t acked;               /* bytes the guest has acknowledged */
  const struct channel_device_ops *dev_ops;     /* NULL if no device */
  void *dev;
  struct channel_stats stats;
  unsigned char rbuf[CHANNEL_RBUF_SIZE];
};

/* Allocate a channel around RFD/WFD (set non-blocking and close-on-exec).
 * Takes ownership of the fds, closing them on failure.
 */
struct channel *channel_new_fds (int rfd, int wfd, const char *name);

/* Poll FD for EVENTS together with the watch fd, for at most TIMEOUT_MS
 * (< 0 = forever).  Returns 1 when FD is ready, 0 on timeout, -1 with the
 * error set when the watch fd fired ("hypervisor exited") or poll failed.
 * Adds the time spent to *WAIT_NS if not NULL.
 */
int channel_poll_one (int fd, short events, int watch_fd, int timeout_ms,
                      uint64_t *wait_ns);

/* Wait until FD is ready for EVENTS, within the idle timeout (counted
 * from *IDLE_START, 0 right after progress) and the call's deadline;
 * the time spent goes to *WAIT_NS.  0, or -1 with the error ("NAME:
 * WHAT: ...") set.
 */
int channel_wait_peer (struct channel *ch, int fd, short events,
                       uint64_t *idle_start, uint64_t *wait_ns,
                       const char *what);
/* The peer is gone: EPIPE and the reason (the vhost-user device's, if it
 * has one).
 */
void channel_set_eof_error (struct channel *ch);
/* window.c: how many bytes may be written now (SSIZE_MAX without a
 * window), waiting while the window is full; -1 with the error set.
 */
ssize_t channel_window_room (struct channel *ch, uint64_t *idle_start);

#endif
