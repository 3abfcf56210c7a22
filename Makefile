# guestdrv: one plain Makefile.  Each layer lists its sources, one per
# line, in its own <dir>/module.mk.  `make V=1` shows the full commands;
# `make SANITIZE=1` builds with AddressSanitizer and UBSan.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=

CFLAGS  ?= -O2 -g
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

TIRPC_CFLAGS := $(shell pkg-config --cflags libtirpc 2>/dev/null)
TIRPC_LIBS   := $(shell pkg-config --libs libtirpc 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
FUSE_CFLAGS  := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS    := $(shell pkg-config --libs fuse3 2>/dev/null)

VERSION    := 0.1
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -DGUESTDRV_VERSION=\"$(VERSION)\" $(WARNINGS) $(TIRPC_CFLAGS) -I. -MMD -MP $(CFLAGS)
LDLIBS     := $(TIRPC_LIBS) -lm

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

deps:
	@bash tools/install-deps.sh

# `make check` and `make bench` are the README's two commands: each
# installs what it needs first (idempotent), then builds in a sub-make so
# that pkg-config sees the freshly installed libraries.
check:
	@bash tools/install-deps.sh
	@$(MAKE) --no-print-directory check-only

check-only: all $(UNIT_TESTS) check-layers
	@bash tests/run-tests.sh $(UNIT_TESTS)

check-unit: all $(UNIT_TESTS) check-layers
	@GUESTDRV_TESTS=unit bash tests/run-tests.sh $(UNIT_TESTS)

# Includes look down the layers only (tools/check-layers.sh lists them).
check-layers:
	@bash tools/check-layers.sh

check-valgrind: all $(UNIT_TESTS)
	@GUESTDRV_TESTS=unit GUESTDRV_VALGRIND=1 bash tests/run-tests.sh $(UNIT_TESTS)

bench:
	@bash tools/install-deps.sh
	@$(MAKE) --no-print-directory all
	@bash bench/make-bench.sh

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
# disk counter and the FUSE disk model are found where these put them.
# libguestdrv.a is internal (no stable API, no installed header): not
# installed.  The man page names its files under $(PREFIX).
INSTALLED := $(PREFIX)/bin/guestdrv
INSTALLED += $(PREFIX)/bin/guestdrv-lazyfs
INSTALLED += $(PREFIX)/lib/guestdrv/libguestdrv-iocount.so
INSTALLED += $(PREFIX)/share/man/man1/guestdrv.1

install: all
	install -D -m 755 guestdrv $(DESTDIR)$(PREFIX)/bin/guestdrv
	install -D -m 755 lazyfs/guestdrv-lazyfs $(DESTDIR)$(PREFIX)/bin/guestdrv-lazyfs
	install -D -m 755 disk/libguestdrv-iocount.so $(DESTDIR)$(PREFIX)/lib/guestdrv/libguestdrv-iocount.so
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	sed 's|/usr/local/|$(PREFIX)/|g' man/guestdrv.1 >$(DESTDIR)$(PREFIX)/share/man/man1/guestdrv.1
	chmod 644 $(DESTDIR)$(PREFIX)/share/man/man1/guestdrv.1

# disk/disk.o bakes $(PREFIX)/lib/guestdrv in: rebuilt when PREFIX changes
# (`make PREFIX=/usr install` after a plain `make`).
PREFIX_STAMP := .build-prefix
$(shell [ "$$(cat $(PREFIX_STAMP) 2>/dev/null)" = "$(PREFIX)" ] || echo "$(PREFIX)" >$(PREFIX_STAMP))
disk/disk.o: $(PREFIX_STAMP)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/lib/guestdrv

clean:
	rm -f guestdrv libguestdrv.a $(PREFIX_STAMP) $(TOOLS) $(UNIT_TESTS) $(GEN_HDRS) $(GEN_SRCS)
	rm -rf fuzz/build fuzz/out $(FUZZ_TARGETS)
	find . -name '*.o' -delete -o -name '*.d' -delete

.PHONY: all deps check check-only check-unit check-layers check-valgrind bench install uninstall clean uml-kernel uml-kernel-6.12 check-uml-kernels

-include $(DEPS)
