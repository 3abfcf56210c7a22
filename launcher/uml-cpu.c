/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UML on one host CPU.
 *
 * UML runs each guest process as a host process it drives with ptrace:
 * every guest system call and page fault is a stop of that process and a
 * wake-up of UML's kernel process, and back.  Left to the host scheduler
 * the two often sit on different CPUs, and every such switch is then a
 * cross-CPU wake-up (an IPI, a VM exit when the host is itself a VM).
 * UML is uniprocessor: it never runs beside its guest processes, so one
 * CPU costs it no parallelism.  Measured on a 2-vCPU VM (docs/startup.md):
 * the whole ping-daemon process 2.5 s -> 1.6 s and UML's CPU time 1.7 s
 * -> 1.0 s (medians of 9 interleaved pairs), a 256 MiB upload 7.9 s ->
 * 4.8 s.  The CPU is the one the child happens to run on, inside the
 * affinity mask it inherited; UML's helper threads and the guest's
 * processes inherit the pin.  The price: the host cannot move UML away
 * from a CPU that another busy process shares (those runs had a load of
 * 3-6 on 2 CPUs and still gained); GUESTDRV_UML_PIN=0 turns it off.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "uml-cpu.h"
#include "uml-xstate.h"

void
uml_cpu_child_pin (void)
{
  const char *e = getenv ("GUESTDRV_UML_PIN");
  int cpu = sched_getcpu ();
  cpu_set_t set;

  if ((e && strcmp (e, "0") == 0) || cpu < 0)
    return;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  /* Best effort: unpinned, UML only runs slower. */
  (void) sched_setaffinity (0, sizeof set, &set);
}

void
uml_cpu_child_pin_fxsr (void)
{
  uml_cpu_child_pin ();
  uml_xstate_child_filter ();
}
