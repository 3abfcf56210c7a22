#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers look down only, when compiled and when built:
#  - every #include "..." of a layer names a file of its own directory or
#    of a lower layer in LAYERS;
#  - every prerequisite of a build rule whose target is in a layer (an
#    object linked, a file embedded: appliance/*-embed.c holds guest/'s
#    programs) counts like an include: its directory must be the target's
#    own or a lower layer.  The rules are read from make's database
#    (`make -pq`), so variables are expanded as make expands them;
#    order-only prerequisites (generated headers built first) order the
#    build and put no bytes in the target, so they do not count.
# The folders APART are programs of their own, not layers: each may
# include and depend on APART_BELOW only, nobody includes them, and only
# the layers EMBEDDERS names may take their build outputs.  tests/ and
# fuzz/ may use anything.  Fails, naming the file and what it includes or
# embeds, on an upward or sideways use, and on a directory with C sources
# that has no place here (so a new one gets a place).
# `make check-layers` (part of check-unit and check) runs it; TOP (the
# first argument, default: this tree) is the tree to check.
set -euo pipefail
top=$(cd "${1:-$(dirname "$0")/..}" && pwd)

# Bottom to top; directories on one line are one layer (they may not use
# each other).  cli/ is the front end: it parses options and scripts and
# dispatches to the subcommands of bench/ (bench_main, bench/bench.h) and
# fsync/ (fsync_test_main, fsync/fsync.h), which drive the session.
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
  "bench fsync"
  "cli"
)
# guest/: the programs that run inside the appliance; lazyfs/: the FUSE
# disk model, run by the fsync harness as a separate program.
APART=" guest lazyfs "
APART_BELOW=" common "
declare -A EMBEDDERS=( [guest]=" appliance " [lazyfs]=" " )
# Not layers: tests, fuzz targets, kernel patches.
SKIP=" tests fuzz kernel docs tools "

declare -A rank
for i in "${!LAYERS[@]}"; do
  for d in ${LAYERS[$i]}; do rank[$d]=$i; done
done

cd "$top"
bad=0
# may_use DIR TDIR: 0 if DIR's sources or build rules may use TDIR's
# files; else 1, with the reason in WHY (no subshell: this runs once per
# include).
may_use () {
  local dir=$1 tdir=$2
  if [[ $APART == *" $dir "* ]]; then
    [[ $APART_BELOW == *" $tdir "* ]] && return 0
    WHY="$dir/ may use only${APART_BELOW% }"
  elif [[ $APART == *" $tdir "* ]]; then
    if [[ -n ${EMBEDDERS[$tdir]// } ]]; then
      WHY="$tdir/ is apart from the layers (only${EMBEDDERS[$tdir]% } may embed its outputs)"
    else
      WHY="$tdir/ is apart from the layers (nothing may use it)"
    fi
  elif [[ -z ${rank[$tdir]+x} ]] || (( rank[$tdir] >= rank[$dir] )); then
    WHY="$tdir/ is not below $dir/"
  else
    return 0
  fi
  return 1
}

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  sources=$(git ls-files '*.c' '*.h' | grep / || true)
else
  sources=$(find . -name '*.[ch]' -path './*/*' | sed 's|^\./||' | sort)
fi
# norm PATH: REPLY is PATH with its "." and ".." resolved (no fork: this
# runs once per include).
norm () {
  local IFS=/ part
  local -a out=()
  for part in $1; do
    case $part in
      ''|.) ;;
      ..) if (( ${#out[@]} )) && [[ ${out[-1]} != .. ]]; then unset 'out[-1]'; else out+=(..); fi ;;
      *) out+=("$part") ;;
    esac
  done
  REPLY="${out[*]}"
}

while IFS= read -r file; do
  [[ -n $file ]] || continue
  dir=${file%%/*}
  [[ $SKIP == *" $dir "* ]] && continue
  if [[ -z ${rank[$dir]+x} && $APART != *" $dir "* ]]; then
    echo "check-layers: $file: directory $dir/ is not in LAYERS or APART (tools/check-layers.sh)" >&2
    bad=1
  fi
done <<<"$sources"

# Every #include "..." of every checked file, as FILE:INCLUDE lines.
checked=()
while IFS= read -r file; do
  dir=${file%%/*}
  [[ -n $file && $SKIP != *" $dir "* ]] || continue
  [[ -n ${rank[$dir]+x} || $APART == *" $dir "* ]] && checked+=("$file")
done <<<"$sources"
while IFS= read -r line; do
  file=${line%%:*} inc=${line#*:}
  dir=${file%%/*}
  # Relative to the file, else to the top (-I.).  A "../" include is
  # the file's even when it is generated and not built yet.
  norm "${file%/*}/$inc"
  target=$REPLY
  if [[ ! -e $target && $inc != ../* ]]; then
    norm "$inc"
    target=$REPLY
  fi
  tdir=${target%%/*}
  [[ $tdir == "$dir" || $target != */* ]] && continue
  if ! may_use "$dir" "$tdir"; then
    echo "check-layers: $file includes \"$inc\": $WHY" >&2
    bad=1
  fi
done < <(if (( ${#checked[@]} )); then
           grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${checked[@]}" |
             sed 's/^\([^:]*\):[^"]*"\([^"]*\)".*/\1:\2/'
         fi)

# The build rules, as make reads them: "target: prerequisites | order-only".
# DEPS= leaves out the compiler's header lists (the includes are checked
# above); PKG_CONFIG=true, the libraries' flags (none is needed here); the
# goal, Makefile, is up to date, so nothing runs.  A make of our own, not
# a child of the caller's jobserver.
if ! db=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top" -pq DEPS= PKG_CONFIG=true Makefile 2>&1); then
  echo "check-layers: make could not read the build rules:" >&2
  grep -m 5 '\*\*\*' <<<"$db" >&2 || true
  exit 1
fi
# One line per rule: target, prerequisites (order-only ones dropped) and
# the makefile of its recipe, tab-separated.  Target-specific variable
# lines ("disk/disk.o: ALL_CFLAGS += ...") are not rules.
rules=$(awk '
  /^# Files$/ { on = 1; next }
  /^# files hash-table stats/ { on = 0 }
  !on { next }
  function flush () { if (t != "") print t "\t" p "\t" f; t = "" }
  /^[^#[:space:]%.][^:=]*:([^=]|$)/ && !/^[^:]*:[[:space:]]*[A-Za-z_][A-Za-z_0-9]*[[:space:]]*[:+?]?=/ {
    flush(); t = $0; sub(/:.*/, "", t); p = $0; sub(/^[^:]*:/, "", p); sub(/\|.*/, "", p); f = ""
    next
  }
  /^#  recipe to execute \(from / { f = $0; sub(/^[^\x27]*\x27/, "", f); sub(/\x27.*/, "", f) }
  /^$/ { flush() }
  END { flush() }' <<<"$db")
while IFS=$'\t' read -r target prereqs from; do
  # Absolute targets are headers outside the tree, named by the compiler's
  # dependency lists that fuzz/module.mk includes after `make fuzz-build`.
  [[ $target != /* ]] || continue
  dir=${target%%/*}
  [[ $target == */* && $SKIP != *" $dir "* ]] || continue
  [[ -n ${rank[$dir]+x} || $APART == *" $dir "* ]] || continue
  # A rule without a recipe (an extra prerequisite): the makefile that
  # names the target.
  [[ -n $from ]] || from=$(grep -lF -- "$target:" Makefile */module.mk 2>/dev/null | head -n1 || true)
  for p in $prereqs; do
    [[ $p == */* && $p != /* ]] || continue
    pdir=${p%%/*}
    [[ $pdir == "$dir" ]] && continue
    if [[ $APART == *" $pdir "* && ${EMBEDDERS[$pdir]} == *" $dir "* ]]; then
      continue
    fi
    if ! may_use "$dir" "$pdir"; then
      echo "check-layers: ${from:-a makefile}: $target is built from $p: $WHY" >&2
      bad=1
    fi
  done
done <<<"$rules"
if (( bad )); then
  exit 1
fi
echo "check-layers: ok (${LAYERS[*]}; apart:${APART% })"
