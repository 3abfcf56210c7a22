/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line front end: parses options and guestfish-style scripts
 * and dispatches commands to the session.  Nothing else lives here.
 */
#ifndef GUESTDRV_CLI_H
#define GUESTDRV_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../protocol/proc-info.h"
#include "cmd-info.h"
#include "../session/session.h"

struct cli {
  struct session *s;
  bool echo;                  /* -x */
  bool quit;                  /* "exit" or "quit" ran */
  bool read_only;             /* --ro: every disk is added read-only */
  unsigned ncommands;         /* commands run from the script or line */
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
 * already printed).  A command's function returns 0, -1 (error set, to
 * be printed), -2 (wrong number of arguments) or CLI_ERR_PRINTED (it ran
 * another command, whose error is printed already).
 */
#define CLI_ERR_PRINTED (-3)
int cli_run_command (struct cli *c, int argc, char **argv);
void cli_list_commands (FILE *f);
/* Print "usage: NAME ARGS" for command NAME; -1 if there is none. */
int cli_command_usage (FILE *f, const char *name);
/* help NAME: its description and synopsis; -1 if there is none. */
int cli_command_help (FILE *f, const char *name);

/* builtins.c: the commands guestfish implements in the library. */
typedef int (*cli_builtin_fn) (struct cli *c, int argc, char **argv);
struct cli_builtin {
  const char *name;
  cli_builtin_fn fn;
  int min_args, max_args;       /* max -1: any number */
  const char *usage;            /* the arguments */
};
extern const struct cli_builtin cli_builtins[];
extern const size_t cli_nbuiltins;

/* cmdline.c: -a, --ro, -N and -m, applied after the options are read. */
int cli_cmdline_add_drive (const char *path, const char *format, const char *cache);
int cli_cmdline_add_mount (const char *spec);
int cli_cmdline_add_prepared (const char *spec);  /* -N */
int cli_cmdline_apply_drives (struct cli *c);
int cli_cmdline_apply_mounts (struct cli *c);   /* launches when there are mounts */
void cli_cmdline_free (void);

/* host-disks.c: sparse, alloc, disk-create. */
int cli_host_sparse (struct cli *c, int argc, char **argv);
int cli_host_disk_create (struct cli *c, int argc, char **argv);

/* copy.c: copy-in, copy-out (a local tar on a pipe). */
int cli_copy_in (struct cli *c, int argc, char **argv);
int cli_copy_out (struct cli *c, int argc, char **argv);

/* glob.c: glob CMD ARGS... */
int cli_glob (struct cli *c, int argc, char **argv);

/* proc-cmd.c: a daemon procedure as a command.  cli_call_proc parses
 * ARGV by the signature and calls (reply in *REP: the caller frees it);
 * it returns 0, -1 (error set) or -2 (wrong number of arguments).
 * cli_run_proc also prints the reply as guestfish does.
 */
int cli_ensure_launched (struct cli *c);
int cli_call_proc (struct cli *c, const struct proto_proc_info *pi,
                   int argc, char **argv, struct proto_reply *rep);
int cli_run_proc (struct cli *c, const struct proto_proc_info *pi,
                  int argc, char **argv);

/* A growable buffer that a FileOut transfer fills (session_call_fileout's
 * sink), NUL-terminated, bounded at 256 MiB (builtins.c).
 */
struct cli_membuf { char *buf; size_t len, cap; };
/* 0, or -1 with libguestfs's words when the appliance runs already
 * (builtins.c): CMD is the adding command's name.
 */
int cli_refuse_add_after_launch (struct cli *c, const char *cmd);
int cli_membuf_sink (void *opaque, const void *data, size_t n);
/* Run FileOut procedure PROC on guest PATH into M (NUL-terminated even
 * when empty; M->buf freed and NULL on failure).  0 or -1 (error set).
 */
int cli_fetch (struct cli *c, uint32_t proc, const char *path, struct cli_membuf *m);
/* The same with PROC's arguments ARGS (consumed; NULL: none). */
int cli_fetch_args (struct cli *c, uint32_t proc, struct proto_args *args,
                    struct cli_membuf *m);

void cli_proc_usage (FILE *f, const struct proto_proc_info *pi);
/* After a failed call: a daemon error becomes "api_name: message", as
 * libguestfs words it; other failures get the API name in front.
 */
void cli_daemon_error (const struct proto_proc_info *pi, const struct proto_reply *rep);

/* print.c */
/* A bounded reader of an XDR reply body: every length is checked against
 * what is left before it is used (the daemon's bytes are untrusted).
 * cli_xdr_bytes reads opaque bytes with a length word, or FIXED bytes
 * when FIXED >= 0; DATA points into the body.
 */
struct cli_xdr { const unsigned char *p; size_t left; };
int cli_xdr_u32 (struct cli_xdr *x, uint32_t *v);
int cli_xdr_u64 (struct cli_xdr *x, uint64_t *v);
int cli_xdr_bytes (struct cli_xdr *x, long fixed, const unsigned char **data,
                   size_t *len);
int cli_print_reply (const struct proto_proc_info *pi, const struct proto_reply *r);
/* Structs of type SI back to back up to the end of X (a FileOut's
 * bytes, as internal_filesystem_walk writes them), printed as a struct
 * list; nothing is printed unless all of X decodes.
 */
int cli_print_struct_stream (struct cli_xdr *x, const struct proto_struct_info *si);
/* A buffer field as guestfish prints it: \xNN for what is not printable. */
void cli_print_escaped (FILE *o, const unsigned char *d, size_t n);

/* proc-args.c: PI's words (ARGV[0] the command) encoded into *AP, the
 * optional arguments given in *OPTMASK, the FileIn/FileOut word in
 * *HOST_FILE.  0, -1 (error set), or -2: wrong number of words.
 */
int cli_proc_encode (const struct proto_proc_info *pi, int argc, char **argv,
                     struct proto_args **ap, uint64_t *optmask,
                     const char **host_file);
/* The Nth space-separated name in NAMES, into BUF. */
const char *cli_nth_name (const char *names, size_t n, char *buf, size_t len);
/* The host file's index among PI's words (the CLI table), or -1. */
int cli_host_file_pos (const struct proto_proc_info *pi);

/* parse.c: guestfish's argument syntax. */
int cli_parse_int64 (const char *s, int64_t *v);
/* The same without setting the error: 0, or gnulib xstrtoll's status
 * (CLI_XSTRTOL_INVALID: not a number), which guestfish's messages show.
 */
#define CLI_XSTRTOL_INVALID 4
int cli_parse_int64_status (const char *s, int64_t *v);
int cli_parse_int (const char *s, int32_t *v);
int cli_parse_bool (const char *s, bool *v);
char **cli_parse_string_list (const char *s);   /* free with cli_free_words */
bool cli_valid_guid (const char *s);            /* libguestfs's GUID check */
/* guestfish prints the errors of its own front end (its argument parser,
 * its own commands) without libguestfs's "libguestfs: error: ": the
 * current error message is marked as one, printed bare (CLI_FISH_BARE)
 * or after the program's name (CLI_FISH_PROG, "guestfish: ...").
 * cli_run_command prints a marked message so while it is unchanged.
 */
enum cli_fish_kind { CLI_FISH_NONE, CLI_FISH_BARE, CLI_FISH_PROG };
void cli_fish_mark (enum cli_fish_kind kind);
/* The kind of the current error message (CLI_FISH_NONE if unmarked). */
enum cli_fish_kind cli_fish_kind (void);

#endif
