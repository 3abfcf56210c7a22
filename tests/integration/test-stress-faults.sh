#!/usr/bin/env bash
# One host-side fault of each kind (tests/stress/faults.sh, the make check
# slice of make stress): the hypervisor SIGKILLed during launch, upload,
# download and shutdown, qemu-storage-daemon SIGKILLed during an upload,
# the image's host file system full during an upload, and EIO from the
# disk model on reads and on writes.  Each must end with a non-zero exit
# within 2 s, a one-line error naming the cause, nothing left behind, and
# a working next run on the same image.  UML (quick to boot); make stress
# runs every kind 50 times on UML, UML/vhost-user and TCG.
# Needs root, /dev/fuse.  SKIP_TEST_STRESS_FAULTS=1 skips.
set -u
[ -z "${SKIP_TEST_STRESS_FAULTS:-}" ] || { echo "SKIP: SKIP_TEST_STRESS_FAULTS is set"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x /usr/bin/linux.uml ] || { echo "SKIP: linux.uml not installed"; exit 77; }
[ -c /dev/fuse ] || { echo "SKIP: /dev/fuse missing"; exit 77; }
command -v qemu-storage-daemon >/dev/null || { echo "SKIP: qemu-storage-daemon missing"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d /tmp/test-stress-faults.XXXXXX)
trap 'rm -rf "$logs"' EXIT
export FAULTS_LOGS=$logs
rc=0
bash "$here/../stress/faults.sh" uml 1 || rc=1
bash "$here/../stress/faults.sh" uml-vhost 1 kill-qsd || rc=1
if [ $rc != 0 ]; then
  for f in "$logs"/*.log; do
    [ -e "$f" ] || continue
    echo "--- $f"; grep -v "console:" "$f" | tail -8
  done
  echo "FAIL: an injected fault was not handled"
  exit 1
fi
echo PASS
