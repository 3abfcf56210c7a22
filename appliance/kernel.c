/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A user's kernel for the appliance (see kernel.h).
 *
 * What the appliance needs from a kernel is checked against the kernel's
 * own configuration: a UML binary prints it (`linux --showconfig`); for a
 * bzImage it is looked for beside the kernel or in /boot.  An option set
 * to m must have its module in the module tree (modules.dep or
 * modules.builtin name it).  Without a readable configuration only the
 * module tree can be consulted, and options that are never modules go
 * unchecked.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "appliance-internal.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../common/run.h"

#define KERNEL_RUN_TIMEOUT_MS 10000
#define CONFIG_MAX (4 * 1024 * 1024)

/* One thing the appliance needs.  ALT, when set, is a second way to get
 * it (ext4 mounting ext2 needs EXT4_USE_FOR_EXT2 too).
 */
struct kernel_need {
  const char *option, *module;      /* module NULL: never a module */
  const char *alt, *alt_module, *alt_also;
  const char *why;
};

static const struct kernel_need uml_needs[] = {
  { "BLK_DEV_UBD", NULL, NULL, NULL, NULL, "the disk driver (ubd)" },
  { "SSL", NULL, NULL, NULL, NULL, "the serial lines that carry the channel" },
  { "EXT2_FS", "ext2", "EXT4_FS", "ext4", "EXT4_USE_FOR_EXT2",
    "the appliance's ext2 root" },
  { "DEVTMPFS", NULL, NULL, NULL, NULL, "/dev in the appliance" },
  { "MAGIC_SYSRQ", NULL, NULL, NULL, NULL, "the appliance's power-off" },
  { NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct kernel_need qemu_needs[] = {
  { "VIRTIO_PCI", "virtio_pci", NULL, NULL, NULL, "virtio devices" },
  { "VIRTIO_CONSOLE", "virtio_console", NULL, NULL, NULL,
    "the virtio-serial channel" },
  { "SCSI_VIRTIO", "virtio_scsi", NULL, NULL, NULL, "the disk controller" },
  { "BLK_DEV_SD", "sd_mod", NULL, NULL, NULL, "the disks" },
  { "EXT2_FS", "ext2", "EXT4_FS", "ext4", "EXT4_USE_FOR_EXT2",
    "the appliance's ext2 root" },
  { "DEVTMPFS", NULL, NULL, NULL, NULL, "/dev in the appliance" },
  { "SERIAL_8250", NULL, NULL, NULL, NULL, "the serial console" },
  { NULL, NULL, NULL, NULL, NULL, NULL },
};

char
guest_kernel_config_value (const char *config, const char *name)
{
  char key[128];
  size_t kl;
  const char *p = config;

  if (!config)
    return 0;
  kl = snprintf (key, sizeof key, "CONFIG_%s=", name);
  while ((p = strstr (p, key)) != NULL) {
    if (p == config || p[-1] == '\n')
      return p[kl] == 'y' || p[kl] == 'm' ? p[kl] : 0;
    p += kl;
  }
  return 0;
}

/* Is module NAME in the tree (loadable, or listed as built in)? */
static int
module_present (const char *modules, const char *name)
{
  static const char *const lists[] = { "modules.dep", "modules.builtin" };
  char path[PATH_MAX], pat[128];
  int found = 0;

  if (!modules || !name)
    return 0;
  snprintf (pat, sizeof pat, "/%s.ko", name);
  for (size_t i = 0; i < 2 && !found; i++) {
    char *text;
    snprintf (path, sizeof path, "%s/%s", modules, lists[i]);
    if ((text = gd_read_file (path, 16 * 1024 * 1024, NULL)) == NULL)
      continue;
    /* Module file names use '_' or '-' interchangeably. */
    found = strstr (text, pat) != NULL;
    if (!found) {
      for (char *c = pat; *c; c++)
        if (*c == '_')
          *c = '-';
      found = strstr (text, pat) != NULL;
      for (char *c = pat; *c; c++)
        if (*c == '-')
          *c = '_';
    }
    free (text);
  }
  return found;
}

static uint64_t
fnv_str_hash (uint64_t h, const char *s)
{
  h = appliance_fnv (h, s, s ? strlen (s) : 0);
  return appliance_fnv (h, "\xff", 1);
}

static char *
trim (char *s)
{
  size_t n;
  while (*s == ' ' || *s == '\n' || *s == '\t')
    s++;
  n = strlen (s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

/* UML: an ELF executable answering --version with a version. */
static int
uml_identify (struct guest_kernel *k)
{
  char magic[4], *out = NULL, *v;
  const char *argv[] = { k->path, "--version", NULL };
  const char *cargv[] = { k->path, "--showconfig", NULL };
  int fd = open (k->path, O_RDONLY | O_CLOEXEC), r;

  if (fd == -1 || read (fd, magic, 4) != 4 || memcmp (magic, "\177ELF", 4) != 0) {
    if (fd >= 0)
      close (fd);
    gd_set_error ("--kernel %s: not a UML kernel (a `linux` ELF binary built "
                  "with ARCH=um)", k->path);
    return -1;
  }
  close (fd);
  if (access (k->path, X_OK) == -1) {
    gd_set_error_errno ("--kernel %s: not executable", k->path);
    return -1;
  }
  r = gd_run ((char *const *) argv, NULL, KERNEL_RUN_TIMEOUT_MS, &out);
  v = out ? trim (out) : NULL;
  if (r != 0 || !v || !*v || strchr (v, '\n') || strlen (v) > 64 ||
      !(v[0] >= '0' && v[0] <= '9')) {
    gd_set_error ("--kernel %s: not a UML kernel (`%s --version` did not "
                  "print a kernel version)", k->path, k->path);
    free (out);
    return -1;
  }
  k->version = strdup (v);
  free (out);
  out = NULL;
  if (gd_run ((char *const *) cargv, NULL, KERNEL_RUN_TIMEOUT_MS, &out) == 0 &&
      out && strstr (out, "\nCONFIG_")) {
    k->config = out;
    k->config_source = strdup ("linux --showconfig");
  }
  else
    free (out);
  return k->version ? 0 : -1;
}

/* bzImage: the boot protocol header ("HdrS" at 0x202) points at the
 * version string (0x200 + the word at 0x20e).
 */
static int
bzimage_identify (struct guest_kernel *k)
{
  unsigned char hdr[0x210];
  char ver[256];
  int fd = open (k->path, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  unsigned off;

  if (fd == -1) {
    gd_set_error_errno ("--kernel %s", k->path);
    return -1;
  }
  n = pread (fd, hdr, sizeof hdr, 0);
  if (n != (ssize_t) sizeof hdr || memcmp (hdr + 0x202, "HdrS", 4) != 0) {
    close (fd);
    gd_set_error ("--kernel %s: not a bootable x86 kernel (no bzImage header; "
                  "qemu wants arch/x86/boot/bzImage)", k->path);
    return -1;
  }
  off = 0x200 + (hdr[0x20e] | (hdr[0x20f] << 8));
  n = pread (fd, ver, sizeof ver - 1, off);
  close (fd);
  if (n <= 0) {
    gd_set_error ("--kernel %s: no version string in the bzImage header", k->path);
    return -1;
  }
  ver[n] = '\0';
  ver[strcspn (ver, " \n")] = '\0';
  if (!ver[0]) {
    gd_set_error ("--kernel %s: empty version string in the bzImage header", k->path);
    return -1;
  }
  k->version = strdup (ver);
  return k->version ? 0 : -1;
}

static void
bzimage_find_config (struct guest_kernel *k)
{
  char dir[PATH_MAX], cand[4][PATH_MAX + 300];
  char *slash;

  snprintf (dir, sizeof dir, "%s", k->path);
  slash = strrchr (dir, '/');
  if (slash)
    *slash = '\0';
  snprintf (cand[0], sizeof cand[0], "%s/config-%s", dir, k->version);
  snprintf (cand[1], sizeof cand[1], "%s/.config", dir);
  snprintf (cand[2], sizeof cand[2], "/boot/config-%s", k->version);
  snprintf (cand[3], sizeof cand[3], "%s/build/.config", k->modules ? k->modules : "/nonexistent");
  for (int i = 0; i < 4; i++) {
    char *text = gd_read_file (cand[i], CONFIG_MAX, NULL);
    if (text && strstr (text, "CONFIG_")) {
      k->config = text;
      k->config_source = strdup (cand[i]);
      return;
    }
    free (text);
  }
}

/* --modules DIR: the version directory itself, or an INSTALL_MOD_PATH. */
static int
resolve_modules (const char *given, struct guest_kernel *k)
{
  char a[PATH_MAX + 8], b[PATH_MAX * 2], *base;
  struct stat st;

  if (stat (given, &st) == -1) {
    gd_set_error_errno ("--modules %s", given);
    return -1;
  }
  if (!S_ISDIR (st.st_mode)) {
    gd_set_error ("--modules %s: not a directory", given);
    return -1;
  }
  snprintf (a, sizeof a, "%s/modules.dep", given);
  snprintf (b, sizeof b, "%s/lib/modules/%s", given, k->version);
  if (access (a, R_OK) == 0)
    k->modules = realpath (given, NULL);
  else if (stat (b, &st) == 0 && S_ISDIR (st.st_mode))
    k->modules = realpath (b, NULL);
  else {
    gd_set_error ("--modules %s: no module tree for kernel %s (want a "
                  "directory with modules.dep, or INSTALL_MOD_PATH with "
                  "lib/modules/%s)", given, k->version, k->version);
    return -1;
  }
  if (!k->modules) {
    gd_set_error_errno ("--modules %s", given);
    return -1;
  }
  base = strrchr (k->modules, '/');
  base = base ? base + 1 : k->modules;
  if (strcmp (base, k->version) != 0) {
    gd_set_error ("--modules %s: the modules are for %s, the kernel is %s",
                  given, base, k->version);
    return -1;
  }
  return 0;
}

int
guest_kernel_open (enum appliance_kind kind, const char *path,
                   const char *modules, struct guest_kernel *k)
{
  char mdep[PATH_MAX + 16];

  memset (k, 0, sizeof *k);
  if (!path || !*path) {
    gd_set_error ("--kernel: empty path");
    return -1;
  }
  if (access (path, R_OK) == -1) {
    gd_set_error_errno ("--kernel %s", path);
    return -1;
  }
  k->path = realpath (path, NULL);
  if (!k->path) {
    gd_set_error_errno ("--kernel %s", path);
    return -1;
  }
  if ((kind == APPLIANCE_UML ? uml_identify (k) : bzimage_identify (k)) == -1)
    goto fail;
  if (modules && resolve_modules (modules, k) == -1)
    goto fail;
  if (kind == APPLIANCE_QEMU)
    bzimage_find_config (k);

  k->id = APPLIANCE_FNV_BASIS;
  appliance_fnv_file (&k->id, k->path);
  k->id = fnv_str_hash (k->id, k->version);
  k->id = fnv_str_hash (k->id, k->modules ? k->modules : "");
  if (k->modules) {
    snprintf (mdep, sizeof mdep, "%s/modules.dep", k->modules);
    appliance_fnv_file (&k->id, mdep);
  }
  gd_debug ("appliance", "kernel %s: version %s, modules %s, config %s",
            k->path, k->version, k->modules ? k->modules : "(none: built in)",
            k->config_source ? k->config_source : "(not found)");
  return 0;
 fail:
  guest_kernel_free (k);
  return -1;
}

/* 0 if NEED is met, else -1 with the error naming the option. */
static int
need_met (const struct guest_kernel *k, const struct kernel_need *need)
{
  char v = guest_kernel_config_value (k->config, need->option);
  char va = need->alt ? guest_kernel_config_value (k->config, need->alt) : 0;
  char vx = need->alt_also ? guest_kernel_config_value (k->config, need->alt_also) : 'y';

  if (!k->config) {
    /* Only the module tree to go by. */
    if (!k->modules || !need->module)
      return 0;
    if (module_present (k->modules, need->module) ||
        (need->alt_module && module_present (k->modules, need->alt_module)))
      return 0;
    gd_set_error ("--kernel %s: module %s (CONFIG_%s, for %s) is neither in "
                  "%s nor built in (modules.builtin)", k->path, need->module,
                  need->option, need->why, k->modules);
    return -1;
  }
  if (v == 'y' || (va == 'y' && vx == 'y'))
    return 0;
  if ((v == 'm' && module_present (k->modules, need->module)) ||
      (va == 'm' && vx == 'y' && module_present (k->modules, need->alt_module)))
    return 0;
  if (v == 'm' || (va == 'm' && vx == 'y')) {
    if (!k->modules)
      gd_set_error ("--kernel %s: CONFIG_%s=m (for %s) but no --modules DIR to "
                    "load it from: give the kernel's module tree, or build it "
                    "with CONFIG_%s=y", k->path, v == 'm' ? need->option : need->alt,
                    need->why, v == 'm' ? need->option : need->alt);
    else
      gd_set_error ("--kernel %s: CONFIG_%s=m (for %s) but its module is not "
                    "in %s", k->path, v == 'm' ? need->option : need->alt,
                    need->why, k->modules);
    return -1;
  }
  if (need->alt && va && vx != 'y')
    gd_set_error ("--kernel %s: CONFIG_%s is not set and CONFIG_%s lacks "
                  "CONFIG_%s (needed for %s; config from %s)", k->path,
                  need->option, need->alt, need->alt_also, need->why,
                  k->config_source);
  else
    gd_set_error ("--kernel %s: CONFIG_%s is not set (needed for %s; config "
                  "from %s): rebuild with CONFIG_%s=y", k->path, need->option,
                  need->why, k->config_source, need->option);
  return -1;
}

int
guest_kernel_check (enum appliance_kind kind, const struct guest_kernel *k)
{
  const struct kernel_need *needs = kind == APPLIANCE_UML ? uml_needs : qemu_needs;

  if (!k->config && !k->modules)
    gd_debug ("appliance", "kernel %s: no configuration or module tree to "
              "check against; trying it as it is", k->path);
  for (size_t i = 0; needs[i].option; i++)
    if (need_met (k, &needs[i]) == -1)
      return -1;
  return 0;
}

void
guest_kernel_free (struct guest_kernel *k)
{
  free (k->path);
  free (k->modules);
  free (k->version);
  free (k->config);
  free (k->config_source);
  memset (k, 0, sizeof *k);
}
