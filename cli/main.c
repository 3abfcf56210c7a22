/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv's main: options, subcommands, signals. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lib.h"
#include "../appliance/appliance.h"
#include "../bench/bench.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/signals.h"
#include "../common/error.h"
#include "../fsync/fsync.h"
#include "../instrument/instrument.h"
#include "../launcher/kernel-name.h"
#include "../trace/trace.h"

static volatile sig_atomic_t interrupted;

/* Ctrl-C: kill the hypervisors now; the normal error paths (the channel
 * sees the hypervisor exit) then clean up the temp dirs and exit non-zero.
 */
static void
on_signal (int sig)
{
  interrupted = sig;
  launcher_kill_all_from_signal ();
}

static void
usage (FILE *f, const char *prog)
{
  const struct backend_setting *bs;
  char backends[64], caches[128];

  backend_list (backends, sizeof backends, "|");
  disk_cache_list (caches, sizeof caches, "|");
  fprintf (f,
"Usage:\n"
"  %s [OPTIONS] -a IMAGE [-a IMAGE ...] [-f SCRIPT | -- CMD ARGS : CMD ARGS ...]\n"
"  %s build-appliance [--backend qemu|uml|all]\n"
"  %s report [--json] TRACE.json\n"
"  %s bench [--scenario LIST] [--backend LIST] [--cache LIST] [--size BYTES] [-n RUNS] [--peer] [--out DIR]\n"
"  %s fsync-test [--backend LIST] [--cache LIST] [--json] [--keep]\n"
"\n"
"Options:\n"
"  -a, --add IMAGE          add a disk (order gives /dev/sda, /dev/sdb, ...)\n"
"      --ro, --rw           every disk read-only (or read-write, the default)\n"
"  -m, --mount DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]\n"
"                           mount after launch (launches the appliance)\n"
"  -i, --inspector          inspect the disks and mount the guest's filesystems\n"
"  -d DOMAIN                refused: guestdrv does not use libvirt (use -a)\n"
"      --format=raw|qcow2   format of the following -a disks (default raw)\n"
"  -N [FILE=]TYPE           prepared disk: disk[:SIZE], part[:SIZE[:PTYPE]],\n"
"                           fs[:FS[:SIZE[:PTYPE]]], lv[:/dev/VG/LV[:SIZE[:PTYPE]]],\n"
"                           lvfs[:/dev/VG/LV[:FS[:SIZE[:PTYPE]]]] (test1.img, ...)\n"
"      --cache MODE         %s for\n"
"                           the following disks (default writeback)\n"
"      --backend B          %s (default auto, or $GUESTDRV_BACKEND)\n"
"      --kernel PATH|NAME   boot this kernel (qemu: a bzImage; uml: a linux\n"
"                           binary); the appliance is built for it; or a\n"
"                           name: stock, guestdrv, guestdrv-6.12 (UML kernels\n"
"                           of make uml-kernel, kernel/README.md)\n"
"      --modules DIR        its module tree (none if all is built in)\n"
"      --gdb                qemu: wait for gdb on a socket; uml: print a gdb\n"
"                           command for the UML process\n"
"      --append ARGS        add kernel command-line arguments\n",
           prog, prog, prog, prog, prog, caches, backends);
  /* Each backend's own options, from its settings table. */
  for (size_t i = 0; (bs = backend_setting_at (i)) != NULL; i++)
    if (bs->help)
      fputs (bs->help, f);
  fprintf (f,
"      --memsize MB         guest memory (default 1024)\n"
"      --scan LIST          opt-in start-up scans: udev,lvm,md\n"
"      --timeout SECS       longest wait for the daemon during a command (600)\n"
"      --launch-timeout S   longest wait for the appliance to start (120)\n"
"      --call-timeout S     longest any one command may take (3600)\n"
"      --trace FILE         write a Trace Event Format timeline\n"
"      --record FILE        write the channel's bytes both ways (GFSCAP1)\n"
"      --trace-layers LIST  launcher,kernel,init,daemon,channel,protocol,disk\n"
"  -f, --file SCRIPT        read commands from SCRIPT (- = stdin)\n"
"  -v, --verbose            show the hypervisor command line, the console\n"
"                           with host timestamps, and each layer's debug\n"
"  -x                       echo each command before running it\n"
"  -V, --version            print the version\n"
"      --help               print this summary\n"
"  -h, --cmd-help           list the commands (as 'help' does)\n"
"\n"
"Without -f or --, commands are read from standard input.  Command names\n"
"and argument order are guestfish's; 'help' lists them.\n");
}

static int
build_appliance_main (int argc, char **argv)
{
  const char *which = "all";
  int r = 0;

  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--backend") == 0 && i + 1 < argc)
      which = argv[++i];
    else if (strcmp (argv[i], "-v") == 0)
      gd_verbose = 1;
    else {
      fprintf (stderr, "guestdrv: build-appliance: unknown argument '%s'\n", argv[i]);
      return 1;
    }
  }
  /* One appliance per backend family (kvm and tcg boot qemu's): WHICH
   * names a family, one of its backends, or all.
   */
  for (size_t k = 0; backend_at (k); k++) {
    const struct backend *b = backend_at (k), *o;
    const char *name = b->family;
    struct appliance_files files;
    struct appliance_info info = { 0 };
    bool seen = false, match = strcmp (which, "all") == 0;

    for (size_t j = 0; name && j < k; j++)
      seen |= backend_at (j)->family && strcmp (backend_at (j)->family, name) == 0;
    if (!name || seen)
      continue;
    for (size_t j = 0; (o = backend_at (j)) != NULL; j++)
      match |= o->family && strcmp (o->family, name) == 0 &&
        (strcmp (which, name) == 0 || strcmp (which, o->name) == 0);
    if (!match)
      continue;
    if (appliance_get (b->appliance, true, &files, &info) == -1) {
      fprintf (stderr, "guestdrv: build-appliance: %s: %s\n", name, gd_get_error ());
      r = 1;
      continue;
    }
    printf ("%s appliance: %s (kernel %s), built in %.1f s\n", name, info.dir,
            info.kernel_version, info.build_seconds);
    appliance_files_free (&files);
    appliance_info_free (&info);
  }
  return r;
}

enum {
  OPT_RO = 256, OPT_FORMAT, OPT_CACHE, OPT_BACKEND, OPT_KERNEL, OPT_APPEND,
  OPT_SCAN, OPT_TIMEOUT, OPT_LAUNCH_TIMEOUT, OPT_CALL_TIMEOUT, OPT_TRACE, OPT_TRACE_LAYERS,
  OPT_MODULES, OPT_GDB, OPT_RW, OPT_MEMSIZE, OPT_RECORD, OPT_HELP,
  OPT_SETTING = 1024,             /* + the index of a backend setting */
};

static const struct option base_options[] = {
  { "add", required_argument, NULL, 'a' },
  { "inspector", no_argument, NULL, 'i' },
  { "domain", required_argument, NULL, 'd' },
  { "ro", no_argument, NULL, OPT_RO },
  { "rw", no_argument, NULL, OPT_RW },
  { "mount", required_argument, NULL, 'm' },
  { "format", optional_argument, NULL, OPT_FORMAT },
  { "cache", required_argument, NULL, OPT_CACHE },
  { "backend", required_argument, NULL, OPT_BACKEND },
  { "kernel", required_argument, NULL, OPT_KERNEL },
  { "modules", required_argument, NULL, OPT_MODULES },
  { "gdb", no_argument, NULL, OPT_GDB },
  { "append", required_argument, NULL, OPT_APPEND },
  { "memsize", required_argument, NULL, OPT_MEMSIZE },
  { "scan", required_argument, NULL, OPT_SCAN },
  { "timeout", required_argument, NULL, OPT_TIMEOUT },
  { "launch-timeout", required_argument, NULL, OPT_LAUNCH_TIMEOUT },
  { "call-timeout", required_argument, NULL, OPT_CALL_TIMEOUT },
  { "trace", required_argument, NULL, OPT_TRACE },
  { "record", required_argument, NULL, OPT_RECORD },
  { "trace-layers", required_argument, NULL, OPT_TRACE_LAYERS },
  { "file", required_argument, NULL, 'f' },
  { "verbose", no_argument, NULL, 'v' },
  { "version", no_argument, NULL, 'V' },
  { "help", no_argument, NULL, OPT_HELP },
  { "cmd-help", no_argument, NULL, 'h' },
};
#define NBASE (sizeof base_options / sizeof base_options[0])
#define MAX_SETTINGS 32

/* The fixed options, then --NAME for each backend setting (the
 * backends' tables), then the terminator.
 */
static void
make_options (struct option *o)
{
  const struct backend_setting *bs;
  size_t n = NBASE;

  memcpy (o, base_options, sizeof base_options);
  for (size_t i = 0; i < MAX_SETTINGS && (bs = backend_setting_at (i)); i++)
    o[n++] = (struct option) { bs->name, required_argument, NULL,
                               OPT_SETTING + (int) i };
  o[n] = (struct option) { NULL, 0, NULL, 0 };
}

static int
parse_seconds (const char *opt, const char *s, int *ms)
{
  char *end;
  double v = strtod (s, &end);
  if (end == s || *end || v <= 0 || v > 86400) {
    fprintf (stderr, "guestdrv: %s: '%s' is not a number of seconds\n", opt, s);
    return -1;
  }
  *ms = (int) (v * 1000);
  return 0;
}

static int
parse_scan (const char *list, char *out, size_t outlen)
{
  char *copy = strdup (list), *save = NULL, *tok;
  size_t n = 0;
  out[0] = '\0';
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
    if (strcmp (tok, "udev") && strcmp (tok, "lvm") && strcmp (tok, "md")) {
      fprintf (stderr, "guestdrv: --scan: unknown scan '%s' (udev, lvm, md)\n", tok);
      free (copy);
      return -1;
    }
    n += snprintf (out + n, outlen > n ? outlen - n : 0, "%sguestdrv.%s=1", n ? " " : "", tok);
  }
  free (copy);
  return 0;
}

int
main (int argc, char **argv)
{
  struct cli c = { .progname = "guestdrv" };
  const char *format = "raw", *cache = "writeback", *script = NULL;
  const char *trace_file = NULL;
  struct option long_options[NBASE + MAX_SETTINGS + 1];
  unsigned layers = (1u << TL_NLAYERS) - 1;
  bool layers_given = false, kernel_given = false;
  bool inspect = false;           /* -i */
  int launch_ms = 0, idle_ms = 0, opt, r = 0;
  char scan[128] = "";

  gd_clock_init ();
  setvbuf (stdout, NULL, _IOFBF, 0);
  if (argc > 1) {
    if (strcmp (argv[1], "build-appliance") == 0)
      return build_appliance_main (argc - 1, argv + 1);
    if (strcmp (argv[1], "report") == 0)
      return report_main (argc - 1, argv + 1);
    if (strcmp (argv[1], "bench") == 0)
      return bench_main (argc - 1, argv + 1);
    if (strcmp (argv[1], "fsync-test") == 0)
      return fsync_test_main (argc - 1, argv + 1);
  }

  make_options (long_options);
  c.s = session_new ();
  if (!c.s) {
    fprintf (stderr, "guestdrv: %s\n", gd_get_error_printable ());
    return 1;
  }
  while ((opt = getopt_long (argc, argv, "+a:d:f:im:N:vxVh", long_options, NULL)) != -1) {
    switch (opt) {
    case 'a':
      if (cli_cmdline_add_drive (optarg, format, cache) == -1)
        goto fail_msg;
      break;
    case OPT_RO: c.read_only = true; break;
    case 'i': inspect = true; break;
    case 'd':
      fprintf (stderr, "guestdrv: -d %s: libvirt domains are not supported (guestdrv starts "
               "qemu or UML itself); add the domain's disks with -a\n", optarg);
      goto fail;
    case OPT_RW: c.read_only = false; break;
    case 'm':
      if (cli_cmdline_add_mount (optarg) == -1)
        goto fail_msg;
      break;
    case 'N':
      if (cli_cmdline_add_prepared (optarg) == -1)
        goto fail_msg;
      break;
    case OPT_FORMAT:
      /* guestfish's bare --format means "detect": never done here, as
       * probing a raw image's contents for a format is unsafe.  The
       * format may also come as the next word (--format raw), as
       * guestdrv has always taken it.
       */
      if (!optarg && optind < argc && argv[optind][0] != '-')
        optarg = argv[optind++];
      if (!optarg) {
        fprintf (stderr, "guestdrv: --format needs a format (--format=raw or --format=qcow2): formats are never detected\n");
        goto fail;
      }
      if (strcmp (optarg, "raw") && strcmp (optarg, "qcow2")) {
        fprintf (stderr, "guestdrv: --format: unknown format '%s' (raw or qcow2)\n", optarg);
        goto fail;
      }
      format = optarg;
      break;
    case OPT_CACHE:
      if (!disk_cache_lookup (optarg)) {
        char modes[128];
        disk_cache_list (modes, sizeof modes, ", ");
        fprintf (stderr, "guestdrv: --cache: unknown cache mode '%s' (%s)\n", optarg, modes);
        goto fail;
      }
      cache = optarg;
      break;
    case OPT_BACKEND:
      if (session_set_backend (c.s, optarg) == -1)
        goto fail_msg;
      break;
    case OPT_KERNEL: {
      char *kpath;              /* a name (launcher/kernel-name.h) or a path */
      if (kernel_name_resolve (optarg, &kpath) == -1) {
        fprintf (stderr, "guestdrv: --kernel %s\n", gd_get_error_printable ());
        goto fail;
      }
      if (kpath && access (kpath, R_OK) == -1) {
        fprintf (stderr, "guestdrv: --kernel: %s: %m\n", kpath);
        free (kpath);
        goto fail;
      }
      session_set_kernel (c.s, kpath);
      free (kpath);
      kernel_given = true;
      break;
    }
    case OPT_MODULES: session_set_modules (c.s, optarg); break;
    case OPT_GDB: session_set_gdb (c.s, true); break;
    case OPT_APPEND: session_set_append (c.s, optarg); break;
    case OPT_MEMSIZE: {
      char *end;
      long mb = strtol (optarg, &end, 10);
      if (*end || mb < 128 || mb > 65536) {
        fprintf (stderr, "guestdrv: --memsize: '%s' is not a memory size in MB (128..65536)\n", optarg);
        goto fail;
      }
      session_set_memory (c.s, (int) mb);
      break;
    }
    case OPT_SCAN:
      if (parse_scan (optarg, scan, sizeof scan) == -1)
        goto fail;
      session_set_init_flags (c.s, scan);
      break;
    case OPT_TIMEOUT:
      if (parse_seconds ("--timeout", optarg, &idle_ms) == -1)
        goto fail;
      break;
    case OPT_LAUNCH_TIMEOUT:
      if (parse_seconds ("--launch-timeout", optarg, &launch_ms) == -1)
        goto fail;
      break;
    case OPT_CALL_TIMEOUT: {
      int call_ms;
      if (parse_seconds ("--call-timeout", optarg, &call_ms) == -1)
        goto fail;
      session_set_call_timeout (c.s, call_ms);
      break;
    }
    case OPT_TRACE: trace_file = optarg; break;
    case OPT_RECORD:
      if (channel_record_fp) {
        fprintf (stderr, "guestdrv: --record given twice\n");
        goto fail;
      }
      if (channel_record_open (optarg) == -1)
        goto fail_msg;
      break;
    case OPT_TRACE_LAYERS:
      if (trace_parse_layers (optarg, &layers) == -1)
        goto fail_msg;
      layers_given = true;
      break;
    case 'f': script = optarg; break;
    case 'v': gd_verbose = 1; break;
    case 'x': c.echo = true; break;
    case 'V':
      printf ("guestdrv %s\n", GUESTDRV_VERSION);
      session_free (c.s);
      return 0;
    case OPT_HELP:
      usage (stdout, argv[0]);
      session_free (c.s);
      return 0;
    case 'h':
      /* guestfish's -h (--cmd-help): every command, as "help" lists them. */
      cli_list_commands (stdout);
      session_free (c.s);
      return 0;
    default:
      if (opt >= OPT_SETTING && opt < OPT_SETTING + MAX_SETTINGS) {
        if (session_set_backend_setting (c.s, backend_setting_at (opt - OPT_SETTING)->name,
                                         optarg) == -1)
          goto fail_msg;
        break;
      }
      fprintf (stderr, "Try '%s --help'.\n", argv[0]);
      goto fail;
    }
  }
  /* GUESTDRV_UML_KERNEL: the kernel of a UML run without --kernel (a
   * name or a path), so that the UML tests run unchanged on guestdrv's
   * kernels (make check-uml-kernels).
   */
  if (!kernel_given && session_backend (c.s) == BACKEND_UML &&
      getenv ("GUESTDRV_UML_KERNEL") && *getenv ("GUESTDRV_UML_KERNEL")) {
    char *kpath;
    if (kernel_name_resolve (getenv ("GUESTDRV_UML_KERNEL"), &kpath) == -1) {
      fprintf (stderr, "guestdrv: GUESTDRV_UML_KERNEL: %s\n",
               gd_get_error_printable ());
      goto fail;
    }
    session_set_kernel (c.s, kpath);
    free (kpath);
  }
  session_set_timeouts (c.s, launch_ms, idle_ms);
  if (cli_cmdline_apply_drives (&c) == -1)
    goto fail_msg;
  if (trace_file || layers_given) {
    trace_mask = layers;
    instrument_attach (c.s);
  }

  gd_signals_catch (on_signal);

  if (optind < argc && strcmp (argv[optind - 1], "--") != 0 && strcmp (argv[optind], "--") == 0)
    optind++;
  if (script && optind < argc) {
    fprintf (stderr, "guestdrv: give commands with -f or after --, not both\n");
    goto fail;
  }
  if (cli_cmdline_apply_mounts (&c) == -1 ||
      (inspect && cli_inspect_mount (&c) == -1))
    r = -1;
  else if (optind < argc)
    r = cli_run_words (&c, argv + optind, argc - optind);
  else if (script && strcmp (script, "-") != 0) {
    FILE *f = fopen (script, "r");
    if (!f) {
      fprintf (stderr, "guestdrv: %s: %m\n", script);
      goto fail;
    }
    r = cli_run_script (&c, f, script);
    fclose (f);
  }
  else
    r = cli_run_script (&c, stdin, "stdin");

  if (session_is_launched (c.s) && session_shutdown (c.s) == -1 && r == 0) {
    fprintf (stderr, "guestdrv: error: shutdown: %s\n", gd_get_error_printable ());
    r = -1;
  }
  if (trace_file && trace_write (trace_file) == -1) {
    fprintf (stderr, "guestdrv: %s\n", gd_get_error_printable ());
    r = -1;
  }
  session_free (c.s);
  cli_cmdline_free ();
  if (channel_record_close () == -1) {
    fprintf (stderr, "guestdrv: %s\n", gd_get_error ());
    r = -1;
  }
  trace_reset ();
  if (interrupted) {
    fprintf (stderr, "guestdrv: interrupted\n");
    return 128 + interrupted;
  }
  return r == 0 ? 0 : 1;

 fail_msg:
  fprintf (stderr, "guestdrv: %s\n", gd_get_error_printable ());
 fail:
  session_free (c.s);
  cli_cmdline_free ();
  channel_record_close ();
  return 1;
}
