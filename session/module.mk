# SPDX-License-Identifier: GPL-2.0-or-later
LIB_SRCS += session/session.c
LIB_SRCS += session/guest-shell.c
