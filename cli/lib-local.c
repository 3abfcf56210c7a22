/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfish's commands on its own process: setenv, unsetenv, lcd. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "../common/error.h"

int
lib_setenv (struct cli *c, int argc, char **argv)
{
  int r;

  (void) c; (void) argc;
  r = strcmp (argv[0], "setenv") == 0 ? setenv (argv[1], argv[2], 1) : unsetenv (argv[1]);
  if (r == -1) {
    gd_set_error_errno ("%s", argv[1]);
    return -1;
  }
  return 0;
}

int
lib_lcd (struct cli *c, int argc, char **argv)
{
  (void) c; (void) argc;
  if (chdir (argv[1]) == -1) {
    gd_set_error_errno ("%s", argv[1]);
    cli_fish_mark (CLI_FISH_BARE);     /* guestfish's own command */
    return -1;
  }
  return 0;
}
