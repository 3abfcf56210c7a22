#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install DESTDIR=...` puts exactly the binary, its helper programs
# and the man page under $(PREFIX) (no libguestdrv.a: it is internal), with
# their modes; the installed guestdrv is the build's and runs, its man
# page renders; `make uninstall` removes all it installed.  Uses the
# build that `make check` has just made (default PREFIX: nothing rebuilt).
# Then, in a copy of the tree, a packager's build and install
# (CPPFLAGS, CFLAGS, LDFLAGS, DESTDIR, PREFIX, BINDIR, LIBEXECDIR, MANDIR
# set; LIBDIR from PREFIX) honours every variable: each on every compile or link
# that `make V=1` shows, CFLAGS and LDFLAGS visible in the binaries
# (readelf), the files exactly where the variables say.
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
755 ./usr/local/lib/guestdrv/libguestdrv-iocount.so
755 ./usr/local/libexec/guestdrv/guestdrv-lazyfs"
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

# A packager's build, in a copy so that this tree's objects keep their
# flags.  The marks: a -D seen on every compile, -frecord-gcc-switches
# leaves the CFLAGS in each binary, an rpath the LDFLAGS.
command -v git >/dev/null && git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
  skip "not a git tree: cannot copy the sources for the packager's build"
command -v readelf >/dev/null || skip "readelf not installed (make deps)"
src=$work/src pkg=$work/pkg
mkdir "$src"
(cd "$top" && git ls-files -z | cpio -0pdm --quiet "$src")
cppmark=-DGUESTDRV_TEST_CPPFLAGS_MARK=1 ldmark=/nonexistent/guestdrv-ldflags-mark
vars=(CPPFLAGS="-D_FORTIFY_SOURCE=2 $cppmark" CFLAGS="-O2 -g -frecord-gcc-switches"
      LDFLAGS="-Wl,-z,relro -Wl,-rpath,$ldmark" DESTDIR="$pkg" PREFIX=/opt/gd
      BINDIR=/b/bin LIBEXECDIR=/x/libexec MANDIR=/m/man)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$src" -j2 V=1 "${vars[@]}" install \
  >"$work/pkg.log" 2>&1 || fail "packager's make install: $(tail -n 5 "$work/pkg.log")"
got=$(cd "$pkg" && find . \( -type f -o -type l \) -printf '%m %p\n' | sort)
want="644 ./m/man/man1/guestdrv.1
755 ./b/bin/guestdrv
755 ./opt/gd/lib/guestdrv/libguestdrv-iocount.so
755 ./x/libexec/guestdrv/guestdrv-lazyfs"
[ "$got" = "$want" ] || fail "packager's make install put:
$got
expected:
$want"
# Every compile and link command of the build (cc ... -o ...).
grep -E '^cc .* -o ' "$work/pkg.log" >"$work/cmds" || fail "no cc command in make V=1's output"
while IFS= read -r cmd; do
  case $cmd in *" -c "*) ;; *)
    [[ $cmd == *"-Wl,-rpath,$ldmark"* ]] || fail "a link without LDFLAGS: $cmd" ;;
  esac
  case $cmd in *" -c "*|*".c "*|*".c") [[ $cmd == *"$cppmark"* && $cmd == *-frecord-gcc-switches* ]] ||
    fail "a compile without CPPFLAGS or CFLAGS: $cmd" ;;
  esac
done <"$work/cmds"
for prog in guest/guestdrv-init guest/guestdrv-udevadm guest/guestdrv-relay disk/libguestdrv-iocount.so; do
  grep -qE "^cc .* -o $prog " "$work/cmds" || fail "no command builds $prog in make V=1's output"
done
for f in b/bin/guestdrv opt/gd/lib/guestdrv/libguestdrv-iocount.so x/libexec/guestdrv/guestdrv-lazyfs; do
  readelf -d "$pkg/$f" | grep -q "path: \[$ldmark\]" || fail "$f: no rpath from LDFLAGS"
  readelf -p .GCC.command.line "$pkg/$f" 2>/dev/null | grep -q 'GNU C' ||
    fail "$f: not compiled with CFLAGS"
done
for f in guest/guestdrv-init guest/guestdrv-udevadm guest/guestdrv-relay; do
  readelf -d "$src/$f" | grep -q "path: \[$ldmark\]" || fail "$f (a guest program): no rpath from LDFLAGS"
done
# The installed guestdrv looks for its helpers where they were installed;
# the man page names them there.
grep -qaF /opt/gd/lib/guestdrv "$pkg/b/bin/guestdrv" || fail "guestdrv does not look in LIBDIR"
grep -qaF /x/libexec/guestdrv "$pkg/b/bin/guestdrv" || fail "guestdrv does not look in LIBEXECDIR"
grep -qF '/x/libexec/guestdrv/guestdrv\-lazyfs' "$pkg/m/man/man1/guestdrv.1" ||
  fail "the man page does not name LIBEXECDIR"
grep -qF '/opt/gd/lib/guestdrv/libguestdrv\-iocount.so' "$pkg/m/man/man1/guestdrv.1" ||
  fail "the man page does not name LIBDIR"
! grep -q /usr/local "$pkg/m/man/man1/guestdrv.1" || fail "the man page still names /usr/local"
echo "make install: $(wc -l <<<"$want") files, uninstall removes them; a packager's" \
  "install honours CPPFLAGS, CFLAGS, LDFLAGS (on $(wc -l <"$work/cmds") commands), DESTDIR," \
  "PREFIX (LIBDIR), BINDIR, LIBEXECDIR, MANDIR"
