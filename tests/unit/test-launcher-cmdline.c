/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exact qemu (KVM and TCG) and UML command lines built by
 * launcher/qemu-cmdline.c and launcher/uml-cmdline.c for given options:
 * the KVM one is checked here because no test machine can run it.  And
 * the backend table (launcher/backends.c) that names them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "launcher/cmdline.h"
#include "launcher/launcher-internal.h"
#include "launcher/uml-xstate.h"
#include "common/error.h"
#include "unit-main.h"

#define T "/tmp/gd.X"
#define UUID "01234567-89ab-cdef-0123-456789abcdef"
#define APPEND_BASE "panic=1 console=ttyS0 quiet edd=off 8250.nr_uarts=1 " \
  "cryptomgr.notests no_timer_check tsc=reliable root=UUID=" UUID

static struct appliance_files app = {
  .kernel = (char *) "/c/bzImage", .initrd = (char *) "/c/initrd",
  .root = (char *) "/c/root",
};

static struct disk disk (const char *path, const char *format,
                         const char *cache, bool ro)
{
  return (struct disk) { (char *) path, (char *) format, (char *) cache, ro };
}

static struct launch_config
config (enum backend_kind b, struct disk *d, size_t n)
{
  return (struct launch_config) { .backend = b, .disks = d, .ndisks = n,
                                  .memory_mb = 1024, .vcpus = 1 };
}

static const struct qemu_paths qpaths = {
  .binary = "qemu-system-x86_64", .tmpdir = T,
  .channel_sock = T "/guestfsd.sock", .qmp_sock = T "/qmp.sock",
  .root_uuid = UUID, .verbose = false,
};

static void
argv_eq (const struct args *a, const char *const *want)
{
  size_t n = 0;
  while (want[n])
    n++;
  for (size_t i = 0; i < n && i < a->n; i++)
    ck_assert_msg (strcmp (a->v[i], want[i]) == 0, "argv[%zu]: '%s', want '%s'",
                   i, a->v[i], want[i]);
  ck_assert_uint_eq (a->n, n);
  ck_assert_ptr_null (a->v[a->n]);
}

/* Index of the first argument equal to S at or after FROM, or -1. */
static int
find (const struct args *a, const char *s, size_t from)
{
  for (size_t i = from; i < a->n; i++)
    if (strcmp (a->v[i], s) == 0)
      return (int) i;
  return -1;
}

/* The argument after OPT (first occurrence). */
static const char *
after (const struct args *a, const char *opt)
{
  int i = find (a, opt, 0);
  ck_assert_msg (i >= 0 && (size_t) i + 1 < a->n, "%s missing", opt);
  return a->v[i + 1];
}

static struct args
qbuild (const struct launch_config *cfg, const struct qemu_paths *p)
{
  struct args a = { 0 };
  ck_assert_int_eq (qemu_build_argv (cfg, &app, p, &a), 0);
  return a;
}

START_TEST (test_qemu_tcg_exact)
{
  struct disk d[] = { disk ("/d/a.img", "raw", "writeback", false) };
  struct launch_config cfg = config (BACKEND_TCG, d, 1);
  struct args a = qbuild (&cfg, &qpaths);
  const char *const want[] = {
    "qemu-system-x86_64", "-name", "guestdrv", "-no-user-config",
    "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
    "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "1024", "-smp", "1",
    "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio",
    "-kernel", "/c/bzImage", "-initrd", "/c/initrd",
    "-append", APPEND_BASE " guestdrv.backend=tcg",
    "-device", "virtio-scsi-pci,id=scsi",
    "-drive", "file=/d/a.img,format=raw,cache=writeback,if=none,id=hd0",
    "-device", "scsi-hd,drive=hd0,bus=scsi.0",
    "-drive", "file=/c/root,format=raw,snapshot=on,cache=unsafe,if=none,id=appliance",
    "-device", "scsi-hd,drive=appliance,bus=scsi.0",
    "-device", "virtio-serial-pci",
    "-chardev", "socket,path=" T "/guestfsd.sock,id=channel0",
    "-device", "virtserialport,chardev=channel0,name=org.libguestfs.channel.0",
    "-qmp", "unix:" T "/qmp.sock,server=on,wait=off", NULL
  };
  argv_eq (&a, want);
  args_free (&a);
}
END_TEST

START_TEST (test_qemu_kvm_pvh)
{
  struct appliance_files pvh = app;
  struct launch_config cfg = config (BACKEND_KVM, NULL, 0);
  struct args a = { 0 };

  cfg.memory_mb = 512;
  cfg.vcpus = 2;
  pvh.kernel = (char *) "/c/vmlinux";
  ck_assert_int_eq (qemu_build_argv (&cfg, &pvh, &qpaths, &a), 0);
  ck_assert_str_eq (a.v[6], "-machine");
  ck_assert_str_eq (a.v[7], "q35,accel=kvm");
  ck_assert_str_eq (a.v[8], "-cpu");
  ck_assert_str_eq (a.v[9], "host");
  ck_assert_str_eq (after (&a, "-m"), "512");
  ck_assert_str_eq (after (&a, "-smp"), "2");
  ck_assert_str_eq (a.v[20], "-kernel");
  ck_assert_str_eq (a.v[21], "/c/vmlinux");
  ck_assert_str_eq (after (&a, "-append"), APPEND_BASE " guestdrv.backend=kvm");
  /* No user disk: the appliance is the first and only drive. */
  ck_assert_str_eq (after (&a, "-drive"),
                    "file=/c/root,format=raw,snapshot=on,cache=unsafe,if=none,id=appliance");
  ck_assert_int_eq (find (&a, "-S", 0), -1);
  args_free (&a);
}
END_TEST

START_TEST (test_qemu_sandbox)
{
  struct launch_config cfg = config (BACKEND_KVM, NULL, 0);
  struct args a = qbuild (&cfg, &qpaths);

  ck_assert_int_eq (find (&a, "-no-user-config", 0), 3);
  ck_assert_int_eq (find (&a, "-sandbox", 0), 4);
  ck_assert_str_eq (a.v[5], "on,obsolete=deny,elevateprivileges=deny,"
                    "spawn=deny,resourcecontrol=deny");
  ck_assert_int_eq (find (&a, "-nodefaults", 0), 14);
  args_free (&a);
}
END_TEST

START_TEST (test_qemu_cache_format)
{
  static const char *const caches[] = {
    "none", "writeback", "writethrough", "directsync", "unsafe"
  };
  static const char *const formats[] = { "raw", "qcow2" };
  char want[200];

  for (size_t c = 0; c < 5; c++)
    for (size_t f = 0; f < 2; f++) {
      struct disk d[] = { disk ("/d/x", formats[f], caches[c], false) };
      struct launch_config cfg = config (BACKEND_TCG, d, 1);
      struct args a = qbuild (&cfg, &qpaths);
      snprintf (want, sizeof want, "file=/d/x,format=%s,cache=%s,if=none,id=hd0",
                formats[f], caches[c]);
      ck_assert_str_eq (after (&a, "-drive"), want);
      args_free (&a);
    }
}
END_TEST

START_TEST (test_qemu_disks_in_order)
{
  struct disk d[] = {
    disk ("/d/a.img", "raw", "none", false),
    disk ("/d/b,c.qcow2", "qcow2", "unsafe", true),
    disk ("/d/c.img", "raw", "directsync", true),
  };
  struct launch_config cfg = config (BACKEND_TCG, d, 3);
  struct args a = qbuild (&cfg, &qpaths);
  int i = find (&a, "-device", 0);

  ck_assert_str_eq (a.v[i + 1], "virtio-scsi-pci,id=scsi");
  ck_assert_str_eq (a.v[i + 2], "-drive");
  ck_assert_str_eq (a.v[i + 3], "file=/d/a.img,format=raw,cache=none,if=none,id=hd0");
  ck_assert_str_eq (a.v[i + 5], "scsi-hd,drive=hd0,bus=scsi.0");
  /* Commas in a path are doubled for -drive. */
  /* Read-only disks get a throwaway overlay, as under libguestfs. */
  ck_assert_str_eq (a.v[i + 7], "file=/d/b,,c.qcow2,format=qcow2,cache=unsafe,"
                    "if=none,id=hd1,snapshot=on");
  ck_assert_str_eq (a.v[i + 9], "scsi-hd,drive=hd1,bus=scsi.0");
  ck_assert_str_eq (a.v[i + 11], "file=/d/c.img,format=raw,cache=directsync,"
                    "if=none,id=hd2,snapshot=on");
  ck_assert_str_eq (a.v[i + 13], "scsi-hd,drive=hd2,bus=scsi.0");
  ck_assert_str_eq (a.v[i + 15], "file=/c/root,format=raw,snapshot=on,"
                    "cache=unsafe,if=none,id=appliance");
  args_free (&a);
}
END_TEST

START_TEST (test_qemu_kernel_append_verbose)
{
  struct launch_config cfg = config (BACKEND_TCG, NULL, 0);
  struct qemu_paths p = qpaths;
  struct args a;

  cfg.kernel_override = "/k/bzImage";
  cfg.append = "foo=1 bar";
  cfg.init_flags = "guestdrv.scan=udev";
  p.verbose = true;
  p.binary = "/opt/qemu";
  a = qbuild (&cfg, &p);
  ck_assert_str_eq (a.v[0], "/opt/qemu");
  ck_assert_str_eq (after (&a, "-kernel"), "/k/bzImage");
  ck_assert_str_eq (after (&a, "-append"), APPEND_BASE " guestdrv.backend=tcg "
                    "guestdrv.verbose=1 guestdrv.scan=udev foo=1 bar");
  args_free (&a);

  cfg.init_flags = NULL;
  p.verbose = false;
  a = qbuild (&cfg, &p);
  ck_assert_str_eq (after (&a, "-append"), APPEND_BASE " guestdrv.backend=tcg foo=1 bar");
  args_free (&a);
}
END_TEST

START_TEST (test_qemu_gdb)
{
  struct launch_config cfg = config (BACKEND_KVM, NULL, 0);
  struct args a;

  cfg.gdb = true;
  a = qbuild (&cfg, &qpaths);
  ck_assert_uint_ge (a.n, 5);
  ck_assert_str_eq (a.v[a.n - 5], "-chardev");
  ck_assert_str_eq (a.v[a.n - 4], "socket,id=gdb0,path=" T "/gdb.sock,server=on,wait=off");
  ck_assert_str_eq (a.v[a.n - 3], "-gdb");
  ck_assert_str_eq (a.v[a.n - 2], "chardev:gdb0");
  ck_assert_str_eq (a.v[a.n - 1], "-S");
  ck_assert_str_eq (a.v[a.n - 6], "unix:" T "/qmp.sock,server=on,wait=off");
  args_free (&a);
}
END_TEST

static const struct uml_paths upaths = {
  .kernel = UML_BINARY, .umid_pid = 42, .tmpdir = T, .virtio = true,
  .vcon_sock = T "/vcon.sock", .nlines = 0, .guest_fd = { -1, -1 },
};

static struct args
ubuild (const struct launch_config *cfg, const struct uml_paths *p)
{
  struct args a = { 0 };
  ck_assert_int_eq (uml_build_argv (cfg, &app, p, &a), 0);
  return a;
}

START_TEST (test_uml_virtio_exact)
{
  struct disk d[] = { disk ("/d/a.img", "raw", "writeback", false) };
  struct launch_config cfg = config (BACKEND_UML, d, 1);
  struct args a = ubuild (&cfg, &upaths);
  const char *const want[] = {
    UML_BINARY, "mem=1024M", "umid=guestdrv-42", "uml_dir=" T, "con=null",
    "con0=null,fd:1", "ssl=null", "virtio_uml.device=" T "/vcon.sock:3",
    "ubd0=/d/a.img", "ubd1=" T "/root.cow,/c/root", "root=/dev/ubdb", "rw",
    "init=/init", "quiet", "panic=1", "pty.legacy_count=0", "lpj=67108864",
    "guestdrv.backend=uml", "guestdrv.noflush=ubdb", NULL
  };
  argv_eq (&a, want);
  args_free (&a);
}
END_TEST

START_TEST (test_uml_cache_modes)
{
  struct disk d[] = {
    disk ("/d/wb", "raw", "writeback", false),
    disk ("/d/wt", "raw", "writethrough", false),
    disk ("/d/un", "raw", "unsafe", false),
    disk ("/d/ro", "raw", "writeback", true),
    disk ("/d/rowt", "raw", "writethrough", true),
    disk ("/d/roun", "raw", "unsafe", true),
  };
  struct launch_config cfg = config (BACKEND_UML, d, 6);
  struct args a = ubuild (&cfg, &upaths);
  int i = find (&a, "ubd0=/d/wb", 0);

  ck_assert_int_eq (i, 8);
  ck_assert_str_eq (a.v[i + 1], "ubd1s=/d/wt");
  ck_assert_str_eq (a.v[i + 2], "ubd2=/d/un");
  /* Read-only disks: a throwaway COW file over the image, not flushed. */
  ck_assert_str_eq (a.v[i + 3], "ubd3=" T "/disk3.cow,/d/ro");
  ck_assert_str_eq (a.v[i + 4], "ubd4=" T "/disk4.cow,/d/rowt");
  ck_assert_str_eq (a.v[i + 5], "ubd5=" T "/disk5.cow,/d/roun");
  ck_assert_str_eq (a.v[i + 6], "ubd6=" T "/root.cow,/c/root");
  ck_assert_str_eq (a.v[i + 7], "root=/dev/ubdg");
  /* unsafe stops the guest's flushes; so do the overlays. */
  ck_assert_int_ge (find (&a, "guestdrv.noflush=ubdc,ubdd,ubde,ubdf,ubdg", 0), 0);
  ck_assert_ptr_nonnull (uml_cache_lookup ("writeback"));
  ck_assert_ptr_null (uml_cache_lookup ("none")->flags);
  ck_assert_ptr_null (uml_cache_lookup ("directsync")->flags);
  ck_assert_ptr_null (uml_cache_lookup ("bogus"));
  args_free (&a);
}
END_TEST

START_TEST (test_uml_serial)
{
  struct disk d[] = { disk ("/d/a.img", "raw", "unsafe", false) };
  struct launch_config cfg = config (BACKEND_UML, d, 1);
  struct uml_paths p = upaths;
  struct args a;

  p.virtio = false;
  p.nlines = 2;
  p.guest_fd[0] = 5;
  p.guest_fd[1] = 7;
  a = ubuild (&cfg, &p);
  ck_assert_str_eq (a.v[7], "ssl1=fd:5");
  ck_assert_str_eq (a.v[8], "ssl2=fd:7");
  ck_assert_str_eq (a.v[9], "ubd0=/d/a.img");
  ck_assert_int_eq (find (&a, "guestfs_channel=/dev/ttyS1", 0), 18);
  ck_assert_int_eq (find (&a, "guestdrv.ack=/dev/ttyS2", 0), 19);
  ck_assert_str_eq (a.v[21], "guestdrv.noflush=ubda,ubdb");
  ck_assert_int_eq (find (&a, "virtio_uml.device=" T "/vcon.sock:3", 0), -1);
  args_free (&a);

  /* --uml-window off: the bare data line only. */
  p.nlines = 1;
  a = ubuild (&cfg, &p);
  ck_assert_str_eq (a.v[7], "ssl1=fd:5");
  ck_assert_str_eq (a.v[8], "ubd0=/d/a.img");
  ck_assert_int_ge (find (&a, "guestfs_channel=/dev/ttyS1", 0), 0);
  ck_assert_int_eq (find (&a, "ssl2=fd:7", 0), -1);
  ck_assert_int_eq (find (&a, "guestdrv.ack=/dev/ttyS2", 0), -1);
  args_free (&a);
}
END_TEST

START_TEST (test_uml_vhost_user)
{
  struct disk d[] = {
    disk ("/d/a.img", "raw", "none", false),
    disk ("/d/b.qcow2", "qcow2", "writethrough", false),
    disk ("/d/c.img", "raw", "writeback", false),
    disk ("/d/d.img", "raw", "unsafe", false),
    disk ("/d/e.img", "raw", "writeback", true),
  };
  struct launch_config cfg = config (BACKEND_UML, d, 5);
  struct uml_paths p = upaths;
  struct args a;
  const char *const want[] = {
    UML_BINARY, "mem=1024M", "umid=guestdrv-42", "uml_dir=" T, "con=null",
    "con0=null,fd:1", "ssl=null", "virtio_uml.device=" T "/vcon.sock:3",
    "virtio_uml.device=" T "/blk0.sock:2", "virtio_uml.device=" T "/blk1.sock:2",
    "virtio_uml.device=" T "/blk2.sock:2", "virtio_uml.device=" T "/blk3.sock:2",
    "virtio_uml.device=" T "/blk4.sock:2",
    "ubd0=" T "/root.cow,/c/root", "root=/dev/ubda", "rw", "init=/init",
    "quiet", "panic=1", "pty.legacy_count=0", "lpj=67108864",
    "guestdrv.backend=uml", "guestdrv.noflush=vdb,vdd,vde,ubda", "guestdrv.vblk=5",
    "guestdrv.writeback=vda,vdc", NULL
  };

  p.vblk = true;
  a = ubuild (&cfg, &p);
  argv_eq (&a, want);
  args_free (&a);
}
END_TEST

START_TEST (test_uml_kernel_append)
{
  struct launch_config cfg = config (BACKEND_UML, NULL, 0);
  struct uml_paths p = upaths;
  struct args a;

  cfg.memory_mb = 768;
  cfg.append = "loglevel=7 foo";
  cfg.init_flags = "guestdrv.scan=lvm";
  p.kernel = "/k/linux";
  p.verbose = true;
  a = ubuild (&cfg, &p);
  ck_assert_str_eq (a.v[0], "/k/linux");
  ck_assert_str_eq (a.v[1], "mem=768M");
  ck_assert_str_eq (a.v[8], "ubd0=" T "/root.cow,/c/root");
  ck_assert_str_eq (a.v[a.n - 4], "guestdrv.noflush=ubda");
  ck_assert_str_eq (a.v[a.n - 3], "guestdrv.verbose=1");
  ck_assert_str_eq (a.v[a.n - 2], "guestdrv.scan=lvm");
  ck_assert_str_eq (a.v[a.n - 1], "loglevel=7 foo");
  args_free (&a);

  /* Debian's kernel on an XSAVE-heavy host: the tunables before --append. */
  p.kernel = UML_BINARY;
  p.verbose = false;
  p.xstate_tunables = true;
  a = ubuild (&cfg, &p);
  ck_assert_str_eq (a.v[a.n - 2], UML_XSTATE_GLIBC_TUNABLES);
  ck_assert_str_eq (a.v[a.n - 1], "loglevel=7 foo");
  args_free (&a);
}
END_TEST

START_TEST (test_backend_table)
{
  static const struct { const char *name; enum backend_kind kind; const char *ops; } want[] = {
    { "auto", BACKEND_AUTO, NULL }, { "kvm", BACKEND_KVM, "qemu" },
    { "tcg", BACKEND_TCG, "qemu" }, { "uml", BACKEND_UML, "uml" },
  };
  char list[64];

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const struct backend *b = backend_lookup (want[i].name);
    ck_assert_ptr_nonnull (b);
    ck_assert_int_eq (b->kind, want[i].kind);
    ck_assert_ptr_eq (backend_of_kind (want[i].kind), b);
    if (want[i].ops)
      ck_assert_str_eq (b->ops->name, want[i].ops);
    else
      ck_assert_ptr_null (b->ops);
    ck_assert_int_eq (launcher_parse_backend (want[i].name), want[i].kind);
    ck_assert_str_eq (launcher_backend_name (want[i].kind), want[i].name);
  }
  ck_assert_ptr_null (backend_lookup ("qemu"));
  ck_assert_ptr_null (backend_lookup ("KVM"));
  ck_assert_ptr_null (backend_lookup (""));
  ck_assert_int_eq ((int) launcher_parse_backend ("xen"), -1);
  ck_assert_str_eq (launcher_backend_name ((enum backend_kind) 42), "?");
  ck_assert_ptr_null (backend_of_kind ((enum backend_kind) -1));
  /* What --help and the errors print. */
  backend_list (list, sizeof list, ", ");
  ck_assert_str_eq (list, "auto, kvm, tcg, uml");
  backend_list (list, sizeof list, "|");
  ck_assert_str_eq (list, "auto|kvm|tcg|uml");
  /* A short buffer is cut, never overrun. */
  backend_list (list, 6, "|");
  ck_assert_str_eq (list, "auto|");
}
END_TEST

/* --qemu-cpu (a setting of qemu's own): the KVM and TCG command lines
 * change in -cpu's value alone; the environment gives it when the option
 * does not, and the option wins.
 */
START_TEST (test_qemu_cpu_setting)
{
  struct disk d[] = { disk ("/d/a.img", "raw", "writeback", false) };
  enum backend_kind kinds[] = { BACKEND_KVM, BACKEND_TCG };
  const char *set[] = { "uml-channel=serial", "qemu-cpu=max,-avx512f" };

  for (size_t k = 0; k < 2; k++) {
    struct launch_config cfg = config (kinds[k], d, 1);
    struct qemu_paths p = qpaths;
    struct args plain = qbuild (&cfg, &qpaths), a;

    cfg.settings = set;
    cfg.nsettings = 2;
    unsetenv ("GUESTDRV_QEMU_CPU");
    ck_assert_int_eq (backend_settings_read (&qemu_backend_ops, &cfg, &p), 0);
    ck_assert_str_eq (p.cpu, "max,-avx512f");
    a = qbuild (&cfg, &p);
    ck_assert_uint_eq (a.n, plain.n);
    for (size_t i = 0; i < a.n; i++)
      if (i != 9)
        ck_assert_str_eq (a.v[i], plain.v[i]);
    ck_assert_str_eq (a.v[8], "-cpu");
    ck_assert_str_eq (a.v[9], "max,-avx512f");
    ck_assert_str_eq (plain.v[9], kinds[k] == BACKEND_KVM ? "host" : "max");
    args_free (&a);
    args_free (&plain);

    /* The environment, then the option over it. */
    setenv ("GUESTDRV_QEMU_CPU", "qemu64", 1);
    p = qpaths;
    cfg.nsettings = 1;
    ck_assert_int_eq (backend_settings_read (&qemu_backend_ops, &cfg, &p), 0);
    ck_assert_str_eq (p.cpu, "qemu64");
    cfg.nsettings = 2;
    ck_assert_int_eq (backend_settings_read (&qemu_backend_ops, &cfg, &p), 0);
    ck_assert_str_eq (p.cpu, "max,-avx512f");
    unsetenv ("GUESTDRV_QEMU_CPU");
  }
  /* Any model is passed on (qemu judges it), but not an empty one. */
  ck_assert_int_eq (backend_setting_check (backend_setting_lookup ("qemu-cpu"),
                                           "Skylake-Server"), 0);
  ck_assert_int_eq (backend_setting_check (backend_setting_lookup ("qemu-cpu"),
                                           ""), -1);
  ck_assert_str_eq (gd_get_error (), "--qemu-cpu: give a value");
  ck_assert (backend_takes_setting (backend_lookup ("kvm"), "qemu-cpu"));
  ck_assert (!backend_takes_setting (backend_lookup ("uml"), "qemu-cpu"));
}
END_TEST

/* Every row names what the layers above read; a family is its ops'. */
START_TEST (test_backend_rows)
{
  const struct backend *b;

  for (size_t i = 0; (b = backend_at (i)) != NULL; i++) {
    if (!b->ops) {
      ck_assert_ptr_null (b->family);
      continue;
    }
    ck_assert_str_eq (b->family, b->ops->name);
    ck_assert_ptr_nonnull (b->channel);
    ck_assert_ptr_nonnull (b->disk);
    ck_assert (b->plan_startup_s > 0 && b->plan_channel_MBps > 0 &&
               b->plan_disk_MBps > 0 && b->bare_boot_target >= 1.0);
  }
  ck_assert_uint_eq (backend_lookup ("uml")->appliance, APPLIANCE_UML);
  ck_assert_uint_eq (backend_lookup ("tcg")->appliance, APPLIANCE_QEMU);
  ck_assert_str_eq (backend_lookup ("tcg")->libguestfs_settings, "force_tcg");
  ck_assert_str_eq (backend_lookup ("kvm")->libguestfs_settings, "");
  ck_assert_ptr_null (backend_lookup ("uml")->libguestfs_settings);
  ck_assert_ptr_eq (backend_lookup_prefix ("uml-serial:k1:bare", ":-"),
                    backend_lookup ("uml"));
  ck_assert_ptr_eq (backend_lookup_prefix ("tcg:patched", ":"),
                    backend_lookup ("tcg"));
  ck_assert_ptr_null (backend_lookup_prefix ("uml-serial", ":"));
}
END_TEST

/* The settings' table: names carry their family, --help comes from it,
 * and each backend takes its own only.
 */
START_TEST (test_settings_table)
{
  const struct backend_setting *bs;
  const struct backend *b;
  char v[64];
  size_t n = 0;

  for (size_t i = 0; (bs = backend_setting_at (i)) != NULL; i++, n++) {
    size_t k = 0, owners = 0;

    ck_assert_ptr_eq (backend_setting_lookup (bs->name), bs);
    ck_assert_ptr_nonnull (bs->help);
    ck_assert_ptr_nonnull (strstr (bs->help, bs->name));
    for (; (b = backend_at (k)) != NULL; k++)
      if (backend_takes_setting (b, bs->name)) {
        owners++;
        ck_assert (strncmp (bs->name, b->family, strlen (b->family)) == 0 &&
                   bs->name[strlen (b->family)] == '-');
      }
    ck_assert_uint_ge (owners, 1);
  }
  ck_assert_uint_ge (n, 3);
  ck_assert (backend_takes_setting (backend_lookup ("uml"), "uml-disk"));
  ck_assert (!backend_takes_setting (backend_lookup ("tcg"), "uml-disk"));
  ck_assert (!backend_takes_setting (backend_lookup ("auto"), "uml-disk"));
  ck_assert_ptr_null (backend_setting_lookup ("uml-frob"));
  ck_assert_str_eq (gd_get_error (), "unknown backend setting 'uml-frob'");

  bs = backend_setting_lookup ("uml-channel");
  backend_setting_values (bs, v, sizeof v, ", ", " or ");
  ck_assert_str_eq (v, "virtio or serial");
  ck_assert_int_eq (backend_setting_check (bs, "serial"), 0);
  ck_assert_int_eq (backend_setting_check (bs, "pipe"), -1);
  ck_assert_str_eq (gd_get_error (),
                    "--uml-channel: 'pipe' is not virtio or serial");
}
END_TEST

/* The backend reads the environment, then the settings given, in order;
 * other backends' settings pass by; a bad environment is an error even
 * when the option overrides it (as before settings).
 */
START_TEST (test_settings_read)
{
  struct launch_config cfg = config (BACKEND_UML, NULL, 0);
  const char *set[] = { "uml-channel=serial", "qemu-unknown=1",
                        "uml-window=off", "uml-channel=serial" };
  struct uml_settings us = { 0 };

  unsetenv ("GUESTDRV_UML_CHANNEL");
  setenv ("GUESTDRV_UML_DISK", "vhost-user", 1);
  cfg.settings = set;
  cfg.nsettings = 4;
  ck_assert_int_eq (backend_settings_read (&uml_backend_ops, &cfg, &us), 0);
  ck_assert (us.serial && us.vhost_user && us.raw_line);

  set[0] = "uml-disk=ubd";
  memset (&us, 0, sizeof us);
  ck_assert_int_eq (backend_settings_read (&uml_backend_ops, &cfg, &us), 0);
  ck_assert (!us.vhost_user);

  setenv ("GUESTDRV_UML_DISK", "nbd", 1);
  ck_assert_int_eq (backend_settings_read (&uml_backend_ops, &cfg, &us), -1);
  ck_assert_str_eq (gd_get_error (),
                    "GUESTDRV_UML_DISK='nbd': not ubd or vhost-user");
  unsetenv ("GUESTDRV_UML_DISK");

  set[1] = "uml-window=maybe";
  ck_assert_int_eq (backend_settings_read (&uml_backend_ops, &cfg, &us), -1);
  ck_assert_str_eq (gd_get_error (), "--uml-window: 'maybe' is not on or off");

  /* Nothing set: every default (zero). */
  cfg.nsettings = 0;
  us = (struct uml_settings) { 0 };
  ck_assert_int_eq (backend_settings_read (&uml_backend_ops, &cfg, &us), 0);
  ck_assert (!us.serial && !us.vhost_user && !us.raw_line);
}
END_TEST

/* Each backend's cache mapping covers the one list of cache modes. */
START_TEST (test_cache_modes_once)
{
  char list[128];

  disk_cache_list (list, sizeof list, ", ");
  ck_assert_str_eq (list, "none, writeback, writethrough, directsync, unsafe");
  for (size_t i = 0; i < disk_ncache_modes; i++) {
    ck_assert_ptr_nonnull (uml_cache_lookup (disk_cache_modes[i].name));
    ck_assert_ptr_eq (disk_cache_lookup (disk_cache_modes[i].name),
                      &disk_cache_modes[i]);
  }
  ck_assert_ptr_null (disk_cache_lookup ("writearound"));
  /* UBD's subset, as its error lists it. */
  uml_cache_list (list, sizeof list);
  ck_assert_str_eq (list, "writeback, writethrough, unsafe");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("launcher-cmdline");
  TCase *q = tcase_create ("qemu"), *u = tcase_create ("uml");
  TCase *b = tcase_create ("backends");

  tcase_add_test (q, test_qemu_tcg_exact);
  tcase_add_test (q, test_qemu_kvm_pvh);
  tcase_add_test (q, test_qemu_sandbox);
  tcase_add_test (q, test_qemu_cache_format);
  tcase_add_test (q, test_qemu_disks_in_order);
  tcase_add_test (q, test_qemu_kernel_append_verbose);
  tcase_add_test (q, test_qemu_gdb);
  tcase_add_test (q, test_qemu_cpu_setting);
  tcase_add_test (u, test_uml_virtio_exact);
  tcase_add_test (u, test_uml_cache_modes);
  tcase_add_test (u, test_uml_serial);
  tcase_add_test (u, test_uml_vhost_user);
  tcase_add_test (u, test_uml_kernel_append);
  tcase_add_test (b, test_backend_table);
  tcase_add_test (b, test_backend_rows);
  tcase_add_test (b, test_settings_table);
  tcase_add_test (b, test_settings_read);
  tcase_add_test (b, test_cache_modes_once);
  suite_add_tcase (s, q);
  suite_add_tcase (s, u);
  suite_add_tcase (s, b);
  return unit_run_suite (s);
}
