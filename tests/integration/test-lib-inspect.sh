#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The library-side commands that read a guest (lib-apps.c, lib-osinfo.c,
# lib-icon.c, lib-fileout.c) against guestfish, the oracle, and against
# the host's own tools.  The host makes a small Debian-like guest with
# mkfs.ext4 -d: a dpkg status file (installed and removed packages, an
# epoch, a bad epoch, a last paragraph without its blank line), a
# favicon and a Debian logo, a systemd journal written by
# systemd-journal-remote, and a file a yara rule matches.  guestfish
# and guestdrv run one script on copies of it, one boot each, side by
# side: standard output must be byte-identical, errors identical after
# the prefix, exit statuses equal (the last command fails silently in
# both: find-inode of an unused inode).  Then the answers are checked
# against dpkg-query, journalctl, debugfs and the files themselves.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v guestfish >/dev/null || skip "guestfish not installed (apt-get install libguestfs-tools)"
command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null || skip "e2fsprogs missing"
jremote=/lib/systemd/systemd-journal-remote
[ -x "$jremote" ] || skip "systemd-journal-remote not installed (tools/install-deps.sh)"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp

tree=$work/tree
mkdir -p "$tree"/{etc,bin,usr/bin,srv,var/lib/dpkg,usr/share/pixmaps}
mkdir -p "$tree/var/log/journal/0123456789abcdef0123456789abcdef"
printf 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' > "$tree/etc/os-release"
echo 12.4 > "$tree/etc/debian_version"
printf 'LABEL=ROOT / ext4 defaults 0 1\n' > "$tree/etc/fstab"
cat > "$tree/var/lib/dpkg/status" <<'EOF'
Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib (1:1.2.13.dfsg-1)
Version: 1:1.2.13.dfsg-1
Homepage: http://zlib.net/
Description: compression library - runtime
 zlib implements the deflate method
 .
 of gzip.

Package: removed-pkg
Status: deinstall ok config-files
Architecture: amd64
Version: 2.0-1
Description: removed, only its configuration is left

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a
Description: time zone data

Package: badepoch
Status: install ok installed
Architecture: all
Version: x:1.0-1
Description: skipped: the epoch is not a number

Package: lastnoblank
Status: install ok installed
Architecture: all
Version: 9.9
EOF
# Two PNGs of different sizes (a 24x24 favicon, a 32x32 logo).
python3 - "$tree/etc/favicon.png" 24 "$tree/usr/share/pixmaps/debian-logo.png" 32 <<'EOF'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
for path, n in zip(sys.argv[1::2], sys.argv[2::2]):
    n = int(n)
    raw = b"".join(b"\0" + bytes([n * 7 % 256, 40, 200]) * n for _ in range(n))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    open(path, "wb").write(png)
EOF
printf '__REALTIME_TIMESTAMP=1700000000000000\n__MONOTONIC_TIMESTAMP=1000000\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=hello from the guest journal\nPRIORITY=6\n\n__REALTIME_TIMESTAMP=1700000001000000\n__MONOTONIC_TIMESTAMP=2000000\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=second entry\nPRIORITY=3\n\n' |
  "$jremote" -o "$tree/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" - 2>"$work/jr.err" ||
  fail "systemd-journal-remote: $(cat "$work/jr.err")"
printf 'a marker GDYARA-7731 inside\n' > "$tree/srv/marked"
printf 'nothing here\n' > "$tree/srv/clean"
mkfs.ext4 -q -F -L ROOT -d "$tree" "$work/base.img" 64M 2>"$work/mkfs.err" ||
  fail "mkfs.ext4 -d: $(cat "$work/mkfs.err")"
cat > "$work/rules.yar" <<'EOF'
rule gd_marker { strings: $a = "GDYARA-7731" condition: $a }
rule gd_never { strings: $a = "NOT-ANYWHERE-4242" condition: $a }
EOF
ino=$(debugfs -R "stat /srv/marked" "$work/base.img" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
[ -n "$ino" ] || fail "debugfs found no inode for /srv/marked"

cat > "$work/check.gf" <<EOF
run
-inspect-list-applications /dev/sda
inspect-os
-inspect-get-osinfo /dev/sdz
inspect-get-osinfo /dev/sda
mount-ro /dev/sda /
inspect-list-applications2 /dev/sda
inspect-list-applications /dev/sda
-inspect-get-icon /dev/sda favicon:maybe
-inspect-get-icon /dev/sda colour:red
echo ==icon-default
inspect-get-icon /dev/sda
echo ==icon-nofavicon
inspect-get-icon /dev/sda favicon:false
echo ==icon-end
-journal-get
journal-open /var/log/journal
journal-next
journal-get
journal-next
journal-get
journal-close
-yara-scan /srv/marked
yara-load rules.yar
yara-scan /srv/marked
-yara-scan /srv/clean
-yara-scan /srv/nonexistent
yara-destroy
find-inode /dev/sda $ino
-find-inode /dev/sda x
-find-inode /dev/sdz 12
filesystem-walk /dev/sda
-filesystem-walk /dev/sdz
find-inode /dev/sda 60
EOF
cp --sparse=always "$work/base.img" "$work/gf.img"
cp --sparse=always "$work/base.img" "$work/gd.img"

( cd "$work" && timeout 600 guestfish --ro --format=raw -a gf.img -f check.gf >gf.out 2>gf.err ) &
gf_pid=$!
rc_gd=0
( cd "$work" && timeout 600 "$GUESTDRV" --backend tcg --ro --format=raw -a gd.img -f check.gf \
    >gd.out 2>gd.err ) || rc_gd=$?
rc_gf=0
wait "$gf_pid" || rc_gf=$?
[ "$rc_gf" != 124 ] && [ "$rc_gd" != 124 ] || fail "timed out (guestfish $rc_gf, guestdrv $rc_gd)"
[ "$rc_gf" = 1 ] || fail "guestfish exited $rc_gf: $(tail -3 "$work/gf.err")"
[ "$rc_gd" = "$rc_gf" ] || fail "guestdrv exited $rc_gd, guestfish $rc_gf: $(tail -3 "$work/gd.err")"
if ! cmp -s "$work/gf.out" "$work/gd.out"; then
  diff -a "$work/gf.out" "$work/gd.out" | head -40 >&2
  fail "standard output differs from guestfish's"
fi
# yara-scan with no match fails in libguestfs 1.48 with a stale errno's
# text (lib-fileout.c): that text is not compared.
yara='s/^(deserialise_yara_detection_list: ).*/\1(errno)/'
sed -E 's/^check\.gf:[0-9]+: libguestfs: error: //; s/^guestfish: //' "$work/gf.err" | sed -E "$yara" > "$work/gf.err.n"
# guestfish's own parse errors carry its name and no "error:" (as
# guestdrv's carry guestdrv's): the program names differ by design.
sed -E 's/^guestdrv: (error: )?//' "$work/gd.err" | sed -E "$yara" > "$work/gd.err.n"
if ! cmp -s "$work/gf.err.n" "$work/gd.err.n"; then
  diff -a "$work/gf.err.n" "$work/gd.err.n" >&2
  fail "errors differ from guestfish's"
fi
[ "$(wc -l < "$work/gd.err")" -ge 10 ] || fail "expected the failing cases' errors: $(cat "$work/gd.err")"

# Independent checks of guestdrv's answers.
out=$work/gd.out
grep -qx debian12 "$out" || fail "inspect-get-osinfo did not print debian12"
# Packages: dpkg-query's installed ones, less the two libguestfs skips
# (the bad epoch; the paragraph without a closing blank line).
mkdir -p "$work/adm/updates"
# dpkg-query refuses the whole file over the bad epoch: it reads the
# file without that paragraph.
awk -v RS= -v ORS='\n\n' '!/^Package: badepoch\n/' "$tree/var/lib/dpkg/status" > "$work/adm/status"
dpkg-query --admindir="$work/adm" -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' 2>/dev/null |
  awk '$1 == "ii" && $2 != "badepoch" && $2 != "lastnoblank" { print $2, $3 }' | sort > "$work/apps.want"
awk '/^  app2_name: / { n = $2 } /^  app2_epoch: / { e = $2 } /^  app2_version: / { v = $2 }
     /^  app2_release: / { r = $2; print n, (e != "0" ? e ":" : "") v (r != "" ? "-" r : "") }' "$out" |
  sort > "$work/apps.got"
[ -s "$work/apps.want" ] || fail "dpkg-query listed nothing"
cmp -s "$work/apps.want" "$work/apps.got" || { diff "$work/apps.want" "$work/apps.got" >&2; fail "applications differ from dpkg-query's"; }
grep -q "^  app_name: zlib1g$" "$out" || fail "inspect-list-applications (old form) lacks zlib1g"
grep -q "^  app2_source_package: zlib$" "$out" || fail "Source: was not cut at the space"
# Icons: the bytes between the markers are the guest's files.
python3 - "$out" "$tree/etc/favicon.png" "$tree/usr/share/pixmaps/debian-logo.png" <<'EOF' || fail "icons differ from the guest's files"
import sys
out = open(sys.argv[1], "rb").read()
fav, logo = (open(p, "rb").read() for p in sys.argv[2:4])
a = out.split(b"==icon-default\n")[1].split(b"==icon-nofavicon\n")
b = a[1].split(b"==icon-end\n")[0]
sys.exit(0 if a[0] == fav and b == logo and fav != logo else 1)
EOF
# The journal: journalctl's own reading of the file, field by field.
journalctl --file "$tree/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" -o export 2>/dev/null |
  grep -E '^(MESSAGE|PRIORITY|_BOOT_ID)=' | sort > "$work/journal.want"
awk '/^  attrname: / { k = substr($0, 13) } /^  attrval: / { print k "=" substr($0, 12) }' "$out" |
  grep -E '^(MESSAGE|PRIORITY|_BOOT_ID)=' | sort > "$work/journal.got"
[ "$(wc -l < "$work/journal.want")" = 6 ] || fail "journalctl read $(wc -l < "$work/journal.want") fields"
cmp -s "$work/journal.want" "$work/journal.got" || { diff "$work/journal.want" "$work/journal.got" >&2; fail "journal fields differ from journalctl's"; }
# yara: the one file holding the marker, by the one rule that looks for it.
[ "$(grep -c '^  yara_name: ' "$out")" = 1 ] || fail "yara-scan: expected one detection"
grep -q "^  yara_name: /srv/marked$" "$out" && grep -q "^  yara_rule: gd_marker$" "$out" ||
  fail "yara-scan did not report /srv/marked by gd_marker"
# The sleuthkit commands: every name debugfs lists in / is in the walk
# with the same inode (the walk has no ".." for the root); find-inode names /srv/marked's inode by its path from the root, "srv/marked".
debugfs -R "ls -p /" "$work/base.img" 2>/dev/null | awk -F/ 'NF > 5 && $6 != ".." { print $2, $6 }' | sort > "$work/root.want"
awk '/^  tsk_inode: / { i = $2 } /^  tsk_name: / { print i, substr($0, 13) }' "$out" | sort -u > "$work/walk.got"
# ".", lost+found and the five directories the tree made.
[ "$(wc -l < "$work/root.want")" = 7 ] || fail "debugfs listed $(wc -l < "$work/root.want") entries of /, expected 7"
comm -23 "$work/root.want" "$work/walk.got" > "$work/missing"
[ ! -s "$work/missing" ] || fail "filesystem-walk misses: $(cat "$work/missing")"
awk -v ino="$ino" '/^  tsk_inode: / { i = $2 } /^  tsk_name: / && i == ino { print substr($0, 13) }' "$out" |
  sort -u | grep -qx srv/marked || fail "no entry named srv/marked with inode $ino: $(grep -a -A3 "tsk_inode: $ino$" "$out" | head -8)"
assert_no_leftovers
