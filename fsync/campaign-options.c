/* guestdrv fsync-test --cuts N: its options and the cut seeds.
 *
 * Split from campaign.c (which runs the cases): parsing the command line
 * and deriving every cut's seed from the campaign's are the parts a user
 * can replay by hand (`--cuts 1 --seed SEED`), so they live together.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "harness.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../disk/disk.h"
#include "../launcher/launcher.h"

bool
fsync_campaign_wanted (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--cuts") == 0 || strncmp (argv[i], "--cuts=", 7) == 0)
      return true;
  return false;
}

/* splitmix64: every cut's seed from the campaign's. */
uint64_t
camp_mix64 (uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t
camp_cut_seed (uint64_t seed, unsigned i)
{
  return i == 0 ? seed : camp_mix64 (seed ^ camp_mix64 (i));
}

static int
split_list (char *s, const char **out, size_t *n, const char *what)
{
  char *save = NULL;

  *n = 0;
  for (char *t = strtok_r (s, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
    if (*n == MAX_LIST) {
      fprintf (stderr, "guestdrv: fsync-test: --%s: at most %d items\n", what,
               MAX_LIST);
      return -1;
    }
    out[(*n)++] = t;
  }
  if (*n == 0)
    fprintf (stderr, "guestdrv: fsync-test: --%s: give a comma list\n", what);
  return *n ? 0 : -1;
}

static int
parse_count (const char *s, const char *what, unsigned max, unsigned *out)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul (s, &end, 10);
  if (errno || *end || end == s || *s == '-' || v > max) {
    fprintf (stderr, "guestdrv: fsync-test: --%s: '%s' is not a number "
             "from 0 to %u\n", what, s, max);
    return -1;
  }
  *out = (unsigned) v;
  return 0;
}

/* The backends, caches, disks and kernels named are checked when each
 * case starts (a bad one is that case's error), except the kernels,
 * whose files must exist now.
 */
int
camp_parse_options (int argc, char **argv, struct camp_opts *o)
{
  static const struct option opts[] = {
    { "cuts", required_argument, NULL, 'n' },
    { "seed", required_argument, NULL, 's' },
    { "from", required_argument, NULL, 'f' },
    { "per-round", required_argument, NULL, 'p' },
    { "backend", required_argument, NULL, 'b' },
    { "cache", required_argument, NULL, 'c' },
    { "uml-disk", required_argument, NULL, 'D' },
    { "kernel", required_argument, NULL, 'K' },
    { "json", no_argument, NULL, 'j' },
    { "keep", no_argument, NULL, 'k' },
    { "verbose", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  const char *kitems[MAX_LIST];
  char *end;
  int opt;

  *o = (struct camp_opts) {
    .disks = { "ubd" }, .nd = 1,
    .kernels = { { "stock", NULL } }, .nk = 1, .per_round = 32,
    .seed = camp_mix64 (gd_now_ns () ^ (uint64_t) getpid ()) % 1000000000000ULL,
  };
  /* Every backend of the launcher's table but KVM (no machine here runs
   * it; --backend kvm asks for it), and every cache mode of the one list.
   */
  const struct backend *be;
  for (size_t i = 0; (be = backend_at (i)) != NULL && o->nb < MAX_LIST; i++)
    if (be->ops && be->kind != BACKEND_KVM)
      o->backends[o->nb++] = be->name;
  for (size_t i = 0; i < disk_ncache_modes && o->nc < MAX_LIST; i++)
    o->caches[o->nc++] = disk_cache_modes[i].name;
  optind = 1;
  while ((opt = getopt_long (argc, argv, "v", opts, NULL)) != -1) {
    switch (opt) {
    case 'n': if (parse_count (optarg, "cuts", 100000, &o->cuts) == -1) return -1; break;
    case 'f': if (parse_count (optarg, "from", 100000, &o->from) == -1) return -1; break;
    case 'p': if (parse_count (optarg, "per-round", 1000, &o->per_round) == -1) return -1; break;
    case 's':
      errno = 0;
      o->seed = strtoull (optarg, &end, 10);
      if (errno || *end || end == optarg || *optarg == '-') {
        fprintf (stderr, "guestdrv: fsync-test: --seed: '%s' is not a "
                 "number\n", optarg);
        return -1;
      }
      break;
    case 'b': if (split_list (optarg, o->backends, &o->nb, "backend") == -1) return -1; break;
    case 'c': if (split_list (optarg, o->caches, &o->nc, "cache") == -1) return -1; break;
    case 'D': if (split_list (optarg, o->disks, &o->nd, "uml-disk") == -1) return -1; break;
    case 'K':
      if (split_list (optarg, kitems, &o->nk, "kernel") == -1)
        return -1;
      if (harness_parse_kernels (kitems, o->nk, o->kernels) == -1) {
        fprintf (stderr, "guestdrv: fsync-test: --kernel: %s\n", gd_get_error ());
        return -1;
      }
      break;
    case 'j': o->json = true; break;
    case 'k': o->keep = true; break;
    case 'v': gd_verbose = 1; break;
    default:
      fprintf (stderr, "guestdrv: fsync-test: see guestdrv fsync-test --help "
               "and fsync/CAMPAIGN.md\n");
      return -1;
    }
  }
  if (optind < argc) {
    fprintf (stderr, "guestdrv: fsync-test: unexpected argument '%s'\n",
             argv[optind]);
    return -1;
  }
  if (o->cuts == 0 || o->from >= o->cuts) {
    fprintf (stderr, "guestdrv: fsync-test: --cuts must be at least 1 and "
             "more than --from\n");
    return -1;
  }
  if (o->per_round == 0)
    o->per_round = 1;
  return 0;
}
