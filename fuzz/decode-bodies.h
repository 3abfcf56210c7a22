/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every return-value decoder on one reply, shared by the fuzz targets
 * that get replies (fuzz-reply: a decoded frame; fuzz-stack: a call's).
 */
#ifndef GUESTDRV_FUZZ_DECODE_BODIES_H
#define GUESTDRV_FUZZ_DECODE_BODIES_H

#include "protocol/proto-internal.h"

void fuzz_decode_bodies (const struct proto_reply *r);

#endif
