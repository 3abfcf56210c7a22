/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A virtio-console device (VIRTIO_CONSOLE_F_MULTIPORT, one port named
 * org.libguestfs.channel.0) served over vhost-user by a thread of ours,
 * for UML's virtio_uml front end.  The thread moves bytes between the
 * port and DATA_FD (our end of a socketpair whose other end is the
 * channel), so the channel layer sees a plain byte stream.
 */
#ifndef GUESTDRV_VIRTIO_CONSOLE_H
#define GUESTDRV_VIRTIO_CONSOLE_H

#include "vhost-stats.h"

#define VCON_PORT_NAME "org.libguestfs.channel.0"
/* How long closing the channel keeps serving UML while it powers off
 * (it exits 0.1-0.5 s after the port closes; see launcher/UML.md).
 */
#define VCON_LINGER_MS 3000

struct vcon;

/* Start the device thread: it accepts one front end on LISTEN_FD (not
 * owned; bounded by ACCEPT_TIMEOUT_MS and by WATCH_FD, a pidfd of the
 * hypervisor, not owned, may be -1), then serves it.  Takes DATA_FD.
 * NULL on error.
 */
struct vcon *vcon_start (int listen_fd, int watch_fd, int accept_timeout_ms,
                         int data_fd);
/* A snapshot of the counters the thread publishes (vhost-stats.h). */
void vcon_get_stats (const struct vcon *vc, struct vhost_stats *out);
/* The error that ended the device thread, or NULL. */
const char *vcon_error (struct vcon *vc);
/* Stop: tell the guest the host closed the port, keep answering the
 * front end for at most LINGER_MS (the guest powers off cleanly), then
 * end the thread and free everything.  The caller has already closed its
 * end of the data socketpair.
 */
void vcon_stop (struct vcon *vc, int linger_ms);

#endif
