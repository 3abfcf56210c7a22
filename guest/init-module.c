/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: loading a kernel module without forking modprobe.
 *
 * Under UML every fork+exec costs tens of milliseconds (each page the
 * new process touches is a ptrace round trip), and the UML appliance
 * boots without an initrd, so the init itself loads virtio_console (and
 * virtio_blk for vhost-user disks).  modules.dep names the module's file
 * and, already flattened, everything it depends on; finit_module(2)
 * loads each from its file.  Anything unexpected (no modules.dep, a
 * module not listed, a kernel refusing a compressed file) returns -1 and
 * the caller runs modprobe as before, so this is only ever a shortcut.
 *
 * A guest program: plain libc, nothing from libguestdrv.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "init-module.h"

/* modules.dep is ~75 KB for Debian's UML and ~520 KB for its amd64
 * kernel; a bound keeps a corrupt root from costing more than that.
 */
#define MODULES_DEP_MAX (4 << 20)
#define MODULE_FILES_MAX 64

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

static char *
read_bounded (const char *path, size_t max)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf;
  size_t len = 0;

  if (fd == -1)
    return NULL;
  buf = malloc (max + 1);
  while (buf && len < max) {
    ssize_t r = read (fd, buf + len, max - len);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      if (r == -1) {
        free (buf);
        buf = NULL;
      }
      break;
    }
    len += r;
  }
  close (fd);
  if (buf)
    buf[len] = '\0';
  return buf;
}

/* Does the path's file name, less ".ko[.xz|.zst|.gz]", name NAME?  '-'
 * and '_' are the same in module names.
 */
static int
path_names (const char *path, size_t len, const char *name)
{
  const char *base = path;
  size_t n;

  for (size_t i = 0; i < len; i++)
    if (path[i] == '/')
      base = path + i + 1;
  n = path + len - base;
  for (size_t i = 0; i < n; i++) {
    char a = base[i] == '-' ? '_' : base[i], b = name[i] == '-' ? '_' : name[i];
    if (b == '\0')
      return strncmp (base + i, ".ko", 3) == 0
        && (i + 3 == n || base[i + 3] == '.');
    if (a != b)
      return 0;
  }
  return 0;
}

static int
load_file (const char *dir, const char *rel, size_t len)
{
  char path[512];
  int fd, flags = 0, r;

  if (len == 0 || rel[0] == '/')
    snprintf (path, sizeof path, "%.*s", (int) len, rel);
  else
    snprintf (path, sizeof path, "%s/%.*s", dir, (int) len, rel);
  if (strstr (path, ".ko.") != NULL)
    flags = MODULE_INIT_COMPRESSED_FILE;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd == -1)
    return -1;
  r = syscall (SYS_finit_module, fd, "", flags);
  if (r == -1 && errno == EEXIST)
    r = 0;
  close (fd);
  return r == -1 ? -1 : 0;
}

int
init_module_plan (const char *dep, const char *name,
                  const char **path, size_t *len, size_t max)
{
  for (const char *line = dep; *line; ) {
    size_t n = strcspn (line, "\n"), colon = strcspn (line, ":\n");

    if (colon < n && path_names (line, colon, name)) {
      const char *p = line + colon + 1, *end = line + n;
      size_t k = 0, w;

      /* modules.dep lists a module's dependencies before theirs: they
       * load from the end, the module itself last.
       */
      for (;;) {
        p += strspn (p, " \t");
        if (p >= end || (w = strcspn (p, " \t\n")) == 0)
          break;
        if (k == max)
          return -1;
        path[k] = p;
        len[k++] = w;
        p += w;
      }
      if (k == max)
        return -1;
      for (size_t i = 0; i < k / 2; i++) {
        const char *tp = path[i];
        size_t tl = len[i];
        path[i] = path[k - 1 - i];
        len[i] = len[k - 1 - i];
        path[k - 1 - i] = tp;
        len[k - 1 - i] = tl;
      }
      path[k] = line;
      len[k++] = colon;
      return (int) k;
    }
    line += n + (line[n] == '\n');
  }
  return -1;
}

int
init_module_load (const char *name)
{
  struct utsname u;
  char dir[300], dep[340], *buf;
  const char *path[MODULE_FILES_MAX];
  size_t len[MODULE_FILES_MAX];
  int n, r = -1;

  if (uname (&u) == -1)
    return -1;
  snprintf (dir, sizeof dir, "/lib/modules/%s", u.release);
  snprintf (dep, sizeof dep, "%s/modules.dep", dir);
  buf = read_bounded (dep, MODULES_DEP_MAX);
  if (!buf)
    return -1;
  n = init_module_plan (buf, name, path, len, MODULE_FILES_MAX);
  for (int i = 0; i < n; i++)
    if ((r = load_file (dir, path[i], len[i])) == -1)
      break;
  free (buf);
  return r;
}
