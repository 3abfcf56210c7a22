#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cost of tracing: a 256 MiB upload with every layer traced against
# the same upload untraced, interleaved (on/off, then off/on, ...) so
# that drift in the machine hits both alike.  Each run boots TCG, makes
# an ext2 file system, times `upload` of a 256 MiB file to it (with the
# disk layer's I/O counter inside qemu when traced) and then an
# upload-discard of 256 MiB (channel + protocol only).
#
#   trace/overhead.sh [PAIRS]        (default 3; GUESTDRV=path, SIZE_MB=256)
#
# Prints every run, the medians and the traced/untraced ratios, in wall
# time and in CPU time (guestdrv plus the hypervisor it reaps, from
# /usr/bin/time): on a shared machine the CPU figures are the steadier
# ones.  Each pair's ratio is taken within the pair, then the median.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
GUESTDRV=${GUESTDRV:-$top/guestdrv}
pairs=${1:-3}
size_mb=${SIZE_MB:-256}
work=$(mktemp -d /tmp/guestdrv-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"

# First the host hot path alone (channel + protocol + trace recorder over
# a socketpair to the fake daemon): no VM, so little noise.
if [ -x "$top/tests/perf/hotpath-bench" ]; then
  "$top/tests/perf/hotpath-bench" "$size_mb" 9 | tail -n 3
  echo
fi

head -c $((size_mb * 1024 * 1024)) /dev/urandom > "$work/src"

one_run () {        # on|off -> "upload_s discard_MBps wall_s cpu_s"
  local mode=$1 img=$work/disk.img args=() t0 t1 out
  rm -f "$img"
  truncate -s $((size_mb * 2 + 64))M "$img"
  [ "$mode" = on ] && args=(--trace "$work/trace.json" --trace-layers all)
  t0=$(date +%s.%N)
  out=$(/usr/bin/time -f "%U %S" -o "$work/cpu" "$GUESTDRV" --backend tcg "${args[@]}" -a "$img" -- \
        part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
        time upload "$work/src" /f : sync : upload-discard ${size_mb}M)
  t1=$(date +%s.%N)
  local up dis cpu
  up=$(sed -n 's/^elapsed time: \([0-9.]*\) seconds$/\1/p' <<<"$out")
  dis=$(sed -n 's/^upload-discard: .* \([0-9.]*\) MB\/s$/\1/p' <<<"$out")
  cpu=$(awk '{print $1 + $2}' "$work/cpu")
  printf "%s %s %.2f %s\n" "$up" "$dis" "$(echo "$t1 - $t0" | bc)" "$cpu"
  rm -f "$img" "$work/trace.json"
}

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: > "$work/on"; : > "$work/off"; : > "$work/ratios"
printf "%-5s %-4s %10s %14s %8s %8s\n" pair mode "upload s" "discard MB/s" "wall s" "cpu s"
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then order="on off"; else order="off on"; fi
  for mode in $order; do
    r=$(one_run $mode)
    echo "$r" > "$work/last.$mode"
    printf "%-5s %-4s %10s %14s %8s %8s\n" $i $mode $r
  done
  read -r u1 d1 w1 c1 < "$work/last.on"
  read -r u0 d0 w0 c0 < "$work/last.off"
  echo "$(echo "$u1 / $u0" | bc -l) $(echo "$d0 / $d1" | bc -l) $(echo "$w1 / $w0" | bc -l) $(echo "$c1 / $c0" | bc -l)" >> "$work/ratios"
done

echo
echo "traced / untraced, median of the $pairs within-pair ratios ($size_mb MiB):"
printf "  upload to an ext2 file (time):   %.3f\n" "$(cut -d' ' -f1 "$work/ratios" | median)"
printf "  upload-discard (time):           %.3f\n" "$(cut -d' ' -f2 "$work/ratios" | median)"
printf "  whole run (wall):                %.3f\n" "$(cut -d' ' -f3 "$work/ratios" | median)"
printf "  whole run (CPU, guestdrv + hv):  %.3f\n" "$(cut -d' ' -f4 "$work/ratios" | median)"
