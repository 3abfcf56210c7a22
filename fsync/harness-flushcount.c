/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Method 1, flush accounting, independent of the FUSE model: strace
 * attached to the running hypervisor records every fsync, fdatasync,
 * sync_file_range, syncfs, sync and (re)open of the image, stamped with
 * the wall clock; the harness's phase marks split them into "before",
 * "while the guest fsyncs", "while the guest writes without sync" and
 * "after".  The image's open modes (O_DIRECT, O_DSYNC, O_SYNC) come from
 * /proc/PID/fdinfo, since the image was opened before we could attach.
 *
 * qemu is traced with -f (all its threads, and the thread pool's later
 * ones).  UML ptraces its own userspace processes, so -f would break it:
 * there every process of the group not already traced is attached alone
 * (the kernel process and its I/O helper threads are ours to trace).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../common/debug.h"
#include "../common/error.h"
#include "../common/run.h"

#define ATTACH_TIMEOUT_MS 10000
#define ATTACH_SETTLE_MS 500
#define TRACER_EXIT_MS 10000
#define MAX_PIDS 64

struct flushcount {
  struct fc_result res;
  char image[PATH_MAX];
  char out[PATH_MAX], err[PATH_MAX];
  struct gd_child tracer;              /* strace; pid -1 when none */
  double marks[FC_NPHASES];            /* start of each phase, epoch s */
};

static double
wall_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool
have_strace (void)
{
  const char *path = getenv ("PATH");
  char *copy, *dir, *save = NULL;
  bool found = false;

  if (!path)
    path = "/usr/bin:/bin";
  copy = strdup (path);
  for (dir = copy ? strtok_r (copy, ":", &save) : NULL; dir && !found;
       dir = strtok_r (NULL, ":", &save)) {
    char p[PATH_MAX];
    snprintf (p, sizeof p, "%s/strace", dir);
    found = access (p, X_OK) == 0;
  }
  free (copy);
  return found;
}

/* A /proc/PID/status field, or -1. */
static long
status_field (pid_t pid, const char *key)
{
  char path[64], line[256];
  size_t klen = strlen (key);
  long v = -1;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  f = fopen (path, "re");
  if (!f)
    return -1;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, klen) == 0 && line[klen] == ':') {
      v = strtol (line + klen + 1, NULL, 10);
      break;
    }
  fclose (f);
  return v;
}

/* Processes (thread-group leaders) of process group PGID. */
static size_t
group_members (pid_t pgid, pid_t *out, size_t max)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  pid_t all[4096], parent[4096];
  size_t nall = 0, n = 0;
  bool grew = true;

  if (!d)
    return 0;
  /* The hypervisor's group, and every process descended from its
   * leader: a confined UML runs in a PID namespace under a supervisor
   * and makes itself the leader of a group of its own.
   */
  while ((e = readdir (d)) != NULL && nall < sizeof all / sizeof all[0]) {
    pid_t pid;
    if (!isdigit ((unsigned char) e->d_name[0]))
      continue;
    pid = atoi (e->d_name);
    all[nall] = pid;
    parent[nall++] = status_field (pid, "PPid");
  }
  closedir (d);
  for (size_t i = 0; i < nall && n < max; i++)
    if (all[i] == pgid || getpgid (all[i]) == pgid)
      out[n++] = all[i];
  while (grew) {
    grew = false;
    for (size_t i = 0; i < nall && n < max; i++) {
      bool have = false, child = false;
      for (size_t j = 0; j < n; j++) {
        have |= out[j] == all[i];
        child |= out[j] == parent[i];
      }
      if (child && !have) {
        out[n++] = all[i];
        grew = true;
      }
    }
  }
  return n;
}

static unsigned
count_tasks (pid_t pid)
{
  char path[64];
  DIR *d;
  struct dirent *e;
  unsigned n = 0;

  snprintf (path, sizeof path, "/proc/%d/task", (int) pid);
  d = opendir (path);
  if (!d)
    return 1;
  while ((e = readdir (d)) != NULL)
    if (isdigit ((unsigned char) e->d_name[0]))
      n++;
  closedir (d);
  return n;
}

/* O_DIRECT, O_DSYNC, O_SYNC of every fd of PID open on the image. */
static void
read_open_modes (struct flushcount *fc, pid_t pid)
{
  char dir[64];
  DIR *d;
  struct dirent *e;

  snprintf (dir, sizeof dir, "/proc/%d/fd", (int) pid);
  d = opendir (dir);
  if (!d)
    return;
  while ((e = readdir (d)) != NULL) {
    char link[PATH_MAX], target[PATH_MAX], info[PATH_MAX], line[128];
    ssize_t n;
    FILE *f;

    if (!isdigit ((unsigned char) e->d_name[0]))
      continue;
    snprintf (link, sizeof link, "%s/%s", dir, e->d_name);
    n = readlink (link, target, sizeof target - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    if (strcmp (target, fc->image) != 0)
      continue;
    fc->res.image_fds++;
    snprintf (info, sizeof info, "/proc/%d/fdinfo/%s", (int) pid, e->d_name);
    f = fopen (info, "re");
    if (!f)
      continue;
    while (fgets (line, sizeof line, f))
      if (strncmp (line, "flags:", 6) == 0) {
        unsigned long fl = strtoul (line + 6, NULL, 8);
        if (fl & O_DIRECT) fc->res.o_direct = true;
        if ((fl & O_SYNC) == O_SYNC) fc->res.o_sync = true;
        else if (fl & O_DSYNC) fc->res.o_dsync = true;
      }
    fclose (f);
  }
  closedir (d);
}

static unsigned
count_attached (const char *errfile)
{
  char line[512];
  unsigned n = 0;
  FILE *f = fopen (errfile, "re");

  if (!f)
    return 0;
  while (fgets (line, sizeof line, f))
    if (strstr (line, " attached"))
      n++;
  fclose (f);
  return n;
}

/* The processes of group PGID that strace will attach to (with
 * FOLLOW_THREADS only the leader, which brings its threads), and the
 * number of tasks it should report attached.  Reads the image's open
 * modes on the way.
 */
static size_t
fc_targets (struct flushcount *fc, pid_t pgid, bool follow_threads,
            pid_t *targets, unsigned *expect)
{
  pid_t pids[MAX_PIDS];
  size_t npids = group_members (pgid, pids, MAX_PIDS), n = 0;

  *expect = 0;
  for (size_t i = 0; i < npids; i++) {
    read_open_modes (fc, pids[i]);
    if (follow_threads && pids[i] != pgid)
      continue;
    if (status_field (pids[i], "TracerPid") > 0)
      continue;
    targets[n++] = pids[i];
    *expect += follow_threads ? count_tasks (pids[i]) : 1;
  }
  return n;
}

/* strace -p each target, its messages in fc->err.  -1 with res.why set. */
static int
fc_spawn_strace (struct flushcount *fc, const pid_t *targets, size_t n,
                 bool follow_threads)
{
  char *argv[32 + 2 * MAX_PIDS];
  char pidstr[MAX_PIDS][16];
  struct gd_spawn sp = { .argv = argv, .flags = GD_SPAWN_OUT_FD };
  int argc = 0, r;

  argv[argc++] = (char *) "strace";
  if (follow_threads)
    argv[argc++] = (char *) "-f";
  argv[argc++] = (char *) "-ttt";
  argv[argc++] = (char *) "-y";
  argv[argc++] = (char *) "-e";
  argv[argc++] = (char *) "trace=fsync,fdatasync,sync_file_range,syncfs,sync,open,openat,pwritev2";
  argv[argc++] = (char *) "-e";
  argv[argc++] = (char *) "signal=none";
  argv[argc++] = (char *) "-o";
  argv[argc++] = fc->out;
  for (size_t i = 0; i < n; i++) {
    snprintf (pidstr[i], sizeof pidstr[i], "%d", (int) targets[i]);
    argv[argc++] = (char *) "-p";
    argv[argc++] = pidstr[i];
  }
  argv[argc] = NULL;

  sp.out_fd = open (fc->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (sp.out_fd == -1) {
    snprintf (fc->res.why, sizeof fc->res.why, "%s: %m", fc->err);
    return -1;
  }
  r = gd_child_spawn (&sp, &fc->tracer);
  close (sp.out_fd);
  if (r == -1) {
    snprintf (fc->res.why, sizeof fc->res.why, "%s", gd_get_error ());
    fc->tracer.pid = -1;
    return -1;
  }
  return 0;
}

/* strace says "Process N attached" once per task it holds; threads of
 * qemu's pool may exit meanwhile, so a count that stands still for
 * ATTACH_SETTLE_MS will do too.
 */
static void
fc_wait_attached (struct flushcount *fc, unsigned expect)
{
  for (int waited = 0, stable = 0, last = -1; waited < ATTACH_TIMEOUT_MS;
       waited += 50) {
    unsigned n;
    if (gd_child_wait (&fc->tracer, 0, NULL) == 0) {
      gd_child_kill (&fc->tracer, 0);
      fc->tracer.pid = -1;
      snprintf (fc->res.why, sizeof fc->res.why,
                "strace could not attach (see %s)", fc->err);
      return;
    }
    n = count_attached (fc->err);
    stable = (int) n == last ? stable + 50 : 0;
    last = (int) n;
    if (n >= expect || (n > 0 && stable >= ATTACH_SETTLE_MS)) {
      fc->res.available = true;
      gd_debug ("fsync", "strace attached to %u task(s) of %u", n, expect);
      return;
    }
    if (harness_interrupted)
      break;
    usleep (50000);
  }
  snprintf (fc->res.why, sizeof fc->res.why,
            "strace did not attach within %d s", ATTACH_TIMEOUT_MS / 1000);
}

struct flushcount *
flushcount_start (pid_t pgid, const char *image, const char *dir,
                  bool follow_threads)
{
  struct flushcount *fc = calloc (1, sizeof *fc);
  pid_t targets[MAX_PIDS];
  size_t ntargets;
  unsigned expect;

  if (!fc)
    return NULL;
  fc->tracer.pid = -1;
  snprintf (fc->image, sizeof fc->image, "%s", image);
  snprintf (fc->out, sizeof fc->out, "%s/strace.out", dir);
  snprintf (fc->err, sizeof fc->err, "%s/strace.err", dir);
  snprintf (fc->res.method, sizeof fc->res.method, "strace -p");
  for (int i = 0; i < FC_NPHASES; i++)
    fc->marks[i] = -1;

  ntargets = fc_targets (fc, pgid, follow_threads, targets, &expect);
  if (!have_strace ())
    snprintf (fc->res.why, sizeof fc->res.why,
              "strace is not installed (apt-get install strace)");
  else if (ntargets == 0)
    snprintf (fc->res.why, sizeof fc->res.why,
              "no untraced hypervisor process to attach to");
  else if (fc_spawn_strace (fc, targets, ntargets, follow_threads) == 0)
    fc_wait_attached (fc, expect);
  return fc;
}

void
flushcount_mark (struct flushcount *fc, int phase)
{
  if (fc && phase >= 0 && phase < FC_NPHASES)
    fc->marks[phase] = wall_now ();
}

static int
phase_of (const double marks[FC_NPHASES], double t)
{
  int p = FC_PHASE_BEFORE;
  for (int i = 1; i < FC_NPHASES; i++)
    if (marks[i] >= 0 && t >= marks[i])
      p = i;
  return p;
}

/* Whether the first argument of a call ends with TAG (an fd that -y
 * decorated with the image's path); an unfinished call ends it with
 * " <unfinished ...>".  Our paths hold no ',', ')' or space.
 */
static bool
first_arg_is (const char *args, const char *tag)
{
  size_t n = strcspn (args, ",) \n"), tlen = strlen (tag);
  return n >= tlen && memcmp (args + n - tlen, tag, tlen) == 0;
}

/* One strace line: "PID SECS.USEC name(args) = ret", or without PID. */
static void
parse_line (struct fc_result *res, const double marks[FC_NPHASES],
            const char *line, const char *fdtag, const char *pathtag)
{
  const char *p = line, *name, *paren;
  char *end;
  double t;
  struct fc_phase *ph;
  size_t nlen;
  bool on_image;

  while (isdigit ((unsigned char) *p))
    p++;
  if (p > line && *p == ' ')
    p++;                              /* the pid column (several tasks) */
  else
    p = line;
  t = strtod (p, &end);
  if (end == p || *end != ' ')
    return;
  name = end + 1;
  if (strncmp (name, "<...", 4) == 0)
    return;                           /* a resumed call, counted at its start */
  paren = strchr (name, '(');
  if (!paren)
    return;
  nlen = paren - name;
  ph = &res->phase[phase_of (marks, t)];
  on_image = first_arg_is (paren + 1, fdtag);
#define IS(s) (nlen == strlen (s) && strncmp (name, s, nlen) == 0)
  if (IS ("sync"))
    ph->syncs++;
  else if (IS ("syncfs"))
    ph->syncfs++;
  else if (IS ("fsync") && on_image)
    ph->fsyncs++;
  else if (IS ("fdatasync") && on_image)
    ph->fdatasyncs++;
  else if (IS ("sync_file_range") && on_image)
    ph->sync_file_ranges++;
  else if (IS ("pwritev2") && on_image && strstr (paren, "RWF_DSYNC"))
    ph->dsync_writes++;
  else if ((IS ("open") || IS ("openat")) && strstr (paren, pathtag)) {
    ph->opens++;
    if (strstr (paren, "O_DIRECT")) res->o_direct = true;
    if (strstr (paren, "O_SYNC")) res->o_sync = true;
    else if (strstr (paren, "O_DSYNC")) res->o_dsync = true;
  }
#undef IS
}

int
flushcount_parse (const char *path, const char *image,
                  const double marks[FC_NPHASES], struct fc_result *res)
{
  char fdtag[PATH_MAX + 4], pathtag[PATH_MAX + 4], line[4096];
  FILE *f = fopen (path, "re");

  if (!f) {
    gd_set_error_errno ("%s", path);
    return -1;
  }
  snprintf (fdtag, sizeof fdtag, "<%s>", image);
  snprintf (pathtag, sizeof pathtag, "\"%s\"", image);
  while (fgets (line, sizeof line, f))
    parse_line (res, marks, line, fdtag, pathtag);
  fclose (f);
  return 0;
}

void
flushcount_finish (struct flushcount *fc, struct fc_result *out)
{
  if (!fc) {
    memset (out, 0, sizeof *out);
    snprintf (out->why, sizeof out->why, "out of memory");
    return;
  }
  if (fc->tracer.pid > 0) {
    /* The tracees are dead: strace exits on its own; SIGINT detaches it
     * if anything is left, and SIGKILL ends it after TRACER_EXIT_MS.
     */
    if (gd_child_wait (&fc->tracer, 2000, NULL) == -1) {
      kill (fc->tracer.pid, SIGINT);
      gd_child_wait (&fc->tracer, TRACER_EXIT_MS - 2000, NULL);
    }
    gd_child_kill (&fc->tracer, TRACER_EXIT_MS);
    fc->tracer.pid = -1;
  }
  if (fc->res.available &&
      flushcount_parse (fc->out, fc->image, fc->marks, &fc->res) == -1) {
    fc->res.available = false;
    snprintf (fc->res.why, sizeof fc->res.why, "%s", gd_get_error ());
  }
  *out = fc->res;
  free (fc);
}
