/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the running program lives: helper programs and libraries are
 * looked up next to it, in the build tree or where it is installed.
 */
#ifndef GUESTDRV_EXE_DIR_H
#define GUESTDRV_EXE_DIR_H

#include <stddef.h>

/* The directory of /proc/self/exe into OUT (no trailing slash).  0, or
 * -1 with errno set (unreadable link, or OUT too small).
 */
int gd_exe_dir (char *out, size_t outlen);

#endif
