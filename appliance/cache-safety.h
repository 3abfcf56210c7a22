/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The appliance cache's defences: it holds kernels and root images that
 * guestdrv boots, so nobody else may be able to write there, its lock
 * must not be redirected, a published appliance must be on disk before
 * it is visible, and an appliance in use must not be pruned.
 */
#ifndef GUESTDRV_CACHE_SAFETY_H
#define GUESTDRV_CACHE_SAFETY_H

#include <stdbool.h>

/* ROOT must be a real directory (not a symlink) owned by us and not
 * writable by group or others, as libguestfs requires of its cache.
 * 0, or -1 with the error set (saying how to fix it).
 */
int cache_check_root (const char *root);
/* Open (creating) the lock file PATH without following a symlink; it
 * must be a regular file owned by us.  The fd, or -1 with the error set.
 */
int cache_open_lock (const char *path);
/* fsync every regular file directly in DIR, then DIR itself. 0 or -1. */
int cache_sync_tree (const char *dir);
/* fsync the directory PATH (after a rename into it).  0 or -1. */
int cache_sync_dir (const char *path);
/* Take a shared lock on the appliance directory DIR for as long as this
 * process lives (a run that uses it).  0 or -1.
 */
int cache_hold (const char *dir);
/* Whether a process holds DIR with cache_hold (a pruner must skip it). */
bool cache_in_use (const char *dir);

#endif
