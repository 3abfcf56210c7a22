#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every UML integration test again, on each of guestdrv's own UML
# kernels that is built (make uml-kernel, make uml-kernel-6.12): guestdrv
# reads GUESTDRV_UML_KERNEL as the --kernel of UML runs that give none.
# test-kernel-uml names its kernels itself and runs in make check.
# Fails if no guestdrv kernel is built (nothing would have been tested).
set -u
cd "$(dirname "$0")/.."
ran=0 rc=0
for k in guestdrv guestdrv-6.12; do
  if ! ./guestdrv --backend uml --kernel "$k" --help >/dev/null 2>&1; then
    echo "run-uml-kernels: $k: not built, not tested"
    continue
  fi
  echo "run-uml-kernels: the UML tests on --kernel $k"
  ran=$((ran + 1))
  GUESTDRV_UML_KERNEL=$k GUESTDRV_TESTS_MATCH='uml' \
    SKIP_TEST_KERNEL_UML=1 bash tests/run-tests.sh || rc=1
done
if [ $ran = 0 ]; then
  echo "run-uml-kernels: no guestdrv UML kernel is built (make uml-kernel)" >&2
  exit 1
fi
exit $rc
