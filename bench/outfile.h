/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The result files of a benchmark (results.*, chart.*): their paths in
 * the output directory, and creating and closing them so that a write
 * that did not reach the file is an error.  WHO prefixes the messages
 * ("bench", "chart").
 */
#ifndef GUESTDRV_BENCH_OUTFILE_H
#define GUESTDRV_BENCH_OUTFILE_H

#include <stdio.h>

/* DIR/NAME (malloc'd), or NULL with the error set. */
char *outfile_path (const char *who, const char *dir, const char *name);
/* PATH created or truncated for writing, or NULL with the error set. */
FILE *outfile_create (const char *who, const char *path);
/* Close FP; -1 with the error set if a write or the close failed. */
int outfile_close (const char *who, FILE *fp, const char *path);

#endif
