/* libFuzzer target: the command line's and scripts' parser.  The input
 * is script text: each line (a "!" host-command line is skipped: it
 * would run) is split into words as guestfish does (quotes, escapes,
 * comments), and the words go through cli_run_words (":" separators,
 * the "-cmd" prefix) into the stub of cli_run_command below, which
 * encodes each daemon procedure's words by its signature (integers with
 * suffixes, booleans, string lists, name:value optional arguments)
 * exactly as guestdrv would before a call, and feeds every word to each
 * argument parser too.  Nothing is sent anywhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
parse_word (const char *w)
{
  int64_t I;
  int32_t i;
  bool b;
  char **l;

  cli_parse_int64 (w, &I);
  cli_parse_int (w, &i);
  cli_parse_bool (w, &b);
  if ((l = cli_parse_string_list (w)) != NULL) {
    for (size_t k = 0; l[k]; k++)
      if (!l[k][0] && 0)
        abort ();
    cli_free_words (l);
  }
}

/* What commands.c does with a command, up to the call. */
int
cli_run_command (struct cli *c, int argc, char **argv)
{
  const struct proto_proc_info *pi;
  struct proto_args *a = NULL;
  const char *host_file = NULL;
  uint64_t optmask = 0;
  char norm[64];
  size_t n;

  (void) c;
  if (argc < 1 || !argv[0] || argv[argc] != NULL)
    abort ();                   /* cli_run_words must end each argv */
  for (int i = 0; i < argc; i++)
    parse_word (argv[i]);
  n = strlen (argv[0]);
  if (n >= sizeof norm)
    return -1;
  for (size_t k = 0; k <= n; k++)
    norm[k] = argv[0][k] == '-' ? '_' : argv[0][k];
  pi = proto_proc_info_by_name (norm);
  /* A Key argument is read from standard input: not here. */
  if (!pi || strchr (pi->args, 'K'))
    return 0;
  if (cli_proc_encode (pi, argc, argv, &a, &optmask, &host_file) == 0) {
    if (strchr (pi->args, 'F') || strchr (pi->args, 'O')) {
      if (!host_file)
        abort ();               /* a transfer without its host file */
    }
    proto_args_free (a);
  }
  else if (a)
    abort ();                   /* an error must not hand out args */
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct cli c;
  char *text = malloc (size + 1), *line, *save = NULL;

  if (!text)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  memset (&c, 0, sizeof c);
  for (line = strtok_r (text, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char **words = NULL;
    int n;
    const char *p = line + strspn (line, " \t");
    if (*p == '!')
      continue;
    n = cli_split_line (p, &words);
    if (n > 0)
      cli_run_words (&c, words, n);
    if (n >= 0)
      cli_free_words (words);
    else if (words)
      abort ();
  }
  free (text);
  return 0;
}
