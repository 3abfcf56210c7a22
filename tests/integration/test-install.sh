#!/bin/bash
# `make install DESTDIR=...` puts exactly the binary, its helper programs
# and the man page under $(PREFIX) (no libguestdrv.a: it is internal), with
# their modes; the installed guestdrv is the build's and runs, its man
# page renders; `make uninstall` removes all it installed.  Uses the
# build that `make check` has just made (default PREFIX: nothing rebuilt).
. "$(dirname "$0")/lib.sh"
command -v make >/dev/null || skip "make not installed (make deps)"
root=$work/root
# A make of our own, not a child of the caller's jobserver.
mk () { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$top" "$@"; }

mk install DESTDIR="$root" >"$work/install.log" 2>&1 ||
  fail "make install: $(tail -n 5 "$work/install.log")"
got=$(cd "$root" && find . \( -type f -o -type l \) -printf '%m %p\n' | sort)
want="644 ./usr/local/share/man/man1/guestdrv.1
755 ./usr/local/bin/guestdrv
755 ./usr/local/bin/guestdrv-lazyfs
755 ./usr/local/lib/guestdrv/libguestdrv-iocount.so"
[ "$got" = "$want" ] || fail "make install put:
$got
expected:
$want"

"$root/usr/local/bin/guestdrv" -V | grep -q '^guestdrv ' || fail "installed guestdrv -V"
cmp -s "$root/usr/local/bin/guestdrv" "$top/guestdrv" || fail "installed guestdrv differs from the build"
MANWIDTH=80 man -l "$root/usr/local/share/man/man1/guestdrv.1" 2>"$work/man.err" |
  grep -q '^SYNOPSIS' || fail "installed man page does not render: $(cat "$work/man.err")"

mk uninstall DESTDIR="$root" >"$work/uninstall.log" 2>&1 ||
  fail "make uninstall: $(tail -n 5 "$work/uninstall.log")"
left=$(cd "$root" && find . \( -type f -o -type l \) | sort)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "make install: $(wc -l <<<"$want") files, uninstall removes them"
