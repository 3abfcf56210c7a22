/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel layer: a reliable byte stream between host and guestfsd,
 * whatever carries it (qemu virtio-serial on a Unix socket, the UML serial
 * line on a socketpair, a plain socketpair in tests).  It owns the bytes
 * and syscall counters and the time spent blocked on the peer.
 *
 * Every blocking operation is bounded by the channel's idle timeout (the
 * longest time without progress) and stops early when the watch fd (a
 * pidfd of the hypervisor) reports that the other side is gone.
 */
#ifndef GUESTDRV_CHANNEL_H
#define GUESTDRV_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/uio.h>

struct channel;

/* Size classes of read()/write() return values: <=64, <=512, <=4K, <=64K, more. */
#define CHANNEL_SIZE_CLASSES 5

struct channel_stats {
  uint64_t bytes_in, bytes_out;        /* payload bytes guest->host, host->guest */
  uint64_t read_calls, write_calls;    /* read()/write()/writev() system calls */
  uint64_t read_sizes[CHANNEL_SIZE_CLASSES];
  uint64_t write_sizes[CHANNEL_SIZE_CLASSES];
  uint64_t wait_in_ns, wait_out_ns;    /* time blocked in poll() for the peer */
  /* Acknowledged window (channel_set_window), else 0. */
  uint64_t acks;                       /* ack bytes received */
  uint64_t window_waits;               /* times the window was full */
  uint64_t wait_ack_ns;                /* time blocked waiting for acks */
};

/* Transports (one file each under channel/). */

/* Wait (bounded) for qemu to connect to LISTEN_FD, then wrap the
 * connection.  LISTEN_FD is not closed.  WATCH_FD, if >= 0, ends the wait
 * early when it becomes readable (the hypervisor died).
 */
struct channel *channel_accept_unix (int listen_fd, int timeout_ms,
                                     int watch_fd, const char *name);
/* Create a listening Unix socket at PATH (for qemu's -chardev socket). */
int channel_listen_unix (const char *path);

/* Wrap an already connected pair of fds (RFD may equal WFD).  Takes
 * ownership of both.  Used for the UML serial line and for tests.
 */
struct channel *channel_from_fds (int rfd, int wfd, const char *name);

/* UML's vhost-user virtio-console (vhost/virtio-console.h): serve the front
 * end that connects to LISTEN_FD (from channel_listen_unix; not owned;
 * UML gets virtio_uml.device=PATH:3) from a thread of ours; the channel
 * is the console port's byte stream.  WATCH_FD (not owned) ends the wait
 * for UML early.
 */
struct channel *channel_vhost_user_console (int listen_fd, int watch_fd,
                                            int accept_timeout_ms,
                                            const char *name);
/* That device's own counters (vhost/vhost-stats.h) copied into *OUT: 0,
 * or -1 with *OUT untouched when CH is not such a channel.
 */
struct vhost_stats;
int channel_vhost_stats (const struct channel *ch, struct vhost_stats *out);

/* Limit what is in flight: the host never has more than WINDOW bytes
 * written and not yet acknowledged; ACK_FD delivers one byte per UNIT
 * bytes the guest has taken.  Takes ownership of ACK_FD.  Used on the UML
 * serial line (serial-window.h explains why).  0 or -1.
 */
int channel_set_window (struct channel *ch, int ack_fd, size_t unit,
                        size_t window);

/* Common operations (channel.c). */
void channel_set_watch_fd (struct channel *ch, int watch_fd); /* not owned */
void channel_set_timeout (struct channel *ch, int idle_timeout_ms);
/* An absolute end for every wait (a gd_now_ns() value, 0 = none), on top
 * of the idle timeout: the protocol layer sets one per call.  A wait
 * that reaches it fails with ETIMEDOUT.
 */
void channel_set_deadline (struct channel *ch, uint64_t deadline_ns);
int channel_get_timeout (const struct channel *ch);

/* Read exactly N bytes.  Returns 0, or -1 with the error set: EOF is
 * "appliance closed the channel" (errno EPIPE), a timeout is ETIMEDOUT.
 */
int channel_read_full (struct channel *ch, void *buf, size_t n);
/* Write all of IOV.  Returns 0 or -1 with the error set. */
int channel_writev_full (struct channel *ch, const struct iovec *iov, int iovcnt);
int channel_write_full (struct channel *ch, const void *buf, size_t n);
/* Non-blocking: 1 if at least one byte can be read now (buffered or on
 * the fd), 0 if not, -1 on error.
 */
int channel_readable (struct channel *ch);
/* Number of bytes already buffered on the host side. */
size_t channel_buffered (const struct channel *ch);

/* record.c: --record FILE writes every channel byte both ways there
 * (GFSCAP1, the golden captures' format).  Close returns -1 with the
 * error set if any write failed.
 */
extern FILE *channel_record_fp;
int channel_record_open (const char *path);
void channel_record_bytes (char dir, const void *data, size_t n);
int channel_record_close (void);

/* Wait for guestfsd's 4-byte launch flag 0xF5F55FF5, bounded. */
int channel_wait_launch_flag (struct channel *ch, int timeout_ms);

const struct channel_stats *channel_get_stats (const struct channel *ch);
const char *channel_name (const struct channel *ch);
void channel_close (struct channel *ch);

#endif
