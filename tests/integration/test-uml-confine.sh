#!/bin/bash
# UML's confinement (launcher/confine.c): the process started as the UML
# kernel runs in its own user, mount, network, IPC and PID namespaces
# (PID 1 there; the network has only a down loopback), with no_new_privs
# and no core dumps; -v says so.  A wrapper given as --kernel records
# that from inside, then execs the real linux.uml.  Then kill -9 of
# guestdrv: nothing is left.  Then a file written through the confined
# UML is on the image (debugfs).
source "$(dirname "$0")/lib.sh"
require_uml

truncate -s 32M "$work/d.img"
# As root, an image of another user must stay writable inside the user
# namespace (all ids mapped to themselves).
if [ "$(id -u)" = 0 ]; then chown 65534 "$work/d.img"; chmod 0644 "$work/d.img"; fi
cat > "$work/uml" <<EOF
#!/bin/bash
{
  echo "pid1 \$\$"
  for n in net pid user mnt ipc; do echo "\$n \$(readlink /proc/self/ns/\$n)"; done
  grep NoNewPrivs /proc/self/status
  grep "Max core file size" /proc/self/limits
  echo "uidmap \$(tr -s ' ' < /proc/self/uid_map | sed 's/^ //')"
  if ( : >> "$work/d.img" ) 2>/dev/null; then echo "imgwrite ok"; else echo "imgwrite denied"; fi
  ip -o link 2>/dev/null | grep -v "^1: lo:" | head -3
} > "$work/ns.tmp" && mv "$work/ns.tmp" "$work/ns.txt"
exec /usr/bin/linux.uml "\$@"
EOF
chmod +x "$work/uml"

"$GUESTDRV" -v --backend uml --kernel "$work/uml" -a "$work/d.img" -- \
  debug sh "sleep 120" 2>"$work/log" &
pid=$!
for i in $(seq 300); do
  [ -e "$work/ns.txt" ] && grep -q "guestdrv-confine" "$work/log" && break
  kill -0 $pid 2>/dev/null || fail "guestdrv ended early: $(tail -3 "$work/log")"
  sleep 0.2
done
[ -e "$work/ns.txt" ] || { kill -9 $pid; fail "the UML wrapper did not run within 60 s"; }
sleep 1
pgrep -f "$TMPDIR" >/dev/null || fail "no UML running with our TMPDIR before the kill"
kill -9 $pid
wait $pid 2>/dev/null || true
clean=0
for i in $(seq 75); do
  if ! pgrep -f "$TMPDIR" >/dev/null && [ -z "$(ls -A "$TMPDIR")" ]; then clean=1; break; fi
  sleep 0.2
done
[ $clean = 1 ] || fail "15 s after kill -9: processes: $(pgrep -af "$TMPDIR" | head -3); left: $(ls -A "$TMPDIR")"

ns () { sed -n "s/^$1 //p" "$work/ns.txt"; }
cat "$work/ns.txt"
[ "$(ns pid1)" = 1 ] || fail "UML is not PID 1 of its own PID namespace"
for n in net pid mnt ipc; do
  [ -n "$(ns $n)" ] && [ "$(ns $n)" != "$(readlink /proc/self/ns/$n)" ] ||
    fail "UML shares guestdrv's $n namespace"
done
if [ "$(ns user)" = "$(readlink /proc/self/ns/user)" ]; then
  grep -q "no user namespace" "$work/log" || fail "same user namespace and -v does not say why"
fi
grep -qP "NoNewPrivs:\t1" "$work/ns.txt" || fail "no_new_privs not set"
grep -qE "Max core file size +0 +0" "$work/ns.txt" || fail "core dumps allowed"
grep -qx "imgwrite ok" "$work/ns.txt" || fail "the image is not writable inside the namespaces"
if [ "$(id -u)" = 0 ] && [ "$(ns user)" != "$(readlink /proc/self/ns/user)" ]; then
  [ "$(ns uidmap)" = "0 0 4294967295" ] || fail "root's ids are not all mapped: $(ns uidmap)"
fi
[ -z "$(grep -v -E '^(pid1|pid|net|user|mnt|ipc|NoNewPrivs|Max core|uidmap|imgwrite)' "$work/ns.txt")" ] ||
  fail "network interfaces besides lo inside UML's namespace"
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
