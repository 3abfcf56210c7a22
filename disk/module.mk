# The disk layer: host-side I/O counter (an LD_PRELOAD library injected
# into the hypervisor), QMP block statistics, guest /sys/block stats.
LIB_SRCS += disk/disk.c
LIB_SRCS += disk/qmp.c
TOOLS    += disk/libguestdrv-iocount.so

disk/libguestdrv-iocount.so: disk/iocount.c disk/iocount-format.h
	$(call E,SO,$@)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(filter-out -fsanitize=%,$(CFLAGS)) -fPIC -shared -fvisibility=hidden -o $@ disk/iocount.c -ldl -lpthread
