/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One benchmark run through guestdrv's own session: fresh image, launch,
 * set-up (partition, mkfs, mount), host and guest sync, the timed part,
 * guest sync, shutdown.  Only the timed part is the sample, except for
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


const char *const bench_api_payload =
  "guestdrv-bench-api-scenario:a.small.file.of.sixty-four.bytes.012";

/* Call PROC with arguments described by FMT: 's' string, 'i' int32.
 * Optional arguments are encoded by the caller's FMT as well (all of
 * them, unset ones as 0 or "", optmask 0).
 */
static int
call (struct session *s, uint32_t proc, const char *fmt, ...)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  va_list ap;
  int r = 0;

  if (a == NULL)
    return -1;
  va_start (ap, fmt);
  for (; *fmt && r == 0; fmt++) {
    if (*fmt == 's')
      r = proto_args_string (a, va_arg (ap, const char *));
    else
      r = proto_args_int (a, va_arg (ap, int32_t));
  }
  va_end (ap);
  if (r == 0)
    r = session_call (s, proc, 0, a, &rep);
  if (r == -1)
    gd_error_prefix ("%s", proto_proc_name (proc) ? proto_proc_name (proc)
                     : "call");
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
call_write (struct session *s, const char *path, const char *content)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  int r = -1;

  if (a && proto_args_string (a, path) == 0 &&
      proto_args_buffer (a, content, strlen (content)) == 0)
    r = session_call (s, PROC_INTERNAL_WRITE, 0, a, &rep);
  if (r == -1)
    gd_error_prefix ("internal_write %s", path);
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
discard_sink (void *opaque, const void *buf, size_t n)
{
  (void) buf;
  *(size_t *) opaque += n;
  return 0;
}

static int
call_ls0 (struct session *s, const char *dir)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  size_t got = 0;
  int r = -1;

  if (a && proto_args_string (a, dir) == 0)
    r = session_call_fileout (s, PROC_LS0, 0, a, discard_sink, &got, &rep);
  if (r == -1)
    gd_error_prefix ("ls0 %s", dir);
  proto_reply_free (&rep);
  proto_args_free (a);
  return r;
}

static int
upload_file (struct session *s, const char *local, const char *remote)
{
  int fd = open (local, O_RDONLY | O_CLOEXEC), r;
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1) {
    gd_set_error_errno ("%s", local);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  r = session_upload_fd (s, fd, st.st_size, remote);
  if (r == -1)
    gd_error_prefix ("upload %s", remote);
  close (fd);
  return r;
}

/* tgz_in is a FileIn call like upload, with a directory argument. */
static int
tgz_in (struct session *s, const char *tarball, const char *dir)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply rep = { 0 };
  int fd = open (tarball, O_RDONLY | O_CLOEXEC), r = -1;
  struct gd_fd_io io = { .fd = fd, .interrupt = &bench_interrupted };
  struct stat st;

  if (fd == -1) {
    gd_set_error_errno ("%s", tarball);
    proto_args_free (a);
    return -1;
  }
  if (a && fstat (fd, &st) == 0 && proto_args_string (a, dir) == 0)
    r = session_call_filein (s, PROC_TGZ_IN, 0, a, st.st_size, gd_fd_source,
                             &io, &rep);
  if (r == -1)
    gd_error_prefix ("tgz_in %s", dir);
  proto_reply_free (&rep);
  proto_args_free (a);
  close (fd);
  return r;
}

/* fill's length is an int32: bigger payloads are split over several
 * files of at most FILL_MAX bytes each.
 */
#define FILL_MAX (1024 * 1024 * 1024)

static int
fill (struct session *s, int c, uint64_t bytes)
{
  uint64_t done = 0;
  unsigned k = 0;

  while (done < bytes) {
    uint64_t n = bytes - done > FILL_MAX ? FILL_MAX : bytes - done;
    char path[32];

    snprintf (path, sizeof path, k ? "/f.%u" : "/f", k);
    if (call (s, PROC_FILL, "iis", c, (int32_t) n, path) == -1)
      return -1;
    done += n;
    k++;
  }
  return 0;
}

static int
api_mix (struct session *s)
{
  char dir[32], a[48], b[48];
  unsigned i;

  if (call (s, PROC_MKDIR, "s", "/api") == -1)
    return -1;
  for (i = 0; i < BENCH_API_ROUNDS; i++) {
    snprintf (dir, sizeof dir, "/api/d%u", i);
    snprintf (a, sizeof a, "%s/a", dir);
    snprintf (b, sizeof b, "%s/b", dir);
    if (call (s, PROC_MKDIR, "s", dir) == -1 ||
        call (s, PROC_TOUCH, "s", a) == -1 ||
        call_write (s, b, bench_api_payload) == -1 ||
        call (s, PROC_EXISTS, "s", b) == -1 ||
        call (s, PROC_STATNS, "s", a) == -1 ||
        call (s, PROC_LSTATNS, "s", b) == -1 ||
        call_ls0 (s, dir) == -1 ||
        call (s, PROC_RM, "s", a) == -1)
      return -1;
  }
  return 0;
}

/* Partition, make the filesystem and mount it, as the scenario needs. */
static int
set_up (struct session *s, const struct bench_run *run)
{
  const char *fs = strcmp (run->scenario, "upload-ext3") == 0 ? "ext3"
    : "ext2";

  if (call (s, PROC_PART_DISK, "ss", "/dev/sda", "mbr") == -1 ||
      /* mkfs: fstype, device, then its five optargs, all encoded. */
      call (s, PROC_MKFS, "ssisiis", fs, "/dev/sda1", 0, "", 0, 0, "") == -1)
    return -1;
  if (strcmp (run->scenario, "upload-sync") == 0) {
    if (call (s, PROC_MOUNT_OPTIONS, "sss", "sync", "/dev/sda1", "/") == -1)
      return -1;
  }
  else if (call (s, PROC_MOUNT, "ss", "/dev/sda1", "/") == -1)
    return -1;
  /* An honest sink: /dev/null's own device node on the guest's fs,
   * because guestfsd resolves upload paths inside the mounted fs.
   */
  if (strcmp (run->scenario, "upload-no-write") == 0 &&
      call (s, PROC_MKNOD_C, "iiis", 0666, 1, 3, "/null") == -1)
    return -1;
  return 0;
}

static int
timed_part (struct session *s, const struct bench_run *run)
{
  const char *sc = run->scenario;

  if (strcmp (sc, "api") == 0)
    return api_mix (s);
  if (strcmp (sc, "upload-no-write") == 0)
    return upload_file (s, run->payload, "/null");
  if (strcmp (sc, "write-no-upload") == 0 || strcmp (sc, "fill-1") == 0)
    return fill (s, 1, run->bytes);
  if (strcmp (sc, "fill-0") == 0)
    return fill (s, 0, run->bytes);
  if (strcmp (sc, "dd") == 0)
    return call (s, PROC_DD, "ss", "/dev/sdb", "/f");
  if (strcmp (sc, "tgz-in") == 0)
    return tgz_in (s, run->tarball, "/");
  /* upload and its variants: the image format and mount differ. */
  return upload_file (s, run->payload, "/f");
}

int
self_run (const struct bench_run *run, struct bench_sample *out)
{
  struct session *s;
  const char *fmt;
  uint64_t w0 = gd_now_ns (), t0, t1, bytes0 = 0;
  int startup = strcmp (run->scenario, "startup") == 0, r = -1;

  out->seconds = out->launch_s = out->shutdown_s = -1;
  out->channel_MBps = out->disk_MBps = -1;
  /* The disk layer's counter, for host-side disk bytes. */
  disk_iocount_force = true;
  if (workdir_make_image (run->scenario, run->image, run->image_size,
                          &fmt) == -1)
    return -1;
  workdir_host_sync ();
  s = session_new ();
  if (s == NULL)
    goto out_unlink;
  if (run->kernel)
    session_set_kernel (s, run->kernel);
  session_set_uml_raw_line (s, run->uml_raw_line);
  session_set_uml_channel (s, run->uml_channel);
  session_set_uml_disk (s, run->uml_disk);
  if (session_set_backend (s, run->backend) == -1 ||
      session_add_drive (s, run->image, fmt, run->cache, false) == -1 ||
      (strcmp (run->scenario, "dd") == 0 &&
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

    if (set_up (s, run) == -1 || call (s, PROC_SYNC, "") == -1)
      goto out_free;
    workdir_host_sync ();
    cs = channel_get_stats (hv_channel (session_hv (s)));
    bytes0 = cs->bytes_out;
    have_disk = disk_counters_read (hv_tmpdir (session_hv (s)), 0, &d0) == 0;
    t0 = gd_now_ns ();
    if (timed_part (s, run) == -1)
      goto out_free;
    t1 = gd_now_ns ();
    out->seconds = (t1 - t0) / 1e9;
    if (out->seconds > 0)
      out->channel_MBps = (cs->bytes_out - bytes0) / STATS_MB / out->seconds;
    if (call (s, PROC_SYNC, "") == -1)
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
