# SPDX-License-Identifier: GPL-2.0-or-later
LIB_SRCS += common/error.c
LIB_SRCS += common/clock.c
LIB_SRCS += common/debug.c
LIB_SRCS += common/run.c
LIB_SRCS += common/guest-text.c
LIB_SRCS += common/json.c
LIB_SRCS += common/json-write.c
LIB_SRCS += common/fdio.c
LIB_SRCS += common/tmpdir.c
LIB_SRCS += common/text.c
LIB_SRCS += common/signals.c
LIB_SRCS += common/exe-dir.c

# common/ unit tests, one per helper (the JSON reader's is test-trace-json)
UNIT_TESTS += tests/unit/test-common-run
UNIT_TESTS += tests/unit/test-common-fdio
UNIT_TESTS += tests/unit/test-common-json-write
UNIT_TESTS += tests/unit/test-common-tmpdir
UNIT_TESTS += tests/unit/test-common-text
UNIT_TESTS += tests/unit/test-common-signals
UNIT_TESTS += tests/unit/test-common-exe-dir
tests/unit/test-common-%: tests/unit/test-common-%.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
