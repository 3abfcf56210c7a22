/* guestdrv-init: finit_module(2) from modules.dep (init-module.c). */
#ifndef GUESTDRV_INIT_MODULE_H
#define GUESTDRV_INIT_MODULE_H

/* Load module NAME and its dependencies from /lib/modules/`uname
 * -r`/modules.dep.  0 when loaded (or already there), -1 otherwise: then
 * the caller runs modprobe.
 */
int init_module_load (const char *name);

#endif
