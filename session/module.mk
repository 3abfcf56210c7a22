LIB_SRCS += session/session.c
