# SPDX-License-Identifier: GPL-2.0-or-later
# The instrumentation above the session (probes, the report), one per line.
LIB_SRCS += instrument/probe.c
LIB_SRCS += instrument/boot-timeline.c
LIB_SRCS += instrument/disk-probe.c
LIB_SRCS += instrument/layer-summary.c
LIB_SRCS += instrument/chanprobe.c
LIB_SRCS += instrument/report.c
