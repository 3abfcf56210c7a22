/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A session: one handle over the whole stack (like a guestfs handle):
 * the disks and options, the appliance, the running hypervisor and the
 * protocol connection.  The CLI and the benchmark drive guestfsd through
 * it.  Requests get one id (the protocol serial) that appears in every
 * layer's trace events.
 */
#ifndef GUESTDRV_SESSION_H
#define GUESTDRV_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../launcher/launcher.h"
#include "../protocol/proto.h"

struct session;

/* What the session tells an observer (the instrumentation above it
 * subscribes; the session knows nothing of it).  Any member may be NULL.
 */
struct session_hooks {
  /* After the launch flag, once the protocol is up. */
  void (*launched) (void *opaque, struct session *s);
  /* After internal_autosync, while the daemon still answers. */
  void (*before_shutdown) (void *opaque, struct session *s);
  struct launcher_hooks launcher;   /* handed down to each launch */
  void *opaque;
};

struct session *session_new (void);
/* Shuts the appliance down (if running) and frees everything. */
void session_free (struct session *s);

int session_add_drive (struct session *s, const char *path,
                       const char *format, const char *cache, bool readonly);
int session_set_backend (struct session *s, const char *name);
void session_set_kernel (struct session *s, const char *path);
/* The module tree of --kernel (lib/modules/<version>, or the
 * INSTALL_MOD_PATH holding it); none for a kernel with all built in.
 */
void session_set_modules (struct session *s, const char *dir);
/* --gdb: qemu waits for a debugger on a gdbstub socket in the run's dir;
 * UML prints its pid and a gdb command line.
 */
void session_set_gdb (struct session *s, bool on);
void session_set_append (struct session *s, const char *args);
void session_set_memory (struct session *s, int mb);
void session_set_init_flags (struct session *s, const char *flags);
/* A backend's own setting (--uml-channel virtio: NAME "uml-channel"),
 * checked against the backends' tables and passed on uninterpreted; the
 * backend that does not take it ignores it.  Set again, the later value
 * wins.  0, or -1 with the error set ("--NAME: 'x' is not a or b").
 */
int session_set_backend_setting (struct session *s, const char *name,
                                 const char *value);
void session_set_timeouts (struct session *s, int launch_ms, int idle_ms);
/* The absolute deadline of each call (default 3600 s). */
void session_set_call_timeout (struct session *s, int ms);
/* Subscribe HOOKS (copied) to this session's events; NULL unsubscribes. */
void session_set_hooks (struct session *s, const struct session_hooks *hooks);
size_t session_ndisks (const struct session *s);
const struct disk *session_disk (const struct session *s, size_t i);
enum backend_kind session_backend (const struct session *s);

/* Build/find the appliance, start the hypervisor, wait for guestfsd.
 * Returns 0, or -1 with the error set (nothing left running).
 */
int session_launch (struct session *s);
bool session_is_launched (const struct session *s);
struct proto *session_proto (struct session *s);
struct hv *session_hv (struct session *s);
/* Times of the last launch, ns (gd_now_ns clock). */
uint64_t session_launch_start_ns (const struct session *s);
uint64_t session_launch_ready_ns (const struct session *s);

/* Orderly stop: internal_autosync (unmount + sync in the guest), then stop
 * the hypervisor, bounded.  Returns 0, or -1 if anything failed (the
 * hypervisor is gone either way).
 */
int session_shutdown (struct session *s);

/* Calls that turn an error reply into the error slot ("the daemon's own
 * message").  Return 0 with the reply in R (caller frees), or -1.
 */
int session_call (struct session *s, uint32_t proc, uint64_t optmask,
                  const struct proto_args *args, struct proto_reply *r);
int session_call_filein (struct session *s, uint32_t proc, uint64_t optmask,
                         const struct proto_args *args, uint64_t hint,
                         proto_source_fn src, void *opaque,
                         struct proto_reply *r);
int session_call_fileout (struct session *s, uint32_t proc, uint64_t optmask,
                          const struct proto_args *args,
                          proto_sink_fn sink, void *opaque,
                          struct proto_reply *r);

/* Convenience used by the CLI and the benchmark. */
int session_upload_fd (struct session *s, int fd, uint64_t size_hint,
                       const char *remote);

#endif
