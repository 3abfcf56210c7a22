#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestfish's command line on TCG: -N fs:ext4:64M makes and prepares a
# disk, -m mounts it, a file written then and a tree copied in (copy-in)
# are read back on the host with debugfs, and copy-out brings them back;
# --ro (a flag, wherever it stands) makes the disk read-only, so a write
# fails and the image is unchanged; a bare --format is refused.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v debugfs >/dev/null || skip "debugfs not installed (make deps)"
cd "$work"

mkdir -p tree/sub back
echo alpha > tree/a.txt; head -c 100000 /dev/urandom > tree/sub/blob
timeout 300 "$GUESTDRV" --backend tcg -N fs:ext4:64M -m /dev/sda1 -- \
  write /hello "prepared disk" : vfs-type /dev/sda1 : mounts : \
  copy-in tree / : copy-out /tree back : copy-out /hello back > out 2> err ||
  fail "-N/-m session failed: $(cat err)"
printf 'ext4\n/dev/sda1\n' | cmp -s - out || fail "unexpected output: $(cat out)"
[ "$(stat -c %s test1.img)" = $((64 * 1024 * 1024)) ] || fail "test1.img is not 64 MiB"
debugfs_dump test1.img /hello hello.out
[ "$(cat hello.out)" = "prepared disk" ] || fail "debugfs read: $(cat hello.out)"
# copy-in put the tree on the disk (debugfs), copy-out brought it back.
debugfs_dump test1.img /tree/sub/blob blob.out
cmp -s blob.out tree/sub/blob || fail "copy-in: /tree/sub/blob differs on the disk"
diff -r tree back/tree || fail "copy-out: the tree came back different"
[ "$(cat back/hello)" = "prepared disk" ] || fail "copy-out of a file: $(cat back/hello)"

# --ro after -a still applies; -m mounts read-only then.
before=$(sha256sum < test1.img)
if timeout 300 "$GUESTDRV" --backend tcg --format=raw -a test1.img --ro -m /dev/sda1 -- \
    cat /hello : write /hello overwritten > out 2> err; then
  fail "a write under --ro succeeded"
fi
[ "$(cat out)" = "prepared disk" ] || fail "cat under --ro: $(cat out)"
grep -q "Read-only file system" err || fail "no read-only error: $(cat err)"
[ "$(sha256sum < test1.img)" = "$before" ] || fail "--ro image changed"

# Refused before anything boots.
if "$GUESTDRV" --format -a test1.img -- run 2> err; then fail "bare --format accepted"; fi
grep -q "formats are never detected" err || fail "bare --format: $(cat err)"
if "$GUESTDRV" -N bogus -- run 2> err; then fail "-N bogus accepted"; fi
grep -q "unknown type 'bogus'" err || fail "-N bogus: $(cat err)"
rm -f test1.img
assert_no_leftovers
