/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The backend table: every name --backend takes, its kind and the ops
 * that run it.  Options, help and error messages list the names from
 * here.
 */
#include <stdio.h>
#include <string.h>

#include "launcher-internal.h"

static const struct backend backends[] = {
  { "auto", BACKEND_AUTO, NULL },
  { "kvm", BACKEND_KVM, &qemu_backend_ops },
  { "tcg", BACKEND_TCG, &qemu_backend_ops },
  { "uml", BACKEND_UML, &uml_backend_ops },
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
backend_of_kind (enum backend_kind kind)
{
  for (size_t i = 0; i < NBACKENDS; i++)
    if (backends[i].kind == kind)
      return &backends[i];
  return NULL;
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
