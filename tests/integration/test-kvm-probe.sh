#!/bin/bash
# The KVM probe is bounded: on a machine where /dev/kvm exists but no vCPU
# runs (nested virtualization), auto picks TCG within seconds and an
# explicit --backend kvm fails within seconds with a clear error.
source "$(dirname "$0")/lib.sh"
require_qemu
truncate -s 16M "$work/d.img"
t0=$(date +%s%N)
if "$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/err"; then
  echo "KVM works on this machine: nothing to check for the fallback" >&2
  exit 77
fi
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ $ms -lt 10000 ] || fail "--backend kvm took $ms ms to fail"
grep -q "KVM is not usable" "$work/err" || fail "unclear kvm error: $(cat "$work/err")"
# auto: -v says why it chose TCG, and the appliance runs.
"$GUESTDRV" -v -a "$work/d.img" -- ping-daemon 2>"$work/v"
grep -q "backend auto: .*using TCG" "$work/v" || fail "auto did not choose TCG: $(grep auto "$work/v")"
grep -q "accel=tcg" "$work/v" || fail "-v does not show the qemu command line"
grep -q "cache=writeback" "$work/v" || fail "-v does not show the cache mode"
assert_no_leftovers
