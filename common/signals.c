/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stop signals of a long-running command (see signals.h). */
#include <signal.h>
#include <string.h>

#include "signals.h"

void
gd_signals_catch (void (*handler) (int))
{
  static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
    sigaction (stop[i], &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
}
