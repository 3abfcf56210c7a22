/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands guestfish implements in the library rather than the
 * daemon: launching and adding disks, host-side disk creation, cat, ls,
 * find, read-file and write (built on daemon transfers), echo, time,
 * help, exit; and guestdrv's own channel probes.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../common/clock.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../instrument/chanprobe.h"

static int
b_run (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  /* libguestfs's words: launch is a config-state call. */
  if (session_is_launched (c->s)) {
    gd_set_error ("launch: this function can only be called in the config state");
    return -1;
  }
  return session_launch (c->s);
}

/* Adding a disk after launch, worded as libguestfs 1.48 words it:
 * add_drive_ro is a config-state call; add_drive_opts (add, add-drive,
 * alloc, sparse) tells of the hotplugging it no longer has.
 */
int
cli_refuse_add_after_launch (struct cli *c, const char *cmd)
{
  if (!session_is_launched (c->s))
    return 0;
  if (strstr (cmd, "-ro"))
    gd_set_error ("add_drive_ro: this function can only be called in the config state");
  else
    gd_set_error ("hotplugging support was removed in libguestfs 1.48");
  return -1;
}

/* add-drive's other optional arguments (guestfish takes all thirteen):
 * iface and name only place or name the disk for the guest, and
 * guestdrv chooses the interface and names disks by their order, so they
 * are accepted and have no effect, as with add-drive-with-if; a local
 * file is protocol:file.  What would change the disk (network
 * protocols, labels, block size, discard, copy-on-read) is refused
 * rather than ignored, after the checks libguestfs makes (*refused).
 * Anything else is guestfish's unknown argument.
 */
static int
add_optarg_other (const char *cmd, const char *word, const char **refused)
{
  static const char *const keys[] = {
    "protocol:", "server:", "username:", "secret:", "label:", "discard:",
    "copyonread:", "blocksize:",
  };

  if (strncmp (word, "iface:", 6) == 0 || strncmp (word, "name:", 5) == 0 ||
      strcmp (word, "protocol:file") == 0)
    return 0;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strncmp (word, keys[i], strlen (keys[i])) == 0) {
      if (!*refused)
        *refused = word;
      return 0;
    }
  gd_set_error ("%s: unknown optional argument \"%s\"", cmd, word);
  cli_fish_mark (CLI_FISH_BARE);
  return -1;
}

static int
b_add (struct cli *c, int argc, char **argv)
{
  const char *format = "raw", *cache = "writeback", *refused = NULL;
  bool ro = strstr (argv[0], "-ro") != NULL;

  /* add_drive_ro is config-only: its state is checked before anything. */
  if (ro && cli_refuse_add_after_launch (c, argv[0]) == -1)
    return -1;
  for (int i = 2; i < argc; i++) {
    size_t key = strcspn (argv[i], ":");
    if (strncmp (argv[i], "format:", 7) == 0)
      format = argv[i] + 7;
    else if (strncmp (argv[i], "cachemode:", 10) == 0)
      cache = argv[i] + 10;
    else if (strncmp (argv[i], "readonly:", 9) == 0) {
      if (cli_parse_bool (argv[i] + 9, &ro) == -1)
        return -1;
    }
    else if (add_optarg_other (argv[0], argv[i], &refused) == -1)
      return -1;
    /* A name given twice: guestfish's words. */
    for (int j = 2; j < i; j++)
      if (strncmp (argv[j], argv[i], key + 1) == 0) {
        gd_set_error ("%s: optional argument \"%.*s\" given more than once",
                      argv[0], (int) key, argv[i]);
        cli_fish_mark (CLI_FISH_BARE);
        return -1;
      }
  }
  /* libguestfs checks that the file is there when it is added. */
  if (access (argv[1], F_OK) == -1) {
    gd_set_error_errno ("%s", argv[1]);
    return -1;
  }
  if (strcmp (format, "raw") != 0 && strcmp (format, "qcow2") != 0) {
    gd_set_error ("unknown format '%s' (raw or qcow2)", format);
    return -1;
  }
  /* add_drive_opts checks its arguments and the file before the state. */
  if (cli_refuse_add_after_launch (c, argv[0]) == -1)
    return -1;
  if (refused) {
    gd_set_error ("%s: %s: not supported by guestdrv (local raw or qcow2 files only)",
                  argv[0], refused);
    return -1;
  }
  return session_add_drive (c->s, argv[1], format, cache, ro || c->read_only);
}

static int
b_version (struct cli *c, int argc, char **argv)
{
  (void) c; (void) argc; (void) argv;
  /* guestfsd has no version call (PROTOCOL.md §13): libguestfs answers
   * with its own version, as a struct.  guestdrv speaks the API and the
   * protocol of libguestfs 1.48.6 (the daemon it drives), so it prints
   * that, in guestfish's form; guestdrv's own version is --version.
   */
  printf ("major: 1\nminor: 48\nrelease: 6\nextra: \n");
  return 0;
}

static int
b_help (struct cli *c, int argc, char **argv)
{
  (void) c;
  /* "help -l" and "help --list" list the commands, as plain "help". */
  if (argc == 2 && strcmp (argv[1], "-l") != 0 && strcmp (argv[1], "--list") != 0) {
    if (cli_command_help (stdout, argv[1]) == -1) {
      gd_set_error ("%s: command not known: use -h to list all commands", argv[1]);
      cli_fish_mark (CLI_FISH_BARE);
      return -1;
    }
    return 0;
  }
  cli_list_commands (stdout);
  return 0;
}

static int
b_echo (struct cli *c, int argc, char **argv)
{
  (void) c;
  for (int i = 1; i < argc; i++)
    printf ("%s%s", i > 1 ? " " : "", argv[i]);
  putchar ('\n');
  return 0;
}

static int
b_quit (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  c->quit = true;
  return 0;
}

/* guestfish's time: run a command, then print how long it took. */
static int
b_time (struct cli *c, int argc, char **argv)
{
  uint64_t t0 = gd_now_ns ();
  int r = cli_run_command (c, argc - 1, argv + 1);

  /* guestfish prints the time of a command that succeeded only. */
  if (r == -1)
    return CLI_ERR_PRINTED;
  printf ("elapsed time: %.2f seconds\n", (gd_now_ns () - t0) / 1e9);
  return r;
}

/* A growable buffer filled by a FileOut transfer, bounded (cli.h). */
#define MEMBUF_MAX (256u * 1024 * 1024)

int
cli_membuf_sink (void *opaque, const void *data, size_t n)
{
  struct cli_membuf *m = opaque;

  if (m->len + n + 1 > MEMBUF_MAX) {
    gd_set_error ("more than %u MiB: use download", MEMBUF_MAX >> 20);
    return -1;
  }
  if (m->len + n + 1 > m->cap) {
    size_t ncap = (m->len + n + 1) * 2;
    char *b = realloc (m->buf, ncap);
    if (!b) {
      gd_set_error_errno ("realloc");
      return -1;
    }
    m->buf = b;
    m->cap = ncap;
  }
  memcpy (m->buf + m->len, data, n);
  m->len += n;
  m->buf[m->len] = '\0';
  return 0;
}

/* The one download-into-memory sequence (cat, read-file, ls, find and
 * the library commands' FileOut calls): PROC called with ARGS (consumed;
 * NULL for none), its output into M, bounded by cli_membuf_sink and
 * NUL-terminated.  A failure is worded as libguestfs words it, by the
 * call's name (cli_daemon_error).
 */
int
cli_fetch_args (struct cli *c, uint32_t proc, struct proto_args *args,
                struct cli_membuf *m)
{
  struct proto_reply rep = { 0 };
  int r = -1;

  if (!args && !(args = proto_args_new ()))
    return -1;
  if (cli_ensure_launched (c) == 0 &&
      (r = session_call_fileout (c->s, proc, 0, args, cli_membuf_sink, m, &rep)) != 0)
    cli_daemon_error (proto_proc_info (proc), &rep);
  proto_args_free (args);
  proto_reply_free (&rep);
  if (r != 0) {
    free (m->buf);
    m->buf = NULL;
    return -1;
  }
  if (!m->buf && cli_membuf_sink (m, "", 0) == -1)
    return -1;
  return 0;
}

/* PROC of the one string argument PATH (download, ls0, find0). */
int
cli_fetch (struct cli *c, uint32_t proc, const char *path, struct cli_membuf *m)
{
  struct proto_args *a = proto_args_new ();

  if (!a)
    return -1;
  if (proto_args_string (a, path) == -1) {
    proto_args_free (a);
    return -1;
  }
  return cli_fetch_args (c, proc, a, m);
}

/* cat: the file as a string (up to a NUL), then a newline; read-file:
 * its bytes as they are.
 */
static int
b_cat (struct cli *c, int argc, char **argv)
{
  struct cli_membuf m = { 0 };

  (void) argc;
  if (cli_fetch (c, PROC_DOWNLOAD, argv[1], &m) == -1)
    return -1;
  if (strcmp (argv[0], "cat") == 0)
    printf ("%s\n", m.buf);
  else
    fwrite (m.buf, 1, m.len, stdout);
  free (m.buf);
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* ls and find: NUL-separated names from ls0/find0, sorted. */
static int
b_names (struct cli *c, int argc, char **argv)
{
  struct cli_membuf m = { 0 };
  size_t n = 0, k = 0, start = 0;
  char **v;

  (void) argc;
  if (cli_fetch (c, strcmp (argv[0], "ls") == 0 ? PROC_LS0 : PROC_FIND0, argv[1], &m) == -1)
    return -1;
  for (size_t i = 0; i < m.len; i++)
    n += m.buf[i] == '\0';
  if (!(v = calloc (n + 1, sizeof *v))) {
    free (m.buf);
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (size_t i = 0; i < m.len; i++)
    if (m.buf[i] == '\0') {
      v[k++] = m.buf + start;
      start = i + 1;
    }
  qsort (v, n, sizeof *v, cmp_str);
  for (size_t i = 0; i < n; i++)
    printf ("%s\n", v[i]);
  free (v);
  free (m.buf);
  return 0;
}

static int
b_write (struct cli *c, int argc, char **argv)
{
  const struct proto_proc_info *pi =
    proto_proc_info (strcmp (argv[0], "write") == 0 ? PROC_INTERNAL_WRITE
                                                    : PROC_INTERNAL_WRITE_APPEND);
  struct proto_reply rep = { 0 };
  int r;

  if (strlen (argv[2]) > 2 * 1024 * 1024) {
    gd_set_error ("content over 2 MiB: use upload");
    return -1;
  }
  r = cli_call_proc (c, pi, argc, argv, &rep);
  proto_reply_free (&rep);
  return r;
}

/* available "GROUPS": guestfish checks each group with the daemon's
 * internal_feature_available (0 available, 1 not, 2 unknown group).
 */
static int
b_available (struct cli *c, int argc, char **argv)
{
  const struct proto_proc_info *pi = proto_proc_info (PROC_INTERNAL_FEATURE_AVAILABLE);
  char **groups = cli_parse_string_list (argv[1]);
  int r = groups ? 0 : -1;

  (void) argc;
  for (size_t i = 0; r == 0 && groups[i]; i++) {
    struct proto_reply rep = { 0 };
    char *v[] = { argv[0], groups[i], NULL };
    int32_t res;
    r = cli_call_proc (c, pi, 2, v, &rep);
    if (r == 0 && (r = proto_ret_int (&rep, &res)) == 0 && res != 0) {
      gd_set_error (res == 1 ? "%s: group not available" : "%s: unknown group", groups[i]);
      r = -1;
    }
    proto_reply_free (&rep);
  }
  cli_free_words (groups);
  return r;
}

/* list-devices, plus the host-side mapping of a backend whose disks the
 * guest names /dev/ubdX (UML's ubd): shown as /dev/sdX (/dev/ubdX).
 */
static int
b_list_devices (struct cli *c, int argc, char **argv)
{
  const struct proto_proc_info *pi = proto_proc_info (PROC_LIST_DEVICES);
  struct proto_reply rep = { 0 };
  char **v = NULL;
  bool ubd = false;
  int r = cli_call_proc (c, pi, argc, argv, &rep);

  if (r == 0 && (r = proto_ret_string_list (&rep, &v)) == 0)
    for (size_t i = 0; v[i]; i++)
      ubd |= strncmp (v[i], "/dev/ubd", 8) == 0;
  if (r == 0 && !ubd)
    r = cli_print_reply (pi, &rep);
  else if (r == 0) {
    for (size_t i = 0; v[i]; i++) {
      if (strncmp (v[i], "/dev/ubd", 8) == 0)
        printf ("/dev/sd%s (%s)\n", v[i] + 8, v[i]);
      else
        printf ("%s\n", v[i]);
    }
  }
  if (v)
    cli_free_words (v);
  proto_reply_free (&rep);
  return r;
}

/* upload-discard SIZE, download-zeroes SIZE: channel throughput with no
 * disk underneath (instrument/chanprobe.c).  MB/s are 10^6 bytes per second.
 */
static int
b_chanprobe (struct cli *c, int argc, char **argv)
{
  bool up = strcmp (argv[0], "upload-discard") == 0;
  uint64_t ns = 0;
  int64_t size;
  int r;

  (void) argc;
  if (cli_parse_int64 (argv[1], &size) == -1 || size < 0 ||
      size > (INT64_C (1) << 42)) {
    gd_set_error ("'%s' is not a size (bytes, or with K, M, G)", argv[1]);
    return -1;
  }
  if (cli_ensure_launched (c) == -1)
    return -1;
  r = up ? chanprobe_upload_discard (c->s, (uint64_t) size, &ns)
         : chanprobe_download_zeroes (c->s, (uint64_t) size, &ns);
  if (r == -1)
    return -1;
  printf ("%s: %" PRId64 " bytes in %.3f s: %.1f MB/s\n", argv[0], size,
          ns / 1e9, ns ? size / 1e6 / (ns / 1e9) : 0.0);
  return 0;
}

const struct cli_builtin cli_builtins[] = {
  /* guestfish's usage lines: add-drive's thirteen optional arguments
   * (b_add says which guestdrv uses), add-drive-ro's one argument.
   */
  { "add", b_add, 1, 14, "filename [readonly:true|false] [format:..] [iface:..] [name:..] [label:..] [protocol:..] [server:..] [username:..] [secret:..] [cachemode:..] [discard:..] [copyonread:true|false] [blocksize:N]" },
  { "add-drive", b_add, 1, 14, "filename [readonly:true|false] [format:..] [iface:..] [name:..] [label:..] [protocol:..] [server:..] [username:..] [secret:..] [cachemode:..] [discard:..] [copyonread:true|false] [blocksize:N]" },
  { "add-drive-ro", b_add, 1, 1, "filename" },
  { "add-ro", b_add, 1, 1, "filename" },
  { "alloc", cli_host_sparse, 2, 2, "filename size" },
  { "allocate", cli_host_sparse, 2, 2, "filename size" },
  { "available", b_available, 1, 1, "groups" },
  { "cat", b_cat, 1, 1, "path" },
  { "copy-in", cli_copy_in, 2, -1, "localpath [localpath...] remotedir" },
  { "copy-out", cli_copy_out, 2, -1, "remotepath [remotepath...] localdir" },
  { "disk-create", cli_host_disk_create, 3, 8, "filename format size [backingfile:..] [backingformat:..] [preallocation:..] [compat:..] [clustersize:N]" },
  { "download-zeroes", b_chanprobe, 1, 1, "size (guest->host, no disk; guestdrv's own)" },
  { "echo", b_echo, 0, -1, "[words...]" },
  /* guestfish ends at quit or exit whatever words follow. */
  { "exit", b_quit, 0, -1, "" },
  { "find", b_names, 1, 1, "directory" },
  { "glob", cli_glob, 1, -1, "command [args...]" },
  { "help", b_help, 0, 1, "[command]" },
  { "launch", b_run, 0, 0, "" },
  { "list-devices", b_list_devices, 0, 0, "" },
  { "ls", b_names, 1, 1, "directory" },
  { "quit", b_quit, 0, -1, "" },
  { "read-file", b_cat, 1, 1, "path" },
  { "run", b_run, 0, 0, "" },
  { "sparse", cli_host_sparse, 2, 2, "filename size" },
  { "time", b_time, 1, -1, "command [args...]" },
  { "upload-discard", b_chanprobe, 1, 1, "size (host->guest, no disk; guestdrv's own)" },
  { "version", b_version, 0, 0, "" },
  { "write", b_write, 2, 2, "path content" },
  { "write-append", b_write, 2, 2, "path content" },
};
const size_t cli_nbuiltins = sizeof cli_builtins / sizeof cli_builtins[0];
