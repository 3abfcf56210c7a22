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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "../common/clock.h"
#include "../common/error.h"

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

int
kvm_probe (int timeout_ms, char *why, size_t whylen)
{
  int pfd[2], status;
  pid_t pid;
  uint64_t t0 = gd_now_ns ();
  ssize_t n;
  struct pollfd p;

  const char *force = getenv ("GUESTDRV_KVM_PROBE");

  snprintf (why, whylen, "unknown");
  if (force && (strcmp (force, "pass") == 0 || strcmp (force, "fail") == 0)) {
    snprintf (why, whylen, "GUESTDRV_KVM_PROBE=%s", force);
    return force[0] == 'p';
  }
  if (access ("/dev/kvm", F_OK) == -1) {
    snprintf (why, whylen, "/dev/kvm does not exist");
    return 0;
  }
  if (pipe2 (pfd, O_CLOEXEC) == -1) {
    snprintf (why, whylen, "pipe: %m");
    return 0;
  }
  pid = fork ();
  if (pid == -1) {
    snprintf (why, whylen, "fork: %m");
    close (pfd[0]); close (pfd[1]);
    return 0;
  }
  if (pid == 0) {
    close (pfd[0]);
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    _exit (probe_child (pfd[1]));
  }
  close (pfd[1]);

  /* The pipe closes when the child exits (or is killed). */
  p.fd = pfd[0];
  p.events = POLLIN;
  for (;;) {
    int64_t left = timeout_ms - (int64_t) (gd_now_ns () - t0) / 1000000;
    int r;
    if (left <= 0) {
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      close (pfd[0]);
      snprintf (why, whylen,
                "/dev/kvm exists but a vCPU did not run within %d ms "
                "(nested virtualization without KVM support?)", timeout_ms);
      return 0;
    }
    r = poll (&p, 1, (int) left);
    if (r == -1 && errno == EINTR)
      continue;
    if (r != 0)
      break;
  }
  n = read (pfd[0], why, whylen - 1);
  close (pfd[0]);
  waitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0) {
    snprintf (why, whylen, "a vCPU ran the probe's code in %.1f ms",
              (gd_now_ns () - t0) / 1e6);
    return 1;
  }
  if (n > 0)
    why[n] = '\0';
  else
    snprintf (why, whylen, "KVM probe failed (status 0x%x)", status);
  return 0;
}
