/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Look-ups in the generated command table (cmd-table.c). */
#include <string.h>

#include "cmd-info.h"

/* Whether NAME, read with '_' as '-', equals WANT (LEN bytes). */
static int
same_name (const char *name, const char *want, size_t len)
{
  size_t i;

  for (i = 0; i < len && name[i]; i++)
    if ((name[i] == '_' ? '-' : name[i]) != want[i])
      return 0;
  return i == len && name[i] == '\0';
}

static int
has_alias (const char *aliases, const char *name)
{
  while (*aliases) {
    size_t n = strcspn (aliases, ",");
    if (same_name (name, aliases, n))
      return 1;
    aliases += n + (aliases[n] == ',');
  }
  return 0;
}

const struct cli_cmd_info *
cli_cmd_by_name (const char *name)
{
  for (size_t i = 0; i < cli_ncmds; i++)
    if (same_name (name, cli_cmds[i].name, strlen (cli_cmds[i].name)))
      return &cli_cmds[i];
  for (size_t i = 0; i < cli_ncmds; i++)
    if (has_alias (cli_cmds[i].aliases, name))
      return &cli_cmds[i];
  return NULL;
}

const struct cli_cmd_info *
cli_cmd_by_proc (uint32_t proc)
{
  if (proc == 0)
    return NULL;
  for (size_t i = 0; i < cli_ncmds; i++)
    if (cli_cmds[i].proc == proc)
      return &cli_cmds[i];
  return NULL;
}
