LIB_SRCS += appliance/appliance.c
LIB_SRCS += appliance/cache-safety.c
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
