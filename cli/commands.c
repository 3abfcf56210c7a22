/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command dispatcher: a name is looked up first among the built-in
 * commands (builtins.c, what guestfish does in the library), then among
 * the daemon's procedures (the generated table, internal_* excluded),
 * with guestfish's spelling: dashes, or underscores, either way, or one
 * of the command's aliases (cmd-info.h).  Errors read as guestfish's:
 * what libguestfs reports after our "guestdrv: error: " (where guestfish
 * has "libguestfs: error: "), what guestfish's own front end reports
 * (its parser, unknown commands, wrong counts) bare, as it prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib.h"
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
  const struct cli_libcmd *l;
  char norm[64];

  normalise (name, norm, sizeof norm, '_', '-');
  for (size_t i = 0; i < cli_nbuiltins; i++)
    if (strcmp (cli_builtins[i].name, norm) == 0)
      return &cli_builtins[i];
  return (l = cli_lib_find (norm)) ? &l->b : NULL;
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
  /* A property's bare alias (memsize) shows as its setter (set-memsize). */
  bool alias = e->b && e->b->fn == lib_prop_set && strncmp (e->b->name, "set-", 4) != 0;

  if (e->b)
    fprintf (f, "%s%s%s%s", alias ? "set-" : "", e->b->name, *e->b->usage ? " " : "", e->b->usage);
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

static const char *
lib_desc (const char *name)
{
  const struct cli_libcmd *l = cli_lib_find (name);

  return l ? l->desc : "";
}

/* Every command, sorted by guestfish name, with its description, as
 * guestfish -h lists them; a built-in hides a procedure of the same name.
 */
void
cli_list_commands (FILE *f)
{
  struct entry *v = calloc (cli_nbuiltins + cli_nlibcmds + proto_nprocs, sizeof *v);
  char (*names)[64] = calloc (proto_nprocs, sizeof *names);
  size_t n = 0;

  if (!v || !names) {
    free (v);
    free (names);
    return;
  }
  for (size_t i = 0; i < cli_nbuiltins; i++)
    v[n++] = (struct entry) { cli_builtins[i].name, &cli_builtins[i], NULL };
  for (size_t i = 0; i < cli_nlibcmds; i++)
    v[n++] = (struct entry) { cli_libcmds[i].b.name, &cli_libcmds[i].b, NULL };
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
      fprintf (f, "%-20s %s\n", v[i].name, ci ? ci->desc : lib_desc (v[i].name));
  }
  free (v);
  free (names);
}

/* help NAME: guestfish's page layout, with our one-line description. */
int
cli_command_help (FILE *f, const char *name)
{
  const struct cli_cmd_info *ci = cli_cmd_by_name (name);
  const struct cli_libcmd *l;
  struct entry e;
  char line[1024], norm[64];
  const char *why;
  int n;

  /* An alias shows the page of the command it stands for. */
  if (ci)
    name = ci->name;
  e = (struct entry) { name, find_builtin (name), NULL };
  normalise (name, norm, sizeof norm, '_', '-');
  if (!e.b && !(e.pi = find_proc (name))) {
    /* Left out on purpose: say why. */
    if (!(why = cli_lib_absent (norm)))
      return -1;
    fprintf (f, "%s: not in guestdrv: %s\n", norm, why);
    return 0;
  }
  l = cli_lib_find (norm);
  n = snprintf (line, sizeof line, "%s - %s", name, ci ? ci->desc : l ? l->desc : "");
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
  struct entry e;

  /* guestfish shows an alias's usage under the command's own name. */
  name = canonical (name);
  e = (struct entry) { name, find_builtin (name), NULL };

  if (!e.b && !(e.pi = find_proc (name)))
    return -1;
  fputs ("usage: ", f);
  print_usage (f, &e);
  fputc ('\n', f);
  return 0;
}

/* guestfish's own commands check their word count themselves and say
 * how to call them in one line (its wording), not with the usage lines.
 */
static const char *
fish_usage (const char *name)
{
  static const char *const use[][2] = {
    { "alloc", "use 'alloc file size' to create an image" },
    { "allocate", "use 'alloc file size' to create an image" },
    { "copy-in", "use 'copy-in <local> [<local>...] <remotedir>' to copy files into the image" },
    { "copy-out", "use 'copy-out <remote> [<remote>...] <localdir>' to copy files out of the image" },
    { "glob", "use 'glob command [args...]'" },
    { "help", "use 'help', 'help <cmd>' or 'help -l|--list' to list all commands" },
    { "lcd", "use 'lcd directory' to change local directory" },
    { "setenv", "use 'setenv VAR value' to set an environment variable" },
    { "sparse", "use 'sparse file size' to create a sparse image" },
    { "time", "use 'time command [args...]'" },
    { "unsetenv", "use 'unsetenv VAR' to unset an environment variable" },
  };
  char norm[64];

  normalise (name, norm, sizeof norm, '_', '-');
  for (size_t i = 0; i < sizeof use / sizeof use[0]; i++)
    if (strcmp (use[i][0], norm) == 0)
      return use[i][1];
  return NULL;
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
    char norm[64];
    const char *why;
    normalise (argv[0], norm, sizeof norm, '_', '-');
    if ((why = cli_lib_absent (norm))) {
      fprintf (stderr, "%s: error: %s: not in guestdrv: %s\n", c->progname, argv[0], why);
      return -1;
    }
    fprintf (stderr, "%s: unknown command\n", argv[0]);
    /* guestfish's pointers, after a first command it does not know. */
    if (c->ncommands == 1)
      fprintf (stderr, "Did you mean to open a disk image?  %s -a disk.img\n"
               "For a list of commands:             %s -h\n"
               "For complete documentation:         man %s\n",
               c->progname, c->progname, c->progname);
    return -1;
  }
  gd_clear_error ();
  cli_fish_mark (CLI_FISH_NONE);
  if (b) {
    if (argc - 1 < b->min_args || (b->max_args >= 0 && argc - 1 > b->max_args))
      r = -2;
    else
      r = b->fn (c, argc, argv);
  }
  else
    r = cli_run_proc (c, pi, argc, argv);
  fflush (stdout);
  if (r == -2 && fish_usage (argv[0]))
    fprintf (stderr, "%s\n", fish_usage (argv[0]));
  else if (r == -2) {
    fprintf (stderr, "error: incorrect number of arguments\n");
    cli_command_usage (stderr, argv[0]);
    fprintf (stderr, "type 'help %s' for more help on %s\n", argv[0], argv[0]);
  }
  if (r == -2)
    return -1;
  /* The message names what failed as guestfish does: a daemon call by
   * its API name (cli_daemon_error), a host-side step by its own words;
   * guestfish's own parser and commands print theirs bare.
   */
  if (r == -1 && cli_fish_kind () == CLI_FISH_BARE)
    fprintf (stderr, "%s\n", gd_get_error_printable ());
  else if (r == -1 && cli_fish_kind () == CLI_FISH_PROG)
    fprintf (stderr, "%s: %s\n", c->progname, gd_get_error_printable ());
  else if (r == -1)
    fprintf (stderr, "%s: error: %s\n", c->progname, gd_get_error_printable ());
  return r == CLI_ERR_PRINTED ? -1 : r;
}
