/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debian's 6.1 UML on hosts with AVX-512/AMX (uml-xstate.c). */
#ifndef GUESTDRV_UML_XSTATE_H
#define GUESTDRV_UML_XSTATE_H

#include <stdbool.h>

/* Keeps the guest's glibc off AVX and XSAVE (kernel command line). */
#define UML_XSTATE_GLIBC_TUNABLES \
  "GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL," \
  "-AVX512BW,-AVX512DQ,-AVX512CD,-FMA,-F16C,-AVX_VNNI,-SSE4_2,-SSE4_1," \
  "-SSSE3,-BMI1,-BMI2,-LZCNT,-MOVBE,-POPCNT,-ERMS,-FSRM,-XSAVE,-XSAVEC,-RTM"

/* True when the host's XSAVE area is larger than UML 6.1 handles. */
bool uml_xstate_needs_fxsr (void);
/* In UML's child before exec: make NT_X86_XSTATE ptrace requests fail. */
void uml_xstate_child_filter (void);

#endif
