/* The qemu backend (KVM or TCG): builds the qemu command line, starts it,
 * and accepts its virtio-serial connection.
 *
 * Disks are virtio-scsi (/dev/sda, /dev/sdb, ... in -a order), each with
 * an explicit format= and cache=; the appliance root comes last, as a
 * snapshot=on drive so that no run ever writes to the cached root.  The
 * channel is the virtio-serial port org.libguestfs.channel.0 on a Unix
 * socket in the run's temp dir; QMP is on another one (disk counters).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "gdb.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"
#include "../trace/trace.h"

#define CONNECT_TIMEOUT_MS 30000

static const char *const cache_modes[] = {
  "none", "writeback", "writethrough", "directsync", "unsafe", NULL
};

int
launcher_valid_cache (const char *mode)
{
  for (size_t i = 0; cache_modes[i]; i++)
    if (strcmp (mode, cache_modes[i]) == 0)
      return 1;
  return 0;
}

static int
qemu_check (const struct launch_config *cfg)
{
  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    if (strcmp (d->format, "raw") != 0 && strcmp (d->format, "qcow2") != 0) {
      gd_set_error ("%s: unknown format '%s' (raw or qcow2)", d->path, d->format);
      return -1;
    }
    if (!launcher_valid_cache (d->cache)) {
      gd_set_error ("%s: unknown cache mode '%s' (none, writeback, writethrough, directsync, unsafe)",
                    d->path, d->cache);
      return -1;
    }
  }
  return 0;
}

/* The ext2 UUID of the appliance root, for root=UUID= (supermin's mini
 * initrd mounts the root by UUID).  The superblock is at 1024, s_uuid at
 * offset 104 in it.
 */
static int
root_uuid (const char *root, char *out, size_t outlen)
{
  unsigned char u[16];
  int fd = open (root, O_RDONLY | O_CLOEXEC);

  if (fd == -1 || pread (fd, u, 16, 1024 + 104) != 16) {
    gd_set_error_errno ("appliance root %s", root);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  close (fd);
  snprintf (out, outlen,
            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
            u[10], u[11], u[12], u[13], u[14], u[15]);
  return 0;
}

/* qemu's -drive file= takes commas doubled. */
static char *
qemu_escape (const char *s)
{
  char *r = malloc (strlen (s) * 2 + 1), *p = r;
  if (!r)
    return NULL;
  for (; *s; s++) {
    *p++ = *s;
    if (*s == ',')
      *p++ = ',';
  }
  *p = '\0';
  return r;
}

static struct hv *
qemu_start (const struct launch_config *cfg, const struct appliance_files *app)
{
  struct hv *hv = hv_alloc (cfg->backend, &qemu_backend_ops);
  struct args a = { 0 };
  char sock[300], uuid[40];
  uint64_t t0 = gd_now_ns ();
  int kvm = cfg->backend == BACKEND_KVM, err = 0;
  size_t i;

  if (!hv)
    return NULL;
  snprintf (sock, sizeof sock, "%s/guestfsd.sock", hv->tmpdir);
  snprintf (hv->qmp_path, sizeof hv->qmp_path, "%s/qmp.sock", hv->tmpdir);
  if (root_uuid (app->root, uuid, sizeof uuid) == -1)
    goto fail;
  hv->listen_fd = channel_listen_unix (sock);
  if (hv->listen_fd == -1)
    goto fail;

  err |= args_add (&a, "%s", qemu_binary ());
  err |= args_add (&a, "-name");
  err |= args_add (&a, "guestdrv");
  /* Confinement (README, "What each backend protects against"): no
   * config files from the host, and a seccomp filter that denies
   * obsolete syscalls, set*uid, fork/exec and scheduler/affinity changes
   * to a qemu that a hostile guest may have taken over.
   */
  err |= args_add (&a, "-no-user-config");
  err |= args_add (&a, "-sandbox");
  err |= args_add (&a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
  err |= args_add (&a, "-machine");
  err |= args_add (&a, "q35,accel=%s", kvm ? "kvm" : "tcg");
  err |= args_add (&a, "-cpu");
  err |= args_add (&a, kvm ? "host" : "max");
  err |= args_add (&a, "-m");
  err |= args_add (&a, "%d", cfg->memory_mb);
  err |= args_add (&a, "-smp");
  err |= args_add (&a, "%d", cfg->vcpus);
  err |= args_add (&a, "-nodefaults");
  err |= args_add (&a, "-display");
  err |= args_add (&a, "none");
  err |= args_add (&a, "-no-reboot");
  err |= args_add (&a, "-serial");
  err |= args_add (&a, "stdio");
  err |= args_add (&a, "-kernel");
  err |= args_add (&a, "%s", cfg->kernel_override ? cfg->kernel_override : app->kernel);
  err |= args_add (&a, "-initrd");
  err |= args_add (&a, "%s", app->initrd);
  err |= args_add (&a, "-append");
  err |= args_add (&a, "panic=1 console=ttyS0 quiet edd=off 8250.nr_uarts=1 "
                   "cryptomgr.notests no_timer_check tsc=reliable "
                   "root=UUID=%s guestdrv.backend=%s%s%s%s%s",
                   uuid, kvm ? "kvm" : "tcg",
                   gd_verbose ? " guestdrv.verbose=1" : "",
                   cfg->init_flags ? " " : "", cfg->init_flags ? cfg->init_flags : "",
                   cfg->append ? " " : "");
  if (cfg->append) {
    char *last = a.v[a.n - 1], *joined;
    if (asprintf (&joined, "%s%s", last, cfg->append) == -1)
      goto fail_oom;
    free (last);
    a.v[a.n - 1] = joined;
  }
  err |= args_add (&a, "-device");
  err |= args_add (&a, "virtio-scsi-pci,id=scsi");
  for (i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    char *esc = qemu_escape (d->path);
    if (!esc)
      goto fail_oom;
    err |= args_add (&a, "-drive");
    err |= args_add (&a, "file=%s,format=%s,cache=%s,if=none,id=hd%zu%s",
                     esc, d->format, d->cache, i, d->readonly ? ",readonly=on" : "");
    err |= args_add (&a, "-device");
    err |= args_add (&a, "scsi-hd,drive=hd%zu,bus=scsi.0", i);
    free (esc);
  }
  {
    char *esc = qemu_escape (app->root);
    if (!esc)
      goto fail_oom;
    err |= args_add (&a, "-drive");
    err |= args_add (&a, "file=%s,format=raw,snapshot=on,cache=unsafe,if=none,id=appliance", esc);
    err |= args_add (&a, "-device");
    err |= args_add (&a, "scsi-hd,drive=appliance,bus=scsi.0");
    free (esc);
  }
  err |= args_add (&a, "-device");
  err |= args_add (&a, "virtio-serial-pci");
  err |= args_add (&a, "-chardev");
  err |= args_add (&a, "socket,path=%s,id=channel0", sock);
  err |= args_add (&a, "-device");
  err |= args_add (&a, "virtserialport,chardev=channel0,name=org.libguestfs.channel.0");
  err |= args_add (&a, "-qmp");
  err |= args_add (&a, "unix:%s,server=on,wait=off", hv->qmp_path);
  err |= gdb_qemu_args (cfg, hv, &a);
  if (err)
    goto fail_oom;

  hv->cmdline = gd_argv_to_string (a.v);
  hv->stats.t_cmdline_ns = gd_now_ns () - t0;
  if (trace_on (TL_LAUNCHER))
    trace_complete (TL_LAUNCHER, "build-cmdline", t0, gd_now_ns (), NULL);
  gd_debug ("launcher", "%s", hv->cmdline ? hv->cmdline : "(oom)");

  {
    /* snapshot=on puts its overlay in $TMPDIR: keep it in our temp dir. */
    char env_tmp[300];
    char *env[] = { env_tmp, NULL };
    snprintf (env_tmp, sizeof env_tmp, "TMPDIR=%s", hv->tmpdir);
    if (hv_spawn (hv, a.v, NULL, 0, env) == -1)
      goto fail;
  }
  gdb_announce (cfg, hv, NULL);
  args_free (&a);
  a = (struct args) { 0 };

  hv->ch = channel_accept_unix (hv->listen_fd, CONNECT_TIMEOUT_MS, hv->pidfd, "virtio-serial");
  if (!hv->ch) {
    char msg[2048];
    const char *tail;
    usleep (100000);
    tail = hv_console_tail (hv);
    /* qemu's own complaint is its last line. */
    const char *end = tail + strlen (tail), *start;
    while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
      end--;
    start = end;
    while (start > tail && start[-1] != '\n')
      start--;
    snprintf (msg, sizeof msg, "qemu: %s%s%.*s", gd_get_error (),
              start < end ? ": " : "", (int) (end - start), start);
    gd_set_error ("%s", msg);
    goto fail;
  }
  close (hv->listen_fd);
  hv->listen_fd = -1;
  return hv;

 fail_oom:
  gd_set_error_errno ("qemu command line");
 fail:
  args_free (&a);
  hv_free (hv);
  return NULL;
}

const struct backend_ops qemu_backend_ops = {
  .name = "qemu",
  .check = qemu_check,
  .start = qemu_start,
};
