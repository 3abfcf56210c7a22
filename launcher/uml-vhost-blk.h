/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UML disks over vhost-user-blk, served by qemu-storage-daemon
 * (uml-vhost-blk.c).  Internal to the launcher.
 */
#ifndef GUESTDRV_UML_VHOST_BLK_H
#define GUESTDRV_UML_VHOST_BLK_H

#include <stdbool.h>
#include <stddef.h>

#include "launcher-internal.h"

/* 0 if the disk's format and cache mode can be exported, else -1. */
int uml_vblk_check_disk (const struct disk *d);
/* Whether the guest must send flushes (its queue in "write back"). */
bool uml_vblk_guest_flushes (const struct disk *d);
/* The socket of disk I in the run's temp dir TMPDIR. */
void uml_vblk_socket (const char *tmpdir, size_t i, char *out, size_t outlen);
/* Start qemu-storage-daemon for every disk of CFG, its sockets in the
 * run's temp dir TMPDIR, and wait (at most TIMEOUT_MS) for them.  0 and
 * *QSD the daemon (stopped by uml_vblk_stop, even after a failure), or
 * -1 with a
 * one-line error.
 */
int uml_vblk_start (const char *tmpdir, const struct launch_config *cfg,
                    int timeout_ms, struct gd_child *qsd);
/* Stop *QSD (SIGTERM, its group SIGKILLed after TIMEOUT_MS), reap it and
 * close its fds; no-op if none was started.  The backend's free calls
 * it.
 */
void uml_vblk_stop (struct gd_child *qsd, int timeout_ms);

#endif
