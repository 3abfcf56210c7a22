/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-init: the appliance's /init, a small C program doing what
 * guest/init.sh does (which stays in the appliance as /init.sh, run
 * instead when the kernel command line says guestdrv.init=sh), without a
 * fork+exec per step: under TCG and UML each exec of a tool costs tens of
 * milliseconds.
 *
 * Stages, each announced as "guestdrv-mark <uptime> <stage>" on the
 * console and in /dev/kmsg (the host maps the kernel's clock with them):
 * init-start, mounts, modules (without guestfs_channel=: virtio_console,
 * by finit_module (init-module.c), and the /dev/virtio-ports links),
 * udev-settle or by-path (init-bypath.c), md-scan, lvm-scan (when a disk
 * has a PV, init-lvm.c), daemon-exec,
 * daemon-exit <status>; then sync and power-off (UML) or reboot (qemu,
 * which -no-reboot turns into an exit) via sysrq.
 *
 * A guest program: plain libc, no sanitizers, nothing from libguestdrv.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "init-bypath.h"
#include "init-lvm.h"
#include "init-module.h"

#define PATH_ENV "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
#define CHANNEL_PORT "/dev/virtio-ports/org.libguestfs.channel.0"
#define PORT_WAIT_MS 5000
/* The port appears a few ms after the module loads (the host answers the
 * console's control messages): a 10 ms poll lost ~5 ms of it on average.
 */
#define PORT_POLL_MS 1
#define MAX_DISKS 256

struct cmdline {
  char channel[256], ackline[256], backend[32], noflush[256], writeback[256];
  int udev, lvm, md, verbose, sh;
  int vblk;                     /* UML --uml-disk vhost-user: virtio disks */
};

static void
mark (const char *stage)
{
  char up[32] = "0", line[160];
  int fd = open ("/proc/uptime", O_RDONLY | O_CLOEXEC), n;

  if (fd >= 0) {
    ssize_t r = read (fd, up, sizeof up - 1);
    close (fd);
    up[r > 0 ? r : 0] = '\0';
    up[strcspn (up, " \n")] = '\0';
  }
  n = snprintf (line, sizeof line, "guestdrv-mark %s %s\n", up, stage);
  if (write (1, line, n) < 0) {
    /* The console is the only place to say so. */
  }
  fd = open ("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    char k[176];
    n = snprintf (k, sizeof k, "<6>%s", line);
    if (write (fd, k, n) < 0) {
      /* Without /dev/kmsg the host maps the clock from fewer pairs. */
    }
    close (fd);
  }
}

/* Run ARGV (PATH lookup) and wait; its exit status, or -1. */
static int
run (char *const argv[])
{
  int status;
  pid_t pid = fork ();

  if (pid == -1)
    return -1;
  if (pid == 0) {
    execvp (argv[0], argv);
    _exit (127);
  }
  while (waitpid (pid, &status, 0) == -1)
    if (errno != EINTR)
      return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
exists (const char *path)
{
  return access (path, F_OK) == 0;
}

static void
write_str (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (write (fd, s, strlen (s)) < 0) {
      /* Best effort, as the shell's "2>/dev/null". */
    }
    close (fd);
  }
}

static void
copy_value (char *dst, size_t n, const char *src)
{
  snprintf (dst, n, "%.*s", (int) strcspn (src, " \n"), src);
}

static void
parse_cmdline (struct cmdline *c)
{
  char buf[4096];
  int fd = open ("/proc/cmdline", O_RDONLY | O_CLOEXEC);
  ssize_t r = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;

  if (fd >= 0)
    close (fd);
  buf[r > 0 ? r : 0] = '\0';
  strcpy (c->backend, "qemu");
  for (char *p = buf; *p; ) {
    size_t len = strcspn (p, " \n");
    char save = p[len];
    p[len] = '\0';
    if (strncmp (p, "guestfs_channel=", 16) == 0)
      copy_value (c->channel, sizeof c->channel, p + 16);
    else if (strncmp (p, "guestdrv.ack=", 13) == 0)
      copy_value (c->ackline, sizeof c->ackline, p + 13);
    else if (strncmp (p, "guestdrv.backend=", 17) == 0)
      copy_value (c->backend, sizeof c->backend, p + 17);
    else if (strncmp (p, "guestdrv.noflush=", 17) == 0)
      copy_value (c->noflush, sizeof c->noflush, p + 17);
    else if (strncmp (p, "guestdrv.writeback=", 19) == 0)
      copy_value (c->writeback, sizeof c->writeback, p + 19);
    else if (strncmp (p, "guestdrv.vblk=", 14) == 0) {
      c->vblk = atoi (p + 14);
      if (c->vblk < 0 || c->vblk > MAX_DISKS)
        c->vblk = 0;
    }
    else if (strcmp (p, "guestdrv.udev=1") == 0)
      c->udev = 1;
    else if (strcmp (p, "guestdrv.lvm=1") == 0)
      c->lvm = 1;
    else if (strcmp (p, "guestdrv.md=1") == 0)
      c->md = 1;
    else if (strcmp (p, "guestdrv.verbose=1") == 0)
      c->verbose = 1;
    else if (strcmp (p, "guestdrv.init=sh") == 0)
      c->sh = 1;
    p[len] = save;
    p += len;
    while (*p == ' ' || *p == '\n')
      p++;
  }
}

static void
do_mounts (void)
{
  /* The sources, /run's size and /tmp on the (throwaway) root are
   * libguestfs's appliance's, so that df prints the same names.
   */
  mount ("sysfs", "/sys", "sysfs", 0, NULL);
  mount ("/dev", "/dev", "devtmpfs", 0, NULL);
  mkdir ("/dev/pts", 0755);
  mkdir ("/dev/shm", 0755);
  mkdir ("/run", 0755);
  mkdir ("/tmp", 01777);
  chmod ("/tmp", 01777);
  mkdir ("/sysroot", 0755);
  mount ("devpts", "/dev/pts", "devpts", 0, NULL);
  mount ("shmfs", "/dev/shm", "tmpfs", 0, "mode=1777");
  mount ("tmpfs", "/run", "tmpfs", MS_NOSUID, "size=20%,mode=0755");
  unlink ("/dev/fd");
  symlink ("/proc/self/fd", "/dev/fd");
  /* The loop driver's control node, as kmod's static nodes give
   * libguestfs's appliance: opening it loads the loop module on demand
   * (mount-loop, mount -o loop), so the boot pays nothing for it.
   * Where loop is built in, devtmpfs made it already (EEXIST).
   */
  mknod ("/dev/loop-control", S_IFCHR | 0600, makedev (10, 237));
}

/* /dev/virtio-ports/<name> -> ../vportNpM, from sysfs (no udev). */
static void
link_virtio_ports (void)
{
  DIR *d = opendir ("/sys/class/virtio-ports");
  struct dirent *e;

  if (!d)
    return;
  mkdir ("/dev/virtio-ports", 0755);
  while ((e = readdir (d)) != NULL) {
    char path[512], name[256], link[512], target[300];
    ssize_t r;
    int fd;

    if (strncmp (e->d_name, "vport", 5) != 0)
      continue;
    snprintf (path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
    fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
      continue;
    r = read (fd, name, sizeof name - 1);
    close (fd);
    if (r <= 0)
      continue;
    name[r] = '\0';
    name[strcspn (name, "\n")] = '\0';
    if (!name[0] || strchr (name, '/'))
      continue;
    snprintf (link, sizeof link, "/dev/virtio-ports/%s", name);
    snprintf (target, sizeof target, "../%s", e->d_name);
    unlink (link);
    symlink (target, link);
  }
  closedir (d);
}

/* NAME unless already there: finit_module from modules.dep, else (built
 * in, compressed for an old kernel, not listed) modprobe.  A virtio
 * driver built in without parameters has no /sys/module entry, but its
 * driver is registered: a modprobe of it cost 0.23 s of guestdrv's
 * kernel's start-up (kernel/README.md).
 */
static void
load_module (const char *name)
{
  char path[128], drv[128];

  snprintf (path, sizeof path, "/sys/module/%s", name);
  snprintf (drv, sizeof drv, "/sys/bus/virtio/drivers/%s", name);
  if (!exists (path) && !exists (drv) && init_module_load (name) == -1) {
    char *const argv[] = { (char *) "modprobe", (char *) name, NULL };
    run (argv);
  }
}

/* The virtio-serial port needs virtio_console (a module in Debian's
 * kernel, maybe already loaded by the initrd, maybe built in).
 */
static void
do_modules (void)
{
  load_module ("virtio_console");
  for (int ms = 0; ms < PORT_WAIT_MS; ms += PORT_POLL_MS) {
    link_virtio_ports ();
    if (exists (CHANNEL_PORT))
      break;
    usleep (PORT_POLL_MS * 1000);
  }
}

static void
lo_up (void)
{
  struct ifreq ifr;
  int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (s == -1)
    return;
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    ioctl (s, SIOCSIFFLAGS, &ifr);
  }
  close (s);
}

static void
do_udev (void)
{
  char *const d[] = { (char *) "/lib/systemd/systemd-udevd", (char *) "--daemon", NULL };
  char *const t[] = { (char *) "udevadm", (char *) "trigger", (char *) "--type=devices",
                      (char *) "--action=add", NULL };
  char *const s[] = { (char *) "udevadm", (char *) "settle", (char *) "--timeout=60", NULL };
  run (d);
  run (t);
  run (s);
}

/* Write VALUE to the write-cache mode of each disk named in the comma
 * LIST (an entry with a '/' is skipped).  With CACHE_TYPE, virtio_blk's
 * cache_type is preferred where it exists: it reaches the device, while
 * queue/write_cache only changes what the block layer believes.
 */
static void
set_write_cache (const char *list, const char *value, int cache_type)
{
  char copy[256], *save = NULL;

  snprintf (copy, sizeof copy, "%s", list);
  for (char *d = strtok_r (copy, ",", &save); d; d = strtok_r (NULL, ",", &save)) {
    char path[320];
    if (strchr (d, '/'))
      continue;
    snprintf (path, sizeof path, "/sys/block/%s/cache_type", d);
    if (!cache_type || !exists (path))
      snprintf (path, sizeof path, "/sys/block/%s/queue/write_cache", d);
    write_str (path, value);
  }
}

/* --cache unsafe under UML (and UML's scratch root): with the queue in
 * "write through" mode the block layer sends the disk no flushes.
 */
static void
do_noflush (const char *list)
{
  set_write_cache (list, "write through", 0);
}

/* UML with --uml-disk vhost-user: N virtio disks (virtio_blk is a module
 * in Debian's UML); wait for them all, bounded, before naming them.
 */
static void
do_vblk (int n)
{
  load_module ("virtio_blk");
  for (int ms = 0; ms < PORT_WAIT_MS; ms += PORT_POLL_MS) {
    int have = 0;
    char path[32];
    for (int i = 0; i < 26; i++) {
      snprintf (path, sizeof path, "/sys/block/vd%c", 'a' + i);
      have += exists (path);
    }
    if (have >= n)
      break;
    usleep (PORT_POLL_MS * 1000);
  }
}

/* vhost-user disks whose cache mode wants the guest's flushes: a volatile
 * write cache, so that fsync sends a flush (the device starts in "write
 * through").
 */
static void
do_writeback (const char *list)
{
  set_write_cache (list, "write back", 1);
}

static int
have_tool (const char *name)
{
  static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
  char path[256];
  for (int i = 0; i < 4; i++) {
    snprintf (path, sizeof path, "%s/%s", dirs[i], name);
    if (access (path, X_OK) == 0)
      return 1;
  }
  return 0;
}

static int
run_daemon (const struct cmdline *c)
{
  char *argv[12];
  int n = 0;

  if (c->channel[0] && c->ackline[0]) {
    /* UML: the serial line with an acknowledged window. */
    argv[n++] = (char *) "guestdrv-relay";
    argv[n++] = (char *) c->channel;
    argv[n++] = (char *) c->ackline;
    argv[n++] = (char *) "guestfsd";
    if (c->verbose)
      argv[n++] = (char *) "-v";
    argv[n++] = (char *) "--channel";
    argv[n++] = (char *) "fd:3";
  }
  else {
    argv[n++] = (char *) "guestfsd";
    if (c->verbose)
      argv[n++] = (char *) "-v";
    if (c->channel[0]) {
      argv[n++] = (char *) "--channel";
      argv[n++] = (char *) c->channel;
    }
  }
  argv[n] = NULL;
  return run (argv);
}

int
main (void)
{
  struct cmdline c;
  char stage[64];
  int status;

  putenv ((char *) PATH_ENV);
  /* Booted straight from the ext2 root (UML), the mount points are ours
   * to make: supermin's root has none.
   */
  mkdir ("/proc", 0555);
  mkdir ("/sys", 0555);
  mkdir ("/dev", 0755);
  mount ("proc", "/proc", "proc", 0, NULL);
  memset (&c, 0, sizeof c);
  parse_cmdline (&c);
  if (c.sh) {
    execl ("/bin/sh", "sh", "/init.sh", (char *) NULL);
    perror ("/init.sh");
  }
  mark ("init-start");
  do_mounts ();
  mark ("mounts");

  /* The virtio-serial port (qemu, and UML's virtio-console channel);
   * UML on its serial line names the line instead.
   */
  if (!c.channel[0] && !exists (CHANNEL_PORT)) {
    do_modules ();
    mark ("modules");
  }
  if (c.vblk > 0) {
    do_vblk (c.vblk);
    mark ("vblk");
  }
  /* No host name: libguestfs's appliance leaves it unset, "(none)",
   * which LVM writes into the metadata it makes (vgmeta).
   */
  lo_up ();

  if (c.udev && access ("/lib/systemd/systemd-udevd", X_OK) == 0) {
    do_udev ();
    mark ("udev-settle");
  }
  else {
    init_by_path ();
    mark ("by-path");
    /* No udevd to make the device-mapper nodes and /dev/VG/LV links or
     * to answer LVM's udev cookies: libdevmapper makes them itself
     * (udev_sync=0, udev_rules=0 in effect for lvm, cryptsetup and
     * dmsetup), for the boot's activation and every guestfsd command.
     * guestfsd lists /dev/mapper (list-filesystems) even before the first
     * dm device: an empty one is what it finds under libguestfs.
     */
    putenv ((char *) "DM_DISABLE_UDEV=1");
    mkdir ("/dev/mapper", 0755);
  }
  /* UML's kernel here loads no module on demand (its request_module
   * fails: opening /dev/mapper/control is ENODEV, "mount -t f2fs" an
   * unknown type, where qemu's kernel runs modprobe), and LVM needs
   * device-mapper for its first lvcreate: dm_mod is loaded up front,
   * about 20 ms under UML.  dm_crypt would cost 500-600 ms more (it and
   * its ciphers' self-tests), so luks needs a kernel with them built in.
   */
  if (strcmp (c.backend, "uml") == 0) {
    load_module ("dm_mod");
    mark ("dm-mod");
  }
  do_noflush (c.noflush);
  do_writeback (c.writeback);
  if (c.md && have_tool ("mdadm")) {
    char *const argv[] = { (char *) "mdadm", (char *) "-As", (char *) "--auto=yes",
                           (char *) "--no-degraded", NULL };
    run (argv);
    mark ("md-scan");
  }
  /* As libguestfs, volume groups are active before the first command,
   * but vgchange only runs when some disk has a PV (or --scan lvm).
   */
  if ((c.lvm || init_lvm_pv_present ()) && have_tool ("lvm")) {
    char *const argv[] = { (char *) "lvm", (char *) "vgchange", (char *) "-aay",
                           (char *) "--sysinit", NULL };
    run (argv);
    mark ("lvm-scan");
  }

  mark ("daemon-exec");
  status = run_daemon (&c);
  snprintf (stage, sizeof stage, "daemon-exit %d", status);
  mark (stage);

  sync ();
  /* No poweroff/reboot binaries in the appliance: ask the kernel.  UML
   * powers off (a reboot restarts it; init exiting makes it abort); under
   * qemu a reboot ends qemu (-no-reboot).
   */
  write_str ("/proc/sysrq-trigger", strcmp (c.backend, "uml") == 0 ? "o" : "b");
  sleep (5);
  return 0;
}
