/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qemu command line (KVM or TCG), built from the config, the
 * appliance and what qemu_start decided (launcher/cmdline.h).  No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "gdb.h"

/* qemu's own settings (docs/HACKING.md, "A backend setting").
 * --qemu-cpu: the guest CPU model, for a guest problem tied to CPU
 * features, or to leave out one a host handles badly (max,-avx512f);
 * qemu itself refuses a model it does not know, and that line is the
 * launch error.
 */
const struct backend_setting qemu_settings_table[] = {
  { "qemu-cpu", NULL, "GUESTDRV_QEMU_CPU",
"      --qemu-cpu MODEL     qemu: the guest CPU model (-cpu; default host\n"
"                           under KVM, max under TCG)\n" },
  { NULL, NULL, NULL, NULL },
};

int
qemu_config (void *conf, const char *name, const char *value)
{
  struct qemu_paths *p = conf;

  if (strcmp (name, "qemu-cpu") == 0)
    p->cpu = value;
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

static int
qemu_add_disks (const struct launch_config *cfg,
                const struct appliance_files *app, struct args *a)
{
  int err = 0;
  char *esc;

  for (size_t i = 0; i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    esc = qemu_escape (d->path);
    if (!esc)
      return -1;
    err |= args_add (a, "-drive");
    /* --ro as libguestfs: the guest gets a writable throwaway overlay
     * (qemu's temporary qcow2 in $TMPDIR, our temp dir, unlinked by qemu
     * as soon as it is open), the image is only read.
     */
    err |= args_add (a, "file=%s,format=%s,cache=%s,if=none,id=hd%zu%s",
                     esc, d->format, d->cache, i, d->readonly ? ",snapshot=on" : "");
    err |= args_add (a, "-device");
    err |= args_add (a, "scsi-hd,drive=hd%zu,bus=scsi.0", i);
    free (esc);
  }
  esc = qemu_escape (app->root);
  if (!esc)
    return -1;
  err |= args_add (a, "-drive");
  err |= args_add (a, "file=%s,format=raw,snapshot=on,cache=unsafe,if=none,id=appliance", esc);
  err |= args_add (a, "-device");
  err |= args_add (a, "scsi-hd,drive=appliance,bus=scsi.0");
  free (esc);
  return err;
}

int
qemu_build_argv (const struct launch_config *cfg,
                 const struct appliance_files *app,
                 const struct qemu_paths *p, struct args *a)
{
  int kvm = cfg->backend == BACKEND_KVM, err = 0;

  err |= args_add (a, "%s", p->binary);
  err |= args_add (a, "-name");
  err |= args_add (a, "guestdrv");
  /* Confinement (docs/backends.md, "What each backend protects against"): no
   * config files from the host, and a seccomp filter that denies
   * obsolete syscalls, set*uid, fork/exec and scheduler/affinity changes
   * to a qemu that a hostile guest may have taken over.
   */
  err |= args_add (a, "-no-user-config");
  err |= args_add (a, "-sandbox");
  err |= args_add (a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
  err |= args_add (a, "-machine");
  err |= args_add (a, "q35,accel=%s", kvm ? "kvm" : "tcg");
  err |= args_add (a, "-cpu");
  err |= args_add (a, "%s", p->cpu ? p->cpu : kvm ? "host" : "max");
  err |= args_add (a, "-m");
  err |= args_add (a, "%d", cfg->memory_mb);
  err |= args_add (a, "-smp");
  err |= args_add (a, "%d", cfg->vcpus);
  err |= args_add (a, "-nodefaults");
  err |= args_add (a, "-display");
  err |= args_add (a, "none");
  err |= args_add (a, "-no-reboot");
  err |= args_add (a, "-serial");
  err |= args_add (a, "stdio");
  err |= args_add (a, "-kernel");
  err |= args_add (a, "%s", cfg->kernel_override ? cfg->kernel_override : app->kernel);
  err |= args_add (a, "-initrd");
  err |= args_add (a, "%s", app->initrd);
  err |= args_add (a, "-append");
  err |= args_add (a, "panic=1 console=ttyS0 quiet edd=off 8250.nr_uarts=1 "
                   "cryptomgr.notests no_timer_check tsc=reliable "
                   "root=UUID=%s guestdrv.backend=%s%s%s%s%s%s",
                   p->root_uuid, kvm ? "kvm" : "tcg",
                   p->verbose ? " guestdrv.verbose=1" : "",
                   cfg->init_flags ? " " : "", cfg->init_flags ? cfg->init_flags : "",
                   cfg->append ? " " : "", cfg->append ? cfg->append : "");
  err |= args_add (a, "-device");
  err |= args_add (a, "virtio-scsi-pci,id=scsi");
  if (qemu_add_disks (cfg, app, a) == -1)
    return -1;
  err |= args_add (a, "-device");
  err |= args_add (a, "virtio-serial-pci");
  err |= args_add (a, "-chardev");
  err |= args_add (a, "socket,path=%s,id=channel0", p->channel_sock);
  err |= args_add (a, "-device");
  err |= args_add (a, "virtserialport,chardev=channel0,name=org.libguestfs.channel.0");
  err |= args_add (a, "-qmp");
  err |= args_add (a, "unix:%s,server=on,wait=off", p->qmp_sock);
  err |= gdb_qemu_args (cfg, p->tmpdir, a);
  return err ? -1 : 0;
}
