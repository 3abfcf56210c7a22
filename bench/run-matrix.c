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
#include "../launcher/launcher.h"

/* The KVM probe runs a vCPU; three seconds is plenty when KVM works. */
#define KVM_PROBE_MS 3000

static int
moves_payload (const char *scenario)
{
  const struct bench_scenario *sc = bench_scenario_lookup (scenario);
  return sc && sc->moves_bytes;
}

/* The payload size of SCENARIO on BACKEND. */
uint64_t
bench_size_for (const struct options *o, const char *scenario,
          const char *backend)
{
  uint64_t bytes = 0;
  size_t i;

  if (!moves_payload (scenario))
    return 0;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend == NULL && bytes == 0)
      bytes = o->sizes[i].bytes;
  for (i = 0; i < o->nsizes; i++)
    if (o->sizes[i].backend && strcmp (o->sizes[i].backend, backend) == 0)
      bytes = o->sizes[i].bytes;
  if (bytes == 0)
    bytes = workdir_image_size (scenario) == BENCH_CORE_IMAGE
      ? BENCH_CORE_SIZE : BENCH_VARIANT_SIZE;
  /* dd copies a whole block device: the payload disk is sectors. */
  if (strcmp (scenario, "dd") == 0)
    bytes &= ~(uint64_t) 511;
  return bytes;
}

/* The image must hold the payload (and tgz-in's unpacked copy). */
uint64_t
bench_image_size_for (const char *scenario, uint64_t bytes)
{
  uint64_t size = workdir_image_size (scenario);
  uint64_t need = bytes + bytes / 4 + 64 * 1024 * 1024;

  if (need > size)
    size = (need + (1 << 20) - 1) & ~(uint64_t) ((1 << 20) - 1);
  return size;
}

/* Whether BACKEND can run here; *WHY gets the reason if not. */
int
bench_backend_usable (const char *backend, const char *dir, char *why,
                size_t whylen)
{
  if (strcmp (backend, "kvm") == 0)
    return kvm_probe (KVM_PROBE_MS, why, whylen);
  if (strcmp (backend, "uml") == 0) {
    struct disk d = { .format = "raw", .cache = "writeback" };
    struct launch_config cfg = { .backend = BACKEND_UML, .disks = &d,
                                 .ndisks = 1, .memory_mb = 1024, .vcpus = 1 };
    char *path;
    FILE *fp;
    int ok;

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
  return 1;
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


/* The name of a backend's cases before the kernel and window suffixes:
 * "uml-serial-vhost-user" when --uml-channel or --uml-disk was given.
 */
static void
variant_name (const struct options *o, const char *backend, size_t chi,
              size_t dki, char *name, size_t len)
{
  int uml = strcmp (backend, "uml") == 0;

  snprintf (name, len, "%s%s%s%s%s", backend,
            uml && o->channels_given ? "-" : "",
            uml && o->channels_given ? o->channels[chi] : "",
            uml && o->disks_given ? "-" : "",
            uml && o->disks_given ? o->disks[dki] : "");
}

/* startup: the whole-process rows, once per backend (cache index 0). */
static int
plan_add_refs (const struct options *o, struct bench_results *r,
               struct bench_plan *p, struct group *g,
               const struct bench_key *key)
{
  for (size_t t = 0; t < STARTUP_REF_NTOOLS; t++) {
    struct bench_key kr = *key;

    if (strcmp (startup_ref_tools[t], STARTUP_REF_PEER) == 0 &&
        (!o->peer || strcmp (g->backend, "uml") == 0))
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
               struct group *g, struct bench_key key, int uml, int variant)
{
  key.tool = BENCH_TOOL_PEER;
  if ((g->peer = results_add_case (r, &key)) == NULL)
    return -1;
  if (uml)
    results_case_skip (g->peer, "no UML backend in libguestfs");
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

/* One group: scenario K, cache J of backend I with kernel Q, UML's
 * window W, channel CHI and disk DKI; NAME from variant_name.
 */
static int
plan_add_group (const struct options *o, struct bench_results *r,
                struct bench_plan *p, const char *name, size_t i, size_t q,
                size_t w, size_t chi, size_t dki, size_t j, size_t k)
{
  struct group *g = &p->gs[p->ng++];
  struct bench_key key = { o->scenarios[k], NULL, o->caches[j],
                           BENCH_TOOL_SELF, 0 };
  int uml = strcmp (o->backends[i], "uml") == 0;
  int variant;

  g->scenario = o->scenarios[k];
  g->backend = o->backends[i];
  g->cache = o->caches[j];
  g->kernel_path = o->kernels[q].path;
  g->bare = uml && !o->windows[w];
  g->uml_channel = uml ? o->channels[chi] : NULL;
  g->uml_disk = uml ? o->disks[dki] : NULL;
  variant = g->kernel_path || g->bare;
  if (asprintf (&g->label, "%s%s%s%s", name,
                g->kernel_path ? ":" : "",
                g->kernel_path ? o->kernels[q].label : "",
                g->bare ? ":bare" : "") == -1) {
    g->label = NULL;
    gd_set_error_errno ("malloc");
    return -1;
  }
  key.backend = g->label;
  g->bytes = key.bytes = bench_size_for (o, g->scenario, g->backend);
  if ((g->self = results_add_case (r, &key)) == NULL ||
      (uml && results_case_set_uml (g->self, g->uml_channel,
                                    g->uml_disk) == -1))
    return -1;
  p->keys[p->nk++] = key;
  if (strcmp (g->scenario, "startup") == 0 && j == 0 &&
      plan_add_refs (o, r, p, g, &key) == -1)
    return -1;
  if (o->peer && plan_add_peer (r, p, g, key, uml, variant) == -1)
    return -1;
  return 0;
}

int
bench_plan_build (const struct options *o, struct bench_results *r,
                  struct bench_plan *p)
{
  size_t nvariants = o->nwindows * o->nchannels * o->ndisks;
  size_t max = o->nscenarios * o->nbackends * o->ncaches * o->nkernels *
    nvariants;

  memset (p, 0, sizeof *p);
  p->gs = calloc (max, sizeof *p->gs);
  /* Per group: guestdrv's case, the peer's and the whole-process rows. */
  p->keys = calloc ((2 + STARTUP_REF_NTOOLS) * max, sizeof *p->keys);
  if (!p->gs || !p->keys) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (size_t i = 0; i < o->nbackends; i++)
    for (size_t q = 0; q < o->nkernels; q++)
      for (size_t v = 0; v < nvariants; v++) {
        size_t w = v % o->nwindows, chi = v / o->nwindows % o->nchannels;
        size_t dki = v / o->nwindows / o->nchannels;
        char name[64];

        /* The window, channel and disk are UML's: other backends run
         * once per kernel.
         */
        if (strcmp (o->backends[i], "uml") != 0 && v > 0)
          continue;
        variant_name (o, o->backends[i], chi, dki, name, sizeof name);
        for (size_t j = 0; j < o->ncaches; j++)
          for (size_t k = 0; k < o->nscenarios; k++)
            if (plan_add_group (o, r, p, name, i, q, w, chi, dki, j, k)
                == -1)
              return -1;
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
