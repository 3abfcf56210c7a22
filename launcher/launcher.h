/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launcher layer: start a hypervisor running the appliance, hand back
 * the channel to guestfsd, and stop it again.  Each backend is one file
 * (qemu.c, uml.c) behind struct backend_ops, named in one table
 * (backends.c).  The launcher owns the hypervisor process (its own
 * process group, hv-process.c), the run's temp dir, the console
 * (console.c) and the hypervisor's CPU/RSS figures.  It includes the
 * layers below it (appliance, channel, disk) and tells observers above
 * it through struct launcher_hooks.
 */
#ifndef GUESTDRV_LAUNCHER_H
#define GUESTDRV_LAUNCHER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../appliance/appliance.h"
#include "../channel/channel.h"
#include "../disk/disk.h"

struct hv;                        /* a running hypervisor */

enum backend_kind { BACKEND_AUTO, BACKEND_KVM, BACKEND_TCG, BACKEND_UML };

/* A backend's own setting (settings.c).  The core keeps "NAME=VALUE"
 * strings and hands them to the backend (its ops->config) without ever
 * interpreting them, as nbdkit hands a plugin its key=value pairs and
 * libguestfs a backend its backend_settings.  NAME is the backend
 * family, '-', the key: "uml-channel" is the option --uml-channel.
 */
struct backend_setting {
  const char *name;
  const char *const *values;      /* accepted, NULL-terminated, the first
                                   * the default; NULL: any non-empty text */
  const char *env;                /* read when NAME is not set, or NULL */
  const char *help;               /* its lines of guestdrv --help */
};

/* What the launcher tells an observer (the instrumentation above the
 * session subscribes; the launcher knows nothing of it).  Any member
 * may be NULL.
 */
struct launcher_hooks {
  /* The hypervisor was reaped; its run directory still exists. */
  void (*hv_exit) (void *opaque, struct hv *hv);
  void *opaque;
};

struct launch_config {
  enum backend_kind backend;
  struct disk *disks;
  size_t ndisks;
  const char *kernel_override;    /* --kernel */
  const char *append;             /* --append */
  int memory_mb;
  int vcpus;
  int launch_timeout_ms;          /* wait for the launch flag */
  int idle_timeout_ms;            /* channel idle timeout once running */
  const char *init_flags;         /* guestdrv.init=... (opt-in scans) */
  /* The backends' own settings, "NAME=VALUE" (--uml-channel, ...), in
   * the order given (a later one wins); each backend takes its own.
   */
  const char *const *settings;
  size_t nsettings;
  bool gdb;                       /* --gdb (launcher/gdb.c) */
  const char *state_dir;          /* where the KVM verdict is remembered
                                   * (the cache root); NULL: nowhere */
  bool backend_from_auto;         /* set by launcher_prepare: KVM was
                                   * chosen by auto, so a failed KVM
                                   * launch falls back to TCG */
  const struct launcher_hooks *hooks;  /* NULL: nobody listens */
};

struct hv_stats {
  uint64_t t_fork_ns, t_exec_ns, t_first_console_ns, t_launch_flag_ns;
  uint64_t t_cmdline_ns;          /* time to build the command line */
  double user_s, sys_s;           /* hypervisor CPU at exit */
  long maxrss_kb;
  int exit_status;                /* wait status */
};

/* The backend table (backends.c): every name --backend takes, in the
 * order help and errors list them, with what the layers above need to
 * know of each without naming it.
 */
struct backend_ops;               /* launcher-internal.h */
struct backend {
  const char *name;               /* as --backend spells it */
  enum backend_kind kind;
  const struct backend_ops *ops;  /* NULL for auto: launcher_prepare
                                   * resolves it to kvm or tcg */
  const char *family;             /* its ops' name ("qemu" for kvm and
                                   * tcg): build-appliance --backend, the
                                   * prefix of its settings; NULL: auto */
  enum appliance_kind appliance;  /* the appliance it boots */
  /* libguestfs's counterpart (the bench's peer): the value of
   * LIBGUESTFS_BACKEND_SETTINGS with LIBGUESTFS_BACKEND=direct ("": none
   * needed), or NULL: libguestfs cannot run it.
   */
  const char *libguestfs_settings;
  /* What carries guestfsd's channel and the disks unless a setting says
   * otherwise (the bench's JSON).
   */
  const char *channel, *disk;
  /* The bench: starting points of its cost model (bench/cost.c; MB =
   * 10^6 bytes), and the target of guestdrv's whole start-up over the
   * bare hypervisor's boot.
   */
  double plan_startup_s, plan_channel_MBps, plan_disk_MBps, plan_call_s;
  double bare_boot_target;
};
/* The entry for NAME, or NULL if there is none. */
const struct backend *backend_lookup (const char *name);
const struct backend *backend_of_kind (enum backend_kind kind);
/* The entry a bench case is named after: NAME up to the first of STOP
 * ("uml-serial:bare" with ":-" is uml), or NULL.
 */
const struct backend *backend_lookup_prefix (const char *name,
                                             const char *stop);
/* The I-th entry (NULL past the end), for loops over the table. */
const struct backend *backend_at (size_t i);
/* The names, SEP between them ("auto, kvm, tcg, uml"), into BUF. */
void backend_list (char *buf, size_t len, const char *sep);

/* Backend settings (settings.c).  The I-th setting of all backends (each
 * family's once, in table order), NULL past the end.
 */
const struct backend_setting *backend_setting_at (size_t i);
/* The setting called NAME, or NULL (error set: unknown setting). */
const struct backend_setting *backend_setting_lookup (const char *name);
/* Whether backend B takes the setting NAME. */
int backend_takes_setting (const struct backend *b, const char *name);
/* 0 if VALUE is one of S's values, else -1 with the error
 * "--NAME: 'VALUE' is not A or B".
 */
int backend_setting_check (const struct backend_setting *s,
                           const char *value);
/* S's values, SEP between them and LAST before the last one. */
void backend_setting_values (const struct backend_setting *s, char *buf,
                             size_t len, const char *sep, const char *last);

struct hv_mark_info {
  char stage[48];
  double guest_uptime;            /* s, the guest's /proc/uptime */
  uint64_t host_ns;               /* gd_now_ns() when the line arrived */
};

/* Generic API (launcher.c).  Parse: -1 if unknown; name: "?" if so. */
enum backend_kind launcher_parse_backend (const char *s);
const char *launcher_backend_name (enum backend_kind b);
/* Resolve AUTO (runs the bounded KVM probe; an explicit KVM is probed
 * too) and validate disks and options for the backend.  0 or -1.
 */
int launcher_prepare (struct launch_config *cfg);
/* Start the hypervisor and wait (bounded) for the launch flag.  Returns
 * NULL with the error set; nothing is left running.
 */
struct hv *launcher_launch (struct launch_config *cfg,
                            const struct appliance_files *app);
/* The init's stage marks received so far (at most MAX). */
unsigned hv_get_marks (struct hv *hv, struct hv_mark_info *out, unsigned max);
struct channel *hv_channel (struct hv *hv);
enum backend_kind hv_backend (const struct hv *hv);
pid_t hv_pid (const struct hv *hv);
/* A helper of the hypervisor in its own process group (UML's
 * qemu-storage-daemon with --uml-disk vhost-user), or -1.
 */
pid_t hv_helper_pid (const struct hv *hv);
const char *hv_tmpdir (const struct hv *hv);
/* qemu's QMP socket ("" for backends without one). */
const char *hv_qmp_path (const struct hv *hv);
/* Orderly stop after the caller's internal_autosync: close the channel,
 * let the hypervisor exit, bounded; then SIGKILL the process group.
 * Reaps, removes the temp dir, frees.  Returns 0 if the hypervisor exited
 * cleanly.
 */
int hv_shutdown (struct hv *hv, int timeout_ms);
/* Immediate stop (error paths, signals). */
void hv_kill (struct hv *hv);
const struct hv_stats *hv_get_stats (const struct hv *hv);
/* The last lines of the console (for error messages). */
const char *hv_console_tail (struct hv *hv);

/* Kill every running hypervisor's process group (signal-safe). */
void launcher_kill_all_from_signal (void);

/* KVM probe (kvm-probe.c): 1 = a vCPU really ran, 0 = not usable
 * (reason in *why), bounded by timeout_ms.  GUESTDRV_KVM_PROBE=pass or
 * fail forces the answer (tests reproduce other machines with it).
 */
int kvm_probe (int timeout_ms, char *why, size_t whylen);

#endif
