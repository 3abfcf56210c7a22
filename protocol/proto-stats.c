/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-procedure counters and latency percentiles.  A procedure's record
 * is allocated when it is first called, so a session that uses a dozen
 * procedures keeps a dozen records.
 */
#include <stdlib.h>
#include <string.h>

#include "proto-internal.h"
#include "../common/error.h"

#define NLAT (sizeof ((struct proto_proc_stats *) 0)->lat_ns / sizeof (uint64_t))

struct proto_proc_stats *
proto_stats_for (struct proto *p, uint32_t proc)
{
  if (proc > PROTO_PROC_MAX)
    return NULL;
  if (p->stats[proc] == NULL)
    p->stats[proc] = calloc (1, sizeof *p->stats[proc]);
  return p->stats[proc];        /* NULL if out of memory: counting is optional */
}

void
proto_stats_latency (struct proto_proc_stats *s, uint64_t ns)
{
  s->lat_ns[s->nlat % NLAT] = ns;
  s->nlat++;
}

void
proto_stats_free (struct proto *p)
{
  for (size_t i = 0; i <= PROTO_PROC_MAX; i++)
    free (p->stats[i]);
}

const struct proto_proc_stats *
proto_get_stats (const struct proto *p, uint32_t proc)
{
  static const struct proto_proc_stats zero;

  if (proc > PROTO_PROC_MAX)
    return NULL;
  return p->stats[proc] ? p->stats[proc] : &zero;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile over the samples still in the ring. */
uint64_t
proto_latency_percentile (const struct proto_proc_stats *s, double pct)
{
  uint64_t v[NLAT];
  size_t n = s->nlat < NLAT ? s->nlat : NLAT;
  size_t rank;

  if (n == 0)
    return 0;
  memcpy (v, s->lat_ns, n * sizeof v[0]);
  qsort (v, n, sizeof v[0], cmp_u64);
  if (pct <= 0)
    return v[0];
  if (pct >= 100)
    return v[n - 1];
  rank = (size_t) (pct / 100.0 * n + 0.999999);
  if (rank == 0)
    rank = 1;
  if (rank > n)
    rank = n;
  return v[rank - 1];
}
