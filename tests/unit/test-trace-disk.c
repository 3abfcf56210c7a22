/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the disk layer: the I/O counter library run under real
 * programs (dd, two processes, O_DSYNC), merging its per-process files,
 * the QMP client against a fake qemu (events in between, silence, errors)
 * and the parsers of query-blockstats and /sys/block/<dev>/stat.
 */
#undef NDEBUG
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "common/clock.h"
#include "common/error.h"
#include "disk/disk.h"
#include "disk/iocount-format.h"

static char tmpdir[] = "/tmp/test-trace-disk.XXXXXX";

static void
setup (void)
{
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

static void
teardown (void)
{
  char cmd[256];
  snprintf (cmd, sizeof cmd, "rm -rf %s", tmpdir);
  ck_assert_int_eq (system (cmd), 0);
  strcpy (tmpdir, "/tmp/test-trace-disk.XXXXXX");
}

/* Run /bin/sh -c SCRIPT with the counter injected for IMAGE. */
static void
run_counted (const char *image, const char *script)
{
  struct disk d = { .path = (char *) image, .format = (char *) "raw",
                    .cache = (char *) "writeback" };
  char **env = disk_iocount_env (tmpdir, &d, 1);
  pid_t pid;
  int status;

  ck_assert_msg (env != NULL, "%s", gd_get_error ());
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0) {
    for (size_t i = 0; env[i]; i++)
      putenv (env[i]);
    execl ("/bin/sh", "sh", "-c", script, (char *) NULL);
    _exit (127);
  }
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  disk_env_free (env);
}

START_TEST (test_iocount_dd)
{
  char img[300], other[300], script[1024], dir[512];
  struct disk_counters c;

  ck_assert_msg (disk_iocount_library () != NULL, "build disk/libguestdrv-iocount.so first");
  snprintf (img, sizeof img, "%s/img", tmpdir);
  snprintf (other, sizeof other, "%s/other", tmpdir);
  /* 16 writes of 64 KiB and one fsync on the image; the same again on
   * another file that must not count; then 4 reads of 64 KiB.  The
   * image is named through a different spelling of its path.
   */
  snprintf (script, sizeof script,
            "dd if=/dev/zero of=%s/./img bs=64K count=16 conv=fsync status=none && "
            "dd if=/dev/zero of=%s bs=64K count=16 conv=fsync status=none && "
            "dd if=%s of=/dev/null bs=64K count=4 status=none",
            tmpdir, other, img);
  run_counted (img, script);
  disk_iocount_dir (tmpdir, dir, sizeof dir);
  ck_assert_int_eq (disk_counters_read_dir (dir, 0, &c), 0);
  ck_assert_uint_eq (c.writes, 16);
  ck_assert_uint_eq (c.bytes_written, 16 * 65536);
  ck_assert_uint_eq (c.flushes, 1);
  ck_assert_uint_eq (c.reads, 4);
  ck_assert_uint_eq (c.bytes_read, 4 * 65536);
  ck_assert_uint_eq (c.opens, 2);
  ck_assert_uint_eq (c.sync_opens, 0);
  /* Three dd processes (the shell touched no image but reports too). */
  ck_assert_uint_ge (c.processes, 3);
}
END_TEST

START_TEST (test_iocount_sync_open_and_fdatasync)
{
  char img[300], script[1024], dir[512];
  struct disk_counters c;

  snprintf (img, sizeof img, "%s/img", tmpdir);
  snprintf (script, sizeof script,
            "dd if=/dev/zero of=%s bs=4K count=3 oflag=dsync conv=fdatasync status=none",
            img);
  run_counted (img, script);
  disk_iocount_dir (tmpdir, dir, sizeof dir);
  ck_assert_int_eq (disk_counters_read_dir (dir, 0, &c), 0);
  ck_assert_uint_eq (c.sync_opens, 1);
  ck_assert_uint_eq (c.writes, 3);
  ck_assert_uint_eq (c.flushes, 1);
}
END_TEST

static void
write_file (const char *name, const char *text)
{
  char path[600];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  fclose (f);
}

START_TEST (test_merge)
{
  struct disk_counters c;

  /* Two files of one address space (a CLONE_VM helper): the higher seq
   * wins.  Another address space adds.  Junk is ignored.
   */
  write_file (IOCOUNT_PREFIX "a.1", IOCOUNT_MAGIC "\nid a pid 1 seq 5\n"
              "image 0 1 0 10 1000 7 20 2000 9 3 30 0\n"
              "image 1 1 1 1 1 1 1 1 1 1 1 1\n");
  write_file (IOCOUNT_PREFIX "a.2", IOCOUNT_MAGIC "\nid a pid 2 seq 7\n"
              "image 0 1 0 11 1100 7 21 2100 9 4 40 2\n");
  write_file (IOCOUNT_PREFIX "b.3", IOCOUNT_MAGIC "\nid b pid 3 seq 1\n"
              "image 0 1 1 1 100 1 1 100 1 1 5 0\n");
  write_file (IOCOUNT_PREFIX "c.4", "garbage\n");
  write_file ("unrelated", IOCOUNT_MAGIC "\nid d pid 4 seq 1\n"
              "image 0 9 9 9 9 9 9 9 9 9 9 9\n");
  ck_assert_int_eq (disk_counters_read_dir (tmpdir, 0, &c), 0);
  ck_assert_uint_eq (c.reads, 12);
  ck_assert_uint_eq (c.bytes_read, 1200);
  ck_assert_uint_eq (c.writes, 22);
  ck_assert_uint_eq (c.bytes_written, 2200);
  ck_assert_uint_eq (c.flushes, 5);
  ck_assert_uint_eq (c.flush_ns, 45);
  ck_assert_uint_eq (c.sync_opens, 1);
  ck_assert_uint_eq (c.fallocates, 2);
  ck_assert_uint_eq (c.processes, 2);
  /* An image nobody reported is zero, not an error. */
  ck_assert_int_eq (disk_counters_read_dir (tmpdir, 5, &c), 0);
  ck_assert_uint_eq (c.processes, 0);
}
END_TEST

START_TEST (test_merge_empty_dir)
{
  struct disk_counters c;
  char missing[600];

  ck_assert_int_eq (disk_counters_read_dir (tmpdir, 0, &c), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "did not load"));
  snprintf (missing, sizeof missing, "%s/nope", tmpdir);
  ck_assert_int_eq (disk_counters_read_dir (missing, 0, &c), -1);
  ck_assert_int_eq (gd_get_errno (), ENOENT);
}
END_TEST

/* What qemu 7.2 answers, shortened. */
static const char blockstats[] =
  "{\"return\": [{\"device\": \"hd0\", \"parent\": {\"stats\": {\"rd_bytes\": 1,"
  " \"wr_bytes\": 2, \"flush_operations\": 99}, \"node-name\": \"#block1\"},"
  " \"stats\": {\"unmap_operations\": 0, \"flush_total_time_ns\": 5000000,"
  " \"wr_bytes\": 34078720, \"rd_bytes\": 2362880, \"rd_operations\": 95,"
  " \"wr_operations\": 77, \"flush_operations\": 7, \"rd_total_time_ns\": 3,"
  " \"wr_total_time_ns\": 4, \"timed_stats\": [], \"account_invalid\": true},"
  " \"node-name\": \"#block2\", \"qdev\": \"/machine/peripheral-anon/device[1]\"},"
  " {\"device\": \"appliance\", \"stats\": {\"rd_bytes\": 10, \"wr_bytes\": 0}}]}";

START_TEST (test_qmp_parse)
{
  struct disk_qmp_stats s[4];
  size_t n;

  ck_assert_int_eq (disk_qmp_parse_blockstats (blockstats, strlen (blockstats), s, 4, &n), 0);
  ck_assert_uint_eq (n, 2);
  ck_assert_str_eq (s[0].device, "hd0");
  ck_assert_uint_eq (s[0].wr_bytes, 34078720);
  ck_assert_uint_eq (s[0].rd_bytes, 2362880);
  ck_assert_uint_eq (s[0].flush_ops, 7);       /* not the parent's 99 */
  ck_assert_uint_eq (s[0].flush_ns, 5000000);
  ck_assert_str_eq (s[1].device, "appliance");
  ck_assert_uint_eq (s[1].rd_bytes, 10);
  ck_assert_int_eq (disk_qmp_parse_blockstats (blockstats, strlen (blockstats), s, 1, &n), 0);
  ck_assert_uint_eq (n, 1);
  ck_assert_int_eq (disk_qmp_parse_blockstats ("{\"return\": {}}", 14, s, 4, &n), -1);
  ck_assert_int_eq (disk_qmp_parse_blockstats ("{\"return\": [", 12, s, 4, &n), -1);
}
END_TEST

/* A fake qemu on a Unix socket: MODE 0 = well-behaved (with an event
 * before each reply), 1 = silent after the greeting, 2 = error reply.
 */
struct fake { int listen_fd, mode; };

static void *
fake_qmp (void *arg)
{
  struct fake *f = arg;
  int fd = accept (f->listen_fd, NULL, NULL);
  char buf[4096];
  int replies = 0;
  const char *greet = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";

  if (fd < 0)
    return NULL;
  if (write (fd, greet, strlen (greet)) < 0)
    goto out;
  while (read (fd, buf, sizeof buf) > 0) {
    const char *ev = "{\"timestamp\": {\"seconds\": 1}, \"event\": \"RESUME\"}\r\n";
    if (f->mode == 1)
      continue;
    if (write (fd, ev, strlen (ev)) < 0)
      break;
    if (replies++ == 0) {
      if (write (fd, "{\"return\": {}}\r\n", 16) < 0)
        break;
    }
    else if (f->mode == 2) {
      const char *e = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"nope\"}}\r\n";
      if (write (fd, e, strlen (e)) < 0)
        break;
    }
    else {
      /* The reply in two pieces, as a stream may deliver it. */
      size_t half = sizeof blockstats / 2;
      if (write (fd, blockstats, half) < 0)
        break;
      usleep (10000);
      if (write (fd, blockstats + half, strlen (blockstats) - half) < 0 ||
          write (fd, "\r\n", 2) < 0)
        break;
    }
  }
 out:
  close (fd);
  return NULL;
}

static int
qmp_with_fake (int mode, int timeout_ms, struct disk_qmp_stats *s, size_t *n)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct fake f = { .mode = mode };
  pthread_t th;
  int r;

  snprintf (sa.sun_path, sizeof sa.sun_path, "%s/qmp.sock", tmpdir);
  f.listen_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge (f.listen_fd, 0);
  ck_assert_int_eq (bind (f.listen_fd, (struct sockaddr *) &sa, sizeof sa), 0);
  ck_assert_int_eq (listen (f.listen_fd, 1), 0);
  ck_assert_int_eq (pthread_create (&th, NULL, fake_qmp, &f), 0);
  r = disk_qmp_blockstats (sa.sun_path, timeout_ms, s, 4, n);
  shutdown (f.listen_fd, SHUT_RDWR);
  pthread_join (th, NULL);
  close (f.listen_fd);
  return r;
}

START_TEST (test_qmp_client)
{
  struct disk_qmp_stats s[4];
  size_t n = 0;

  ck_assert_msg (qmp_with_fake (0, 3000, s, &n) == 0, "%s", gd_get_error ());
  ck_assert_uint_eq (n, 2);
  ck_assert_uint_eq (s[0].wr_ops, 77);
}
END_TEST

START_TEST (test_qmp_silence_is_bounded)
{
  struct disk_qmp_stats s[4];
  size_t n;
  uint64_t t0 = gd_now_ns ();

  ck_assert_int_eq (qmp_with_fake (1, 300, s, &n), -1);
  ck_assert_int_eq (gd_get_errno (), ETIMEDOUT);
  ck_assert_uint_lt (gd_now_ns () - t0, 2000000000ULL);
}
END_TEST

START_TEST (test_qmp_error_reply)
{
  struct disk_qmp_stats s[4];
  size_t n;

  ck_assert_int_eq (qmp_with_fake (2, 3000, s, &n), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "nope"));
}
END_TEST

START_TEST (test_qmp_no_socket)
{
  struct disk_qmp_stats s[4];
  size_t n;
  char path[600];

  snprintf (path, sizeof path, "%s/none.sock", tmpdir);
  ck_assert_int_eq (disk_qmp_blockstats (path, 1000, s, 4, &n), -1);
  ck_assert_int_eq (disk_qmp_blockstats ("", 1000, s, 4, &n), -1);
}
END_TEST

START_TEST (test_guest_parse)
{
  struct disk_guest_stat g[4];
  const char *out =
    "[ 0.0] some dmesg line\n"
    "guestdrv-stat sda 90 0 4558 20 107 3 83046 60 0 100 80 0 0 0 0 14 81\n"
    "guestdrv-stat ubda 1 2 3 4 5 6 7 8 9 10 11\n"
    "guestdrv-stat short 1 2 3\n";
  size_t n = disk_guest_parse (out, g, 4);

  ck_assert_uint_eq (n, 2);
  ck_assert_str_eq (g[0].dev, "sda");
  ck_assert_uint_eq (g[0].rd_ios, 90);
  ck_assert_uint_eq (g[0].rd_sectors, 4558);
  ck_assert_uint_eq (g[0].wr_ios, 107);
  ck_assert_uint_eq (g[0].wr_sectors, 83046);
  ck_assert_uint_eq (g[0].flush_ios, 14);
  ck_assert_uint_eq (g[0].flush_ticks_ms, 81);
  ck_assert_str_eq (g[1].dev, "ubda");
  ck_assert_uint_eq (g[1].wr_sectors, 7);
  ck_assert_uint_eq (g[1].flush_ios, 0);       /* an 11-field kernel */
  ck_assert_uint_eq (disk_guest_parse (out, g, 1), 1);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("trace-disk");
  TCase *tc = tcase_create ("core");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_iocount_dd);
  tcase_add_test (tc, test_iocount_sync_open_and_fdatasync);
  tcase_add_test (tc, test_merge);
  tcase_add_test (tc, test_merge_empty_dir);
  tcase_add_test (tc, test_qmp_parse);
  tcase_add_test (tc, test_qmp_client);
  tcase_add_test (tc, test_qmp_silence_is_bounded);
  tcase_add_test (tc, test_qmp_error_reply);
  tcase_add_test (tc, test_qmp_no_socket);
  tcase_add_test (tc, test_guest_parse);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
