/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one clock every layer stamps its events with: CLOCK_MONOTONIC in
 * nanoseconds.  The trace layer converts to microseconds relative to the
 * run's origin (gd_clock_origin).
 */
#ifndef GUESTDRV_CLOCK_H
#define GUESTDRV_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
gd_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

/* Time origin of this process's run: set once by gd_clock_init. */
extern uint64_t gd_clock_origin;
void gd_clock_init (void);

#ifndef likely
#define likely(x)   __builtin_expect (!!(x), 1)
#define unlikely(x) __builtin_expect (!!(x), 0)
#endif

#endif
