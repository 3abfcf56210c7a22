#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `auto` never fails where TCG works.  Reproduces, on any machine, a host
# where /dev/kvm passes guestdrv's probe but qemu cannot boot Linux under
# KVM (GUESTDRV_KVM_PROBE=pass, and GUESTDRV_QEMU pointing at a wrapper
# that aborts or spins under accel=kvm): `auto` falls back to TCG in the
# same command and remembers the verdict, so the next run does not try
# KVM again; `--backend kvm` fails fast with the reason.  Two TCG boots.
source "$(dirname "$0")/lib.sh"
require_qemu
truncate -s 16M "$work/d.img"
wrapper=$top/tests/integration/helpers/qemu-kvm-broken
export GUESTDRV_QEMU=$wrapper QEMU_KVM_BROKEN_LOG=$work/qemu.log
verdicts=()
forget () {   # remove the verdict files this test made (named in -v/errors)
  local f
  for f in $(grep -o '/[^ ]*/kvm-verdict-[0-9a-f]*' "$@" 2>/dev/null | sort -u); do
    rm -f "$f"
  done
}
ms_since () { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# 1. The probe's answer can be forced; auto then says why it took TCG
#    (checked before any disk is opened: no boot needed).
GUESTDRV_KVM_PROBE=fail "$GUESTDRV" -v -a "$work/missing.img" -- run 2>"$work/e0" &&
  fail "a missing disk did not fail"
grep -q "backend auto: GUESTDRV_KVM_PROBE=fail: using TCG" "$work/e0" ||
  fail "auto did not report the forced probe: $(grep -m1 launcher "$work/e0")"
t0=$(date +%s%N)
GUESTDRV_KVM_PROBE=fail "$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/e1" &&
  fail "--backend kvm ran although the probe failed"
grep -q "KVM is not usable: GUESTDRV_KVM_PROBE=fail; use --backend tcg" "$work/e1" ||
  fail "unclear kvm error: $(cat "$work/e1")"
[ "$(ms_since "$t0")" -lt 5000 ] || fail "--backend kvm took $(ms_since "$t0") ms to refuse"

# 2. The real probe is bounded, whatever this host's KVM does: --backend
#    kvm fails within seconds, either at the probe or when qemu aborts.
t0=$(date +%s%N)
"$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/e2" &&
  fail "--backend kvm booted through a qemu that aborts under KVM"
dt=$(ms_since "$t0")
forget "$work/e2"
[ "$dt" -lt 15000 ] || fail "--backend kvm took $dt ms to fail"
grep -Eq "KVM is not usable|kvm_buf_set_msrs" "$work/e2" ||
  fail "unclear kvm error: $(cat "$work/e2")"
[ "$(wc -l < "$work/e2")" = 1 ] || fail "error is not one line: $(cat "$work/e2")"

export GUESTDRV_KVM_PROBE=pass

# 3. qemu aborts under KVM: --backend kvm says so at once, with qemu's
#    own words, and remembers it.
t0=$(date +%s%N)
"$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/e3" && fail "kvm booted"
dt=$(ms_since "$t0")
forget "$work/e3"
[ "$dt" -lt 10000 ] || fail "--backend kvm took $dt ms to report qemu's abort"
grep -q "kvm_buf_set_msrs: Assertion" "$work/e3" || fail "qemu's abort not reported: $(cat "$work/e3")"

# 4. auto, first run: tries KVM, falls back to TCG in the same command,
#    says why under -v, and the appliance works.
: > "$work/qemu.log"
"$GUESTDRV" -v -a "$work/d.img" -- ping-daemon : list-devices >"$work/out1" 2>"$work/v1" ||
  { forget "$work/v1"; fail "auto failed: $(grep -v console "$work/v1" | tail -n 3)"; }
trap 'r=$?; forget "$work/v1"; (exit $r); cleanup' EXIT
grep -qx /dev/sda "$work/out1" || fail "list-devices: $(cat "$work/out1")"
grep -q "backend auto: GUESTDRV_KVM_PROBE=pass: using KVM (TCG if the KVM launch fails)" "$work/v1" ||
  fail "-v does not say auto chose KVM first"
grep -q "the KVM launch failed after .*kvm_buf_set_msrs.*falling back to TCG" "$work/v1" ||
  fail "-v does not say why it fell back: $(grep launcher "$work/v1")"
[ "$(grep -c accel=kvm "$work/qemu.log")" = 1 ] || fail "KVM attempts: $(grep -c accel=kvm "$work/qemu.log")"
[ "$(grep -c accel=tcg "$work/qemu.log")" = 1 ] || fail "TCG launches: $(grep -c accel=tcg "$work/qemu.log")"
grep -q "accel=tcg -cpu max" "$work/v1" || fail "-v does not show the TCG command line"
assert_no_leftovers

# 5. auto, second run: the verdict is remembered; no probe, no KVM attempt.
: > "$work/qemu.log"
"$GUESTDRV" -v --trace "$work/t2.json" -a "$work/d.img" -- ping-daemon 2>"$work/v2" ||
  fail "auto failed on the second run: $(tail -n 3 "$work/v2")"
grep -q "backend auto: KVM failed here before: .*kvm_buf_set_msrs.*remembered in .*: using TCG" "$work/v2" ||
  fail "second run did not use the verdict: $(grep launcher "$work/v2" | head -n 3)"
if grep -q accel=kvm "$work/qemu.log"; then fail "second run tried KVM again"; fi
if grep -q '"kvm-probe"' "$work/t2.json"; then fail "second run ran the probe"; fi
# An explicit --backend kvm fails at once on the remembered verdict.
t0=$(date +%s%N)
"$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/e5" && fail "kvm booted"
[ "$(ms_since "$t0")" -lt 2000 ] || fail "--backend kvm did not fail fast on the verdict"
grep -q "KVM failed to boot the appliance on this host before: .*remove it to try again" "$work/e5" ||
  fail "unclear remembered-verdict error: $(cat "$work/e5")"
forget "$work/v1"
assert_no_leftovers

# 6. The guest kernel spins silently under KVM (firmware output only):
#    the sign-of-life deadline catches it; the group is killed.
t0=$(date +%s%N)
QEMU_KVM_BROKEN=spin GUESTDRV_KVM_LIFE_TIMEOUT=3 \
  "$GUESTDRV" --backend kvm -a "$work/d.img" -- run 2>"$work/e6" && fail "spinning kvm booted"
dt=$(ms_since "$t0")
forget "$work/e6"
[ "$dt" -lt 10000 ] || fail "a silent KVM guest took $dt ms to be given up"
grep -q "no sign of life from the guest kernel within 3.0 s under KVM" "$work/e6" ||
  fail "unclear spin error: $(cat "$work/e6")"
assert_no_leftovers
