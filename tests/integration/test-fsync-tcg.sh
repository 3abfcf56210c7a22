#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv fsync-test's controls on TCG, asserted from --json: qemu
# cache=unsafe drops the guest's flushes (not honoured: the fsynced file
# is lost in the power cut, no host flush), cache=none passes them down
# (honoured: fsynced file intact, host flushes seen).  The images are
# read back after the cut with debugfs, independently of guestdrv.  Either way the
# unsynced control must have reached the host.  Nothing may be left
# behind (temp dirs, mounts, processes).
# Needs root, /dev/fuse, qemu, strace, e2fsprogs (exit 77 otherwise);
# SKIP_TEST_FSYNC_TCG=1 skips.  Slow: two TCG boots.
source "$(dirname "$0")/fsync-lib.sh"
fsync_begin tcg qemu-system-x86_64 strace

fsync_run_kept "$tmp/out.json" "$tmp/err" --backend tcg --cache unsafe,none

# case CACHE JQ-EXPR: the expression must hold for that case's object.
check () {
  local obj
  obj=$(jq -c "select(.cache == \"$1\")" "$tmp/out.json")
  [ -n "$obj" ] || fail "no result for cache=$1"
  echo "$obj" | jq -e "$2" >/dev/null || fail "cache=$1: $2 does not hold: $obj"
}

for mode in unsafe none; do
  check $mode '.backend == "tcg"'
  check $mode '.flush_accounting != "n/a" and .power_cut != "n/a"'
  check $mode '.unsynced_on_host_before_cut == true'
  check $mode '.e2fsck_status == 0'
  check $mode '.model_writebacks == 0'
done
check unsafe '.verdict == "not-honoured"'
check unsafe '.host_flushes == 0'
check unsafe '.fsynced_bytes_lost == .pattern_bytes'
check unsafe '.unsynced_bytes_lost == .pattern_bytes'
check none '.verdict == "honoured"'
check none '.host_flushes >= 1 and .open_o_direct == true'
check none '.fsynced_bytes_lost == 0'

# Nothing left: no temp dir, no mount, no process of ours.
fsync_nothing_left
! pgrep -f "qemu-system-x86_64.*$tmp" >/dev/null || fail "qemu left running"
echo "PASS: test-fsync-tcg"
