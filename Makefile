# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv: one plain Makefile.  Each layer lists its sources, one per
# line, in its own <dir>/module.mk.  `make V=1` shows the full commands;
# `make SANITIZE=1` builds with AddressSanitizer and UBSan.  CPPFLAGS,
# CFLAGS and LDFLAGS (a distribution's build flags) go on every compile
# and link, the guest programs' and the LD_PRELOAD library's included.

CC      ?= cc
PKG_CONFIG ?= pkg-config
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CPPFLAGS ?=
CFLAGS  ?= -O2 -g
LDFLAGS ?=
WARNINGS := -Wall
WARNINGS += -Wextra
WARNINGS += -Wshadow
WARNINGS += -Wvla
WARNINGS += -Wformat=2
WARNINGS += -Wmissing-prototypes
WARNINGS += -Wstrict-prototypes
WARNINGS += -Wno-format-nonliteral
# Paths are length-checked where they enter (appliance cache root, tmpdir).
WARNINGS += -Wno-format-truncation

# $(call pkg,MODULE,--cflags or --libs): asked of $(PKG_CONFIG) once, when
# a rule that needs MODULE runs (so `make deps` and `make clean` need
# none); a missing MODULE stops the build with pkg-config's reason.
pkg = $(if $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo y),$(shell $(PKG_CONFIG) $(2) $(1)),$(error $(1) not found by $(PKG_CONFIG): $(shell $(PKG_CONFIG) --print-errors --exists $(1) 2>&1 | head -n 1) (make deps installs it)))
TIRPC_CFLAGS = $(eval TIRPC_CFLAGS := $(call pkg,libtirpc,--cflags))$(TIRPC_CFLAGS)
TIRPC_LIBS   = $(eval TIRPC_LIBS := $(call pkg,libtirpc,--libs))$(TIRPC_LIBS)
CHECK_CFLAGS = $(eval CHECK_CFLAGS := $(call pkg,check,--cflags))$(CHECK_CFLAGS)
CHECK_LIBS   = $(eval CHECK_LIBS := $(call pkg,check,--libs))$(CHECK_LIBS)
FUSE_CFLAGS  = $(eval FUSE_CFLAGS := $(call pkg,fuse3,--cflags))$(FUSE_CFLAGS)
FUSE_LIBS    = $(eval FUSE_LIBS := $(call pkg,fuse3,--libs))$(FUSE_LIBS)

VERSION    := 0.1
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE -DGUESTDRV_VERSION=\"$(VERSION)\" $(WARNINGS) $(TIRPC_CFLAGS) -I. -MMD -MP $(CPPFLAGS) $(CFLAGS)
LDLIBS      = $(TIRPC_LIBS) -lm

ifneq ($(SANITIZE),)
# float-cast-overflow is not in gcc's "undefined" set: a guest number
# reaching a double-to-integer cast out of range must be caught.
ALL_CFLAGS += -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined,float-cast-overflow
endif

ifeq ($(V),)
Q = @
E = @echo "  $(1)	$(2)";
else
Q =
E =
endif

.DEFAULT_GOAL := all

LIB_SRCS :=
CLI_SRCS :=
GEN_HDRS :=
TOOLS    :=
UNIT_TESTS :=
include common/module.mk
include vhost/module.mk
include channel/module.mk
include protocol/module.mk
include launcher/module.mk
include guest/module.mk
include appliance/module.mk
include trace/module.mk
include disk/module.mk
include bench/module.mk
include lazyfs/module.mk
include fsync/module.mk
include session/module.mk
include instrument/module.mk
include cli/module.mk
include tests/module.mk
include fuzz/module.mk

LIB_OBJS := $(LIB_SRCS:.c=.o)
CLI_OBJS := $(CLI_SRCS:.c=.o)
DEPS     := $(wildcard $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) tests/unit/*.d lazyfs/*.d)

all: guestdrv $(TOOLS)

libguestdrv.a: $(LIB_OBJS)
	$(call E,AR,$@)$(AR) rcs $@ $^

guestdrv: $(CLI_OBJS) libguestdrv.a
	$(call E,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) libguestdrv.a $(LDLIBS)

%.o: %.c | $(GEN_HDRS)
	$(call E,CC,$@)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The Debian packages that the build, the tests and the benchmark use
# (idempotent); check and bench themselves install nothing.  The
# README's two commands are `make deps bench` and `make deps check`:
# deps runs first even under -j, and the libraries' flags are read when
# the first rule that needs them runs, after it.
deps:
	@bash tools/install-deps.sh
ifneq ($(filter deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif

check check-only: all $(UNIT_TESTS) check-layers
	@bash tests/run-tests.sh $(UNIT_TESTS)

# The whole guestfish compatibility suite (tests/compat): its report.
compat: all
	@bash tests/compat/run-compat.sh

check-unit: all $(UNIT_TESTS) check-layers
	@GUESTDRV_TESTS=unit bash tests/run-tests.sh $(UNIT_TESTS)

# Includes look down the layers only (tools/check-layers.sh lists them).
check-layers:
	@bash tools/check-layers.sh

check-valgrind: all $(UNIT_TESTS)
	@GUESTDRV_TESTS=unit GUESTDRV_VALGRIND=1 bash tests/run-tests.sh $(UNIT_TESTS)

bench: all
	@bash bench/make-bench.sh

# Power-cut campaign, host faults, soak (tests/stress/run.sh; hours at
# full size, STRESS_SCALE=0.05 for ~30 min; docs/stress.md).
stress: all
	@bash tests/stress/run.sh

# guestdrv's UML kernels (kernel/README.md; long, cached under
# ~/.cache/guestdrv/kernels, not part of check): control and patched
# from Debian's 6.1 source (--kernel control, guestdrv), and from 6.12
# (--kernel control-6.12, guestdrv-6.12).  The last line is the path of
# the patched kernel.
uml-kernel:
	@bash kernel/build-uml.sh --version 6.1 both
uml-kernel-6.12:
	@bash kernel/build-uml.sh --version 6.12 both

# Every UML integration test again on each guestdrv kernel built
# (GUESTDRV_UML_KERNEL, cli/main.c).
check-uml-kernels: all
	@bash tests/run-uml-kernels.sh

# The appliance's files (init, UML relay) are inside the binary; the
# disk counter and the FUSE disk model (a helper program, in libexec)
# are found where these put them.  libguestdrv.a is internal (no stable
# API, no installed header): not installed.  The man page names its
# files where they are installed.
INSTALLED := $(BINDIR)/guestdrv
INSTALLED += $(LIBEXECDIR)/guestdrv/guestdrv-lazyfs
INSTALLED += $(LIBDIR)/guestdrv/libguestdrv-iocount.so
INSTALLED += $(MANDIR)/man1/guestdrv.1

install: all
	install -D -m 755 guestdrv $(DESTDIR)$(BINDIR)/guestdrv
	install -D -m 755 lazyfs/guestdrv-lazyfs $(DESTDIR)$(LIBEXECDIR)/guestdrv/guestdrv-lazyfs
	install -D -m 755 disk/libguestdrv-iocount.so $(DESTDIR)$(LIBDIR)/guestdrv/libguestdrv-iocount.so
	install -d $(DESTDIR)$(MANDIR)/man1
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/usr/local/lib/|$(LIBDIR)/|g' \
	    -e 's|/usr/local/libexec/|$(LIBEXECDIR)/|g' \
	    man/guestdrv.1 >$(DESTDIR)$(MANDIR)/man1/guestdrv.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/guestdrv.1

# disk/disk.o and fsync/harness-lazyfs.o bake LIBDIR and LIBEXECDIR in:
# rebuilt when they change (`make PREFIX=/usr install` after a plain
# `make`).
PREFIX_STAMP := .build-prefix
$(shell [ "$$(cat $(PREFIX_STAMP) 2>/dev/null)" = "$(LIBDIR) $(LIBEXECDIR)" ] || echo "$(LIBDIR) $(LIBEXECDIR)" >$(PREFIX_STAMP))
disk/disk.o fsync/harness-lazyfs.o: $(PREFIX_STAMP)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(LIBDIR)/guestdrv $(DESTDIR)$(LIBEXECDIR)/guestdrv

clean:
	rm -f guestdrv libguestdrv.a $(PREFIX_STAMP) $(TOOLS) $(UNIT_TESTS) $(GEN_HDRS) $(GEN_SRCS)
	rm -rf fuzz/build fuzz/out $(FUZZ_TARGETS)
	find . -name '*.o' -delete -o -name '*.d' -delete

.PHONY: all deps compat check check-only check-unit check-layers check-valgrind bench stress install uninstall clean uml-kernel uml-kernel-6.12 check-uml-kernels

-include $(DEPS)
