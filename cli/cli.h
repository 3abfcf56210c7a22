/* The command-line front end: parses options and guestfish-style scripts
 * and dispatches commands to the session.  Nothing else lives here.
 */
#ifndef GUESTDRV_CLI_H
#define GUESTDRV_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../session/session.h"

struct cli {
  struct session *s;
  bool echo;                  /* -x */
  const char *progname;
};

/* script.c: split one guestfish line into words (quotes, escapes).
 * Returns the word count (0 for blank/comment) or -1 with the error set;
 * *words is a NULL-terminated malloc'd vector (free with cli_free_words).
 */
int cli_split_line (const char *line, char ***words);
void cli_free_words (char **words);
/* Run a script from F.  Returns 0 or -1 (stops at the first error). */
int cli_run_script (struct cli *c, FILE *f, const char *name);
/* Run the words after "--", split on ":" words.  0 or -1. */
int cli_run_words (struct cli *c, char **words, int n);

/* commands.c: run one command (argv[0] is the name).  0 or -1 (error
 * already printed).
 */
int cli_run_command (struct cli *c, int argc, char **argv);
void cli_list_commands (FILE *f);

/* Subcommands living in other layers. */
int bench_main (int argc, char **argv);
int report_main (int argc, char **argv);
int fsync_test_main (int argc, char **argv);

#endif
