/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-relay: the guest half of the UML serial-line window (see
 * serial-window.h for why).  Runs inside the appliance, started by /init:
 *
 *   guestdrv-relay DATA-TTY ACK-TTY PROGRAM [ARGS...]
 *
 * makes both ttys raw, starts PROGRAM (guestfsd --channel fd:3) with one
 * end of a socketpair as fd 3, and copies bytes both ways between
 * DATA-TTY and that socket, acknowledging every SERIAL_WINDOW_UNIT bytes
 * read from DATA-TTY with one byte on ACK-TTY.  Exits with PROGRAM's exit
 * status once PROGRAM has exited and its output has been written out.
 *
 * A guest program: plain libc, no sanitizers, nothing from libguestdrv.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../common/serial-window.h"

#define BUF_SIZE (64 * 1024)

struct buf {
  size_t head, len;             /* unsent bytes are d[head .. len) */
  unsigned char d[BUF_SIZE];
};

static struct buf to_daemon, to_host;

static void
die (const char *what)
{
  fprintf (stderr, "guestdrv-relay: %s: %s\n", what, strerror (errno));
  exit (126);
}

static int
open_raw (const char *path, int flags)
{
  struct termios t;
  int fd = open (path, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

  if (fd == -1)
    die (path);
  if (tcgetattr (fd, &t) == 0) {
    cfmakeraw (&t);
    if (tcsetattr (fd, TCSANOW, &t) == -1)
      die (path);
  }
  return fd;
}

static size_t
room (const struct buf *b)
{
  return sizeof b->d - b->len + b->head;
}

/* Read what FD has into B.  1 = got bytes, 0 = nothing now, -1 = EOF. */
static int
fill (int fd, struct buf *b, size_t *got)
{
  ssize_t r;

  if (room (b) == 0)
    return 0;
  if (b->head > 0) {
    memmove (b->d, b->d + b->head, b->len - b->head);
    b->len -= b->head;
    b->head = 0;
  }
  r = read (fd, b->d + b->len, sizeof b->d - b->len);
  if (r > 0) {
    b->len += r;
    *got = r;
    return 1;
  }
  if (r == 0)
    return -1;
  if (errno == EAGAIN || errno == EINTR)
    return 0;
  if (errno == EIO || errno == ECONNRESET)
    return -1;
  die ("read");
  return -1;
}

static void
drain (int fd, struct buf *b)
{
  ssize_t r = write (fd, b->d + b->head, b->len - b->head);

  if (r > 0) {
    b->head += r;
    if (b->head == b->len)
      b->head = b->len = 0;
  }
  else if (r == -1 && (errno == EPIPE || errno == ECONNRESET))
    b->head = b->len = 0;       /* the reader is gone: nobody wants them */
  else if (r == -1 && errno != EAGAIN && errno != EINTR)
    die ("write");
}

int
main (int argc, char *argv[])
{
  int tty, ack, sv[2], status = 0;
  unsigned long long read_total = 0, acks_sent = 0;
  bool daemon_eof = false, child_gone = false, line_gone = false;
  pid_t pid;

  if (argc < 4) {
    fprintf (stderr, "usage: guestdrv-relay DATA-TTY ACK-TTY PROGRAM [ARGS...]\n");
    return 2;
  }
  signal (SIGPIPE, SIG_IGN);
  tty = open_raw (argv[1], O_RDWR);
  ack = open_raw (argv[2], O_WRONLY);
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
    die ("socketpair");

  pid = fork ();
  if (pid == -1)
    die ("fork");
  if (pid == 0) {
    if (sv[1] == 3)
      fcntl (3, F_SETFD, 0);
    else if (dup2 (sv[1], 3) == -1)
      _exit (126);
    signal (SIGPIPE, SIG_DFL);
    execvp (argv[3], argv + 3);
    fprintf (stderr, "guestdrv-relay: exec %s: %s\n", argv[3], strerror (errno));
    _exit (127);
  }
  close (sv[1]);
  fcntl (sv[0], F_SETFL, O_NONBLOCK);

  for (;;) {
    struct pollfd p[3] = {
      { .fd = line_gone ? -1 : tty, .events = 0 },
      { .fd = sv[0], .events = 0 },
      { .fd = ack, .events = 0 },
    };
    unsigned long long acks_due = read_total / SERIAL_WINDOW_UNIT - acks_sent;
    size_t got = 0;

    if (room (&to_daemon) > 0)
      p[0].events |= POLLIN;
    if (to_host.len > to_host.head)
      p[0].events |= POLLOUT;
    if (to_daemon.len > to_daemon.head && !daemon_eof)
      p[1].events |= POLLOUT;
    if (room (&to_host) > 0 && !daemon_eof)
      p[1].events |= POLLIN;
    if (acks_due > 0)
      p[2].events |= POLLOUT;

    if (!child_gone && waitpid (pid, &status, WNOHANG) == pid) {
      child_gone = true;
      /* Its writes are all in the socket now; a grandchild holding the
       * socket open must not keep us waiting for an EOF.
       */
      while (!daemon_eof && room (&to_host) > 0 &&
             fill (sv[0], &to_host, &got) == 1)
        ;
      daemon_eof = true;
    }
    /* Done when the program has exited, closed its end, and everything
     * it said has gone out on the line.
     */
    if (child_gone && daemon_eof &&
        (to_host.len == to_host.head || line_gone))
      break;

    if (poll (p, 3, child_gone ? 100 : 1000) == -1) {
      if (errno == EINTR)
        continue;
      die ("poll");
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      int r = fill (tty, &to_daemon, &got);

      if (r == 1)
        read_total += got;
      else if (r == -1) {
        /* The host end is gone (UML hangs the line up on EOF): nobody
         * is left to talk to.
         */
        line_gone = true;
        kill (pid, SIGTERM);
      }
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (fill (sv[0], &to_host, &got) == -1)
        daemon_eof = true;
    }
    if (p[1].revents & POLLOUT)
      drain (sv[0], &to_daemon);
    if (p[0].revents & POLLOUT && !line_gone)
      drain (tty, &to_host);
    if (p[2].revents & POLLOUT) {
      static unsigned char acks[256];
      size_t n = acks_due < sizeof acks ? acks_due : sizeof acks;
      ssize_t r;

      if (acks[0] != SERIAL_WINDOW_ACK)
        memset (acks, SERIAL_WINDOW_ACK, sizeof acks);
      r = write (ack, acks, n);
      if (r > 0)
        acks_sent += r;
      else if (r == -1 && errno != EAGAIN && errno != EINTR)
        die ("write ack");
    }
  }
  /* Let the line's driver push out the last bytes before we go. */
  if (!line_gone)
    tcdrain (tty);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + (WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}
