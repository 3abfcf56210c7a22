#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The compatibility suite: every area file (tests/compat/*.gf, in name
# order) run under guestfish (the oracle) and guestdrv, default options,
# on two copies of one image that guestfish prepares
# (tests/integration/compat/setup.gf).  Each command line is a case: a
# marker goes before it and a "-" (go on after an error) in front of it,
# and the areas are joined into one script: one appliance boot per side.
# compare.py splits, normalises, compares and prints the report.
#   run-compat.sh [--slice check] [--keep DIR]
# --slice check: only the areas whose first line says "# slice: check"
# (make check's fast part).  Exit 0 if every difference has a known cause.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tests/compat
GUESTDRV=${GUESTDRV:-$top/guestdrv}
slice=all keep=
while [ $# -gt 0 ]; do
  case $1 in
    --slice) slice=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--slice check] [--keep DIR]" >&2; exit 2 ;;
  esac
done
command -v guestfish >/dev/null || { echo "compat: guestfish not installed (apt-get install libguestfs-tools)" >&2; exit 77; }
command -v stdbuf >/dev/null || { echo "compat: stdbuf (coreutils) missing" >&2; exit 77; }
[ -x "$GUESTDRV" ] || { echo "compat: $GUESTDRV not built (make)" >&2; exit 77; }
work=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/guestdrv-compat.XXXXXX")}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR=/var/tmp

# The joined script.  Host paths in the areas are written @WORK@ and
# @SIDE@ (gf or gd), so each side's host files stay apart.  An area with
# a line "# alone" runs as its own script after the joined one, on the
# same image, without a launch of its own unless it asks (quit and exit
# end a script, so each can only be the last case of one).
joined=() alone=()
for f in "$dir"/*.gf; do
  if [ "$slice" = check ] && ! head -1 "$f" | grep -q '^# slice: check'; then continue; fi
  if grep -qx '# alone' "$f"; then alone+=("$f"); else joined+=("$f"); fi
done
areas=("${joined[@]}" "${alone[@]}")
[ ${#joined[@]} -gt 0 ] || { echo "compat: no area files" >&2; exit 1; }
: > "$work/cases"
# Key arguments: guestfish -f reads its script on standard input, so
# --keys-from-stdin takes each key from the script line after the
# command (@@KEY@@ below); guestdrv reads them from its own standard input.
# make_script OUT AREA...: the marked cases of the areas, for each side.
make_script() {
  local out=$1; shift
  awk '
    BEGIN { keys["luks-format"] = 1; keys["luks-format-cipher"] = 1; keys["luks-open"] = 1
            keys["luks-open-ro"] = 1; keys["luks-add-key"] = 2; keys["luks-kill-slot"] = 1
            keys["cryptsetup-open"] = 1 }
    FNR == 1 { area = FILENAME; sub(/.*\//, "", area); sub(/\.gf$/, "", area) }
    /^[ \t]*(#|$)/ { next }
    /^echo( |$)/ { print; next }
    { cmd = $0; sub(/^-/, "", cmd); printf "echo @@ %s:%d\n-%s\n", area, FNR, cmd
      printf "%s:%d\t%s\n", area, FNR, cmd >> CASES
      split(cmd, w, " "); for (k = 0; k < keys[w[1]]; k++) print "@@KEY@@" }
  ' CASES="$work/cases" "$@" > "$work/$out.in"
  sed "s|@WORK@|$work|g; s|@SIDE@|gf|g; s|^@@KEY@@\$|compat-key|" "$work/$out.in" > "$work/gf-$out.gf"
  sed "s|@WORK@|$work|g; s|@SIDE@|gd|g; /^@@KEY@@\$/d" "$work/$out.in" > "$work/gd-$out.gf"
}
make_script script "${joined[@]}"
mv "$work/gf-script.gf" "$work/gf.gf"; mv "$work/gd-script.gf" "$work/gd.gf"
for i in "${!alone[@]}"; do make_script "alone$i" "${alone[$i]}"; done

truncate -s 160M "$work/base.img"
timeout 600 guestfish --format=raw -a "$work/base.img" -f "$top/tests/integration/compat/setup.gf" \
  >"$work/setup.log" 2>&1 || { echo "compat: guestfish could not prepare the image: $(tail -3 "$work/setup.log")" >&2; exit 1; }
cp --sparse=always "$work/base.img" "$work/gf.img"
cp --sparse=always "$work/base.img" "$work/gd.img"
qemu-img create -q -f qcow2 -b "$work/base.img" -F raw "$work/overlay.qcow2"

yes compat-key | head -200 > "$work/keys"

# Both sides at once (two cores), each bounded; stdout and stderr in one
# stream, line-buffered (stdbuf) so errors stay next to their case.
( cd "$work" && timeout 1200 stdbuf -oL guestfish --keys-from-stdin --format=raw -a "$work/gf.img" -f "$work/gf.gf" \
    >"$work/gf.out" 2>&1 ) &
gf_pid=$!
( cd "$work" && env -u LIBGUESTFS_CACHEDIR timeout 1200 "$GUESTDRV" --backend tcg --format=raw -a "$work/gd.img" -f "$work/gd.gf" \
    <"$work/keys" >"$work/gd.out" 2>&1 )
rc_gd=$?
wait "$gf_pid"; rc_gf=$?
[ "$rc_gf" -ne 124 ] || { echo "compat: guestfish timed out" >&2; exit 1; }
[ "$rc_gd" -ne 124 ] || { echo "compat: guestdrv timed out" >&2; exit 1; }
# The areas that run alone, one after the other, each side's output
# appended to its joined run's.
for i in "${!alone[@]}"; do
  ( cd "$work" && timeout 600 stdbuf -oL guestfish --keys-from-stdin --format=raw -a "$work/gf.img" \
      -f "$work/gf-alone$i.gf" >>"$work/gf.out" 2>&1 ) || [ $? -ne 124 ] || { echo "compat: guestfish timed out" >&2; exit 1; }
  ( cd "$work" && env -u LIBGUESTFS_CACHEDIR timeout 600 "$GUESTDRV" --backend tcg --format=raw -a "$work/gd.img" \
      -f "$work/gd-alone$i.gf" <"$work/keys" >>"$work/gd.out" 2>&1 ) || [ $? -ne 124 ] || { echo "compat: guestdrv timed out" >&2; exit 1; }
done
# Host paths in outputs name each side's own files.
sed -i "s|$work/gf|$work/SIDE|g" "$work/gf.out"
sed -i "s|$work/gd|$work/SIDE|g" "$work/gd.out"
sed -i "s|$work|WORK|g" "$work/gf.out" "$work/gd.out"
"$GUESTDRV" help | awk 'NR > 1 { print $1 }' > "$work/listed"
echo "compat: areas: $(for a in "${areas[@]}"; do basename "$a" .gf; done | tr '\n' ' ')"
python3 "$dir/compare.py" "$work/cases" "$work/gf.out" "$work/gd.out" "$dir/known-differences" "$work/listed"
