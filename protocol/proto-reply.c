/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reply bodies (PROTOCOL.md §7): the XDR return value of a successful
 * call.  The body came from the daemon, so every count is checked
 * against the bytes that are really there before anything is allocated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <rpc/xdr.h>

#include "proto-internal.h"
#include "../common/error.h"

void
proto_reply_free (struct proto_reply *r)
{
  if (r == NULL)
    return;
  free (r->error_message);
  free (r->body);
  r->error_message = NULL;
  r->body = NULL;
  r->body_len = 0;
}

static int
start (const struct proto_reply *r, XDR *xdr, const char *what)
{
  if (r->status != 0) {
    errno = EINVAL;
    gd_set_error ("%s: the reply is an error, it has no return value", what);
    return -1;
  }
  xdrmem_create (xdr, (char *) r->body, r->body_len, XDR_DECODE);
  return 0;
}

static int
finish (XDR *xdr, bool ok, const char *what)
{
  xdr_destroy (xdr);
  if (!ok) {
    errno = EPROTO;
    gd_set_error ("protocol error: could not decode the %s returned by "
                  "the daemon", what);
    return -1;
  }
  return 0;
}

int
proto_ret_int (const struct proto_reply *r, int32_t *v)
{
  XDR xdr;

  if (start (r, &xdr, "int") == -1)
    return -1;
  return finish (&xdr, xdr_int32_t (&xdr, v), "int");
}

int
proto_ret_int64 (const struct proto_reply *r, int64_t *v)
{
  XDR xdr;

  if (start (r, &xdr, "int64") == -1)
    return -1;
  return finish (&xdr, xdr_int64_t (&xdr, v), "int64");
}

int
proto_ret_bool (const struct proto_reply *r, bool *v)
{
  bool_t b = 0;
  XDR xdr;
  bool ok;

  if (start (r, &xdr, "bool") == -1)
    return -1;
  ok = xdr_bool (&xdr, &b);
  *v = b;
  return finish (&xdr, ok, "bool");
}

int
proto_ret_string (const struct proto_reply *r, char **s)
{
  XDR xdr;

  *s = NULL;
  if (start (r, &xdr, "string") == -1)
    return -1;
  /* The body length bounds the string: a bogus length word fails here
   * instead of allocating.
   */
  return finish (&xdr, xdr_string (&xdr, s, r->body_len), "string");
}

int
proto_ret_string_list (const struct proto_reply *r, char ***strv)
{
  u_int n, i;
  char **v;
  XDR xdr;

  *strv = NULL;
  if (start (r, &xdr, "string list") == -1)
    return -1;
  if (!xdr_u_int (&xdr, &n) || n > r->body_len / 4)
    return finish (&xdr, false, "string list");
  v = calloc ((size_t) n + 1, sizeof *v);
  if (v == NULL) {
    xdr_destroy (&xdr);
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (i = 0; i < n; i++) {
    if (!xdr_string (&xdr, &v[i], r->body_len)) {
      for (u_int j = 0; j < i; j++)
        free (v[j]);
      free (v);
      return finish (&xdr, false, "string list");
    }
  }
  *strv = v;
  return finish (&xdr, true, "string list");
}

int
proto_ret_buffer (const struct proto_reply *r, void **data, size_t *len)
{
  char *p = NULL;
  u_int n = 0;
  XDR xdr;

  *data = NULL;
  *len = 0;
  if (start (r, &xdr, "buffer") == -1)
    return -1;
  if (!xdr_bytes (&xdr, &p, &n, r->body_len))
    return finish (&xdr, false, "buffer");
  *data = p;
  *len = n;
  return finish (&xdr, true, "buffer");
}
