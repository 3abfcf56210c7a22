#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A traced TCG run (boot, 32 MiB upload to a file on ext2, sync) has every
# layer present with plausible values; the host I/O counter agrees with
# strace attached to the same qemu; `guestdrv report` reads the trace.
# Then cache=unsafe: the guest's flushes do not reach the host.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v python3 >/dev/null || skip "python3 not installed"
[ -e "$top/disk/libguestdrv-iocount.so" ] || skip "disk/libguestdrv-iocount.so not built (make)"

head -c $((32 * 1024 * 1024)) /dev/urandom > "$work/src"
img=$work/disk.img
truncate -s 96M "$img"

# strace runs qemu (and sees the same image fds as the counter) when
# available: a wrapper first in PATH.
strace_args=()
if command -v strace >/dev/null; then
  mkdir -p "$work/bin"
  cat > "$work/bin/qemu-system-x86_64" <<WRAP
#!/bin/sh
exec strace -f -y -qq -o "$work/strace.log" -e trace=read,write,readv,writev,pread64,pwrite64,preadv,pwritev,preadv2,pwritev2,fsync,fdatasync,sync_file_range $(command -v qemu-system-x86_64) "\$@"
WRAP
  chmod +x "$work/bin/qemu-system-x86_64"
  strace_args=("$work/strace.log" "$img")
fi

PATH=$work/bin:$PATH "$GUESTDRV" --backend tcg --trace "$work/t.json" -a "$img" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
  upload "$work/src" /f : sync
python3 "$top/tests/integration/test-trace-check.py" "$work/t.json" $((32 * 1024 * 1024)) yes "${strace_args[@]}"

"$GUESTDRV" report "$work/t.json" > "$work/report.txt"
for s in launcher kernel init daemon channel protocol disk upload "p99 ms" flushes; do
  grep -q "$s" "$work/report.txt" || fail "report lacks '$s': $(cat "$work/report.txt")"
done
"$GUESTDRV" report --json "$work/t.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["disk"]["host"][0]["flushes"] >= 1'
"$GUESTDRV" report "$work/src" >/dev/null 2>&1 && fail "report accepted a non-trace"

rm -f "$img"; truncate -s 96M "$img"
"$GUESTDRV" --backend tcg --cache unsafe --trace "$work/u.json" -a "$img" -- \
  part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
  upload "$work/src" /f : sync
python3 "$top/tests/integration/test-trace-check.py" "$work/u.json" $((32 * 1024 * 1024)) no
assert_no_leftovers
