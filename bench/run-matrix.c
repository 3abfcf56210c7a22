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

