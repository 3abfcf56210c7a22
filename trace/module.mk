LIB_SRCS += trace/trace.c
