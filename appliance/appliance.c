/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The appliance cache (see appliance.h): the key, the lock, lookup and
 * pruning; build.c builds a missing appliance.
 *
 * Layout under the cache root:
 *   lock                    flock()ed while looking up or building
 *   qemu-<key>/{kernel,initrd,root,complete}
 *   uml-<key>/...
 * <key> is a 64-bit FNV-1a hash of every input: the package list, dpkg's
 * status database (so any package upgrade rebuilds), the files we add (the
 * init script and the UML serial-line relay), the supermin version, and
 * the kernel and module directory used.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appliance-internal.h"
#include "cache-safety.h"
#include "vmlinux.h"
#include "kernel.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../common/tmpdir.h"

#define LOCK_TIMEOUT_S   900    /* another process may be building */

struct fnv { uint64_t h; };

static void
fnv_add (struct fnv *f, const void *data, size_t n)
{
  f->h = appliance_fnv (f->h, data, n);
}

/* With its NUL, so that ("ab", "c") and ("a", "bc") differ. */
static void
fnv_str (struct fnv *f, const char *s)
{
  fnv_add (f, s, strlen (s) + 1);
}

char *
appliance_cache_root (void)
{
  const char *e = getenv ("GUESTDRV_CACHE");
  char *s = NULL;

  if (e && *e)
    s = strdup (e);
  else if ((e = getenv ("XDG_CACHE_HOME")) && *e) {
    if (asprintf (&s, "%s/guestdrv", e) == -1)
      s = NULL;
  }
  else if ((e = getenv ("HOME")) && *e) {
    if (asprintf (&s, "%s/.cache/guestdrv", e) == -1)
      s = NULL;
  }
  else
    gd_set_error ("cannot find a cache directory: set GUESTDRV_CACHE or HOME");
  if (!s && e)
    gd_set_error_errno ("malloc");
  return s;
}

static int
lock_cache (const char *root)
{
  char *path;
  int fd;
  uint64_t deadline = gd_now_ns () + LOCK_TIMEOUT_S * 1000000000ULL;

  if (asprintf (&path, "%s/lock", root) == -1)
    return -1;
  fd = cache_open_lock (path);
  if (fd == -1) {
    free (path);
    return -1;
  }
  while (flock (fd, LOCK_EX | LOCK_NB) == -1) {
    if (errno != EWOULDBLOCK || gd_now_ns () > deadline) {
      gd_set_error_errno ("lock %s (another guestdrv building the appliance?)", path);
      free (path);
      close (fd);
      return -1;
    }
    usleep (100000);
  }
  free (path);
  return fd;
}

/* Is the user's kernel the packaged one (same files)?  Then it shares
 * the packaged kernel's appliance.
 */
static bool
same_kernel (const struct guest_kernel *user, const char *kernel,
             const char *modules)
{
  char *rk = realpath (kernel, NULL), *rm = realpath (modules, NULL);
  bool same = rk && rm && user->modules && strcmp (rk, user->path) == 0 &&
              strcmp (rm, user->modules) == 0;

  free (rk);
  free (rm);
  return same;
}

/* Remove older appliances of the same kind (other keys). */
static void
prune_old (const char *root, const char *prefix, const char *keep)
{
  DIR *d = opendir (root);
  struct dirent *e;

  if (!d)
    return;
  while ((e = readdir (d)) != NULL) {
    char path[4096];
    if (strncmp (e->d_name, prefix, strlen (prefix)) != 0 ||
        strcmp (e->d_name, keep) == 0)
      continue;
    snprintf (path, sizeof path, "%s/%s", root, e->d_name);
    if (cache_in_use (path)) {
      gd_debug ("appliance", "keeping old appliance %s: a run uses it", path);
      continue;
    }
    gd_debug ("appliance", "removing old appliance %s", path);
    if (gd_tree_remove (path) == -1)
      gd_debug ("appliance", "%s", gd_get_error ());
  }
  closedir (d);
}

int
appliance_get (enum appliance_kind kind, bool force,
               struct appliance_files *files, struct appliance_info *info)
{
  return appliance_get_kernel (kind, force, NULL, files, info);
}

int
appliance_get_kernel (enum appliance_kind kind, bool force,
                      const struct guest_kernel *user,
                      struct appliance_files *files, struct appliance_info *info)
{
  char *root = NULL, *kernel = NULL, *modules = NULL, *version = NULL;
  char *supermin_v = NULL;
  char name[64], dir[4096], path[4096];
  const char *kind_name = kind == APPLIANCE_UML ? "uml" : "qemu";
  char kind_tag[64];
  struct fnv f = { APPLIANCE_FNV_BASIS };
  struct stat st;
  uint64_t t0 = gd_now_ns ();
  bool built = false;
  int lockfd = -1, r = -1;

  memset (files, 0, sizeof *files);
  if (appliance_find_kernel (kind, &kernel, &modules, &version) == -1)
    goto out;
  if (user && !same_kernel (user, kernel, modules)) {
    /* A user's kernel: cached apart ("<kind>+<kernel id>-<key>"), so that
     * it and the packaged kernel's appliance do not prune each other.
     */
    free (kernel);
    free (modules);
    free (version);
    kernel = strdup (user->path);
    modules = user->modules ? strdup (user->modules) : NULL;
    version = strdup (user->version);
    if (!kernel || !version || (user->modules && !modules)) {
      gd_set_error_errno ("malloc");
      goto out;
    }
    snprintf (kind_tag, sizeof kind_tag, "%s+%016llx", kind_name,
              (unsigned long long) user->id);
  }
  else
    snprintf (kind_tag, sizeof kind_tag, "%s", kind_name);
  {
    const char *v[] = { "supermin", "--version", NULL };
    if (gd_run ((char *const *) v, NULL, 30000, &supermin_v) != 0) {
      gd_set_error ("supermin not found or not working: install supermin (make deps)");
      goto out;
    }
  }
  if (!(root = appliance_cache_root ()))
    goto out;
  if (strlen (root) > 2048) {
    gd_set_error ("cache directory path too long: %.64s...", root);
    goto out;
  }
  if (appliance_mkdir_p (root) == -1) {
    gd_set_error_errno ("mkdir %s", root);
    goto out;
  }
  if (cache_check_root (root) == -1)
    goto out;

  fnv_str (&f, "guestdrv-appliance-2");   /* 2: trimmed initrd */
  fnv_str (&f, kind_name);
  for (size_t i = 0; appliance_packages[i]; i++)
    fnv_str (&f, appliance_packages[i]);
  fnv_add (&f, appliance_init_sh, appliance_init_sh_len);
  fnv_add (&f, appliance_init_bin, appliance_init_bin_len);
  fnv_add (&f, appliance_relay_bin, appliance_relay_bin_len);
  fnv_add (&f, appliance_udevadm_bin, appliance_udevadm_bin_len);
  fnv_str (&f, supermin_v);
  fnv_str (&f, kernel);
  fnv_str (&f, modules ? modules : "");
  if (stat (kernel, &st) == 0) {
    fnv_add (&f, &st.st_size, sizeof st.st_size);
    fnv_add (&f, &st.st_mtime, sizeof st.st_mtime);
  }
  if (appliance_fnv_file (&f.h, "/var/lib/dpkg/status") == -1) {
    gd_set_error_errno ("/var/lib/dpkg/status");
    goto out;
  }
  snprintf (name, sizeof name, "%s-%016llx", kind_tag, (unsigned long long) f.h);
  snprintf (dir, sizeof dir, "%s/%s", root, name);

  if ((lockfd = lock_cache (root)) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/complete", dir);
  if (force || access (path, R_OK) == -1) {
    if (access (dir, F_OK) == 0) {
      if (cache_in_use (dir)) {
        errno = EBUSY;
        gd_set_error ("%s: cannot rebuild the appliance while another run "
                      "uses it", dir);
        goto out;
      }
      if (gd_tree_remove (dir) == -1)
        gd_debug ("appliance", "%s", gd_get_error ());
    }
    gd_debug ("appliance", "building %s appliance in %s", kind_name, dir);
    if (appliance_build (kind, root, dir, kernel, modules, version) == -1)
      goto out;
    built = true;
    {
      char prefix[80];
      snprintf (prefix, sizeof prefix, "%s-", kind_tag);
      prune_old (root, prefix, name);
    }
  }
  else
    gd_debug ("appliance", "using cached %s appliance %s", kind_name, dir);
  /* Taken before the cache lock is released, so no pruner can get in
   * between.
   */
  if (cache_hold (dir) == -1)
    goto out;

  if (asprintf (&files->kernel, "%s/kernel", dir) == -1 ||
      asprintf (&files->initrd, "%s/initrd", dir) == -1 ||
      asprintf (&files->root, "%s/root", dir) == -1) {
    gd_set_error_errno ("malloc");
    appliance_files_free (files);
    goto out;
  }
  /* qemu boots the ELF inside the bzImage through its PVH entry;
   * GUESTDRV_PVH=0 keeps the bzImage (for comparisons).
   */
  if (kind == APPLIANCE_QEMU && !(getenv ("GUESTDRV_PVH") &&
                                  strcmp (getenv ("GUESTDRV_PVH"), "0") == 0)) {
    char *elf;
    if (vmlinux_get (files->kernel, dir, &elf) == -1) {
      appliance_files_free (files);
      goto out;
    }
    if (elf) {
      free (files->kernel);
      files->kernel = elf;
    }
  }
  if (info) {
    info->dir = strdup (dir);
    info->built = built;
    info->build_seconds = (gd_now_ns () - t0) / 1e9;
    info->kernel_version = strdup (version);
  }
  r = 0;
 out:
  if (lockfd >= 0)
    close (lockfd);
  free (root);
  free (kernel);
  free (modules);
  free (version);
  free (supermin_v);
  return r;
}

void
appliance_files_free (struct appliance_files *files)
{
  free (files->kernel);
  free (files->initrd);
  free (files->root);
  memset (files, 0, sizeof *files);
}

void
appliance_info_free (struct appliance_info *info)
{
  free (info->dir);
  free (info->kernel_version);
  memset (info, 0, sizeof *info);
}
