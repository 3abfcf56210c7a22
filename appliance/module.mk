LIB_SRCS += appliance/appliance.c
LIB_SRCS += appliance/init-embed.c

GEN_SRCS += appliance/init-embed.c

# The init script goes into the binary, so an installed guestdrv needs no
# data files; its bytes are also part of the appliance cache key.
appliance/init-embed.c: appliance/init.sh
	$(call E,GEN,$@)( echo '/* Generated from appliance/init.sh: do not edit. */'; \
	  echo 'const char appliance_init_sh[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; \
	  echo "const unsigned appliance_init_sh_len = sizeof appliance_init_sh - 1;" ) > $@.tmp && mv $@.tmp $@
