/* guestdrv-lazyfs's power-cut snapshots and injected I/O errors: the
 * pieces that let one hypervisor run serve a whole crash campaign
 * (fsync/campaign*.c) and the host-fault tests.
 *
 * A power cut leaves exactly the backing file (model.h: durable means
 * "in the backing file").  So "what a cut now would leave" is a copy of
 * the backing file, taken under the model's lock so that no write or
 * fsync is half applied.  The disk's operations (every write, fsync,
 * fdatasync, truncate; reads do not change what a cut leaves) are
 * numbered from the mount on; `snap NAME DIR N1,N2,...` arms copies of
 * NAME's durable state after operations N1, N2, ... as DIR/cut-N.img,
 * and the hypervisor never notices.  A cut at operation N is thus the
 * same whatever the timing: replaying a cut needs the same workload, not
 * the same clock.
 *
 * `snap off` disarms.
 *
 * `fail KIND COUNT [SKIP]` makes the next COUNT operations of KIND
 * (read, write, fsync; after SKIP more of them) fail with EIO, as a disk
 * would.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "lazyfs/lazyfs.h"

#define SNAP_MAX 4096
#define COPY_CHUNK (1024 * 1024)

static struct {
  uint64_t ops;                 /* state-changing operations so far */
  uint64_t *at;                 /* armed operation numbers, ascending */
  size_t nat, next;
  char *name, *dir;
  uint64_t taken, failed;
  char last_error[256];
} snap;

static struct {
  uint64_t skip[LFS_FAULT_NKINDS], count[LFS_FAULT_NKINDS];
  uint64_t injected[LFS_FAULT_NKINDS];
} fault;

static const char *const fault_kinds[LFS_FAULT_NKINDS] = {
  "read", "write", "fsync"
};

/* Copy the durable bytes of F to PATH, skipping holes (the images are
 * mostly sparse, and a cut campaign copies hundreds of them).
 */
static int
snap_copy (struct lfs_file *f, const char *path)
{
  int in = model_file_fd (f->mf);
  uint64_t size = model_file_durable_size (f->mf);
  char *buf = NULL;
  int out;
  off_t data = 0;

  out = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out == -1) {
    gd_set_error_errno ("snapshot %s", path);
    return -1;
  }
  buf = malloc (COPY_CHUNK);
  if (!buf)
    goto err;
  while ((uint64_t) data < size) {
    off_t hole;
    data = lseek (in, data, SEEK_DATA);
    if (data == -1 && errno == ENXIO)
      break;
    if (data == -1 || (uint64_t) data >= size)
      break;
    hole = lseek (in, data, SEEK_HOLE);
    if (hole == -1 || (uint64_t) hole > size)
      hole = (off_t) size;
    while (data < hole) {
      size_t n = hole - data > COPY_CHUNK ? COPY_CHUNK : (size_t) (hole - data);
      ssize_t r = pread (in, buf, n, data);
      if (r <= 0 || pwrite (out, buf, (size_t) r, data) != r)
        goto err;
      data += r;
    }
  }
  if (ftruncate (out, (off_t) size) == -1)
    goto err;
  free (buf);
  if (close (out) == -1) {
    gd_set_error_errno ("snapshot %s", path);
    return -1;
  }
  return 0;
 err:
  gd_set_error_errno ("snapshot %s", path);
  free (buf);
  close (out);
  unlink (path);
  return -1;
}

void
lfs_snap_tick (void)
{
  struct lfs_file *f;
  char path[4096];

  snap.ops++;
  while (snap.next < snap.nat && snap.at[snap.next] <= snap.ops) {
    uint64_t n = snap.at[snap.next++];
    if (n != snap.ops)
      continue;                 /* armed in the past: never taken */
    snprintf (path, sizeof path, "%s/cut-%" PRIu64 ".img", snap.dir, n);
    f = lfs_file_find (snap.name);
    if (!f) {
      snprintf (snap.last_error, sizeof snap.last_error,
                "snapshot at %" PRIu64 ": %s is not open", n, snap.name);
      snap.failed++;
    }
    else if (snap_copy (f, path) == -1) {
      snprintf (snap.last_error, sizeof snap.last_error, "%s",
                gd_get_error ());
      snap.failed++;
    }
    else
      snap.taken++;
  }
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

/* "snap NAME DIR N1,N2,...": replaces what was armed before. */
int
lfs_snap_arm (FILE *fp, char *args)
{
  char *save = NULL, *name, *dir, *list, *t;
  uint64_t *at;
  size_t n = 0;

  if (strcmp (args, "off") == 0) {
    lfs_snap_free ();
    fputs ("{\"ok\":true,\"cmd\":\"snap\",\"armed\":0}", fp);
    return 0;
  }
  name = strtok_r (args, " ", &save);
  dir = strtok_r (NULL, " ", &save);
  list = strtok_r (NULL, " ", &save);
  if (!name || !dir || !list || strtok_r (NULL, " ", &save)) {
    gd_set_error ("usage: snap NAME DIR N1,N2,...");
    return -1;
  }
  at = calloc (SNAP_MAX, sizeof *at);
  if (!at) {
    gd_set_error_errno ("calloc");
    return -1;
  }
  for (t = strtok_r (list, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
    char *end;
    errno = 0;
    if (n == SNAP_MAX) {
      gd_set_error ("snap: at most %d operation numbers", SNAP_MAX);
      goto err;
    }
    at[n] = strtoull (t, &end, 10);
    if (errno || *end || end == t || at[n] == 0) {
      gd_set_error ("snap: '%.32s' is not an operation number", t);
      goto err;
    }
    n++;
  }
  qsort (at, n, sizeof *at, cmp_u64);
  free (snap.at);
  free (snap.name);
  free (snap.dir);
  snap.name = strdup (name);
  snap.dir = strdup (dir);
  if (!snap.name || !snap.dir) {
    gd_set_error_errno ("strdup");
    snap.nat = 0;
    free (at);
    snap.at = NULL;
    return -1;
  }
  snap.at = at;
  snap.nat = n;
  snap.next = 0;
  fprintf (fp, "{\"ok\":true,\"cmd\":\"snap\",\"ops\":%" PRIu64 ",\"armed\":%zu}",
           snap.ops, n);
  return 0;
 err:
  free (at);
  return -1;
}

/* "ops": the operation counter and the snapshots' tally. */
void
lfs_snap_status (FILE *fp)
{
  fprintf (fp, "{\"ok\":true,\"cmd\":\"ops\",\"ops\":%" PRIu64
           ",\"taken\":%" PRIu64 ",\"failed\":%" PRIu64
           ",\"pending\":%zu,\"faults_injected\":%" PRIu64 ",\"last_error\":\"",
           snap.ops, snap.taken, snap.failed, snap.nat - snap.next,
           fault.injected[0] + fault.injected[1] + fault.injected[2]);
  for (const char *p = snap.last_error; *p; p++)
    if (*p != '"' && *p != '\\' && (unsigned char) *p >= 0x20)
      fputc (*p, fp);
  fputs ("\"}", fp);
}

/* "fail KIND COUNT [SKIP]". */
int
lfs_fault_arm (FILE *fp, char *args)
{
  char *save = NULL, *kind, *count, *skip, *end;
  int k;

  kind = strtok_r (args, " ", &save);
  count = strtok_r (NULL, " ", &save);
  skip = strtok_r (NULL, " ", &save);
  for (k = 0; kind && k < LFS_FAULT_NKINDS; k++)
    if (strcmp (kind, fault_kinds[k]) == 0)
      break;
  if (!kind || k == LFS_FAULT_NKINDS || !count) {
    gd_set_error ("usage: fail read|write|fsync COUNT [SKIP]");
    return -1;
  }
  errno = 0;
  fault.count[k] = strtoull (count, &end, 10);
  if (errno || *end) {
    gd_set_error ("fail: '%.32s' is not a count", count);
    return -1;
  }
  fault.skip[k] = 0;
  if (skip) {
    fault.skip[k] = strtoull (skip, &end, 10);
    if (errno || *end) {
      gd_set_error ("fail: '%.32s' is not a count", skip);
      return -1;
    }
  }
  fprintf (fp, "{\"ok\":true,\"cmd\":\"fail\",\"kind\":\"%s\",\"count\":%" PRIu64
           ",\"skip\":%" PRIu64 "}", fault_kinds[k], fault.count[k],
           fault.skip[k]);
  return 0;
}

/* Under lfs.lock: -EIO if this operation of KIND must fail. */
int
lfs_fault_check (int kind)
{
  if (fault.count[kind] == 0)
    return 0;
  if (fault.skip[kind] > 0) {
    fault.skip[kind]--;
    return 0;
  }
  fault.count[kind]--;
  fault.injected[kind]++;
  return -EIO;
}

void
lfs_snap_free (void)
{
  free (snap.at);
  free (snap.name);
  free (snap.dir);
  snap.at = NULL;
  snap.name = snap.dir = NULL;
  snap.nat = snap.next = 0;
}
