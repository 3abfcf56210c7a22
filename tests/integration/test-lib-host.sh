#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The library-side commands that run on the host, no appliance: handle
# settings, backend settings, device names, qemu-img queries, scratch
# disks removed at exit, the absent commands' reasons.  Expected output
# written here from guestfish 1.48's behaviour (test-compat-slice compares
# with guestfish itself).
source "$(dirname "$0")/lib.sh"
command -v qemu-img >/dev/null || skip "qemu-img not installed"

truncate -s 10M "$work/raw.img"
qemu-img create -q -f qcow2 -b "$work/raw.img" -F raw "$work/top.qcow2"
out=$("$GUESTDRV" -- \
  set-memsize 700 : get-memsize : smp 2 : get-smp : get-append : append "quiet" : get-append : \
  set-autosync false : get-autosync : set-backend-settings "a b=2" : get-backend-setting b : \
  clear-backend-setting a : get-backend-settings : \
  device-index /dev/sdab : canonical-device-name /dev/xvdc3 : canonical-device-name /dev/hda : \
  disk-format "$work/top.qcow2" : disk-virtual-size "$work/top.qcow2" : \
  disk-has-backing-file "$work/top.qcow2" : disk-has-backing-file "$work/raw.img" : \
  add-drive-scratch 1M : debug-drives : is-config : parse-environment-list "LIBGUESTFS_MEMSIZE=900" : \
  get-memsize 2>&1) || fail "host-side commands failed: $out"
expected="700
2
(null)
quiet
false
2
1
b=2
27
/dev/sdc3
/dev/sda
qcow2
10485760
true
false
$TMPDIR/guestdrv-scratchXXXXXX format=raw cachemode=unsafe protocol=file
true
900"
got=$(printf '%s\n' "$out" | sed 's|guestdrv-scratch[A-Za-z0-9]\{6\}|guestdrv-scratchXXXXXX|')
[ "$got" = "$expected" ] || fail "output differs:
$(diff <(echo "$expected") <(echo "$got"))"
ls "$TMPDIR"/guestdrv-scratch* >/dev/null 2>&1 && fail "the scratch disk was not removed at exit"

# Errors: host-side ones carry no call name; bad values are refused.
err=$("$GUESTDRV" -- get-backend-setting nosuch 2>&1) && fail "a missing setting succeeded"
[ "$err" = "guestdrv: error: setting not found" ] || fail "missing setting: $err"
err=$("$GUESTDRV" -- set-smp 0 2>&1) && fail "set-smp 0 succeeded"
[ "$err" = "guestdrv: error: invalid smp parameter: 0" ] || fail "set-smp 0: $err"
err=$("$GUESTDRV" -- disk-format "$work/nonexistent" 2>&1) && fail "disk-format of nothing succeeded"
[ "$err" = "guestdrv: error: qemu-img info: $work/nonexistent: qemu-img info exited with error status 1." ] ||
  fail "disk-format: $err"
err=$("$GUESTDRV" -- device-index /dev/foo 2>&1) && fail "device-index /dev/foo succeeded"
[ "$err" = "guestdrv: error: /dev/foo: device not found" ] || fail "device-index: $err"
err=$("$GUESTDRV" -- get-pid 2>&1) && fail "get-pid before launch succeeded"
[ "$err" = "guestdrv: error: get-pid can only be called after launch" ] || fail "get-pid: $err"
"$GUESTDRV" -- set-network true 2>/dev/null && fail "set-network true succeeded"

# Left out on purpose: a reason in help and in the error.
for c in add-domain mount-local c-pointer user-cancel; do
  "$GUESTDRV" help "$c" | grep -q "^$c: not in guestdrv: ." || fail "help $c gives no reason"
  err=$("$GUESTDRV" -- "$c" 2>&1) && fail "$c succeeded"
  case $err in *"not in guestdrv: "*) ;; *) fail "$c: $err" ;; esac
done
"$GUESTDRV" help stat | grep -q "^    stat - file status" || fail "help stat: $("$GUESTDRV" help stat)"
"$GUESTDRV" help | grep -q "^lstatnslist  *lstatns of many names" || fail "help does not list lstatnslist"
"$GUESTDRV" help | grep -q "^add-domain" && fail "help lists an absent command"
assert_no_leftovers
