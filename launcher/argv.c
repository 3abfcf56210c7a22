/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable argv for hypervisor command lines (qemu.c, uml.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "launcher-internal.h"

int
args_add (struct args *a, const char *fmt, ...)
{
  va_list ap;
  char *s;

  if (a->n + 2 > a->cap) {
    size_t ncap = a->cap ? a->cap * 2 : 64;
    char **nv = realloc (a->v, ncap * sizeof *nv);
    if (!nv)
      return -1;
    a->v = nv;
    a->cap = ncap;
  }
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) == -1)
    s = NULL;
  va_end (ap);
  if (!s)
    return -1;
  a->v[a->n++] = s;
  a->v[a->n] = NULL;
  return 0;
}

void
args_free (struct args *a)
{
  for (size_t i = 0; i < a->n; i++)
    free (a->v[i]);
  free (a->v);
}
