/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw channel probes (see chanprobe.h): throughput of the channel and the
 * protocol with no disk underneath.  The sink and the source are device
 * nodes on a tmpfs mounted over /sysroot: guestfsd resolves upload and
 * download paths under /sysroot, so /dev/null of the appliance is out of
 * reach.  tmpfs ignores the mount source; guestfsd wants a device it
 * knows there, so the first disk's name is given.  A mount over an
 * already mounted root hides it until the tmpfs is unmounted again.
 */
#include <stdlib.h>
#include <string.h>

#include "chanprobe.h"
#include "../trace/trace.h"
#include "../common/clock.h"
#include "../common/error.h"
#include "../session/session.h"

#include "../protocol/proc-numbers.h"

#define SINK_PATH "/guestdrv-probe-dev"
#define PATTERN_LEN (64 * 1024)

static int
call (struct session *s, uint32_t proc, struct proto_args *a,
      struct proto_reply *r)
{
  memset (r, 0, sizeof *r);
  if (!a)
    return -1;
  return session_call (s, proc, 0, a, r);
}

/* Mount the scratch tmpfs on / and make the device node; 0 or -1. */
static int
setup (struct session *s, int minor)
{
  struct proto_args *a;
  struct proto_reply r;
  char **devs = NULL;
  int ret;

  a = proto_args_new ();
  ret = call (s, PROC_LIST_DEVICES, a, &r);
  proto_args_free (a);
  if (ret == -1 || proto_ret_string_list (&r, &devs) == -1 || !devs[0]) {
    proto_reply_free (&r);
    for (size_t i = 0; devs && devs[i]; i++)
      free (devs[i]);
    free (devs);
    if (ret == 0)
      gd_set_error ("no device in the appliance to name as the tmpfs source");
    return -1;
  }
  proto_reply_free (&r);

  a = proto_args_new ();
  if (a && (proto_args_string (a, "size=64k,mode=0755") == -1 ||
            proto_args_string (a, "tmpfs") == -1 ||
            proto_args_string (a, devs[0]) == -1 ||
            proto_args_string (a, "/") == -1)) {
    proto_args_free (a);
    a = NULL;
  }
  for (size_t i = 0; devs[i]; i++)
    free (devs[i]);
  free (devs);
  ret = call (s, PROC_MOUNT_VFS, a, &r);
  proto_args_free (a);
  proto_reply_free (&r);
  if (ret == -1) {
    gd_error_prefix ("mounting the scratch tmpfs");
    return -1;
  }

  a = proto_args_new ();
  if (a && (proto_args_int (a, 0666) == -1 || proto_args_int (a, 1) == -1 ||
            proto_args_int (a, minor) == -1 ||
            proto_args_string (a, SINK_PATH) == -1)) {
    proto_args_free (a);
    a = NULL;
  }
  ret = call (s, PROC_MKNOD_C, a, &r);
  proto_args_free (a);
  proto_reply_free (&r);
  if (ret == -1)
    gd_error_prefix ("mknod-c on the scratch tmpfs");
  return ret;
}

/* Unmount the scratch tmpfs, keeping an earlier error if there is one. */
static int
teardown (struct session *s, int ret)
{
  struct proto_args *a = proto_args_new ();
  struct proto_reply r;
  char *saved = ret == -1 ? strdup (gd_get_error ()) : NULL;
  int saved_errno = errno;

  if (a && (proto_args_string (a, "/") == -1 ||
            proto_args_bool (a, false) == -1 ||
            proto_args_bool (a, false) == -1)) {
    proto_args_free (a);
    a = NULL;
  }
  if (call (s, PROC_UMOUNT, a, &r) == -1) {
    gd_error_prefix ("unmounting the scratch tmpfs (it still hides /sysroot)");
    ret = -1;
  }
  else if (saved) {
    gd_set_error ("%s", saved);
    errno = saved_errno;
  }
  proto_reply_free (&r);
  proto_args_free (a);
  free (saved);
  return ret;
}

struct gen {
  unsigned char *pattern;
  uint64_t left;
};

static ssize_t
gen_source (void *opaque, void *buf, size_t n)
{
  struct gen *g = opaque;
  size_t done = 0;

  if (n > g->left)
    n = g->left;
  while (done < n) {
    size_t k = n - done < PATTERN_LEN ? n - done : PATTERN_LEN;
    memcpy ((char *) buf + done, g->pattern, k);
    done += k;
  }
  g->left -= n;
  return n;
}

int
chanprobe_upload_discard (struct session *s, uint64_t size, uint64_t *ns)
{
  struct gen g = { .left = size };
  struct proto_args *a;
  struct proto_reply r = { 0 };
  uint64_t t0;
  int ret;

  g.pattern = malloc (PATTERN_LEN);
  if (!g.pattern) {
    gd_set_error_errno ("malloc");
    return -1;
  }
  /* Not all zeroes, not compressible by accident: an LCG. */
  for (uint32_t i = 0, x = 12345; i < PATTERN_LEN; i++) {
    x = x * 1103515245u + 12345u;
    g.pattern[i] = x >> 24;
  }
  if (setup (s, 3) == -1) {
    free (g.pattern);
    return teardown (s, -1);
  }
  a = proto_args_new ();
  if (a && proto_args_string (a, SINK_PATH) == -1) {
    proto_args_free (a);
    a = NULL;
  }
  t0 = gd_now_ns ();
  ret = a ? session_call_filein (s, PROC_UPLOAD, 0, a, size, gen_source, &g, &r) : -1;
  *ns = gd_now_ns () - t0;
  proto_reply_free (&r);
  proto_args_free (a);
  free (g.pattern);
  if (ret == -1)
    gd_error_prefix ("upload");
  return teardown (s, ret);
}

struct count { uint64_t bytes; };

static int
count_sink (void *opaque, const void *buf, size_t n)
{
  struct count *c = opaque;
  (void) buf;
  c->bytes += n;
  return 0;
}

int
chanprobe_download_zeroes (struct session *s, uint64_t size, uint64_t *ns)
{
  struct count c = { 0 };
  struct proto_args *a;
  struct proto_reply r = { 0 };
  uint64_t t0;
  int ret;

  if (size > INT64_MAX) {
    gd_set_error ("size too large");
    return -1;
  }
  if (setup (s, 5) == -1)
    return teardown (s, -1);
  a = proto_args_new ();
  if (a && (proto_args_string (a, SINK_PATH) == -1 ||
            proto_args_int64 (a, 0) == -1 ||
            proto_args_int64 (a, (int64_t) size) == -1)) {
    proto_args_free (a);
    a = NULL;
  }
  t0 = gd_now_ns ();
  ret = a ? session_call_fileout (s, PROC_DOWNLOAD_OFFSET, 0, a, count_sink, &c, &r) : -1;
  *ns = gd_now_ns () - t0;
  proto_reply_free (&r);
  proto_args_free (a);
  if (ret == 0 && c.bytes != size) {
    errno = EIO;
    gd_set_error ("download_offset returned %llu bytes, not %llu",
                  (unsigned long long) c.bytes, (unsigned long long) size);
    ret = -1;
  }
  if (ret == -1)
    gd_error_prefix ("download-offset");
  return teardown (s, ret);
}
