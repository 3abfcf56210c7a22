#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guestdrv fsync-test on User-Mode Linux: whatever UML does with the
# guest's fsync, every cache mode must come out with a verdict and its
# evidence (a mode the backend refuses says "refused" and why), and at
# least one mode must really run.  Then UML with --uml-disk vhost-user
# (qemu-storage-daemon): writeback must be honoured (a host flush counted
# and no fsynced byte lost at the power cut), unsafe not.  Nothing may be
# left behind.
# Needs root, /dev/fuse, e2fsprogs, jq (make deps installs them).
# SKIP_TEST_FSYNC_UML=1 skips.
source "$(dirname "$0")/fsync-lib.sh"
fsync_begin uml truncate

fsync_run_kept "$tmp/out.json" "$tmp/err" --backend uml

[ "$(jq -s length "$tmp/out.json")" = 5 ] || fail "expected 5 cases"
jq -e -s 'all(.[]; .backend == "uml")' "$tmp/out.json" >/dev/null ||
  fail "a case is not uml"
jq -e -s 'all(.[]; .verdict | IN("honoured", "not-honoured", "inconsistent", "refused"))' \
  "$tmp/out.json" >/dev/null || fail "a case has no verdict"
jq -e -s 'any(.[]; .verdict != "refused")' "$tmp/out.json" >/dev/null ||
  fail "UML refused every cache mode"
# A refused mode says why; a measured one carries the power cut's numbers
# and either host flush counts or the reason they are missing.
jq -e -s 'all(.[] | select(.verdict == "refused"); .note != "")' \
  "$tmp/out.json" >/dev/null || fail "a refusal without a reason"
jq -e -s 'all(.[] | select(.verdict != "refused");
            (.fsynced_bytes_lost | type) == "number" and
            (.unsynced_bytes_lost | type) == "number" and
            .unsynced_on_host_before_cut == true and
            .e2fsck_status != null and
            ((.host_flushes | type) == "number" or
             (.note | test("flush accounting unavailable"))))' \
  "$tmp/out.json" >/dev/null || fail "a measured case lacks its evidence"
# The verdict follows the evidence.
jq -e -s 'all(.[] | select(.verdict == "honoured"); .fsynced_bytes_lost == 0)' \
  "$tmp/out.json" >/dev/null || fail "honoured although fsynced data was lost"
jq -e -s 'all(.[] | select(.verdict == "not-honoured" and .power_cut != "n/a");
            .fsynced_bytes_lost > 0)' "$tmp/out.json" >/dev/null ||
  fail "not-honoured although the fsynced data survived"

# The two methods agree on every case, and UBD does what launcher/UML.md
# says: O_SYNC for writethrough (honoured), flushes dropped under
# writeback on the packaged 6.1 kernel (kernel/patches fixes that), none
# sent under unsafe.
jq -e -s 'all(.[]; .verdict != "inconsistent")' "$tmp/out.json" >/dev/null ||
  fail "flush accounting and the power cut disagree"
jq -e -s 'any(.[]; .cache == "writethrough" and .verdict == "honoured" and .open_o_sync == true)' \
  "$tmp/out.json" >/dev/null || fail "writethrough is not an O_SYNC image honouring fsync"
jq -e -s 'any(.[]; .cache == "writeback" and .verdict == "not-honoured" and .host_flushes == 0)' \
  "$tmp/out.json" >/dev/null || fail "writeback on the packaged kernel changed: see launcher/UML.md"
jq -e -s 'any(.[]; .cache == "unsafe" and .verdict == "not-honoured")' \
  "$tmp/out.json" >/dev/null || fail "unsafe honoured fsync"
jq -e -s 'all(.[]; .disk == "ubd" and .channel == "virtio")' "$tmp/out.json" >/dev/null ||
  fail "the default UML case is not virtio/ubd"

# vhost-user-blk disks: the guest's flushes reach qemu-storage-daemon.
fsync_run_kept "$tmp/out.json" "$tmp/err" --backend uml --uml-disk vhost-user \
  --cache writeback,unsafe
[ "$(jq -s length "$tmp/out.json")" = 2 ] || fail "expected 2 vhost-user cases"
jq -e -s 'all(.[]; .backend == "uml" and .disk == "vhost-user")' "$tmp/out.json" >/dev/null ||
  fail "a case is not uml/vhost-user"
jq -e -s 'map(select(.cache == "writeback"))[0] | .verdict == "honoured" and
         .host_flushes >= 1 and .fsynced_bytes_lost == 0' "$tmp/out.json" >/dev/null ||
  fail "vhost-user writeback not honoured: $(jq -c 'select(.cache == "writeback")' "$tmp/out.json")"
jq -e -s 'map(select(.cache == "unsafe"))[0] | .verdict == "not-honoured" and
         .host_flushes == 0 and .fsynced_bytes_lost > 0' "$tmp/out.json" >/dev/null ||
  fail "vhost-user unsafe honoured: $(jq -c 'select(.cache == "unsafe")' "$tmp/out.json")"

fsync_nothing_left
! pgrep -f "qemu-storage-daemon.*$tmp" >/dev/null || fail "qemu-storage-daemon left running"
echo "PASS: test-fsync-uml"
