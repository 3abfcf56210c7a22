/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vhost-user virtio-console device's own counters: kept by its
 * thread (virtio-console.c), published with relaxed atomic stores and
 * read as one snapshot (vcon_get_stats, channel_vhost_stats), so the
 * channel core's counters stay transport-independent.
 */
#ifndef GUESTDRV_VHOST_STATS_H
#define GUESTDRV_VHOST_STATS_H

#include <stdint.h>

struct vhost_stats {
  uint64_t msgs;                       /* front-end messages handled */
  uint64_t kicks, calls;               /* guest->device, device->guest */
  uint64_t descs;                      /* descriptors walked */
  uint64_t bytes_to_guest, bytes_from_guest;
  uint64_t wait_guest_ns;              /* host data, no guest buffer */
  uint64_t wait_host_ns;               /* guest data, host not reading */
};

#endif
