/* guestdrv-lazyfs: a FUSE filesystem that models a disk with a volatile
 * write cache, so we can ask whether a hypervisor passes a guest's fsync
 * down to its image file.  It mirrors one flat directory of regular files
 * (the VM images); every write goes into a per-file volatile overlay
 * (fsync/model.c) until the hypervisor fsyncs or fdatasyncs the file,
 * and a "cut" command discards whatever is still volatile, as a power
 * cut would.  The design follows LazyFS (used by Jepsen); no code of it.
 *
 * Usage:
 *   guestdrv-lazyfs BACKING_DIR MOUNTPOINT [--control SOCKET] [-f] ...
 *   guestdrv-lazyfs ctl SOCKET COMMAND
 *
 * Control protocol: a Unix stream socket at SOCKET.  The client connects,
 * sends one command line ("stats\n"), reads one JSON object on one line,
 * and the server closes the connection.  Commands:
 *   stats           {"ok":true,"cmd":"stats","files":[{"name":...,
 *                    "size":N,"durable_size":N,"dirty_bytes":N,
 *                    "open":N, <the counters of struct model_counters>}]}
 *   cut             {"ok":true,"cmd":"cut","bytes_lost":N,"files":[{"name":
 *                    ...,"bytes_lost":N,"ranges":[[off,len],...],
 *                    "ranges_truncated":false}]}
 *   sync-all        {"ok":true,"cmd":"sync-all","files":[{"name":...,
 *                    "bytes_synced":N}]}
 *   reset-counters  {"ok":true,"cmd":"reset-counters"}
 * An error is {"ok":false,"error":"..."}.  "files" lists the files opened
 * since the mount (a file never opened has no overlay and no counters).
 *
 * FUSE details that decide whether we see what the hypervisor does:
 *
 * - Every file is opened with direct_io (cfg->direct_io, fi->direct_io),
 *   and the writeback cache is switched off.  Otherwise the host kernel's
 *   page cache would absorb the hypervisor's pwrites and its writeback
 *   would decide when we see them: we would model the host's cache, not
 *   the disk's.  With direct_io each pwrite reaches us as FUSE_WRITE
 *   (split at max_write), before the syscall returns.  Attribute and entry
 *   timeouts are 0 so the size the kernel reports is always ours.
 *
 * - O_SYNC, O_DSYNC and O_DIRECT arrive in fi->flags at open (the kernel
 *   strips only O_CREAT, O_EXCL and O_NOCTTY; O_TRUNC comes too, because
 *   libfuse enables atomic O_TRUNC).  Each FUSE_WRITE also carries the
 *   file's current flags, plus O_DSYNC/O_SYNC for pwritev2(RWF_DSYNC), in
 *   fi->flags, so we test both.  Such writes are write-through: O_DIRECT
 *   on a real disk only bypasses the host cache, not the disk's, but
 *   hypervisors opening O_DIRECT (qemu cache=none) rely on flushes they
 *   also send, and we count those separately anyway.
 *
 * - fsync(2) and fdatasync(2) arrive as FUSE_FSYNC with the datasync
 *   flag set for the latter.  close(2) arrives as FUSE_FLUSH, which is not
 *   a durability point: we only count it.  sync_file_range(2), sync(2)
 *   and syncfs(2) never reach a FUSE filesystem (with direct_io there is
 *   no page cache for them to write back), so we cannot count them; a
 *   hypervisor that relies on them alone will be seen to lose data.
 *
 * Metadata (create, truncate, rename, unlink) is write-through.  Unmount
 * discards what is still volatile, as switching off would: send sync-all
 * first to keep it.
 */
#define FUSE_USE_VERSION 31

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <fuse.h>

#include "common/debug.h"
#include "common/error.h"
#include "fsync/model.h"

/* Lost ranges listed per file in a cut reply; the byte count is exact. */
#define CUT_MAX_RANGES 1024

struct lfs_file {
  struct lfs_file *next;
  char *name;                   /* NULL once unlinked */
  struct model_file *mf;
  unsigned refs;                /* one while linked, one per open handle */
  unsigned opens;
};

struct lfs_handle {
  struct lfs_file *f;
  int flags;                    /* open(2) flags */
};

static struct {
  int dirfd;
  uint64_t cache_limit;
  bool host_sync;
  /* One lock for the file list, every model and the control commands:
   * throughput is not what this filesystem is for.
   */
  pthread_mutex_t lock;
  struct lfs_file *files;
  char *control_path;
  int ctl_fd;
  int stop_pipe[2];
  pthread_t ctl_thread;
  bool ctl_running;
} lfs = {
  .dirfd = -1,
  .lock = PTHREAD_MUTEX_INITIALIZER,
  .ctl_fd = -1,
  .stop_pipe = { -1, -1 },
};

/* The backing name of a FUSE path, "." for the root, NULL if the path
 * is in a subdirectory (we mirror one flat directory).
 */
static const char *
lfs_name (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  if (path[1] == '\0')
    return ".";
  if (strchr (path + 1, '/'))
    return NULL;
  return path + 1;
}

static int
lfs_errno (const char *what)
{
  int e = gd_get_errno ();

  fprintf (stderr, "guestdrv-lazyfs: %s: %s\n", what, gd_get_error ());
  return -(e ? e : EIO);
}

static struct lfs_file *
file_find (const char *name)
{
  struct lfs_file *f;

  for (f = lfs.files; f; f = f->next)
    if (f->name && strcmp (f->name, name) == 0)
      return f;
  return NULL;
}

static void
file_unref (struct lfs_file *f)
{
  struct lfs_file **pp;

  if (--f->refs > 0)
    return;
  for (pp = &lfs.files; *pp != f; pp = &(*pp)->next)
    ;
  *pp = f->next;
  model_file_free (f->mf);
  free (f->name);
  free (f);
}

/* The name is gone from the directory: drop the table's reference.  An
 * open handle keeps the model alive until release.
 */
static void
file_unlinked (struct lfs_file *f)
{
  free (f->name);
  f->name = NULL;
  file_unref (f);
}

/* Takes ownership of fd. */
static struct lfs_file *
file_add (const char *name, int fd)
{
  struct lfs_file *f, **pp;
  struct stat st;

  if (fstat (fd, &st) == -1) {
    gd_set_error_errno ("fstat %s", name);
    goto err0;
  }
  if (!S_ISREG (st.st_mode)) {
    errno = EPERM;
    gd_set_error_errno ("%s: only regular files are modelled", name);
    goto err0;
  }
  f = calloc (1, sizeof *f);
  if (f == NULL || (f->name = strdup (name)) == NULL) {
    gd_set_error_errno ("calloc");
    goto err1;
  }
  f->mf = model_file_new (fd, lfs.cache_limit);
  if (f->mf == NULL)
    goto err1;
  model_file_set_host_sync (f->mf, lfs.host_sync);
  f->refs = 1;
  /* Appended, so replies list files in the order they were first opened. */
  for (pp = &lfs.files; *pp; pp = &(*pp)->next)
    ;
  *pp = f;
  return f;

 err1:
  if (f)
    free (f->name);
  free (f);
 err0:
  close (fd);
  return NULL;
}

static struct lfs_file *
handle_file (struct fuse_file_info *fi)
{
  return ((struct lfs_handle *) (uintptr_t) fi->fh)->f;
}

static int
handle_new (struct lfs_file *f, struct fuse_file_info *fi)
{
  struct lfs_handle *h;

  if (fi->flags & O_TRUNC && model_file_truncate (f->mf, 0) == -1)
    return lfs_errno ("truncate on open");
  h = malloc (sizeof *h);
  if (h == NULL)
    return -ENOMEM;
  h->f = f;
  h->flags = fi->flags;
  f->refs++;
  f->opens++;
  fi->fh = (uintptr_t) h;
  fi->direct_io = 1;
  fi->keep_cache = 0;
  gd_debug ("lazyfs", "open %s flags=0%o", f->name, (unsigned) fi->flags);
  return 0;
}

static void *
lfs_init (struct fuse_conn_info *conn, struct fuse_config *cfg);
static void lfs_destroy (void *private_data);

static int
lfs_getattr (const char *path, struct stat *st, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);
  struct lfs_file *f;
  int r = 0;

  if (name == NULL)
    return -ENOENT;
  pthread_mutex_lock (&lfs.lock);
  f = fi && fi->fh ? handle_file (fi) : file_find (name);
  if (f) {
    if (fstat (model_file_fd (f->mf), st) == -1)
      r = -errno;
    else {
      st->st_size = (off_t) model_file_size (f->mf);
      st->st_blocks = (st->st_size + 511) / 512;
    }
  }
  else if (fstatat (lfs.dirfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
    r = -errno;
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_readdir (const char *path, void *buf, fuse_fill_dir_t filler,
             off_t offset, struct fuse_file_info *fi,
             enum fuse_readdir_flags flags)
{
  struct dirent *d;
  DIR *dir;
  int fd;

  (void) offset; (void) fi; (void) flags;
  if (strcmp (path, "/") != 0)
    return -ENOENT;
  fd = openat (lfs.dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd == -1)
    return -errno;
  dir = fdopendir (fd);
  if (dir == NULL) {
    close (fd);
    return -errno;
  }
  while ((d = readdir (dir)) != NULL)
    if (filler (buf, d->d_name, NULL, 0, 0))
      break;
  closedir (dir);
  return 0;
}

static int
lfs_open (const char *path, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);
  struct lfs_file *f;
  int r, fd;

  if (name == NULL)
    return -ENOENT;
  pthread_mutex_lock (&lfs.lock);
  f = file_find (name);
  if (f == NULL) {
    /* The model's fd is read-write whatever this open asked for: it
     * outlives this handle and serves every later one.
     */
    fd = openat (lfs.dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd == -1) {
      r = -errno;
      goto out;
    }
    f = file_add (name, fd);
    if (f == NULL) {
      r = lfs_errno ("open");
      goto out;
    }
  }
  r = handle_new (f, fi);
 out:
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_create (const char *path, mode_t mode, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);
  struct lfs_file *f;
  int r, fd;

  if (name == NULL || strcmp (name, ".") == 0)
    return -EPERM;
  pthread_mutex_lock (&lfs.lock);
  fd = openat (lfs.dirfd, name,
               O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW |
               (fi->flags & O_EXCL), mode);
  if (fd == -1) {
    r = -errno;
    goto out;
  }
  f = file_find (name);
  if (f)
    close (fd);
  else if ((f = file_add (name, fd)) == NULL) {
    r = lfs_errno ("create");
    goto out;
  }
  r = handle_new (f, fi);
 out:
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_read (const char *path, char *buf, size_t size, off_t off,
          struct fuse_file_info *fi)
{
  ssize_t r;

  (void) path;
  pthread_mutex_lock (&lfs.lock);
  r = model_file_read (handle_file (fi)->mf, buf, size, (uint64_t) off);
  pthread_mutex_unlock (&lfs.lock);
  return r == -1 ? lfs_errno ("read") : (int) r;
}

static int
lfs_write (const char *path, const char *buf, size_t size, off_t off,
           struct fuse_file_info *fi)
{
  struct lfs_handle *h = (struct lfs_handle *) (uintptr_t) fi->fh;
  int flags = h->flags | fi->flags;
  bool sync_mode = (flags & (O_DSYNC | O_DIRECT)) != 0;
  int r;

  (void) path;
  pthread_mutex_lock (&lfs.lock);
  r = model_file_write (h->f->mf, buf, size, (uint64_t) off, sync_mode);
  pthread_mutex_unlock (&lfs.lock);
  gd_debug ("lazyfs", "write %s off=%jd len=%zu flags=0%o%s",
            h->f->name ? h->f->name : "(unlinked)", (intmax_t) off, size,
            (unsigned) fi->flags, sync_mode ? " sync" : "");
  return r == -1 ? lfs_errno ("write") : (int) size;
}

static int
lfs_flush (const char *path, struct fuse_file_info *fi)
{
  (void) path;
  pthread_mutex_lock (&lfs.lock);
  model_file_note_flush (handle_file (fi)->mf);
  pthread_mutex_unlock (&lfs.lock);
  return 0;
}

static int
lfs_release (const char *path, struct fuse_file_info *fi)
{
  struct lfs_handle *h = (struct lfs_handle *) (uintptr_t) fi->fh;

  (void) path;
  pthread_mutex_lock (&lfs.lock);
  h->f->opens--;
  file_unref (h->f);
  pthread_mutex_unlock (&lfs.lock);
  free (h);
  return 0;
}

static int
lfs_fsync (const char *path, int datasync, struct fuse_file_info *fi)
{
  int r;

  (void) path;
  pthread_mutex_lock (&lfs.lock);
  r = model_file_sync (handle_file (fi)->mf,
                       datasync ? MODEL_FDATASYNC : MODEL_FSYNC);
  pthread_mutex_unlock (&lfs.lock);
  gd_debug ("lazyfs", "%s", datasync ? "fdatasync" : "fsync");
  return r == -1 ? lfs_errno ("fsync") : 0;
}

static int
lfs_truncate (const char *path, off_t size, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);
  struct lfs_file *f;
  int r = 0, fd;

  if (size < 0)
    return -EINVAL;
  pthread_mutex_lock (&lfs.lock);
  f = fi && fi->fh ? handle_file (fi) : name ? file_find (name) : NULL;
  if (f) {
    if (model_file_truncate (f->mf, (uint64_t) size) == -1)
      r = lfs_errno ("truncate");
  }
  else if (name == NULL)
    r = -ENOENT;
  else {
    /* Never opened, so nothing is volatile. */
    fd = openat (lfs.dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd == -1 || ftruncate (fd, size) == -1)
      r = -errno;
    if (fd >= 0)
      close (fd);
  }
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_fallocate (const char *path, int mode, off_t off, off_t len,
               struct fuse_file_info *fi)
{
  struct lfs_file *f;
  uint64_t end = (uint64_t) off + (uint64_t) len;
  int r = 0;

  (void) path;
  /* Punching or zeroing ranges would be data changes to model; refusing
   * them makes qemu and glibc fall back to writing zeroes, which we see.
   */
  if (mode & ~FALLOC_FL_KEEP_SIZE)
    return -EOPNOTSUPP;
  if (fi == NULL)
    return -EOPNOTSUPP;
  pthread_mutex_lock (&lfs.lock);
  f = handle_file (fi);
  if (!(mode & FALLOC_FL_KEEP_SIZE) && end > model_file_size (f->mf) &&
      model_file_truncate (f->mf, end) == -1)
    r = lfs_errno ("fallocate");
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_unlink (const char *path)
{
  const char *name = lfs_name (path);
  struct lfs_file *f;
  int r = 0;

  if (name == NULL)
    return -ENOENT;
  pthread_mutex_lock (&lfs.lock);
  if (unlinkat (lfs.dirfd, name, 0) == -1)
    r = -errno;
  else if ((f = file_find (name)) != NULL)
    file_unlinked (f);
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_rename (const char *from, const char *to, unsigned int flags)
{
  const char *nfrom = lfs_name (from), *nto = lfs_name (to);
  struct lfs_file *ffrom, *fto;
  char *name_to = NULL, *name_from = NULL;
  int r = 0;

  if (nfrom == NULL || nto == NULL)
    return -ENOENT;
  /* Allocate first: once the backing file is renamed we cannot fail. */
  name_to = strdup (nto);
  name_from = strdup (nfrom);
  if (name_to == NULL || name_from == NULL) {
    r = -ENOMEM;
    goto out;
  }
  pthread_mutex_lock (&lfs.lock);
  if (renameat2 (lfs.dirfd, nfrom, lfs.dirfd, nto, flags) == -1)
    r = -errno;
  else {
    ffrom = file_find (nfrom);
    fto = file_find (nto);
    if (fto && fto != ffrom) {
      if (flags & RENAME_EXCHANGE) {
        free (fto->name);
        fto->name = name_from;
        name_from = NULL;
      }
      else
        file_unlinked (fto);
    }
    if (ffrom) {
      free (ffrom->name);
      ffrom->name = name_to;
      name_to = NULL;
    }
  }
  pthread_mutex_unlock (&lfs.lock);
 out:
  free (name_to);
  free (name_from);
  return r;
}

static int
lfs_chmod (const char *path, mode_t mode, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);

  (void) fi;
  if (name == NULL)
    return -ENOENT;
  return fchmodat (lfs.dirfd, name, mode, 0) == -1 ? -errno : 0;
}

static int
lfs_chown (const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);

  (void) fi;
  if (name == NULL)
    return -ENOENT;
  return fchownat (lfs.dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) == -1
    ? -errno : 0;
}

static int
lfs_utimens (const char *path, const struct timespec tv[2],
             struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);

  (void) fi;
  if (name == NULL)
    return -ENOENT;
  return utimensat (lfs.dirfd, name, tv, AT_SYMLINK_NOFOLLOW) == -1
    ? -errno : 0;
}

static int
lfs_statfs (const char *path, struct statvfs *sv)
{
  (void) path;
  return fstatvfs (lfs.dirfd, sv) == -1 ? -errno : 0;
}

static const struct fuse_operations lfs_ops = {
  .init = lfs_init,
  .destroy = lfs_destroy,
  .getattr = lfs_getattr,
  .readdir = lfs_readdir,
  .open = lfs_open,
  .create = lfs_create,
  .read = lfs_read,
  .write = lfs_write,
  .flush = lfs_flush,
  .release = lfs_release,
  .fsync = lfs_fsync,
  .truncate = lfs_truncate,
  .fallocate = lfs_fallocate,
  .unlink = lfs_unlink,
  .rename = lfs_rename,
  .chmod = lfs_chmod,
  .chown = lfs_chown,
  .utimens = lfs_utimens,
  .statfs = lfs_statfs,
};

/* Control socket. */

static void
json_string (FILE *fp, const char *s)
{
  fputc ('"', fp);
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;

    if (c == '"' || c == '\\')
      fprintf (fp, "\\%c", c);
    else if (c < 0x20)
      fprintf (fp, "\\u%04x", c);
    else
      fputc (c, fp);
  }
  fputc ('"', fp);
}

static void
json_file_start (FILE *fp, const struct lfs_file *f, bool *first)
{
  fputs (*first ? "{\"name\":" : ",{\"name\":", fp);
  *first = false;
  json_string (fp, f->name ? f->name : "");
}

static void
ctl_stats (FILE *fp)
{
  const struct lfs_file *f;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"stats\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    const struct model_counters *c = model_file_counters (f->mf);

    json_file_start (fp, f, &first);
    fprintf (fp,
             ",\"unlinked\":%s,\"open\":%u,\"size\":%" PRIu64
             ",\"durable_size\":%" PRIu64 ",\"dirty_bytes\":%" PRIu64
             ",\"overlay_mem\":%" PRIu64,
             f->name ? "false" : "true", f->opens,
             model_file_size (f->mf), model_file_durable_size (f->mf),
             model_file_dirty_bytes (f->mf), model_file_overlay_mem (f->mf));
#define C(field) fprintf (fp, ",\"" #field "\":%" PRIu64, c->field)
    C (writes); C (bytes_written); C (sync_writes); C (sync_bytes_written);
    C (reads); C (bytes_read); C (fsyncs); C (fdatasyncs); C (flushes);
    C (truncates); C (control_syncs); C (bytes_synced); C (writebacks);
    C (bytes_written_back); C (cuts); C (bytes_lost);
#undef C
    fputc ('}', fp);
  }
  fputs ("]}", fp);
}

struct cut_ranges {
  FILE *fp;
  unsigned n;
};

static int
cut_range (uint64_t off, uint64_t len, void *opaque)
{
  struct cut_ranges *cr = opaque;

  if (cr->n == CUT_MAX_RANGES)
    return -1;
  fprintf (cr->fp, "%s[%" PRIu64 ",%" PRIu64 "]", cr->n ? "," : "", off, len);
  cr->n++;
  return 0;
}

static int
ctl_cut (FILE *fp)
{
  struct lfs_file *f;
  uint64_t total = 0, lost;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"cut\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    struct cut_ranges cr = { .fp = fp, .n = 0 };

    json_file_start (fp, f, &first);
    fputs (",\"ranges\":[", fp);
    if (model_file_cut (f->mf, cut_range, &cr, &lost) == -1)
      return -1;
    fprintf (fp, "],\"ranges_truncated\":%s,\"bytes_lost\":%" PRIu64 "}",
             cr.n == CUT_MAX_RANGES ? "true" : "false", lost);
    total += lost;
  }
  fprintf (fp, "],\"bytes_lost\":%" PRIu64 "}", total);
  return 0;
}

static int
ctl_sync_all (FILE *fp)
{
  struct lfs_file *f;
  bool first = true;

  fputs ("{\"ok\":true,\"cmd\":\"sync-all\",\"files\":[", fp);
  for (f = lfs.files; f; f = f->next) {
    uint64_t before = model_file_dirty_bytes (f->mf);

    if (model_file_sync (f->mf, MODEL_SYNC_CONTROL) == -1)
      return -1;
    json_file_start (fp, f, &first);
    fprintf (fp, ",\"bytes_synced\":%" PRIu64 "}", before);
  }
  fputs ("]}", fp);
  return 0;
}

static char *
ctl_error_reply (const char *msg)
{
  char *reply = NULL;
  size_t size;
  FILE *fp = open_memstream (&reply, &size);

  if (fp == NULL)
    return NULL;
  fputs ("{\"ok\":false,\"error\":", fp);
  json_string (fp, msg);
  fputs ("}\n", fp);
  if (fclose (fp) != 0) {
    free (reply);
    return NULL;
  }
  return reply;
}

static int
ctl_run (FILE *fp, const char *cmd)
{
  struct lfs_file *f;

  if (strcmp (cmd, "stats") == 0)
    ctl_stats (fp);
  else if (strcmp (cmd, "cut") == 0)
    return ctl_cut (fp);
  else if (strcmp (cmd, "sync-all") == 0)
    return ctl_sync_all (fp);
  else if (strcmp (cmd, "reset-counters") == 0) {
    for (f = lfs.files; f; f = f->next)
      model_file_reset_counters (f->mf);
    fputs ("{\"ok\":true,\"cmd\":\"reset-counters\"}", fp);
  }
  else {
    gd_set_error ("unknown command '%.64s': use stats, cut, sync-all or "
                  "reset-counters", cmd);
    return -1;
  }
  return 0;
}

/* Returns the reply line (malloc'd), or NULL if out of memory. */
static char *
ctl_dispatch (const char *cmd)
{
  char *reply = NULL;
  size_t size;
  FILE *fp;
  int r;

  fp = open_memstream (&reply, &size);
  if (fp == NULL)
    return NULL;
  pthread_mutex_lock (&lfs.lock);
  r = ctl_run (fp, cmd);
  pthread_mutex_unlock (&lfs.lock);
  fputc ('\n', fp);
  if (fclose (fp) != 0 || r == -1) {
    free (reply);
    return r == -1 ? ctl_error_reply (gd_get_error ()) : NULL;
  }
  return reply;
}

static int
write_full (int fd, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t r = write (fd, buf, len);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1)
      return -1;
    buf += r;
    len -= (size_t) r;
  }
  return 0;
}

static void
ctl_serve_one (int c)
{
  /* A client that connects and says nothing must not wedge the thread. */
  struct timeval tv = { .tv_sec = 5 };
  char line[256];
  size_t n = 0;
  char *reply;

  setsockopt (c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  while (n < sizeof line - 1) {
    ssize_t r = read (c, line + n, sizeof line - 1 - n);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += (size_t) r;
    if (memchr (line, '\n', n))
      break;
  }
  line[n] = '\0';
  line[strcspn (line, "\r\n")] = '\0';
  reply = ctl_dispatch (line);
  gd_debug ("lazyfs", "control: %s", line);
  if (reply)
    write_full (c, reply, strlen (reply));
  free (reply);
}

static void *
ctl_thread (void *arg)
{
  struct pollfd pfd[2] = {
    { .fd = lfs.ctl_fd, .events = POLLIN },
    { .fd = lfs.stop_pipe[0], .events = POLLIN },
  };

  (void) arg;
  for (;;) {
    int c;

    if (poll (pfd, 2, -1) == -1) {
      if (errno == EINTR)
        continue;
      perror ("guestdrv-lazyfs: poll");
      break;
    }
    if (pfd[1].revents)
      break;
    c = accept4 (lfs.ctl_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c == -1)
      continue;
    ctl_serve_one (c);
    close (c);
  }
  return NULL;
}

static int
ctl_listen (const char *path)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  struct stat st;
  int fd;

  if (strlen (path) >= sizeof sun.sun_path) {
    gd_set_error ("--control %s: path longer than %zu bytes", path,
                  sizeof sun.sun_path - 1);
    return -1;
  }
  strcpy (sun.sun_path, path);
  /* A socket left by a previous run that was killed. */
  if (lstat (path, &st) == 0 && S_ISSOCK (st.st_mode))
    unlink (path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) {
    gd_set_error_errno ("socket");
    return -1;
  }
  if (bind (fd, (struct sockaddr *) &sun, sizeof sun) == -1 ||
      listen (fd, 8) == -1) {
    gd_set_error_errno ("--control %s", path);
    close (fd);
    return -1;
  }
  return fd;
}

static void *
lfs_init (struct fuse_conn_info *conn, struct fuse_config *cfg)
{
  cfg->direct_io = 1;
  cfg->kernel_cache = 0;
  cfg->auto_cache = 0;
  cfg->attr_timeout = 0;
  cfg->entry_timeout = 0;
  cfg->negative_timeout = 0;
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;

  /* Here, not in main: fuse_main has daemonised by now, and a thread
   * started before its fork would not exist in the daemon.
   */
  if (lfs.ctl_fd >= 0) {
    if (pthread_create (&lfs.ctl_thread, NULL, ctl_thread, NULL) != 0)
      fprintf (stderr, "guestdrv-lazyfs: cannot start the control thread\n");
    else
      lfs.ctl_running = true;
  }
  return NULL;
}

static void
lfs_destroy (void *private_data)
{
  struct lfs_file *f, *next;

  (void) private_data;
  if (lfs.ctl_running) {
    ssize_t r = write (lfs.stop_pipe[1], "x", 1);
    (void) r;
    pthread_join (lfs.ctl_thread, NULL);
    lfs.ctl_running = false;
  }
  for (f = lfs.files; f; f = next) {
    next = f->next;
    if (model_file_dirty_bytes (f->mf) > 0)
      fprintf (stderr, "guestdrv-lazyfs: unmount discards %" PRIu64
               " volatile bytes of %s\n", model_file_dirty_bytes (f->mf),
               f->name ? f->name : "(unlinked)");
    model_file_free (f->mf);
    free (f->name);
    free (f);
  }
  lfs.files = NULL;
}

/* Client side: `guestdrv-lazyfs ctl SOCKET COMMAND`. */
static int
ctl_client (const char *path, const char *cmd)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  char buf[65536];
  bool ok = false, start = true;
  ssize_t r;
  int fd;

  if (strlen (path) >= sizeof sun.sun_path) {
    fprintf (stderr, "guestdrv-lazyfs: %s: socket path too long\n", path);
    return 1;
  }
  strcpy (sun.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1 || connect (fd, (struct sockaddr *) &sun, sizeof sun) == -1) {
    fprintf (stderr, "guestdrv-lazyfs: connect %s: %m "
             "(is guestdrv-lazyfs running with --control %s?)\n", path, path);
    if (fd >= 0)
      close (fd);
    return 1;
  }
  if (write_full (fd, cmd, strlen (cmd)) == -1 ||
      write_full (fd, "\n", 1) == -1) {
    fprintf (stderr, "guestdrv-lazyfs: write %s: %m\n", path);
    close (fd);
    return 1;
  }
  shutdown (fd, SHUT_WR);
  while ((r = read (fd, buf, sizeof buf)) > 0) {
    if (start)
      ok = strncmp (buf, "{\"ok\":true", (size_t) r < 10 ? (size_t) r : 10)
        == 0 && r >= 10;
    start = false;
    fwrite (buf, 1, (size_t) r, stdout);
  }
  close (fd);
  return ok ? 0 : 1;
}

static void
usage (FILE *fp)
{
  fprintf (fp,
"usage: guestdrv-lazyfs BACKING_DIR MOUNTPOINT [options]\n"
"       guestdrv-lazyfs ctl SOCKET stats|cut|sync-all|reset-counters\n"
"Mirror the flat directory BACKING_DIR at MOUNTPOINT, caching every write\n"
"in memory until the file is fsynced, so a `cut' loses what a power cut\n"
"would.  Options:\n"
"  -c, --control SOCKET   serve control commands on this Unix socket\n"
"      --cache-size SIZE  write back a file's cache above SIZE bytes\n"
"                         (suffix K, M or G; default 1G; 0 = no limit)\n"
"      --no-host-sync     do not fsync backing files on the host\n"
"  -f, --foreground       do not daemonise\n"
"  -o OPTS                extra FUSE mount options\n"
"  -v, --verbose          log every write, sync and control command\n");
}

static int
parse_size (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || end == s)
    return -1;
  switch (*end) {
  case 'G': case 'g': v <<= 10; /* fallthrough */
  case 'M': case 'm': v <<= 10; /* fallthrough */
  case 'K': case 'k': v <<= 10; end++; break;
  case '\0': break;
  default: return -1;
  }
  if (*end)
    return -1;
  *out = v;
  return 0;
}

int
main (int argc, char *argv[])
{
  enum { OPT_CACHE_SIZE = 256, OPT_NO_HOST_SYNC };
  static const struct option longopts[] = {
    { "control", required_argument, NULL, 'c' },
    { "cache-size", required_argument, NULL, OPT_CACHE_SIZE },
    { "no-host-sync", no_argument, NULL, OPT_NO_HOST_SYNC },
    { "foreground", no_argument, NULL, 'f' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *control = NULL, *fuse_opts = NULL;
  bool foreground = false;
  char *fargv[12], cwd[PATH_MAX];
  int fargc = 0, c, r;

  if (argc == 4 && strcmp (argv[1], "ctl") == 0)
    return ctl_client (argv[2], argv[3]);

  lfs.cache_limit = 1ULL << 30;
  lfs.host_sync = true;
  while ((c = getopt_long (argc, argv, "c:fo:vh", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': control = optarg; break;
    case 'f': foreground = true; break;
    case 'o': fuse_opts = optarg; break;
    case 'v': gd_verbose = 1; break;
    case 'h': usage (stdout); return 0;
    case OPT_CACHE_SIZE:
      if (parse_size (optarg, &lfs.cache_limit) == -1) {
        fprintf (stderr, "guestdrv-lazyfs: --cache-size %s: not a size\n",
                 optarg);
        return 1;
      }
      break;
    case OPT_NO_HOST_SYNC: lfs.host_sync = false; break;
    default: usage (stderr); return 1;
    }
  }
  if (argc - optind != 2) {
    usage (stderr);
    return 1;
  }

  /* The daemon chdirs to /, so keep the directory open and make the
   * socket path absolute for the unlink at exit.
   */
  lfs.dirfd = open (argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lfs.dirfd == -1) {
    fprintf (stderr, "guestdrv-lazyfs: %s: %m\n", argv[optind]);
    return 1;
  }
  if (control) {
    if (control[0] == '/')
      lfs.control_path = strdup (control);
    else if (getcwd (cwd, sizeof cwd) == NULL ||
             asprintf (&lfs.control_path, "%s/%s", cwd, control) == -1)
      lfs.control_path = NULL;
    if (lfs.control_path == NULL) {
      perror ("guestdrv-lazyfs: control path");
      return 1;
    }
    lfs.ctl_fd = ctl_listen (lfs.control_path);
    if (lfs.ctl_fd == -1) {
      fprintf (stderr, "guestdrv-lazyfs: %s\n", gd_get_error ());
      return 1;
    }
    if (pipe2 (lfs.stop_pipe, O_CLOEXEC) == -1) {
      perror ("guestdrv-lazyfs: pipe2");
      return 1;
    }
  }

  fargv[fargc++] = argv[0];
  fargv[fargc++] = (char *) "-o";
  fargv[fargc++] = (char *) "fsname=guestdrv-lazyfs,subtype=guestdrv-lazyfs";
  if (foreground)
    fargv[fargc++] = (char *) "-f";
  /* libfuse 3.14 otherwise warns, misleadingly, about its own default
   * of -1 here ("Ignoring invalid max threads value").
   */
  fargv[fargc++] = (char *) "-o";
  fargv[fargc++] = (char *) "max_idle_threads=8";
  if (fuse_opts) {
    fargv[fargc++] = (char *) "-o";
    fargv[fargc++] = (char *) fuse_opts;
  }
  fargv[fargc++] = argv[optind + 1];
  fargv[fargc] = NULL;
  r = fuse_main (fargc, fargv, &lfs_ops, NULL);

  if (lfs.control_path) {
    unlink (lfs.control_path);
    close (lfs.ctl_fd);
    close (lfs.stop_pipe[0]);
    close (lfs.stop_pipe[1]);
    free (lfs.control_path);
  }
  close (lfs.dirfd);
  return r;
}
