/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a daemon procedure as a guestfish command: check the argument
 * count, parse each word by its signature code (proc-info.h), encode the
 * required arguments then every optional one (unset ones as zero), call,
 * and print the reply.  FileIn/FileOut words are host files ("-" is
 * stdin/stdout) streamed in chunks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../common/error.h"
#include "../common/fdio.h"

#define CLI_MAX_OPTARGS 64

int
cli_ensure_launched (struct cli *c)
{
  if (session_is_launched (c->s))
    return 0;
  return session_launch (c->s);
}

/* The Nth space-separated name in NAMES, into BUF. */
static const char *
nth_name (const char *names, size_t n, char *buf, size_t len)
{
  while (n-- > 0 && *names)
    names += strcspn (names, " ") + (names[strcspn (names, " ")] == ' ');
  snprintf (buf, len, "%.*s", (int) strcspn (names, " "), names);
  return buf;
}

/* The host file's index among the command's words (the CLI table has
 * one for every procedure that moves a file), or -1.
 */
static int
host_file_pos (const struct proto_proc_info *pi)
{
  const struct cli_cmd_info *ci = cli_cmd_by_proc (pi->proc);

  return ci && pi->transfer != PROTO_TRANSFER_NONE ? ci->host_file : -1;
}

void
cli_proc_usage (FILE *f, const struct proto_proc_info *pi)
{
  char name[64];
  size_t nargs = strlen (pi->args), nopt = strlen (pi->optargs);
  int hf = host_file_pos (pi);

  for (const char *n = pi->name; *n; n++)
    fputc (*n == '_' ? '-' : *n, f);
  for (size_t w = 0, k = 0; k < nargs || (int) w == hf; w++) {
    if ((int) w == hf)
      fprintf (f, " %s", cli_cmd_by_proc (pi->proc)->host_file_name);
    else if (pi->args[k++] != 'K')
      fprintf (f, " %s", nth_name (pi->arg_names, k - 1, name, sizeof name));
  }
  for (size_t i = 0; i < nopt; i++) {
    char c = pi->optargs[i];
    fprintf (f, " [%s:%s]", nth_name (pi->optarg_names, i, name, sizeof name),
             c == 'b' ? "true|false" : c == 'i' || c == 'I' ? "N" : "..");
  }
}

/* Key arguments are not on the command line: guestfish prompts; we read
 * one line from standard input.
 */
static char *
read_key (const char *name)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline (&line, &cap, stdin);

  if (n == -1) {
    free (line);
    gd_set_error ("%s: no key on standard input", name);
    return NULL;
  }
  if (n > 0 && line[n - 1] == '\n')
    line[n - 1] = '\0';
  return line;
}

static int
encode_one (struct proto_args *a, char code, const char *v)
{
  int32_t i;
  int64_t I;
  bool b;
  char **l;
  int e;

  switch (code) {
  case 's':
  case 'G':
  case 'K':
    return proto_args_string (a, v ? v : "");
  case 'o':
    return proto_args_opt_string (a, v && *v ? v : NULL);
  case 'B':
    return proto_args_buffer (a, v ? v : "", v ? strlen (v) : 0);
  case 'i':
    if (v && cli_parse_int (v, &i) == -1)
      return -1;
    return proto_args_int (a, v ? i : 0);
  case 'I':
    if (v && cli_parse_int64 (v, &I) == -1)
      return -1;
    return proto_args_int64 (a, v ? I : 0);
  case 'b':
    if (v && cli_parse_bool (v, &b) == -1)
      return -1;
    return proto_args_bool (a, v ? b : false);
  case 'L':
    if (!(l = cli_parse_string_list (v ? v : "")))
      return -1;
    e = proto_args_string_list (a, l);
    cli_free_words (l);
    return e;
  }
  gd_set_error ("argument code '%c'", code);
  return -1;
}

/* guestfish words a bad word as "CMD: ARG: what", except a boolean,
 * whose message stands alone.
 */
static void
arg_error (const char *cmd, char code, const char *arg)
{
  if (code != 'b')
    gd_error_prefix ("%s: %s", cmd, arg);
}

/* A daemon error reads as libguestfs words it: the API name, then the
 * daemon's message as it came.  A call that failed on our side (the
 * appliance died, a timeout, a transfer cancelled) names the call too.
 */
void
cli_daemon_error (const struct proto_proc_info *pi, const struct proto_reply *rep)
{
  if (rep->status != 0)
    gd_set_error ("%s: %s", pi->name, rep->error_message ? rep->error_message : "");
  else
    gd_error_prefix ("%s", pi->name);
}

int
cli_call_proc (struct cli *c, const struct proto_proc_info *pi,
               int argc, char **argv, struct proto_reply *rep)
{
  const char *optval[CLI_MAX_OPTARGS] = { 0 };
  size_t nargs = strlen (pi->args), nopt = strlen (pi->optargs);
  size_t nkeys = 0, npos, k;
  int hf = host_file_pos (pi);
  const char *cmd = argv[0], *host_file = NULL;
  struct proto_args *a = NULL;
  uint64_t optmask = 0, hint = 0;
  struct gd_fd_io io = { .fd = -1 };
  char name[64];
  int r = -1;

  for (k = 0; k < nargs; k++)
    nkeys += pi->args[k] == 'K';
  npos = nargs - nkeys + (hf >= 0);
  if ((size_t) argc - 1 < npos || (size_t) argc - 1 > npos + nopt) {
    gd_set_error ("wrong number of arguments (%d given, %zu expected)",
                  argc - 1, npos);
    return -2;
  }
  /* Words after the required ones are name:value optional arguments. */
  for (int w = 1 + (int) npos; w < argc; w++) {
    const char *colon = strchr (argv[w], ':');
    size_t j;
    for (j = 0; colon && j < nopt; j++) {
      nth_name (pi->optarg_names, j, name, sizeof name);
      if (strlen (name) == (size_t) (colon - argv[w]) &&
          strncmp (name, argv[w], (size_t) (colon - argv[w])) == 0)
        break;
    }
    if (!colon || j == nopt) {
      gd_set_error ("%s: unknown optional argument \"%s\"", cmd, argv[w]);
      return -1;
    }
    if (optmask & (UINT64_C (1) << j)) {
      gd_set_error ("%s: optional argument \"%s\" given more than once", cmd, name);
      return -1;
    }
    optmask |= UINT64_C (1) << j;
    optval[j] = colon + 1;
  }

  if (!(a = proto_args_new ()))
    return -1;
  argv++;
  if (hf == 0)
    host_file = *argv++;
  for (k = 0; k < nargs; k++) {
    char code = pi->args[k];
    char *key = NULL;
    int e;
    if (code == 'K' && !(key = read_key (nth_name (pi->arg_names, k, name, sizeof name))))
      goto out;
    if (code == 'G' && !cli_valid_guid (*argv)) {
      gd_set_error ("%s: %s: parameter is not a valid GUID", pi->name,
                    nth_name (pi->arg_names, k, name, sizeof name));
      goto out;
    }
    e = encode_one (a, code, key ? key : *argv);
    if (key) {
      memset (key, 0, strlen (key));
      free (key);
    }
    else
      argv++;
    if (e == -1) {
      arg_error (cmd, code, nth_name (pi->arg_names, k, name, sizeof name));
      goto out;
    }
    if (hf > 0 && (size_t) hf == k + 1)
      host_file = *argv++;
  }
  for (k = 0; k < nopt; k++)
    if (encode_one (a, pi->optargs[k], optval[k]) == -1) {
      arg_error (cmd, pi->optargs[k], nth_name (pi->optarg_names, k, name, sizeof name));
      goto out;
    }

  if (pi->transfer == PROTO_TRANSFER_FILEIN) {
    struct stat st;
    io.fd = strcmp (host_file, "-") == 0 ? dup (0)
          : open (host_file, O_RDONLY | O_CLOEXEC);
    if (io.fd == -1) {
      gd_set_error_errno ("open: %s", host_file);
      goto out;
    }
    if (fstat (io.fd, &st) == 0 && S_ISREG (st.st_mode))
      hint = (uint64_t) st.st_size;
  }
  else if (pi->transfer == PROTO_TRANSFER_FILEOUT) {
    io.fd = strcmp (host_file, "-") == 0 ? dup (1)
          : open (host_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (io.fd == -1) {
      gd_set_error_errno ("open: %s", host_file);
      goto out;
    }
    fflush (stdout);
  }
  if (cli_ensure_launched (c) == -1)
    goto out;
  if (pi->transfer == PROTO_TRANSFER_FILEIN)
    r = session_call_filein (c->s, pi->proc, optmask, a, hint, gd_fd_source, &io, rep);
  else if (pi->transfer == PROTO_TRANSFER_FILEOUT)
    r = session_call_fileout (c->s, pi->proc, optmask, a, gd_fd_sink, &io, rep);
  else
    r = session_call (c->s, pi->proc, optmask, a, rep);
  if (r != 0) {
    cli_daemon_error (pi, rep);
    r = -1;
  }
 out:
  if (io.fd >= 0 && close (io.fd) == -1 && r == 0 &&
      pi->transfer == PROTO_TRANSFER_FILEOUT) {
    gd_set_error_errno ("%s", host_file);
    r = -1;
  }
  proto_args_free (a);
  return r;
}

int
cli_run_proc (struct cli *c, const struct proto_proc_info *pi, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  int r = cli_call_proc (c, pi, argc, argv, &rep);

  if (r == 0 && cli_print_reply (pi, &rep) == -1)
    r = -1;
  proto_reply_free (&rep);
  return r;
}
