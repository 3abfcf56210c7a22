/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: finit_module(2) from modules.dep (init-module.c). */
#ifndef GUESTDRV_INIT_MODULE_H
#define GUESTDRV_INIT_MODULE_H

#include <stddef.h>

/* Load module NAME and its dependencies from /lib/modules/`uname
 * -r`/modules.dep.  0 when loaded (or already there), -1 otherwise: then
 * the caller runs modprobe.
 */
int init_module_load (const char *name);

/* The files to load for NAME from DEP (the text of modules.dep), in
 * order: dependencies first, the module last, as pointers into DEP with
 * their lengths.  Their count, or -1 when NAME is not listed or needs
 * more than MAX files.  '-' and '_' are the same in NAME.
 */
int init_module_plan (const char *dep, const char *name,
                      const char **path, size_t *len, size_t max);

#endif
