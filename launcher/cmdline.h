/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qemu and UML command lines as pure functions (qemu-cmdline.c,
 * uml-cmdline.c): everything the start functions decide from the
 * environment, the host or the run's temp dir is passed in, so the same
 * inputs always give the same argv (tests/unit/test-launcher-cmdline.c
 * checks them, the KVM one included).  Internal to the launcher.
 */
#ifndef GUESTDRV_LAUNCHER_CMDLINE_H
#define GUESTDRV_LAUNCHER_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "launcher-internal.h"

/* What qemu_start decided before building the command line. */
struct qemu_paths {
  const char *binary;           /* qemu_binary () */
  const char *tmpdir;           /* the run's temp dir (gdb socket) */
  const char *channel_sock;     /* virtio-serial channel socket */
  const char *qmp_sock;         /* QMP socket */
  const char *root_uuid;        /* ext2 UUID of app->root */
  bool verbose;                 /* gd_verbose */
  const char *cpu;              /* qemu-cpu, or NULL: host (KVM), max (TCG) */
};

/* qemu's settings (qemu_settings_table in qemu-cmdline.c) land in the
 * qemu_paths qemu_start hands to qemu_build_argv, through qemu_config.
 */
extern const struct backend_setting qemu_settings_table[];
int qemu_config (void *conf, const char *name, const char *value);

/* Append the qemu command line for CFG (backend KVM or TCG) and APP to
 * OUT.  0, or -1 (out of memory; OUT then holds a partial argv the
 * caller frees).
 */
int qemu_build_argv (const struct launch_config *cfg,
                     const struct appliance_files *app,
                     const struct qemu_paths *paths, struct args *out);

/* What each --cache value becomes on a ubd: the flag letters, and whether
 * the guest must stop sending flushes.  NULL flags = refused (with why).
 */
struct uml_cache {
  const char *mode, *flags;
  int noflush;
  const char *why;
};
const struct uml_cache *uml_cache_lookup (const char *mode);
/* The modes UBD takes, ", " between them, into BUF. */
void uml_cache_list (char *buf, size_t len);

#define UML_BINARY "/usr/bin/linux.uml"

/* UML's settings (uml_settings_table in uml-cmdline.c), typed by
 * uml_config; zero is the default of each.
 */
struct uml_settings {
  bool serial;                  /* uml-channel serial, not virtio */
  bool vhost_user;              /* uml-disk vhost-user, not ubd */
  bool raw_line;                /* uml-window off: no acknowledged window */
};
extern const struct backend_setting uml_settings_table[];
int uml_config (void *conf, const char *name, const char *value);

/* What uml_start decided before building the command line. */
struct uml_paths {
  const char *kernel;           /* --kernel, or UML_BINARY */
  int umid_pid;                 /* getpid (), for umid= */
  const char *tmpdir;           /* the run's temp dir */
  bool virtio;                  /* channel: vhost-user virtio-console */
  const char *vcon_sock;        /* its socket (when virtio) */
  size_t nlines;                /* serial lines: 0 (virtio), 1 or 2 */
  int guest_fd[2];              /* the guest ends of the lines */
  bool vblk;                    /* disks over vhost-user-blk */
  bool xstate_tunables;         /* add UML_XSTATE_GLIBC_TUNABLES */
  bool verbose;                 /* gd_verbose */
};

/* Append the UML command line for CFG and APP to OUT.  0 or -1 as above. */
int uml_build_argv (const struct launch_config *cfg,
                    const struct appliance_files *app,
                    const struct uml_paths *paths, struct args *out);

#endif
