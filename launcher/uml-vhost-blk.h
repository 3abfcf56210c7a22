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
/* Start qemu-storage-daemon for every disk of CFG and wait (at most
 * TIMEOUT_MS) for its sockets.  0, or -1 with a one-line error.
 */
int uml_vblk_start (struct hv *hv, const struct launch_config *cfg,
                    int timeout_ms);
/* Stop (SIGTERM, SIGKILL after TIMEOUT_MS) and reap it; no-op if not
 * running.  hv_free calls it.
 */
void uml_vblk_stop (struct hv *hv, int timeout_ms);

#endif
