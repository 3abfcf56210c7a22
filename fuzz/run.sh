#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run each libFuzzer target for a set time from its committed seeds and
# print one line per target: executions, rate, crashes, corpus size.
# FUZZ_TIME=seconds per target (default 60); FUZZ_TIMES="fuzz-stack=120"
# overrides single targets.  One process per target, niced (FUZZ_NICE),
# since the build machines are shared.  New corpus
# entries and crash inputs go to fuzz/out/ (not committed).  Exit status
# 1 if any target crashed or did not run.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/fuzz/out
mkdir -p "$out"
time_for () {
  local t=${FUZZ_TIME:-60} kv
  for kv in ${FUZZ_TIMES:-}; do
    [ "${kv%%=*}" = "$1" ] && t=${kv#*=}
  done
  echo "$t"
}
declare -A maxlen=([fuzz-reply]=16384 [fuzz-stack]=40000 [fuzz-qmp]=8192 [fuzz-console]=4096)
status=0
printf '%-14s %6s %12s %10s %8s %7s\n' target seconds executions exec/s crashes corpus
for bin in "$@"; do
  name=$(basename "$bin")
  seeds=$top/fuzz/seeds/${name#fuzz-}
  corpus=$out/corpus-$name
  log=$out/$name.log
  t=$(time_for "$name")
  mkdir -p "$corpus"
  rm -f "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-*
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice -n "${FUZZ_NICE:-10}" "$top/$bin" -max_total_time="$t" -timeout=10 \
    -max_len="${maxlen[$name]:-4096}" -print_final_stats=1 \
    -artifact_prefix="$out/$name-" "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  crashes=$(ls "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-* 2>/dev/null | wc -l)
  ncorpus=$(ls "$corpus" | wc -l)
  if [ -z "$execs" ] || [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
    status=1
    echo "fuzz: $name failed (exit $rc); log: $log" >&2
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" >&2
  fi
  rate=$(( ${execs:-0} / (${secs:-$t} > 0 ? ${secs:-$t} : 1) ))
  printf '%-14s %6s %12s %10s %8s %7s\n' "$name" "${secs:-?}" "${execs:-?}" "$rate" "$crashes" "$ncorpus"
done
exit $status
