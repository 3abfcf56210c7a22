LIB_SRCS += session/session.c
LIB_SRCS += session/guest-shell.c
