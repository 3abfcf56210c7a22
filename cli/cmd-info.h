/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How guestfish presents each command: the table generated from
 * cli/commands.tsv by protocol/gen-procs.py (cmd-table.c).  The wire
 * facts of a procedure are in protocol/proc-info.h; this adds what only
 * the shell knows: where the host file goes among the words of a
 * FileIn/FileOut procedure, the base guestfish prints an int in, the
 * aliases, the replacement of a deprecated command, and our one-line
 * description.  Host-side commands (proc 0) have rows too.
 */
#ifndef GUESTDRV_CMD_INFO_H
#define GUESTDRV_CMD_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_output { CLI_OUT_DEC, CLI_OUT_OCTAL, CLI_OUT_HEX };

struct cli_cmd_info {
  const char *name;             /* guestfish spelling (dashes) */
  uint16_t proc;                /* the daemon procedure, 0 for host-side */
  int8_t host_file;             /* index of the host file word, or -1 */
  const char *host_file_name;   /* its name in the usage line */
  uint8_t output;               /* enum cli_output, for an int reply */
  const char *aliases;          /* comma-separated, "" for none */
  const char *deprecated_by;    /* "" not deprecated, "(none)", or a name */
  const char *desc;             /* one line, ours */
};

extern const struct cli_cmd_info cli_cmds[];   /* sorted by name */
extern const size_t cli_ncmds;

/* The row of NAME or of a command NAME is an alias of (dashes or
 * underscores), or NULL.
 */
const struct cli_cmd_info *cli_cmd_by_name (const char *name);
/* The row of the command running procedure PROC, or NULL. */
const struct cli_cmd_info *cli_cmd_by_proc (uint32_t proc);

#endif
