# sources of bench/, one per line
LIB_SRCS += bench/stats.c
LIB_SRCS += bench/scenario.c
LIB_SRCS += bench/results.c
LIB_SRCS += bench/report.c
LIB_SRCS += bench/export.c
LIB_SRCS += bench/cost.c
LIB_SRCS += bench/progress.c
LIB_SRCS += bench/chart.c
LIB_SRCS += bench/chart-gnuplot.c
LIB_SRCS += bench/workdir.c
LIB_SRCS += bench/startup-ref.c
LIB_SRCS += bench/self.c
LIB_SRCS += bench/peer.c
LIB_SRCS += bench/run.c
LIB_SRCS += bench/run-options.c
LIB_SRCS += bench/run-matrix.c
LIB_SRCS += bench/run-group.c
