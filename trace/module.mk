LIB_SRCS += trace/trace.c
LIB_SRCS += trace/json.c
