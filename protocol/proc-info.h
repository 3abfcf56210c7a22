/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfsd's procedures and structs as data: the tables generated from
 * protocol/procs.tsv and protocol/structs.tsv by protocol/gen-procs.py
 * (proc-table.c), with the signature codes listed in that script.  Only
 * what is on the wire: how guestfish presents a procedure (where the
 * host file goes among its words, the base it prints an int in, ...) is
 * the CLI's table (cli/cmd-info.h).
 */
#ifndef GUESTDRV_PROC_INFO_H
#define GUESTDRV_PROC_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proc-numbers.h"

#define PROTO_PROC_INTERNAL   1u   /* not a guestfish command */

struct proto_proc_info {
  uint16_t proc;
  const char *name;            /* the daemon's name (underscores) */
  const char *args;            /* codes of the required args, XDR order */
  const char *arg_names;       /* space-separated, same order */
  const char *optargs;         /* codes, in bitmask order */
  const char *optarg_names;
  char ret;
  int16_t ret_struct;          /* index in proto_structs, or -1 */
  uint8_t transfer;            /* PROTO_TRANSFER_* */
  uint8_t flags;               /* PROTO_PROC_* */
  const char *optgroup;        /* "" when none */
};

struct proto_struct_info {
  const char *name;
  const char *fields;          /* codes */
  const char *field_names;     /* space-separated */
};

extern const struct proto_proc_info proto_procs[];   /* by number */
extern const size_t proto_nprocs;
extern const struct proto_struct_info proto_structs[];
extern const size_t proto_nstructs;

/* The procedure's row, or NULL. */
const struct proto_proc_info *proto_proc_info (uint32_t proc);
/* The row of the procedure called NAME (daemon spelling), or NULL. */
const struct proto_proc_info *proto_proc_info_by_name (const char *name);

#endif
