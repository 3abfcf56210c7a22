#!/bin/bash
# The appliance misbehaving, for real: the daemon dies mid-call (debug
# segv), the guest hangs past --timeout, and Ctrl-C during a run.  Each
# ends with one clear error, a non-zero exit, and nothing left behind.
# test-uml-failures.sh runs the same on UML (FAILURES_BACKEND=uml), plus
# Ctrl-C in the middle of an upload through the serial-line window.
source "$(dirname "$0")/lib.sh"
b=${FAILURES_BACKEND:-tcg}
if [ "$b" = uml ]; then require_uml; else require_qemu; fi
truncate -s 32M "$work/d.img"

# 1. guestfsd crashes in the middle of a call.
if "$GUESTDRV" --backend "$b" -a "$work/d.img" -- debug segv "" : ping-daemon 2>"$work/e1"; then
  fail "a crashed daemon went unnoticed"
fi
grep -Eq "debug: .*(appliance closed the channel|hypervisor exited)" "$work/e1" || fail "daemon death: $(cat "$work/e1")"
assert_no_leftovers

# 2. The guest stops answering: the idle timeout fires.  Boot time on a
# loaded machine varies, so the bound is measured from the launch flag.
t0=$(date +%s%N)
if "$GUESTDRV" -v --backend "$b" --timeout 3 -a "$work/d.img" -- debug sh "sleep 60" 2>"$work/e2"; then
  fail "a hung guest went unnoticed"
fi
t1=$(date +%s%N)
grep -q "timed out\|timeout" "$work/e2" || fail "hang: $(grep error "$work/e2")"
ready=$(sed -n 's/^\[ *\([0-9.]*\)\] launcher: launch flag received.*/\1/p' "$work/e2")
[ -n "$ready" ] || fail "no launch flag in the -v log"
after=$(awk -v t="$(( (t1 - t0) / 1000000 ))" -v r="$ready" 'BEGIN { printf "%d", t - r * 1000 }')
[ "$after" -lt 25000 ] || fail "the timeout did not bound the wait: ${after} ms after the launch flag"
assert_no_leftovers

# Run guestdrv -v ARGS in the background, wait until its debug output
# shows PATTERN, then Ctrl-C it: a non-zero exit, "interrupted", and
# nothing left behind.
interrupt_when () {
  local pattern=$1 log=$2 pid i rc=0
  shift 2
  "$GUESTDRV" -v "$@" 2>"$log" &
  pid=$!
  for i in $(seq 600); do
    grep -q "$pattern" "$log" && break
    kill -0 $pid 2>/dev/null || fail "guestdrv ended before '$pattern': $(tail -3 "$log")"
    sleep 0.2
  done
  if ! grep -q "$pattern" "$log"; then
    kill -INT $pid; wait $pid || :
    fail "'$pattern' did not appear within 120 s: $(grep -v console "$log" | tail -3)"
  fi
  kill -INT $pid
  wait $pid || rc=$?
  [ $rc -ne 0 ] || fail "exit status 0 after SIGINT"
  grep -q "interrupted" "$log" || fail "no interrupted message: $(grep -v console "$log" | tail -3)"
  assert_no_leftovers
}

# 3. Ctrl-C (SIGINT) while the appliance runs.
interrupt_when "launch flag received" "$work/e3" \
  --backend "$b" -a "$work/d.img" -- debug sh "sleep 60"

# 4. (UML) Ctrl-C in the middle of an upload, while the host waits on the
# guest relay's acks: once the daemon has reported progress.
if [ "$b" = uml ]; then
  head -c $((16 * 1024 * 1024)) /dev/zero > "$work/big"
  interrupt_when "progress upload" "$work/e4" --backend uml --uml-channel serial -a "$work/d.img" -- \
    mkfs ext2 /dev/sda : mount /dev/sda / : upload "$work/big" /big
fi
