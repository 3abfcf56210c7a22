/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private temporary directories and removing trees without a shell. */
#ifndef GUESTDRV_TMPDIR_H
#define GUESTDRV_TMPDIR_H

#include <stddef.h>

/* Make "$TMPDIR/PREFIX.XXXXXX" (mode 0700) into OUT.  $TMPDIR unset,
 * empty or longer than 150 bytes means /tmp: unix socket paths inside
 * the directory must fit sun_path.  0, or -1 with the error set.
 */
int gd_tmpdir_make (const char *prefix, char *out, size_t outlen);

/* Remove PATH and, if it is a directory, everything below it, like
 * `rm -rf` but without a child process: symbolic links are removed, not
 * followed, and other file systems mounted below PATH are left alone
 * (their mount points then stay, and so do their parents).  A missing
 * PATH is success.  0, or -1 with the error set naming the first entry
 * that could not be removed (the rest is still attempted).
 */
int gd_tree_remove (const char *path);

#endif
