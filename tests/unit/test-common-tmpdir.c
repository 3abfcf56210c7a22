/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/tmpdir.c: a private temp dir under $TMPDIR (and /tmp when that
 * is too long for socket paths), and tree removal that removes symbolic
 * links without following them.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit-main.h"
#include "common/error.h"
#include "common/tmpdir.h"

static void
touch (const char *dir, const char *name)
{
  char p[512];
  int fd;

  snprintf (p, sizeof p, "%s/%s", dir, name);
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, "x", 1), 1);
  close (fd);
}

static void
sub (char *out, size_t n, const char *dir, const char *name)
{
  snprintf (out, n, "%s/%s", dir, name);
}

START_TEST (make_private)
{
  char dir[256], longtmp[300];
  struct stat st;

  setenv ("TMPDIR", "/tmp", 1);
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", dir, sizeof dir), 0);
  ck_assert_int_eq (strncmp (dir, "/tmp/gd-test.", 13), 0);
  ck_assert_int_eq (stat (dir, &st), 0);
  ck_assert (S_ISDIR (st.st_mode));
  ck_assert_int_eq (st.st_mode & 0777, 0700);
  ck_assert_int_eq (gd_tree_remove (dir), 0);
  ck_assert_int_eq (stat (dir, &st), -1);

  memset (longtmp, 'a', sizeof longtmp - 1);
  longtmp[0] = '/';
  longtmp[sizeof longtmp - 1] = '\0';
  setenv ("TMPDIR", longtmp, 1);
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", dir, sizeof dir), 0);
  ck_assert_int_eq (strncmp (dir, "/tmp/gd-test.", 13), 0);
  ck_assert_int_eq (gd_tree_remove (dir), 0);
  /* Too small a buffer is an error, not a truncated path. */
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", dir, 10), -1);
  ck_assert_int_eq (errno, ENAMETOOLONG);
  setenv ("TMPDIR", "/nonexistent-dir", 1);
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", dir, sizeof dir), -1);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "mkdtemp /nonexistent-dir/gd-test."));
}
END_TEST

START_TEST (remove_tree_not_following_links)
{
  char top[256], victim[256], p[512], q[512];
  struct stat st;

  unsetenv ("TMPDIR");
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", top, sizeof top), 0);
  ck_assert_int_eq (gd_tmpdir_make ("gd-victim", victim, sizeof victim), 0);
  touch (victim, "keep");
  touch (top, "f");
  sub (p, sizeof p, top, "d");
  ck_assert_int_eq (mkdir (p, 0700), 0);
  touch (p, "g");
  sub (q, sizeof q, p, "e");
  ck_assert_int_eq (mkdir (q, 0700), 0);
  touch (q, "h");
  sub (q, sizeof q, p, "sock-like");
  ck_assert_int_eq (mkfifo (q, 0600), 0);
  /* Links to the victim dir and to a file in it. */
  sub (p, sizeof p, top, "link-dir");
  ck_assert_int_eq (symlink (victim, p), 0);
  sub (p, sizeof p, top, "link-file");
  sub (q, sizeof q, victim, "keep");
  ck_assert_int_eq (symlink (q, p), 0);
  sub (p, sizeof p, top, "dangling");
  ck_assert_int_eq (symlink ("/nonexistent", p), 0);

  ck_assert_int_eq (gd_tree_remove (top), 0);
  ck_assert_int_eq (lstat (top, &st), -1);
  ck_assert_int_eq (errno, ENOENT);
  sub (q, sizeof q, victim, "keep");
  ck_assert_int_eq (stat (q, &st), 0);
  /* Missing is fine; a symlink given as the top is removed, not its target. */
  ck_assert_int_eq (gd_tree_remove (top), 0);
  /* (In the victim's parent: a private name, tests may run at once.) */
  snprintf (p, sizeof p, "%s-toplink", victim);
  ck_assert_int_eq (symlink (victim, p), 0);
  ck_assert_int_eq (gd_tree_remove (p), 0);
  ck_assert_int_eq (lstat (p, &st), -1);
  ck_assert_int_eq (stat (q, &st), 0);
  ck_assert_int_eq (gd_tree_remove (victim), 0);
  ck_assert_int_eq (lstat (victim, &st), -1);
}
END_TEST

/* An entry that cannot be removed is named in the error, the rest is
 * still removed: a tree deeper than the walk's bound (which keeps the
 * number of directory fds held at once bounded).
 */
START_TEST (remove_reports_failure)
{
  char top[256], p[4096], mid[4096];
  struct stat st;
  int dfd;
  size_t n;

  unsetenv ("TMPDIR");
  ck_assert_int_eq (gd_tmpdir_make ("gd-test", top, sizeof top), 0);
  touch (top, "other");
  dfd = open (top, O_RDONLY | O_DIRECTORY);
  n = (size_t) snprintf (p, sizeof p, "%s", top);
  for (int i = 0; i < 300; i++) {
    int sub_fd;
    ck_assert_int_eq (mkdirat (dfd, "d", 0700), 0);
    sub_fd = openat (dfd, "d", O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge (sub_fd, 0);
    close (dfd);
    dfd = sub_fd;
    n += (size_t) snprintf (p + n, sizeof p - n, "/d");
    if (i == 150)
      snprintf (mid, sizeof mid, "%s", p);
  }
  close (dfd);
  ck_assert_int_eq (gd_tree_remove (top), -1);
  ck_assert_int_eq (errno, ELOOP);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "/d/d/d"));
  sub (p, sizeof p, top, "other");
  ck_assert_int_eq (lstat (p, &st), -1);
  ck_assert_int_eq (gd_tree_remove (mid), 0);
  ck_assert_int_eq (gd_tree_remove (top), 0);
  ck_assert_int_eq (lstat (top, &st), -1);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_add_test (tc, make_private);
  tcase_add_test (tc, remove_tree_not_following_links);
  tcase_add_test (tc, remove_reports_failure);
  return unit_run ("common-tmpdir", tc);
}
