/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Result files of a benchmark (see outfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "outfile.h"
#include "../common/error.h"

char *
outfile_path (const char *who, const char *dir, const char *name)
{
  char *p;

  if (asprintf (&p, "%s/%s", dir, name) == -1) {
    gd_set_error_errno ("%s: asprintf", who);
    return NULL;
  }
  return p;
}

FILE *
outfile_create (const char *who, const char *path)
{
  FILE *fp = fopen (path, "we");

  if (fp == NULL)
    gd_set_error_errno ("%s: cannot create %s", who, path);
  return fp;
}

int
outfile_close (const char *who, FILE *fp, const char *path)
{
  int err = ferror (fp);

  if (fclose (fp) == EOF || err) {
    if (err && errno == 0)
      errno = EIO;
    gd_set_error_errno ("%s: writing %s", who, path);
    return -1;
  }
  return 0;
}
