/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building an appliance: supermin --prepare from the host's installed
 * packages, our init, relay and udevadm shim as an extra tarball,
 * supermin --build, the trimmed initrd; then synced and renamed into
 * place so a crash never publishes a half-built appliance.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appliance-internal.h"
#include "cache-safety.h"
#include "initrd.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../common/run.h"
#include "../common/text.h"
#include "../common/tmpdir.h"

#define BUILD_TIMEOUT_MS (600 * 1000)

/* What guestfsd and the operations guestdrv offers need in the guest.
 * guestfsd's own dependencies (udev, parted, kmod, ...) come with it.
 */
const char *const appliance_packages[] = {
  "guestfsd", "dash", "coreutils", "util-linux", "mount", "e2fsprogs",
  "parted", "gdisk", "tar", "gzip", "bzip2", "xz-utils", "kmod", "procps",
  "iproute2", "lvm2", "mdadm",
  /* guestfsd's optional groups and guestfish-compatible commands:
   * sfdisk (part-get-mbr-id, ...), vfat, xfs, zerofree.
   */
  "fdisk", "dosfstools", "xfsprogs", "zerofree", "findutils", "file",
  "bsdextrautils", "binutils", "grep", "sed",
  /* The rest of the groups libguestfs's Debian appliance offers (its
   * supermin.d/packages), each the package whose program guestfsd's
   * optgroup test looks for: btrfs (btrfs, plus the module), luks
   * (cryptsetup), ntfs3g and ntfsprogs (ntfs-3g, ntfsresize), ldm
   * (ldmtool), f2fs (resize.f2fs), squashfs (mksquashfs), sleuthkit
   * (icat), grub (grub-install), extlinux, syslinux (and mtools, which
   * syslinux runs).  uuid-runtime: set-uuid-random runs uuidgen.
   */
  "btrfs-progs", "cryptsetup-bin", "ntfs-3g", "ldmtool", "f2fs-tools",
  "squashfs-tools", "sleuthkit", "grub2-common", "extlinux", "syslinux",
  "mtools", "uuid-runtime",
  /* Programs other commands run in libguestfs's appliance too. */
  "acl", "attr", "cpio", "diffutils", "gawk", "lsscsi", "lzop", "psmisc",
  "scrub", "zstd", "exfatprogs",
  NULL
};

int
appliance_mkdir_p (const char *path)
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

static int
write_file (const char *path, const void *data, size_t n, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

  if (fd == -1 || gd_write_all (fd, data, n) == -1) {
    gd_set_error_errno ("%s", path);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if (close (fd) == -1) {
    gd_set_error_errno ("%s", path);
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
    size_t n;
    /* The last line is usually the reason. */
    const char *last = gd_last_line (out, out ? strlen (out) : 0, &n);
    if (r > 0)
      gd_set_error ("appliance build: %s failed (exit %d): %.*s",
                    argv[0], r, (int) n, last);
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

int
appliance_build (enum appliance_kind kind, const char *root,
                 const char *final, const char *kernel,
                 const char *modules, const char *version)
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
  if (appliance_mkdir_p (path) == -1) {
    gd_set_error_errno ("mkdir %s", path);
    goto out;
  }
  snprintf (path, sizeof path, "%s/init/usr/bin/guestdrv-relay", tmpl);
  if (write_file (path, appliance_relay_bin, appliance_relay_bin_len, 0755) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/init/usr/sbin", tmpl);
  if (appliance_mkdir_p (path) == -1) {
    gd_set_error_errno ("mkdir %s", path);
    goto out;
  }
  snprintf (path, sizeof path, "%s/init/usr/sbin/udevadm", tmpl);
  if (write_file (path, appliance_udevadm_bin, appliance_udevadm_bin_len, 0755) == -1)
    goto out;

  if (!modules) {
    /* A kernel with its drivers built in: supermin still wants a tree. */
    snprintf (path, sizeof path, "%s/nomodules/%s", tmpl, version);
    if (appliance_mkdir_p (path) == -1) {
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
  for (size_t i = 0; appliance_packages[i]; i++)
    argv[n++] = appliance_packages[i];
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
  if (gd_tree_remove (tmpl) == -1)
    gd_debug ("appliance", "%s", gd_get_error ());
  return r;
}

