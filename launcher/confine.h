/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confinement of a hypervisor process that has no sandbox of its own
 * (User-Mode Linux; qemu-storage-daemon where UML uses it): called in the
 * forked child just before exec.  docs/backends.md, "What each backend protects
 * against", says what this does and does not stop.
 */
#ifndef GUESTDRV_CONFINE_H
#define GUESTDRV_CONFINE_H

#include <stdbool.h>

#define CONFINE_USERNS  0x01u   /* new user namespace, uid/gid mapped to themselves */
#define CONFINE_MOUNTNS 0x02u   /* private mount namespace */
#define CONFINE_NETNS   0x04u   /* network namespace: only a down loopback */
#define CONFINE_IPCNS   0x08u
#define CONFINE_PIDNS   0x10u   /* PID namespace: the caller stays behind as
                                 * a small supervisor (below) */
#define CONFINE_ALL     0x1fu

/* Enter the namespaces in FLAGS that can be made here, set
 * PR_SET_NO_NEW_PRIVS and the rlimits (no core dumps, at most
 * CONFINE_NOFILE open files).  A namespace that cannot be made is
 * skipped; with VERBOSE one line on stderr says what was and was not
 * applied (the launcher shows the hypervisor's stderr under -v).
 *
 * With CONFINE_PIDNS the calling process forks: the child, PID 1 of the
 * new namespace, returns 0 and should exec; the caller stays as a
 * supervisor that forwards SIGTERM/SIGINT/SIGHUP, dies with its parent,
 * and exits with the child's status (a signal death is re-raised), so
 * that the parent sees one process as before.  The kernel kills every
 * other process of the namespace when its PID 1 exits, so helpers of
 * the hypervisor cannot outlive it.
 *
 * Only async-signal-safe calls: the caller may have been forked from a
 * threaded process.  Returns 0 (in the process that should exec).
 */
int confine_child (unsigned flags, bool verbose);

#define CONFINE_NOFILE 4096

/* CONFINE_ALL, or what $GUESTDRV_CONFINE says: "off", or a list of
 * user,mount,net,ipc,pid (for finding which namespace a kernel or a
 * container does not allow).  Call before fork.
 */
unsigned confine_default_flags (void);

#endif
