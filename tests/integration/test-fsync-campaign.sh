#!/usr/bin/env bash
# guestdrv fsync-test --cuts: the crash campaign's fast slice (make check).
# Ten power cuts per case at random disk operations of the workload:
# where the backend honours fsync (UML writethrough: O_SYNC image; UML
# vhost-user writeback: flushes reach qemu-storage-daemon; TCG writeback)
# every cut must keep every acknowledged promise and pass e2fsck -fn;
# where it does not (unsafe), the campaign must show the losses, so the
# check can fail.  Then one broken cut is replayed alone by its seed, and
# nothing may be left behind.  The full campaign is in make stress.
# SKIP_TEST_FSYNC_CAMPAIGN=1 skips.
source "$(dirname "$0")/fsync-lib.sh"
fsync_begin campaign mkfs.ext4

camp () {
  timeout --kill-after=10 400 "$guestdrv" fsync-test --json "$@" \
    >"$tmp/out.json" 2>"$tmp/err" || { cat "$tmp/err"; fail "fsync-test --cuts $* exited with $?"; }
  cat "$tmp/out.json"
}

camp --cuts 10 --seed 12345 --backend uml --uml-disk ubd,vhost-user \
  --cache writethrough,unsafe
[ "$(jq -s length "$tmp/out.json")" = 4 ] || fail "expected 4 cases"
jq -e -s 'all(.[]; .cuts + .cuts_missed == 10 and .cuts >= 8)' "$tmp/out.json" \
  >/dev/null || fail "a case did not check its 10 cuts"
jq -e -s 'all(.[] | select(.cache == "writethrough");
            .verdict == "honoured" and .violating_cuts == 0 and
            .fsck_errors == 0 and .fsynced_bytes_lost == 0)' "$tmp/out.json" \
  >/dev/null || fail "UML writethrough broke a promise"
jq -e -s 'all(.[] | select(.cache == "unsafe");
            .verdict == "not-honoured" and .fsynced_bytes_lost > 0 and
            (.failed_seeds | length) == .violating_cuts)' "$tmp/out.json" \
  >/dev/null || fail "UML unsafe lost nothing: the campaign cannot see losses"
# Every cut has a seed; the first is the campaign's.
jq -e -s 'all(.[]; .seed == 12345 and (.cut_seeds | length) == .cuts)' \
  "$tmp/out.json" >/dev/null || fail "cut seeds missing"
bad=$(jq -r -s '[.[] | select(.cache == "unsafe" and .disk == "ubd")][0].failed_seeds[0]' \
  "$tmp/out.json")

# Replay that one cut alone: the same operation of the round, lost again.
camp --cuts 1 --seed "$bad" --backend uml --cache unsafe
jq -e -s "length == 1 and .[0].cuts == 1 and .[0].cut_seeds == [$bad]" \
  "$tmp/out.json" >/dev/null || fail "replay of seed $bad did not run one cut"
jq -e -s '.[0].violating_cuts == 1' "$tmp/out.json" >/dev/null ||
  echo "NOTE: the replayed cut $bad kept its promises this time (a background write moved it)"

camp --cuts 10 --backend tcg --cache writeback
jq -e -s 'length == 1 and .[0].verdict == "honoured" and .[0].cuts >= 8 and
          .[0].fsck_errors == 0' "$tmp/out.json" >/dev/null ||
  fail "TCG writeback broke a promise"

left=$(ls -A "$tmp" | grep -v -e '^out.json$' -e '^err$' || :)
[ -z "$left" ] || fail "left behind in TMPDIR: $left"
! grep -q "$tmp" /proc/mounts || fail "a mount under $tmp is left"
! pgrep -f "guestdrv-lazyfs $tmp" >/dev/null || fail "guestdrv-lazyfs left running"
echo PASS
