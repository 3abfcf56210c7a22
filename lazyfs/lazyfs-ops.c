/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs's FUSE operations: every data operation goes through
 * the file's model (lazyfs/model.c); metadata is passed through to the
 * backing directory.
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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/debug.h"
#include "lazyfs/lazyfs.h"

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
  f = fi && fi->fh ? lfs_handle_file (fi) : lfs_file_find (name);
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

/* The handle of an open of NAME on FD: the file's model if it has one
 * (FD is then not needed), else a new model that takes FD.
 */
static int
handle_on_fd (const char *name, int fd, struct fuse_file_info *fi,
              const char *what)
{
  struct lfs_file *f = lfs_file_find (name);

  if (f)
    close (fd);
  else if ((f = lfs_file_add (name, fd)) == NULL)
    return lfs_errno (what);
  return lfs_handle_new (f, fi);
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
  f = lfs_file_find (name);
  if (f)
    r = lfs_handle_new (f, fi);
  else {
    /* The model's fd is read-write whatever this open asked for: it
     * outlives this handle and serves every later one.
     */
    fd = openat (lfs.dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    r = fd == -1 ? -errno : handle_on_fd (name, fd, fi, "open");
  }
  pthread_mutex_unlock (&lfs.lock);
  return r;
}

static int
lfs_create (const char *path, mode_t mode, struct fuse_file_info *fi)
{
  const char *name = lfs_name (path);
  int r, fd;

  if (name == NULL || strcmp (name, ".") == 0)
    return -EPERM;
  pthread_mutex_lock (&lfs.lock);
  fd = openat (lfs.dirfd, name,
               O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW |
               (fi->flags & O_EXCL), mode);
  r = fd == -1 ? -errno : handle_on_fd (name, fd, fi, "create");
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
  r = model_file_read (lfs_handle_file (fi)->mf, buf, size, (uint64_t) off);
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
  model_file_note_flush (lfs_handle_file (fi)->mf);
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
  lfs_file_unref (h->f);
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
  r = model_file_sync (lfs_handle_file (fi)->mf,
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
  f = fi && fi->fh ? lfs_handle_file (fi) : name ? lfs_file_find (name) : NULL;
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
  f = lfs_handle_file (fi);
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
  else if ((f = lfs_file_find (name)) != NULL)
    lfs_file_unlinked (f);
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
    ffrom = lfs_file_find (nfrom);
    fto = lfs_file_find (nto);
    if (fto && fto != ffrom) {
      if (flags & RENAME_EXCHANGE) {
        free (fto->name);
        fto->name = name_from;
        name_from = NULL;
      }
      else
        lfs_file_unlinked (fto);
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

const struct fuse_operations lfs_ops = {
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
  lfs_control_start ();
  return NULL;
}

static void
lfs_destroy (void *private_data)
{
  struct lfs_file *f, *next;

  (void) private_data;
  lfs_control_stop ();
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
