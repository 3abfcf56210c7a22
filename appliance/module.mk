# SPDX-License-Identifier: GPL-2.0-or-later
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
# appliance cache key.  $(1) = C name, $(2) = input, $(3) = the source it
# came from when not $(2).
define EMBED
( echo '/* Generated from $(or $(3),$(2)): do not edit. */'; \
  echo 'const unsigned char $(1)[] = {'; \
  od -An -v -tx1 $(2) | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
  echo '0 };'; \
  echo "const unsigned $(1)_len = sizeof $(1) - 1;" ) > $@.tmp && mv $@.tmp $@
endef

# The appliance's /init.sh is guest/init.sh less its licence line (so
# its bytes, and the cache key, are those it had before the line).
appliance/init-embed.c: guest/init.sh
	$(call E,GEN,$@)sed '2{/^# SPDX-License-Identifier: /d}' $< >$@.sh && \
	  $(call EMBED,appliance_init_sh,$@.sh,$<) && rm -f $@.sh

# The guest programs (guest/module.mk builds them).
appliance/relay-embed.c: guest/guestdrv-relay
	$(call E,GEN,$@)$(call EMBED,appliance_relay_bin,$<)

LIB_SRCS += appliance/udevadm-embed.c
GEN_SRCS += appliance/udevadm-embed.c
appliance/udevadm-embed.c: guest/guestdrv-udevadm
	$(call E,GEN,$@)$(call EMBED,appliance_udevadm_bin,$<)

LIB_SRCS += appliance/init-bin-embed.c
GEN_SRCS += appliance/init-bin-embed.c
appliance/init-bin-embed.c: guest/guestdrv-init
	$(call E,GEN,$@)$(call EMBED,appliance_init_bin,$<)
