/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Look-ups in the generated procedure table (proc-table.c): by number
 * for the wire layer's logs and transfer kinds, by name for the CLI.
 */
#include <string.h>

#include "proc-info.h"

const struct proto_proc_info *
proto_proc_info (uint32_t proc)
{
  size_t lo = 0, hi = proto_nprocs;

  /* The table is sorted by number. */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (proto_procs[mid].proc == proc)
      return &proto_procs[mid];
    if (proto_procs[mid].proc < proc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const struct proto_proc_info *
proto_proc_info_by_name (const char *name)
{
  for (size_t i = 0; i < proto_nprocs; i++)
    if (strcmp (proto_procs[i].name, name) == 0)
      return &proto_procs[i];
  return NULL;
}

const char *
proto_proc_name (uint32_t proc)
{
  const struct proto_proc_info *pi = proto_proc_info (proc);

  return pi ? pi->name : NULL;
}

int
proto_proc_transfer (uint32_t proc)
{
  const struct proto_proc_info *pi = proto_proc_info (proc);

  return pi ? pi->transfer : PROTO_TRANSFER_NONE;
}

int
proto_proc_by_name (const char *name)
{
  const struct proto_proc_info *pi = proto_proc_info_by_name (name);

  return pi ? pi->proc : -1;
}
