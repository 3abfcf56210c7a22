#!/bin/bash
# The layers look down only: every #include "..." of the library and the
# front ends (tests/ and fuzz/ may include anything) names a file of its
# own directory or of a lower layer in LAYERS.  Fails, naming the file
# and the include, on an upward or sideways include, and on a directory
# with C sources that is not in the list (so a new one gets a place).
# `make check-unit` and `make check` run it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

# Bottom to top; directories on one line are one layer (they may not
# include each other).  bench/ and fsync/ drive the CLI's parser.
LAYERS=(
  "common"
  "trace"
  "appliance"
  "vhost"
  "channel"
  "protocol"
  "disk"
  "launcher"
  "session"
  "instrument"
  "cli"
  "bench fsync"
)
# Not layers: guest programs, tests, fuzz targets, kernel patches.
SKIP=" tests fuzz kernel docs tools "

declare -A rank
for i in "${!LAYERS[@]}"; do
  for d in ${LAYERS[$i]}; do rank[$d]=$i; done
done

cd "$top"
bad=0
while IFS= read -r file; do
  dir=${file%%/*}
  [[ $SKIP == *" $dir "* ]] && continue
  if [[ -z ${rank[$dir]+x} ]]; then
    echo "check-layers: $file: directory $dir/ is not in LAYERS (tools/check-layers.sh)" >&2
    bad=1
    continue
  fi
  while IFS= read -r inc; do
    # Relative to the file, else to the top (-I.).
    target=$(realpath -m --relative-to="$top" "$(dirname "$file")/$inc")
    [[ -e $target ]] || target=$(realpath -m --relative-to="$top" "$inc")
    tdir=${target%%/*}
    [[ $tdir == "$dir" || $target != */* ]] && continue
    if [[ -z ${rank[$tdir]+x} ]] || (( rank[$tdir] >= rank[$dir] )); then
      echo "check-layers: $file includes \"$inc\": $tdir/ is not below $dir/" >&2
      bad=1
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(git ls-files '*.c' '*.h' | grep /)
if (( bad )); then
  exit 1
fi
echo "check-layers: ok (${LAYERS[*]})"
