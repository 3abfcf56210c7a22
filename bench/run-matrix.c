/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `guestdrv bench`'s case matrix: payload and image sizes per case,
 * which backends can run here, and the groups' memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "../common/error.h"
#include "../launcher/kernel-name.h"
#include "../launcher/launcher.h"

/* The KVM probe runs a vCPU; three seconds is plenty when KVM works. */
#define KVM_PROBE_MS 3000

/* The payload size of scenario SC on BACKEND. */
uint64_t
bench_size_for (const struct options *o, const struct bench_scenario *sc,
                const char *backend)
{
  uint64_t bytes = 0;
  size_t i;

  if (!sc->moves_bytes)
    return 0;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend == NULL && bytes == 0)
      bytes = o->sizes[i].bytes;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend && strcmp (o->sizes[i].backend, backend) == 0)
      bytes = o->sizes[i].bytes;
  if (bytes == 0)
    bytes = sc->variant ? BENCH_VARIANT_SIZE : BENCH_CORE_SIZE;
  /* A payload attached as a disk (dd copies a whole block device) is
   * sectors.
   */
  if (sc->payload == PAYLOAD_DISK)
    bytes &= ~(uint64_t) 511;
  return bytes;
}

/* The image must hold the payload (and tgz-in's unpacked copy). */
uint64_t
bench_image_size_for (const struct bench_scenario *sc, uint64_t bytes)
{
  uint64_t size = workdir_image_size (sc);
  uint64_t need = bytes + bytes / 4 + 64 * 1024 * 1024;

  if (need > size)
    size = (need + (1 << 20) - 1) & ~(uint64_t) ((1 << 20) - 1);
  return size;
}

/* Whether BACKEND can run here; *WHY gets the reason if not: KVM's
 * probe runs a vCPU, the others' launcher check takes a probe image.
 */
int
bench_backend_usable (const char *backend, const char *dir, char *why,
                size_t whylen)
{
  const struct backend *b = backend_lookup (backend);
  struct disk d = { .format = "raw", .cache = "writeback" };
  struct launch_config cfg = { .disks = &d, .ndisks = 1, .memory_mb = 1024,
                               .vcpus = 1 };
  char *path;
  FILE *fp;
  int ok;

  if (b->kind == BACKEND_KVM)
    return kvm_probe (KVM_PROBE_MS, why, whylen);
  cfg.backend = b->kind;
  if (asprintf (&path, "%s/probe.img", dir) == -1)
    return 0;
  fp = fopen (path, "we");
  if (fp == NULL || ftruncate (fileno (fp), 1 << 20) == -1) {
    snprintf (why, whylen, "%s: %m", path);
    if (fp)
      fclose (fp);
    free (path);
    return 0;
  }
  fclose (fp);
  d.path = path;
  ok = launcher_prepare (&cfg) == 0;
  if (!ok)
    snprintf (why, whylen, "%s", gd_get_error ());
  unlink (path);
  free (path);
  return ok;
}

void
bench_group_free (struct group *g)
{
  free (g->label);
  free (g->payload);
  free (g->tarball);
  free (g->launch);
  free (g->shutdown);
  free (g->channel);
  free (g->disk);
  free (g->plaunch);
  free (g->pshutdown);
}


/* Whether BACKEND runs dimension D side by side. */
static int
takes (const char *backend, const struct bench_dim *d)
{
  return backend_takes_setting (backend_lookup (backend), d->name);
}

/* Which value of each dimension variant V is (the first varies
 * fastest); 0 if V repeats a variant of BACKEND (a dimension it does not
 * take at a value other than the first).
 */
static int
variant_values (const struct options *o, const char *backend, size_t v,
                size_t *at)
{
  for (size_t i = 0; i < o->ndims; i++) {
    at[i] = v % o->dims[i].nvalues;
    v /= o->dims[i].nvalues;
    if (at[i] && !takes (backend, &o->dims[i]))
      return 0;
  }
  return 1;
}

/* The name of a backend's cases before the kernel and bare suffixes:
 * "uml-serial-vhost-user" when --uml-channel and --uml-disk were given.
 */
static void
variant_name (const struct options *o, const char *backend,
              const size_t *at, char *name, size_t len)
{
  size_t n = (size_t) snprintf (name, len, "%s", backend);

  for (size_t i = 0; i < o->ndims && n < len; i++)
    if (!o->dims[i].bare && o->dims[i].given && takes (backend, &o->dims[i]))
      n += (size_t) snprintf (name + n, len - n, "-%s",
                              o->dims[i].values[at[i]]);
}

/* A launch-only scenario (startup): the whole-process rows, once per
 * backend (cache index 0).
 */
static int
plan_add_refs (const struct options *o, struct bench_results *r,
               struct bench_plan *p, struct group *g,
               const struct bench_key *key)
{
  for (size_t t = 0; t < STARTUP_REF_NTOOLS; t++) {
    struct bench_key kr = *key;

    if (strcmp (startup_ref_tools[t], STARTUP_REF_PEER) == 0 &&
        (!o->peer || !backend_lookup (g->backend)->libguestfs_settings))
      continue;
    kr.tool = startup_ref_tools[t];
    if ((g->ref[t] = results_add_case (r, &kr)) == NULL)
      return -1;
    p->keys[p->nk++] = kr;
  }
  return 0;
}

/* The peer's case of G: skipped where libguestfs cannot run it. */
static int
plan_add_peer (struct bench_results *r, struct bench_plan *p,
               struct group *g, struct bench_key key, int variant)
{
  char why[64];

  key.tool = BENCH_TOOL_PEER;
  if ((g->peer = results_add_case (r, &key)) == NULL)
    return -1;
  if (!backend_lookup (g->backend)->libguestfs_settings) {
    results_no_peer_backend (g->backend, why, sizeof why);
    strncat (why, " in libguestfs", sizeof why - strlen (why) - 1);
    results_case_skip (g->peer, why);
  }
  else if (variant)
    results_case_skip (g->peer, "runs the packaged kernel only");
  else if (strcmp (g->cache, "writeback") != 0 &&
           strcmp (g->cache, "unsafe") != 0)
    results_case_skip (g->peer, "libguestfs cachemode is writeback "
                       "or unsafe only");
  else {
    p->keys[p->nk++] = key;
    p->peer_used = 1;
  }
  return 0;
}

/* One group: scenario K, cache J of backend I with kernel Q and the
 * dimensions' values AT; NAME from variant_name.
 */
static int
plan_add_group (const struct options *o, struct bench_results *r,
                struct bench_plan *p, const char *name, size_t i, size_t q,
                const size_t *at, size_t j, size_t k)
{
  struct group *g = &p->gs[p->ng++];
  struct bench_key key = { o->scenarios[k], NULL, o->caches[j],
                           BENCH_TOOL_SELF, 0 };
  const char *field[3] = { NULL, NULL, NULL };
  int variant, bare = 0;

  g->scenario = o->scenarios[k];
  g->sc = bench_scenario_lookup (g->scenario);
  g->backend = o->backends[i];
  g->cache = o->caches[j];
  g->kernel_path = o->kernels[q].path;
  for (size_t d = 0; d < o->ndims; d++) {
    const struct bench_dim *dim = &o->dims[d];

    if (!takes (g->backend, dim))
      continue;
    g->set_names[g->nsettings] = dim->name;
    g->set_values[g->nsettings++] = dim->values[at[d]];
    field[dim->field] = dim->values[at[d]];
    bare |= dim->bare && strcmp (dim->values[at[d]], dim->bare) == 0;
  }
  variant = g->kernel_path || bare;
  if (asprintf (&g->label, "%s%s%s%s", name,
                g->kernel_path ? ":" : "",
                g->kernel_path ? o->kernels[q].label : "",
                bare ? ":bare" : "") == -1) {
    g->label = NULL;
    gd_set_error_errno ("malloc");
    return -1;
  }
  key.backend = g->label;
  g->bytes = key.bytes = bench_size_for (o, g->sc, g->backend);
  if ((g->self = results_add_case (r, &key)) == NULL ||
      (field[DIM_CHANNEL] && field[DIM_DISK] &&
       results_case_set_devices (g->self, field[DIM_CHANNEL],
                                 field[DIM_DISK]) == -1))
    return -1;
  p->keys[p->nk++] = key;
  if (!g->sc->fs && j == 0 &&
      plan_add_refs (o, r, p, g, &key) == -1)
    return -1;
  if (o->peer && plan_add_peer (r, p, g, key, variant) == -1)
    return -1;
  return 0;
}

int
bench_plan_build (const struct options *o, struct bench_results *r,
                  struct bench_plan *p)
{
  size_t nvariants = 1;
  size_t max = o->nscenarios * o->nbackends * o->ncaches * o->nkernels *
    nvariants;

  for (size_t d = 0; d < o->ndims; d++)
    nvariants *= o->dims[d].nvalues;
  max *= nvariants;
  memset (p, 0, sizeof *p);
  p->gs = calloc (max, sizeof *p->gs);
  /* Per group: guestdrv's case, the peer's and the whole-process rows. */
  p->keys = calloc ((2 + STARTUP_REF_NTOOLS) * max, sizeof *p->keys);
  if (!p->gs || !p->keys) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (size_t i = 0; i < o->nbackends; i++)
    for (size_t q = 0; q < o->nkernels; q++) {
      /* guestdrv's own kernels are UML's: no tcg:guestdrv case. */
      if (o->kernels[q].named &&
          !kernel_name_boots (o->kernels[q].label,
                              backend_lookup (o->backends[i])->appliance))
        continue;
      for (size_t v = 0; v < nvariants; v++) {
        size_t at[BENCH_MAX_DIMS];
        char name[64];

        /* A backend runs once per value of the settings it takes. */
        if (!variant_values (o, o->backends[i], v, at))
          continue;
        variant_name (o, o->backends[i], at, name, sizeof name);
        for (size_t j = 0; j < o->ncaches; j++)
          for (size_t k = 0; k < o->nscenarios; k++)
            if (plan_add_group (o, r, p, name, i, q, at, j, k) == -1)
              return -1;
      }
    }
  return 0;
}

void
bench_plan_free (struct bench_plan *p)
{
  for (size_t i = 0; i < p->ng; i++)
    bench_group_free (&p->gs[i]);
  free (p->gs);
  free (p->keys);
  memset (p, 0, sizeof *p);
}

int
bench_keep_usable_backends (struct options *o, const char *dir)
{
  const char **usable = calloc (o->nbackends + 1, sizeof *usable);
  size_t nusable = 0;
  char why[512];

  if (usable == NULL) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (size_t i = 0; i < o->nbackends; i++) {
    why[0] = '\0';
    if (bench_backend_usable (o->backends[i], dir, why, sizeof why))
      usable[nusable++] = o->backends[i];
    else
      fprintf (stderr, "guestdrv: bench: backend %s is not usable: %s%s\n",
               o->backends[i], why, o->backends_given ? "" : " (skipped)");
  }
  if (nusable == 0 || (o->backends_given && nusable < o->nbackends)) {
    free (usable);
    gd_set_error ("no usable backend to run");
    return -1;
  }
  free (o->backends);
  o->backends = usable;
  o->nbackends = nusable;
  return 0;
}
