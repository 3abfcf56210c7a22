/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the whole protocol stack (channel, framing, replies,
 * progress, FileIn/FileOut streams and their cancellation) over a real
 * socketpair.  The input is a small script of calls the client makes,
 * then the bytes the "daemon" sends, all queued before the first call
 * and followed by EOF, so no input can make the client wait.
 *
 * Input: byte 0 = number of calls (low 3 bits) and whether to wait for
 * the launch flag first (bit 7); then per call 4 bytes: procedure (16
 * bits, modulo the highest procedure + 1) and an argument (16 bits:
 * FileIn source size, or where a FileOut sink cancels; bit 15 makes the
 * source fail or the sink cancel); then the daemon's byte stream.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel/channel.h"
#include "common/error.h"
#include "protocol/proto-internal.h"
#include "decode-bodies.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct xfer {
  size_t left, limit, done;
  bool fail;
};

static ssize_t
source (void *opaque, void *buf, size_t n)
{
  struct xfer *x = opaque;

  if (x->fail && x->done >= x->limit / 2)
    return -1;
  if (n > x->left)
    n = x->left;
  memset (buf, 'x', n);
  x->left -= n;
  x->done += n;
  return (ssize_t) n;
}

static int
sink (void *opaque, const void *buf, size_t n)
{
  struct xfer *x = opaque;

  (void) buf;
  x->done += n;
  return x->fail && x->done > x->limit ? -1 : 0;
}

static void
progress (void *opaque, uint32_t proc, uint32_t serial, uint64_t pos,
          uint64_t total)
{
  (void) opaque; (void) proc; (void) serial; (void) pos; (void) total;
}

/* What the client sent: read and thrown away, so its writes never
 * block on a full socket.
 */
static void
drain (int fd)
{
  char buf[65536];

  while (recv (fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    ;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool once;
  struct channel *ch;
  struct proto *p;
  struct proto_args *a;
  unsigned ncalls;
  int sv[2], sndbuf = 1 << 20;
  const uint8_t *script;

  if (!once) {
    signal (SIGPIPE, SIG_IGN);
    once = true;
  }
  if (size < 1)
    return 0;
  ncalls = data[0] & 7;
  if (size < 1 + 4 * (size_t) ncalls)
    return 0;
  script = data + 1;
  data += 1 + 4 * ncalls;
  size -= 1 + 4 * (size_t) ncalls;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
    abort ();
  setsockopt (sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  /* What does not fit is cut: the stack then sees EOF earlier. */
  if (size > 0 && send (sv[1], data, size, MSG_DONTWAIT) < 0)
    (void) 0;
  shutdown (sv[1], SHUT_WR);

  ch = channel_from_fds (sv[0], sv[0], "fuzz");
  p = ch ? proto_new (ch) : NULL;
  a = proto_args_new ();
  if (!ch || !p || !a)
    abort ();
  channel_set_timeout (ch, 2000);
  proto_set_progress (p, progress, NULL);

  if (script[-1] & 0x80)
    channel_wait_launch_flag (ch, 2000);
  for (unsigned i = 0; i < ncalls; i++) {
    uint32_t proc = ((uint32_t) script[4 * i] << 8 | script[4 * i + 1]) %
                    (PROTO_PROC_MAX + 1);
    unsigned arg = (unsigned) script[4 * i + 2] << 8 | script[4 * i + 3];
    struct xfer x = { .left = arg & 0x7fff, .limit = arg & 0x7fff,
                      .fail = arg & 0x8000 };
    struct proto_reply r = { 0 };
    int rc;

    switch (proto_proc_transfer (proc)) {
    case PROTO_TRANSFER_FILEIN:
      rc = proto_call_filein (p, proc, 0, a, x.left, source, &x, &r);
      break;
    case PROTO_TRANSFER_FILEOUT:
      rc = proto_call_fileout (p, proc, 0, a, sink, &x, &r);
      break;
    default:
      rc = proto_call (p, proc, 0, a, &r);
    }
    if (rc == 0 && r.status == 0)
      fuzz_decode_bodies (&r);
    proto_reply_free (&r);
    drain (sv[1]);
  }
  proto_args_free (a);
  proto_free (p);
  channel_close (ch);
  close (sv[1]);
  gd_clear_error ();
  return 0;
}
