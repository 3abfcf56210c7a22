/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-lazyfs's shared state: the table of modelled files, the
 * open handles and the configuration set by main.  One lock guards the
 * table, every model and the control commands.
 */
#ifndef GUESTDRV_FSYNC_LAZYFS_H
#define GUESTDRV_FSYNC_LAZYFS_H

#define FUSE_USE_VERSION 31

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <fuse.h>

#include "lazyfs/model.h"

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

struct lfs_state {
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
};

extern struct lfs_state lfs;

/* lazyfs-files.c: the file table (callers hold lfs.lock). */
const char *lfs_name (const char *path);
int lfs_errno (const char *what);
struct lfs_file *lfs_file_find (const char *name);
void lfs_file_unref (struct lfs_file *f);
void lfs_file_unlinked (struct lfs_file *f);
struct lfs_file *lfs_file_add (const char *name, int fd);
struct lfs_file *lfs_handle_file (struct fuse_file_info *fi);
int lfs_handle_new (struct lfs_file *f, struct fuse_file_info *fi);

/* lazyfs-ops.c: the FUSE operations. */
extern const struct fuse_operations lfs_ops;

/* lazyfs-control.c: the control server. */
int lfs_control_listen (const char *path);
void lfs_control_start (void);
void lfs_control_stop (void);

/* lazyfs-client.c: `guestdrv-lazyfs ctl SOCKET COMMAND`. */
int lfs_control_client (const char *path, const char *cmd);

#endif
