#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-to-guest uploads over UML's serial line, per guest kernel, with
# the acknowledged window (--uml-window on) and on the bare line (off),
# in one run, rounds interleaved so that the shared host's load hits all
# cases alike.  Each run: boot, `time upload PAYLOAD /dev/sda`, and the
# disk's first bytes compared with the payload on the host (cmp).  A run
# that stalls ends by guestdrv's idle timeout and is reported as such.
#
# usage: kernel/compare-serial.sh [-n ROUNDS] [-s MiB] [-t IDLE_S] NAME=PATH|stock ...
# Prints one table row per kernel x window (median of the rounds that
# completed) and, with -j FILE, one JSON object per run into FILE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
GUESTDRV=${GUESTDRV:-$here/../guestdrv}
rounds=3 mib=16 idle=60 json=
while getopts "n:s:t:j:" o; do
    case $o in
        n) rounds=$OPTARG ;; s) mib=$OPTARG ;; t) idle=$OPTARG ;; j) json=$OPTARG ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-n ROUNDS] [-s MiB] [-t IDLE_S] [-j FILE] NAME=PATH|stock ..." >&2; exit 2; }

work=$(mktemp -d /tmp/guestdrv-serial.XXXXXX)
trap 'rm -rf "$work"' EXIT
bytes=$((mib * 1024 * 1024))
head -c "$bytes" /dev/urandom > "$work/payload"
[ -z "$json" ] || : > "$json"

names=() paths=()
for k in "$@"; do
    if [ "$k" = stock ]; then names+=(stock); paths+=("")
    else names+=("${k%%=*}"); paths+=("${k#*=}"); fi
done

declare -A secs status
for ((r = 1; r <= rounds; r++)); do
    for i in "${!names[@]}"; do
        for w in on off; do
            key="${names[$i]}/$w"
            truncate -s 0 "$work/disk.img"
            truncate -s $((bytes + 16 * 1024 * 1024)) "$work/disk.img"
            kargs=()
            [ -z "${paths[$i]}" ] || kargs=(--kernel "${paths[$i]}")
            st=ok t=
            if timeout $((idle * 3 + 300)) "$GUESTDRV" --backend uml --uml-channel serial "${kargs[@]}" \
                   --uml-window "$w" --timeout "$idle" -a "$work/disk.img" -- \
                   time upload "$work/payload" /dev/sda >"$work/out" 2>"$work/err"; then
                t=$(sed -n 's/^elapsed time: \([0-9.]*\) seconds$/\1/p' "$work/out")
                if ! cmp -s -n "$bytes" "$work/payload" "$work/disk.img"; then
                    st="corrupt"
                fi
            else
                rc=$?
                if grep -qi "timed out\|timeout\|idle" "$work/err"; then st=stalled
                elif [ $rc = 124 ]; then st=stalled
                else st="error"; fi
            fi
            printf 'round %d %-12s %-4s %-8s %s %s\n' "$r" "${names[$i]}" "$w" "$st" \
                   "${t:--}" "$( [ "$st" = ok ] || tail -1 "$work/err" | cut -c1-160)" >&2
            status[$key]="${status[$key]:-} $st"
            [ "$st" = ok ] && secs[$key]="${secs[$key]:-} $t"
            if [ -n "$json" ]; then
                printf '{"guest_kernel":"%s","guest_kernel_path":"%s","uml_window":"%s","bytes":%d,"status":"%s","seconds":%s}\n' \
                    "${names[$i]}" "${paths[$i]}" "$w" "$bytes" "$st" "${t:-null}" >> "$json"
            fi
        done
    done
done

printf '\n%-12s %-7s %-18s %-10s %s\n' kernel window "runs ok/total" "median s" "MB/s (10^6 B/s)"
for i in "${!names[@]}"; do
    for w in on off; do
        key="${names[$i]}/$w"
        n_ok=$(echo "${status[$key]}" | tr ' ' '\n' | grep -c '^ok$' || true)
        other=$(echo "${status[$key]}" | tr ' ' '\n' | { grep -v '^ok$' || true; } | { grep . || true; } |
                sort | uniq -c | awk '{printf "%s%s x%s", s, $2, $1; s=", "}')
        if [ "$n_ok" -gt 0 ]; then
            med=$(echo "${secs[$key]}" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
            mbps=$(awk -v b="$bytes" -v s="$med" 'BEGIN {printf "%.2f", b / 1e6 / s}')
        else med=- mbps=-; fi
        printf '%-12s %-7s %-18s %-10s %s%s\n' "${names[$i]}" "$w" "$n_ok/$rounds" "$med" "$mbps" \
               "${other:+  ($other)}"
    done
done
echo "($mib MiB host-to-guest upload to /dev/sda on UML, checked with cmp; idle timeout ${idle} s)"
