/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running Debian's 6.1 linux.uml on hosts with a large XSAVE area
 * (AVX-512, AMX).  UML saves and restores each guest process's FPU state
 * with PTRACE_{GET,SET}REGSET NT_X86_XSTATE using a buffer of its
 * compile-time size; the host kernel only accepts a SETREGSET of its full xstate
 * size, so the first guest process dies with "ptrace set fp regs failed,
 * errno = 14" (EFAULT) and init panics.  Seen on a host with AVX-512 and
 * AMX (host kernel 6.18).
 *
 * Way round, found here: a seccomp filter in UML's process makes those two
 * requests fail with EIO, so UML's start-up probe finds no xstate support
 * and uses PTRACE_{GET,SET}FPREGS (the 512-byte FXSAVE image) instead;
 * and the guest's glibc is told not to use AVX or XSAVE
 * (GLIBC_TUNABLES on the kernel command line reaches init's environment),
 * because the state above the FXSAVE image is no longer carried across
 * UML's context switches: without that, guestfsd's own strings came out
 * empty or truncated (device names translated to "/dev/disk/by-path").
 */
#include <cpuid.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include "uml-xstate.h"

#define NT_X86_XSTATE_NR 0x202
/* The XSAVE area of an AVX-512 host (with PKRU): the size Debian's
 * linux.uml was built with (kernel/README.md); AMX (11008 bytes) breaks it.
 */
#define UML_XSTATE_MAX 2696

bool
uml_xstate_needs_fxsr (void)
{
  unsigned a, b, c, d;

  if (!__get_cpuid_count (0xd, 0, &a, &b, &c, &d))
    return false;
  /* ECX: the area for every feature the CPU supports, as the host
   * kernel's ptrace regset size does.
   */
  return c > UML_XSTATE_MAX;
}

void
uml_xstate_child_filter (void)
{
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
              offsetof (struct seccomp_data, args[0])),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PTRACE_GETREGSET, 1, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PTRACE_SETREGSET, 0, 3),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
              offsetof (struct seccomp_data, args[2])),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NT_X86_XSTATE_NR, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EIO),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };

  /* In the forked child, before exec: a failure leaves UML as it is (it
   * then fails the way it would have anyway, with its own message).
   */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
    prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
