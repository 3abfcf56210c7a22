/* Run a host command with a deadline: the child gets its own process
 * group, stdout+stderr are captured (bounded), and on timeout the whole
 * group is killed and reaped.
 */
#ifndef GUESTDRV_RUN_H
#define GUESTDRV_RUN_H

#include <stddef.h>

/* Runs ARGV (argv[0] looked up in $PATH) with ENV_ADD ("NAME=value", NULL
 * terminated, may be NULL) added to the environment.  If OUTPUT is not
 * NULL it receives the captured output (malloc'd, NUL-terminated, at most
 * 1 MiB: the tail is kept).  Returns the exit status (0-255), or -1 with
 * the error set (could not start, killed by a signal, timed out).
 */
int gd_run (char *const argv[], char *const env_add[], int timeout_ms,
            char **output);

/* Join ARGV into one shell-quoted line (for -v and error messages). */
char *gd_argv_to_string (char *const argv[]);

#endif
