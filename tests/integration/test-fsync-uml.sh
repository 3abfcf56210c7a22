#!/usr/bin/env bash
# guestdrv fsync-test on User-Mode Linux: whatever UML does with the
# guest's fsync, every cache mode must come out with a verdict and its
# evidence (a mode the backend refuses says "refused" and why), and at
# least one mode must really run.  Nothing may be left behind.
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

fsync_nothing_left
echo "PASS: test-fsync-uml"
