#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the unit tests given as arguments, then every integration test
# tests/integration/test-*.sh, each bounded by `timeout`.  Exit 77 from a
# test means skipped (its reason is the last line it printed).  A skip
# counts as a failure unless tests/expected-skips names that test and a
# pattern that its reason matches: `make check` installs everything, so
# any other skip means something is broken.  The summary names every
# skip with its reason.  SKIP_<NAME>=1 skips one test on purpose (NAME:
# the file name upper-cased, '-' and '.' as '_', without the .sh).
# GUESTDRV_TESTS=unit runs the unit tests only; GUESTDRV_VALGRIND=1 runs
# the unit tests under valgrind.  Each test's whole output goes to a log;
# the logs are kept, and their directory printed, when a test fails.
set -u
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
failures=() skips=()
logdir=$(mktemp -d /tmp/guestdrv-tests.XXXXXX)
keep_logs=0
trap '[ $keep_logs = 1 ] || rm -rf "$logdir"' EXIT
# Tests pin their backend and qemu themselves: nothing from the caller's
# environment may choose for them.
unset GUESTDRV_BACKEND GUESTDRV_QEMU GUESTDRV_KVM_PROBE GUESTDRV_KVM_LIFE_TIMEOUT GUESTDRV_UML_CHANNEL GUESTDRV_UML_DISK
export MALLOC_PERTURB_=$(( (RANDOM % 254) + 1 ))

# expected_skip NAME REASON: prints why the skip is expected, or fails.
expected_skip () {
  local name=$1 reason=$2 t pat why
  while IFS=$'\t' read -r t pat why; do
    case $t in ''|'#'*) continue ;; esac
    if [ "$t" = "$name" ] && printf '%s\n' "$reason" | grep -Eq -- "$pat"; then
      printf '%s\n' "$why"
      return 0
    fi
  done < tests/expected-skips
  return 1
}

skip_result () {           # name reason
  local name=$1 reason=$2 short why
  short=$(basename "$name" .sh)
  if why=$(expected_skip "$short" "$reason"); then
    echo "SKIP: $name: $reason (expected: $why)"
    skipped=$((skipped+1)); skips+=("$short: $reason (expected: $why)")
  else
    echo "FAIL: $name: skipped, and tests/expected-skips does not expect it: $reason"
    failed=$((failed+1)); failures+=("$name (unexpected skip)")
  fi
}

run_one () {               # name timeout command...
  local name=$1 limit=$2; shift 2
  local var="SKIP_$(basename "$name" .sh | tr 'a-z.-' 'A-Z__')"
  if [ "${!var:-0}" = 1 ]; then
    echo "SKIP: $name ($var=1)"; skipped=$((skipped+1))
    skips+=("$(basename "$name" .sh): $var=1 (asked for)"); return
  fi
  local t0=$SECONDS log="$logdir/$(basename "$name").log"
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
  local rc=$?
  local dt=$((SECONDS - t0))
  case $rc in
    0)  echo "PASS: $name (${dt}s)"; passed=$((passed+1)) ;;
    77) skip_result "$name" "$(tail -n1 "$log" | sed 's/^SKIP: //')" ;;
    124|137) echo "FAIL: $name: timed out after ${limit}s"; failed=$((failed+1)); failures+=("$name"); tail -n 30 "$log" | sed 's/^/    /' ;;
    *)  echo "FAIL: $name (exit $rc, ${dt}s)"; failed=$((failed+1)); failures+=("$name"); tail -n 40 "$log" | sed 's/^/    /' ;;
  esac
}

for t in "$@"; do
  if [ "${GUESTDRV_VALGRIND:-0}" = 1 ]; then
    run_one "$t" 600 env CK_FORK=no valgrind --quiet --error-exitcode=99 \
      --leak-check=full --errors-for-leak-kinds=definite "./$t"
  else
    run_one "$t" 300 "./$t"
  fi
done

if [ "${GUESTDRV_TESTS:-all}" != unit ]; then
  for t in tests/integration/test-*.sh; do
    [ -e "$t" ] || continue
    # GUESTDRV_TESTS_MATCH: only the integration tests whose name matches
    # this extended regex (tests/run-uml-kernels.sh).
    [[ $(basename "$t") =~ ${GUESTDRV_TESTS_MATCH:-.} ]] || continue
    run_one "$t" "${GUESTDRV_TEST_TIMEOUT:-600}" bash "$t"
  done
fi

echo
for k in "${skips[@]}"; do echo "skipped: $k"; done
echo "$passed passed, $failed failed, $skipped skipped"
if [ $failed -gt 0 ]; then
  echo "failed: ${failures[*]}"
  keep_logs=1
  echo "logs of every test: $logdir/"
  exit 1
fi
exit 0
