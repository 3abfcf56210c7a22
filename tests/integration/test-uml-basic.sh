#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML backend: a round trip (upload, download, and the bytes on the
# image checked with debugfs), qcow2 and --cache none refused with a clear
# error, an error mid-script exits non-zero, the appliance root is never
# written, and no process of any run's group is left.
#
# On the default channel (virtio since it passed these tests; the serial
# line's own tests pin --uml-channel serial).  16 MiB by default: the
# serial line, when it is the default, moves about 0.5-1.3 MB/s.
source "$(dirname "$0")/lib.sh"
require_uml
[ -x "$GUESTDRV" ] || skip "$GUESTDRV not built (make)"
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"

size=${UML_TEST_SIZE:-16777216}
img=$work/disk.img
truncate -s 64M "$img"
head -c "$size" /dev/urandom > "$work/rand"

# The process group of a run is UML's pid (umid=guestdrv-<guestdrv pid>).
# Run guestdrv in the background, note UML's group, check it is empty after.
run_checked () {
  local rc pg="" i
  "$GUESTDRV" --backend uml "$@" > "$work/out" 2> "$work/err" &
  local g=$!
  for i in $(seq 1 200); do
    pg=$(pgrep -f "umid=guestdrv-$g " | head -1) && [ -n "$pg" ] && break
    kill -0 $g 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$pg" ] || ! kill -0 $g 2>/dev/null ||
    fail "UML's process group did not appear within 10 s"
  rc=0; wait $g || rc=$?
  if [ -n "$pg" ]; then
    sleep 0.3
    # Zombies reparented to init are gone already; anything else is a leak.
    if ps -eo pgid=,stat= | awk -v pg="$pg" '$1 == pg && $2 !~ /^Z/' | grep -q .; then
      fail "processes of UML group $pg left: $(ps -eo pid,pgid,stat,args | awk -v pg="$pg" '$2 == pg')"
    fi
  fi
  return $rc
}

root=$("$GUESTDRV" build-appliance --backend uml >/dev/null 2>&1;
       ls -d "${GUESTDRV_CACHE:-$HOME/.cache/guestdrv}"/uml-*/root 2>/dev/null | head -1)
[ -n "$root" ] || fail "no UML appliance root after build-appliance"
before=$(stat -c '%Y %s' "$root")

timeout 400 bash -c "$(declare -f run_checked fail); GUESTDRV='$GUESTDRV' work='$work' \
  run_checked -a '$img' -- part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : \
  mount /dev/sda1 / : upload '$work/rand' /f : download /f '$work/back' : sync" ||
  fail "round trip failed: $(tail -3 "$work/err")"
cmp "$work/rand" "$work/back" || fail "downloaded bytes differ"
debugfs_dump "$img" /f "$work/ondisk"
cmp "$work/rand" "$work/ondisk" || fail "bytes on the image differ"
[ "$(stat -c '%Y %s' "$root")" = "$before" ] || fail "appliance root was modified"

qemu-img create -q -f qcow2 "$work/q.qcow2" 64M 2>/dev/null ||
  printf 'QFI\373' > "$work/q.qcow2"
if "$GUESTDRV" --backend uml --format qcow2 -a "$work/q.qcow2" -- list-devices \
     2> "$work/err"; then
  fail "qcow2 accepted"
fi
grep -q "UML has no qcow2 support" "$work/err" || fail "qcow2 error: $(cat "$work/err")"
if "$GUESTDRV" --backend uml --cache none -a "$img" -- list-devices 2> "$work/err"; then
  fail "--cache none accepted"
fi
grep -q "cannot bypass the host page cache" "$work/err" || fail "cache error: $(cat "$work/err")"

# An error in the middle: non-zero exit, nothing left running.
rc=0
timeout 120 bash -c "$(declare -f run_checked fail); GUESTDRV='$GUESTDRV' work='$work' \
  run_checked -a '$img' -- mount /dev/sda1 / : cat /does-not-exist : touch /after" || rc=$?
[ $rc -ne 0 ] || fail "error mid-script exited 0"
[ $rc -ne 124 ] || fail "error mid-script timed out"
grep -qi "does-not-exist" "$work/err" || fail "no error message: $(cat "$work/err")"

assert_no_leftovers
echo "ok"
