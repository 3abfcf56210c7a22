/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of appliance/kernel.c: the .config reader, the bzImage
 * header, the module tree (as given or as INSTALL_MOD_PATH, version
 * mismatch), and the check that names the missing CONFIG_ option, on
 * kernels and trees built in a temp dir.
 */
#undef NDEBUG
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "appliance/kernel.h"
#include "common/error.h"

static char dir[64];

static void
put (const char *name, const char *text)
{
  char path[256];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  fclose (f);
}

/* A file with the x86 boot header: "HdrS" at 0x202, the version string
 * at 0x200 + the word at 0x20e.
 */
static void
put_bzimage (const char *name, const char *version)
{
  unsigned char img[0x400] = { 0 };
  char path[256];
  FILE *f;

  memcpy (img + 0x202, "HdrS", 4);
  img[0x20e] = 0x00;
  img[0x20f] = 0x01;                   /* version at 0x300 */
  snprintf ((char *) img + 0x300, 0x100, "%s (builder@host) #1 SMP", version);
  snprintf (path, sizeof path, "%s/%s", dir, name);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fwrite (img, 1, sizeof img, f);
  fclose (f);
}

static void
setup (void)
{
  snprintf (dir, sizeof dir, "/tmp/test-kernel-check.XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (dir));
}

static void
teardown (void)
{
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq (system (cmd), 0);
}

static const char *const good_config =
  "CONFIG_VIRTIO_PCI=y\n"
  "CONFIG_VIRTIO_CONSOLE=m\n"
  "CONFIG_SCSI_VIRTIO=y\n"
  "CONFIG_BLK_DEV_SD=y\n"
  "# CONFIG_EXT2_FS is not set\n"
  "CONFIG_EXT4_FS=y\n"
  "CONFIG_EXT4_USE_FOR_EXT2=y\n"
  "CONFIG_DEVTMPFS=y\n"
  "CONFIG_SERIAL_8250=y\n";

START_TEST (test_config_value)
{
  const char *c = "CONFIG_SSL_CHAN=\"pty\"\nCONFIG_SSL=y\n# CONFIG_UBD is not set\n"
                  "CONFIG_XCONFIG_UBD=y\nCONFIG_M=m\n";

  ck_assert_int_eq (guest_kernel_config_value (c, "SSL"), 'y');
  ck_assert_int_eq (guest_kernel_config_value (c, "SSL_CHAN"), 0);
  ck_assert_int_eq (guest_kernel_config_value (c, "UBD"), 0);
  ck_assert_int_eq (guest_kernel_config_value (c, "M"), 'm');
  ck_assert_int_eq (guest_kernel_config_value (c, "NOPE"), 0);
  ck_assert_int_eq (guest_kernel_config_value (NULL, "SSL"), 0);
}
END_TEST

START_TEST (test_bzimage_config_and_modules)
{
  struct guest_kernel k;
  char path[256], mods[256];

  put_bzimage ("vmlinuz", "6.9.0-test");
  snprintf (path, sizeof path, "%s/vmlinuz", dir);
  put ("config-6.9.0-test", good_config);

  /* virtio_console is a module and there is no tree: named. */
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, NULL, &k), 0);
  ck_assert_str_eq (k.version, "6.9.0-test");
  ck_assert_ptr_nonnull (k.config);
  ck_assert_int_eq (guest_kernel_check (APPLIANCE_QEMU, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "CONFIG_VIRTIO_CONSOLE=m"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "no --modules"));
  guest_kernel_free (&k);

  /* INSTALL_MOD_PATH layout, module file named with '-'. */
  snprintf (mods, sizeof mods, "%s/inst/lib/modules/6.9.0-test", dir);
  ck_assert_int_eq (system (NULL) != 0, 1);
  {
    char cmd[400];
    snprintf (cmd, sizeof cmd, "mkdir -p '%s'", mods);
    ck_assert_int_eq (system (cmd), 0);
  }
  put ("inst/lib/modules/6.9.0-test/modules.dep",
       "kernel/drivers/char/virtio-console.ko.xz: kernel/drivers/virtio/virtio.ko.xz\n");
  snprintf (mods, sizeof mods, "%s/inst", dir);
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, mods, &k), 0);
  ck_assert_ptr_nonnull (strstr (k.modules, "/lib/modules/6.9.0-test"));
  ck_assert_int_eq (guest_kernel_check (APPLIANCE_QEMU, &k), 0);
  guest_kernel_free (&k);

  /* ext2 through ext4 needs EXT4_USE_FOR_EXT2. */
  put ("config-6.9.0-test",
       "CONFIG_VIRTIO_PCI=y\nCONFIG_VIRTIO_CONSOLE=y\nCONFIG_SCSI_VIRTIO=y\n"
       "CONFIG_BLK_DEV_SD=y\nCONFIG_EXT4_FS=y\nCONFIG_DEVTMPFS=y\nCONFIG_SERIAL_8250=y\n");
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, NULL, &k), 0);
  ck_assert_int_eq (guest_kernel_check (APPLIANCE_QEMU, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "CONFIG_EXT4_USE_FOR_EXT2"));
  guest_kernel_free (&k);

  /* A missing option: named, with where the config came from. */
  put ("config-6.9.0-test", "CONFIG_VIRTIO_PCI=y\n");
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, NULL, &k), 0);
  ck_assert_int_eq (guest_kernel_check (APPLIANCE_QEMU, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "CONFIG_VIRTIO_CONSOLE is not set"));
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "config-6.9.0-test"));
  guest_kernel_free (&k);
}
END_TEST

START_TEST (test_bad_inputs)
{
  struct guest_kernel k;
  char path[256], other[256];

  snprintf (path, sizeof path, "%s/missing", dir);
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, NULL, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "No such file"));

  put ("notakernel", "hello\n");
  snprintf (path, sizeof path, "%s/notakernel", dir);
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, NULL, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "not a bootable x86 kernel"));
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_UML, path, NULL, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "not a UML kernel"));

  /* Modules of another version. */
  put_bzimage ("vmlinuz", "6.9.0-test");
  snprintf (path, sizeof path, "%s/vmlinuz", dir);
  snprintf (other, sizeof other, "%s/6.8.0", dir);
  ck_assert_int_eq (mkdir (other, 0755), 0);
  put ("6.8.0/modules.dep", "");
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, other, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "the modules are for 6.8.0, the kernel is 6.9.0-test"));
  /* Not a directory. */
  snprintf (other, sizeof other, "%s/6.8.0/modules.dep", dir);
  ck_assert_int_eq (guest_kernel_open (APPLIANCE_QEMU, path, other, &k), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "not a directory"));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("kernel-check");
  TCase *tc = tcase_create ("kernel");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_config_value);
  tcase_add_test (tc, test_bzimage_config_and_modules);
  tcase_add_test (tc, test_bad_inputs);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? 1 : 0;
}
