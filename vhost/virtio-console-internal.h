/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What virtio-console.c (the device thread, data queues) shares with
 * virtio-console-control.c (the control queues).  Not a public
 * interface.
 */
#ifndef GUESTDRV_VIRTIO_CONSOLE_INTERNAL_H
#define GUESTDRV_VIRTIO_CONSOLE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_console.h>

#include "virtio-console.h"
#include "vhost-user.h"

/* The queues, as the console device lays them out with
 * VIRTIO_CONSOLE_F_MULTIPORT: port 0's receiveq and transmitq, then the
 * control receiveq and transmitq.
 */
enum { Q_RX, Q_TX, Q_CRX, Q_CTX, NQUEUES };
#define CTL_MAX 8               /* control messages queued for the guest */
/* A struct virtio_console_control, then (PORT_NAME) the name. */
#define CTL_MSG_MAX 64
#define RX_CHAINS 32            /* receive chains filled by one readv() */
/* With EVENT_IDX, a receive ring we have drained asks for a kick only
 * once the guest has given back this many buffers (at most half of the
 * most it ever posted), so that the thread wakes once per batch instead
 * of once per 4 KiB buffer the guest reads.  RX_RECHECK_MS bounds the
 * wait should a guest never give back that many.
 */
#define RX_KICK_BATCH 64
#define RX_RECHECK_MS 20
/* Front-end messages are small and sent whole; a front end that stops
 * half-way through one is broken.
 */
#define VU_SOCK_TIMEOUT_S 5

struct vcon {
  struct vu_dev dev;
  struct virtio_console_config config;
  int listen_fd, watch_fd, accept_timeout_ms;
  int data_fd;
  int stop_pipe[2], done_pipe[2];
  pthread_t thread;
  bool thread_started;
  struct vhost_stats stats;     /* published with relaxed stores */
  char error[512];
  int has_error;                /* atomic: error[] is final */

  bool host_open;               /* data_fd open and not at EOF */
  bool host_hup;                /* poll saw the host hang up */
  bool port_added, port_open_sent;
  unsigned char ctl[CTL_MAX][CTL_MSG_MAX];
  size_t ctl_len[CTL_MAX];
  unsigned ctl_head, ctl_n;
  struct vq_elem tx;            /* guest data being written to the host */
  bool tx_pending;
  size_t tx_off;
  bool rx_starved;              /* host data, no guest buffer */
  uint64_t starved_since, blocked_since;
  struct vq_elem rx[RX_CHAINS];
};

/* Control messages from the guest (answered as the device's bring-up
 * wants) and queued ones to the guest; 0, 1 or -1 as virtq_pop.
 */
int vcon_control_in (struct vcon *vc);
int vcon_control_out (struct vcon *vc);
/* The host closed its end: close the port for the guest (guestfsd then
 * reads EOF).
 */
void vcon_host_closed (struct vcon *vc);

#endif
