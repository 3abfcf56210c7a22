/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs's table of modelled files: a file enters it at its
 * first open and stays, with its model and counters, until it is
 * unlinked and its last handle is released.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/debug.h"
#include "common/error.h"
#include "lazyfs/lazyfs.h"

struct lfs_state lfs = {
  .dirfd = -1,
  .lock = PTHREAD_MUTEX_INITIALIZER,
  .ctl_fd = -1,
  .stop_pipe = { -1, -1 },
};

/* The backing name of a FUSE path, "." for the root, NULL if the path
 * is in a subdirectory (we mirror one flat directory).
 */
const char *
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

int
lfs_errno (const char *what)
{
  int e = gd_get_errno ();

  fprintf (stderr, "guestdrv-lazyfs: %s: %s\n", what, gd_get_error ());
  return -(e ? e : EIO);
}

struct lfs_file *
lfs_file_find (const char *name)
{
  struct lfs_file *f;

  for (f = lfs.files; f; f = f->next)
    if (f->name && strcmp (f->name, name) == 0)
      return f;
  return NULL;
}

void
lfs_file_unref (struct lfs_file *f)
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
void
lfs_file_unlinked (struct lfs_file *f)
{
  free (f->name);
  f->name = NULL;
  lfs_file_unref (f);
}

/* Takes ownership of fd. */
struct lfs_file *
lfs_file_add (const char *name, int fd)
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

struct lfs_file *
lfs_handle_file (struct fuse_file_info *fi)
{
  return ((struct lfs_handle *) (uintptr_t) fi->fh)->f;
}

int
lfs_handle_new (struct lfs_file *f, struct fuse_file_info *fi)
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
