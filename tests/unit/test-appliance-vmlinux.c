/* SPDX-License-Identifier: GPL-2.0-or-later */
/* appliance/vmlinux.c: the PVH note check on crafted ELF files (good,
 * wrong note, wrong machine, truncated, offsets past the end) and the
 * extraction from a fake bzImage (junk + an XZ stream made by the real
 * xz) into a directory, with the no-PVH marker.
 */
#undef NDEBUG
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "appliance/vmlinux.h"
#include "unit-main.h"

static char dir[] = "/tmp/guestdrv-vmlinux-test.XXXXXX";

/* An ELF64 with one PT_NOTE holding one note NAME/TYPE. */
static size_t
make_elf (unsigned char *buf, size_t cap, uint16_t machine, const char *name,
          uint32_t type)
{
  Elf64_Ehdr eh = { 0 };
  Elf64_Phdr ph = { 0 };
  Elf64_Nhdr nh = { 0 };
  size_t namesz = strlen (name) + 1, off = sizeof eh + sizeof ph;
  size_t notesz = sizeof nh + ((namesz + 3) & ~3u) + 8;

  ck_assert (off + notesz <= cap);
  memset (buf, 0, cap);
  memcpy (eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = machine;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof eh;
  eh.e_ehsize = sizeof eh;
  eh.e_phentsize = sizeof ph;
  eh.e_phnum = 1;
  ph.p_type = PT_NOTE;
  ph.p_offset = off;
  ph.p_filesz = notesz;
  nh.n_namesz = namesz;
  nh.n_descsz = 8;
  nh.n_type = type;
  memcpy (buf, &eh, sizeof eh);
  memcpy (buf + sizeof eh, &ph, sizeof ph);
  memcpy (buf + off, &nh, sizeof nh);
  memcpy (buf + off + sizeof nh, name, namesz);
  return off + notesz;
}

static void
write_bytes (const char *path, const void *data, size_t n)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, data, n), (ssize_t) n);
  close (fd);
}

static int
check_file (const unsigned char *data, size_t n)
{
  char path[256];
  snprintf (path, sizeof path, "%s/elf", dir);
  write_bytes (path, data, n);
  return vmlinux_has_pvh_note (path);
}

START_TEST (test_note)
{
  unsigned char b[512];
  size_t n;
  Elf64_Ehdr eh;

  n = make_elf (b, sizeof b, EM_X86_64, "Xen", 18);
  ck_assert_int_eq (check_file (b, n), 1);
  /* Another Xen note, another vendor, another machine: no PVH entry. */
  n = make_elf (b, sizeof b, EM_X86_64, "Xen", 17);
  ck_assert_int_eq (check_file (b, n), 0);
  n = make_elf (b, sizeof b, EM_X86_64, "Linux", 18);
  ck_assert_int_eq (check_file (b, n), 0);
  n = make_elf (b, sizeof b, EM_AARCH64, "Xen", 18);
  ck_assert_int_eq (check_file (b, n), 0);
  /* Truncated in the header, in the note; not an ELF at all. */
  n = make_elf (b, sizeof b, EM_X86_64, "Xen", 18);
  ck_assert_int_eq (check_file (b, 40), 0);
  ck_assert_int_eq (check_file (b, n - 12), 0);
  ck_assert_int_eq (check_file ((const unsigned char *) "MZ nothing", 10), 0);
  /* Program headers past the end of the file; absurd counts. */
  memcpy (&eh, b, sizeof eh);
  eh.e_phoff = 1u << 30;
  memcpy (b, &eh, sizeof eh);
  ck_assert_int_eq (check_file (b, n), 0);
  eh.e_phoff = sizeof eh;
  eh.e_phnum = 65535;
  memcpy (b, &eh, sizeof eh);
  ck_assert_int_eq (check_file (b, n), 0);
  /* A missing file is an error, not "no". */
  ck_assert_int_eq (vmlinux_has_pvh_note ("/nonexistent/vmlinux"), -1);
}
END_TEST

/* A fake bzImage: 1000 junk bytes, then xz of PAYLOAD, then junk. */
static void
make_bzimage (const char *path, const unsigned char *payload, size_t n)
{
  char elf[256], xz[256], cmd[1024];
  unsigned char junk[1000];

  snprintf (elf, sizeof elf, "%s/payload", dir);
  snprintf (xz, sizeof xz, "%s/payload.xz", dir);
  write_bytes (elf, payload, n);
  snprintf (cmd, sizeof cmd, "xz -c '%s' > '%s'", elf, xz);
  ck_assert_int_eq (system (cmd), 0);
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (unsigned char) (i * 7);
  write_bytes (path, junk, sizeof junk);
  snprintf (cmd, sizeof cmd, "cat '%s' >> '%s' && printf 'trailing' >> '%s'",
            xz, path, path);
  ck_assert_int_eq (system (cmd), 0);
}

static void
fresh_cache (char *out, size_t len, const char *name)
{
  snprintf (out, len, "%s/%s", dir, name);
  ck_assert_int_eq (mkdir (out, 0755), 0);
}

START_TEST (test_extract)
{
  unsigned char b[512];
  char bz[256], cache[256], path[512], *out = NULL;
  struct stat st;
  size_t n;

  if (system ("command -v xz >/dev/null") != 0)
    return;                     /* xz-utils is in install-deps.sh */

  /* A PVH ELF inside: extracted, byte for byte, and found again. */
  n = make_elf (b, sizeof b, EM_X86_64, "Xen", 18);
  snprintf (bz, sizeof bz, "%s/bz-good", dir);
  make_bzimage (bz, b, n);
  fresh_cache (cache, sizeof cache, "good");
  ck_assert_int_eq (vmlinux_get (bz, cache, &out), 0);
  ck_assert_ptr_nonnull (out);
  ck_assert_int_eq (stat (out, &st), 0);
  ck_assert_int_eq (st.st_size, (off_t) n);
  free (out);
  out = NULL;
  ck_assert_int_eq (vmlinux_get (bz, cache, &out), 0);
  ck_assert_ptr_nonnull (out);
  free (out);
  out = NULL;

  /* An ELF without the note: the bzImage it is, remembered. */
  n = make_elf (b, sizeof b, EM_X86_64, "Xen", 17);
  snprintf (bz, sizeof bz, "%s/bz-nonote", dir);
  make_bzimage (bz, b, n);
  fresh_cache (cache, sizeof cache, "nonote");
  ck_assert_int_eq (vmlinux_get (bz, cache, &out), 0);
  ck_assert_ptr_null (out);
  snprintf (path, sizeof path, "%s/no-pvh", cache);
  ck_assert_int_eq (access (path, F_OK), 0);
  snprintf (path, sizeof path, "%s/vmlinux", cache);
  ck_assert_int_eq (access (path, F_OK), -1);

  /* No XZ stream at all. */
  snprintf (bz, sizeof bz, "%s/bz-plain", dir);
  write_bytes (bz, "plain bytes, no stream", 22);
  fresh_cache (cache, sizeof cache, "plain");
  ck_assert_int_eq (vmlinux_get (bz, cache, &out), 0);
  ck_assert_ptr_null (out);

  /* A corrupt XZ stream: no ELF, no marker (retried next time). */
  snprintf (bz, sizeof bz, "%s/bz-corrupt", dir);
  write_bytes (bz, "\xfd" "7zXZ\0garbage garbage garbage", 30);
  fresh_cache (cache, sizeof cache, "corrupt");
  ck_assert_int_eq (vmlinux_get (bz, cache, &out), 0);
  ck_assert_ptr_null (out);
  snprintf (path, sizeof path, "%s/no-pvh", cache);
  ck_assert_int_eq (access (path, F_OK), -1);
  snprintf (path, sizeof path, "%s/vmlinux.tmp", cache);
  ck_assert_int_eq (access (path, F_OK), -1);

  /* A kernel that cannot be read is an error. */
  ck_assert_int_eq (vmlinux_get ("/nonexistent/bz", cache, &out), -1);
}
END_TEST

static void
setup (void)
{
  ck_assert_ptr_nonnull (mkdtemp (dir));
}

static void
teardown (void)
{
  char cmd[256];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq (system (cmd), 0);
  strcpy (dir, "/tmp/guestdrv-vmlinux-test.XXXXXX");
}

int
main (void)
{
  TCase *tc = tcase_create ("vmlinux");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_note);
  tcase_add_test (tc, test_extract);
  tcase_set_timeout (tc, 60);
  return unit_run ("appliance-vmlinux", tc);
}
