/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands guestfish implements in libguestfs itself rather than in
 * guestfsd (lib-*.c): one table (lib-table.c) with a one-line
 * description each, helpers shared by the lib-*.c files, and the
 * commands deliberately left out, each with its reason.
 */
#ifndef GUESTDRV_CLI_LIB_H
#define GUESTDRV_CLI_LIB_H

#include <stdint.h>

#include "cli.h"

struct cli_libcmd {
  struct cli_builtin b;
  const char *desc;             /* one line, for "help NAME" */
};
extern const struct cli_libcmd cli_libcmds[];
extern const size_t cli_nlibcmds;

/* The library command NAME (dashes), or NULL. */
const struct cli_libcmd *cli_lib_find (const char *name);
/* Why guestdrv leaves command NAME out, or NULL if it does not. */
const char *cli_lib_absent (const char *name);

/* lib-util.c: call daemon procedure PROC with the words ARGV[1..]
 * parsed by its signature (reply in *REP, caller frees).  0 or -1.
 */
int lib_call (struct cli *c, uint32_t proc, int argc, char **argv,
              struct proto_reply *rep);
/* A reply body's int64 and string, through the one reader (cli.h). */
int lib_xdr_i64 (struct cli_xdr *x, int64_t *v);
int lib_xdr_string (struct cli_xdr *x, char **s);   /* malloc'd */
void lib_print_bool (bool b);
/* The whole of guest file PATH (download), NUL-terminated; free it. */
int lib_fetch (struct cli *c, const char *path, char **data, size_t *len);
/* The whole output of FileOut procedure PROC called with ARGS (freed
 * here; NULL: no arguments), NUL-terminated; free it.  0 or -1.
 */
int lib_fileout (struct cli *c, uint32_t proc, struct proto_args *args,
                 char **data, size_t *len);
/* Procedure PROC with the one string ARG (NULL: none), its string
 * (malloc'd) or int answer.  0 or -1, the error naming the call.
 */
int lib_call_string (struct cli *c, uint32_t proc, const char *arg, char **out);
int lib_call_int (struct cli *c, uint32_t proc, const char *arg, int32_t *out);
/* PATH's bytes if its size is at most MAX (filesize, then download),
 * as libguestfs's download to a temporary file.  0 or -1.
 */
int lib_download_max (struct cli *c, const char *path, uint64_t max,
                      char **data, size_t *len);
/* Print the error set now and go on: libguestfs's error handler
 * prints the errors of calls whose failure its caller then ignores.
 */
void lib_report (struct cli *c);
/* The wire struct NAME (protocol/structs.tsv), or NULL. */
const struct proto_struct_info *lib_struct (const char *name);

/* lib-inspect.c: guestfish -i (after the drives are added).  0 or -1
 * (message printed).
 */
int cli_inspect_mount (struct cli *c);

/* lib-handle.c: settings other files read. */
const char *lib_handle_tmpdir (void);

/* One handler per file area (used by lib-table.c). */
int lib_stat (struct cli *c, int argc, char **argv);
int lib_statlist (struct cli *c, int argc, char **argv);
int lib_lxattrlist (struct cli *c, int argc, char **argv);
int lib_readlinklist (struct cli *c, int argc, char **argv);
int lib_read_lines (struct cli *c, int argc, char **argv);

int lib_canonical_device_name (struct cli *c, int argc, char **argv);
int lib_device_index (struct cli *c, int argc, char **argv);
int lib_mountable (struct cli *c, int argc, char **argv);
int lib_feature_available (struct cli *c, int argc, char **argv);
int lib_supported (struct cli *c, int argc, char **argv);

int lib_disk_info (struct cli *c, int argc, char **argv);
int lib_disk_probe_format (const char *file, char *fmt, size_t len);
int lib_add_scratch (struct cli *c, int argc, char **argv);
int lib_add_cdrom (struct cli *c, int argc, char **argv);
int lib_add_with_if (struct cli *c, int argc, char **argv);
int lib_remove_drive (struct cli *c, int argc, char **argv);
int lib_debug_drives (struct cli *c, int argc, char **argv);
int lib_max_disks (struct cli *c, int argc, char **argv);
void lib_disk_cleanup (void);

int lib_prop_get (struct cli *c, int argc, char **argv);
int lib_prop_set (struct cli *c, int argc, char **argv);
int lib_backend_setting (struct cli *c, int argc, char **argv);
int lib_get_pid (struct cli *c, int argc, char **argv);
int lib_is_config (struct cli *c, int argc, char **argv);
int lib_shutdown (struct cli *c, int argc, char **argv);
int lib_config (struct cli *c, int argc, char **argv);
int lib_parse_environment (struct cli *c, int argc, char **argv);

int lib_setenv (struct cli *c, int argc, char **argv);
int lib_lcd (struct cli *c, int argc, char **argv);

int lib_tsk (struct cli *c, int argc, char **argv);
int lib_yara_scan (struct cli *c, int argc, char **argv);
int lib_journal_get (struct cli *c, int argc, char **argv);

int lib_list_applications (struct cli *c, int argc, char **argv);
int lib_inspect_get_osinfo (struct cli *c, int argc, char **argv);
int lib_inspect_get_icon (struct cli *c, int argc, char **argv);


#endif
