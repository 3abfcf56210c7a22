/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The UML virtio transport: a socketpair whose far end is served by the
 * vhost-user virtio-console thread (vhost/virtio-console.c), so the rest
 * of the channel layer reads and writes a plain stream.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "channel-internal.h"
#include "../common/error.h"
#include "../vhost/virtio-console.h"

/* Big socket buffers let one readv() fill many 4 KiB guest buffers. */
#define VCON_SOCKBUF (1024 * 1024)

static const char *
dev_error (void *dev)
{
  return vcon_error (dev);
}

static void
dev_stop (void *dev)
{
  vcon_stop (dev, VCON_LINGER_MS);
}

static const struct channel_device_ops vcon_ops = {
  .error = dev_error,
  .stop = dev_stop,
};

struct channel *
channel_vhost_user_console (int listen_fd, int watch_fd, int accept_timeout_ms,
                            const char *name)
{
  struct channel *ch;
  int sv[2], sz = VCON_SOCKBUF;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
    gd_set_error_errno ("socketpair");
    return NULL;
  }
  for (int i = 0; i < 2; i++) {
    setsockopt (sv[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    setsockopt (sv[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  }
  ch = channel_new_fds (sv[0], sv[0], name);
  if (!ch) {
    close (sv[1]);
    return NULL;
  }
  ch->dev = vcon_start (listen_fd, watch_fd, accept_timeout_ms, sv[1]);
  if (!ch->dev) {
    channel_close (ch);
    return NULL;
  }
  ch->dev_ops = &vcon_ops;
  return ch;
}

int
channel_vhost_stats (const struct channel *ch, struct vhost_stats *out)
{
  if (ch->dev_ops != &vcon_ops)
    return -1;
  vcon_get_stats (ch->dev, out);
  return 0;
}
