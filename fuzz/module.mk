# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz/: libFuzzer targets (clang), built apart from the normal objects
# with ASan, UBSan and float-cast-overflow.  `make fuzz` runs each for
# FUZZ_TIME seconds (FUZZ_TIMES per target overrides); `make fuzz-ci` for
# a short fixed time.  fuzz/README.md says what each target covers.
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_CFLAGS  = -std=gnu11 -D_GNU_SOURCE -DGUESTDRV_VERSION=\"$(VERSION)\" -Wall -Wextra -Wno-unused-parameter $(TIRPC_CFLAGS) -I. -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)

# The layers that read guest bytes, whole (their file lists follow their
# own module.mk), and the few helpers they need.
FUZZ_LIB_SRCS := common/error.c
FUZZ_LIB_SRCS += common/clock.c
FUZZ_LIB_SRCS += common/debug.c
FUZZ_LIB_SRCS += common/guest-text.c
FUZZ_LIB_SRCS += $(filter vhost/% channel/% protocol/%,$(LIB_SRCS))
FUZZ_LIB_SRCS += trace/trace.c
FUZZ_LIB_SRCS += common/json.c
FUZZ_LIB_SRCS += common/json-write.c
FUZZ_LIB_SRCS += disk/qmp.c
FUZZ_LIB_SRCS += disk/guest-stat.c

FUZZ_TARGETS := fuzz/fuzz-reply
FUZZ_TARGETS += fuzz/fuzz-stack
FUZZ_TARGETS += fuzz/fuzz-qmp
FUZZ_TARGETS += fuzz/fuzz-console
FUZZ_TARGETS += fuzz/fuzz-vhost-user

FUZZ_LIB_OBJS := $(patsubst %.c,fuzz/build/%.o,$(FUZZ_LIB_SRCS))

fuzz/build/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call E,FUZZCC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# fuzz/decode-bodies.c: every return-value decoder, for the targets that
# get replies (the others do not call it).
fuzz/fuzz-%: fuzz/fuzz-%.c fuzz/decode-bodies.c $(FUZZ_LIB_OBJS) | $(GEN_HDRS)
	$(call E,FUZZLD,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c,$^) $(FUZZ_LIB_OBJS) $(TIRPC_LIBS) -lm -lpthread

# rpcgen declares a scratch variable in every function, used or not.
fuzz/build/protocol/guestfs_protocol_xdr.o: FUZZ_CFLAGS += -Wno-unused-variable
.SECONDARY: $(FUZZ_LIB_OBJS)
-include $(wildcard $(FUZZ_LIB_OBJS:.o=.d))

fuzz-build: $(FUZZ_TARGETS)

FUZZ_TIME ?= 60
# Enough for the must-reach figures here: >= 1e7 decoder and >= 1e6 stack
# executions (52000/s and 1700-7000/s measured on the shared 2-core VM).
FUZZ_TIMES ?= fuzz-reply=300 fuzz-stack=600
fuzz: fuzz-build
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_TIMES="$(FUZZ_TIMES)" bash fuzz/run.sh $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	@FUZZ_TIME=15 FUZZ_TIMES= bash fuzz/run.sh $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-build fuzz-ci
