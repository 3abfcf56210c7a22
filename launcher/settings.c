/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Backend settings: the options that belong to one backend (UML's
 * channel, disks and serial window, ...) travel through the layers above
 * as "NAME=VALUE" strings that only the backend interprets, through its
 * ops->config (nbdkit's .config(key, value); libguestfs's
 * backend_settings).  The CLI's --NAME options and their help, the
 * environment variables and the bench's and fsync-test's lists all come
 * from the backends' tables.  Adding one: docs/HACKING.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher-internal.h"
#include "../common/error.h"

/* Whether backend entry I is the first of its ops (kvm and tcg share
 * qemu's table: list it once).
 */
static int
first_of_ops (size_t i)
{
  const struct backend *b = backend_at (i);

  if (!b->ops)
    return 0;
  for (size_t j = 0; j < i; j++)
    if (backend_at (j)->ops == b->ops)
      return 0;
  return 1;
}

const struct backend_setting *
backend_setting_at (size_t i)
{
  const struct backend *b;

  for (size_t k = 0; (b = backend_at (k)) != NULL; k++) {
    if (!first_of_ops (k) || !b->ops->settings)
      continue;
    for (const struct backend_setting *s = b->ops->settings; s->name; s++)
      if (i-- == 0)
        return s;
  }
  return NULL;
}

const struct backend_setting *
backend_setting_lookup (const char *name)
{
  const struct backend_setting *s;

  for (size_t i = 0; (s = backend_setting_at (i)) != NULL; i++)
    if (strcmp (s->name, name) == 0)
      return s;
  gd_set_error ("unknown backend setting '%s'", name);
  return NULL;
}

int
backend_takes_setting (const struct backend *b, const char *name)
{
  if (!b || !b->ops || !b->ops->settings)
    return 0;
  for (const struct backend_setting *s = b->ops->settings; s->name; s++)
    if (strcmp (s->name, name) == 0)
      return 1;
  return 0;
}

void
backend_setting_values (const struct backend_setting *s, char *buf,
                        size_t len, const char *sep, const char *last)
{
  size_t used = 0, n = 0;

  if (len == 0)
    return;
  buf[0] = '\0';
  while (s->values && s->values[n])
    n++;
  for (size_t i = 0; i < n && used < len; i++) {
    int k = snprintf (buf + used, len - used, "%s%s",
                      i == 0 ? "" : i + 1 == n ? last : sep, s->values[i]);
    if (k < 0)
      break;
    used += (size_t) k;
  }
}

static int
value_ok (const struct backend_setting *s, const char *value)
{
  if (!s->values)
    return value[0] != '\0';
  for (size_t i = 0; s->values[i]; i++)
    if (strcmp (s->values[i], value) == 0)
      return 1;
  return 0;
}

int
backend_setting_check (const struct backend_setting *s, const char *value)
{
  char names[256];

  if (value_ok (s, value))
    return 0;
  if (!s->values) {
    gd_set_error ("--%s: give a value", s->name);
    return -1;
  }
  backend_setting_values (s, names, sizeof names, ", ", " or ");
  gd_set_error ("--%s: '%s' is not %s", s->name, value, names);
  return -1;
}

int
backend_settings_read (const struct backend_ops *ops,
                       const struct launch_config *cfg, void *conf)
{
  const struct backend_setting *s;
  char names[256];

  if (!ops->settings)
    return 0;
  for (s = ops->settings; s->name; s++) {
    const char *e = s->env ? getenv (s->env) : NULL;

    if (!e || !*e)
      continue;
    if (!value_ok (s, e)) {
      backend_setting_values (s, names, sizeof names, ", ", " or ");
      gd_set_error ("%s='%s': not %s", s->env, e, names);
      return -1;
    }
    if (ops->config (conf, s->name, e) == -1)
      return -1;
  }
  for (size_t i = 0; i < cfg->nsettings; i++) {
    const char *kv = cfg->settings[i], *eq = strchr (kv, '=');
    size_t n = eq ? (size_t) (eq - kv) : strlen (kv);

    for (s = ops->settings; s->name; s++)
      if (strlen (s->name) == n && strncmp (s->name, kv, n) == 0)
        break;
    if (!s->name)
      continue;                 /* another backend's */
    if (!eq || backend_setting_check (s, eq + 1) == -1) {
      if (!eq)
        gd_set_error ("backend setting '%s': give NAME=VALUE", kv);
      return -1;
    }
    if (ops->config (conf, s->name, eq + 1) == -1)
      return -1;
  }
  return 0;
}
