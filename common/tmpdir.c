/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Temporary directories and tree removal (see tmpdir.h).  The removal
 * walks with openat/unlinkat relative to directory fds, so a symbolic
 * link swapped in during the walk cannot redirect it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"
#include "error.h"

/* Directory fds held at once are bounded by this depth. */
#define TREE_MAX_DEPTH 256

int
gd_tmpdir_make (const char *prefix, char *out, size_t outlen)
{
  const char *tmp = getenv ("TMPDIR");

  if (!tmp || !*tmp || strlen (tmp) > 150)
    tmp = "/tmp";
  if ((size_t) snprintf (out, outlen, "%s/%s.XXXXXX", tmp, prefix) >= outlen) {
    errno = ENAMETOOLONG;
    gd_set_error_errno ("temp dir %s/%s", tmp, prefix);
    return -1;
  }
  if (!mkdtemp (out)) {
    gd_set_error_errno ("mkdtemp %s", out);
    return -1;
  }
  return 0;
}

struct walk {
  int err;                      /* errno of the first failure */
  char what[512];               /* and the entry it concerns */
};

static void
walk_fail (struct walk *w, const char *dir, const char *name)
{
  if (w->err)
    return;
  w->err = errno;
  snprintf (w->what, sizeof w->what, "%s/%s", dir, name);
}

/* Remove the contents of directory DFD (on device DEV), then close it. */
static void
remove_contents (int dfd, dev_t dev, const char *path, int depth,
                 struct walk *w)
{
  DIR *d = fdopendir (dfd);
  struct dirent *e;

  if (!d) {
    walk_fail (w, path, ".");
    close (dfd);
    return;
  }
  while ((errno = 0, e = readdir (d)) != NULL) {
    struct stat st;
    int sub;

    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if (fstatat (dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
      if (errno != ENOENT)
        walk_fail (w, path, e->d_name);
      continue;
    }
    if (!S_ISDIR (st.st_mode)) {
      if (unlinkat (dfd, e->d_name, 0) == -1 && errno != ENOENT)
        walk_fail (w, path, e->d_name);
      continue;
    }
    if (st.st_dev != dev) {       /* a mount point: not ours to empty */
      errno = EBUSY;
      walk_fail (w, path, e->d_name);
      continue;
    }
    if (depth >= TREE_MAX_DEPTH) {
      errno = ELOOP;
      walk_fail (w, path, e->d_name);
      continue;
    }
    sub = openat (dfd, e->d_name,
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub == -1) {
      walk_fail (w, path, e->d_name);
      continue;
    }
    {
      char subpath[512];
      snprintf (subpath, sizeof subpath, "%s/%s", path, e->d_name);
      remove_contents (sub, dev, subpath, depth + 1, w);
    }
    if (unlinkat (dfd, e->d_name, AT_REMOVEDIR) == -1 && errno != ENOENT)
      walk_fail (w, path, e->d_name);
  }
  if (errno != 0)
    walk_fail (w, path, ".");
  closedir (d);
}

int
gd_tree_remove (const char *path)
{
  struct walk w = { 0 };
  struct stat st;
  int dfd;

  if (lstat (path, &st) == -1) {
    if (errno == ENOENT)
      return 0;
    gd_set_error_errno ("remove %s", path);
    return -1;
  }
  if (!S_ISDIR (st.st_mode)) {
    if (unlink (path) == -1 && errno != ENOENT) {
      gd_set_error_errno ("remove %s", path);
      return -1;
    }
    return 0;
  }
  dfd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd == -1) {
    gd_set_error_errno ("remove %s", path);
    return -1;
  }
  remove_contents (dfd, st.st_dev, path, 1, &w);
  if (rmdir (path) == -1 && errno != ENOENT && !w.err) {
    gd_set_error_errno ("remove %s", path);
    return -1;
  }
  if (w.err) {
    errno = w.err;
    gd_set_error_errno ("remove %s", w.what);
    return -1;
  }
  return 0;
}
