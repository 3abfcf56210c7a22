/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bounded probe that proves a KVM vCPU really runs.
 *
 * /dev/kvm can exist and open while KVM_RUN never returns (nested
 * virtualization without support: qemu then hangs, or aborts with -cpu
 * host).  So we do not trust the device node: a child process creates a
 * VM with one page of real-mode code ("mov $42,%al; out %al,$0x10; hlt")
 * and runs it.  Only if KVM_RUN comes back with that I/O exit within the
 * deadline is KVM usable.  The child is killed when the deadline passes,
 * so the probe never hangs.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "../common/clock.h"
#include "../common/error.h"
#include "../common/run.h"

static const unsigned char guest_code[] = {
  0xb0, 0x2a,                   /* mov $42, %al */
  0xe6, 0x10,                   /* out %al, $0x10 */
  0xf4,                         /* hlt */
};

/* Runs in the child: 0 = the vCPU ran our code, else a message on WFD. */
static int
probe_child (int wfd)
{
  int kvm, vm, vcpu, size;
  void *mem;
  struct kvm_run *run;
  struct kvm_sregs sregs;
  struct kvm_regs regs = { .rip = 0x1000, .rax = 0, .rflags = 0x2 };
  struct kvm_userspace_memory_region region = {
    .slot = 0, .guest_phys_addr = 0x1000, .memory_size = 0x1000,
  };

#define FAIL(what) do { dprintf (wfd, "%s: %m", what); return 1; } while (0)
  if ((kvm = open ("/dev/kvm", O_RDWR | O_CLOEXEC)) == -1)
    FAIL ("/dev/kvm");
  if (ioctl (kvm, KVM_GET_API_VERSION, 0) != 12) {
    dprintf (wfd, "unexpected KVM API version");
    return 1;
  }
  if ((vm = ioctl (kvm, KVM_CREATE_VM, 0)) == -1)
    FAIL ("KVM_CREATE_VM");
  mem = mmap (NULL, 0x1000, PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    FAIL ("mmap");
  memcpy (mem, guest_code, sizeof guest_code);
  region.userspace_addr = (uintptr_t) mem;
  if (ioctl (vm, KVM_SET_USER_MEMORY_REGION, &region) == -1)
    FAIL ("KVM_SET_USER_MEMORY_REGION");
  if ((vcpu = ioctl (vm, KVM_CREATE_VCPU, 0)) == -1)
    FAIL ("KVM_CREATE_VCPU");
  if ((size = ioctl (kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0)
    FAIL ("KVM_GET_VCPU_MMAP_SIZE");
  run = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run == MAP_FAILED)
    FAIL ("mmap vcpu");
  if (ioctl (vcpu, KVM_GET_SREGS, &sregs) == -1)
    FAIL ("KVM_GET_SREGS");
  sregs.cs.base = 0;
  sregs.cs.selector = 0;
  if (ioctl (vcpu, KVM_SET_SREGS, &sregs) == -1)
    FAIL ("KVM_SET_SREGS");
  if (ioctl (vcpu, KVM_SET_REGS, &regs) == -1)
    FAIL ("KVM_SET_REGS");
  if (ioctl (vcpu, KVM_RUN, 0) == -1)
    FAIL ("KVM_RUN");
  if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x10 ||
      *((unsigned char *) run + run->io.data_offset) != 42) {
    dprintf (wfd, "KVM_RUN exited with reason %u instead of the probe's I/O",
             run->exit_reason);
    return 1;
  }
  return 0;
#undef FAIL
}

/* The child's side: its message goes to stdout, which is captured. */
static int
probe_main (void *arg)
{
  (void) arg;
  return probe_child (1);
}

int
kvm_probe (int timeout_ms, char *why, size_t whylen)
{
  struct gd_run_opts o = {
    .spawn = { .fn = probe_main },
    .timeout_ms = timeout_ms,
    .output_max = 1024,
  };
  struct gd_run_result r;
  uint64_t t0 = gd_now_ns ();
  const char *force = getenv ("GUESTDRV_KVM_PROBE");
  int ok;

  snprintf (why, whylen, "unknown");
  if (force && (strcmp (force, "pass") == 0 || strcmp (force, "fail") == 0)) {
    snprintf (why, whylen, "GUESTDRV_KVM_PROBE=%s", force);
    return force[0] == 'p';
  }
  if (access ("/dev/kvm", F_OK) == -1) {
    snprintf (why, whylen, "/dev/kvm does not exist");
    return 0;
  }
  /* The probe ends when the child exits (or is killed at the deadline). */
  if (gd_run_ex (&o, &r) == -1) {
    if (r.timed_out)
      snprintf (why, whylen,
                "/dev/kvm exists but a vCPU did not run within %d ms "
                "(nested virtualization without KVM support?)", timeout_ms);
    else
      snprintf (why, whylen, "%s", gd_get_error ());
    free (r.output);
    return 0;
  }
  ok = WIFEXITED (r.status) && WEXITSTATUS (r.status) == 0;
  if (ok)
    snprintf (why, whylen, "a vCPU ran the probe's code in %.1f ms",
              (gd_now_ns () - t0) / 1e6);
  else if (r.output && r.output[0])
    snprintf (why, whylen, "%s", r.output);
  else
    snprintf (why, whylen, "KVM probe failed (status 0x%x)", r.status);
  free (r.output);
  return ok;
}
