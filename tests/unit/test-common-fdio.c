/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/fdio.c: whole writes and reads through a pipe, a bounded file
 * read at the bound and one byte over it, and the upload/download
 * callbacks.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit-main.h"
#include "common/error.h"
#include "common/fdio.h"

static char tmpfile_path[64];

static void
write_tmp (const char *data, size_t n)
{
  int fd;

  snprintf (tmpfile_path, sizeof tmpfile_path, "/tmp/test-fdio.XXXXXX");
  fd = mkstemp (tmpfile_path);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (gd_write_all (fd, data, n), 0);
  close (fd);
}

START_TEST (write_read_all)
{
  int p[2];
  static char big[200000], back[200001];
  ssize_t n;
  pid_t pid;
  int status;

  memset (big, 'a', sizeof big);
  big[sizeof big - 1] = 'z';
  ck_assert_int_eq (pipe (p), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0) {           /* a pipe holds less than BIG */
    close (p[0]);
    _exit (gd_write_all (p[1], big, sizeof big) == 0 ? 0 : 1);
  }
  close (p[1]);
  n = gd_read_all (p[0], back, sizeof back);
  ck_assert_int_eq (n, (ssize_t) sizeof big);
  ck_assert_int_eq (memcmp (back, big, sizeof big), 0);
  close (p[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  ck_assert_int_eq (gd_write_all (p[0], "x", 1), -1);
  ck_assert_int_eq (errno, EBADF);
}
END_TEST

START_TEST (read_file_bounded)
{
  size_t len;
  char *s;

  write_tmp ("0123456789", 10);
  s = gd_read_file (tmpfile_path, 10, &len);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (len, 10);
  ck_assert_str_eq (s, "0123456789");
  free (s);
  ck_assert_ptr_null (gd_read_file (tmpfile_path, 9, &len));
  ck_assert_int_eq (errno, EFBIG);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "larger than 9 bytes"));
  unlink (tmpfile_path);
  write_tmp ("", 0);
  s = gd_read_file (tmpfile_path, 0, &len);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (len, 0);
  free (s);
  unlink (tmpfile_path);
  ck_assert_ptr_null (gd_read_file ("/nonexistent/x", 10, NULL));
  ck_assert_str_eq (gd_get_error (), "/nonexistent/x: No such file or directory");
  /* A /proc file reports size 0 but has contents. */
  s = gd_read_file ("/proc/self/status", 1 << 20, &len);
  ck_assert_ptr_nonnull (s);
  ck_assert_ptr_nonnull (strstr (s, "Pid:"));
  free (s);
}
END_TEST

START_TEST (source_sink)
{
  int p[2];
  struct gd_fd_io in, out;
  char buf[16];

  ck_assert_int_eq (pipe (p), 0);
  in.fd = p[0];
  in.interrupt = NULL;
  out.fd = p[1];
  out.interrupt = NULL;
  ck_assert_int_eq (gd_fd_sink (&out, "hello", 5), 0);
  close (p[1]);
  ck_assert_int_eq (gd_fd_source (&in, buf, sizeof buf), 5);
  ck_assert_int_eq (memcmp (buf, "hello", 5), 0);
  ck_assert_int_eq (gd_fd_source (&in, buf, sizeof buf), 0);
  close (p[0]);
  ck_assert_int_eq (gd_fd_source (&in, buf, sizeof buf), -1);
  ck_assert_str_eq (gd_get_error (), "read: Bad file descriptor");
  ck_assert_int_eq (gd_fd_sink (&out, "x", 1), -1);
  ck_assert_str_eq (gd_get_error (), "write: Bad file descriptor");
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, write_read_all);
  tcase_add_test (tc, read_file_bounded);
  tcase_add_test (tc, source_sink);
  return unit_run ("common-fdio", tc);
}
