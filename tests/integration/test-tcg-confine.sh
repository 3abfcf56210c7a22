#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu's confinement (-sandbox, -no-user-config) on one TCG boot: -v shows
# both options; the running qemu has a seccomp filter (its
# /proc/PID/status, read by a host command in the same script); the
# appliance still works (a file written through it is on the image, read
# back by debugfs); QMP answers (query-blockstats in the trace) and the
# LD_PRELOAD disk counter still reports from inside the sandbox.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v python3 >/dev/null || skip "python3 not installed"
[ -e "$top/disk/libguestdrv-iocount.so" ] || skip "disk/libguestdrv-iocount.so not built (make)"

img=$work/disk.img
truncate -s 32M "$img"
echo "confined payload" > "$work/src"
# The ! command runs on the host as guestdrv's child, beside qemu.
cat > "$work/script" <<SCRIPT
part-disk /dev/sda mbr
mkfs ext2 /dev/sda1
mount /dev/sda1 /
upload $work/src /f
sync
!grep Seccomp: /proc/\$(pgrep -P \$PPID qemu-system)/status > $work/seccomp
SCRIPT
"$GUESTDRV" -v --backend tcg --trace "$work/t.json" --trace-layers disk -a "$img" \
  -f "$work/script" > "$work/out" 2> "$work/err" ||
  fail "guestdrv failed: $(tail -5 "$work/err")"

grep -q -- "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny" "$work/err" ||
  fail "-v does not show -sandbox on"
grep -q -- "-no-user-config" "$work/err" || fail "-v does not show -no-user-config"
grep -qP 'Seccomp:\t2' "$work/seccomp" || fail "qemu has no seccomp filter: $(cat "$work/seccomp")"

debugfs_dump "$img" /f "$work/host"
cmp "$work/src" "$work/host" || fail "image content differs (debugfs)"

python3 - "$work/t.json" <<'PY' || fail "disk layer incomplete under the sandbox"
import json, sys
s = json.load(open(sys.argv[1]))["otherData"]["summary"]["disk"]
assert "qmp_error" not in s and "iocount_error" not in s, s
assert any(x["device"] == "hd0" and x["wr_bytes"] > 0 for x in s["qmp"]), s["qmp"]
host = s["host"][0]
assert host["bytes_written"] > 0 and host["flushes"] >= 1, host
PY
assert_no_leftovers
echo ok
