#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Error paths on TCG: a daemon error stops the script with the daemon's
# message and a non-zero exit; bad input is refused before anything boots.
source "$(dirname "$0")/lib.sh"
require_qemu
truncate -s 32M "$work/d.img"

# Mounting a device that does not exist: the daemon's own message.
if "$GUESTDRV" --backend tcg -a "$work/d.img" -- mount /dev/sdz1 / : touch /never 2>"$work/err"; then
  fail "mount of a missing device succeeded"
fi
grep -q "mount.*/dev/sdz1: No such file or directory" "$work/err" || fail "no daemon message: $(cat "$work/err")"
grep -q "touch" "$work/err" && fail "script went on after the error"

# Bad input: one clear line, non-zero exit, fast.
check_bad () {   # expected-regex args...
  local re=$1; shift
  if timeout 20 "$GUESTDRV" "$@" >"$work/o" 2>"$work/e"; then fail "accepted: $*"; fi
  [ "$(wc -l < "$work/e")" -le 2 ] || fail "more than a line for: $* : $(cat "$work/e")"
  grep -Eq -- "$re" "$work/e" || fail "unexpected message for $*: $(cat "$work/e")"
}
check_bad "missing.img: No such file" --backend tcg -a "$work/missing.img" -- run
check_bad "unknown format 'vmdk'" --backend tcg --format vmdk -a "$work/d.img" -- run
check_bad "unknown cache mode 'bogus'" --backend tcg --cache bogus -a "$work/d.img" -- run
check_bad "not a qcow2 image" --backend tcg --format qcow2 -a "$work/d.img" -- run
# An unknown command: guestfish's four lines, the error and its hint.
if timeout 20 "$GUESTDRV" --backend tcg -a "$work/d.img" -- frobnicate >"$work/o" 2>"$work/e"; then
  fail "accepted: an unknown command"
fi
printf '%s\n' "frobnicate: unknown command" \
  "Did you mean to open a disk image?  guestdrv -a disk.img" \
  "For a list of commands:             guestdrv -h" \
  "For complete documentation:         man guestdrv" |
  cmp -s - "$work/e" || fail "unknown command: $(cat "$work/e")"
# guestfish's three lines, as guestfish prints them (no program name):
# the error, the usage, where to read more.
if timeout 20 "$GUESTDRV" --backend tcg -a "$work/d.img" -- mount /dev/sda1 >"$work/o" 2>"$work/e"; then
  fail "accepted: mount with one argument"
fi
printf '%s\n' "error: incorrect number of arguments" \
  "usage: mount mountable mountpoint" "type 'help mount' for more help on mount" |
  cmp -s - "$work/e" || fail "wrong number of arguments: $(cat "$work/e")"
check_bad "unknown backend 'xen'" --backend xen -a "$work/d.img" -- run
check_bad "--kernel: .*No such file" --backend tcg --kernel /nonexistent/vmlinuz -a "$work/d.img" -- run
# Missing supermin: a PATH with qemu but without supermin.
mkdir -p "$work/bin"
ln -s "$(command -v qemu-system-x86_64)" "$work/bin/"
if env PATH="$work/bin" "$GUESTDRV" --backend tcg -a "$work/d.img" -- run 2>"$work/e"; then
  fail "ran without supermin"
fi
grep -q "supermin not found" "$work/e" || fail "missing supermin: $(cat "$work/e")"
assert_no_leftovers
