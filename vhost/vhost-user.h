/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device side of the vhost-user protocol (qemu's
 * docs/interop/vhost-user.rst): one front end (UML's virtio_uml) on a
 * Unix socket, its memory table and its vrings.  The device built on top
 * (virtio-console.c) supplies the features and config space and moves
 * the data; this file only answers the front end's messages, whose
 * layout is vhost-user-msg.h's.
 */
#ifndef GUESTDRV_VHOST_USER_H
#define GUESTDRV_VHOST_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "virtq.h"

#define VU_MAX_QUEUES 8

struct vu_dev {
  int sock;                     /* connected front end, -1 if none */
  int req_fd;                   /* back-end request channel (kept, unused) */
  unsigned nqueues;
  uint64_t features, protocol_features;      /* offered */
  uint64_t acked_features, acked_protocol;   /* set by the front end */
  const unsigned char *config;  /* device config space */
  unsigned config_len;
  struct vq_mem mem;
  struct virtq vq[VU_MAX_QUEUES];
  uint64_t msgs;                /* messages handled */
};

/* Set up DEV for NQUEUES queues, offering FEATURES (the vhost-user
 * protocol-features bit is added) and CONFIG.
 */
void vu_dev_init (struct vu_dev *dev, unsigned nqueues, uint64_t features,
                  const void *config, unsigned config_len);
/* Read one message from the front end (the socket is readable), act on
 * it and reply.  Returns 0, 1 when the front end has closed the socket,
 * or -1 with the error set (a malformed or unsupported message).
 */
int vu_dev_handle (struct vu_dev *dev);
/* Close the socket and every queue fd, unmap guest memory. */
void vu_dev_close (struct vu_dev *dev);

#endif
