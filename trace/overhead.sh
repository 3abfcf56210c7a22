#!/bin/bash
# The cost of tracing: a 256 MiB upload with every layer traced against
# the same upload untraced, interleaved (on/off, then off/on, ...) so
# that drift in the machine hits both alike.  Each run boots TCG, makes
# an ext2 file system, times `upload` of a 256 MiB file to it (with the
# disk layer's I/O counter inside qemu when traced) and then an
# upload-discard of 256 MiB (channel + protocol only).
#
#   trace/overhead.sh [PAIRS]        (default 3; GUESTDRV=path, SIZE_MB=256)
#
# Prints every run, the medians and the traced/untraced ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
GUESTDRV=${GUESTDRV:-$top/guestdrv}
pairs=${1:-3}
size_mb=${SIZE_MB:-256}
work=$(mktemp -d /tmp/guestdrv-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"

head -c $((size_mb * 1024 * 1024)) /dev/urandom > "$work/src"

one_run () {        # on|off -> "upload_s discard_MBps wall_s"
  local mode=$1 img=$work/disk.img args=() t0 t1 out
  rm -f "$img"
  truncate -s $((size_mb * 2 + 64))M "$img"
  [ "$mode" = on ] && args=(--trace "$work/trace.json" --trace-layers all)
  t0=$(date +%s.%N)
  out=$("$GUESTDRV" --backend tcg "${args[@]}" -a "$img" -- \
        part-disk /dev/sda mbr : mkfs ext2 /dev/sda1 : mount /dev/sda1 / : \
        time upload "$work/src" /f : sync : upload-discard ${size_mb}M)
  t1=$(date +%s.%N)
  local up dis
  up=$(sed -n 's/^elapsed time: \([0-9.]*\) seconds$/\1/p' <<<"$out")
  dis=$(sed -n 's/^upload-discard: .* \([0-9.]*\) MB\/s$/\1/p' <<<"$out")
  echo "$up $dis $(echo "$t1 - $t0" | bc)"
  rm -f "$img" "$work/trace.json"
}

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: > "$work/on"; : > "$work/off"
printf "%-5s %-4s %12s %16s %10s\n" pair mode "upload s" "discard MB/s" "wall s"
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then order="on off"; else order="off on"; fi
  for mode in $order; do
    r=$(one_run $mode)
    echo "$r" >> "$work/$mode"
    printf "%-5s %-4s %12s %16s %10s\n" $i $mode $r
  done
done

for mode in on off; do
  eval "up_$mode=$(cut -d' ' -f1 "$work/$mode" | median)"
  eval "dis_$mode=$(cut -d' ' -f2 "$work/$mode" | median)"
  eval "wall_$mode=$(cut -d' ' -f3 "$work/$mode" | median)"
done
echo
echo "medians over $pairs pairs ($size_mb MiB):"
printf "  upload to ext2 file:   traced %.3f s, untraced %.3f s, ratio %.3f\n" \
  "$up_on" "$up_off" "$(echo "$up_on / $up_off" | bc -l)"
printf "  upload-discard:        traced %.1f MB/s, untraced %.1f MB/s, ratio (time) %.3f\n" \
  "$dis_on" "$dis_off" "$(echo "$dis_off / $dis_on" | bc -l)"
printf "  whole run (wall):      traced %.1f s, untraced %.1f s, ratio %.3f\n" \
  "$wall_on" "$wall_off" "$(echo "$wall_on / $wall_off" | bc -l)"
