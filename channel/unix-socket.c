/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qemu transport: guestfsd's virtio-serial port appears on the host
 * as a Unix stream socket that qemu connects to (-chardev socket).  We
 * listen, qemu connects once.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"

int
channel_listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    gd_set_error ("%s: socket path too long (max %zu bytes); "
                  "use a shorter temporary directory",
                  path, sizeof addr.sun_path - 1);
    return -1;
  }
  strcpy (addr.sun_path, path);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) {
    gd_set_error_errno ("socket");
    return -1;
  }
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) == -1) {
    gd_set_error_errno ("bind: %s", path);
    goto err;
  }
  if (listen (fd, 1) == -1) {
    gd_set_error_errno ("listen: %s", path);
    goto err;
  }
  return fd;

 err:
  close (fd);
  return -1;
}

struct channel *
channel_accept_unix (int listen_fd, int timeout_ms, int watch_fd,
                     const char *name)
{
  uint64_t start = gd_now_ns ();
  int fd;

  /* Poll first: the caller's listening socket may be blocking. */
  for (;;) {
    int remaining = -1, r;

    if (timeout_ms >= 0) {
      uint64_t elapsed_ms = (gd_now_ns () - start) / 1000000;

      if (elapsed_ms >= (uint64_t) timeout_ms)
        goto timeout;
      remaining = timeout_ms - (int) elapsed_ms;
    }
    r = channel_poll_one (listen_fd, POLLIN, watch_fd, remaining, NULL);
    if (r == -1) {
      gd_error_prefix ("waiting for the hypervisor to connect");
      return NULL;
    }
    if (r == 0)
      goto timeout;
    fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0)
      break;
    if (errno != EINTR && errno != ECONNABORTED &&
        errno != EAGAIN && errno != EWOULDBLOCK) {
      gd_set_error_errno ("accept");
      return NULL;
    }
  }
  gd_debug ("channel", "%s: hypervisor connected after %.3f s",
            name ? name : "channel", (gd_now_ns () - start) / 1e9);
  return channel_new_fds (fd, fd, name);

 timeout:
  errno = ETIMEDOUT;
  gd_set_error ("the hypervisor did not connect to the channel socket "
                "within %d ms", timeout_ms);
  return NULL;
}
