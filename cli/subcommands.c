/* Subcommands whose layers are not in this build yet print so and fail. */
#include <stdio.h>

#include "cli.h"

int __attribute__((weak))
report_main (int argc, char **argv)
{
  (void) argc; (void) argv;
  fprintf (stderr, "guestdrv: report: not available in this build\n");
  return 1;
}
