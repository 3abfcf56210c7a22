#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --kernel/--modules and --gdb on TCG.  Bad kernels are refused before
# anything boots, with the reason (and the missing CONFIG_ option) on one
# line.  The packaged kernel passed explicitly resolves to the very
# appliance of the default, and one boot with it under --gdb shows the
# guest held until a debugger (a minimal gdb remote-protocol client here)
# continues it; the file it writes is read back with debugfs.
source "$(dirname "$0")/lib.sh"
require_qemu
command -v debugfs >/dev/null || skip "debugfs not installed (e2fsprogs)"
truncate -s 64M "$work/d.img"
vmlinuz=$(ls /boot/vmlinuz-* | sort -V | tail -1)
kver=${vmlinuz#/boot/vmlinuz-}
mods=/lib/modules/$kver

check_bad () {   # expected-regex args...
  local re=$1; shift
  if timeout 60 "$GUESTDRV" "$@" >"$work/o" 2>"$work/e"; then fail "accepted: $*"; fi
  [ "$(wc -l < "$work/e")" -le 1 ] || fail "more than a line for: $* : $(cat "$work/e")"
  grep -Eq -- "$re" "$work/e" || fail "unexpected message for $*: $(cat "$work/e")"
}
check_bad "--kernel: /nonexistent: No such file" --backend tcg --kernel /nonexistent -a "$work/d.img" -- run
check_bad "not a bootable x86 kernel" --backend tcg --kernel /bin/true -a "$work/d.img" -- run
check_bad "not a UML kernel" --backend uml --kernel "$vmlinuz" -a "$work/d.img" -- run
check_bad "--modules needs --kernel" --backend tcg --modules "$mods" -a "$work/d.img" -- run
check_bad "--modules $work: no module tree for kernel $kver" --backend tcg --kernel "$vmlinuz" --modules "$work" -a "$work/d.img" -- run

# The same kernel image beside a config that lacks an option, or has it
# as a module with no module tree: the error names the option.
mkdir -p "$work/k"
cp "$vmlinuz" "$work/k/vmlinuz"
grep -v '^CONFIG_SCSI_VIRTIO=' "/boot/config-$kver" > "$work/k/config-$kver"
check_bad "CONFIG_SCSI_VIRTIO is not set \(needed for the disk controller" \
  --backend tcg --kernel "$work/k/vmlinuz" --modules "$mods" -a "$work/d.img" -- run
# Debian's own config has virtio_pci as a module: without a module tree
# it cannot be loaded.
cp "/boot/config-$kver" "$work/k/config-$kver"
check_bad "CONFIG_VIRTIO_PCI=m .*no --modules DIR" \
  --backend tcg --kernel "$work/k/vmlinuz" -a "$work/d.img" -- run
rm -rf "$work/k"

# Explicit packaged kernel = the default's appliance (same cache entry).
# (A short run, not build-appliance: a forced rebuild is refused while
# another run, of another test or user, uses the cached appliance.)
"$GUESTDRV" -v --backend tcg -a "$work/d.img" -- run 2>"$work/default.log" ||
  fail "default run: $(grep -v console "$work/default.log" | tail -2)"
default_dir=$(sed -n 's/.*appliance: \(using cached\|building\) qemu appliance \(in \)\?\([^ ]*\).*/\3/p' "$work/default.log" | head -1)
[ -n "$default_dir" ] && [ -d "$default_dir" ] || fail "no qemu appliance in the default run's -v: '$default_dir'"

# One boot: explicit kernel and modules, under --gdb.
"$GUESTDRV" -v --backend tcg --gdb --kernel "$vmlinuz" --modules "$mods" -a "$work/d.img" -- \
  part-disk /dev/sda mbr : mkfs ext4 /dev/sda1 : mount /dev/sda1 / : \
  write /hello "booted-by-explicit-kernel" >"$work/out" 2>"$work/err" &
gpid=$!
sock=
for _ in $(seq 1 600); do
  sock=$(sed -n 's/.*--gdb: .*target remote unix::\([^ '"'"']*\).*/\1/p' "$work/err" | head -1)
  [ -n "$sock" ] && [ -S "$sock" ] && break
  kill -0 $gpid 2>/dev/null || break
  sleep 0.1
done
[ -n "$sock" ] && [ -S "$sock" ] || { kill $gpid 2>/dev/null; wait $gpid || true; fail "no gdb socket announced: $(cat "$work/err")"; }
grep -q "appliance: using cached qemu appliance $default_dir\$" "$work/err" ||
  { kill $gpid; wait $gpid || true; fail "explicit kernel did not use the default appliance $default_dir"; }

# Held: after 5 s the disk is still blank (no MBR signature).
sleep 5
kill -0 $gpid 2>/dev/null || fail "guestdrv ended while the guest should be held: $(tail -3 "$work/err")"
[ "$(od -An -tx1 -j510 -N2 "$work/d.img" | tr -d ' ')" != "55aa" ] || fail "the guest ran before the debugger continued"

# qemu itself says the vCPU has not started (QMP, before any debugger
# connects: connecting one stops a running guest too).  Then a remote-
# protocol client asks why it stopped and continues it, staying
# connected until qemu exits.
timeout 300 python3 - "$sock" <<'EOF' &
import json, os, socket, sys
q = socket.socket(socket.AF_UNIX)
q.connect(os.path.join(os.path.dirname(sys.argv[1]), "qmp.sock"))
qf = q.makefile("rw")
json.loads(qf.readline())
for cmd in ("qmp_capabilities", "query-status"):
    qf.write(json.dumps({"execute": cmd}) + "\n"); qf.flush()
    while True:
        m = json.loads(qf.readline())
        if "return" in m or "error" in m:
            break
st = m.get("return", {})
if st.get("running") is not False or st.get("status") != "prelaunch":
    sys.exit("qemu was not held before the debugger: %r" % m)
q.close()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
def packet(body):
    s.sendall(("$%s#%02x" % (body, sum(body.encode()) % 256)).encode())
def reply():
    buf = b""
    while not (b"#" in buf and len(buf.split(b"#", 1)[1]) >= 2):
        c = s.recv(4096)
        if not c:
            sys.exit("gdbstub closed")
        buf += c
    return buf.decode()
packet("?")
r = reply()
if "$S05" not in r and "$T05" not in r:
    sys.exit("unexpected stop reply: " + r)
s.sendall(b"+")
packet("c")
while s.recv(4096):
    pass
EOF
rsp=$!
waited=0
while kill -0 $gpid 2>/dev/null && [ $waited -lt 3000 ]; do sleep 0.1; waited=$((waited + 1)); done
if kill -0 $gpid 2>/dev/null; then kill $gpid; wait $gpid || true; fail "run did not finish within 300 s after continue"; fi
wait $gpid || fail "run under --gdb failed: $(tail -3 "$work/err")"
wait $rsp || fail "gdb remote-protocol client failed"
debugfs_dump "$work/d.img" /hello "$work/hello"
[ "$(cat "$work/hello")" = "booted-by-explicit-kernel" ] || fail "wrong content: $(cat "$work/hello")"
assert_no_leftovers
