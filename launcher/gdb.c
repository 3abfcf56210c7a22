/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --gdb: the debugger hooks a kernel engineer expects.  qemu gets a
 * gdbstub on a unix socket in the run's temp dir and starts with its vCPU
 * stopped (-S) until the debugger continues.  UML is a host process: the
 * debugger attaches to it by pid, and must let through the signals UML
 * runs on (SIGSEGV for its page faults, SIGIO for interrupts, SIGALRM for
 * the timer, SIGUSR1, SIGWINCH, SIGBUS, SIGCHLD from its ptraced
 * children; arch/um/os-Linux/signal.c).  The command is printed on stderr
 * with --gdb, and under -v always.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gdb.h"
#include "../common/debug.h"
#include "../common/run.h"

#define UML_GDB_HANDLE \
  "handle SIGSEGV SIGBUS SIGIO SIGALRM SIGUSR1 SIGWINCH SIGCHLD nostop noprint pass"

int
gdb_qemu_args (const struct launch_config *cfg, const char *tmpdir,
               struct args *a)
{
  int err = 0;

  if (!cfg->gdb)
    return 0;
  err |= args_add (a, "-chardev");
  err |= args_add (a, "socket,id=gdb0,path=%s/gdb.sock,server=on,wait=off",
                   tmpdir);
  err |= args_add (a, "-gdb");
  err |= args_add (a, "chardev:gdb0");
  err |= args_add (a, "-S");
  return err;
}

static void
say (const struct launch_config *cfg, const char *line)
{
  if (cfg->gdb)
    fprintf (stderr, "guestdrv: --gdb: %s\n", line);
  else
    gd_debug ("launcher", "gdb: %s", line);
}

void
gdb_announce (const struct launch_config *cfg, const struct hv *hv,
              const char *kernel)
{
  char target[400], pid[32], line[2048];
  char *cmd;

  if (!cfg->gdb && !gd_verbose)
    return;
  if (hv->backend == BACKEND_UML) {
    const char *argv[] = { "gdb", "-p", pid, "-ex", UML_GDB_HANDLE,
                           "-ex", "continue", kernel, NULL };
    snprintf (pid, sizeof pid, "%d", (int) hv->proc.pid);
    cmd = gd_argv_to_string ((char *const *) argv);
    snprintf (line, sizeof line, "UML kernel process %d; attach with: %s",
              (int) hv->proc.pid, cmd ? cmd : "(out of memory)");
  }
  else if (cfg->gdb) {
    const char *argv[] = { "gdb", "-ex", target, "VMLINUX", NULL };
    snprintf (target, sizeof target, "target remote unix::%s/gdb.sock", hv->tmpdir);
    cmd = gd_argv_to_string ((char *const *) argv);
    snprintf (line, sizeof line, "the guest is stopped until the debugger "
              "continues (launch timeout %d s); attach with: %s, then "
              "'continue' (VMLINUX: the kernel's image with symbols)",
              cfg->launch_timeout_ms / 1000, cmd ? cmd : "(out of memory)");
  }
  else
    return;
  say (cfg, line);
  free (cmd);
}
