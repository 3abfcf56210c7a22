/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A channel over an already connected pair of fds: the UML serial line
 * (a socketpair or pipe pair handed to the UML binary) and the
 * socketpairs of the tests.  Also the constructor the other transports
 * share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel-internal.h"
#include "../common/error.h"

static int
set_flags (int fd)
{
  int fl = fcntl (fd, F_GETFL);

  if (fl == -1 || fcntl (fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
      fcntl (fd, F_SETFD, FD_CLOEXEC) == -1) {
    gd_set_error_errno ("fcntl: fd %d", fd);
    return -1;
  }
  return 0;
}

static bool
is_socket (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 && S_ISSOCK (st.st_mode);
}

struct channel *
channel_new_fds (int rfd, int wfd, const char *name)
{
  struct channel *ch;

  if (rfd < 0 || wfd < 0) {
    errno = EBADF;
    gd_set_error ("channel %s: invalid fd", name ? name : "?");
    goto err0;
  }
  if (set_flags (rfd) == -1 || (wfd != rfd && set_flags (wfd) == -1))
    goto err0;
  ch = calloc (1, sizeof *ch);
  if (ch == NULL) {
    gd_set_error_errno ("calloc");
    goto err0;
  }
  ch->name = strdup (name ? name : "channel");
  if (ch->name == NULL) {
    gd_set_error_errno ("strdup");
    goto err1;
  }
  ch->rfd = rfd;
  ch->wfd = wfd;
  ch->wfd_is_socket = is_socket (wfd);
  ch->watch_fd = -1;
  ch->ack_fd = -1;
  ch->timeout_ms = CHANNEL_DEFAULT_TIMEOUT_MS;
  return ch;

 err1:
  free (ch);
 err0:
  if (rfd >= 0)
    close (rfd);
  if (wfd >= 0 && wfd != rfd)
    close (wfd);
  return NULL;
}

struct channel *
channel_from_fds (int rfd, int wfd, const char *name)
{
  return channel_new_fds (rfd, wfd, name);
}
