/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `guestdrv bench`'s options: the help, and argv parsed into struct
 * options (lists checked against the scenario, backend and cache tables).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../launcher/kernel-name.h"
#include "../launcher/launcher.h"

static const char *const default_scenarios =
  "startup,api,upload,upload-no-write,write-no-upload";

/* The backend settings the bench runs side by side: the option is the
 * setting's name, its values the launcher's table; what is the bench's
 * own is how a case is named by it and how its list is explained.
 */
static const struct {
  const char *name, *bare;
  enum bench_dim_field field;
  const char *bad_list;         /* the error for a bad list, or NULL */
} dim_specs[] = {
  { "uml-window", "off", DIM_NONE, "give on, off or on,off" },
  { "uml-channel", NULL, DIM_CHANNEL, NULL },
  { "uml-disk", NULL, DIM_DISK, NULL },
};
#define NDIMS (sizeof dim_specs / sizeof dim_specs[0])

static void
usage (FILE *fp)
{
  size_t i;

  fprintf (fp,
"Usage: guestdrv bench [OPTIONS]\n"
"\n"
"  --scenario LIST   comma-separated, or all (default %s)\n"
"  --backend LIST    kvm,tcg,uml (default: every usable one)\n"
"  --cache LIST      qemu cache modes (default writeback)\n"
"  --size LIST       payload bytes, e.g. 128M or 500MB, or per backend\n"
"                    tcg=128M,uml=16M (K/M/G = 1024^n, KB/MB/GB = 1000^n;\n"
"                    default 500 MB for upload, upload-no-write and\n"
"                    write-no-upload, 512 MiB for the other scenarios)\n"
"  -n RUNS           runs per case (default %d)\n"
"  --warmup N        leading runs discarded (default %d)\n"
"  --peer            also run stock libguestfs (guestfish), interleaved\n"
"  --out DIR         results directory (default %s)\n"
"  --dir DIR         where images and payloads live (default /dev/shm)\n"
"  --kernel LIST     guest kernels side by side: stock, guestdrv,\n"
"                    guestdrv-6.12 (make uml-kernel), NAME=PATH (a\n"
"                    bzImage for kvm/tcg, a linux binary for uml);\n"
"                    cases are named BACKEND:NAME (default stock)\n"
"  --uml-window LIST on,off: UML's acknowledged window, or the bare line\n"
"                    (cases named uml[:NAME]:bare; default on)\n"
"  --uml-channel LIST virtio,serial: UML's channel (cases named uml-CHANNEL;\n"
"                    default virtio)\n"
"  --uml-disk LIST   ubd,vhost-user: UML's disks (cases named uml-DISK or\n"
"                    uml-CHANNEL-DISK; default ubd)\n"
"  -v                debug output of every layer\n"
"\nScenarios:\n", default_scenarios, BENCH_DEFAULT_RUNS,
           BENCH_DEFAULT_WARMUP, BENCH_DEFAULT_OUT);
  for (i = 0; i < bench_nscenarios; i++)
    fprintf (fp, "  %-18s %s\n", bench_scenarios[i].name,
             bench_scenarios[i].what);
}

/* "128M", "500MB", "8388608". */
static int
parse_bytes (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  errno = 0;
  v = strtoull (s, &end, 10);
  if (end == s || errno)
    goto bad;
  if (*end) {
    const char *units = "KMG";
    const char *u = strchr (units, *end);
    int k;

    if (u == NULL)
      goto bad;
    for (k = 0; k <= u - units; k++)
      mult *= strcmp (end + 1, "B") == 0 ? 1000 : 1024;
    if (end[1] && strcmp (end + 1, "B") != 0)
      goto bad;
  }
  if (v == 0 || v > UINT64_MAX / mult)
    goto bad;
  *out = v * mult;
  return 0;
 bad:
  gd_set_error ("--size: '%s' is not a size (e.g. 128M, 500MB, tcg=128M)",
                s);
  return -1;
}

static int
parse_sizes (char *list, struct options *o)
{
  char *save = NULL, *tok;

  o->nsizes = 0;
  for (tok = strtok_r (list, ",", &save); tok;
       tok = strtok_r (NULL, ",", &save)) {
    char *eq = strchr (tok, '=');
    struct size_opt *so;

    if (o->nsizes == sizeof o->sizes / sizeof o->sizes[0]) {
      gd_set_error ("--size: too many items");
      return -1;
    }
    so = &o->sizes[o->nsizes++];
    so->backend = NULL;
    if (eq) {
      *eq = '\0';
      so->backend = tok;
      tok = eq + 1;
    }
    if (parse_bytes (tok, &so->bytes) == -1)
      return -1;
  }
  return 0;
}


/* --kernel stock,NAME=PATH,...: the list string is kept (argv). */
static int
parse_kernels (char *list, struct options *o)
{
  char *save = NULL;

  o->nkernels = 0;
  for (char *t = strtok_r (list, ",", &save); t;
       t = strtok_r (NULL, ",", &save)) {
    char *eq = strchr (t, '=');
    struct bench_kernel *k;

    if (o->nkernels == 8) {
      gd_set_error ("--kernel: at most 8 kernels");
      return -1;
    }
    k = &o->kernels[o->nkernels++];
    if (kernel_name_is_name (t)) {
      /* stock, guestdrv, guestdrv-6.12...: labelled by the name; the
       * path lives as long as the bench (like the list string).
       */
      char *path;
      if (kernel_name_resolve (t, &path) == -1) {
        char msg[1024];
        snprintf (msg, sizeof msg, "%s", gd_get_error ());
        gd_set_error ("--kernel %s", msg);
        return -1;
      }
      *k = (struct bench_kernel) { t, path, 1 };
      continue;
    }
    if (!eq || eq == t || strchr (t, ':') || eq - t > 40 ||
        strncmp (t, "stock=", 6) == 0 || strncmp (t, "bare=", 5) == 0) {
      gd_set_error ("--kernel: '%s': give stock, guestdrv, guestdrv-6.12 or "
                    "NAME=PATH (NAME: 1-40 characters, no ':', not stock or "
                    "bare)", t);
      return -1;
    }
    *eq = '\0';
    *k = (struct bench_kernel) { t, eq + 1, 0 };
    if (access (k->path, R_OK) == -1) {
      gd_set_error_errno ("--kernel: %s", k->path);
      return -1;
    }
  }
  if (o->nkernels == 0) {
    gd_set_error ("--kernel: give a list like stock,patched=PATH");
    return -1;
  }
  return 0;
}

/* Dimension I's list (NULL: the setting's default) into O. */
static int
parse_dim (struct options *o, size_t i, const char *list)
{
  const struct backend_setting *bs = backend_setting_lookup (dim_specs[i].name);
  struct bench_dim *d = &o->dims[i];
  size_t nvalues = 0;
  char what[64];

  if (!bs)
    return -1;
  free (d->values);
  d->values = NULL;
  snprintf (what, sizeof what, "--%s", dim_specs[i].name);
  while (bs->values[nvalues])
    nvalues++;
  d->name = dim_specs[i].name;
  d->bare = dim_specs[i].bare;
  d->field = dim_specs[i].field;
  d->given = list != NULL;
  if (bench_parse_list (what, list ? list : bs->values[0],
                        (const char *const *) bs->values, nvalues,
                        &d->values, &d->nvalues) == -1) {
    if (dim_specs[i].bad_list)
      gd_set_error ("%s: '%s': %s", what, list, dim_specs[i].bad_list);
    return -1;
  }
  return 0;
}

/* Every per-backend --size names a backend. */
static int
check_size_backends (const struct options *o)
{
  for (size_t i = 0; i < o->nsizes; i++) {
    size_t j;

    if (o->sizes[i].backend == NULL)
      continue;
    const char *names[BENCH_MAX_NAMES];
    size_t nb = bench_backend_names (names, BENCH_MAX_NAMES);

    for (j = 0; j < nb; j++)
      if (strcmp (o->sizes[i].backend, names[j]) == 0)
        break;
    if (j == nb) {
      gd_set_error ("--size: unknown backend '%s'", o->sizes[i].backend);
      return -1;
    }
  }
  return 0;
}

/* -n and --warmup: a count of 0..100. */
static int
parse_count (const char *opt, const char *arg, unsigned *out)
{
  char *end;
  long v = strtol (arg, &end, 10);

  if (*end || end == arg || v < 0 || v > 100) {
    gd_set_error ("%s: '%s' is not a count (0..100)", opt, arg);
    return -1;
  }
  *out = (unsigned) v;
  return 0;
}

int
bench_parse_options (int argc, char **argv, struct options *o)
{
  enum { O_SCENARIO = 256, O_BACKEND, O_CACHE, O_SIZE, O_WARMUP, O_PEER,
         O_OUT, O_DIR, O_KERNEL, O_DIM };
  static const struct option longopts[] = {
    { "scenario", required_argument, NULL, O_SCENARIO },
    { "backend", required_argument, NULL, O_BACKEND },
    { "cache", required_argument, NULL, O_CACHE },
    { "size", required_argument, NULL, O_SIZE },
    { "warmup", required_argument, NULL, O_WARMUP },
    { "peer", no_argument, NULL, O_PEER },
    { "out", required_argument, NULL, O_OUT },
    { "dir", required_argument, NULL, O_DIR },
    { "kernel", required_argument, NULL, O_KERNEL },
    { "uml-window", required_argument, NULL, O_DIM + 0 },
    { "uml-channel", required_argument, NULL, O_DIM + 1 },
    { "uml-disk", required_argument, NULL, O_DIM + 2 },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *scen = default_scenarios, *back = "all", *cache = "writeback";
  const char *dims[NDIMS] = { NULL };
  const char *backends[BENCH_MAX_NAMES], *caches[BENCH_MAX_NAMES];
  size_t nbackends = bench_backend_names (backends, BENCH_MAX_NAMES);
  size_t ncaches = bench_cache_names (caches, BENCH_MAX_NAMES);
  int c;

  o->kernels[0] = (struct bench_kernel) { "stock", NULL, 1 };
  o->nkernels = 1;
  o->runs = BENCH_DEFAULT_RUNS;
  o->warmup = BENCH_DEFAULT_WARMUP;
  o->out = BENCH_DEFAULT_OUT;
  o->dir = "/dev/shm";
  optind = 1;
  while ((c = getopt_long (argc, argv, "+n:vh", longopts, NULL)) != -1) {
    switch (c) {
    case O_SCENARIO: scen = optarg; break;
    case O_BACKEND: back = optarg; o->backends_given = 1; break;
    case O_CACHE: cache = optarg; break;
    case O_SIZE:
      if (parse_sizes (optarg, o) == -1)
        return -1;
      break;
    case 'n':
      if (parse_count ("-n", optarg, &o->runs) == -1)
        return -1;
      break;
    case O_WARMUP:
      if (parse_count ("--warmup", optarg, &o->warmup) == -1)
        return -1;
      break;
    case O_PEER: o->peer = 1; break;
    case O_OUT: o->out = optarg; break;
    case O_DIR: o->dir = optarg; break;
    case O_KERNEL:
      if (parse_kernels (optarg, o) == -1)
        return -1;
      break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); exit (0);
    default:
      if (c >= O_DIM && c < O_DIM + (int) NDIMS) {
        size_t i = (size_t) (c - O_DIM);

        dims[i] = optarg;
        /* A list with its own error is checked at once (as always). */
        if (dim_specs[i].bad_list && parse_dim (o, i, optarg) == -1)
          return -1;
        break;
      }
      gd_set_error ("see guestdrv bench --help");
      return -1;
    }
  }
  if (optind < argc) {
    gd_set_error ("unexpected argument '%s'", argv[optind]);
    return -1;
  }
  if (o->runs == 0 || o->warmup >= o->runs) {
    gd_set_error ("-n %u with --warmup %u: at least one run must remain "
                  "after the warm-up", o->runs, o->warmup);
    return -1;
  }
  if (bench_parse_scenarios (scen, &o->scenarios, &o->nscenarios) == -1 ||
      bench_parse_list ("--backend", back, backends, nbackends,
                        &o->backends, &o->nbackends) == -1 ||
      bench_parse_list ("--cache", cache, caches, ncaches,
                        &o->caches, &o->ncaches) == -1)
    return -1;
  o->ndims = NDIMS;
  for (size_t i = 0; i < NDIMS; i++)
    if (parse_dim (o, i, dims[i]) == -1)
      return -1;
  return check_size_backends (o);
}
