# The fsync-test harness (guestdrv fsync-test), in libguestdrv.a; it runs
# lazyfs/guestdrv-lazyfs.
LIB_SRCS += fsync/harness.c
LIB_SRCS += fsync/harness-case.c
LIB_SRCS += fsync/harness-image.c
LIB_SRCS += fsync/harness-lazyfs.c
LIB_SRCS += fsync/harness-flushcount.c
LIB_SRCS += fsync/harness-report.c
