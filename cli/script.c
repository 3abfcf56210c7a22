/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfish-style scripts: one command per line, "#" comments, "!cmd"
 * runs on the host, double quotes with backslash escapes, single quotes
 * literal, a leading "-" means "ignore this command's error" (guestfish's
 * habit), and on the command line ":" separates commands.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

void
cli_free_words (char **words)
{
  if (!words)
    return;
  for (size_t i = 0; words[i]; i++)
    free (words[i]);
  free (words);
}

int
cli_split_line (const char *line, char ***wordsp)
{
  size_t n = 0, cap = 8;
  char **words = calloc (cap, sizeof *words);
  const char *p = line;

  if (!words) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (;;) {
    char *w;
    size_t wl = 0;

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      p++;
    if (*p == '\0' || (*p == '#' && n == 0))
      break;
    w = malloc (strlen (p) + 1);
    if (!w)
      goto oom;
    while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      if (*p == '"') {
        p++;
        while (*p && *p != '"') {
          if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': w[wl++] = '\n'; break;
            case 't': w[wl++] = '\t'; break;
            case 'r': w[wl++] = '\r'; break;
            case 'a': w[wl++] = '\a'; break;
            case '0': w[wl++] = '\0'; break;
            default: w[wl++] = *p;
            }
            p++;
          }
          else
            w[wl++] = *p++;
        }
        if (*p != '"') {
          free (w);
          gd_set_error ("unterminated double quote");
          goto err;
        }
        p++;
      }
      else if (*p == '\'') {
        p++;
        while (*p && *p != '\'')
          w[wl++] = *p++;
        if (*p != '\'') {
          free (w);
          gd_set_error ("unterminated single quote");
          goto err;
        }
        p++;
      }
      else
        w[wl++] = *p++;
    }
    w[wl] = '\0';
    if (n + 2 > cap) {
      char **nw = realloc (words, (cap *= 2) * sizeof *nw);
      if (!nw) {
        free (w);
        goto oom;
      }
      words = nw;
    }
    words[n++] = w;
    words[n] = NULL;
  }
  *wordsp = words;
  return (int) n;
 oom:
  gd_set_error_errno ("malloc");
 err:
  cli_free_words (words);
  return -1;
}

/* "-cmd": run cmd, print its error but carry on. */
static int
run_one (struct cli *c, int argc, char **argv)
{
  c->ncommands++;
  if (argv[0][0] == '-' && argv[0][1]) {
    char *saved = argv[0];
    int r;
    argv[0] = saved + 1;
    r = cli_run_command (c, argc, argv);
    argv[0] = saved;
    (void) r;
    return 0;
  }
  return cli_run_command (c, argc, argv);
}

int
cli_run_script (struct cli *c, FILE *f, const char *name)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned lineno = 0;
  int r = 0;

  while ((len = getline (&line, &cap, f)) != -1) {
    char **words = NULL;
    const char *p = line;
    int n;

    lineno++;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '!') {
      int st;
      if (c->echo)
        fprintf (stderr, "+ %s", p);
      fflush (stdout);
      st = system (p + 1);
      if (st != 0) {
        fprintf (stderr, "%s: %s:%u: host command failed (status %d)\n",
                 c->progname, name, lineno, st);
        r = -1;
        break;
      }
      continue;
    }
    n = cli_split_line (p, &words);
    if (n == -1) {
      fprintf (stderr, "%s: %s:%u: %s\n", c->progname, name, lineno, gd_get_error ());
      r = -1;
      break;
    }
    if (n > 0 && run_one (c, n, words) == -1) {
      cli_free_words (words);
      r = -1;
      break;
    }
    cli_free_words (words);
    if (c->quit)
      break;
  }
  free (line);
  return r;
}

int
cli_run_words (struct cli *c, char **words, int n)
{
  int start = 0;

  for (int i = 0; i <= n; i++) {
    if (i == n || strcmp (words[i], ":") == 0) {
      if (i > start) {
        char *saved = words[i < n ? i : start];
        char **argv = words + start;
        int r;
        /* Terminate this command's argv in place. */
        if (i < n)
          words[i] = NULL;
        r = run_one (c, i - start, argv);
        if (i < n)
          words[i] = saved;
        if (r == -1)
          return -1;
        if (c->quit)
          return 0;
      }
      start = i + 1;
    }
  }
  return 0;
}
