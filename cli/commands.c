/* guestfish's commands, by guestfish's names and argument order, mapped
 * to guestfsd procedures.  A table row gives the wire signature:
 *   args:  s string (device, path, plain string), i int, I int64, b bool,
 *          L string list (one word, split on spaces, as guestfish does),
 *          B buffer (the word's bytes), F local file to send (FileIn),
 *          O local file to receive into, "-" = stdout (FileOut)
 *   optargs: "name:type,..." in bitmask order, given as name:value words
 * Commands the library implements itself (no procedure) have a handler.
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
#include "../trace/probe.h"

enum ret { R_ERR, R_INT, R_INT64, R_BOOL, R_STRING, R_STRINGLIST, R_HASH,
           R_BUFFER, R_STATVFS };

struct cmd;
typedef int (*handler_fn) (struct cli *c, const struct cmd *cmd, int argc, char **argv);

struct cmd {
  const char *name;
  int proc;                     /* -1: library-side (handler) */
  const char *args;
  const char *optargs;
  enum ret ret;
  handler_fn handler;
  const char *help;             /* argument synopsis */
};

static int h_run (struct cli *, const struct cmd *, int, char **);
static int h_add (struct cli *, const struct cmd *, int, char **);
static int h_version (struct cli *, const struct cmd *, int, char **);
static int h_cat (struct cli *, const struct cmd *, int, char **);
static int h_write (struct cli *, const struct cmd *, int, char **);
static int h_ls (struct cli *, const struct cmd *, int, char **);
static int h_help (struct cli *, const struct cmd *, int, char **);
static int h_list_devices (struct cli *, const struct cmd *, int, char **);
static int h_chanprobe (struct cli *, const struct cmd *, int, char **);
static int h_time (struct cli *, const struct cmd *, int, char **);

static const struct cmd commands[] = {
  { "run", -1, "", NULL, R_ERR, h_run, "" },
  { "launch", -1, "", NULL, R_ERR, h_run, "" },
  { "add", -1, "s", NULL, R_ERR, h_add, "filename [readonly:true] [format:raw|qcow2] [cachemode:MODE]" },
  { "add-drive", -1, "s", NULL, R_ERR, h_add, "filename [readonly:true] [format:raw|qcow2] [cachemode:MODE]" },
  { "add-ro", -1, "s", NULL, R_ERR, h_add, "filename [format:raw|qcow2] [cachemode:MODE]" },
  { "add-drive-ro", -1, "s", NULL, R_ERR, h_add, "filename [format:raw|qcow2] [cachemode:MODE]" },
  { "version", -1, "", NULL, R_ERR, h_version, "" },
  { "help", -1, "", NULL, R_ERR, h_help, "" },
  { "cat", 67, "s", NULL, R_ERR, h_cat, "path" },
  { "write", 246, "sB", NULL, R_ERR, h_write, "path content" },
  { "write-append", 290, "sB", NULL, R_ERR, h_write, "path content" },
  { "ls", 347, "s", NULL, R_ERR, h_ls, "directory" },
  { "list-devices", 7, "", NULL, R_STRINGLIST, h_list_devices, "" },
  { "list-partitions", 8, "", NULL, R_STRINGLIST, NULL, "" },
  { "mount", 1, "ss", NULL, R_ERR, NULL, "mountable mountpoint" },
  { "mount-options", 74, "sss", NULL, R_ERR, NULL, "options mountable mountpoint" },
  { "mount-vfs", 75, "ssss", NULL, R_ERR, NULL, "options vfstype mountable mountpoint" },
  { "umount", 45, "s", "force:b,lazyunmount:b", R_ERR, NULL, "pathordevice [force:true] [lazyunmount:true]" },
  { "unmount", 45, "s", "force:b,lazyunmount:b", R_ERR, NULL, "pathordevice" },
  { "umount-all", 47, "", NULL, R_ERR, NULL, "" },
  { "unmount-all", 47, "", NULL, R_ERR, NULL, "" },
  { "sync", 2, "", NULL, R_ERR, NULL, "" },
  { "touch", 3, "s", NULL, R_ERR, NULL, "path" },
  { "rm", 29, "s", NULL, R_ERR, NULL, "path" },
  { "rm-rf", 31, "s", NULL, R_ERR, NULL, "path" },
  { "mkdir", 32, "s", NULL, R_ERR, NULL, "path" },
  { "mkdir-p", 33, "s", NULL, R_ERR, NULL, "path" },
  { "exists", 36, "s", NULL, R_BOOL, NULL, "path" },
  { "ll", 5, "s", NULL, R_STRING, NULL, "directory" },
  { "statvfs", 54, "s", NULL, R_STATVFS, NULL, "path" },
  { "blockdev-getsize64", 63, "s", NULL, R_INT64, NULL, "device" },
  { "blockdev-flushbufs", 64, "s", NULL, R_ERR, NULL, "device" },
  { "upload", 66, "Fs", NULL, R_ERR, NULL, "filename remotefilename" },
  { "upload-offset", 273, "FsI", NULL, R_ERR, NULL, "filename remotefilename offset" },
  { "download", 67, "sO", NULL, R_ERR, NULL, "remotefilename filename" },
  { "download-offset", 274, "sOII", NULL, R_ERR, NULL, "remotefilename filename offset size" },
  { "checksum", 68, "ss", NULL, R_STRING, NULL, "csumtype path" },
  { "tar-in", 69, "Fs", "compress:s,xattrs:b,selinux:b,acls:b", R_ERR, NULL, "tarfile directory [compress:gzip|xz|bzip2] ..." },
  { "tar-in-opts", 69, "Fs", "compress:s,xattrs:b,selinux:b,acls:b", R_ERR, NULL, "tarfile directory [compress:...]" },
  { "tgz-in", 71, "Fs", NULL, R_ERR, NULL, "tarball directory" },
  { "debug", 76, "sL", NULL, R_STRING, NULL, "subcmd extraargs" },
  { "drop-caches", 90, "i", NULL, R_ERR, NULL, "whattodrop" },
  { "ping-daemon", 92, "", NULL, R_ERR, NULL, "" },
  { "mknod-c", 136, "iiis", NULL, R_ERR, NULL, "mode devmajor devminor path" },
  { "vfs-type", 198, "s", NULL, R_STRING, NULL, "mountable" },
  { "part-init", 208, "ss", NULL, R_ERR, NULL, "device parttype" },
  { "part-add", 209, "ssII", NULL, R_ERR, NULL, "device prlogex startsect endsect" },
  { "part-disk", 210, "ss", NULL, R_ERR, NULL, "device parttype" },
  { "fill", 215, "iis", NULL, R_ERR, NULL, "c len path" },
  { "fill-pattern", 245, "sis", NULL, R_ERR, NULL, "pattern len path" },
  { "dd", 217, "ss", NULL, R_ERR, NULL, "src dest" },
  { "filesize", 218, "s", NULL, R_INT64, NULL, "file" },
  { "pwrite-device", 275, "sBI", NULL, R_INT, NULL, "device content offset" },
  { "mkfs", 278, "ss", "blocksize:i,features:s,inode:i,sectorsize:i,label:s", R_ERR, NULL, "fstype device [blocksize:N] [features:..] [inode:N] [label:..]" },
  { "mkfs-opts", 278, "ss", "blocksize:i,features:s,inode:i,sectorsize:i,label:s", R_ERR, NULL, "fstype device [blocksize:N] ..." },
  { "copy-device-to-device", 294, "ss", "srcoffset:I,destoffset:I,size:I,sparse:b,append:b", R_ERR, NULL, "src dest [srcoffset:N] [destoffset:N] [size:N] [sparse:true] [append:true]" },
  { "copy-device-to-file", 295, "ss", "srcoffset:I,destoffset:I,size:I,sparse:b,append:b", R_ERR, NULL, "src dest [srcoffset:N] [destoffset:N] [size:N] [sparse:true] [append:true]" },
  { "zero-device", 228, "s", NULL, R_ERR, NULL, "device" },
  { "e2fsck", 304, "s", "correct:b,forceall:b", R_ERR, NULL, "device [correct:true] [forceall:true]" },
  { "available", 458, "s", NULL, R_INT, NULL, "group" },
  { "time", -1, "", NULL, R_ERR, h_time, "command args..." },
  { "upload-discard", -1, "s", NULL, R_ERR, h_chanprobe, "size (host->guest, no disk; K/M/G suffixes)" },
  { "download-zeroes", -1, "s", NULL, R_ERR, h_chanprobe, "size (guest->host, no disk; K/M/G suffixes)" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cmd *
find_command (const char *name)
{
  char norm[64];
  size_t i;

  /* guestfish accepts "part_disk" for "part-disk". */
  snprintf (norm, sizeof norm, "%s", name);
  for (i = 0; norm[i]; i++)
    if (norm[i] == '_')
      norm[i] = '-';
  for (i = 0; i < NCOMMANDS; i++)
    if (strcmp (commands[i].name, norm) == 0)
      return &commands[i];
  return NULL;
}

void
cli_list_commands (FILE *f)
{
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf (f, "  %-24s %s\n", commands[i].name, commands[i].help);
}

static int
parse_bool (const char *s, bool *v)
{
  if (!strcasecmp (s, "true") || !strcasecmp (s, "yes") || !strcasecmp (s, "on") || !strcmp (s, "1"))
    *v = true;
  else if (!strcasecmp (s, "false") || !strcasecmp (s, "no") || !strcasecmp (s, "off") || !strcmp (s, "0"))
    *v = false;
  else {
    gd_set_error ("'%s' is not a boolean (true or false)", s);
    return -1;
  }
  return 0;
}

static int
parse_int64 (const char *s, int64_t *v, int64_t min, int64_t max)
{
  char *end;
  long long x;

  errno = 0;
  x = strtoll (s, &end, 0);
  if (errno || end == s || *end || x < min || x > max) {
    gd_set_error ("'%s' is not a valid integer", s);
    return -1;
  }
  *v = x;
  return 0;
}

/* Count the positional (non-optarg) arguments the signature wants. */
static size_t
npositional (const struct cmd *cmd)
{
  return strlen (cmd->args);
}

static int
usage_error (struct cli *c, const struct cmd *cmd, int given)
{
  gd_set_error ("%s: wrong number of arguments (%d given, %zu expected): usage: %s %s",
                cmd->name, given, npositional (cmd), cmd->name, cmd->help);
  (void) c;
  return -1;
}

/* Split "a b c" into a string list. */
static char **
split_list (const char *s)
{
  char **v = NULL;
  size_t n = 0;
  char *copy = strdup (s), *save = NULL, *tok;

  if (!copy)
    return NULL;
  v = calloc (strlen (s) / 2 + 2, sizeof *v);
  if (!v) {
    free (copy);
    return NULL;
  }
  for (tok = strtok_r (copy, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    v[n++] = strdup (tok);
  free (copy);
  return v;
}

static void
print_reply (const struct cmd *cmd, const struct proto_reply *r)
{
  switch (cmd->ret) {
  case R_ERR:
    break;
  case R_INT: {
    int32_t v;
    if (proto_ret_int (r, &v) == 0)
      printf ("%" PRId32 "\n", v);
    break;
  }
  case R_INT64: {
    int64_t v;
    if (proto_ret_int64 (r, &v) == 0)
      printf ("%" PRId64 "\n", v);
    break;
  }
  case R_BOOL: {
    bool v;
    if (proto_ret_bool (r, &v) == 0)
      printf ("%s\n", v ? "true" : "false");
    break;
  }
  case R_STRING: {
    char *s;
    if (proto_ret_string (r, &s) == 0) {
      size_t n = strlen (s);
      printf ("%s%s", s, n && s[n - 1] == '\n' ? "" : "\n");
      free (s);
    }
    break;
  }
  case R_STRINGLIST:
  case R_HASH: {
    char **v;
    if (proto_ret_string_list (r, &v) == 0) {
      for (size_t i = 0; v[i]; i++) {
        if (cmd->ret == R_HASH && v[i + 1]) {
          printf ("%s: %s\n", v[i], v[i + 1]);
          i++;
        }
        else
          printf ("%s\n", v[i]);
      }
      cli_free_words (v);
    }
    break;
  }
  case R_BUFFER: {
    void *d;
    size_t n;
    if (proto_ret_buffer (r, &d, &n) == 0) {
      fwrite (d, 1, n, stdout);
      free (d);
    }
    break;
  }
  case R_STATVFS: {
    static const char *const f[] = { "bsize", "frsize", "blocks", "bfree",
      "bavail", "files", "ffree", "favail", "fsid", "flag", "namemax" };
    const unsigned char *p = r->body;
    if (r->body_len >= 88)
      for (int i = 0; i < 11; i++, p += 8) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++)
          v = (v << 8) | p[k];
        printf ("%s: %" PRId64 "\n", f[i], (int64_t) v);
      }
    break;
  }
  }
}

static int
ensure_launched (struct cli *c)
{
  if (session_is_launched (c->s))
    return 0;
  return session_launch (c->s);
}

struct file_src { int fd; };

static ssize_t
file_source (void *opaque, void *buf, size_t n)
{
  struct file_src *fs = opaque;
  ssize_t r;
  do
    r = read (fs->fd, buf, n);
  while (r == -1 && errno == EINTR);
  if (r == -1)
    gd_set_error_errno ("read");
  return r;
}

static int
file_sink (void *opaque, const void *buf, size_t n)
{
  int fd = *(int *) opaque;
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write (fd, p, n);
    if (w == -1) {
      if (errno == EINTR)
        continue;
      gd_set_error_errno ("write");
      return -1;
    }
    p += w;
    n -= w;
  }
  return 0;
}

/* Generic: encode the arguments by the signature, call, print. */
static int
run_generic (struct cli *c, const struct cmd *cmd, int argc, char **argv,
             struct proto_reply *rep_out)
{
  struct proto_args *a = NULL;
  struct proto_reply rep = { 0 };
  const char *local_in = NULL, *local_out = NULL;
  size_t npos = npositional (cmd), k = 0;
  uint64_t optmask = 0, hint = 0;
  int fd = -1, r = -1, nargs = argc - 1;
  char *optvals[16] = { 0 };
  char optname[16][32];
  char opttype[16];
  int nopt = 0;

  /* Optional arguments: name:value words after the positional ones. */
  if (cmd->optargs) {
    const char *p = cmd->optargs;
    while (*p && nopt < 16) {
      const char *colon = strchr (p, ':');
      snprintf (optname[nopt], sizeof optname[nopt], "%.*s", (int) (colon - p), p);
      opttype[nopt] = colon[1];
      nopt++;
      p = colon + 2;
      if (*p == ',')
        p++;
    }
  }
  while (nargs > (int) npos && cmd->optargs) {
    const char *w = argv[nargs];
    const char *colon = strchr (w, ':');
    int j;
    if (!colon)
      break;
    for (j = 0; j < nopt; j++)
      if (strlen (optname[j]) == (size_t) (colon - w) &&
          strncmp (optname[j], w, colon - w) == 0)
        break;
    if (j == nopt) {
      gd_set_error ("%s: unknown optional argument '%.*s'", cmd->name, (int) (colon - w), w);
      return -1;
    }
    optvals[j] = (char *) colon + 1;
    optmask |= 1ULL << j;
    nargs--;
  }
  if ((size_t) nargs != npos)
    return usage_error (c, cmd, nargs);

  if (!(a = proto_args_new ()))
    return -1;
  for (k = 0; k < npos; k++) {
    const char *v = argv[1 + k];
    int64_t n;
    bool b;
    int e = 0;
    switch (cmd->args[k]) {
    case 's': e = proto_args_string (a, v); break;
    case 'B': e = proto_args_buffer (a, v, strlen (v)); break;
    case 'i':
      e = parse_int64 (v, &n, INT32_MIN, INT32_MAX);
      if (!e) e = proto_args_int (a, (int32_t) n);
      break;
    case 'I':
      e = parse_int64 (v, &n, INT64_MIN, INT64_MAX);
      if (!e) e = proto_args_int64 (a, n);
      break;
    case 'b':
      e = parse_bool (v, &b);
      if (!e) e = proto_args_bool (a, b);
      break;
    case 'L': {
      char **l = split_list (v);
      e = l ? proto_args_string_list (a, l) : -1;
      cli_free_words (l);
      break;
    }
    case 'F': local_in = v; break;
    case 'O': local_out = v; break;
    }
    if (e) {
      gd_error_prefix ("%s", cmd->name);
      goto out;
    }
  }
  for (int j = 0; j < nopt; j++) {
    const char *v = optvals[j];
    int64_t n = 0;
    bool b = false;
    int e = 0;
    switch (opttype[j]) {
    case 's': e = proto_args_string (a, v ? v : ""); break;
    case 'i':
      if (v) e = parse_int64 (v, &n, INT32_MIN, INT32_MAX);
      if (!e) e = proto_args_int (a, (int32_t) n);
      break;
    case 'I':
      if (v) e = parse_int64 (v, &n, INT64_MIN, INT64_MAX);
      if (!e) e = proto_args_int64 (a, n);
      break;
    case 'b':
      if (v) e = parse_bool (v, &b);
      if (!e) e = proto_args_bool (a, b);
      break;
    }
    if (e) {
      gd_error_prefix ("%s: %s", cmd->name, optname[j]);
      goto out;
    }
  }

  if (local_in) {
    struct stat st;
    fd = strcmp (local_in, "-") == 0 ? dup (0) : open (local_in, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
      gd_set_error_errno ("%s: %s", cmd->name, local_in);
      goto out;
    }
    if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
      hint = st.st_size;
  }
  if (local_out) {
    fd = strcmp (local_out, "-") == 0 ? dup (1)
      : open (local_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
      gd_set_error_errno ("%s: %s", cmd->name, local_out);
      goto out;
    }
    fflush (stdout);
  }
  if (ensure_launched (c) == -1)
    goto out;

  if (local_in) {
    struct file_src fs = { fd };
    r = session_call_filein (c->s, cmd->proc, optmask, a, hint, file_source, &fs, &rep);
  }
  else if (local_out)
    r = session_call_fileout (c->s, cmd->proc, optmask, a, file_sink, &fd, &rep);
  else
    r = session_call (c->s, cmd->proc, optmask, a, &rep);
  if (r == 0) {
    if (rep_out) {
      *rep_out = rep;
      memset (&rep, 0, sizeof rep);
    }
    else
      print_reply (cmd, &rep);
  }
  else
    gd_error_prefix ("%s", cmd->name);
 out:
  if (fd >= 0 && close (fd) == -1 && r == 0 && local_out) {
    gd_set_error_errno ("%s: %s", cmd->name, local_out);
    r = -1;
  }
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
h_run (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  (void) argv;
  if (argc != 1)
    return usage_error (c, cmd, argc - 1);
  if (session_launch (c->s) == -1) {
    gd_error_prefix ("%s", cmd->name);
    return -1;
  }
  return 0;
}

static int
h_add (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  const char *format = "raw", *cache = "writeback";
  bool ro = strstr (cmd->name, "-ro") != NULL;

  if (argc < 2)
    return usage_error (c, cmd, argc - 1);
  for (int i = 2; i < argc; i++) {
    if (strncmp (argv[i], "format:", 7) == 0)
      format = argv[i] + 7;
    else if (strncmp (argv[i], "cachemode:", 10) == 0)
      cache = argv[i] + 10;
    else if (strncmp (argv[i], "readonly:", 9) == 0) {
      if (parse_bool (argv[i] + 9, &ro) == -1)
        return -1;
    }
    else {
      gd_set_error ("%s: unknown optional argument '%s'", cmd->name, argv[i]);
      return -1;
    }
  }
  if (strcmp (format, "raw") != 0 && strcmp (format, "qcow2") != 0) {
    gd_set_error ("%s: unknown format '%s' (raw or qcow2)", cmd->name, format);
    return -1;
  }
  return session_add_drive (c->s, argv[1], format, cache, ro);
}

static int
h_version (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  (void) c; (void) argv;
  if (argc != 1)
    return usage_error (c, cmd, argc - 1);
  /* guestfsd has no version call (PROTOCOL.md §13): this is ours. */
  printf ("guestdrv %s (guestfsd protocol 4, libguestfs 1.48 wire format)\n", GUESTDRV_VERSION);
  return 0;
}

static int
h_help (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  (void) c; (void) cmd; (void) argc; (void) argv;
  printf ("Commands:\n");
  cli_list_commands (stdout);
  return 0;
}

/* cat = download to stdout (the library does the same). */
static int
h_cat (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  static const struct cmd dl = { "cat", 67, "sO", NULL, R_ERR, NULL, "path" };
  char *v[] = { argv[0], argc > 1 ? argv[1] : NULL, (char *) "-", NULL };
  if (argc != 2)
    return usage_error (c, cmd, argc - 1);
  return run_generic (c, &dl, 3, v, NULL);
}

static int
h_write (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  if (argc != 3)
    return usage_error (c, cmd, argc - 1);
  if (strlen (argv[2]) > 2 * 1024 * 1024) {
    gd_set_error ("%s: content over 2 MiB: use upload", cmd->name);
    return -1;
  }
  return run_generic (c, cmd, argc, argv, NULL);
}

struct names { char *buf; size_t len, cap; };

static int
names_sink (void *opaque, const void *data, size_t n)
{
  struct names *nm = opaque;
  if (nm->len + n > 64 * 1024 * 1024) {
    gd_set_error ("ls: listing larger than 64 MiB");
    return -1;
  }
  if (nm->len + n > nm->cap) {
    size_t ncap = (nm->len + n) * 2;
    char *b = realloc (nm->buf, ncap);
    if (!b) {
      gd_set_error_errno ("realloc");
      return -1;
    }
    nm->buf = b;
    nm->cap = ncap;
  }
  memcpy (nm->buf + nm->len, data, n);
  nm->len += n;
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* ls = ls0 (FileOut of NUL-terminated names), sorted. */
static int
h_ls (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  struct proto_args *a;
  struct proto_reply rep = { 0 };
  struct names nm = { 0 };
  char **v = NULL;
  size_t n = 0;
  int r;

  if (argc != 2)
    return usage_error (c, cmd, argc - 1);
  if (ensure_launched (c) == -1 || !(a = proto_args_new ()))
    return -1;
  if (proto_args_string (a, argv[1]) == -1) {
    proto_args_free (a);
    return -1;
  }
  r = session_call_fileout (c->s, cmd->proc, 0, a, names_sink, &nm, &rep);
  proto_args_free (a);
  proto_reply_free (&rep);
  if (r == -1) {
    gd_error_prefix ("ls");
    free (nm.buf);
    return -1;
  }
  for (size_t i = 0; i < nm.len; i++)
    if (nm.buf[i] == '\0')
      n++;
  v = calloc (n + 1, sizeof *v);
  if (v) {
    size_t k = 0, start = 0;
    for (size_t i = 0; i < nm.len; i++)
      if (nm.buf[i] == '\0') {
        v[k++] = nm.buf + start;
        start = i + 1;
      }
    qsort (v, n, sizeof *v, cmp_str);
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", v[i]);
  }
  free (v);
  free (nm.buf);
  return 0;
}

/* list-devices, plus the host-side mapping under UML (sdX -> ubdX). */
static int
h_list_devices (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  char **v;
  int r = run_generic (c, cmd, argc, argv, &rep);

  if (r == -1)
    return -1;
  if (proto_ret_string_list (&rep, &v) == 0) {
    for (size_t i = 0; v[i]; i++) {
      const char *p = v[i];
      if (session_backend (c->s) == BACKEND_UML && strncmp (p, "/dev/ubd", 8) == 0)
        printf ("/dev/sd%s (%s)\n", p + 8, p);
      else
        printf ("%s\n", p);
    }
    cli_free_words (v);
  }
  proto_reply_free (&rep);
  return 0;
}

/* upload-discard SIZE, download-zeroes SIZE: channel throughput with no
 * disk underneath (trace/chanprobe.c).  MB/s are 10^6 bytes per second.
 */
static int
h_chanprobe (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  bool up = strcmp (cmd->name, "upload-discard") == 0;
  uint64_t size, ns = 0, mult = 1;
  char *end;
  int r;

  if (argc != 2)
    return usage_error (c, cmd, argc - 1);
  errno = 0;
  size = strtoull (argv[1], &end, 0);
  switch (*end) {
  case 'k': case 'K': mult = 1ULL << 10; end++; break;
  case 'm': case 'M': mult = 1ULL << 20; end++; break;
  case 'g': case 'G': mult = 1ULL << 30; end++; break;
  }
  if (errno || end == argv[1] || *end || argv[1][0] == '-' ||
      size > (UINT64_C (1) << 42) / mult) {
    gd_set_error ("%s: '%s' is not a size (bytes, or with K, M, G)", cmd->name, argv[1]);
    return -1;
  }
  size *= mult;
  if (ensure_launched (c) == -1)
    return -1;
  r = up ? trace_chanprobe_upload_discard (c->s, size, &ns)
         : trace_chanprobe_download_zeroes (c->s, size, &ns);
  if (r == -1) {
    gd_error_prefix ("%s", cmd->name);
    return -1;
  }
  printf ("%s: %" PRIu64 " bytes in %.3f s: %.1f MB/s\n", cmd->name, size,
          ns / 1e9, ns ? size / 1e6 / (ns / 1e9) : 0.0);
  return 0;
}

/* guestfish's time: run a command, then print how long it took. */
static int
h_time (struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
  uint64_t t0;
  int r;

  if (argc < 2)
    return usage_error (c, cmd, argc - 1);
  t0 = gd_now_ns ();
  r = cli_run_command (c, argc - 1, argv + 1);
  printf ("elapsed time: %.3f seconds\n", (gd_now_ns () - t0) / 1e9);
  if (r == -1)
    gd_set_error ("time: %s failed", argv[1]);   /* its error is printed */
  return r;
}

int
cli_run_command (struct cli *c, int argc, char **argv)
{
  const struct cmd *cmd = find_command (argv[0]);
  int r;

  if (c->echo) {
    fprintf (stderr, "+");
    for (int i = 0; i < argc; i++)
      fprintf (stderr, " %s", argv[i]);
    fprintf (stderr, "\n");
  }
  if (!cmd) {
    fprintf (stderr, "%s: error: %s: unknown command (try 'help')\n", c->progname, argv[0]);
    return -1;
  }
  if (strcmp (cmd->name, "quit") == 0)
    return 0;
  r = cmd->handler ? cmd->handler (c, cmd, argc, argv)
                   : run_generic (c, cmd, argc, argv, NULL);
  fflush (stdout);
  if (r == -1)
    fprintf (stderr, "%s: error: %s\n", c->progname, gd_get_error_printable ());
  return r;
}
