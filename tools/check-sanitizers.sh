#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a copy of the tree with AddressSanitizer + UBSan (and
# float-cast-overflow) and run the unit tests there, so the sanitizer
# objects never mix with the normal build; then the integration tests in
# SANITIZE_TESTS with that instrumented guestdrv (a hostile guest on TCG,
# the cache refusals).  SANITIZE_TESTS= runs none.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/guestdrv-asan.XXXXXX)
trap 'rm -rf "$dir"' EXIT
(cd "$top" && git ls-files -z | cpio -0pdm --quiet "$dir")
# The unit tests read the captures relative to the repo root.
export GUESTDRV_CAPTURES=${GUESTDRV_CAPTURES:-$top/../shared/protocol/captures}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
make -C "$dir" -j2 SANITIZE=1 CFLAGS="-O1 -g" check-unit
for t in ${SANITIZE_TESTS-test-cache-safety.sh test-tcg-hostile-guest.sh}; do
  rc=0
  timeout --kill-after=10 600 bash "$dir/tests/integration/$t" || rc=$?
  case $rc in
    0)  echo "PASS (sanitized guestdrv): $t" ;;
    77) echo "SKIP (sanitized guestdrv): $t" ;;
    *)  echo "FAIL (sanitized guestdrv): $t (exit $rc)"; exit 1 ;;
  esac
done
