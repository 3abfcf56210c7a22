#!/bin/bash
# The UML kernels of kernel/build-uml.sh side by side (skipped until
# `make uml-kernel` has built them).  With the patched kernel: the bare
# serial line (--uml-window off) carries a 4 MiB upload (Debian's line
# driver stops reading after a burst over 4 KiB), checked with cmp on
# the host, and --gdb names the UML process and a gdb command.  Then
# fsync-test on uml/writeback: the control kernel does not honour fsync,
# the patched one does.
source "$(dirname "$0")/lib.sh"
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"
# CI builds the kernels first and sets GUESTDRV_KERNELS_REQUIRED=1: there
# a missing kernel is a failure, not the expected skip.
missing () {
  [ "${GUESTDRV_KERNELS_REQUIRED:-0}" = 1 ] && fail "$1"
  skip "$1"
}
patched=$(bash "$top/kernel/build-uml.sh" --path patched 2>/dev/null) ||
  missing "the patched UML kernel has not been built (make uml-kernel)"
control=$(bash "$top/kernel/build-uml.sh" --path control 2>/dev/null) ||
  missing "the control UML kernel has not been built (make uml-kernel)"
# The names --kernel takes resolve to the same binaries.
for n in guestdrv:$patched control:$control; do
  p=$(readlink -f "${GUESTDRV_CACHE:-$HOME/.cache/guestdrv}/kernels/${n%%:*}/linux")
  [ "$p" = "$(readlink -f "${n#*:}")" ] || fail "--kernel ${n%%:*} is $p, not ${n#*:}"
done

size=$((4 * 1024 * 1024))
head -c $size /dev/urandom > "$work/payload"
truncate -s 64M "$work/d.img"
"$GUESTDRV" --backend uml --kernel "$patched" --uml-window off --gdb --timeout 60 \
  -a "$work/d.img" -- upload "$work/payload" /dev/sda >"$work/out" 2>"$work/err" &
gpid=$!
line=
for _ in $(seq 1 600); do
  line=$(grep -m1 -- "--gdb: UML kernel process" "$work/err" || true)
  [ -n "$line" ] && break
  kill -0 $gpid 2>/dev/null || break
  sleep 0.1
done
[ -n "$line" ] || { wait $gpid || true; fail "--gdb printed no UML process: $(cat "$work/err")"; }
upid=$(echo "$line" | sed -n 's/.*UML kernel process \([0-9]*\);.*/\1/p')
# The named process is the UML kernel we asked for, and the command
# attaches to it with UML's signals let through.
exe=$(readlink "/proc/$upid/exe" 2>/dev/null || true)
[ "$exe" = "$(readlink -f "$patched")" ] || fail "process $upid is '$exe', not $patched"
echo "$line" | grep -q "gdb -p $upid -ex 'handle SIGSEGV SIGBUS SIGIO SIGALRM SIGUSR1 SIGWINCH SIGCHLD nostop noprint pass' -ex continue $patched" ||
  fail "unexpected gdb command: $line"
waited=0
while kill -0 $gpid 2>/dev/null && [ $waited -lt 3000 ]; do sleep 0.1; waited=$((waited + 1)); done
if kill -0 $gpid 2>/dev/null; then kill $gpid; wait $gpid || true; fail "bare-line upload did not finish in 300 s"; fi
wait $gpid || fail "bare-line upload on the patched kernel failed: $(tail -3 "$work/err")"
cmp -n $size "$work/payload" "$work/d.img" || fail "the disk does not hold the payload"

# Verdicts: control not honoured, patched honoured (both methods).
timeout 900 "$GUESTDRV" fsync-test --backend uml --cache writeback \
  --kernel "control=$control,patched=$patched" --json >"$work/fsync.json" 2>"$work/fsync.err" ||
  fail "fsync-test failed: $(tail -3 "$work/fsync.err")"
python3 - "$work/fsync.json" <<'EOF' || fail "verdicts: $(cat "$work/fsync.json")"
import json, sys
rows = {r["guest_kernel"]: r for r in map(json.loads, open(sys.argv[1]))}
c, p = rows["control"], rows["patched"]
assert c["verdict"] == "not-honoured", c
assert p["verdict"] == "honoured", p
assert c["host_flushes"] == 0 and p["host_flushes"] > 0, (c, p)
if p.get("fsynced_bytes_lost") is not None:
    assert p["fsynced_bytes_lost"] == 0, p
EOF
assert_no_leftovers
