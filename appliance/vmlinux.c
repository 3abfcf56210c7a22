/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uncompressed kernel for qemu's PVH entry (see vmlinux.h).
 *
 * Debian's bzImage carries the kernel ELF as one XZ stream after its
 * setup code and decompressor.  Under TCG that decompressor is slow (it
 * runs emulated), and the BIOS path before it too: qemu -kernel given the
 * ELF instead finds the XEN_ELFNOTE_PHYS32_ENTRY note and enters the
 * kernel directly through its PVH entry point.  The ELF is extracted once
 * into the appliance's cache directory, whose key already covers the
 * kernel file.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vmlinux.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"

#define BZIMAGE_MAX    (256 * 1024 * 1024)      /* a bzImage is ~8 MiB */
#define VMLINUX_MAX    (1024LL * 1024 * 1024)   /* Debian's is ~66 MiB */
#define XZ_TIMEOUT_MS  120000
#define XEN_ELFNOTE_PHYS32_ENTRY 18

static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

/* Offset of the first XZ stream in the file at FD, or -1. */
static off_t
vmlinux_find_xz (int fd, off_t size)
{
  unsigned char buf[65536 + sizeof xz_magic];
  off_t pos = 0;
  size_t keep = 0;

  while (pos < size) {
    ssize_t r = pread (fd, buf + keep, sizeof buf - keep, pos);
    if (r <= 0)
      return -1;
    size_t n = keep + r;
    for (size_t i = 0; i + sizeof xz_magic <= n; i++)
      if (memcmp (buf + i, xz_magic, sizeof xz_magic) == 0)
        return pos - (off_t) keep + (off_t) i;
    pos += r;
    keep = n < sizeof xz_magic - 1 ? n : sizeof xz_magic - 1;
    memmove (buf, buf + n - keep, keep);
  }
  return -1;
}

/* 1 if the ELF at PATH is x86-64 and has the PVH entry note, 0 if not,
 * -1 on a read error.  Every offset and size comes from the file, so each
 * is checked against the file's size before use.
 */
int
vmlinux_has_pvh_note (const char *path)
{
  Elf64_Ehdr eh;
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC), found = 0;

  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("%s", path);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if (pread (fd, &eh, sizeof eh, 0) != sizeof eh ||
      memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
      eh.e_phentsize != sizeof (Elf64_Phdr) || eh.e_phnum > 64 ||
      eh.e_phoff > (uint64_t) st.st_size)
    goto out;
  for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
    Elf64_Phdr ph;
    unsigned char notes[4096];
    size_t off = 0, len;

    if (pread (fd, &ph, sizeof ph, eh.e_phoff + i * sizeof ph) != sizeof ph)
      goto out;
    if (ph.p_type != PT_NOTE || ph.p_offset > (uint64_t) st.st_size)
      continue;
    len = ph.p_filesz < sizeof notes ? ph.p_filesz : sizeof notes;
    if (pread (fd, notes, len, ph.p_offset) != (ssize_t) len)
      goto out;
    while (off + sizeof (Elf64_Nhdr) <= len) {
      Elf64_Nhdr nh;
      memcpy (&nh, notes + off, sizeof nh);
      size_t namesz = (nh.n_namesz + 3) & ~3u, descsz = (nh.n_descsz + 3) & ~3u;
      if (nh.n_namesz == 4 && off + sizeof nh + 4 <= len &&
          memcmp (notes + off + sizeof nh, "Xen", 4) == 0 &&
          nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
        found = 1;
        break;
      }
      if (namesz > len || descsz > len)
        break;
      off += sizeof nh + namesz + descsz;
    }
  }
 out:
  close (fd);
  return found;
}

/* xz -dc --single-stream < BZIMAGE from OFFSET > OUT, bounded in time. */
static int
vmlinux_unxz (const char *bzimage, off_t offset, const char *out)
{
  uint64_t deadline = gd_now_ns () + XZ_TIMEOUT_MS * 1000000ULL;
  int in = open (bzimage, O_RDONLY | O_CLOEXEC), r;
  int fd = open (out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char *argv[] = { "xz", "-dcq", "--single-stream", NULL };
  /* stderr: nowhere, the status says it failed. */
  struct gd_spawn s = { .argv = argv, .flags = GD_SPAWN_STDIN |
                        GD_SPAWN_OUT_FD | GD_SPAWN_STDERR_NULL };
  struct gd_child c;

  if (in == -1 || fd == -1 || lseek (in, offset, SEEK_SET) == -1) {
    gd_set_error_errno ("%s", in == -1 ? bzimage : out);
    goto fail;
  }
  s.stdin_fd = in;
  s.out_fd = fd;
  r = gd_child_spawn (&s, &c);
  close (in);
  close (fd);
  if (r == -1) {
    gd_error_prefix ("xz -dc %s", bzimage);
    return -1;
  }
  /* The bzImage's bytes decide what xz writes: bound its size and time. */
  while (gd_child_wait (&c, 20, NULL) == -1) {
    struct stat st;
    if (errno != ETIMEDOUT || gd_now_ns () > deadline ||
        (stat (out, &st) == 0 && st.st_size > VMLINUX_MAX)) {
      gd_child_kill (&c, 10000);
      gd_set_error ("xz -dc %s: gave up (over %d s or %lld bytes)", bzimage,
                    XZ_TIMEOUT_MS / 1000, (long long) VMLINUX_MAX);
      return -1;
    }
  }
  gd_child_kill (&c, 0);        /* its pidfd */
  if (!WIFEXITED (c.status) || WEXITSTATUS (c.status) != 0) {
    gd_set_error ("xz -dc %s from offset %lld: failed (status %d; is xz-utils installed?)",
                  bzimage, (long long) offset, c.status);
    return -1;
  }
  return 0;
 fail:
  if (in >= 0)
    close (in);
  if (fd >= 0)
    close (fd);
  return -1;
}

int
vmlinux_get (const char *bzimage, const char *dir, char **out)
{
  char path[4096], tmp[4200];
  struct stat st;
  off_t off;
  int fd, r;
  uint64_t t0 = gd_now_ns ();

  *out = NULL;
  snprintf (path, sizeof path, "%s/vmlinux", dir);
  if (access (path, R_OK) == 0) {
    if (!(*out = strdup (path))) {
      gd_set_error_errno ("malloc");
      return -1;
    }
    return 0;
  }
  snprintf (path, sizeof path, "%s/no-pvh", dir);
  if (access (path, F_OK) == 0)
    return 0;                   /* tried before: the bzImage it is */

  fd = open (bzimage, O_RDONLY | O_CLOEXEC);
  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("%s", bzimage);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  off = st.st_size <= BZIMAGE_MAX ? vmlinux_find_xz (fd, st.st_size) : -1;
  close (fd);
  snprintf (tmp, sizeof tmp, "%s/vmlinux.tmp", dir);
  if (off >= 0 && vmlinux_unxz (bzimage, off, tmp) == -1) {
    /* xz missing or failing: boot the bzImage this time, retry next. */
    gd_debug ("appliance", "%s", gd_get_error ());
    unlink (tmp);
    return 0;
  }
  r = off < 0 ? 0 : vmlinux_has_pvh_note (tmp);
  if (r != 1) {
    /* No XZ stream or no PVH entry: remember, and boot the bzImage. */
    gd_debug ("appliance", "%s: no PVH kernel inside (%s); booting the bzImage",
              bzimage, off < 0 ? "no XZ stream" : "no PVH note");
    unlink (tmp);
    if (r == 0 && (fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0)
      close (fd);
    return 0;
  }
  snprintf (path, sizeof path, "%s/vmlinux", dir);
  if (rename (tmp, path) == -1) {
    gd_set_error_errno ("rename %s", tmp);
    unlink (tmp);
    return -1;
  }
  gd_debug ("appliance", "extracted %s (PVH entry) from %s at offset %lld in %.1f s",
            path, bzimage, (long long) off, (gd_now_ns () - t0) / 1e9);
  if (!(*out = strdup (path))) {
    gd_set_error_errno ("malloc");
    return -1;
  }
  return 0;
}
