#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The UML kernels of kernel/build-uml.sh side by side (skipped until
# `make uml-kernel` has built them).  With the patched kernel: the bare
# serial line (--uml-channel serial --uml-window off) carries a 4 MiB upload (Debian's line
# driver stops reading after a burst over 4 KiB), checked with cmp on
# the host, and --gdb names the UML process and a gdb command; guestfsd
# needs fewer system calls per chunk (the virtio_console patch).  Then
# fsync-test on uml/writeback: the control kernel does not honour fsync,
# the patched ones (6.1, and 6.12 when built) do.
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
"$GUESTDRV" --backend uml --kernel "$patched" --uml-channel serial --uml-window off --gdb --timeout 60 \
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

# The virtio_console patch: guestfsd's reads of a chunk fill from several
# receive buffers, so an 8 MiB upload-discard costs it under 3 read and
# write calls per 8 KiB chunk (Debian's driver: 5, one 4 KiB buffer per
# read); the bytes are checked by the protocol's chunk lengths.
"$GUESTDRV" --backend uml --kernel "$patched" -a "$work/d.img" -- \
  debug sh 'cat /proc/$PPID/io' : upload-discard 8M : debug sh 'cat /proc/$PPID/io' \
  >"$work/io" 2>"$work/err" || fail "upload-discard on the patched kernel: $(tail -3 "$work/err")"
calls=$(awk '/^syscr:/ { r[++nr] = $2 } /^syscw:/ { w[++nw] = $2 }
  END { if (nr == 2 && nw == 2) printf "%.2f", (r[2] - r[1] + w[2] - w[1]) / 1024 }' "$work/io")
[ -n "$calls" ] || fail "no /proc/PID/io figures: $(cat "$work/io")"
awk -v c="$calls" 'BEGIN { exit !(c < 3.5) }' ||
  fail "guestfsd made $calls system calls per 8 KiB chunk on the patched kernel (want < 3.5)"

# 6.12, when built: its guestdrv kernel carries the bare line too.
k612=
if p=$(bash "$top/kernel/build-uml.sh" --version 6.12 --path patched 2>/dev/null); then
  k612=",guestdrv-6.12=$p"
  truncate -s 0 "$work/d.img"; truncate -s 64M "$work/d.img"
  timeout 300 "$GUESTDRV" --backend uml --kernel "$p" --uml-channel serial --uml-window off --timeout 60 \
    -a "$work/d.img" -- upload "$work/payload" /dev/sda >"$work/out" 2>"$work/err" ||
    fail "bare-line upload on guestdrv-6.12 failed: $(tail -3 "$work/err")"
  cmp -n $size "$work/payload" "$work/d.img" || fail "guestdrv-6.12: the disk does not hold the payload"
fi

# Verdicts: control not honoured, patched honoured (both methods).
timeout 900 "$GUESTDRV" fsync-test --backend uml --cache writeback \
  --kernel "control=$control,patched=$patched$k612" --json >"$work/fsync.json" 2>"$work/fsync.err" ||
  fail "fsync-test failed: $(tail -3 "$work/fsync.err")"
python3 - "$work/fsync.json" <<'EOF' || fail "verdicts: $(cat "$work/fsync.json")"
import json, sys
rows = {r["guest_kernel"]: r for r in map(json.loads, open(sys.argv[1]))}
c = rows["control"]
assert c["verdict"] == "not-honoured", c
assert c["host_flushes"] == 0, c
for name in ("patched", "guestdrv-6.12"):
    if name not in rows:
        continue
    p = rows[name]
    assert p["verdict"] == "honoured", p
    assert p["host_flushes"] > 0, p
    if p.get("fsynced_bytes_lost") is not None:
        assert p["fsynced_bytes_lost"] == 0, p
EOF
assert_no_leftovers
