/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs's control client: `guestdrv-lazyfs ctl SOCKET COMMAND`
 * sends one command and copies the server's JSON reply to stdout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fdio.h"
#include "lazyfs/lazyfs.h"

int
lfs_control_client (const char *path, const char *cmd)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  char buf[65536];
  bool ok = false, start = true;
  ssize_t r;
  int fd;

  if (strlen (path) >= sizeof sun.sun_path) {
    fprintf (stderr, "guestdrv-lazyfs: %s: socket path too long\n", path);
    return 1;
  }
  strcpy (sun.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1 || connect (fd, (struct sockaddr *) &sun, sizeof sun) == -1) {
    fprintf (stderr, "guestdrv-lazyfs: connect %s: %m "
             "(is guestdrv-lazyfs running with --control %s?)\n", path, path);
    if (fd >= 0)
      close (fd);
    return 1;
  }
  if (gd_write_all (fd, cmd, strlen (cmd)) == -1 ||
      gd_write_all (fd, "\n", 1) == -1) {
    fprintf (stderr, "guestdrv-lazyfs: write %s: %m\n", path);
    close (fd);
    return 1;
  }
  shutdown (fd, SHUT_WR);
  while ((r = read (fd, buf, sizeof buf)) > 0) {
    if (start)
      ok = strncmp (buf, "{\"ok\":true", (size_t) r < 10 ? (size_t) r : 10)
        == 0 && r >= 10;
    start = false;
    fwrite (buf, 1, (size_t) r, stdout);
  }
  close (fd);
  return ok ? 0 : 1;
}
