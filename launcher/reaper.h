/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A process that outlives guestdrv to clean up after it: when guestdrv
 * dies in any way (kill -9 included), the hypervisor's process group is
 * killed and the run's temp dir removed.
 */
#ifndef GUESTDRV_REAPER_H
#define GUESTDRV_REAPER_H

#include <sys/types.h>

/* Start a reaper for process group PGID and directory TMPDIR (absolute,
 * ours, flat files and sockets).  Returns the fd whose closing by the
 * kernel when we die triggers it, close-on-exec, and in *GONE_FD one that
 * reads EOF once the reaper has exited; -1 with the error set.
 */
int reaper_start (pid_t pgid, const char *tmpdir, int *gone_fd);
/* Normal end: the caller has reaped the group and removed TMPDIR itself;
 * tell the reaper so, and wait (bounded) until it has exited.
 */
void reaper_stop (int fd, int gone_fd);

#endif
