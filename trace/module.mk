LIB_SRCS += trace/trace.c
LIB_SRCS += trace/probe.c
LIB_SRCS += trace/report.c
LIB_SRCS += trace/chanprobe.c
