# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the integration tests (sourced).  Each test runs with its
# own TMPDIR, so that guestdrv's run directories, sockets and hypervisor
# command lines carry an id of this test: leaks are found by that id,
# never by process name.
set -eu
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GUESTDRV=${GUESTDRV:-$top/guestdrv}
work=$(mktemp -d /tmp/guestdrv-test.XXXXXX)
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"

cleanup () {
  local rc=$?
  # Anything still running with our TMPDIR in its command line is a leak.
  if pgrep -f "$TMPDIR" >/dev/null 2>&1; then
    echo "LEAK: processes left running:" >&2
    pgrep -af "$TMPDIR" >&2 || true
    pkill -9 -f "$TMPDIR" || true
    rc=1
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

skip () { echo "$*" >&2; exit 77; }
fail () { echo "FAIL: $*" >&2; exit 1; }

require_qemu () {
  command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (make deps)"
  ls /boot/vmlinuz-* >/dev/null 2>&1 || skip "no kernel in /boot (make deps)"
}
require_uml () {
  [ -x /usr/bin/linux.uml ] || skip "linux.uml not installed (make deps)"
}

# No run directory may be left behind.
assert_no_leftovers () {
  local left
  left=$(ls -A "$TMPDIR")
  [ -z "$left" ] || fail "left behind in TMPDIR: $left"
  if pgrep -f "$TMPDIR" >/dev/null 2>&1; then
    fail "hypervisor still running: $(pgrep -af "$TMPDIR")"
  fi
}

# Start sector and sector count of MBR partition N of IMAGE (read from the
# partition table directly, not through guestdrv).
mbr_part () {
  local img=$1 n=$2 off
  off=$((446 + 16 * (n - 1)))
  local start count
  start=$(od -An -tu4 -j $((off + 8)) -N4 "$img" | tr -d ' ')
  count=$(od -An -tu4 -j $((off + 12)) -N4 "$img" | tr -d ' ')
  echo "$start $count"
}

# Extract file PATH from the ext2/3/4 filesystem in partition 1 of a raw
# IMAGE into OUT, with e2fsprogs' debugfs.
debugfs_dump () {
  local img=$1 path=$2 out=$3 start count
  read -r start count < <(mbr_part "$img" 1)
  [ "$count" -gt 0 ] || fail "no partition 1 in $img"
  dd if="$img" of="$work/part.img" bs=512 skip="$start" count="$count" status=none
  debugfs -R "dump $path $out" "$work/part.img" 2>/dev/null
  rm -f "$work/part.img"
  [ -f "$out" ] || fail "debugfs could not find $path in $img"
}

# break_when ACTION PATTERN LOG ARGS...: run `guestdrv -v ARGS` in the
# background until its log (LOG) shows PATTERN (within $break_when_wait
# seconds), call the function named by $break_when_check if the test set
# one (a check while the appliance runs), then do ACTION: uml-kill
# (SIGKILL the UML process) or ctrl-c (SIGINT guestdrv).  guestdrv must
# end within 60 s with a non-zero status and a clear error, and leave
# nothing behind.
break_when_check=
break_when_wait=60
break_when () {
  local action=$1 pattern=$2 log=$3 pid i rc=0 umlpid
  shift 3
  : > "$log"                    # so that the first grep finds it
  "$GUESTDRV" -v "$@" 2>> "$log" &
  pid=$!
  for i in $(seq $((break_when_wait * 10))); do
    grep -q "$pattern" "$log" && break
    kill -0 $pid 2>/dev/null || fail "guestdrv ended before '$pattern': $(grep -v console "$log" | tail -4)"
    sleep 0.1
  done
  grep -q "$pattern" "$log" || { kill -INT $pid; wait $pid || :;
    fail "no '$pattern' within $break_when_wait s: $(grep -v console "$log" | tail -3)"; }
  [ -z "$break_when_check" ] || "$break_when_check"
  if [ "$action" = uml-kill ]; then
    umlpid=$(pgrep -f "umid=guestdrv-$pid " | head -1)
    [ -n "$umlpid" ] || fail "no UML process for guestdrv $pid"
    kill -9 "$umlpid"
  else
    kill -INT $pid
  fi
  timeout 60 tail --pid=$pid -f /dev/null || fail "guestdrv still running 60 s after $action"
  wait $pid || rc=$?
  [ $rc -ne 0 ] || fail "exit status 0 after $action"
  if [ "$action" = uml-kill ]; then
    grep -Eq "error: .*(hypervisor exited|appliance closed the channel)" "$log" ||
      fail "no clear error after UML died: $(grep -v console "$log" | tail -3)"
  else
    grep -q "interrupted" "$log" || fail "no interrupted message: $(grep -v console "$log" | tail -3)"
  fi
  sleep 0.5
  assert_no_leftovers
}
