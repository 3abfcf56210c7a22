/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-console device behind UML's vhost-user front end
 * (virtio-console.h).  Queues, as the virtio spec's console device lays
 * them out with VIRTIO_CONSOLE_F_MULTIPORT and max_nr_ports = 1: 0 port
 * receiveq (to the guest), 1 port transmitq, 2 control receiveq, 3
 * control transmitq.  Control: the guest sends DEVICE_READY; we add port
 * 0; on its PORT_READY we name it and open it (the host is connected), so
 * guestfsd finds /dev/virtio-ports/org.libguestfs.channel.0 as under
 * qemu.  When the host closes the channel we close the port (PORT_OPEN 0):
 * guestfsd reads EOF and the appliance powers off.
 *
 * One thread does everything, front-end messages first in every round:
 * UML waits for their replies with interrupts off, so they must never
 * queue behind data.  Data moves straight between guest memory and the
 * socketpair (readv/writev on the descriptors' memory).  The control
 * queues are virtio-console-control.c's.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/virtio_config.h>

#include "virtio-console-internal.h"
#include "../common/clock.h"
#include "../common/error.h"

static void
publish (uint64_t *field, uint64_t v)
{
  __atomic_store_n (field, v, __ATOMIC_RELAXED);
}

static void
publish_stats (struct vcon *vc)
{
  uint64_t kicks = 0, calls = 0, descs = 0;

  for (unsigned i = 0; i < NQUEUES; i++) {
    kicks += vc->dev.vq[i].kicks;
    calls += vc->dev.vq[i].calls;
    descs += vc->dev.vq[i].descs;
  }
  publish (&vc->stats.kicks, kicks);
  publish (&vc->stats.calls, calls);
  publish (&vc->stats.descs, descs);
  publish (&vc->stats.msgs, vc->dev.msgs);
  publish (&vc->stats.bytes_to_guest, vc->dev.vq[Q_RX].bytes);
}

/* Guest to host: write the guest's transmit chains to the socketpair. */
static int
do_tx (struct vcon *vc)
{
  struct virtq *vq = &vc->dev.vq[Q_TX];
  int r;

  for (;;) {
    if (!vc->tx_pending) {
      r = virtq_pop (vq, &vc->dev.mem, false, &vc->tx);
      if (r <= 0)
        return r;
      vc->tx_pending = true;
      vc->tx_off = 0;
    }
    while (vc->host_open && vc->tx_off < vc->tx.len) {
      struct iovec iov[VQ_MAX_SEGS];
      unsigned n = 0;
      size_t skip = vc->tx_off;
      ssize_t w;

      for (unsigned i = 0; i < vc->tx.niov; i++) {
        if (skip >= vc->tx.iov[i].iov_len) {
          skip -= vc->tx.iov[i].iov_len;
          continue;
        }
        iov[n].iov_base = (char *) vc->tx.iov[i].iov_base + skip;
        iov[n].iov_len = vc->tx.iov[i].iov_len - skip;
        skip = 0;
        n++;
      }
      struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n };
      w = sendmsg (vc->data_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w == -1 && errno == EINTR)
        continue;
      if (w == -1 && errno == EAGAIN) {
        if (vc->blocked_since == 0)
          vc->blocked_since = gd_now_ns ();
        return 0;               /* wait for POLLOUT */
      }
      if (w == -1) {
        vcon_host_closed (vc);
        break;
      }
      vc->tx_off += (size_t) w;
      publish (&vc->stats.bytes_from_guest,
               vc->stats.bytes_from_guest + (uint64_t) w);
    }
    if (vc->blocked_since) {
      publish (&vc->stats.wait_host_ns, vc->stats.wait_host_ns +
               (gd_now_ns () - vc->blocked_since));
      vc->blocked_since = 0;
    }
    /* Once the host has gone, guest output is dropped, as qemu does. */
    virtq_push (vq, vc->tx.head, 0);
    vc->tx_pending = false;
  }
}

/* Host to guest: fill the guest's receive chains from the socketpair. */
static int
do_rx (struct vcon *vc)
{
  struct virtq *vq = &vc->dev.vq[Q_RX];
  struct iovec iov[RX_CHAINS * 4];
  unsigned nchains = 0, niov = 0;
  ssize_t r;
  int p;

  if (!vc->host_open || vc->rx_starved)
    return 0;
  /* When we starve, every buffer the guest posted holds our data and
   * comes back as it reads, so waiting for half of the most it ever
   * posted cannot outwait it.
   */
  vq->kick_batch = vq->avail_peak / 2 > RX_KICK_BATCH ? RX_KICK_BATCH
                   : vq->avail_peak / 2;
  while (nchains < RX_CHAINS) {
    struct vq_elem *e = &vc->rx[nchains];

    p = virtq_pop (vq, &vc->dev.mem, true, e);
    if (p == -1) {
      virtq_unpop (vq, nchains);
      return -1;
    }
    if (p == 0)
      break;
    if (niov + e->niov > sizeof iov / sizeof iov[0]) {
      virtq_unpop (vq, 1);
      break;
    }
    for (unsigned i = 0; i < e->niov; i++)
      iov[niov++] = e->iov[i];
    nchains++;
  }
  if (nchains == 0) {
    vc->rx_starved = true;
    vc->starved_since = gd_now_ns ();
    return 0;
  }
  do
    r = readv (vc->data_fd, iov, (int) niov);
  while (r == -1 && errno == EINTR);
  if (r <= 0) {
    virtq_unpop (vq, nchains);
    if (r == 0 || errno != EAGAIN)
      vcon_host_closed (vc);
    return 0;
  }
  size_t left = (size_t) r;
  unsigned used = 0;
  while (used < nchains && left > 0) {
    size_t k = vc->rx[used].len < left ? vc->rx[used].len : left;
    virtq_push (vq, vc->rx[used].head, (uint32_t) k);
    left -= k;
    used++;
  }
  virtq_unpop (vq, nchains - used);
  return 0;
}

/* The guest may have given buffers back: look at the receive ring. */
static void
vcon_rx_unstarve (struct vcon *vc)
{
  if (!vc->rx_starved)
    return;
  vc->rx_starved = false;
  publish (&vc->stats.wait_guest_ns, vc->stats.wait_guest_ns
           + (gd_now_ns () - vc->starved_since));
}

static void
set_thread_error (struct vcon *vc, const char *msg)
{
  snprintf (vc->error, sizeof vc->error, "%s", msg);
  __atomic_store_n (&vc->has_error, 1, __ATOMIC_RELEASE);
}

static int
accept_front_end (struct vcon *vc)
{
  struct pollfd pfd[3] = {
    { .fd = vc->listen_fd, .events = POLLIN },
    { .fd = vc->stop_pipe[0], .events = POLLIN },
    { .fd = vc->watch_fd, .events = POLLIN },
  };
  struct timeval tv = { .tv_sec = VU_SOCK_TIMEOUT_S };
  int r;

  r = poll (pfd, vc->watch_fd >= 0 ? 3 : 2, vc->accept_timeout_ms);
  if (r == 0) {
    gd_set_error ("virtio-console: UML did not connect to the vhost-user "
                  "socket within %d ms", vc->accept_timeout_ms);
    return -1;
  }
  if (r == -1 || !(pfd[0].revents & POLLIN)) {
    gd_set_error ("virtio-console: %s before UML connected",
                  r == -1 ? "poll failed" : "stopped");
    return -1;
  }
  vc->dev.sock = accept4 (vc->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (vc->dev.sock == -1) {
    gd_set_error_errno ("virtio-console: accept");
    return -1;
  }
  if (setsockopt (vc->dev.sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
      setsockopt (vc->dev.sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1) {
    gd_set_error_errno ("virtio-console: setsockopt");
    return -1;
  }
  return 0;
}

/* One round of data and control work, then the interrupts it calls for. */
static int
run_queues (struct vcon *vc)
{
  /* Control out last too: the data path may have queued a PORT_OPEN 0. */
  if (vcon_control_in (vc) == -1 || vcon_control_out (vc) == -1 ||
      do_tx (vc) == -1 || do_rx (vc) == -1 || vcon_control_out (vc) == -1)
    return -1;
  for (unsigned i = 0; i < NQUEUES; i++)
    if (virtq_notify (&vc->dev.vq[i]) == -1)
      return -1;
  publish_stats (vc);
  return 0;
}

static int
serve (struct vcon *vc)
{
  for (;;) {
    struct pollfd pfd[4 + NQUEUES];
    int qmap[4 + NQUEUES];
    nfds_t n = 0;
    int r;

    pfd[n++] = (struct pollfd) { .fd = vc->stop_pipe[0], .events = POLLIN };
    pfd[n++] = (struct pollfd) { .fd = vc->dev.sock, .events = POLLIN };
    pfd[n++] = (struct pollfd) { .fd = vc->watch_fd, .events = POLLIN };
    /* The socketpair: read when the guest has buffers, write when guest
     * data waits.  After a hang-up seen while the guest has no buffer,
     * leave it out until the guest reads again (or poll would spin).
     */
    short ev = 0;
    if (vc->host_open && !vc->rx_starved)
      ev |= POLLIN;
    if (vc->host_open && vc->tx_pending)
      ev |= POLLOUT;
    pfd[n++] = (struct pollfd) {
      .fd = vc->host_open && (ev || !vc->host_hup) ? vc->data_fd : -1,
      .events = ev };
    nfds_t kick0 = n;
    for (unsigned i = 0; i < NQUEUES; i++)
      if (virtq_ready (&vc->dev.vq[i])) {
        qmap[n] = (int) i;
        pfd[n++] = (struct pollfd) { .fd = vc->dev.vq[i].kick_fd,
                                     .events = POLLIN };
      }
    /* Starved with a kick batch asked for: look again now and then. */
    bool batched = vc->rx_starved && vc->dev.vq[Q_RX].kick_batch > 1;
    r = poll (pfd, n, batched ? RX_RECHECK_MS : -1);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      gd_set_error_errno ("virtio-console: poll");
      return -1;
    }
    if (r == 0) {
      vcon_rx_unstarve (vc);
      if (run_queues (vc) == -1)
        return -1;
      continue;
    }
    if (pfd[0].revents)
      return 0;
    /* The front end first: it is waiting with interrupts off. */
    if (pfd[1].revents) {
      r = vu_dev_handle (&vc->dev);
      if (r == 1)
        return 0;               /* UML is gone */
      if (r == -1)
        return -1;
      vc->rx_starved = false;   /* rings may have changed: look again */
      if (run_queues (vc) == -1)
        return -1;
      continue;
    }
    if (pfd[2].revents & POLLIN)
      return 0;                 /* UML exited */
    if (pfd[3].revents & (POLLHUP | POLLERR))
      vc->host_hup = true;
    for (nfds_t i = kick0; i < n; i++) {
      if (pfd[i].revents) {
        struct virtq *vq = &vc->dev.vq[qmap[i]];
        if (virtq_drain_kick (vq) == -1)
          return -1;
        if (qmap[i] == Q_RX)
          vcon_rx_unstarve (vc);
      }
    }
    if (run_queues (vc) == -1)
      return -1;
  }
}

static void *
vcon_thread (void *arg)
{
  struct vcon *vc = arg;
  sigset_t all;

  /* Signals belong to the main thread (Ctrl-C handling). */
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, NULL);
  if (accept_front_end (vc) == -1 || serve (vc) == -1)
    set_thread_error (vc, gd_get_error ());
  publish_stats (vc);
  /* EOF on the data socketpair tells the channel that the device is
   * gone; UML sees its socket close.
   */
  if (vc->data_fd >= 0) {
    close (vc->data_fd);
    vc->data_fd = -1;
  }
  vu_dev_close (&vc->dev);
  close (vc->done_pipe[1]);
  vc->done_pipe[1] = -1;
  return NULL;
}

struct vcon *
vcon_start (int listen_fd, int watch_fd, int accept_timeout_ms, int data_fd)
{
  struct vcon *vc = calloc (1, sizeof *vc);
  int e;

  if (!vc) {
    gd_set_error_errno ("calloc");
    close (data_fd);
    return NULL;
  }
  vc->stop_pipe[0] = vc->stop_pipe[1] = vc->done_pipe[0] = vc->done_pipe[1] = -1;
  vc->data_fd = data_fd;
  vc->host_open = true;
  vc->listen_fd = listen_fd;
  vc->watch_fd = watch_fd;
  vc->accept_timeout_ms = accept_timeout_ms;
  /* One port; no size, no emergency write (their features are off). */
  vc->config.max_nr_ports = htole32 (1);
  vu_dev_init (&vc->dev, NQUEUES,
               (1ULL << VIRTIO_CONSOLE_F_MULTIPORT) |
               (1ULL << VIRTIO_F_VERSION_1) |
               (1ULL << VIRTIO_RING_F_EVENT_IDX),
               &vc->config, sizeof vc->config);
  if (pipe2 (vc->stop_pipe, O_CLOEXEC) == -1 ||
      pipe2 (vc->done_pipe, O_CLOEXEC) == -1) {
    gd_set_error_errno ("pipe");
    goto err;
  }
  if (fcntl (data_fd, F_SETFL, fcntl (data_fd, F_GETFL) | O_NONBLOCK) == -1) {
    gd_set_error_errno ("fcntl");
    goto err;
  }
  e = pthread_create (&vc->thread, NULL, vcon_thread, vc);
  if (e) {
    errno = e;
    gd_set_error_errno ("pthread_create");
    goto err;
  }
  vc->thread_started = true;
  return vc;

 err:
  vcon_stop (vc, 0);
  return NULL;
}

void
vcon_get_stats (const struct vcon *vc, struct vhost_stats *out)
{
  const struct vhost_stats *s = &vc->stats;

  out->msgs = __atomic_load_n (&s->msgs, __ATOMIC_RELAXED);
  out->kicks = __atomic_load_n (&s->kicks, __ATOMIC_RELAXED);
  out->calls = __atomic_load_n (&s->calls, __ATOMIC_RELAXED);
  out->descs = __atomic_load_n (&s->descs, __ATOMIC_RELAXED);
  out->bytes_to_guest = __atomic_load_n (&s->bytes_to_guest, __ATOMIC_RELAXED);
  out->bytes_from_guest = __atomic_load_n (&s->bytes_from_guest,
                                           __ATOMIC_RELAXED);
  out->wait_guest_ns = __atomic_load_n (&s->wait_guest_ns, __ATOMIC_RELAXED);
  out->wait_host_ns = __atomic_load_n (&s->wait_host_ns, __ATOMIC_RELAXED);
}

const char *
vcon_error (struct vcon *vc)
{
  if (vc && __atomic_load_n (&vc->has_error, __ATOMIC_ACQUIRE))
    return vc->error;
  return NULL;
}

void
vcon_stop (struct vcon *vc, int linger_ms)
{
  if (!vc)
    return;
  if (vc->thread_started) {
    struct pollfd pfd = { .fd = vc->done_pipe[0], .events = POLLIN };

    if (linger_ms > 0)
      while (poll (&pfd, 1, linger_ms) == -1 && errno == EINTR)
        ;
    if (write (vc->stop_pipe[1], "", 1) == -1) {
      /* Cannot happen on a fresh pipe; the join below would hang. */
      abort ();
    }
    pthread_join (vc->thread, NULL);
  }
  else {
    if (vc->data_fd >= 0)
      close (vc->data_fd);
    vu_dev_close (&vc->dev);
  }
  for (int i = 0; i < 2; i++) {
    if (vc->stop_pipe[i] >= 0)
      close (vc->stop_pipe[i]);
    if (vc->done_pipe[i] >= 0)
      close (vc->done_pipe[i]);
  }
  free (vc);
}
