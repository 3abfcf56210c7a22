/* Appliance build and cache (see appliance.h).
 *
 * Layout under the cache root:
 *   lock                    flock()ed while looking up or building
 *   qemu-<key>/{kernel,initrd,root,complete}
 *   uml-<key>/...
 * <key> is a 64-bit FNV-1a hash of every input: the package list, dpkg's
 * status database (so any package upgrade rebuilds), the files we add (the
 * init script and the UML serial-line relay), the supermin version, and
 * the kernel and module directory used.  A build goes to a temporary
 * directory that is renamed into place when complete,
 * so a crash never leaves a half-built appliance that looks usable.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appliance.h"
#include "cache-safety.h"
#include "initrd.h"
#include "vmlinux.h"
#include "kernel.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"

/* What guestfsd and the operations guestdrv offers need in the guest.
 * guestfsd's own dependencies (udev, parted, kmod, ...) come with it.
 * lvm2 and mdadm serve the opt-in scans only.
 */
static const char *const packages[] = {
  "guestfsd", "dash", "coreutils", "util-linux", "mount", "e2fsprogs",
  "parted", "gdisk", "tar", "gzip", "bzip2", "xz-utils", "kmod", "procps",
  "iproute2", "lvm2", "mdadm",
  /* guestfsd's optional groups and guestfish-compatible commands:
   * sfdisk (part-get-mbr-id, ...), vfat, xfs, zerofree.
   */
  "fdisk", "dosfstools", "xfsprogs", "zerofree", "findutils", "file",
  "bsdextrautils", "binutils", "grep", "sed",
  NULL
};

#define LOCK_TIMEOUT_S   900    /* another process may be building */
#define BUILD_TIMEOUT_MS (600 * 1000)

struct fnv { uint64_t h; };

static void
fnv_add (struct fnv *f, const void *data, size_t n)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    f->h ^= p[i];
    f->h *= 0x100000001b3ULL;
  }
}

static void
fnv_str (struct fnv *f, const char *s)
{
  fnv_add (f, s, strlen (s) + 1);
}

static int
fnv_file (struct fnv *f, const char *path)
{
  char buf[65536];
  ssize_t r;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1)
    return -1;
  while ((r = read (fd, buf, sizeof buf)) > 0)
    fnv_add (f, buf, r);
  close (fd);
  return r < 0 ? -1 : 0;
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
mkdir_p (const char *path)
{
  char *copy = strdup (path), *p;

  if (!copy)
    return -1;
  for (p = copy + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir (copy, 0755) == -1 && errno != EEXIST) {
        free (copy);
        return -1;
      }
      *p = '/';
    }
  free (copy);
  if (mkdir (path, 0755) == -1 && errno != EEXIST)
    return -1;
  return 0;
}

/* Pick the newest /boot/vmlinuz-* (a container has none until
 * linux-image-amd64 is installed).
 */
static int
find_qemu_kernel (char **kernel, char **modules, char **version)
{
  DIR *d = opendir ("/boot");
  struct dirent *e;
  char *best = NULL;

  if (d) {
    while ((e = readdir (d)) != NULL) {
      if (strncmp (e->d_name, "vmlinuz-", 8) != 0)
        continue;
      if (!best || strverscmp (e->d_name + 8, best) > 0) {
        free (best);
        best = strdup (e->d_name + 8);
      }
    }
    closedir (d);
  }
  if (!best) {
    gd_set_error ("no kernel in /boot (vmlinuz-*): install linux-image-amd64 (make deps)");
    return -1;
  }
  if (asprintf (kernel, "/boot/vmlinuz-%s", best) == -1 ||
      asprintf (modules, "/lib/modules/%s", best) == -1) {
    free (best);
    gd_set_error_errno ("malloc");
    return -1;
  }
  *version = best;
  if (access (*modules, R_OK) == -1) {
    gd_set_error_errno ("kernel modules %s", *modules);
    return -1;
  }
  return 0;
}

/* Debian's user-mode-linux: /usr/bin/linux.uml, modules under
 * /usr/lib/uml/modules/<version>.
 */
static int
find_uml_kernel (char **kernel, char **modules, char **version)
{
  DIR *d;
  struct dirent *e;
  char *best = NULL;

  if (access ("/usr/bin/linux.uml", X_OK) == -1) {
    gd_set_error_errno ("/usr/bin/linux.uml: install user-mode-linux (make deps)");
    return -1;
  }
  d = opendir ("/usr/lib/uml/modules");
  if (d) {
    while ((e = readdir (d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      if (!best || strverscmp (e->d_name, best) > 0) {
        free (best);
        best = strdup (e->d_name);
      }
    }
    closedir (d);
  }
  if (!best) {
    gd_set_error ("no UML modules in /usr/lib/uml/modules: reinstall user-mode-linux");
    return -1;
  }
  *kernel = strdup ("/usr/bin/linux.uml");
  if (asprintf (modules, "/usr/lib/uml/modules/%s", best) == -1) {
    free (best);
    return -1;
  }
  *version = best;
  return 0;
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

static int
write_file (const char *path, const void *data, size_t n, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd == -1 || write (fd, data, n) != (ssize_t) n || close (fd) == -1) {
    gd_set_error_errno ("%s", path);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return 0;
}

static int
run_step (char *const argv[], char *const env[])
{
  char *out = NULL;
  char *line = gd_argv_to_string (argv);
  int r;

  gd_debug ("appliance", "%s", line ? line : argv[0]);
  r = gd_run (argv, env, BUILD_TIMEOUT_MS, &out);
  if (r != 0) {
    size_t n = out ? strlen (out) : 0;
    const char *tail = out ? out : "";
    /* The last line is usually the reason. */
    while (n > 0 && (tail[n - 1] == '\n'))
      n--;
    if (r > 0) {
      const char *nl = memrchr (tail, '\n', n);
      gd_set_error ("appliance build: %s failed (exit %d): %.*s",
                    argv[0], r, (int) (n - (nl ? nl + 1 - tail : 0)),
                    nl ? nl + 1 : tail);
    }
    else
      gd_error_prefix ("appliance build");
    free (out);
    free (line);
    return -1;
  }
  free (out);
  free (line);
  return 0;
}

static int
build (enum appliance_kind kind, const char *root, const char *final,
       const char *kernel, const char *modules, const char *version)
{
  char tmpl[4096], path[4096], d_dir[4096], out_dir[4096], path_nomod[4096];
  char env_k[4200], env_m[4200], env_v[300];
  char *env[4];
  const char *argv[64];
  size_t n;
  int r = -1;

  snprintf (tmpl, sizeof tmpl, "%s/build.XXXXXX", root);
  if (!mkdtemp (tmpl)) {
    gd_set_error_errno ("mkdtemp %s", tmpl);
    return -1;
  }
  snprintf (d_dir, sizeof d_dir, "%s/supermin.d", tmpl);
  snprintf (out_dir, sizeof out_dir, "%s/out", tmpl);
  snprintf (path, sizeof path, "%s/init", tmpl);
  if (mkdir (path, 0755) == -1) {
    gd_set_error_errno ("mkdir %s", path);
    goto out;
  }
  snprintf (path, sizeof path, "%s/init/init", tmpl);
  if (write_file (path, appliance_init_bin, appliance_init_bin_len, 0755) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/init/init.sh", tmpl);
  if (write_file (path, appliance_init_sh, appliance_init_sh_len, 0755) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/init/usr/bin", tmpl);
  if (mkdir_p (path) == -1) {
    gd_set_error_errno ("mkdir %s", path);
    goto out;
  }
  snprintf (path, sizeof path, "%s/init/usr/bin/guestdrv-relay", tmpl);
  if (write_file (path, appliance_relay_bin, appliance_relay_bin_len, 0755) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/init/usr/sbin", tmpl);
  if (mkdir_p (path) == -1) {
    gd_set_error_errno ("mkdir %s", path);
    goto out;
  }
  snprintf (path, sizeof path, "%s/init/usr/sbin/udevadm", tmpl);
  if (write_file (path, appliance_udevadm_bin, appliance_udevadm_bin_len, 0755) == -1)
    goto out;

  if (!modules) {
    /* A kernel with its drivers built in: supermin still wants a tree. */
    snprintf (path, sizeof path, "%s/nomodules/%s", tmpl, version);
    if (mkdir_p (path) == -1) {
      gd_set_error_errno ("mkdir %s", path);
      goto out;
    }
    snprintf (path_nomod, sizeof path_nomod, "%s", path);
    modules = path_nomod;
    /* supermin reads the module list: an empty one. */
    snprintf (path, sizeof path, "%s/modules.dep", path_nomod);
    if (write_file (path, "", 0, 0644) == -1)
      goto out;
  }
  snprintf (env_k, sizeof env_k, "SUPERMIN_KERNEL=%s", kernel);
  snprintf (env_m, sizeof env_m, "SUPERMIN_MODULES=%s", modules);
  snprintf (env_v, sizeof env_v, "SUPERMIN_KERNEL_VERSION=%s", version);
  env[0] = env_k; env[1] = env_m; env[2] = env_v; env[3] = NULL;

  /* --use-installed: the host's installed packages are the inputs, so the
   * build needs no network and matches the cache key.
   */
  n = 0;
  argv[n++] = "supermin";
  argv[n++] = "--prepare";
  argv[n++] = "--use-installed";
  argv[n++] = "-o";
  argv[n++] = d_dir;
  for (size_t i = 0; packages[i]; i++)
    argv[n++] = packages[i];
  argv[n] = NULL;
  if (run_step ((char *const *) argv, env) == -1)
    goto out;

  snprintf (path, sizeof path, "%s/init.tar.gz", d_dir);
  {
    const char *tar[] = { "tar", "-C", NULL, "-czf", path, "--owner=0",
                          "--group=0", "./init", "./init.sh",
                          "./usr/bin/guestdrv-relay",
                          "./usr/sbin/udevadm", NULL };
    char init_dir[4096];
    snprintf (init_dir, sizeof init_dir, "%s/init", tmpl);
    tar[2] = init_dir;
    if (run_step ((char *const *) tar, NULL) == -1)
      goto out;
  }

  n = 0;
  argv[n++] = "supermin";
  argv[n++] = "--build";
  argv[n++] = "-f";
  argv[n++] = "ext2";
  argv[n++] = "--host-cpu";
  argv[n++] = "x86_64";
  argv[n++] = "--copy-kernel";
  argv[n++] = "-o";
  argv[n++] = out_dir;
  argv[n++] = d_dir;
  argv[n] = NULL;
  if (run_step ((char *const *) argv, env) == -1)
    goto out;

  /* Fewer modules to insmod at boot; supermin's own initrd otherwise. */
  snprintf (path, sizeof path, "%s/initrd", out_dir);
  if (kind == APPLIANCE_QEMU && initrd_trim (path, tmpl) == -1)
    gd_debug ("appliance", "%s (keeping supermin's initrd)", gd_get_error ());

  /* The root is only ever opened read-only or as a snapshot base. */
  snprintf (path, sizeof path, "%s/root", out_dir);
  chmod (path, 0444);
  snprintf (path, sizeof path, "%s/complete", out_dir);
  if (write_file (path, version, strlen (version), 0644) == -1)
    goto out;
  /* On disk before it is visible: a crash after the rename must not
   * publish an appliance with empty or partial files.
   */
  if (cache_sync_tree (out_dir) == -1)
    goto out;
  if (rename (out_dir, final) == -1) {
    gd_set_error_errno ("rename %s %s", out_dir, final);
    goto out;
  }
  if (cache_sync_dir (root) == -1)
    goto out;
  r = 0;
 out:
  {
    const char *rm[] = { "rm", "-rf", tmpl, NULL };
    gd_run ((char *const *) rm, NULL, 60000, NULL);
  }
  return r;
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
    const char *rm[] = { "rm", "-rf", path, NULL };
    gd_debug ("appliance", "removing old appliance %s", path);
    gd_run ((char *const *) rm, NULL, 60000, NULL);
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
  struct fnv f = { 0xcbf29ce484222325ULL };
  struct stat st;
  uint64_t t0 = gd_now_ns ();
  bool built = false;
  int lockfd = -1, r = -1;

  memset (files, 0, sizeof *files);
  if (kind == APPLIANCE_UML ? find_uml_kernel (&kernel, &modules, &version)
                            : find_qemu_kernel (&kernel, &modules, &version))
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
  if (mkdir_p (root) == -1) {
    gd_set_error_errno ("mkdir %s", root);
    goto out;
  }
  if (cache_check_root (root) == -1)
    goto out;

  fnv_str (&f, "guestdrv-appliance-2");   /* 2: trimmed initrd */
  fnv_str (&f, kind_name);
  for (size_t i = 0; packages[i]; i++)
    fnv_str (&f, packages[i]);
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
  if (fnv_file (&f, "/var/lib/dpkg/status") == -1) {
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
      const char *rm[] = { "rm", "-rf", dir, NULL };
      if (cache_in_use (dir)) {
        errno = EBUSY;
        gd_set_error ("%s: cannot rebuild the appliance while another run "
                      "uses it", dir);
        goto out;
      }
      gd_run ((char *const *) rm, NULL, 60000, NULL);
    }
    gd_debug ("appliance", "building %s appliance in %s", kind_name, dir);
    if (build (kind, root, dir, kernel, modules, version) == -1)
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
