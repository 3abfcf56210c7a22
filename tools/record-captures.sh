#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Re-record tests/captures/*.cap: guestdrv --record against the real
# guestfsd on TCG, one session per tests/captures/rNN_*.gf, in order on
# one scratch disk (r01 partitions and formats it; r02, r03 use it).
# The unit tests (test-proto-captures) decode these recordings.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/tests/captures
work=$(mktemp -d /tmp/guestdrv-record.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in" "$work/out"
# Inputs: byte i of data*.bin is (31*i + 7) & 0xff.
python3 -c '
import sys
for n in (20000, 65536):
    open(sys.argv[1] + "/data%d.bin" % n, "wb").write(bytes((31 * i + 7) & 0xff for i in range(n)))
' "$work/in"
printf 'recorded small file\n' > "$work/in/small.txt"
mkdir "$work/in/tree"
printf 'alpha\n' > "$work/in/tree/a.txt"
tar -C "$work/in/tree" --owner=0 --group=0 --mtime=@1000000000 -cf "$work/in/small.tar" a.txt
truncate -s 32M "$work/disk.img"
for gf in "$dir"/r*.gf; do
  name=$(basename "$gf" .gf)
  sed -e "s|@IN@|$work/in|g" -e "s|@OUT@|$work/out|g" "$gf" > "$work/$name.gf"
  timeout 600 "$top/guestdrv" --backend tcg --format=raw -a "$work/disk.img" \
    --record "$dir/$name.cap" -f "$work/$name.gf" > "$work/$name.out"
  echo "$name: $(stat -c %s "$dir/$name.cap") bytes"
done
