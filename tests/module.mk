# SPDX-License-Identifier: GPL-2.0-or-later
# The unit tests of the layers, grouped by the layer they test (the
# guest programs' and lazyfs/'s, and most of common/'s, are in those
# folders' module.mk).
# bench/ unit tests
UNIT_TESTS += tests/unit/test-bench-stats
UNIT_TESTS += tests/unit/test-bench-report
tests/unit/test-bench-%: tests/unit/test-bench-%.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# fsync/ unit tests
UNIT_TESTS += tests/unit/test-fsync-harness
tests/unit/test-fsync-harness: tests/unit/test-fsync-harness.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# channel/ and protocol/ unit tests
UNIT_TESTS += tests/unit/test-channel
UNIT_TESTS += tests/unit/test-vhost-user
UNIT_TESTS += tests/unit/test-proto-captures
UNIT_TESTS += tests/unit/test-proto-fake-daemon
UNIT_TESTS += tests/unit/test-proto-hostile
tests/unit/test-channel: tests/unit/test-channel.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
tests/unit/test-vhost-user: tests/unit/test-vhost-user.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
tests/unit/test-proto-captures: tests/unit/test-proto-captures.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
tests/unit/test-proto-fake-daemon tests/unit/test-proto-hostile: tests/unit/test-proto-%: tests/unit/test-proto-%.c tests/unit/fake-daemon.c tests/unit/fake-session.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# trace/ and disk/ unit tests
UNIT_TESTS += tests/unit/test-trace-json
UNIT_TESTS += tests/unit/test-trace-disk
tests/unit/test-trace-json tests/unit/test-trace-disk: tests/unit/test-trace-%: tests/unit/test-trace-%.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
tests/unit/test-trace-disk: disk/libguestdrv-iocount.so
# tests/perf/hotpath-bench: tracing's cost on the host hot path (trace/overhead.sh)
TOOLS += tests/perf/hotpath-bench
tests/perf/hotpath-bench: tests/perf/hotpath-bench.c tests/unit/fake-daemon.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) libguestdrv.a $(LDLIBS)
# common/ unit tests
UNIT_TESTS += tests/unit/test-guest-text
tests/unit/test-guest-text: tests/unit/test-guest-text.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# cli/ unit tests: guestfish's argument syntax and reply printing
UNIT_TESTS += tests/unit/test-cli-args
tests/unit/test-cli-args: tests/unit/test-cli-args.c cli/parse.c cli/print.c cli/cmd-info.c cli/cmd-table.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# appliance/ unit tests
UNIT_TESTS += tests/unit/test-kernel-check
tests/unit/test-kernel-check: tests/unit/test-kernel-check.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
UNIT_TESTS += tests/unit/test-appliance-vmlinux
tests/unit/test-appliance-vmlinux: tests/unit/test-appliance-vmlinux.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# launcher/ unit tests: the --kernel names (owner: kernel, issue 22)
UNIT_TESTS += tests/unit/test-kernel-name
tests/unit/test-kernel-name: tests/unit/test-kernel-name.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
# launcher/ unit tests: the exact qemu (KVM, TCG) and UML command lines
UNIT_TESTS += tests/unit/test-launcher-cmdline
tests/unit/test-launcher-cmdline: tests/unit/test-launcher-cmdline.c libguestdrv.a
	$(call E,LINK,$@)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< libguestdrv.a $(CHECK_LIBS) $(LDLIBS)
