# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by test-fsync-tcg.sh and test-fsync-uml.sh (sourced): the skips,
# the built tools, a private TMPDIR, and the "nothing left behind" check.
# They keep their own dir rather than lib.sh's: fsync-test's output stays
# in it and is listed by name below.
set -euo pipefail

skip () { echo "SKIP: $*"; exit 77; }
fail () { echo "FAIL: $*"; exit 1; }

# fsync_begin BACKEND [COMMAND...]: skip unless root, /dev/fuse and the
# commands (plus the common ones) are there; SKIP_TEST_FSYNC_<BACKEND>=1
# skips.  Sets top, guestdrv and tmp (removed on exit, exported TMPDIR).
fsync_begin () {
  local name=$1 var c
  shift
  var=SKIP_TEST_FSYNC_${name^^}
  [ -z "${!var:-}" ] || skip "$var is set"
  [ "$(id -u)" = 0 ] || skip "needs root (FUSE mount)"
  [ -c /dev/fuse ] || skip "/dev/fuse missing"
  for c in jq python3 fusermount3 mkfs.ext2 debugfs e2fsck timeout "$@"; do
    command -v "$c" >/dev/null || skip "$c not installed"
  done
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  guestdrv=$top/guestdrv
  [ -x "$guestdrv" ] && [ -x "$top/lazyfs/guestdrv-lazyfs" ] ||
    fail "guestdrv or lazyfs/guestdrv-lazyfs not built (run make)"
  tmp=$(mktemp -d "/tmp/test-fsync-$name.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  export TMPDIR=$tmp
}

# Nothing left but fsync-test's output: no temp dir, mount or FUSE model.
fsync_nothing_left () {
  local left
  left=$(ls -A "$tmp" | grep -v -e '^out.json$' -e '^err$' || :)
  [ -z "$left" ] || fail "left behind in TMPDIR: $left"
  ! grep -q "$tmp" /proc/mounts || fail "a mount under $tmp is left"
  ! pgrep -f "guestdrv-lazyfs $tmp" >/dev/null || fail "guestdrv-lazyfs left running"
}

# fsync_run_kept OUT ERR ARGS...: guestdrv fsync-test --json --keep ARGS,
# then, independently of guestdrv, read every case's backing image after
# its power cut with debugfs (fsync_host_check) and remove what --keep
# kept.  Fails if fsync-test fails.
fsync_run_kept () {
  local out=$1 err=$2 rc=0 kept mnt
  shift 2
  timeout --kill-after=10 300 "$guestdrv" fsync-test --json --keep "$@" \
    >"$out" 2>"$err" || rc=$?
  cat "$out"
  kept=$(sed -n 's/^guestdrv: fsync-test: kept \([^ ]*\) .*/\1/p' "$err")
  mnt=$(sed -n 's/.*unmount with: fusermount3 -u \(.*\)$/\1/p' "$err")
  [ -z "$mnt" ] || fusermount3 -u "$mnt" || fail "could not unmount $mnt"
  [ $rc = 0 ] || { cat "$err"; rm -rf "$kept"; fail "fsync-test exited with $rc"; }
  [ -n "$kept" ] && [ -d "$kept/backing" ] || fail "--keep kept no backing dir: $(cat "$err")"
  fsync_host_check "$out" "$kept/backing"
  rm -rf "$kept"
}

# fsync_host_check OUT BACKING: for each measured case, dump synced.bin
# and unsynced.bin from the image as the power cut left it (BACKING/
# disk-BACKEND-CACHE.img) with debugfs, count the bytes that are not the
# pattern the guest wrote (1 MiB of `yes 'guestdrv-fsync synced NONCE'`),
# and require the count guestdrv reported.
fsync_host_check () {
  local out=$1 backing=$2 b c im img which lost want sel n=0
  while read -r b c im; do
    # fsync-test names each case's image (.image); before it did, by
    # backend and cache.
    img=$backing/$im
    [ -n "$im" ] && [ -f "$img" ] || img=$backing/disk-$b-$c.img
    # Since fsync-test --kernel the harness names images per guest kernel
    # (-k<index>); these tests run one kernel.
    [ -f "$img" ] || img=$backing/disk-$b-$c-k0.img
    [ -f "$img" ] || fail "$b/$c: no backing image $img"
    for which in synced unsynced; do
      rm -f "$tmp/dump"
      debugfs -R "dump /$which.bin $tmp/dump" "$img" 2>/dev/null
      [ -f "$tmp/dump" ] || fail "$b/$c: debugfs found no /$which.bin in $img"
      lost=$(python3 - "$tmp/dump" "$which" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
size = 1 << 20
m = re.search(rb"guestdrv-fsync %s [0-9a-f]{8}\n" % sys.argv[2].encode(), data)
if not m:
    print(size)            # not one line of what the guest wrote survived
else:
    line = m.group(0)
    want = (line * (size // len(line) + 1))[:size]
    data = data[:size].ljust(size, b"\0")
    print(sum(1 for a, b in zip(data, want) if a != b))
PY
)
      sel="select(.backend == \"$b\" and .cache == \"$c\" and (.image // \"\") == \"$im\")"
      want=$(jq -r "$sel | .${which}_bytes_lost" "$out")
      [ "$which" = synced ] && want=$(jq -r "$sel | .fsynced_bytes_lost" "$out")
      [ "$lost" = "$want" ] ||
        fail "$b/$c: debugfs finds $lost bytes of $which.bin lost on the image, guestdrv said $want"
    done
    n=$((n + 1))
  done < <(jq -r 'select(.power_cut != "n/a") | "\(.backend) \(.cache) \(.image // "")"' "$out")
  rm -f "$tmp/dump"
  [ $n -gt 0 ] || fail "no case was cut"
  echo "host check: $n cases read back with debugfs agree with guestdrv"
}
