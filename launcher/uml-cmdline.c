/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The User-Mode Linux command line, built from the config, the appliance
 * and what uml_start decided (launcher/cmdline.h).  No I/O.  The device
 * layout, cache-mode mapping and channel are described in uml.c.
 */
#include <stdio.h>
#include <string.h>
#include <linux/virtio_ids.h>   /* virtio_uml.device=SOCKET:ID */

#include "cmdline.h"
#include "uml-xstate.h"
#include "uml-vhost-blk.h"

/* --uml-channel and $GUESTDRV_UML_CHANNEL: the virtio channel passed
 * every UML test (tests/integration/test-uml-*, test-trace-uml,
 * test-fsync-uml), so it is the default; the serial line stays for the
 * study.  --uml-disk: ubd, or vhost-user-blk (uml-vhost-blk.c).
 * --uml-window off: the bare serial line, for kernels whose line driver
 * is fixed; Debian's 6.1 stalls without the window (launcher/UML.md).
 */
static const char *const channels[] = { "virtio", "serial", NULL };
static const char *const disks[] = { "ubd", "vhost-user", NULL };
static const char *const on_off[] = { "on", "off", NULL };

const struct backend_setting uml_settings_table[] = {
  { "uml-channel", channels, "GUESTDRV_UML_CHANNEL",
"      --uml-channel virtio|serial  UML: vhost-user virtio-console or the\n"
"                           serial line to guestfsd (default virtio)\n" },
  { "uml-disk", disks, "GUESTDRV_UML_DISK",
"      --uml-disk ubd|vhost-user  UML: disks on ubd (default) or exported\n"
"                           by qemu-storage-daemon (any format, all caches)\n" },
  { "uml-window", on_off, NULL,
"      --uml-window on|off  UML: acknowledged window on the serial line (on);\n"
"                           off = the bare line, for fixed kernels (--kernel)\n" },
  { NULL, NULL, NULL, NULL },
};

int
uml_config (void *conf, const char *name, const char *value)
{
  struct uml_settings *u = conf;

  if (strcmp (name, "uml-channel") == 0)
    u->serial = strcmp (value, "serial") == 0;
  else if (strcmp (name, "uml-disk") == 0)
    u->vhost_user = strcmp (value, "vhost-user") == 0;
  else if (strcmp (name, "uml-window") == 0)
    u->raw_line = strcmp (value, "off") == 0;
  return 0;
}

static const struct uml_cache uml_caches[] = {
  { "writeback", "", 0, NULL },
  { "writethrough", "s", 0, NULL },
  { "unsafe", "", 1, NULL },
  { "none", NULL, 0,
    "UML's ubd cannot bypass the host page cache (no O_DIRECT); "
    "use --cache writethrough (O_SYNC; writeback sends the host no flushes)" },
  { "directsync", NULL, 0,
    "UML's ubd cannot bypass the host page cache (no O_DIRECT); "
    "use --cache writethrough (every write durable, through the page cache)" },
};

const struct uml_cache *
uml_cache_lookup (const char *mode)
{
  for (size_t i = 0; i < sizeof uml_caches / sizeof uml_caches[0]; i++)
    if (strcmp (uml_caches[i].mode, mode) == 0)
      return &uml_caches[i];
  return NULL;
}

void
uml_cache_list (char *buf, size_t len)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < sizeof uml_caches / sizeof uml_caches[0]; i++)
    if (uml_caches[i].flags && used < len)
      used += (size_t) snprintf (buf + used, len - used, "%s%s",
                                 used ? ", " : "", uml_caches[i].mode);
}

/* Append ",PREFIXx" (no comma when empty) to BUF, truncating safely. */
static void
uml_name_add (char *buf, size_t len, const char *prefix, size_t i)
{
  size_t n = strlen (buf);

  snprintf (buf + n, len - n, "%s%s%c", n ? "," : "", prefix, (char) ('a' + i));
}

/* The disks; NOFLUSH and WBACK get the guest device names whose queues the
 * init sets to write through / write back.  Returns the root's ubd unit.
 */
static size_t
uml_add_disks (const struct launch_config *cfg, const struct uml_paths *p,
               struct args *a, int *err, char *noflush, size_t nflen,
               char *wback, size_t wblen)
{
  size_t i;

  for (i = 0; p->vblk && i < cfg->ndisks; i++) {
    char sock[300];

    uml_vblk_socket (p->tmpdir, i, sock, sizeof sock);
    *err |= args_add (a, "virtio_uml.device=%s:%d", sock, VIRTIO_ID_BLOCK);
    if (uml_vblk_guest_flushes (&cfg->disks[i]))
      uml_name_add (wback, wblen, "vd", i);
    else
      uml_name_add (noflush, nflen, "vd", i);
  }
  for (i = 0; !p->vblk && i < cfg->ndisks; i++) {
    const struct disk *d = &cfg->disks[i];
    const struct uml_cache *c = uml_cache_lookup (d->cache);
    if (d->readonly) {
      /* --ro as libguestfs: a writable throwaway COW file of ours over
       * the image, which ubd opens read-only.  Scratch, so no flushes.
       */
      *err |= args_add (a, "ubd%zu=%s/disk%zu.cow,%s", i, p->tmpdir, i, d->path);
      uml_name_add (noflush, nflen, "ubd", i);
      continue;
    }
    *err |= args_add (a, "ubd%zu%s=%s", i, c && c->flags ? c->flags : "", d->path);
    if (c && c->noflush)
      uml_name_add (noflush, nflen, "ubd", i);
  }
  if (p->vblk)
    i = 0;                      /* the root is the only ubd */
  /* The root's COW file is scratch: flushing it would only cost time. */
  uml_name_add (noflush, nflen, "ubd", i);
  return i;
}

int
uml_build_argv (const struct launch_config *cfg,
                const struct appliance_files *app,
                const struct uml_paths *p, struct args *a)
{
  char noflush[256] = "", wback[256] = "";
  int err = 0;
  size_t root;

  err |= args_add (a, "%s", p->kernel);
  err |= args_add (a, "mem=%dM", cfg->memory_mb);
  err |= args_add (a, "umid=guestdrv-%d", p->umid_pid);
  err |= args_add (a, "uml_dir=%s", p->tmpdir);
  err |= args_add (a, "con=null");
  err |= args_add (a, "con0=null,fd:1");
  err |= args_add (a, "ssl=null");
  if (p->virtio)
    err |= args_add (a, "virtio_uml.device=%s:%d", p->vcon_sock, VIRTIO_ID_CONSOLE);
  else
    err |= args_add (a, "ssl1=fd:%d", p->guest_fd[0]);
  if (p->nlines == 2)
    err |= args_add (a, "ssl2=fd:%d", p->guest_fd[1]);
  root = uml_add_disks (cfg, p, a, &err, noflush, sizeof noflush,
                        wback, sizeof wback);
  err |= args_add (a, "ubd%zu=%s/root.cow,%s", root, p->tmpdir, app->root);
  err |= args_add (a, "root=/dev/ubd%c", (char) ('a' + root));
  err |= args_add (a, "rw");
  err |= args_add (a, "init=/init");
  err |= args_add (a, "quiet");
  err |= args_add (a, "panic=1");
  /* No BSD ptys: registering Debian's 256 pairs is 0.1-0.3 s of UML's
   * boot.  No delay-loop calibration (40-160 ms, and on a loaded host it
   * comes out low): the loop runs at most one iteration per cycle, so
   * this preset is not too short below 6.7 GHz; only busy-wait delays
   * use it, and they can only last longer than asked.
   */
  err |= args_add (a, "pty.legacy_count=0");
  err |= args_add (a, "lpj=67108864");
  /* With virtio, guestfsd opens its default port, as under qemu. */
  if (!p->virtio)
    err |= args_add (a, "guestfs_channel=/dev/ttyS1");
  if (p->nlines == 2)
    err |= args_add (a, "guestdrv.ack=/dev/ttyS2");
  err |= args_add (a, "guestdrv.backend=uml");
  err |= args_add (a, "guestdrv.noflush=%s", noflush);
  if (p->vblk)
    err |= args_add (a, "guestdrv.vblk=%zu", cfg->ndisks);
  if (p->vblk)
    err |= args_add (a, "guestdrv.writeback=%s", wback);
  if (p->verbose)
    err |= args_add (a, "guestdrv.verbose=1");
  if (cfg->init_flags)
    err |= args_add (a, "%s", cfg->init_flags);
  if (p->xstate_tunables)
    err |= args_add (a, "%s", UML_XSTATE_GLIBC_TUNABLES);
  /* UML joins its arguments into the kernel command line. */
  if (cfg->append)
    err |= args_add (a, "%s", cfg->append);
  return err ? -1 : 0;
}
