#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kill -9 of guestdrv while the TCG appliance runs a command: within a
# bounded time nothing is left, neither qemu nor the run's temp dir (the
# reaper, launcher/reaper.c, outlives guestdrv for this).  While it runs,
# the run holds its appliance with a shared lock, so another run's
# pruning (an exclusive non-blocking lock) cannot remove it.
source "$(dirname "$0")/lib.sh"
require_qemu

truncate -s 16M "$work/d.img"

# A normal exit leaves nothing behind at once: the reaper (a fork of
# guestdrv that carries this run's environment) has exited before
# guestdrv does, and its sweeper never runs rm.
"$GUESTDRV" --backend tcg -a "$work/d.img" -- ping-daemon
for p in /proc/[0-9]*; do
  exe=$(readlink "$p/exe" 2>/dev/null) || continue
  case $exe in "$GUESTDRV"|/usr/bin/rm|/bin/rm) ;; *) continue ;; esac
  if tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qx "TMPDIR=$TMPDIR"; then
    fail "process ${p#/proc/} ($exe) of the run still there after guestdrv exited"
  fi
done
assert_no_leftovers
"$GUESTDRV" -v --backend tcg -a "$work/d.img" -- debug sh "sleep 120" 2>"$work/log" &
pid=$!
seen=0
for i in $(seq 900); do
  if grep -q "launch flag received" "$work/log"; then seen=1; break; fi
  kill -0 $pid 2>/dev/null || fail "guestdrv ended before the launch: $(tail -3 "$work/log")"
  sleep 0.2
done
[ $seen = 1 ] || { kill -9 $pid; fail "no launch within 180 s"; }
pgrep -f "$TMPDIR" >/dev/null || fail "no qemu running with our TMPDIR before the kill"
app=$(sed -n 's/.*appliance: \(using cached\|building\) qemu appliance \(in \)\?//p' "$work/log" | head -1)
[ -d "$app" ] || fail "appliance directory not found in -v: '$app'"
if command -v flock >/dev/null; then
  flock -n -x "$app" true && fail "the running appliance $app is not locked against pruning"
fi
[ -n "$(ls -A "$TMPDIR")" ] || fail "no run directory before the kill"
kill -9 $pid
wait $pid 2>/dev/null || true
for i in $(seq 75); do
  if ! pgrep -f "$TMPDIR" >/dev/null && [ -z "$(ls -A "$TMPDIR")" ]; then
    echo "clean $((i * 200)) ms after kill -9"
    # No process of this run (they all carry its TMPDIR in their
    # environment) may still hold a lock on the appliance; runs of other
    # tests or users may.
    ino=$(stat -c %i "$app")
    for holder in $(awk -v i=":$ino" '$6 ~ i"$" {print $5}' /proc/locks); do
      if tr '\0' '\n' < "/proc/$holder/environ" 2>/dev/null | grep -qx "TMPDIR=$TMPDIR"; then
        fail "$app still locked by $holder of this run after guestdrv died: $(tr '\0' ' ' < "/proc/$holder/cmdline")"
      fi
    done
    exit 0
  fi
  sleep 0.2
done
fail "15 s after kill -9: processes: $(pgrep -af "$TMPDIR" | head -3); left in TMPDIR: $(ls -A "$TMPDIR")"
