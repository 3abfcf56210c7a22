LIB_SRCS += common/error.c
LIB_SRCS += common/clock.c
LIB_SRCS += common/debug.c
LIB_SRCS += common/run.c
LIB_SRCS += common/guest-text.c
