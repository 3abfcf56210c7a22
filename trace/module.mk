# SPDX-License-Identifier: GPL-2.0-or-later
LIB_SRCS += trace/trace.c
