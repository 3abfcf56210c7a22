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
  for c in jq fusermount3 mkfs.ext2 debugfs e2fsck timeout "$@"; do
    command -v "$c" >/dev/null || skip "$c not installed"
  done
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  guestdrv=$top/guestdrv
  [ -x "$guestdrv" ] && [ -x "$top/fsync/guestdrv-lazyfs" ] ||
    fail "guestdrv or fsync/guestdrv-lazyfs not built (run make)"
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
