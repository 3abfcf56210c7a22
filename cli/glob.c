/* SPDX-License-Identifier: GPL-2.0-or-later */
/* glob CMD ARGS...: guestfish's wildcard expansion, on the host.  An
 * argument starting with /dev/ is matched (fnmatch, FNM_PATHNAME) against
 * the devices, partitions, md devices and logical volumes; one starting
 * with / is expanded by the daemon (glob-expand); a pattern that matches
 * nothing stays as it is.  CMD runs once per combination, the first
 * argument varying slowest; every combination runs even after a failure.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

struct strvec { char **v; size_t n; };

static int
vec_add (struct strvec *sv, const char *s)
{
  char **nv = realloc (sv->v, (sv->n + 2) * sizeof *nv);

  if (!nv) {
    gd_set_error_errno ("realloc");
    return -1;
  }
  sv->v = nv;
  if (!(nv[sv->n] = strdup (s))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  nv[++sv->n] = NULL;
  return 0;
}

/* Call a procedure returning a string list; *OUT is NULL-terminated. */
static int
call_list (struct cli *c, uint32_t proc, const char *arg, char ***out)
{
  const struct proto_proc_info *pi = proto_proc_info (proc);
  struct proto_reply rep = { 0 };
  char *argv[] = { (char *) pi->name, (char *) arg, NULL };
  int r = cli_call_proc (c, pi, arg ? 2 : 1, argv, &rep);

  if (r == 0)
    r = proto_ret_string_list (&rep, out);
  proto_reply_free (&rep);
  return r;
}

static int
expand_device (struct cli *c, const char *pattern, struct strvec *sv)
{
  static const uint32_t procs[] = {
    PROC_LIST_DEVICES, PROC_LIST_PARTITIONS, PROC_LIST_MD_DEVICES, PROC_LVS,
  };

  for (size_t k = 0; k < sizeof procs / sizeof procs[0]; k++) {
    char **v;
    if (procs[k] == PROC_LVS) {
      /* Only where the lvm2 group is available, as guestfish does. */
      const struct proto_proc_info *fa = proto_proc_info (PROC_INTERNAL_FEATURE_AVAILABLE);
      struct proto_reply rep = { 0 };
      char *argv[] = { (char *) "available", (char *) "lvm2", NULL };
      int32_t res = 1;
      int r = cli_call_proc (c, fa, 2, argv, &rep);
      if (r == 0)
        r = proto_ret_int (&rep, &res);
      proto_reply_free (&rep);
      if (r == -1)
        return -1;
      if (res != 0)
        continue;
    }
    if (call_list (c, procs[k], NULL, &v) == -1)
      return -1;
    for (size_t i = 0; v[i]; i++)
      if (fnmatch (pattern, v[i], FNM_PATHNAME) == 0 && vec_add (sv, v[i]) == -1) {
        cli_free_words (v);
        return -1;
      }
    cli_free_words (v);
  }
  return 0;
}

static int
expand_one (struct cli *c, const char *arg, struct strvec *sv)
{
  if (strncmp (arg, "/dev/", 5) == 0) {
    if (expand_device (c, arg, sv) == -1)
      return -1;
  }
  else if (arg[0] == '/') {
    char **v;
    if (call_list (c, PROC_GLOB_EXPAND, arg, &v) == -1)
      return -1;
    for (size_t i = 0; v[i]; i++)
      if (vec_add (sv, v[i]) == -1) {
        cli_free_words (v);
        return -1;
      }
    cli_free_words (v);
  }
  return sv->n == 0 ? vec_add (sv, arg) : 0;
}

/* Run CMD for every combination from argument K on. */
static int
issue (struct cli *c, struct strvec *globs, int argc, char **cmd, int k)
{
  int r = 0;

  if (k == argc)
    return cli_run_command (c, argc, cmd);
  for (size_t i = 0; i < globs[k].n; i++) {
    cmd[k] = globs[k].v[i];
    if (issue (c, globs, argc, cmd, k + 1) == -1)
      r = -1;
  }
  return r;
}

int
cli_glob (struct cli *c, int argc, char **argv)
{
  int n = argc - 1, r = -1;
  struct strvec *globs = calloc ((size_t) n, sizeof *globs);
  char **cmd = calloc ((size_t) n + 1, sizeof *cmd);

  if (!globs || !cmd) {
    gd_set_error_errno ("calloc");
    goto out;
  }
  cmd[0] = argv[1];
  for (int i = 1; i < n; i++)
    if (expand_one (c, argv[i + 1], &globs[i]) == -1)
      goto out;
  r = issue (c, globs, n, cmd, 1);
  if (r == -1)
    r = CLI_ERR_PRINTED;   /* as guestfish: only the command's own error */
 out:
  for (int i = 0; globs && i < n; i++)
    cli_free_words (globs[i].v);
  free (globs);
  free (cmd);
  return r;
}
