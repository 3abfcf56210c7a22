#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UML guest kernels side by side, rounds interleaved so that the shared
# host's load hits every kernel alike (kernel/README.md's table):
#   start   whole-process wall time of `guestdrv --backend uml --kernel K
#           -a DISK -- ping-daemon` (exec to exit), ms
#   virtio  `upload-discard` over the virtio-console channel, traced: MB/s
#           of the transfer, descriptors, kicks, host ms waiting for guest
#           buffers, and guestfsd's read/write system calls per 8 KiB
#           protocol chunk (its /proc/PID/io syscr+syscw before and after)
#   serial  `upload-discard` over the serial line (window on), MB/s
# and, once per round, TCG's virtio-serial `upload-discard` for reference.
#
# usage: kernel/compare-kernels.sh [-n ROUNDS] [-v MiB] [-s MiB] [-T] KERNEL...
#   KERNEL: a --kernel name (stock, guestdrv, control, guestdrv-6.12,
#   control-6.12) or NAME=PATH.  -T leaves TCG out.  Prints each run, then
#   medians per kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
G=${GUESTDRV:-$here/../guestdrv}
rounds=3 vmib=256 smib=4 tcg=1
while getopts "n:v:s:T" o; do
    case $o in
        n) rounds=$OPTARG ;; v) vmib=$OPTARG ;; s) smib=$OPTARG ;; T) tcg=0 ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-n ROUNDS] [-v MiB] [-s MiB] [-T] KERNEL..." >&2; exit 2; }
w=$(mktemp -d /tmp/guestdrv-kernels.XXXXXX)
trap 'rm -rf "$w"' EXIT
trap 'exit 130' INT TERM
truncate -s 64M "$w/d.img"
io='debug sh "cat /proc/\$PPID/io"'

# kargs K: the --kernel arguments of K
kargs () { case "$1" in *=*) echo "--kernel ${1#*=}" ;; *) echo "--kernel $1" ;; esac; }
label () { echo "${1%%=*}"; }

start () {   # start K
    local t0 t1
    t0=$(date +%s%N)
    timeout 300 "$G" --backend uml $(kargs "$1") -a "$w/d.img" -- ping-daemon \
        >/dev/null 2>"$w/err" || { echo "$(label "$1") start FAILED: $(tail -1 "$w/err")"; return; }
    t1=$(date +%s%N)
    echo "$(label "$1") start $(( (t1 - t0) / 1000000 ))"
}

# channel NAME MiB BACKEND-ARGS...: one traced upload-discard
channel () {
    local name=$1 mib=$2; shift 2
    rm -f "$w/t.json"
    timeout 900 "$G" "$@" --trace "$w/t.json" -a "$w/d.img" -- \
        debug sh 'cat /proc/$PPID/io' : upload-discard "${mib}M" : debug sh 'cat /proc/$PPID/io' \
        >"$w/io" 2>"$w/err" || { echo "$name FAILED: $(tail -1 "$w/err")"; return; }
    "$G" report "$w/t.json" > "$w/rep"
    local mbs desc kicks waitg calls
    mbs=$(awk '$1 == "transfer" && $2 == "out" { print $(NF-1) }' "$w/rep")
    read -r kicks desc < <(sed -n 's/.*vhost-user console *[0-9]* messages, \([0-9]*\) kicks, [0-9]* calls, \([0-9]*\) descriptors.*/\1 \2/p' "$w/rep") || true
    waitg=$(sed -n 's/.*; \([0-9.]*\) ms host data waited for guest buffers.*/\1/p' "$w/rep")
    calls=$(awk -v chunks=$((mib * 128)) '
        /^syscr:/ { r[++nr] = $2 } /^syscw:/ { s[++ns] = $2 }
        END { if (nr == 2 && ns == 2) printf "%.2f", (r[2] - r[1] + s[2] - s[1]) / chunks; else print "-" }' "$w/io")
    echo "$name $mbs ${desc:--} ${kicks:--} ${waitg:--} $calls"
}

# A first boot per kernel, not timed: it builds the kernel's appliance if
# the cache has none (tens of seconds).
for k in "$@"; do
    "$G" --backend uml $(kargs "$k") -a "$w/d.img" -- ping-daemon >/dev/null 2>&1 || true
done
for ((r = 1; r <= rounds; r++)); do
    for k in "$@"; do
        start "$k"
        channel "$(label "$k") virtio" "$vmib" --backend uml $(kargs "$k") --uml-channel virtio
        channel "$(label "$k") serial" "$smib" --backend uml $(kargs "$k") --uml-channel serial
    done
    [ $tcg = 0 ] || channel "tcg virtio-serial" "$vmib" --backend tcg
done | tee "$w/runs"

echo
echo "medians of $rounds rounds (virtio ${vmib} MiB, serial ${smib} MiB):"
printf '%-14s %9s %12s %12s %9s %9s %12s %11s\n' kernel start_ms virtio_MB/s serial_MB/s desc kicks wait_guest_ms calls/chunk
med () { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for k in "$@" tcg; do
    n=$(label "$k")
    [ "$n" != tcg ] || [ $tcg = 1 ] || continue
    col () { awk -v n="$n" -v c="$1" -v f="$2" '$1 == n && $2 == c && $3 != "FAILED" { print $f }' "$w/runs" | med; }
    if [ "$n" = tcg ]; then
        printf '%-14s %9s %12s %12s %9s %9s %12s %11s\n' "tcg" - "$(col virtio-serial 3)" - - - - "$(col virtio-serial 7)"
    else
        printf '%-14s %9s %12s %12s %9s %9s %12s %11s\n' "$n" "$(col start 3)" "$(col virtio 3)" \
            "$(col serial 3)" "$(col virtio 4)" "$(col virtio 5)" "$(col virtio 6)" "$(col virtio 7)"
    fi
done
