/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestfish -i: inspect the disks, then mount the one operating
 * system's filesystems where it mounts them itself, shortest mount
 * point first (so "/" comes before "/boot"), read-only under --ro.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

struct mp { char *dir, *dev; };

static int
cmp_mp (const void *a, const void *b)
{
  const struct mp *x = a, *y = b;
  size_t lx = strlen (x->dir), ly = strlen (y->dir);

  return lx != ly ? (lx < ly ? -1 : 1) : strcmp (x->dir, y->dir);
}

static int
string_list_call (struct cli *c, uint32_t proc, int argc, char **argv, char ***out)
{
  struct proto_reply rep = { 0 };
  int r = lib_call (c, proc, argc, argv, &rep);

  if (r == 0)
    r = proto_ret_string_list (&rep, out);
  proto_reply_free (&rep);
  return r;
}

int
cli_inspect_mount (struct cli *c)
{
  char *osv[] = { (char *) "inspect-os", NULL };
  char **roots = NULL, **pairs = NULL;
  struct mp *mps = NULL;
  size_t n = 0, nroots = 0;
  int r = -1, errors = 0;

  if (string_list_call (c, PROC_INSPECT_OS, 1, osv, &roots) == -1) {
    fprintf (stderr, "%s: error: inspect-os: %s\n", c->progname, gd_get_error_printable ());
    return -1;
  }
  while (roots[nroots])
    nroots++;
  if (nroots != 1) {
    fprintf (stderr, nroots == 0
             ? "%s: no operating system was found on this disk (remove -i and inspect it by hand)\n"
             : "%s: multi-boot operating systems are not supported by -i\n", c->progname);
    goto out;
  }
  {
    char *mpv[] = { (char *) "inspect-get-mountpoints", roots[0], NULL };
    if (string_list_call (c, PROC_INSPECT_GET_MOUNTPOINTS, 2, mpv, &pairs) == -1) {
      fprintf (stderr, "%s: error: inspect-get-mountpoints: %s\n", c->progname,
               gd_get_error_printable ());
      goto out;
    }
  }
  while (pairs[2 * n] && pairs[2 * n + 1])
    n++;
  if (!(mps = calloc (n + 1, sizeof *mps))) {
    fprintf (stderr, "%s: out of memory\n", c->progname);
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    mps[i] = (struct mp) { pairs[2 * i], pairs[2 * i + 1] };
  qsort (mps, n, sizeof *mps, cmp_mp);
  for (size_t i = 0; i < n; i++) {
    char *v[] = { (char *) (c->read_only ? "mount-ro" : "mount"), mps[i].dev, mps[i].dir, NULL };
    if (cli_run_command (c, 3, v) == -1) {
      /* Without "/" nothing else can be mounted: stop; others are skipped. */
      if (strcmp (mps[i].dir, "/") == 0)
        goto out;
      errors++;
    }
  }
  if (errors)
    fprintf (stderr, "%s: some filesystems could not be mounted (ignored)\n", c->progname);
  r = 0;
 out:
  free (mps);
  cli_free_words (roots);
  cli_free_words (pairs);
  return r;
}
