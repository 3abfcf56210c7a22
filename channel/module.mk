LIB_SRCS += channel/channel.c
LIB_SRCS += channel/window.c
LIB_SRCS += channel/launch-flag.c
LIB_SRCS += channel/record.c
LIB_SRCS += channel/unix-socket.c
LIB_SRCS += channel/fdpair.c
LIB_SRCS += channel/vhost-console.c

# The guest half of the UML serial-line window (serial-window.h): a guest
# program, so plain libc and never sanitizer flags; stripped, because its
# bytes go into the binary (appliance/relay-embed.c) and the cache key.
TOOLS += channel/guestdrv-relay
channel/guestdrv-relay: channel/uml-relay.c channel/serial-window.h
	$(call E,LINK,$@)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -s -o $@ $<
