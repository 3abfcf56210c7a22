/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The appliance cache's defences (cache-safety.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache-safety.h"
#include "../common/error.h"

int
cache_check_root (const char *root)
{
  struct stat st;

  if (lstat (root, &st) == -1) {
    gd_set_error_errno ("appliance cache %s", root);
    return -1;
  }
  if (!S_ISDIR (st.st_mode)) {
    errno = ENOTDIR;
    gd_set_error ("appliance cache %s is not a directory (a symlink?): "
                  "set GUESTDRV_CACHE to a directory of yours", root);
    return -1;
  }
  if (st.st_uid != geteuid ()) {
    errno = EPERM;
    gd_set_error ("appliance cache %s is owned by uid %u, not by us (%u): "
                  "set GUESTDRV_CACHE to a directory of yours", root,
                  (unsigned) st.st_uid, (unsigned) geteuid ());
    return -1;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    errno = EPERM;
    gd_set_error ("appliance cache %s is writable by others (mode %04o): "
                  "anyone could replace the appliance; chmod go-w %s",
                  root, (unsigned) (st.st_mode & 07777), root);
    return -1;
  }
  return 0;
}

int
cache_open_lock (const char *path)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  struct stat st;

  if (fd == -1) {
    if (errno == ELOOP)
      gd_set_error ("%s: the cache lock is a symlink: remove it", path);
    else
      gd_set_error_errno ("%s", path);
    return -1;
  }
  if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode) ||
      st.st_uid != geteuid ()) {
    errno = EPERM;
    gd_set_error ("%s: the cache lock is not a regular file of ours: "
                  "remove it", path);
    close (fd);
    return -1;
  }
  return fd;
}

static int
sync_fd_path (const char *path, int flags)
{
  int fd = open (path, flags | O_CLOEXEC | O_NOFOLLOW);

  if (fd == -1 || fsync (fd) == -1) {
    gd_set_error_errno ("fsync %s", path);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  close (fd);
  return 0;
}

int
cache_sync_tree (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int r = 0;

  if (!d) {
    gd_set_error_errno ("opendir %s", dir);
    return -1;
  }
  while (r == 0 && (e = readdir (d)) != NULL) {
    char path[4096];
    struct stat st;

    snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
    if (lstat (path, &st) == 0 && S_ISREG (st.st_mode))
      r = sync_fd_path (path, O_RDONLY);
  }
  closedir (d);
  return r == 0 ? cache_sync_dir (dir) : -1;
}

int
cache_sync_dir (const char *path)
{
  return sync_fd_path (path, O_RDONLY | O_DIRECTORY);
}

/* The directories this process holds (a benchmark launches many times). */
#define CACHE_HELD_MAX 8
static struct { dev_t dev; ino_t ino; } held[CACHE_HELD_MAX];
static unsigned nheld;

int
cache_hold (const char *dir)
{
  /* Kept open (close-on-exec) until we exit: the lock goes with it. */
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("lock %s", dir);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  for (unsigned i = 0; i < nheld; i++)
    if (held[i].dev == st.st_dev && held[i].ino == st.st_ino) {
      close (fd);
      return 0;
    }
  if (flock (fd, LOCK_SH) == -1) {
    gd_set_error_errno ("lock %s", dir);
    close (fd);
    return -1;
  }
  if (nheld < CACHE_HELD_MAX) {
    held[nheld].dev = st.st_dev;
    held[nheld].ino = st.st_ino;
    nheld++;
  }
  return 0;
}

bool
cache_in_use (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  bool busy;

  if (fd == -1)
    return false;
  busy = flock (fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK;
  close (fd);
  return busy;
}
