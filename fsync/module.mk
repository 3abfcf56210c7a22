# sources of fsync/, one per line
# guestdrv-lazyfs links only what it uses, so a broken layer elsewhere in
# libguestdrv.a cannot stop the fsync harness from building.
FSYNC_MODEL_OBJS := fsync/model.o fsync/model-pages.o common/error.o common/guest-text.o
LAZYFS_OBJS := fsync/lazyfs.o
LAZYFS_OBJS += fsync/lazyfs-files.o
LAZYFS_OBJS += fsync/lazyfs-ops.o
LAZYFS_OBJS += fsync/lazyfs-control.o
LAZYFS_OBJS += fsync/lazyfs-client.o
LAZYFS_OBJS += fsync/lazyfs-snap.o
LAZYFS_OBJS += $(FSYNC_MODEL_OBJS) common/debug.o common/clock.o
LAZYFS_OBJS += common/fdio.o common/json-write.o

TOOLS += fsync/guestdrv-lazyfs

$(filter fsync/lazyfs%.o,$(LAZYFS_OBJS)): ALL_CFLAGS += $(FUSE_CFLAGS)

fsync/guestdrv-lazyfs: $(LAZYFS_OBJS)
	$(call E,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(LAZYFS_OBJS) $(FUSE_LIBS) -lpthread

# The fsync-test harness (guestdrv fsync-test), in libguestdrv.a.
LIB_SRCS += fsync/harness.c
LIB_SRCS += fsync/harness-case.c
LIB_SRCS += fsync/harness-image.c
LIB_SRCS += fsync/harness-lazyfs.c
LIB_SRCS += fsync/harness-flushcount.c
LIB_SRCS += fsync/harness-report.c
LIB_SRCS += fsync/campaign.c
LIB_SRCS += fsync/campaign-workload.c
LIB_SRCS += fsync/campaign-check.c
LIB_SRCS += fsync/campaign-report.c
