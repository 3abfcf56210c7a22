/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the generic launcher (launcher.c, hv-process.c,
 * console.c, backends.c) and the backends (qemu.c, uml.c).  Not a public
 * interface.
 */
#ifndef GUESTDRV_LAUNCHER_INTERNAL_H
#define GUESTDRV_LAUNCHER_INTERNAL_H

#include <pthread.h>
#include <stdio.h>

#include "launcher.h"
#include "../common/run.h"

#define CONSOLE_TAIL_MAX 8192
#define HV_MARKS_MAX 64

struct hv_mark {
  char stage[48];
  double guest_uptime;            /* seconds, from the guest */
  uint64_t host_ns;               /* when the line arrived */
};

struct backend_ops {
  const char *name;
  /* Validate the config (formats, cache modes) before anything starts. */
  int (*check) (const struct launch_config *cfg);
  /* Start the hypervisor; on success returns the running hv with its
   * channel connected (launch flag not yet waited for).
   */
  struct hv *(*start) (const struct launch_config *cfg,
                       const struct appliance_files *app);
  /* Optional: what a failed start's console tail means, in words the
   * user can act on, or NULL.
   */
  const char *(*explain) (const char *console);
  /* The backend's own state in hv->priv: freed (helpers stopped, fds
   * closed) once the hypervisor is reaped.  Required if start sets priv.
   */
  void (*free) (void *priv);
  /* Optional: the QMP socket (qemu), a helper process (UML's
   * qemu-storage-daemon) of this run; "" and -1 when absent.
   */
  const char *(*qmp_path) (const void *priv);
  pid_t (*helper_pid) (const void *priv);
  /* The backend's own settings (NULL name ends the table; NULL: none),
   * and what makes them typed: CONFIG applies one whose name is in the
   * table and whose value was checked to the backend's block CONF (see
   * backend_settings_read).  0, or -1 with the error set.
   */
  const struct backend_setting *settings;
  int (*config) (void *conf, const char *name, const char *value);
};

struct hv {
  const struct backend_ops *ops;
  void *priv;                     /* the backend's state (ops->free) */
  enum backend_kind backend;
  char tmpdir[256];
  struct gd_child proc;           /* own process group; pidfd readable
                                   * when it exits */
  struct channel *ch;

  /* Console: a pipe from the hypervisor's stdout/stderr, read by a thread. */
  int console_fd;
  pthread_t console_thread;
  int console_thread_started;
  pthread_mutex_t lock;
  char console_tail[CONSOLE_TAIL_MAX];
  size_t console_len;
  char console_tail_copy[CONSOLE_TAIL_MAX + 1];
  struct hv_mark marks[HV_MARKS_MAX];
  unsigned nmarks;
  uint64_t t_life_ns;             /* first line from the kernel or init */

  struct hv_stats stats;
  const struct launcher_hooks *hooks;  /* the launch config's, or NULL */
  char *cmdline;                  /* for -v and error messages */

  int reaper_fd;                  /* launcher/reaper.h, or -1 */
  int reaper_gone_fd;             /* EOF once the reaper has exited */
  void (*child_setup) (void);     /* run in the child before exec, or NULL */
};

/* Allocate an hv with a fresh private temp dir.  NULL on error. */
struct hv *hv_alloc (enum backend_kind backend, const struct backend_ops *ops);
/* Start ARGV in its own process group with stdout/stderr on the console
 * pipe; the NKEEP fds in KEEP_FDS stay open in the child (UML's serial
 * lines).  ENV_ADD as in gd_run, plus the disk layer's I/O counter for
 * CFG's disks when wanted; CFG's --gdb keeps the hypervisor out of a PID
 * namespace.  Starts the console reader.  0 or -1.
 */
int hv_spawn (struct hv *hv, const struct launch_config *cfg,
              char *const argv[], const int *keep_fds, size_t nkeep,
              char *const env_add[]);
/* console.c: the reader thread on FD (owned from here), stopped and the
 * fd closed by hv_console_stop; when the guest kernel first spoke (0:
 * not yet); the last non-empty line of the tail, for one-line errors.
 */
int hv_console_start (struct hv *hv, int fd);
void hv_console_stop (struct hv *hv);
uint64_t hv_console_life_ns (struct hv *hv);
void hv_console_last_line (struct hv *hv, char *out, size_t outlen);
/* gd_child_wait that leaves the error slot as it was (stops happen
 * while another error is being reported).  0 once reaped, or -1.
 */
int hv_child_wait_quietly (struct gd_child *c, int timeout_ms);
/* Process groups the signal handler kills (launcher_kill_all_from_signal). */
void launcher_register_pgid (pid_t pgid);
void launcher_unregister_pgid (pid_t pgid);
/* Free everything of an hv whose process is gone or never started. */
void hv_free (struct hv *hv);
/* Check a disk before a backend uses it: exists, readable (writable if
 * not read-only), and the format matches the file's magic.
 */
int launcher_check_disk (const struct disk *d);
/* settings.c: fill the backend's settings block CONF (left as the
 * caller initialised it for anything unset): each setting of OPS's table
 * from its environment variable (checked even when the setting is also
 * given: "GUESTDRV_UML_DISK='x': not ubd or vhost-user"), then CFG's
 * settings of this table in order.  0, or -1 with the error set.
 */
int backend_settings_read (const struct backend_ops *ops,
                           const struct launch_config *cfg, void *conf);

/* A growable, NULL-terminated argv (argv.c).  args_add returns 0 or -1
 * (out of memory); callers OR the results and check once.
 */
struct args { char **v; size_t n, cap; };
int args_add (struct args *a, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));
void args_free (struct args *a);

/* kvm-verdict.c: the remembered outcome of a failed KVM launch, keyed by
 * host kernel and boot, qemu binary and CPU flags (see there).
 */
const char *qemu_binary (void);             /* $GUESTDRV_QEMU or the default */
void kvm_verdict_key (char *out, size_t outlen);
/* 1 and the reason if a failure is remembered in DIR; PATH gets the file. */
int kvm_verdict_load (const char *dir, char *why, size_t whylen,
                      char *path, size_t pathlen);
void kvm_verdict_save (const char *dir, const char *why);

extern const struct backend_ops qemu_backend_ops;
extern const struct backend_ops uml_backend_ops;

#endif
