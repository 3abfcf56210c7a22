#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check's slice of the compatibility suite (tests/compat, the areas
# marked "# slice: check"): the library-side commands under guestfish and
# guestdrv, one boot per side; every difference must have a known cause.
# The whole suite is "make compat".
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
rc=0
GUESTDRV=$GUESTDRV timeout 1500 bash "$top/tests/compat/run-compat.sh" --slice check \
  --keep "$work/compat" >"$work/report" 2>&1 || rc=$?
cat "$work/report" >&2
[ "$rc" -ne 77 ] || skip "$(tail -1 "$work/report")"
[ "$rc" -eq 0 ] || fail "compat slice: differences without a known cause (report above)"
grep -q "^compat: [0-9]* cases" "$work/report" || fail "no report"
rm -rf "$work/compat"
assert_no_leftovers
