/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The backend table: every name --backend takes, its kind, the ops that
 * run it, and what the layers above need to know of it (the appliance it
 * boots, libguestfs's counterpart, the bench's starting figures) so that
 * none of them names a backend.  Options, help and error messages list
 * the names from here.  Adding a backend: its file(s) behind struct
 * backend_ops, and one row here (docs/HACKING.md).
 */
#include <stdio.h>
#include <string.h>

#include "launcher-internal.h"

/* The bench's cost-model starting points come from the libguestfs
 * studies and rough experience: TCG emulates every instruction, so the
 * appliance boots slowly and moves ~40 MB/s; UML's first channel was a
 * serial line (~1 MB/s).  The runner corrects them as it measures.
 */
static const struct backend backends[] = {
  /* name, kind, ops, family, appliance, libguestfs, channel, disk,
   * startup_s, channel_MBps, disk_MBps, call_s, bare boot target
   */
  { "auto", BACKEND_AUTO, NULL, NULL, APPLIANCE_QEMU, NULL, NULL, NULL,
    0, 0, 0, 0, 0 },
  { "kvm", BACKEND_KVM, &qemu_backend_ops, "qemu", APPLIANCE_QEMU, "",
    "virtio-serial", "virtio-scsi", 3.0, 200.0, 300.0, 0.0002, 1.0 },
  { "tcg", BACKEND_TCG, &qemu_backend_ops, "qemu", APPLIANCE_QEMU,
    "force_tcg", "virtio-serial", "virtio-scsi", 20.0, 40.0, 60.0, 0.002,
    1.0 },
  { "uml", BACKEND_UML, &uml_backend_ops, "uml", APPLIANCE_UML, NULL,
    "virtio", "ubd", 6.0, 0.5, 150.0, 0.001, 1.25 },
};
#define NBACKENDS (sizeof backends / sizeof backends[0])

const struct backend *
backend_lookup (const char *name)
{
  for (size_t i = 0; i < NBACKENDS; i++)
    if (strcmp (backends[i].name, name) == 0)
      return &backends[i];
  return NULL;
}

const struct backend *
backend_lookup_prefix (const char *name, const char *stop)
{
  size_t n = strcspn (name, stop);

  for (size_t i = 0; i < NBACKENDS; i++)
    if (strlen (backends[i].name) == n &&
        strncmp (backends[i].name, name, n) == 0)
      return &backends[i];
  return NULL;
}

const struct backend *
backend_of_kind (enum backend_kind kind)
{
  for (size_t i = 0; i < NBACKENDS; i++)
    if (backends[i].kind == kind)
      return &backends[i];
  return NULL;
}

const struct backend *
backend_at (size_t i)
{
  return i < NBACKENDS ? &backends[i] : NULL;
}

void
backend_list (char *buf, size_t len, const char *sep)
{
  size_t used = 0;

  if (len == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < NBACKENDS && used < len; i++) {
    int n = snprintf (buf + used, len - used, "%s%s", i ? sep : "",
                      backends[i].name);
    if (n < 0)
      break;
    used += (size_t) n;
  }
}

enum backend_kind
launcher_parse_backend (const char *s)
{
  const struct backend *b = backend_lookup (s);

  return b ? b->kind : (enum backend_kind) -1;
}

const char *
launcher_backend_name (enum backend_kind kind)
{
  const struct backend *b = backend_of_kind (kind);

  return b ? b->name : "?";
}
