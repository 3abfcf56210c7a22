/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A protocol session to the scripted fake daemon over a socketpair, for
 * the Check tests of the protocol layer (test-proto-fake-daemon,
 * test-proto-hostile): start it, finish it, and the assertions on the
 * error that every misbehaviour test makes.
 */
#ifndef GUESTDRV_FAKE_SESSION_H
#define GUESTDRV_FAKE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel/channel.h"
#include "protocol/proto.h"
#include "fake-daemon.h"

struct fake_session {
  struct channel *ch;
  struct proto *p;
  pid_t pid;
};

/* Fork the daemon playing STEPS; the client side has a 5 s timeout. */
void fake_session_start (struct fake_session *f, const struct fake_step *steps);
/* Close our end first, so a daemon waiting for EOF can finish; the
 * daemon's exit status (0 = its script ran as expected).
 */
int fake_session_finish (struct fake_session *f);

/* The last error contains NEEDLE. */
void fake_assert_error (const char *needle);

/* A successful reply without a body to PROC, SERIAL into BUF (64 bytes). */
size_t fake_ok_reply (unsigned char *buf, uint32_t proc, uint32_t serial);

#endif
