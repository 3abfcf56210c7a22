/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fsync-test harness's entry point, for the CLI (the harness's
 * internals are in harness.h).
 */
#ifndef GUESTDRV_FSYNC_H
#define GUESTDRV_FSYNC_H

/* `guestdrv fsync-test ARGS...` (harness.c); ARGV[0] is "fsync-test".
 * The exit status.
 */
int fsync_test_main (int argc, char **argv);

#endif
