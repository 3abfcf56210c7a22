/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Procedure argument signatures for the protocol tests. */
#ifndef GUESTDRV_TEST_PROTO_SIGS_H
#define GUESTDRV_TEST_PROTO_SIGS_H

#include <stdint.h>

struct test_proc_sig {
  uint32_t proc;
  const char *args;             /* one code per required argument */
  const char *optargs;          /* one code per optional argument */
};

extern const struct test_proc_sig test_proc_sigs[];
const struct test_proc_sig *test_proc_sig (uint32_t proc);

#endif
