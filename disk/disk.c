/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host side of the I/O counter: where the library is, the environment
 * that injects it, and merging the per-process files it writes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "iocount-format.h"
#include "../common/error.h"
#include "../common/exe-dir.h"
#include "../trace/trace.h"

#ifndef GUESTDRV_LIBDIR
#define GUESTDRV_LIBDIR "/usr/local/lib/guestdrv"
#endif
#define IOCOUNT_SO "libguestdrv-iocount.so"

bool disk_iocount_force;

bool
disk_iocount_wanted (void)
{
  return disk_iocount_force || trace_on (TL_DISK);
}

const char *
disk_iocount_library (void)
{
  static char path[PATH_MAX + 64];
  char exe[PATH_MAX];
  const char *e = getenv ("GUESTDRV_IOCOUNT_SO");

  if (e && *e)
    return e[0] == '/' && access (e, R_OK) == 0 ? e : NULL;
  if (gd_exe_dir (exe, sizeof exe) == 0) {
    snprintf (path, sizeof path, "%s/disk/" IOCOUNT_SO, exe);
    if (access (path, R_OK) == 0)
      return path;
    /* The unit tests live in tests/unit/, two levels down. */
    snprintf (path, sizeof path, "%s/../../disk/" IOCOUNT_SO, exe);
    if (access (path, R_OK) == 0)
      return path;
  }
  snprintf (path, sizeof path, "%s/" IOCOUNT_SO, GUESTDRV_LIBDIR);
  return access (path, R_OK) == 0 ? path : NULL;
}

void
disk_iocount_dir (const char *tmpdir, char *out, size_t outlen)
{
  snprintf (out, outlen, "%s/iocount", tmpdir);
}

void
disk_env_free (char **env)
{
  for (size_t i = 0; env && env[i]; i++)
    free (env[i]);
  free (env);
}

char **
disk_iocount_env (const char *tmpdir, const struct disk *disks, size_t ndisks)
{
  const char *lib = disk_iocount_library ();
  const char *old = getenv ("LD_PRELOAD");
  char dir[512];
  char **env;
  size_t k = 0;

  if (!lib) {
    errno = ENOENT;
    gd_set_error ("disk: " IOCOUNT_SO " not found (build it with make, or "
                  "set GUESTDRV_IOCOUNT_SO)");
    return NULL;
  }
  if (ndisks > IOCOUNT_MAX_IMAGES) {
    errno = E2BIG;
    gd_set_error ("disk: the I/O counter handles at most %d images",
                  IOCOUNT_MAX_IMAGES);
    return NULL;
  }
  disk_iocount_dir (tmpdir, dir, sizeof dir);
  if (mkdir (dir, 0700) == -1 && errno != EEXIST) {
    gd_set_error_errno ("disk: mkdir %s", dir);
    return NULL;
  }
  env = calloc (ndisks + 4, sizeof *env);
  if (!env)
    goto oom;
  if (asprintf (&env[k++], "LD_PRELOAD=%s%s%s", lib, old && *old ? ":" : "",
                old && *old ? old : "") == -1 ||
      asprintf (&env[k++], IOCOUNT_ENV_DIR "=%s", dir) == -1 ||
      asprintf (&env[k++], IOCOUNT_ENV_N "=%zu", ndisks) == -1)
    goto oom;
  for (size_t i = 0; i < ndisks; i++)
    if (asprintf (&env[k++], IOCOUNT_ENV_PATH "%zu=%s", i, disks[i].path) == -1)
      goto oom;
  return env;

 oom:
  if (env)
    env[k ? k - 1 : 0] = NULL;  /* asprintf left it undefined */
  disk_env_free (env);
  gd_set_error_errno ("disk: environment");
  return NULL;
}

/* One file's figures for one image. */
struct record {
  uint64_t id, seq;
  struct disk_counters c;
  int have;
};

static int
parse_file (const char *path, size_t idx, struct record *rec)
{
  FILE *f = fopen (path, "re");
  char line[512];
  unsigned long long id, seq;
  int pid;

  memset (rec, 0, sizeof *rec);
  if (!f)
    return -1;
  if (!fgets (line, sizeof line, f) ||
      strncmp (line, IOCOUNT_MAGIC, strlen (IOCOUNT_MAGIC)) != 0 ||
      !fgets (line, sizeof line, f) ||
      sscanf (line, "id %llx pid %d seq %llu", &id, &pid, &seq) != 3) {
    fclose (f);
    return -1;
  }
  rec->id = id;
  rec->seq = seq;
  while (fgets (line, sizeof line, f)) {
    unsigned long long v[11];
    int k;
    if (sscanf (line, "image %d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                &k, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
                &v[8], &v[9], &v[10]) != 12 || k < 0 || (size_t) k != idx)
      continue;
    rec->c.opens = v[0];
    rec->c.sync_opens = v[1];
    rec->c.reads = v[2];
    rec->c.bytes_read = v[3];
    rec->c.read_ns = v[4];
    rec->c.writes = v[5];
    rec->c.bytes_written = v[6];
    rec->c.write_ns = v[7];
    rec->c.flushes = v[8];
    rec->c.flush_ns = v[9];
    rec->c.fallocates = v[10];
    rec->have = 1;
  }
  fclose (f);
  return 0;
}

/* A live mapping's figures (iocount-format.h): current at this moment,
 * so they win over the text file of the same id (highest seq).
 */
static int
parse_live (const char *path, size_t idx, struct record *rec)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  struct iocount_live *l;
  uint64_t v[IOCOUNT_NFIELDS];

  memset (rec, 0, sizeof *rec);
  if (fd == -1)
    return -1;
  if (fstat (fd, &st) == -1 || (size_t) st.st_size < sizeof *l) {
    close (fd);
    return -1;
  }
  l = mmap (NULL, sizeof *l, PROT_READ, MAP_SHARED, fd, 0);
  close (fd);
  if (l == MAP_FAILED)
    return -1;
  if (strncmp (l->magic, IOCOUNT_LIVE_MAGIC, sizeof l->magic) != 0 ||
      l->nimages > IOCOUNT_MAX_IMAGES) {
    munmap (l, sizeof *l);
    return -1;
  }
  rec->id = l->id;
  rec->seq = UINT64_MAX;
  if (idx < l->nimages) {
    for (int f = 0; f < IOCOUNT_NFIELDS; f++)
      v[f] = atomic_load_explicit (&l->v[idx][f], memory_order_relaxed);
    rec->c.opens = v[IOC_OPENS];
    rec->c.sync_opens = v[IOC_SYNC_OPENS];
    rec->c.reads = v[IOC_READS];
    rec->c.bytes_read = v[IOC_BYTES_READ];
    rec->c.read_ns = v[IOC_READ_NS];
    rec->c.writes = v[IOC_WRITES];
    rec->c.bytes_written = v[IOC_BYTES_WRITTEN];
    rec->c.write_ns = v[IOC_WRITE_NS];
    rec->c.flushes = v[IOC_FLUSHES];
    rec->c.flush_ns = v[IOC_FLUSH_NS];
    rec->c.fallocates = v[IOC_FALLOCATES];
    rec->have = 1;
  }
  munmap (l, sizeof *l);
  return 0;
}

int
disk_counters_read_dir (const char *dir, size_t idx, struct disk_counters *c)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  struct record *recs = NULL, rec;
  size_t nrecs = 0, cap = 0, files = 0;

  memset (c, 0, sizeof *c);
  if (!d) {
    gd_set_error_errno ("disk: %s (is the I/O counter injected? trace the "
                        "disk layer or set disk_iocount_force)", dir);
    return -1;
  }
  while ((e = readdir (d)) != NULL) {
    char path[1024];
    size_t i;

    snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
    if (strncmp (e->d_name, IOCOUNT_LIVE_PREFIX,
                 strlen (IOCOUNT_LIVE_PREFIX)) == 0) {
      if (parse_live (path, idx, &rec) == -1)
        continue;
    }
    else if (strncmp (e->d_name, IOCOUNT_PREFIX, strlen (IOCOUNT_PREFIX)) != 0 ||
             parse_file (path, idx, &rec) == -1)
      continue;
    files++;
    for (i = 0; i < nrecs; i++)
      if (recs[i].id == rec.id)
        break;
    if (i < nrecs) {
      if (rec.seq > recs[i].seq)
        recs[i] = rec;
      continue;
    }
    if (nrecs == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      struct record *n = realloc (recs, ncap * sizeof *n);
      if (!n) {
        closedir (d);
        free (recs);
        gd_set_error_errno ("disk: realloc");
        return -1;
      }
      recs = n;
      cap = ncap;
    }
    recs[nrecs++] = rec;
  }
  closedir (d);
  for (size_t i = 0; i < nrecs; i++) {
    const struct disk_counters *r = &recs[i].c;
    if (!recs[i].have)
      continue;
    c->bytes_read += r->bytes_read;
    c->bytes_written += r->bytes_written;
    c->reads += r->reads;
    c->writes += r->writes;
    c->flushes += r->flushes;
    c->flush_ns += r->flush_ns;
    c->sync_opens += r->sync_opens;
    c->opens += r->opens;
    c->fallocates += r->fallocates;
    c->read_ns += r->read_ns;
    c->write_ns += r->write_ns;
    c->processes++;
  }
  free (recs);
  if (files == 0) {
    errno = ENOENT;
    gd_set_error ("disk: no counter files in %s: the hypervisor did not load "
                  "the I/O counter (statically linked, or not started yet)",
                  dir);
    return -1;
  }
  return 0;
}

int
disk_counters_read (const char *run_dir, size_t idx, struct disk_counters *c)
{
  char dir[512];

  disk_iocount_dir (run_dir, dir, sizeof dir);
  return disk_counters_read_dir (dir, idx, c);
}
