/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The remembered KVM verdict.
 *
 * The probe (kvm-probe.c) proves that a vCPU runs a few bytes of
 * real-mode code; it cannot prove that qemu boots Linux under KVM.  On
 * some nested hosts qemu aborts at once (kvm_buf_set_msrs: the host
 * refuses an MSR) or the guest kernel spins silently.  When a KVM launch
 * fails like that, `auto` falls back to TCG and writes the reason here,
 * so that later runs go straight to TCG without paying the attempt.
 *
 * The verdict is keyed by what decides it: the host kernel and this boot
 * of it, the qemu binary (path, inode, size, mtime) and the CPU flags.
 * Any of them changing gives a new key, so a fixed host is tried again.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "../common/debug.h"
#include "../common/error.h"

static void
fnv (uint64_t *h, const void *p, size_t n)
{
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    *h ^= s[i];
    *h *= 0x100000001b3ULL;
  }
}

static void
fnv_str (uint64_t *h, const char *s)
{
  fnv (h, s, strlen (s) + 1);
}

/* The first line of FILE that starts with PREFIX (or "" if none). */
static void
file_line (const char *file, const char *prefix, char *out, size_t outlen)
{
  FILE *fp = fopen (file, "re");
  char line[4096];

  out[0] = '\0';
  if (!fp)
    return;
  while (fgets (line, sizeof line, fp))
    if (strncmp (line, prefix, strlen (prefix)) == 0) {
      snprintf (out, outlen, "%s", line);
      break;
    }
  fclose (fp);
}

/* Where execvp would find NAME, or NAME itself. */
static void
which (const char *name, char *out, size_t outlen)
{
  const char *path = getenv ("PATH");
  snprintf (out, outlen, "%s", name);
  if (strchr (name, '/') || !path)
    return;
  while (*path) {
    size_t n = strcspn (path, ":");
    char cand[4096];
    snprintf (cand, sizeof cand, "%.*s/%s", (int) n, path, name);
    if (access (cand, X_OK) == 0) {
      snprintf (out, outlen, "%s", cand);
      return;
    }
    path += n;
    if (*path == ':')
      path++;
  }
}

const char *
qemu_binary (void)
{
  const char *e = getenv ("GUESTDRV_QEMU");
  return e && *e ? e : "qemu-system-x86_64";
}

void
kvm_verdict_key (char *out, size_t outlen)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  struct utsname u;
  struct stat st;
  char buf[4096];

  if (uname (&u) == 0) {
    fnv_str (&h, u.release);
    fnv_str (&h, u.version);
  }
  file_line ("/proc/sys/kernel/random/boot_id", "", buf, sizeof buf);
  fnv_str (&h, buf);
  which (qemu_binary (), buf, sizeof buf);
  fnv_str (&h, buf);
  if (stat (buf, &st) == 0) {
    fnv (&h, &st.st_dev, sizeof st.st_dev);
    fnv (&h, &st.st_ino, sizeof st.st_ino);
    fnv (&h, &st.st_size, sizeof st.st_size);
    fnv (&h, &st.st_mtim, sizeof st.st_mtim);
  }
  file_line ("/proc/cpuinfo", "flags", buf, sizeof buf);
  fnv_str (&h, buf);
  snprintf (out, outlen, "%016llx", (unsigned long long) h);
}

static int
verdict_path (const char *dir, char *out, size_t outlen)
{
  char key[32];

  if (!dir || !*dir)
    return -1;
  kvm_verdict_key (key, sizeof key);
  if ((size_t) snprintf (out, outlen, "%s/kvm-verdict-%s", dir, key) >= outlen)
    return -1;
  return 0;
}

int
kvm_verdict_load (const char *dir, char *why, size_t whylen,
                  char *path, size_t pathlen)
{
  char buf[1024];
  int fd;
  ssize_t n;

  if (verdict_path (dir, path, pathlen) == -1)
    return 0;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd == -1)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  snprintf (why, whylen, "%s", buf);
  return 1;
}

void
kvm_verdict_save (const char *dir, const char *why)
{
  char path[4096], tmp[4200];
  FILE *fp;

  if (verdict_path (dir, path, sizeof path) == -1)
    return;
  if (mkdir (dir, 0755) == -1 && errno != EEXIST)
    return;
  snprintf (tmp, sizeof tmp, "%s.%d", path, (int) getpid ());
  fp = fopen (tmp, "we");
  if (!fp)
    return;
  fprintf (fp, "%s\n", why);
  if (fclose (fp) != 0 || rename (tmp, path) == -1) {
    unlink (tmp);
    return;
  }
  gd_debug ("launcher", "KVM verdict remembered in %s", path);
}
