/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect-get-osinfo: the libosinfo short id (debian12, fedora38,
 * win10...) that libguestfs 1.48 guesses on the host from the
 * inspection answers type, distro, major and minor version (and, for
 * Windows, product name and variant).  "unknown" when no rule fits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

static bool
is (const char *s, const char *what)
{
  return strcmp (s, what) == 0;
}

/* 0 with *R set, or no rule fits (*R NULL); -1: out of memory. */
static int
linux_id (const char *d, int ma, int mi, char **r)
{
  int n = 0;

  if (is (d, "centos") && ma >= 8)
    n = asprintf (r, "%s%d", d, ma);
  else if (is (d, "centos") && ma == 7)
    n = asprintf (r, "%s%d.0", d, ma);
  else if (is (d, "centos") && ma == 6)
    n = asprintf (r, "%s%d.%d", d, ma, mi);
  else if ((is (d, "rocky") || is (d, "debian")) && ma >= (is (d, "rocky") ? 8 : 4))
    n = asprintf (r, "%s%d", d, ma);
  else if (is (d, "fedora") || is (d, "mageia"))
    n = asprintf (r, "%s%d", d, ma);
  else if (is (d, "sles"))
    n = mi == 0 ? asprintf (r, "%s%d", d, ma) : asprintf (r, "%s%dsp%d", d, ma, mi);
  else if (is (d, "ubuntu"))
    n = asprintf (r, "%s%d.%02d", d, ma, mi);
  else if (is (d, "archlinux") || is (d, "gentoo") || is (d, "voidlinux"))
    n = asprintf (r, "%s", d);
  else if (is (d, "altlinux"))
    n = ma >= 8 ? asprintf (r, "alt%d.%d", ma, mi) : asprintf (r, "%s%d.%d", d, ma, mi);
  /* Old centos, rocky and debian releases reach this rule too. */
  else if (!is (d, "unknown") && (ma > 0 || mi > 0))
    n = asprintf (r, "%s%d.%d", d, ma, mi);
  return n == -1 ? -1 : 0;
}

static const char *
windows_id (int ma, int mi, const char *name, const char *variant)
{
  bool server = strstr (variant, "Server") != NULL;

  if (ma == 5 && mi == 1)
    return "winxp";
  if (ma == 5 && mi == 2)
    return strstr (name, "XP") ? "winxp" : strstr (name, "R2") ? "win2k3r2" : "win2k3";
  if (ma == 6 && mi == 0)
    return server ? "win2k8" : "winvista";
  if (ma == 6 && mi == 1)
    return server ? "win2k8r2" : "win7";
  if (ma == 6 && mi == 2)
    return server ? "win2k12" : "win8";
  if (ma == 6 && mi == 3)
    return server ? "win2k12r2" : "win8.1";
  if (ma == 10 && mi == 0 && !server)
    return "win10";
  if (ma == 10 && mi == 0)
    return strstr (name, "2022") ? "win2k22" : strstr (name, "2019") ? "win2k19" : "win2k16";
  return NULL;
}

int
lib_inspect_get_osinfo (struct cli *c, int argc, char **argv)
{
  const char *root = argv[1];
  char *type = NULL, *distro = NULL, *name = NULL, *variant = NULL, *id = NULL;
  int32_t ma = -1, mi = -1;
  const char *fixed = NULL;
  int r = -1;

  if (argc != 2)
    return -2;
  if (lib_call_string (c, PROC_INSPECT_GET_TYPE, root, &type) == -1 ||
      lib_call_string (c, PROC_INSPECT_GET_DISTRO, root, &distro) == -1)
    goto out;
  /* libguestfs prints these errors and goes on with -1. */
  if (lib_call_int (c, PROC_INSPECT_GET_MAJOR_VERSION, root, &ma) == -1) {
    lib_report (c);
    ma = -1;
  }
  if (lib_call_int (c, PROC_INSPECT_GET_MINOR_VERSION, root, &mi) == -1) {
    lib_report (c);
    mi = -1;
  }

  if ((is (type, "linux") && linux_id (distro, ma, mi, &id) == -1) ||
      ((is (type, "freebsd") || is (type, "netbsd") || is (type, "openbsd")) &&
       asprintf (&id, "%s%d.%d", distro, ma, mi) == -1)) {
    id = NULL;
    gd_set_error_errno ("asprintf");
    goto out;
  }
  if (is (type, "dos") && is (distro, "msdos"))
    fixed = "msdos6.22";
  else if (is (type, "windows")) {
    if (lib_call_string (c, PROC_INSPECT_GET_PRODUCT_NAME, root, &name) == -1 ||
        lib_call_string (c, PROC_INSPECT_GET_PRODUCT_VARIANT, root, &variant) == -1)
      goto out;
    fixed = windows_id (ma, mi, name, variant);
  }
  puts (id ? id : fixed ? fixed : "unknown");
  r = 0;
 out:
  free (type);
  free (distro);
  free (name);
  free (variant);
  free (id);
  return r;
}
