/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process-wide time origin. */
#include "clock.h"

uint64_t gd_clock_origin;

void
gd_clock_init (void)
{
  if (gd_clock_origin == 0)
    gd_clock_origin = gd_now_ns ();
}
