#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML's confinement (launcher/confine.c), read from the host in
# /proc/PID of every UML process: its own user, mount, network, IPC and
# PID namespaces (the main process is PID 1 there; the network has only a
# down loopback), no_new_privs, no core dumps, one CPU; as root, every id
# mapped to itself and an image of another user still opened by UML; -v says
# what was made.  Then kill -9 of guestdrv: nothing is left.  Then a file
# written through the confined UML is on the image (debugfs).
source "$(dirname "$0")/lib.sh"
require_uml

truncate -s 32M "$work/d.img"
if [ "$(id -u)" = 0 ]; then chown 65534 "$work/d.img"; chmod 0644 "$work/d.img"; fi

"$GUESTDRV" -v --backend uml -a "$work/d.img" -- debug sh "sleep 120" 2>"$work/log" &
pid=$!
found=0
for i in $(seq 300); do
  if grep -q "guestdrv-confine" "$work/log" && pgrep -f "$TMPDIR" >/dev/null; then found=1; break; fi
  kill -0 $pid 2>/dev/null || fail "guestdrv ended early: $(tail -3 "$work/log")"
  sleep 0.2
done
[ $found = 1 ] || { kill -9 $pid; fail "no confined UML within 60 s"; }
sleep 2                           # UML opens its disks while it boots
for p in $(pgrep -f "$TMPDIR"); do
  # UML's helper processes come and go: keep only a complete reading.
  block=$(
    echo "proc $p"
    for n in net pid user mnt ipc; do echo "$n $(readlink /proc/$p/ns/$n)"; done
    grep -E "^(NSpid|NoNewPrivs):" /proc/$p/status
    grep "Max core file size" /proc/$p/limits
    echo "uidmap $(tr -s ' ' < /proc/$p/uid_map | sed 's/^ //')"
    nsenter -t $p -n ip -o link 2>/dev/null | sed 's/^/link /'
    echo "cpus $(tr '\0' ' ' < /proc/$p/cmdline | cut -d' ' -f1)" \
      "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$p/status)"
  ) 2>/dev/null || true
  if [ -e /proc/$p ] && ! grep -qE "^(net|pid|user|mnt|ipc|uidmap) ?$" <<< "$block"; then
    echo "$block" >> "$work/ns.txt"
  fi
done
kill -9 $pid
wait $pid 2>/dev/null || true
clean=0
for i in $(seq 75); do
  if ! pgrep -f "$TMPDIR" >/dev/null && [ -z "$(ls -A "$TMPDIR")" ]; then clean=1; break; fi
  sleep 0.2
done
[ $clean = 1 ] || fail "15 s after kill -9: processes: $(pgrep -af "$TMPDIR" | head -3); left: $(ls -A "$TMPDIR")"

cat "$work/ns.txt"
[ -s "$work/ns.txt" ] || fail "no UML process could be inspected"
for n in net pid mnt ipc; do
  grep "^$n " "$work/ns.txt" | grep -qF " $(readlink /proc/self/ns/$n)" &&
    fail "a UML process shares guestdrv's $n namespace"
done
grep -qE "^NSpid:[[:space:]]+[0-9]+[[:space:]]+1$" "$work/ns.txt" ||
  fail "no UML process is PID 1 of its own PID namespace"
if grep "^user " "$work/ns.txt" | grep -qF " $(readlink /proc/self/ns/user)"; then
  grep -q "no user namespace" "$work/log" || fail "same user namespace and -v does not say why"
elif [ "$(id -u)" = 0 ]; then
  grep "^uidmap " "$work/ns.txt" | grep -qv "^uidmap 0 0 4294967295$" &&
    fail "root's ids are not all mapped to themselves"
fi
grep -qP "^NoNewPrivs:\t0" "$work/ns.txt" && fail "no_new_privs not set"
# UML and its processes on one CPU (launcher/uml-cpu.c), the same for all.
if [ "$(nproc)" -gt 1 ]; then
  cpus=$(awk '$1 == "cpus" && $2 ~ /linux/ && $3 != "" {print $3}' "$work/ns.txt" | sort -u)
  [ -n "$cpus" ] || fail "no UML process's CPU list could be read"
  [[ $cpus =~ ^[0-9]+$ ]] || fail "UML not on one CPU: $(echo $cpus)"
fi
grep -E "Max core file size" "$work/ns.txt" | grep -qvE "size +0 +0" && fail "core dumps allowed"
if command -v nsenter >/dev/null; then
  grep "^link " "$work/ns.txt" | grep -qv ": lo:" && fail "interfaces besides lo in UML's network namespace"
  grep "^link " "$work/ns.txt" | grep -q "state UP" && fail "loopback is up in UML's namespace"
fi
grep -qi "failed to open\|permission denied" "$work/log" && fail "UML could not open a disk: $(grep -i 'failed to open\|permission denied' "$work/log" | head -2)"
grep -q "guestdrv-confine: namespaces:.*network.*pid" "$work/log" || fail "-v does not show the namespaces"

# The confined UML still works (where this host lets UML run at all).
echo "confined uml" > "$work/src"
if ! "$GUESTDRV" --backend uml -v --launch-timeout 40 -a "$work/d.img" -- part-disk /dev/sda mbr : \
     mkfs ext2 /dev/sda1 : mount /dev/sda1 / : upload "$work/src" /f : sync \
     2>"$work/log2"; then
  # As every UML test (tests/run-tests.sh): a UML that does not boot is
  # a failure, also where the host's CPU is the reason.
  fail "confinement checked, but the confined UML run failed: $(grep -v console "$work/log2" | tail -2)"
fi
debugfs_dump "$work/d.img" /f "$work/host"
cmp "$work/src" "$work/host" || fail "image content differs (debugfs)"
assert_no_leftovers
