/* One cut of the crash campaign read on the host, without guestdrv: the
 * image left by the cut gets its journal replayed (what the next mount
 * would do: e2fsck -E journal_only), then e2fsck -fn must find nothing,
 * then debugfs dumps the round's files and campaign-workload.c checks
 * them against what the acknowledged steps promised.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "campaign.h"
#include "harness.h"
#include "../common/debug.h"
#include "../common/error.h"

/* Big enough for every file of a round; a bigger one is damage. */
#define FILE_MAX (1024 * 1024)

int
camp_image_make (const char *img)
{
  /* 4 KiB blocks: the guest's writes then map onto whole blocks; the
   * journal is created up front so no lazy init writes race the cuts.
   */
  char *argv[] = { (char *) "mkfs.ext4", (char *) "-q", (char *) "-F",
                   (char *) "-b", (char *) "4096", (char *) "-E",
                   (char *) "lazy_itable_init=0,lazy_journal_init=0",
                   (char *) img, (char *) "64M", NULL };
  char *out = NULL;
  int r = harness_run_tool (argv, &out);

  if (r > 0)
    gd_set_error ("mkfs.ext4 %s: status %d: %s", img, r, out ? out : "");
  free (out);
  return r == 0 ? 0 : -1;
}

static int
read_small (const char *path, char **data, size_t *len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  ssize_t n;

  *data = NULL;
  *len = 0;
  if (fd == -1)
    return errno == ENOENT ? 0 : -1;
  if (fstat (fd, &st) == -1 || st.st_size > FILE_MAX) {
    close (fd);
    return -1;
  }
  *data = malloc ((size_t) st.st_size + 1);
  if (!*data) {
    close (fd);
    return -1;
  }
  n = read (fd, *data, (size_t) st.st_size);
  close (fd);
  if (n != st.st_size) {
    free (*data);
    *data = NULL;
    return -1;
  }
  *len = (size_t) n;
  return 0;
}

/* debugfs dumps /rN/FILE of IMG into DIR/FILE for each file of a round;
 * a file that is not in the image is simply not dumped.
 */
static int
dump_round (const char *img, const char *dir, const struct camp_round *rd)
{
  char cmds[PATH_MAX + 16], out[PATH_MAX + 32];
  char *argv[] = { (char *) "debugfs", (char *) "-f", cmds, (char *) img,
                   NULL };
  char *o = NULL;
  FILE *f;
  int r;

  snprintf (cmds, sizeof cmds, "%s/cmds", dir);
  f = fopen (cmds, "w");
  if (!f) {
    gd_set_error_errno ("%s", cmds);
    return -1;
  }
  for (int i = 0; i < CF_NFILES; i++) {
    snprintf (out, sizeof out, "%s/%s", dir, camp_file_names[i]);
    unlink (out);
    fprintf (f, "dump /r%u/%s %s\n", rd->index, camp_file_names[i], out);
  }
  if (fclose (f) != 0) {
    gd_set_error_errno ("%s", cmds);
    return -1;
  }
  r = harness_run_tool (argv, &o);
  free (o);
  return r == -1 ? -1 : 0;
}

int
camp_check_cut (const char *img, const char *workdir,
                const struct camp_round *rd, struct camp_cut_result *r)
{
  char *replay[] = { (char *) "e2fsck", (char *) "-E",
                     (char *) "journal_only", (char *) "-y", (char *) img,
                     NULL };
  char *check[] = { (char *) "e2fsck", (char *) "-fn", (char *) img, NULL };
  struct camp_files files;
  char path[PATH_MAX + 32], *out = NULL;
  int st;

  memset (&files, 0, sizeof files);

  /* 0-2: replayed (or nothing to replay); 4 and up: e2fsck could not. */
  st = harness_run_tool (replay, &out);
  if (st == -1) {
    free (out);
    return -1;
  }
  if (st >= 4) {
    r->fsck_status = st;
    snprintf (r->detail, sizeof r->detail, "journal replay: status %d", st);
    gd_debug ("campaign", "cut %llu: e2fsck -E journal_only: %s",
              (unsigned long long) r->op, out ? out : "");
  }
  free (out);
  out = NULL;
  if (st < 4) {
    r->fsck_status = harness_run_tool (check, &out);
    if (r->fsck_status == -1) {
      free (out);
      return -1;
    }
    if (r->fsck_status != 0) {
      char *nl = out ? strchr (out, '\n') : NULL;
      gd_debug ("campaign", "cut %llu: e2fsck -fn: %s",
                (unsigned long long) r->op, out ? out : "");
      /* The first line after e2fsck's banner says what it found. */
      snprintf (r->detail, sizeof r->detail, "e2fsck -fn status %d: %.150s",
                r->fsck_status, nl ? nl + 1 : "");
      for (char *p = r->detail; *p; p++)
        if (*p == '\n')
          *p = ' ';
    }
    free (out);
  }
  if (dump_round (img, workdir, rd) == -1)
    return -1;
  for (int i = 0; i < CF_NFILES; i++) {
    snprintf (path, sizeof path, "%s/%s", workdir, camp_file_names[i]);
    if (read_small (path, &files.data[i], &files.len[i]) == -1) {
      /* Unreadable or huge: counted as absent, which the checks judge. */
      gd_debug ("campaign", "cut %llu: %s unreadable",
                (unsigned long long) r->op, path);
    }
    unlink (path);
  }
  camp_check_promises (rd, &files, r);
  for (int i = 0; i < CF_NFILES; i++)
    free (files.data[i]);
  return 0;
}
