#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tools/check-layers.sh on copies of the tree: the clean copy passes; an
# upward #include, an upward build-time embed (a module.mk rule whose
# target is built from a higher layer's output), a host layer embedding
# a guest program, and a guest program including a host layer each make
# it fail, naming the file.
. "$(dirname "$0")/lib.sh"
command -v make >/dev/null || skip "make not installed (make deps)"
git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 || skip "not a git tree"

# fresh NAME: a copy of the tracked files in $work/NAME.
fresh () {
  mkdir "$work/$1"
  (cd "$top" && git ls-files -z | cpio -0pdm --quiet "$work/$1")
}
# expect_fail NAME PATTERN: check-layers fails on copy NAME, and its
# message matches PATTERN.
expect_fail () {
  if bash "$top/tools/check-layers.sh" "$work/$1" >"$work/$1.out" 2>&1; then
    fail "$1: check-layers passed: $(cat "$work/$1.out")"
  fi
  grep -q -- "$2" "$work/$1.out" || fail "$1: no \"$2\" in: $(cat "$work/$1.out")"
}

fresh clean
bash "$top/tools/check-layers.sh" "$work/clean" >"$work/clean.out" 2>&1 ||
  fail "clean copy: $(cat "$work/clean.out")"

fresh include
echo '#include "../session/session.h"' >>"$work/include/channel/record.c"
expect_fail include 'channel/record.c includes "../session/session.h": session/ is not below channel/'

fresh embed
printf 'LIB_SRCS += trace/bench-embed.c\ntrace/bench-embed.c: bench/bench-results.txt\n\t@true\n' \
  >>"$work/embed/trace/module.mk"
expect_fail embed 'trace/module.mk: trace/bench-embed.c is built from bench/bench-results.txt: bench/ is not below trace/'

fresh guest-embed
printf 'launcher/relay-embed.c: guest/guestdrv-relay\n\t@true\n' >>"$work/guest-embed/launcher/module.mk"
expect_fail guest-embed 'launcher/module.mk: launcher/relay-embed.c is built from guest/guestdrv-relay: guest/ is apart'

fresh guest-include
echo '#include "../channel/channel.h"' >>"$work/guest-include/guest/uml-relay.c"
expect_fail guest-include 'guest/uml-relay.c includes "../channel/channel.h": guest/ may use only common'
echo "check-layers: clean copy ok; upward include, upward embed, guest embed and guest include each fail"
