/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command dispatcher: a name is looked up first among the built-in
 * commands (builtins.c, what guestfish does in the library), then among
 * the daemon's procedures (the generated table, internal_* excluded),
 * with guestfish's spelling: dashes, or underscores, either way, or one
 * of the command's aliases (cmd-info.h).  Errors read as guestfish's
 * after our own "guestdrv: error: " prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../common/error.h"

static void
normalise (const char *name, char *out, size_t len, char from, char to)
{
  size_t i;

  for (i = 0; name[i] && i + 1 < len; i++)
    out[i] = name[i] == from ? to : name[i];
  out[i] = '\0';
}

static const struct cli_builtin *
find_builtin_exact (const char *name)
{
  char norm[64];

  normalise (name, norm, sizeof norm, '_', '-');
  for (size_t i = 0; i < cli_nbuiltins; i++)
    if (strcmp (cli_builtins[i].name, norm) == 0)
      return &cli_builtins[i];
  return NULL;
}

static const struct proto_proc_info *
find_proc_exact (const char *name)
{
  const struct proto_proc_info *pi;
  char norm[64];

  if (strlen (name) >= sizeof norm)
    return NULL;
  normalise (name, norm, sizeof norm, '-', '_');
  pi = proto_proc_info_by_name (norm);
  return pi && !(pi->flags & PROTO_PROC_INTERNAL) ? pi : NULL;
}

/* NAME itself, or the command NAME is an alias of. */
static const char *
canonical (const char *name)
{
  const struct cli_cmd_info *ci = cli_cmd_by_name (name);

  return ci ? ci->name : name;
}

static const struct cli_builtin *
find_builtin (const char *name)
{
  const struct cli_builtin *b = find_builtin_exact (name);

  return b || find_proc_exact (name) ? b : find_builtin_exact (canonical (name));
}

static const struct proto_proc_info *
find_proc (const char *name)
{
  const struct proto_proc_info *pi = find_proc_exact (name);

  return pi || find_builtin_exact (name) ? pi : find_proc_exact (canonical (name));
}

struct entry { const char *name; const struct cli_builtin *b; const struct proto_proc_info *pi; };

static int
cmp_entry (const void *a, const void *b)
{
  return strcmp (((const struct entry *) a)->name, ((const struct entry *) b)->name);
}

static void
print_usage (FILE *f, const struct entry *e)
{
  if (e->b)
    fprintf (f, "%s%s%s", e->b->name, *e->b->usage ? " " : "", e->b->usage);
  else
    cli_proc_usage (f, e->pi);
}

static void
put_wrapped (FILE *f, const char *indent, const char *text)
{
  /* Word-wrapped to 76 columns, as guestfish's help pages are. */
  size_t col = 0;

  while (*text) {
    size_t n = strcspn (text, " ");
    if (col > 0 && col + 1 + n > 76) {
      fputc ('\n', f);
      col = 0;
    }
    if (col == 0)
      col = (size_t) fprintf (f, "%s", indent);
    else
      col += (size_t) fprintf (f, " ");
    col += fwrite (text, 1, n, f);
    text += n + (text[n] == ' ');
  }
  fputc ('\n', f);
}

/* Every command, sorted by guestfish name, with its description, as
 * guestfish -h lists them; a built-in hides a procedure of the same name.
 */
void
cli_list_commands (FILE *f)
{
  struct entry *v = calloc (cli_nbuiltins + proto_nprocs, sizeof *v);
  char (*names)[64] = calloc (proto_nprocs, sizeof *names);
  size_t n = 0;

  if (!v || !names) {
    free (v);
    free (names);
    return;
  }
  for (size_t i = 0; i < cli_nbuiltins; i++)
    v[n++] = (struct entry) { cli_builtins[i].name, &cli_builtins[i], NULL };
  for (size_t i = 0; i < proto_nprocs; i++) {
    const struct proto_proc_info *pi = &proto_procs[i];
    if (pi->flags & PROTO_PROC_INTERNAL)
      continue;
    normalise (pi->name, names[i], sizeof names[i], '_', '-');
    if (!find_builtin_exact (names[i]))
      v[n++] = (struct entry) { names[i], NULL, pi };
  }
  qsort (v, n, sizeof *v, cmp_entry);
  fprintf (f, "    %-20s %s\n", "Command", "Description");
  for (size_t i = 0; i < n; i++) {
    const struct cli_cmd_info *ci = cli_cmd_by_name (v[i].name);
    if (ci && strcmp (ci->name, v[i].name) != 0)
      fprintf (f, "%-20s alias for '%s'\n", v[i].name, ci->name);
    else
      fprintf (f, "%-20s %s\n", v[i].name, ci ? ci->desc : "");
  }
  free (v);
  free (names);
}

/* help NAME: guestfish's page layout, with our one-line description. */
int
cli_command_help (FILE *f, const char *name)
{
  const struct cli_cmd_info *ci = cli_cmd_by_name (name);
  struct entry e;
  char line[1024];
  int n;

  /* An alias shows the page of the command it stands for. */
  if (ci)
    name = ci->name;
  e = (struct entry) { name, find_builtin (name), NULL };
  if (!e.b && !(e.pi = find_proc (name)))
    return -1;
  n = snprintf (line, sizeof line, "%s - %s", name, ci ? ci->desc : "");
  fputs ("NAME\n", f);
  put_wrapped (f, "    ", n > 0 ? line : name);
  fputs ("\nSYNOPSIS\n     ", f);
  print_usage (f, &e);
  fputs ("\n\n", f);
  if (ci && (*ci->aliases || *ci->deprecated_by)) {
    fputs ("DESCRIPTION\n", f);
    if (*ci->aliases)
      fprintf (f, "    Aliases: %s.\n\n", ci->aliases);
    if (strcmp (ci->deprecated_by, "(none)") == 0)
      fputs ("    Deprecated, with no replacement.\n\n", f);
    else if (*ci->deprecated_by)
      fprintf (f, "    Deprecated: use '%s' instead.\n\n", ci->deprecated_by);
  }
  return 0;
}

int
cli_command_usage (FILE *f, const char *name)
{
  struct entry e = { name, find_builtin (name), NULL };

  if (!e.b && !(e.pi = find_proc (name)))
    return -1;
  fputs ("usage: ", f);
  print_usage (f, &e);
  fputc ('\n', f);
  return 0;
}

int
cli_run_command (struct cli *c, int argc, char **argv)
{
  const struct cli_builtin *b = find_builtin (argv[0]);
  const struct proto_proc_info *pi = b ? NULL : find_proc (argv[0]);
  int r;

  if (c->echo) {
    fprintf (stderr, "+");
    for (int i = 0; i < argc; i++)
      fprintf (stderr, " %s", argv[i]);
    fprintf (stderr, "\n");
  }
  if (!b && !pi) {
    fprintf (stderr, "%s: error: %s: unknown command\n", c->progname, argv[0]);
    return -1;
  }
  gd_clear_error ();
  if (b) {
    if (argc - 1 < b->min_args || (b->max_args >= 0 && argc - 1 > b->max_args))
      r = -2;
    else
      r = b->fn (c, argc, argv);
  }
  else
    r = cli_run_proc (c, pi, argc, argv);
  fflush (stdout);
  if (r == -2) {
    fprintf (stderr, "%s: error: incorrect number of arguments\n", c->progname);
    cli_command_usage (stderr, argv[0]);
    fprintf (stderr, "type 'help %s' for more help on %s\n", argv[0], argv[0]);
    return -1;
  }
  /* The message names what failed as guestfish does: a daemon call by
   * its API name (cli_daemon_error), a host-side step by its own words.
   */
  if (r == -1)
    fprintf (stderr, "%s: error: %s\n", c->progname, gd_get_error_printable ());
  return r == CLI_ERR_PRINTED ? -1 : r;
}
