/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --kernel NAME: the names of guestdrv's own UML kernels, resolved from
 * the kernel cache kernel/build-uml.sh fills (kernel-name.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-name.h"
#include "../appliance/appliance.h"
#include "../common/error.h"

/* Each name and the command that builds it (in guestdrv's source tree). */
static const struct {
  const char *name, *build;
} names[] = {
  { "guestdrv", "make uml-kernel" },
  { "guestdrv-6.12", "make uml-kernel-6.12" },
  { "control", "make uml-kernel" },
  { "control-6.12", "make uml-kernel-6.12" },
};

int
kernel_name_is_name (const char *arg)
{
  if (strcmp (arg, "stock") == 0)
    return 1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (arg, names[i].name) == 0)
      return 1;
  return 0;
}

int
kernel_name_resolve (const char *arg, char **path)
{
  const char *build = NULL;
  char *root;

  *path = NULL;
  if (strcmp (arg, "stock") == 0)
    return 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (arg, names[i].name) == 0)
      build = names[i].build;
  if (build == NULL) {
    if ((*path = strdup (arg)) == NULL) {
      gd_set_error_errno ("malloc");
      return -1;
    }
    return 0;
  }
  if ((root = appliance_cache_root ()) == NULL)
    return -1;
  if (asprintf (path, "%s/kernels/%s/linux", root, arg) == -1) {
    *path = NULL;
    free (root);
    gd_set_error_errno ("malloc");
    return -1;
  }
  free (root);
  if (access (*path, X_OK) == 0)
    return 0;
  gd_set_error ("%s: not built yet (%s: %s; in guestdrv's source tree "
                "run: %s)", arg, *path, strerror (errno), build);
  free (*path);
  *path = NULL;
  return -1;
}

int
kernel_name_boots (const char *arg, enum appliance_kind kind)
{
  if (strcmp (arg, "stock") == 0 || !kernel_name_is_name (arg))
    return 1;
  return kind == APPLIANCE_UML;
}
