# SPDX-License-Identifier: GPL-2.0-or-later
# lazyfs/: guestdrv-lazyfs, the FUSE disk model with a volatile write
# cache (README.md), a program of its own that the fsync harness runs.
# It links only what it uses, so a broken layer elsewhere in
# libguestdrv.a cannot stop it from building.
LAZYFS_MODEL_OBJS := lazyfs/model.o lazyfs/model-pages.o common/error.o common/guest-text.o
LAZYFS_OBJS := lazyfs/lazyfs.o
LAZYFS_OBJS += lazyfs/lazyfs-files.o
LAZYFS_OBJS += lazyfs/lazyfs-ops.o
LAZYFS_OBJS += lazyfs/lazyfs-control.o
LAZYFS_OBJS += lazyfs/lazyfs-client.o
LAZYFS_OBJS += $(LAZYFS_MODEL_OBJS) common/debug.o common/clock.o
LAZYFS_OBJS += common/fdio.o common/json-write.o

TOOLS += lazyfs/guestdrv-lazyfs

$(filter lazyfs/lazyfs%.o,$(LAZYFS_OBJS)): ALL_CFLAGS += $(FUSE_CFLAGS)

lazyfs/guestdrv-lazyfs: $(LAZYFS_OBJS)
	$(call E,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(LAZYFS_OBJS) $(FUSE_LIBS) -lpthread

# The model's unit test (no FUSE).
UNIT_TESTS += tests/unit/test-fsync-model
tests/unit/test-fsync-model: tests/unit/test-fsync-model.c $(LAZYFS_MODEL_OBJS)
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< $(LAZYFS_MODEL_OBJS) $(CHECK_LIBS)
