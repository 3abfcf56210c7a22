/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scripted fake guestfsd for the protocol tests: a forked child that
 * plays a list of steps on its end of a socketpair.
 */
#ifndef GUESTDRV_FAKE_DAEMON_H
#define GUESTDRV_FAKE_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum fake_op {
  FK_END,          /* exit 0 (the fd is closed: EOF for the client) */
  FK_WRITE,        /* write DATA, LEN bytes */
  FK_EXPECT,       /* read LEN bytes, they must equal DATA */
  FK_READ,         /* read and discard LEN bytes */
  FK_READ_CALL,    /* read one call frame (length word + frame) */
  FK_READ_CHUNKS,  /* read chunks (skipping bare cancel words) until
                    * cancel = 1 or n = 0; the data total must be LEN
                    * (SIZE_MAX = any) and the last cancel flag ARG */
  FK_SLEEP,        /* sleep ARG ms */
  FK_WAIT_EOF,     /* read until the client closes */
  FK_FLOOD,        /* write DATA (LEN bytes) again and again until the
                    * client closes, then exit 0: a daemon that never
                    * stops (progress, chunks) */
};

struct fake_step {
  enum fake_op op;
  const void *data;
  size_t len;
  int arg;
};

/* Fork the daemon on FD (the child closes OTHER_FD).  Returns its pid. */
pid_t fake_daemon_start (int fd, int other_fd, const struct fake_step *steps);
/* Reap it: its exit status (0 = the script ran as expected). */
int fake_daemon_wait (pid_t pid);

/* Build a reply into BUF (length word included); returns its length. */
size_t fake_reply (unsigned char *buf, size_t cap, uint32_t prog,
                   uint32_t proc, uint32_t serial, uint32_t status,
                   const char *errno_str, const char *msg,
                   const void *body, size_t body_len);
/* A chunk (length word included); returns its length. */
size_t fake_chunk (unsigned char *buf, int cancel, const void *data,
                   uint32_t n);
/* A progress record (flag word included): 28 bytes. */
size_t fake_progress (unsigned char *buf, uint32_t proc, uint32_t serial,
                      uint64_t pos, uint64_t total);

#endif
