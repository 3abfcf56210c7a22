/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The running program's directory (see exe-dir.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "exe-dir.h"

int
gd_exe_dir (char *out, size_t outlen)
{
  ssize_t n;
  char *slash;

  if (outlen < 2) {
    errno = ENAMETOOLONG;
    return -1;
  }
  n = readlink ("/proc/self/exe", out, outlen - 1);
  if (n <= 0)
    return -1;
  if ((size_t) n == outlen - 1) {
    errno = ENAMETOOLONG;       /* perhaps truncated */
    return -1;
  }
  out[n] = '\0';
  slash = strrchr (out, '/');
  if (slash == NULL) {
    errno = EINVAL;
    return -1;
  }
  slash[slash == out] = '\0';   /* "/prog" gives "/" */
  return 0;
}
