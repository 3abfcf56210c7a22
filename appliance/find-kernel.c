/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packaged kernels the appliance is built with: the newest
 * /boot/vmlinuz-* for qemu, Debian's user-mode-linux for UML.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appliance-internal.h"
#include "../common/error.h"

/* Pick the newest /boot/vmlinuz-* (a container has none until
 * linux-image-amd64 is installed).
 */
static int
find_qemu_kernel (char **kernel, char **modules, char **version)
{
  DIR *d = opendir ("/boot");
  struct dirent *e;
  char *best = NULL;

  if (d) {
    while ((e = readdir (d)) != NULL) {
      if (strncmp (e->d_name, "vmlinuz-", 8) != 0)
        continue;
      if (!best || strverscmp (e->d_name + 8, best) > 0) {
        free (best);
        best = strdup (e->d_name + 8);
      }
    }
    closedir (d);
  }
  if (!best) {
    gd_set_error ("no kernel in /boot (vmlinuz-*): install linux-image-amd64 (make deps)");
    return -1;
  }
  if (asprintf (kernel, "/boot/vmlinuz-%s", best) == -1 ||
      asprintf (modules, "/lib/modules/%s", best) == -1) {
    free (best);
    gd_set_error_errno ("malloc");
    return -1;
  }
  *version = best;
  if (access (*modules, R_OK) == -1) {
    gd_set_error_errno ("kernel modules %s", *modules);
    return -1;
  }
  return 0;
}

/* Debian's user-mode-linux: /usr/bin/linux.uml, modules under
 * /usr/lib/uml/modules/<version>.
 */
static int
find_uml_kernel (char **kernel, char **modules, char **version)
{
  DIR *d;
  struct dirent *e;
  char *best = NULL;

  if (access ("/usr/bin/linux.uml", X_OK) == -1) {
    gd_set_error_errno ("/usr/bin/linux.uml: install user-mode-linux (make deps)");
    return -1;
  }
  d = opendir ("/usr/lib/uml/modules");
  if (d) {
    while ((e = readdir (d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      if (!best || strverscmp (e->d_name, best) > 0) {
        free (best);
        best = strdup (e->d_name);
      }
    }
    closedir (d);
  }
  if (!best) {
    gd_set_error ("no UML modules in /usr/lib/uml/modules: reinstall user-mode-linux");
    return -1;
  }
  *kernel = strdup ("/usr/bin/linux.uml");
  if (asprintf (modules, "/usr/lib/uml/modules/%s", best) == -1) {
    free (best);
    return -1;
  }
  *version = best;
  return 0;
}

int
appliance_find_kernel (enum appliance_kind kind, char **kernel,
                       char **modules, char **version)
{
  return kind == APPLIANCE_UML ? find_uml_kernel (kernel, modules, version)
                               : find_qemu_kernel (kernel, modules, version);
}
