# SPDX-License-Identifier: GPL-2.0-or-later
# guest/: the programs that run inside the appliance, not on the host.
# Plain libc, never sanitizer flags, stripped: their bytes go into the
# binary (appliance/*-embed.c) and the appliance cache key.  Only
# appliance/ embeds them (tools/check-layers.sh checks it); their sources
# include nothing above common/.  The distribution's CPPFLAGS, CFLAGS and
# LDFLAGS apply, less SANITIZE's flags.
GUEST_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CPPFLAGS) $(CFLAGS)
GUEST_LDFLAGS = $(filter-out -fsanitize=%,$(LDFLAGS))

# The appliance's /init; init.sh goes beside it as /init.sh, run instead
# with guestdrv.init=sh on the kernel command line.
TOOLS += guest/guestdrv-init
guest/guestdrv-init: guest/init.c guest/init-module.c guest/init-module.h \
                     guest/init-bypath.c guest/init-bypath.h \
                     guest/init-lvm.c guest/init-lvm.h
	$(call E,LINK,$@)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -s -o $@ $(filter %.c,$^)

# The udevadm shim, installed as /usr/sbin/udevadm: "settle" is free when
# no udevd runs.
TOOLS += guest/guestdrv-udevadm
guest/guestdrv-udevadm: guest/udevadm-shim.c
	$(call E,LINK,$@)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -s -o $@ $<

# The guest half of the UML serial-line window (common/serial-window.h),
# installed as /usr/bin/guestdrv-relay.
TOOLS += guest/guestdrv-relay
guest/guestdrv-relay: guest/uml-relay.c common/serial-window.h
	$(call E,LINK,$@)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -s -o $@ $<

# The init's module plan from modules.dep (a guest source, built for the
# host here).
UNIT_TESTS += tests/unit/test-init-module
tests/unit/test-init-module: tests/unit/test-init-module.c guest/init-module.c guest/init-module.h
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(CHECK_LIBS)

# The init's by-path disk order on a fake /sys/block.
UNIT_TESTS += tests/unit/test-init-bypath
tests/unit/test-init-bypath: tests/unit/test-init-bypath.c guest/init-bypath.c guest/init-bypath.h
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(CHECK_LIBS)
