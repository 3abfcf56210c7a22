/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building call arguments (PROTOCOL.md §5, §6) into a growable XDR
 * buffer.  Each item is encoded by libtirpc into space reserved ahead of
 * time, so the buffer can grow between items.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <rpc/xdr.h>

#include "proto-internal.h"
#include "../common/error.h"

struct proto_args {
  unsigned char *buf;
  size_t len, cap;
};

struct proto_args *
proto_args_new (void)
{
  struct proto_args *a = calloc (1, sizeof *a);

  if (a == NULL)
    gd_set_error_errno ("calloc");
  return a;
}

void
proto_args_free (struct proto_args *a)
{
  if (a == NULL)
    return;
  free (a->buf);
  free (a);
}

/* Make room for N more bytes; start an XDR encoder there. */
static int
reserve (struct proto_args *a, size_t n, XDR *xdr)
{
  if (n > PROTO_MESSAGE_MAX || a->len + n > PROTO_MESSAGE_MAX) {
    errno = E2BIG;
    gd_set_error ("call arguments exceed the 4 MiB message limit");
    return -1;
  }
  if (a->len + n > a->cap) {
    size_t cap = a->cap ? a->cap : 256;
    unsigned char *nb;

    while (cap < a->len + n)
      cap *= 2;
    nb = realloc (a->buf, cap);
    if (nb == NULL) {
      gd_set_error_errno ("realloc");
      return -1;
    }
    a->buf = nb;
    a->cap = cap;
  }
  xdrmem_create (xdr, (char *) a->buf + a->len, n, XDR_ENCODE);
  return 0;
}

static int
commit (struct proto_args *a, XDR *xdr, bool ok)
{
  if (!ok) {
    xdr_destroy (xdr);
    gd_set_error ("could not encode a call argument");
    return -1;
  }
  a->len += xdr_getpos (xdr);
  xdr_destroy (xdr);
  return 0;
}

static size_t
string_size (size_t len)
{
  return 4 + PROTO_PAD4 (len);
}

int
proto_args_string (struct proto_args *a, const char *s)
{
  size_t len = strlen (s);
  char *p = (char *) s;
  XDR xdr;

  if (reserve (a, string_size (len), &xdr) == -1)
    return -1;
  return commit (a, &xdr, xdr_string (&xdr, &p, PROTO_MESSAGE_MAX));
}

int
proto_args_opt_string (struct proto_args *a, const char *s_or_null)
{
  if (proto_args_bool (a, s_or_null != NULL) == -1)
    return -1;
  return s_or_null ? proto_args_string (a, s_or_null) : 0;
}

int
proto_args_string_list (struct proto_args *a, char *const *strv)
{
  u_int n = 0;
  XDR xdr;

  while (strv && strv[n])
    n++;
  if (reserve (a, 4, &xdr) == -1 || commit (a, &xdr, xdr_u_int (&xdr, &n)) == -1)
    return -1;
  for (u_int i = 0; i < n; i++)
    if (proto_args_string (a, strv[i]) == -1)
      return -1;
  return 0;
}

int
proto_args_int (struct proto_args *a, int32_t v)
{
  XDR xdr;

  if (reserve (a, 4, &xdr) == -1)
    return -1;
  return commit (a, &xdr, xdr_int32_t (&xdr, &v));
}

int
proto_args_int64 (struct proto_args *a, int64_t v)
{
  XDR xdr;

  if (reserve (a, 8, &xdr) == -1)
    return -1;
  return commit (a, &xdr, xdr_int64_t (&xdr, &v));
}

int
proto_args_bool (struct proto_args *a, bool v)
{
  bool_t b = v;
  XDR xdr;

  if (reserve (a, 4, &xdr) == -1)
    return -1;
  return commit (a, &xdr, xdr_bool (&xdr, &b));
}

int
proto_args_buffer (struct proto_args *a, const void *data, size_t len)
{
  char *p = (char *) data;
  u_int n = len;
  XDR xdr;

  if (reserve (a, string_size (len), &xdr) == -1)
    return -1;
  return commit (a, &xdr, xdr_bytes (&xdr, &p, &n, PROTO_MESSAGE_MAX));
}

const void *
proto_args_data (const struct proto_args *a, size_t *len)
{
  *len = a->len;
  return a->buf;
}
