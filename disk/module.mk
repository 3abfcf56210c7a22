# SPDX-License-Identifier: GPL-2.0-or-later
# The disk layer: host-side I/O counter (an LD_PRELOAD library injected
# into the hypervisor), QMP block statistics, guest /sys/block stats.
LIB_SRCS += disk/disk.c
LIB_SRCS += disk/cache-modes.c
LIB_SRCS += disk/qmp.c
LIB_SRCS += disk/guest-stat.c
TOOLS    += disk/libguestdrv-iocount.so

disk/libguestdrv-iocount.so: disk/iocount.c disk/iocount-format.h
	$(call E,SO,$@)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CPPFLAGS) $(filter-out -fsanitize=%,$(CFLAGS) $(LDFLAGS)) -fPIC -shared -fvisibility=hidden -o $@ disk/iocount.c -ldl -lpthread

# Where an installed guestdrv looks for the counter (make install puts it
# there); the build tree's copy is found next to the binary first.
disk/disk.o: ALL_CFLAGS += -DGUESTDRV_LIBDIR=\"$(LIBDIR)/guestdrv\"
