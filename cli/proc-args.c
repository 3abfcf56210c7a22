/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A daemon procedure's words as guestfish takes them, encoded: the
 * required arguments by their signature codes (proc-info.h), the host
 * file word where the CLI table puts it, then the name:value optional
 * ones (unset ones as zero).  No I/O but reading a Key argument from
 * standard input, so the fuzzer (fuzz/fuzz-cli.c) runs it alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

#define CLI_MAX_OPTARGS 64

/* The Nth space-separated name in NAMES, into BUF. */
const char *
cli_nth_name (const char *names, size_t n, char *buf, size_t len)
{
  while (n-- > 0 && *names)
    names += strcspn (names, " ") + (names[strcspn (names, " ")] == ' ');
  snprintf (buf, len, "%.*s", (int) strcspn (names, " "), names);
  return buf;
}

/* The host file's index among the command's words (the CLI table has
 * one for every procedure that moves a file), or -1.
 */
int
cli_host_file_pos (const struct proto_proc_info *pi)
{
  const struct cli_cmd_info *ci = cli_cmd_by_proc (pi->proc);

  return ci && pi->transfer != PROTO_TRANSFER_NONE ? ci->host_file : -1;
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
 * whose message stands alone; both are its parser's (cli_fish_mark).
 */
static void
arg_error (const char *cmd, char code, const char *arg)
{
  if (code != 'b') {
    gd_error_prefix ("%s: %s", cmd, arg);
    cli_fish_mark (CLI_FISH_BARE);
  }
}

int
cli_proc_encode (const struct proto_proc_info *pi, int argc, char **argv,
                 struct proto_args **ap, uint64_t *optmaskp,
                 const char **host_file)
{
  const char *optval[CLI_MAX_OPTARGS] = { 0 };
  size_t nargs = strlen (pi->args), nopt = strlen (pi->optargs);
  size_t nkeys = 0, npos, k;
  int hf = cli_host_file_pos (pi);
  const char *cmd = argv[0];
  char **words = argv;
  struct proto_args *a = NULL;
  uint64_t optmask = 0;
  char name[64];

  *ap = NULL;
  *host_file = NULL;
  for (k = 0; k < nargs; k++)
    nkeys += pi->args[k] == 'K';
  npos = nargs - nkeys + (hf >= 0);
  if ((size_t) argc - 1 < npos || (size_t) argc - 1 > npos + nopt) {
    gd_set_error ("wrong number of arguments (%d given, %zu expected)",
                  argc - 1, npos);
    return -2;
  }
  if (!(a = proto_args_new ()))
    return -1;
  argv++;
  if (hf == 0)
    *host_file = *argv++;
  for (k = 0; k < nargs; k++) {
    char code = pi->args[k];
    char *key = NULL;
    int e;
    if (code == 'K' && !(key = read_key (cli_nth_name (pi->arg_names, k, name, sizeof name))))
      goto err;
    if (code == 'G' && !cli_valid_guid (*argv)) {
      gd_set_error ("%s: %s: parameter is not a valid GUID", pi->name,
                    cli_nth_name (pi->arg_names, k, name, sizeof name));
      goto err;
    }
    e = encode_one (a, code, key ? key : *argv);
    if (key) {
      memset (key, 0, strlen (key));
      free (key);
    }
    else
      argv++;
    if (e == -1) {
      arg_error (cmd, code, cli_nth_name (pi->arg_names, k, name, sizeof name));
      goto err;
    }
    if (hf > 0 && (size_t) hf == k + 1)
      *host_file = *argv++;
  }
  /* Words after the required ones are name:value optional arguments,
   * read after those in word order, as guestfish reads them: each
   * one's name, then its value, then whether it came before.
   */
  for (int w = 1 + (int) npos; w < argc; w++) {
    const char *colon = strchr (words[w], ':');
    struct proto_args *t;
    size_t j;
    int e;
    for (j = 0; colon && j < nopt; j++) {
      cli_nth_name (pi->optarg_names, j, name, sizeof name);
      if (strlen (name) == (size_t) (colon - words[w]) &&
          strncmp (name, words[w], (size_t) (colon - words[w])) == 0)
        break;
    }
    if (!colon || j == nopt) {
      gd_set_error ("%s: unknown optional argument \"%s\"", cmd, words[w]);
      cli_fish_mark (CLI_FISH_BARE);
      goto err;
    }
    if (!(t = proto_args_new ()))
      goto err;
    e = encode_one (t, pi->optargs[j], colon + 1);
    proto_args_free (t);
    if (e == -1) {
      /* guestfish names an optional argument by its C field. */
      char field[80];
      snprintf (field, sizeof field, "optargs_s.%s", name);
      arg_error (cmd, pi->optargs[j], field);
      goto err;
    }
    if (optmask & (UINT64_C (1) << j)) {
      gd_set_error ("%s: optional argument \"%s\" given more than once", cmd, name);
      cli_fish_mark (CLI_FISH_BARE);
      goto err;
    }
    optmask |= UINT64_C (1) << j;
    optval[j] = colon + 1;
  }
  for (k = 0; k < nopt; k++)
    if (encode_one (a, pi->optargs[k], optval[k]) == -1)
      goto err;

  *ap = a;
  *optmaskp = optmask;
  return 0;
 err:
  proto_args_free (a);
  return -1;
}
