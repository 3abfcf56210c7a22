/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File descriptor I/O: whole writes and reads that survive EINTR and
 * short counts, a whole file read with a size bound, and the source and
 * sink callbacks that stream an upload from, or a download to, a host fd
 * (their signatures are protocol/proto.h's proto_source_fn and
 * proto_sink_fn).
 */
#ifndef GUESTDRV_FDIO_H
#define GUESTDRV_FDIO_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* Write all N bytes.  0, or -1 with errno set (the error slot is left
 * alone: callers add their context).
 */
int gd_write_all (int fd, const void *buf, size_t n);
/* Read until N bytes or EOF.  The count (< N only at EOF), or -1 with
 * errno set.
 */
ssize_t gd_read_all (int fd, void *buf, size_t n);
/* Read the whole of PATH, refusing more than MAX bytes (EFBIG).  The
 * contents NUL-terminated (malloc'd; *LEN the length if LEN is not
 * NULL), or NULL with the error set ("PATH: ...").
 */
char *gd_read_file (const char *path, size_t max, size_t *len);

/* The opaque argument of gd_fd_source and gd_fd_sink.  A read or write
 * interrupted by a signal is retried unless *INTERRUPT (if not NULL) is
 * set.
 */
struct gd_fd_io {
  int fd;
  volatile sig_atomic_t *interrupt;
};

/* Upload source: up to N bytes from IO->fd into BUF; the count, 0 at
 * EOF, or -1 with the error set.
 */
ssize_t gd_fd_source (void *io, void *buf, size_t n);
/* Download sink: all N bytes of BUF to IO->fd; 0, or -1 with the error
 * set.
 */
int gd_fd_sink (void *io, const void *buf, size_t n);

#endif
