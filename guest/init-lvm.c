/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: does any disk hold an LVM physical volume?
 *
 * libguestfs's appliance activates every volume group at boot, so that
 * /dev/VG/LV exists before the first command.  guestdrv does the same,
 * but only when there is something to activate: "lvm vgchange -aay"
 * costs a few hundred milliseconds under TCG (an exec of lvm, its
 * config, a scan of every device), while reading the first 2 KiB of each
 * disk and partition costs next to nothing.  An LVM2 label is in one of
 * the first four 512-byte sectors (sector 1 unless pvcreate was told
 * otherwise): "LABELONE" at its start and "LVM2 001" 24 bytes in
 * (LVM's label_header).
 *
 * A guest program: plain libc, nothing from libguestdrv.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "init-lvm.h"

#define SECTOR 512
#define LABEL_SECTORS 4

int
init_lvm_label_in (const unsigned char *buf, size_t buf_len)
{
  for (size_t s = 0; s < LABEL_SECTORS && (s + 1) * SECTOR <= buf_len; s++) {
    const unsigned char *p = buf + s * SECTOR;
    if (memcmp (p, "LABELONE", 8) == 0 && memcmp (p + 24, "LVM2 001", 8) == 0)
      return 1;
  }
  return 0;
}

static int
device_has_label (const char *name)
{
  unsigned char buf[SECTOR * LABEL_SECTORS];
  char path[300];
  ssize_t r;
  int fd;

  snprintf (path, sizeof path, "/dev/%s", name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd == -1)
    return 0;
  r = pread (fd, buf, sizeof buf, 0);
  close (fd);
  return r > 0 && init_lvm_label_in (buf, (size_t) r);
}

static int
is_disk (const char *name)
{
  return strncmp (name, "sd", 2) == 0 || strncmp (name, "vd", 2) == 0 ||
    strncmp (name, "ubd", 3) == 0;
}

/* DISK itself, then its partitions: the subdirectories of
 * /sys/block/DISK named DISK<something>.
 */
static int
disk_or_partition_has_label (const char *disk)
{
  char path[300];
  DIR *d;
  struct dirent *e;
  int found = 0;

  if (device_has_label (disk))
    return 1;
  snprintf (path, sizeof path, "/sys/block/%s", disk);
  d = opendir (path);
  if (!d)
    return 0;
  while (!found && (e = readdir (d)) != NULL)
    if (strncmp (e->d_name, disk, strlen (disk)) == 0 && e->d_name[strlen (disk)])
      found = device_has_label (e->d_name);
  closedir (d);
  return found;
}

int
init_lvm_pv_present (void)
{
  DIR *d = opendir ("/sys/block");
  struct dirent *e;
  int found = 0;

  if (!d)
    return 0;
  while (!found && (e = readdir (d)) != NULL)
    if (is_disk (e->d_name))
      found = disk_or_partition_has_label (e->d_name);
  closedir (d);
  return found;
}
