LIB_SRCS += appliance/appliance.c
LIB_SRCS += appliance/build.c
LIB_SRCS += appliance/find-kernel.c
LIB_SRCS += appliance/fnv.c
LIB_SRCS += appliance/cache-safety.c
LIB_SRCS += appliance/vmlinux.c
LIB_SRCS += appliance/initrd.c
LIB_SRCS += appliance/kernel.c
LIB_SRCS += appliance/init-embed.c
LIB_SRCS += appliance/relay-embed.c

GEN_SRCS += appliance/init-embed.c
GEN_SRCS += appliance/relay-embed.c

# Files that go into the appliance also go into the binary, so an
# installed guestdrv needs no data files; their bytes are part of the
# appliance cache key.  $(1) = C name, $(2) = input.
define EMBED
( echo '/* Generated from $(2): do not edit. */'; \
  echo 'const unsigned char $(1)[] = {'; \
  od -An -v -tx1 $(2) | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
  echo '0 };'; \
  echo "const unsigned $(1)_len = sizeof $(1) - 1;" ) > $@.tmp && mv $@.tmp $@
endef

appliance/init-embed.c: appliance/init.sh
	$(call E,GEN,$@)$(call EMBED,appliance_init_sh,$<)

# The UML serial-line relay (channel/uml-relay.c), installed as
# /usr/bin/guestdrv-relay.
appliance/relay-embed.c: channel/guestdrv-relay
	$(call E,GEN,$@)$(call EMBED,appliance_relay_bin,$<)

# The appliance's udevadm shim (appliance/udevadm-shim.c), installed as
# /usr/sbin/udevadm: "settle" is free when no udevd runs.  A guest
# program like the relay: plain libc, stripped, embedded.
LIB_SRCS += appliance/udevadm-embed.c
GEN_SRCS += appliance/udevadm-embed.c
TOOLS += appliance/guestdrv-udevadm
appliance/guestdrv-udevadm: appliance/udevadm-shim.c
	$(call E,LINK,$@)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -s -o $@ $<
appliance/udevadm-embed.c: appliance/guestdrv-udevadm
	$(call E,GEN,$@)$(call EMBED,appliance_udevadm_bin,$<)

# The appliance's /init (appliance/init.c); init.sh stays beside it as
# /init.sh, run instead with guestdrv.init=sh on the kernel command line.
LIB_SRCS += appliance/init-bin-embed.c
GEN_SRCS += appliance/init-bin-embed.c
TOOLS += appliance/guestdrv-init
appliance/guestdrv-init: appliance/init.c appliance/init-module.c appliance/init-module.h \
                         appliance/init-bypath.c appliance/init-bypath.h \
                         appliance/init-lvm.c appliance/init-lvm.h
	$(call E,LINK,$@)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -s -o $@ $(filter %.c,$^)
appliance/init-bin-embed.c: appliance/guestdrv-init
	$(call E,GEN,$@)$(call EMBED,appliance_init_bin,$<)

# The init's module plan from modules.dep (a guest source, built for the
# host here).
UNIT_TESTS += tests/unit/test-init-module
tests/unit/test-init-module: tests/unit/test-init-module.c appliance/init-module.c appliance/init-module.h
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(CHECK_LIBS)
