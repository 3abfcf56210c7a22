/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verbose debug output, gated by one test so hot paths pay nothing. */
#ifndef GUESTDRV_DEBUG_H
#define GUESTDRV_DEBUG_H

#include "clock.h"

extern int gd_verbose;          /* -v */

void gd_debug_print (const char *layer, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

#define gd_debug(layer, fmt, ...)                                  \
  do {                                                             \
    if (unlikely (gd_verbose))                                     \
      gd_debug_print ((layer), (fmt), ##__VA_ARGS__);              \
  } while (0)

#endif
