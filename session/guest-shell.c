/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A shell command in the guest (see guest-shell.h). */
#include <stdlib.h>

#include "guest-shell.h"

#include "../protocol/proc-numbers.h"

int
session_guest_sh (struct session *s, const char *cmd, char **out)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  char *const list[] = { (char *) cmd, NULL };
  int r = -1;

  *out = NULL;
  if (a && proto_args_string (a, "sh") == 0 &&
      proto_args_string_list (a, list) == 0 &&
      session_call (s, PROC_DEBUG, 0, a, &rep) == 0 &&
      proto_ret_string (&rep, out) == 0)
    r = 0;
  else
    *out = NULL;
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}
