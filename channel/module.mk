# SPDX-License-Identifier: GPL-2.0-or-later
LIB_SRCS += channel/channel.c
LIB_SRCS += channel/window.c
LIB_SRCS += channel/launch-flag.c
LIB_SRCS += channel/record.c
LIB_SRCS += channel/unix-socket.c
LIB_SRCS += channel/fdpair.c
LIB_SRCS += channel/vhost-console.c

