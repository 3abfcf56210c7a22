#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Errors as guestfish words them: compat/errors.gf (failing commands of
# every kind: daemon errors, host-side commands, GUIDs checked on the
# host, guestfish's own parser) runs under guestfish and under guestdrv
# on two copies of one image, one boot each.  Standard output and exit
# status must be identical, and standard error too but for the program's
# name.  The normalisations, each for a reason:
#  - guestfish starts a library error with "FILE:LINE: " when it reads a
#    script with -f: dropped;
#  - the program's name: guestfish's "libguestfs: error: " is guestdrv's
#    "guestdrv: error: ", its "guestfish: " (a bad boolean) "guestdrv: ".
#    What guestfish's own parser prints bare ("error: incorrect number of
#    arguments", "CMD: ARG: invalid integer ...") must be bare too.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 not installed"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp
script=$top/tests/integration/compat/errors.gf

# The image is made on the host: an ext4 filesystem over the whole disk.
mkdir -p "$work/tree/d"
printf 'hello\n' > "$work/tree/d/f"
mkfs.ext4 -q -F -d "$work/tree" "$work/base.img" 32M >/dev/null
cp --sparse=always "$work/base.img" "$work/gf.img"
cp --sparse=always "$work/base.img" "$work/gd.img"

# Both at once (two cores), from $work (copy-out's "." is a host dir).
cd "$work"
timeout 600 guestfish --format=raw -a "$work/gf.img" -f "$script" \
  >"$work/gf.out" 2>"$work/gf.err" &
gf_pid=$!
rc_gd=0
timeout 600 "$GUESTDRV" --backend tcg --format=raw -a "$work/gd.img" \
  -f "$script" >"$work/gd.out" 2>"$work/gd.err" || rc_gd=$?
rc_gf=0
wait "$gf_pid" || rc_gf=$?
[ "$rc_gf" -ne 124 ] || fail "guestfish timed out"
[ "$rc_gd" -ne 124 ] || fail "guestdrv timed out"

sed -E 's/^[^ :]*\.gf:[0-9]+: //; s/^libguestfs: error: /guestdrv: error: /; s/^guestfish: /guestdrv: /' \
  "$work/gf.err" > "$work/gf.msg"
cp "$work/gd.err" "$work/gd.msg"

if ! cmp -s "$work/gf.out" "$work/gd.out"; then
  diff -a "$work/gf.out" "$work/gd.out" | head -20 >&2
  fail "standard output differs from guestfish's"
fi
if ! cmp -s "$work/gf.msg" "$work/gd.msg"; then
  diff -a "$work/gf.msg" "$work/gd.msg" | head -40 >&2
  fail "error messages differ from guestfish's (after the prefixes)"
fi
[ "$rc_gf" = "$rc_gd" ] || fail "exit status $rc_gd, guestfish $rc_gf"
# The comparison is not vacuous: both sides failed on every "-" line.
n=$(grep -c '^-' "$script")
m=$(grep -vc "^usage: \|^type 'help \|^  " "$work/gd.err")
[ "$m" -ge "$n" ] || fail "$m error messages for $n failing commands"
grep -qx "guestdrv: error: equal: " "$work/gd.msg" || fail "equal's empty daemon message is not kept"
grep -qx "022" "$work/gd.out" || fail "get-umask is not printed in octal"
echo "errors: $n failing commands, $(wc -l < "$work/gd.msg") identical message lines, exit status $rc_gd" >&2
cd "$top"
assert_no_leftovers
