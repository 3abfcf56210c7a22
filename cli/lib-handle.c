/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The handle's properties (get-X, set-X and the bare alias X), kept as
 * guestdrv's own settings: memsize, smp, append and backend change the
 * next launch; verbose is -v; hv sets the qemu binary ($GUESTDRV_QEMU);
 * cachedir the appliance cache ($GUESTDRV_CACHE).  The rest (autosync,
 * trace, selinux, pgroup, ...) are remembered and printed back, as
 * libguestfs does for those it only passes on.  Also the handle's state
 * (is-config, get-pid), shutdown, config and parse-environment.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib.h"
#include "../appliance/appliance.h"
#include "../common/debug.h"
#include "../common/error.h"

enum prop_kind { P_BOOL, P_INT, P_STR };

struct prop {
  const char *name;
  enum prop_kind kind;
  bool b;                       /* P_BOOL */
  char *s;                      /* P_STR, set by set-X (NULL: default) */
  bool set;
};

static struct prop props[] = {
  { .name = "append", .kind = P_STR }, { .name = "attach-method", .kind = P_STR }, { .name = "autosync", .kind = P_BOOL, .b = true },
  { .name = "backend", .kind = P_STR }, { .name = "cachedir", .kind = P_STR }, { .name = "direct", .kind = P_BOOL },
  { .name = "hv", .kind = P_STR }, { .name = "identifier", .kind = P_STR }, { .name = "memsize", .kind = P_INT },
  { .name = "network", .kind = P_BOOL }, { .name = "path", .kind = P_STR }, { .name = "pgroup", .kind = P_BOOL },
  { .name = "program", .kind = P_STR }, { .name = "qemu", .kind = P_STR }, { .name = "recovery-proc", .kind = P_BOOL, .b = true },
  { .name = "selinux", .kind = P_BOOL }, { .name = "smp", .kind = P_INT }, { .name = "sockdir", .kind = P_STR },
  { .name = "tmpdir", .kind = P_STR }, { .name = "trace", .kind = P_BOOL }, { .name = "verbose", .kind = P_BOOL },
};

static char *backend_settings;  /* space-separated, as guestfish lists them */

/* The setters libguestfs allows only before launch (its "config only"
 * calls): an error naming the call, "set_X" with underscores.
 */
static int
check_config (struct cli *c, const char *cmd)
{
  static const char *const config_only[] = {
    "hv", "qemu", "path", "append", "memsize", "recovery-proc", "network",
    "backend", "attach-method", "pgroup", "smp", "tmpdir", "cachedir",
    "backend-settings", "backend-setting", "clear-backend-setting",
  };
  const char *name = strncmp (cmd, "set-", 4) == 0 ? cmd + 4 : cmd;
  char api[64];
  size_t i;

  if (!session_is_launched (c->s))
    return 0;
  for (i = 0; i < sizeof config_only / sizeof config_only[0]; i++)
    if (strcmp (config_only[i], name) == 0)
      break;
  if (i == sizeof config_only / sizeof config_only[0])
    return 0;
  snprintf (api, sizeof api, "%s%s", strncmp (name, "clear-", 6) == 0 ? "" : "set_", name);
  for (char *p = api; *p; p++)
    if (*p == '-')
      *p = '_';
  gd_set_error ("%s: this function can only be called in the config state", api);
  return -1;
}

static struct prop *
find_prop (const char *name)
{
  /* attach-method is the old name of backend, qemu of hv. */
  if (strcmp (name, "attach-method") == 0)
    name = "backend";
  else if (strcmp (name, "qemu") == 0)
    name = "hv";
  for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
    if (strcmp (props[i].name, name) == 0)
      return &props[i];
  return NULL;
}

/* The property named by the command: "get-X", "set-X" or "X". */
static struct prop *
prop_of_command (const char *cmd)
{
  if (strncmp (cmd, "get-", 4) == 0 || strncmp (cmd, "set-", 4) == 0)
    cmd += 4;
  return find_prop (cmd);
}

static const char *
env_or (const char *a, const char *b, const char *dflt)
{
  const char *e = a ? getenv (a) : NULL;

  if (e && *e)
    return e;
  e = b ? getenv (b) : NULL;
  return e && *e ? e : dflt;
}

const char *
lib_handle_tmpdir (void)
{
  struct prop *p = find_prop ("tmpdir");

  return p->s ? p->s : env_or ("LIBGUESTFS_TMPDIR", "TMPDIR", "/tmp");
}

/* The full path of the hypervisor, found in $PATH as exec would. */
static void
print_hv (void)
{
  const char *bin = env_or ("GUESTDRV_QEMU", NULL, "qemu-system-x86_64");
  const char *path = env_or ("PATH", NULL, "/usr/bin:/bin");
  char buf[PATH_MAX];

  if (!strchr (bin, '/'))
    for (const char *p = path; *p; ) {
      size_t n = strcspn (p, ":");
      if ((size_t) snprintf (buf, sizeof buf, "%.*s/%s", (int) n, p, bin) < sizeof buf &&
          access (buf, X_OK) == 0) {
        printf ("%s\n", buf);
        return;
      }
      p += n + (p[n] == ':');
    }
  printf ("%s\n", bin);
}

int
lib_prop_get (struct cli *c, int argc, char **argv)
{
  const struct launch_config *cfg = session_config (c->s);
  struct prop *p = prop_of_command (argv[0]);
  char *root;

  (void) argc;
  if (p->kind == P_BOOL) {
    lib_print_bool (strcmp (p->name, "verbose") == 0 ? gd_verbose != 0 : p->b);
    return 0;
  }
  if (strcmp (p->name, "memsize") == 0)
    printf ("%d\n", cfg->memory_mb);
  else if (strcmp (p->name, "smp") == 0)
    printf ("%d\n", cfg->vcpus);
  else if (strcmp (p->name, "append") == 0)
    printf ("%s\n", cfg->append ? cfg->append : "(null)");
  else if (p->s)
    printf ("%s\n", p->s);
  else if (strcmp (p->name, "backend") == 0)
    printf ("%s\n", launcher_backend_name (cfg->backend));
  else if (strcmp (p->name, "hv") == 0)
    print_hv ();
  else if (strcmp (p->name, "cachedir") == 0 || strcmp (p->name, "path") == 0) {
    if (!(root = appliance_cache_root ()))
      return -1;
    printf ("%s\n", root);
    free (root);
  }
  else if (strcmp (p->name, "program") == 0)
    printf ("%s\n", c->progname);
  else if (strcmp (p->name, "sockdir") == 0)
    printf ("%s\n", env_or ("XDG_RUNTIME_DIR", NULL, "/tmp"));
  else if (strcmp (p->name, "tmpdir") == 0)
    printf ("%s\n", lib_handle_tmpdir ());
  else
    printf ("\n");              /* identifier: empty by default */
  return 0;
}

static int
set_int (struct cli *c, struct prop *p, int32_t n)
{
  if (strcmp (p->name, "smp") == 0) {
    if (n <= 0 || n > 255) {
      gd_set_error (n <= 0 ? "invalid smp parameter: %" PRIi32
                           : "unsupported number of smp vcpus: %" PRIi32, n);
      return -1;
    }
    session_set_vcpus (c->s, n);
  }
  else {
    /* The appliance kernel and guestfsd need this much to boot. */
    if (n < 128) {
      gd_set_error ("memsize %" PRIi32 " MB is too small (at least 128)", n);
      return -1;
    }
    session_set_memory (c->s, n);
  }
  return 0;
}

/* set-cachedir, set-tmpdir: libguestfs keeps the absolute path of an
 * existing directory, in its words when it is not one; an empty string
 * is the default again, and so is a refused one (it drops the old
 * setting first).
 */
static int
set_dir (struct prop *p, const char *v)
{
  char *abs = NULL;
  struct stat st;

  free (p->s);
  p->s = NULL;
  if (*v && !(abs = realpath (v, NULL))) {
    gd_set_error ("converting path to absolute path: set_%s: %s: realpath: %s",
                  p->name, v, strerror (errno));
    return -1;
  }
  if (abs && (stat (abs, &st) == -1 || !S_ISDIR (st.st_mode))) {
    gd_set_error ("setting temporary directory: set_%s: \u2018%s\u2019 is not a directory",
                  p->name, v);
    free (abs);
    return -1;
  }
  if (strcmp (p->name, "cachedir") == 0 && abs && setenv ("GUESTDRV_CACHE", abs, 1) == -1) {
    gd_set_error_errno ("setenv");
    free (abs);
    return -1;
  }
  p->s = abs;
  return 0;
}

static int
set_str (struct cli *c, struct prop *p, const char *v)
{
  char *dup;

  if (strcmp (p->name, "backend") == 0) {
    /* libguestfs's own backend, qemu run directly, is ours "auto". */
    if (session_set_backend (c->s, strcmp (v, "direct") == 0 ? "auto" : v) == -1) {
      gd_set_error ("invalid backend: %s", v);      /* libguestfs's words */
      return -1;
    }
  }
  else if (strcmp (p->name, "cachedir") == 0 || strcmp (p->name, "tmpdir") == 0)
    return set_dir (p, v);
  else if (strcmp (p->name, "append") == 0) {
    /* An empty string clears it, as in libguestfs. */
    session_set_append (c->s, *v ? v : NULL);
    return 0;
  }
  else if (strcmp (p->name, "hv") == 0 && setenv ("GUESTDRV_QEMU", v, 1) == -1) {
    gd_set_error_errno ("setenv");
    return -1;
  }
  if (!(dup = strdup (v))) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  free (p->s);
  p->s = dup;
  return 0;
}

int
lib_prop_set (struct cli *c, int argc, char **argv)
{
  struct prop *p = prop_of_command (argv[0]);
  int32_t n = 0;
  bool b = false;

  (void) argc;
  /* guestfish parses the word before libguestfs checks the state. */
  if (p->kind == P_INT && cli_parse_int (argv[1], &n) == -1) {
    /* Its parser's words: "set-smp: smp: integer out of range". */
    gd_error_prefix ("%s: %s", argv[0], p->name);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  if (p->kind == P_BOOL && cli_parse_bool (argv[1], &b) == -1)
    return -1;
  if (check_config (c, argv[0]) == -1)
    return -1;
  if (p->kind == P_INT)
    return set_int (c, p, n);
  if (p->kind == P_STR)
    return set_str (c, p, argv[1]);
  if (strcmp (p->name, "network") == 0 && b) {
    gd_set_error ("the guestdrv appliance has no network device");
    return -1;
  }
  if (strcmp (p->name, "verbose") == 0)
    gd_verbose = b;
  p->b = b;
  return 0;
}

/* get-backend-settings, set-backend-settings LIST, get-backend-setting
 * NAME, set-backend-setting NAME VAL, clear-backend-setting NAME.
 */
static char *settings_without (const char *name, int *removed);

int
lib_backend_setting (struct cli *c, int argc, char **argv)
{
  const char *cmd = argv[0];
  char **v = NULL;
  int removed = 0;
  char *rest;

  (void) argc;
  if (strcmp (cmd, "get-backend-settings") == 0) {
    if (!(v = cli_parse_string_list (backend_settings ? backend_settings : "")))
      return -1;
    for (size_t i = 0; v[i]; i++)
      printf ("%s\n", v[i]);
    cli_free_words (v);
    return 0;
  }
  if (strcmp (cmd, "set-backend-settings") == 0) {
    if (check_config (c, cmd) == -1 || !(v = cli_parse_string_list (argv[1])))
      return -1;
    cli_free_words (v);
    if (!(rest = strdup (argv[1]))) {
      gd_set_error_errno ("strdup");
      return -1;
    }
    free (backend_settings);
    backend_settings = rest;
    return 0;
  }
  if (strcmp (cmd, "get-backend-setting") == 0) {
    size_t n = strlen (argv[1]);
    if (!(v = cli_parse_string_list (backend_settings ? backend_settings : "")))
      return -1;
    for (size_t i = 0; v[i]; i++)
      if (strncmp (v[i], argv[1], n) == 0 && (v[i][n] == '\0' || v[i][n] == '=')) {
        printf ("%s\n", v[i][n] ? v[i] + n + 1 : "1");
        cli_free_words (v);
        return 0;
      }
    cli_free_words (v);
    gd_set_error ("setting not found");
    errno = ESRCH;
    return -1;
  }
  if (check_config (c, cmd) == -1 || !(rest = settings_without (argv[1], &removed)))
    return -1;
  if (strcmp (cmd, "set-backend-setting") == 0) {
    size_t n = strlen (rest) + strlen (argv[1]) + strlen (argv[2]) + 4;
    char *s = malloc (n);
    if (!s) {
      free (rest);
      gd_set_error_errno ("malloc");
      return -1;
    }
    snprintf (s, n, "%s%s%s=%s", rest, *rest ? " " : "", argv[1], argv[2]);
    free (rest);
    rest = s;
  }
  else
    printf ("%d\n", removed);   /* clear-backend-setting: how many */
  free (backend_settings);
  backend_settings = rest;
  return 0;
}

/* The settings without those named NAME (or NAME=...), as a list string. */
static char *
settings_without (const char *name, int *removed)
{
  char **v = cli_parse_string_list (backend_settings ? backend_settings : "");
  size_t n = strlen (name), len = 1;
  char *out;

  if (!v)
    return NULL;
  for (size_t i = 0; v[i]; i++)
    len += strlen (v[i]) + 1;
  if (!(out = calloc (1, len))) {
    cli_free_words (v);
    gd_set_error_errno ("calloc");
    return NULL;
  }
  for (size_t i = 0; v[i]; i++) {
    if (strncmp (v[i], name, n) == 0 && (v[i][n] == '\0' || v[i][n] == '=')) {
      (*removed)++;
      continue;
    }
    if (*out)
      strcat (out, " ");
    strcat (out, v[i]);
  }
  cli_free_words (v);
  return out;
}

int
lib_get_pid (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  if (!session_is_launched (c->s)) {
    gd_set_error ("get-pid can only be called after launch");
    return -1;
  }
  printf ("%d\n", (int) hv_pid (session_hv (c->s)));
  return 0;
}

int
lib_is_config (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  lib_print_bool (!session_is_launched (c->s));
  return 0;
}

/* shutdown: sync and stop the appliance; disks can then be added again
 * only by a new guestdrv (a handle launches once, as in libguestfs).
 */
int
lib_shutdown (struct cli *c, int argc, char **argv)
{
  (void) argc; (void) argv;
  if (!session_is_launched (c->s))
    return 0;
  return session_shutdown (c->s);
}

/* config HVPARAM HVVALUE: extra qemu parameters.  guestdrv builds its
 * qemu command line from measured choices and takes no extra ones.
 * After launch, libguestfs's state check comes first.
 */
int
lib_config (struct cli *c, int argc, char **argv)
{
  (void) argc;
  if (session_is_launched (c->s)) {
    gd_set_error ("config: this function can only be called in the config state");
    return -1;
  }
  gd_set_error ("%s: extra hypervisor parameters are not supported by guestdrv", argv[1]);
  return -1;
}

/* parse-environment, parse-environment-list LIST: the LIBGUESTFS_*
 * variables libguestfs reads, applied to these settings.
 */
int
lib_parse_environment (struct cli *c, int argc, char **argv)
{
  static const char *const vars[][2] = {
    { "LIBGUESTFS_TRACE", "set-trace" }, { "LIBGUESTFS_DEBUG", "set-verbose" },
    { "LIBGUESTFS_TMPDIR", "set-tmpdir" }, { "LIBGUESTFS_CACHEDIR", "set-cachedir" },
    { "LIBGUESTFS_PATH", "set-path" }, { "LIBGUESTFS_HV", "set-hv" },
    { "LIBGUESTFS_APPEND", "set-append" }, { "LIBGUESTFS_MEMSIZE", "set-memsize" },
    { "LIBGUESTFS_BACKEND", "set-backend" },
    { "LIBGUESTFS_BACKEND_SETTINGS", "set-backend-settings" },
  };
  char **env = NULL;
  int r = 0;

  if (argc == 2 && !(env = cli_parse_string_list (argv[1])))
    return -1;
  for (size_t i = 0; r == 0 && i < sizeof vars / sizeof vars[0]; i++) {
    size_t n = strlen (vars[i][0]);
    const char *v = NULL;
    if (env) {
      for (size_t j = 0; env[j]; j++)
        if (strncmp (env[j], vars[i][0], n) == 0 && env[j][n] == '=')
          v = env[j] + n + 1;
    }
    else
      v = getenv (vars[i][0]);
    if (!v || !*v)
      continue;
    /* The debug and trace switches are on for "1" only. */
    if (strcmp (vars[i][0], "LIBGUESTFS_TRACE") == 0 || strcmp (vars[i][0], "LIBGUESTFS_DEBUG") == 0)
      v = strcmp (v, "1") == 0 ? "true" : "false";
    char *w[] = { (char *) vars[i][1], (char *) v, NULL };
    r = strcmp (vars[i][1], "set-backend-settings") == 0
        ? lib_backend_setting (c, 2, w) : lib_prop_set (c, 2, w);
  }
  cli_free_words (env);
  return r;
}
