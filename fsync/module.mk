# SPDX-License-Identifier: GPL-2.0-or-later
# The fsync-test harness (guestdrv fsync-test), in libguestdrv.a; it runs
# lazyfs/guestdrv-lazyfs.
LIB_SRCS += fsync/harness.c
LIB_SRCS += fsync/harness-case.c
LIB_SRCS += fsync/harness-image.c
LIB_SRCS += fsync/harness-lazyfs.c
LIB_SRCS += fsync/harness-flushcount.c
LIB_SRCS += fsync/harness-report.c
LIB_SRCS += fsync/campaign.c
LIB_SRCS += fsync/campaign-options.c
LIB_SRCS += fsync/campaign-workload.c
LIB_SRCS += fsync/campaign-check.c
LIB_SRCS += fsync/campaign-report.c

# Where an installed guestdrv looks for guestdrv-lazyfs (make install
# puts it there); the build tree's copy is found next to the binary first.
fsync/harness-lazyfs.o: ALL_CFLAGS += -DGUESTDRV_LIBEXECDIR=\"$(LIBEXECDIR)/guestdrv\"
