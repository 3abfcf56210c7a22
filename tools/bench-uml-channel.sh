#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML's two channels side by side, in one run, interleaved: start-up (exec
# to guestfsd's launch flag; the startup cases' second column is the wall
# time of ping-daemon, launch to exit), upload-no-write (upload into a character
# device /null on the appliance: the channel alone) and upload into ext2,
# with TCG's upload beside them.  Times are the daemon call as guestdrv -v
# logs it ("upload serial ...: OK, ..., N ms"); launch from "launch flag
# received N s after exec".  Prints each run and the medians.
#
#   tools/bench-uml-channel.sh [ROUNDS]   (default 5)
# Env: VIRTIO_MB (256), SERIAL_MB (4: the line runs at ~0.5 MB/s), TCG=0
# to leave TCG out.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
G=$top/guestdrv
rounds=${1:-5}
vmb=${VIRTIO_MB:-256}
smb=${SERIAL_MB:-4}
w=$(mktemp -d /tmp/guestdrv-bench-uml.XXXXXX)
trap 'rm -rf "$w"' EXIT
trap 'exit 130' INT TERM
head -c $((vmb << 20)) /dev/urandom > "$w/v"
head -c $((smb << 20)) /dev/urandom > "$w/s"

# run NAME BACKEND-ARGS... -- FILE MODE: one boot, prints "NAME launch_s up_ms MB"
run () {
  local name=$1 file=$2 mode=$3; shift 3
  local mb=$(( $(stat -c %s "$file") >> 20 )) dst=/f pre=""
  truncate -s 0 "$w/d.img"; truncate -s $(( (mb + 128) << 20 )) "$w/d.img"
  if [ "$mode" = nowrite ]; then pre="mknod-c 0666 1 3 /null :"; dst=/null; fi
  timeout 1800 "$G" -v "$@" -a "$w/d.img" -- part-disk /dev/sda mbr : \
    mkfs ext2 /dev/sda1 : mount /dev/sda1 / : $pre upload "$file" $dst : sync \
    2> "$w/log" >/dev/null || { echo "$name FAILED: $(grep error "$w/log" | tail -1)"; return; }
  local l u
  l=$(sed -n 's/.*launcher: launch flag received \([0-9.]*\) s after exec.*/\1/p' "$w/log")
  u=$(sed -n 's/.*protocol: upload serial [x0-9a-f]*: OK, .*, \([0-9.]*\) ms$/\1/p' "$w/log")
  echo "$name $l $u $mb"
}

# start NAME ARGS...: launch and shut down (ping-daemon), prints
# "NAME launch_s wall_ms 0".
start () {
  local name=$1 t0 t1 l; shift
  truncate -s 64M "$w/d.img"
  t0=$(date +%s%N)
  timeout 600 "$G" -v "$@" -a "$w/d.img" -- ping-daemon 2> "$w/log" >/dev/null ||
    { echo "$name FAILED: $(grep error "$w/log" | tail -1)"; return; }
  t1=$(date +%s%N)
  l=$(sed -n 's/.*launcher: launch flag received \([0-9.]*\) s after exec.*/\1/p' "$w/log")
  echo "$name $l $(( (t1 - t0) / 1000000 )) 0"
}

for r in $(seq "$rounds"); do
  start uml-virtio-startup --backend uml --uml-channel virtio
  start uml-serial-startup --backend uml --uml-channel serial
  run uml-virtio-nowrite "$w/v" nowrite --backend uml --uml-channel virtio
  run uml-serial-nowrite "$w/s" nowrite --backend uml --uml-channel serial
  run uml-virtio-upload "$w/v" write --backend uml --uml-channel virtio
  [ "${TCG:-1}" = 0 ] || run tcg-upload "$w/v" write --backend tcg
done | tee "$w/runs"

echo
echo "medians over $rounds rounds (case, launch s, upload ms or startup wall ms, MB, MB/s):"
awk '$2 != "FAILED" { n[$1]++; L[$1, n[$1]] = $2; U[$1, n[$1]] = $3; M[$1] = $4 }
  function med(A, k, c,   i, j, t, a) {
    for (i = 1; i <= c; i++) a[i] = A[k, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
  END { for (k in n) { l = med(L, k, n[k]); u = med(U, k, n[k]);
          printf "%-20s %6.2f %10.1f %5d %8.2f\n", k, l, u, M[k], M[k] ? M[k] * 1.048576 / (u / 1000) : 0 } }' "$w/runs" | sort
