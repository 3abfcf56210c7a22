/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One benchmark run through guestdrv's own session: fresh image, launch,
 * set-up (partition, mkfs, mount), host and guest sync, the timed part
 * (the row's op, bench/ops.c), guest sync, shutdown.  Only the timed part is the sample, except for
 * startup, whose sample is launch + shutdown (both also kept apart).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run.h"
#include "../disk/disk.h"
#include "../common/clock.h"
#include "../common/error.h"
#include "../common/fdio.h"
#include "../launcher/launcher.h"
#include "../session/session.h"
#include "../protocol/proc-numbers.h"


/* Partition, make the filesystem and mount it, as the scenario's row
 * says.
 */
static int
set_up (struct session *s, const struct bench_scenario *sc)
{
  if (bench_call (s, PROC_PART_DISK, "ss", "/dev/sda", "mbr") == -1 ||
      /* mkfs: fstype, device, then its five optargs, all encoded. */
      bench_call (s, PROC_MKFS, "ssisiis", sc->fs, "/dev/sda1", 0, "", 0, 0,
                  "") == -1)
    return -1;
  if (sc->mount_options) {
    if (bench_call (s, PROC_MOUNT_OPTIONS, "sss", sc->mount_options,
                    "/dev/sda1", "/") == -1)
      return -1;
  }
  else if (bench_call (s, PROC_MOUNT, "ss", "/dev/sda1", "/") == -1)
    return -1;
  if (sc->null_node &&
      bench_call (s, PROC_MKNOD_C, "iiis", 0666, 1, 3, sc->null_node) == -1)
    return -1;
  return 0;
}

int
self_run (const struct bench_run *run, struct bench_sample *out)
{
  struct session *s;
  const char *fmt;
  uint64_t w0 = gd_now_ns (), t0, t1, bytes0 = 0;
  const struct bench_scenario *sc = run->sc;
  int startup = sc->fs == NULL, r = -1;

  out->seconds = out->launch_s = out->shutdown_s = -1;
  out->channel_MBps = out->disk_MBps = -1;
  /* The disk layer's counter, for host-side disk bytes. */
  disk_iocount_force = true;
  if (workdir_make_image (sc, run->image, run->image_size, &fmt) == -1)
    return -1;
  workdir_host_sync ();
  s = session_new ();
  if (s == NULL)
    goto out_unlink;
  if (run->kernel)
    session_set_kernel (s, run->kernel);
  for (size_t i = 0; i < run->nsettings; i++)
    if (session_set_backend_setting (s, run->set_names[i],
                                     run->set_values[i]) == -1)
      goto out_free;
  if (session_set_backend (s, run->backend) == -1 ||
      session_add_drive (s, run->image, fmt, run->cache, false) == -1 ||
      (sc->payload == PAYLOAD_DISK &&
       session_add_drive (s, run->payload, "raw", run->cache, true) == -1))
    goto out_free;

  t0 = gd_now_ns ();
  if (session_launch (s) == -1)
    goto out_free;
  t1 = gd_now_ns ();
  out->launch_s = (t1 - t0) / 1e9;

  if (!startup) {
    const struct channel_stats *cs;
    struct disk_counters d0, d1;
    int have_disk;

    if (set_up (s, sc) == -1 || bench_call (s, PROC_SYNC, "") == -1)
      goto out_free;
    workdir_host_sync ();
    cs = channel_get_stats (hv_channel (session_hv (s)));
    bytes0 = cs->bytes_out;
    have_disk = disk_counters_read (hv_tmpdir (session_hv (s)), 0, &d0) == 0;
    t0 = gd_now_ns ();
    if (sc->op->self (s, sc, run) == -1)
      goto out_free;
    t1 = gd_now_ns ();
    out->seconds = (t1 - t0) / 1e9;
    if (out->seconds > 0)
      out->channel_MBps = (cs->bytes_out - bytes0) / STATS_MB / out->seconds;
    if (bench_call (s, PROC_SYNC, "") == -1)
      goto out_free;
    /* The counter's live figures are current (disk/iocount-format.h). */
    if (have_disk && out->seconds > 0 &&
        disk_counters_read (hv_tmpdir (session_hv (s)), 0, &d1) == 0)
      out->disk_MBps = (d1.bytes_written - d0.bytes_written) / STATS_MB
                       / out->seconds;
  }

  t0 = gd_now_ns ();
  if (session_shutdown (s) == -1)
    goto out_free;
  t1 = gd_now_ns ();
  out->shutdown_s = (t1 - t0) / 1e9;
  if (startup)
    out->seconds = out->launch_s + out->shutdown_s;
  workdir_host_sync ();
  r = 0;

 out_free:
  if (r == -1 && bench_interrupted)
    gd_set_error ("interrupted");
  session_free (s);
 out_unlink:
  unlink (run->image);
  out->wall_s = (gd_now_ns () - w0) / 1e9;
  return r;
}
