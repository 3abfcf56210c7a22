LIB_SRCS += channel/channel.c
LIB_SRCS += channel/unix-socket.c
LIB_SRCS += channel/fdpair.c
