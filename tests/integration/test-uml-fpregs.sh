#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest process's FP/SSE/AVX registers survive UML's stops: system
# calls, switches between threads and processes, signal handlers that
# load other values, fork and exec (helpers/fpregs.c says how).  UML's
# guest kernel saves and restores them through ptrace at every stop, and
# guestdrv's kernel patches 0004 (skip an unchanged restore) and 0005
# (defer the save at a system call stop) change exactly that: a mistake
# there changes a register here.  Runs on the kernel GUESTDRV_UML_KERNEL
# names (make check-uml-kernels: each guestdrv kernel), else Debian's.
# The program is first run on the host itself, where it must pass too.
source "$(dirname "$0")/lib.sh"
require_uml
[ -x "$GUESTDRV" ] || skip "$GUESTDRV not built (make)"
command -v mke2fs >/dev/null || skip "mke2fs not installed (e2fsprogs)"
[ "$(uname -m)" = x86_64 ] || skip "x86_64 only"

calls=${FPREGS_CALLS:-20000}
mkdir -p "$work/root"
cc -O2 -Wall -Wextra -Werror -static -pthread \
  -o "$work/root/fpregs" "$top/tests/integration/helpers/fpregs.c" ||
  fail "cannot build helpers/fpregs.c statically (libc6-dev)"

# On the host: the program's own check.
"$work/root/fpregs" 2000 > "$work/host.out" || fail "fpregs fails on the host: $(cat "$work/host.out")"

mke2fs -q -t ext4 -d "$work/root" "$work/fp.img" 64M > "$work/mkfs.log" 2>&1 ||
  fail "mke2fs: $(tail -1 "$work/mkfs.log")"
timeout 600 "$GUESTDRV" --backend uml -a "$work/fp.img" -- mount /dev/sda / : \
  debug sh "cd /sysroot && ./fpregs $calls 2>&1; echo fpregs-exit=\$?" \
  > "$work/out" 2> "$work/err" ||
  fail "guestdrv failed: $(tail -2 "$work/err")"
cat "$work/out"
grep -q '^fpregs-exit=0$' "$work/out" || fail "fpregs failed in the guest: $(grep FAIL "$work/out" | head -2)"
[ "$(grep -c 'kept every register' "$work/out")" = 2 ] || fail "not both processes reported"
grep -q 'new image started with the default' "$work/out" || fail "the exec check did not run"
# The signals and forks did happen: the check covered their paths.
grep 'kept every register' "$work/out" | awk '{ if ($(NF-1) + 0 < 1 || $(NF-3) + 0 < 1) exit 1 }' ||
  fail "no signal or no fork during the run"
assert_no_leftovers
echo "ok: $(sed -n 1p "$work/out")"
