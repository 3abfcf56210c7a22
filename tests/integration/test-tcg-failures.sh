#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
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

# Ctrl-C (break_when, lib.sh) once PATTERN is in the -v log; a TCG boot
# on a loaded machine can take a while.
break_when_wait=120

# 3. Ctrl-C (SIGINT) while the appliance runs.
break_when ctrl-c "launch flag received" "$work/e3" \
  --backend "$b" -a "$work/d.img" -- debug sh "sleep 60"

# 4. (UML) Ctrl-C in the middle of an upload, while the host waits on the
# guest relay's acks: once the daemon has reported progress.
if [ "$b" = uml ]; then
  head -c $((16 * 1024 * 1024)) /dev/zero > "$work/big"
  break_when ctrl-c "progress upload" "$work/e4" --backend uml --uml-channel serial -a "$work/d.img" -- \
    mkfs ext2 /dev/sda : mount /dev/sda / : upload "$work/big" /big
fi
