#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The appliance cache refuses what it cannot trust, with a message that
# says what to do, before it builds or boots anything: a cache root
# writable by others, owned by someone else, or a symlink; a lock file
# that is a symlink (which would let someone redirect our writes).
source "$(dirname "$0")/lib.sh"
require_qemu
command -v supermin >/dev/null || skip "supermin not installed (make deps)"
truncate -s 16M "$work/d.img"

refused () {                      # cache-dir expected-message
  local rc=0
  GUESTDRV_CACHE=$1 timeout 60 "$GUESTDRV" --backend tcg -a "$work/d.img" -- \
    ping-daemon > "$work/out" 2> "$work/err" || rc=$?
  [ $rc != 0 ] || fail "accepted cache $1"
  [ $rc != 124 ] || fail "timed out instead of refusing cache $1"
  grep -q -- "$2" "$work/err" || fail "cache $1: expected '$2', got: $(cat "$work/err")"
  [ "$(wc -l < "$work/err")" = 1 ] || fail "not a one-line error: $(cat "$work/err")"
  ls "$1" | grep -q '^qemu-\|^build' && fail "built into refused cache $1"
  return 0
}

mkdir -m 0777 "$work/open"
refused "$work/open" "writable by others (mode 0777)"
mkdir -m 0775 "$work/group"
refused "$work/group" "chmod go-w"

mkdir -m 0755 "$work/real"
ln -s "$work/real" "$work/link"
refused "$work/link" "not a directory (a symlink?)"

mkdir -m 0755 "$work/theirs"
if chown 65534 "$work/theirs" 2>/dev/null; then
  refused "$work/theirs" "owned by uid 65534"
fi

mkdir -m 0755 "$work/badlock"
ln -s /etc/passwd-guestdrv-target "$work/badlock/lock"
refused "$work/badlock" "the cache lock is a symlink"
[ ! -e /etc/passwd-guestdrv-target ] || fail "followed the lock symlink"
assert_no_leftovers
echo ok
