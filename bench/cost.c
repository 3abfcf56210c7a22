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
#include "../launcher/launcher.h"

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
  const struct backend *b;

  if (m == NULL) {
    gd_set_error_errno ("bench: calloc");
    return NULL;
  }
  /* The starting points are the launcher's table's (backends.c). */
  for (size_t k = 0; (b = backend_at (k)) != NULL && m->nb < MAX_BACKENDS;
       k++) {
    if (!b->ops)
      continue;
    m->b[m->nb] = (struct cost_backend) { b->name, b->plan_startup_s,
      b->plan_channel_MBps, b->plan_disk_MBps, b->plan_call_s };
    m->correction[m->nb++] = 1.0;
  }
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
   * the launcher's backend table.
   */
  m->b[i] = *b;
  m->correction[i] = 1.0;
  return 0;
}

/* The disk leg's cost relative to cache=writeback (the disk layer's
 * table of cache modes).
 */
static double
cache_factor (const char *cache)
{
  const struct disk_cache_mode *c = disk_cache_lookup (cache);

  return c ? c->write_cost : 1.0;
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
