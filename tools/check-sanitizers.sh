#!/bin/bash
# Build a copy of the tree with AddressSanitizer + UBSan and run the unit
# tests there, so the sanitizer objects never mix with the normal build.
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
