/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/run.c: exit statuses, signals, a missing program, the deadline
 * killing a whole process group, the interrupt flag, the output tail,
 * environment changes, stdin and kept fds, a function child, and no
 * leaked fds or children on any of these paths.
 */
#undef NDEBUG
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit-main.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/run.h"

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  int n = 0;

  ck_assert_ptr_nonnull (d);
  while (readdir (d))
    n++;
  closedir (d);
  return n;
}

/* No child of ours is left, zombie or not. */
static void
assert_no_children (void)
{
  ck_assert_int_eq (waitpid (-1, NULL, WNOHANG), -1);
  ck_assert_int_eq (errno, ECHILD);
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* PID exists and is not a zombie. */
static bool
alive (pid_t pid)
{
  char path[64], buf[256], *p;
  FILE *f;
  bool r = false;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  f = fopen (path, "r");
  if (!f)
    return false;
  if (fgets (buf, sizeof buf, f) && (p = strrchr (buf, ')')) != NULL)
    r = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
  fclose (f);
  return r;
}

static int
sh (const char *script, int timeout_ms, char **out)
{
  char *argv[] = { "sh", "-c", (char *) script, NULL };
  return gd_run (argv, NULL, timeout_ms, out);
}

START_TEST (run_status_and_output)
{
  int fds = count_fds ();
  char *out;

  ck_assert_int_eq (sh ("echo hello; echo err >&2; exit 3", 10000, &out), 3);
  ck_assert_str_eq (out, "hello\nerr\n");
  free (out);
  ck_assert_int_eq (sh ("true", 10000, NULL), 0);
  ck_assert_int_eq (count_fds (), fds);
  assert_no_children ();
}
END_TEST

START_TEST (run_signal)
{
  char *out;

  ck_assert_int_eq (sh ("kill -TERM $$", 10000, &out), -1);
  ck_assert_str_eq (gd_get_error (), "sh: killed by signal 15");
  free (out);
  assert_no_children ();
}
END_TEST

START_TEST (run_missing_program)
{
  char *argv[] = { "/nonexistent/guestdrv-no-such-program", NULL };
  struct gd_run_opts o = { .spawn = { .argv = argv }, .timeout_ms = 5000 };
  struct gd_run_result r;
  int fds = count_fds ();
  char *out;

  ck_assert_int_eq (gd_run (argv, NULL, 5000, &out), 127);
  ck_assert_str_eq (out, "/nonexistent/guestdrv-no-such-program: "
                    "No such file or directory\n");
  free (out);
  ck_assert_int_eq (gd_run_ex (&o, &r), -1);
  ck_assert_int_eq (r.exec_errno, ENOENT);
  ck_assert_int_eq (errno, ENOENT);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "No such file"));
  free (r.output);
  ck_assert_int_eq (count_fds (), fds);
  assert_no_children ();
}
END_TEST

/* A grandchild that would outlive the deadline dies with its group. */
START_TEST (run_deadline_kills_group)
{
  uint64_t t0 = gd_now_ns ();
  char *out;
  char pidline[32];
  pid_t grandchild;

  ck_assert_int_eq (sh ("sleep 30 & echo $!; wait", 300, &out), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  ck_assert_ptr_nonnull (strstr (gd_get_error (), "timed out"));
  ck_assert ((gd_now_ns () - t0) / 1000000 < 5000);
  snprintf (pidline, sizeof pidline, "%s", out);
  grandchild = atoi (pidline);
  free (out);
  ck_assert_int_gt (grandchild, 0);
  /* SIGKILL was sent to the group: the sleep is dead (a zombie until
   * whoever adopted it reaps it).
   */
  for (int i = 0; i < 200 && alive (grandchild); i++)
    usleep (10000);
  ck_assert (!alive (grandchild));
  assert_no_children ();
}
END_TEST

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t running_pgid;

static void
on_alarm (int sig)
{
  (void) sig;
  stop_flag = 1;
}

START_TEST (run_interrupt_and_pgid)
{
  char *argv[] = { "sleep", "30", NULL };
  struct gd_run_opts o = {
    .spawn = { .argv = argv }, .timeout_ms = 20000,
    .interrupt = &stop_flag, .pgid = &running_pgid,
  };
  struct gd_run_result r;
  struct sigaction sa = { .sa_handler = on_alarm };

  sigaction (SIGALRM, &sa, NULL);
  stop_flag = 0;
  alarm (1);
  ck_assert_int_eq (gd_run_ex (&o, &r), -1);
  ck_assert (r.interrupted);
  ck_assert (!r.timed_out);
  ck_assert_str_eq (gd_get_error (), "interrupted");
  ck_assert_int_eq (running_pgid, 0);
  free (r.output);
  assert_no_children ();
}
END_TEST

START_TEST (run_tail_kept)
{
  char *argv[] = { "sh", "-c", "i=0; while [ $i -lt 2000 ]; do "
                   "echo line$i; i=$((i+1)); done", NULL };
  struct gd_run_opts o = {
    .spawn = { .argv = argv }, .timeout_ms = 20000, .output_max = 100,
  };
  struct gd_run_result r;

  ck_assert_int_eq (gd_run_ex (&o, &r), 0);
  ck_assert (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 0);
  ck_assert_uint_eq (r.output_len, 100);
  ck_assert_uint_eq (strlen (r.output), 100);
  ck_assert_str_eq (r.output + 100 - 9, "line1999\n");
  ck_assert (r.seconds > 0);
  free (r.output);
}
END_TEST

START_TEST (run_env_stdin_cwd)
{
  char *argv[] = { "sh", "-c", "echo \"$GD_A/${HOME-unset}/$(pwd)\"; cat", NULL };
  char *env[] = { "GD_A=x y", "HOME", NULL };
  int p[2];
  struct gd_run_opts o = {
    .spawn = { .argv = argv, .env_add = env, .flags = GD_SPAWN_STDIN,
               .cwd = "/" },
    .timeout_ms = 10000,
  };
  struct gd_run_result r;

  ck_assert_int_eq (pipe (p), 0);
  ck_assert_int_eq (write (p[1], "from stdin", 10), 10);
  close (p[1]);
  o.spawn.stdin_fd = p[0];
  ck_assert_int_eq (gd_run_ex (&o, &r), 0);
  close (p[0]);
  ck_assert_str_eq (r.output, "x y/unset//\nfrom stdin");
  ck_assert_ptr_nonnull (getenv ("HOME"));      /* ours is untouched */
  free (r.output);
}
END_TEST

static int
child_fn (void *arg)
{
  return *(int *) arg;
}

START_TEST (spawn_fn_and_wait)
{
  int v = 42;
  struct gd_spawn s = { .fn = child_fn, .arg = &v };
  struct gd_child c;

  ck_assert_int_eq (gd_child_spawn (&s, &c), 0);
  ck_assert_int_gt (c.pid, 0);
  ck_assert_int_eq (gd_child_wait (&c, 10000, NULL), 0);
  ck_assert (c.reaped);
  ck_assert (WIFEXITED (c.status) && WEXITSTATUS (c.status) == 42);
  gd_child_kill (&c, 1000);
  gd_child_kill (&c, 1000);
  assert_no_children ();
}
END_TEST

/* A long-lived child: its own group, a kept fd, a wait that times out
 * without killing it, then the kill.
 */
START_TEST (spawn_long_lived)
{
  int p[2], fds;
  char fdarg[64], buf[16] = "";
  char *argv[] = { "sh", "-c", fdarg, NULL };
  struct gd_spawn s = { .argv = argv, .flags = GD_SPAWN_OUT_PIPE,
                        .keep_fds = p + 1, .nkeep = 1 };
  struct gd_child c;

  ck_assert_int_eq (pipe2 (p, O_CLOEXEC), 0);
  fds = count_fds ();
  snprintf (fdarg, sizeof fdarg, "echo kept >&%d; echo out; exec sleep 30",
            p[1]);
  ck_assert_int_eq (gd_child_spawn (&s, &c), 0);
  ck_assert_int_eq (getpgid (c.pid), c.pid);
  ck_assert_int_eq (read (p[0], buf, 5), 5);
  ck_assert_int_eq (memcmp (buf, "kept\n", 5), 0);
  ck_assert_int_eq (read (c.out_fd, buf, 4), 4);
  ck_assert_int_eq (memcmp (buf, "out\n", 4), 0);
  ck_assert_int_eq (gd_child_wait (&c, 200, NULL), -1);
  ck_assert_int_eq (errno, ETIMEDOUT);
  ck_assert_int_eq (kill (c.pid, 0), 0);
  gd_child_kill (&c, 5000);
  ck_assert (c.reaped);
  ck_assert (WIFSIGNALED (c.status) && WTERMSIG (c.status) == SIGKILL);
  ck_assert_int_eq (c.out_fd, -1);
  close (p[0]);
  close (p[1]);
  ck_assert_int_eq (count_fds (), fds - 2);
  assert_no_children ();
}
END_TEST

/* stderr apart from stdout: to /dev/null, or left as ours. */
START_TEST (spawn_stderr)
{
  char *argv[] = { "sh", "-c", "echo out; echo err >&2", NULL };
  struct gd_spawn s = { .argv = argv,
                        .flags = GD_SPAWN_OUT_PIPE | GD_SPAWN_STDERR_NULL };
  struct gd_child c;
  char buf[64];
  int p[2], saved;
  ssize_t n;

  ck_assert_int_eq (gd_child_spawn (&s, &c), 0);
  n = read (c.out_fd, buf, sizeof buf);
  ck_assert_int_eq (n, 4);
  ck_assert_int_eq (read (c.out_fd, buf, sizeof buf), 0);
  ck_assert_int_eq (gd_child_wait (&c, 10000, NULL), 0);
  gd_child_kill (&c, 0);

  /* STDERR_INHERIT: err reaches our stderr (a pipe here). */
  ck_assert_int_eq (pipe (p), 0);
  saved = dup (2);
  dup2 (p[1], 2);
  close (p[1]);
  s.flags = GD_SPAWN_OUT_PIPE | GD_SPAWN_STDERR_INHERIT;
  ck_assert_int_eq (gd_child_spawn (&s, &c), 0);
  dup2 (saved, 2);
  close (saved);
  ck_assert_int_eq (read (c.out_fd, buf, sizeof buf), 4);
  ck_assert_int_eq (gd_child_wait (&c, 10000, NULL), 0);
  gd_child_kill (&c, 0);
  ck_assert_int_eq (read (p[0], buf, sizeof buf), 4);
  ck_assert_int_eq (memcmp (buf, "err\n", 4), 0);
  close (p[0]);
  assert_no_children ();
}
END_TEST

/* The program gets fds 0, 1, 2 and what we had open without CLOEXEC:
 * nothing of the set-up (its /dev/null, the exec-error pipe).
 */
START_TEST (spawn_no_stray_fds)
{
  char *argv[] = { "sh", "-c", "for f in /proc/self/fd/*; do n=${f##*/}; "
                   "[ \"$n\" -gt 2 ] && [ -e \"$f\" ] && printf '%s ' \"$n\"; "
                   "done; echo", NULL };
  struct gd_run_opts o = { .spawn = { .argv = argv }, .timeout_ms = 10000 };
  struct gd_run_result r;
  char want[4096] = "", *got;
  size_t n = 0;
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;

  /* Ours, in the order the shell's glob sorts them (as strings). */
  {
    char *names[256];
    size_t k = 0;
    while ((e = readdir (d)) != NULL && k < 256) {
      int fd = atoi (e->d_name);
      if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd (d) ||
          (fcntl (fd, F_GETFD) & FD_CLOEXEC))
        continue;
      names[k++] = strdup (e->d_name);
    }
    closedir (d);
    qsort (names, k, sizeof names[0], cmp_names);
    for (size_t i = 0; i < k; i++) {
      n += (size_t) snprintf (want + n, sizeof want - n, "%s ", names[i]);
      free (names[i]);
    }
    snprintf (want + n, sizeof want - n, "\n");
  }
  ck_assert_int_eq (gd_run_ex (&o, &r), 0);
  got = r.output;
  ck_assert_str_eq (got, want);
  free (r.output);
}
END_TEST

START_TEST (run_step)
{
  char *ok[] = { "true", NULL };
  char *bad[] = { "sh", "-c", "echo first; echo why >&2; exit 4", NULL };

  ck_assert_int_eq (gd_run_step (ok, NULL, 10000, "never %s", "shown"), 0);
  ck_assert_int_eq (gd_run_step (bad, NULL, 10000, "step %d", 7), -1);
  ck_assert_str_eq (gd_get_error (), "step 7: exit 4: first\nwhy");
  assert_no_children ();
}
END_TEST

START_TEST (argv_to_string)
{
  char *argv[] = { "qemu", "-append", "a b", "it's", "", NULL };
  char *s = gd_argv_to_string (argv);

  ck_assert_str_eq (s, "qemu -append 'a b' 'it'\\''s' ''");
  free (s);
}
END_TEST

int
main (void)
{
  TCase *tc = tcase_create ("all");

  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, run_status_and_output);
  tcase_add_test (tc, run_signal);
  tcase_add_test (tc, run_missing_program);
  tcase_add_test (tc, run_deadline_kills_group);
  tcase_add_test (tc, run_interrupt_and_pgid);
  tcase_add_test (tc, run_tail_kept);
  tcase_add_test (tc, run_env_stdin_cwd);
  tcase_add_test (tc, spawn_fn_and_wait);
  tcase_add_test (tc, spawn_long_lived);
  tcase_add_test (tc, spawn_stderr);
  tcase_add_test (tc, spawn_no_stray_fds);
  tcase_add_test (tc, run_step);
  tcase_add_test (tc, argv_to_string);
  return unit_run ("common-run", tc);
}
