/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark cost model (see cost.h).
 *
 * One run = startup_s × tool factor
 *         + payload MB × (channel_weight / channel_MBps
 *                         + disk_weight × cache factor / disk_MBps)
 *         + api_calls × call_s + scenario fixed_s,
 * all times the backend's correction factor learned from measurements.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "scenario.h"
#include "../common/error.h"

/* Starting points, from the libguestfs studies and rough experience:
 * UML's host→guest channel is a serial line (~1 MB/s); TCG emulates
 * every instruction, so the appliance boots slowly and moves ~40 MB/s.
 */
static const struct cost_backend default_backends[] = {
  /* name  startup_s  channel_MBps  disk_MBps  call_s */
  { "kvm",  3.0,      200.0,        300.0,     0.0002 },
  { "tcg", 20.0,       40.0,         60.0,     0.002  },
  { "uml",  6.0,        0.5,        150.0,     0.001  },
};

/* Cost of the disk leg relative to cache=writeback. */
static const struct {
  const char *cache;
  double factor;
} cache_factors[] = {
  { "writeback", 1.0 }, { "unsafe", 0.7 }, { "none", 1.5 },
  { "writethrough", 4.0 }, { "directsync", 4.0 },
};

/* libguestfs's launch does more (libvirt or its own checks). */
#define PEER_STARTUP_FACTOR 1.3

#define MAX_BACKENDS 16

struct cost_model {
  struct cost_backend b[MAX_BACKENDS];
  double correction[MAX_BACKENDS];
  size_t nb;
};

struct cost_model *
cost_model_new (void)
{
  struct cost_model *m = calloc (1, sizeof *m);
  size_t i;

  if (m == NULL) {
    gd_set_error_errno ("bench: calloc");
    return NULL;
  }
  for (i = 0; i < sizeof default_backends / sizeof default_backends[0]; i++) {
    m->b[i] = default_backends[i];
    m->correction[i] = 1.0;
  }
  m->nb = i;
  return m;
}

void
cost_model_free (struct cost_model *m)
{
  free (m);
}

static int
find_backend (const struct cost_model *m, const char *name)
{
  size_t i;

  /* Case names carry variants after ':' or '-' (run.c):
   * "uml:patched:bare", "uml-serial", "uml-virtio-vhost-user".
   */
  size_t n = strcspn (name, ":-");

  for (i = 0; i < m->nb; i++)
    if (strlen (m->b[i].name) == n && strncmp (m->b[i].name, name, n) == 0)
      return (int) i;
  return -1;
}

int
cost_model_set_backend (struct cost_model *m, const struct cost_backend *b)
{
  int i = find_backend (m, b->name);

  if (!(b->channel_MBps > 0) || !(b->disk_MBps > 0) || b->startup_s < 0) {
    errno = EINVAL;
    gd_set_error ("bench: cost model for %s: speeds must be positive",
                  b->name);
    return -1;
  }
  if (i == -1) {
    if (m->nb == MAX_BACKENDS) {
      errno = ENOSPC;
      gd_set_error ("bench: cost model: more than %d backends",
                    MAX_BACKENDS);
      return -1;
    }
    i = (int) m->nb++;
  }
  /* The name must outlive the model: callers pass string literals or
   * the backend table of scenario.c.
   */
  m->b[i] = *b;
  m->correction[i] = 1.0;
  return 0;
}

static double
cache_factor (const char *cache)
{
  size_t i;

  for (i = 0; i < sizeof cache_factors / sizeof cache_factors[0]; i++)
    if (strcmp (cache_factors[i].cache, cache) == 0)
      return cache_factors[i].factor;
  return 1.0;
}

/* Estimate without the learned correction. */
static int
base_estimate (const struct cost_model *m, const struct bench_key *k,
               int *bi, double *seconds)
{
  const struct bench_scenario *sc = bench_scenario_lookup (k->scenario);
  const struct cost_backend *b;
  double mb = (double) k->bytes / STATS_MB, t;

  if (sc == NULL)
    return -1;
  *bi = find_backend (m, k->backend);
  if (*bi == -1) {
    errno = EINVAL;
    gd_set_error ("bench: cost model: unknown backend '%s'", k->backend);
    return -1;
  }
  b = &m->b[*bi];
  t = b->startup_s;
  if (strcmp (k->tool, BENCH_TOOL_PEER) == 0)
    t *= PEER_STARTUP_FACTOR;
  if (sc->moves_bytes)
    t += mb * (sc->channel_weight / b->channel_MBps +
               sc->disk_weight * cache_factor (k->cache) / b->disk_MBps);
  t += sc->api_calls * b->call_s + sc->fixed_s;
  *seconds = t;
  return 0;
}

int
cost_model_estimate (const struct cost_model *m, const struct bench_key *k,
                     double *seconds)
{
  int bi;
  double t;

  if (base_estimate (m, k, &bi, &t) == -1)
    return -1;
  *seconds = t * m->correction[bi];
  return 0;
}

int
cost_model_observe (struct cost_model *m, const struct bench_key *k,
                    double seconds)
{
  int bi;
  double t;

  if (base_estimate (m, k, &bi, &t) == -1)
    return -1;
  if (t > 0 && seconds > 0)
    m->correction[bi] = 0.5 * m->correction[bi] + 0.5 * (seconds / t);
  return 0;
}
