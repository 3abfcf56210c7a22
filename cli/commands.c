/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command dispatcher: a name is looked up first among the built-in
 * commands (builtins.c, what guestfish does in the library), then among
 * the daemon's procedures (the generated table, internal_* excluded),
 * with guestfish's spelling: dashes, or underscores, either way.
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
find_builtin (const char *name)
{
  char norm[64];

  const struct cli_libcmd *l;

  normalise (name, norm, sizeof norm, '_', '-');
  for (size_t i = 0; i < cli_nbuiltins; i++)
    if (strcmp (cli_builtins[i].name, norm) == 0)
      return &cli_builtins[i];
  return (l = cli_lib_find (norm)) ? &l->b : NULL;
}

static const struct proto_proc_info *
find_proc (const char *name)
{
  const struct proto_proc_info *pi;
  char norm[64];

  if (strlen (name) >= sizeof norm)
    return NULL;
  normalise (name, norm, sizeof norm, '_', '-');
  name = cli_lib_alias (norm);
  normalise (name, norm, sizeof norm, '-', '_');
  pi = proto_proc_info_by_name (norm);
  return pi && !(pi->flags & PROTO_PROC_INTERNAL) ? pi : NULL;
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

/* Every command, sorted by guestfish name; a built-in hides a procedure
 * of the same name.
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
    if (!find_builtin (names[i]))
      v[n++] = (struct entry) { names[i], NULL, pi };
  }
  qsort (v, n, sizeof *v, cmp_entry);
  for (size_t i = 0; i < n; i++) {
    fputs ("  ", f);
    print_usage (f, &v[i]);
    fputc ('\n', f);
  }
  free (v);
  free (names);
}

int
cli_command_usage (FILE *f, const char *name)
{
  struct entry e = { name, find_builtin (name), NULL };

  char norm[64];
  const struct cli_libcmd *l;
  const char *why;

  normalise (name, norm, sizeof norm, '_', '-');
  if (!e.b && !(e.pi = find_proc (name))) {
    if (!(why = cli_lib_absent (norm)))
      return -1;
    fprintf (f, "%s: not in guestdrv: %s\n", norm, why);
    return 0;
  }
  fputs ("usage: ", f);
  print_usage (f, &e);
  fputc ('\n', f);
  if ((l = cli_lib_find (norm)))
    fprintf (f, "%s\n", l->desc);
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
    char norm[64];
    const char *why;
    normalise (argv[0], norm, sizeof norm, '_', '-');
    if ((why = cli_lib_absent (norm)))
      fprintf (stderr, "%s: error: %s: not in guestdrv: %s\n", c->progname, argv[0], why);
    else
      fprintf (stderr, "%s: error: %s: unknown command (try 'help')\n", c->progname, argv[0]);
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
    fprintf (stderr, "%s: error: %s: wrong number of arguments\n", c->progname, argv[0]);
    cli_command_usage (stderr, argv[0]);
    return -1;
  }
  /* A library command's error is worded as libguestfs words it: the
   * failing daemon call's name, or none for what runs on the host.
   */
  if (r == -1 && b && cli_lib_find (b->name))
    fprintf (stderr, "%s: error: %s\n", c->progname, gd_get_error_printable ());
  else if (r == -1)
    fprintf (stderr, "%s: error: %s: %s\n", c->progname, argv[0], gd_get_error_printable ());
  return r;
}
