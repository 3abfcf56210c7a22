#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: the quick matrix.  startup, api, upload, upload-no-write
# and write-no-upload, 3 runs each (the first is warm-up), 128 MiB on tcg
# and 16 MiB on uml (its serial line takes about 0.5 MB/s host to guest:
# one byte per host read()).  With
# libguestfs as the peer when guestfish is installed; results into
# bench-results/.  About 15 minutes on a 2-core machine without KVM.
#
# UML joins only if a quick launch works; kvm only if the probe passes
# (guestdrv bench drops an unusable backend from its default list).
set -u
cd "$(dirname "$0")/.."
GUESTDRV=${GUESTDRV:-./guestdrv}
out=${BENCH_OUT:-bench-results}

backends=tcg
probe=$(mktemp -d /tmp/guestdrv-bench-probe.XXXXXX)
trap 'rm -rf "$probe"' EXIT
truncate -s 64M "$probe/disk.img"
if timeout 120 "$GUESTDRV" --backend uml -a "$probe/disk.img" -- ping-daemon \
     >"$probe/log" 2>&1; then
  backends=$backends,uml
else
  echo "make bench: uml skipped: $(tail -n1 "$probe/log")" >&2
fi
if "$GUESTDRV" --backend kvm -a "$probe/disk.img" -- ping-daemon \
     >"$probe/log" 2>&1; then
  backends=kvm,$backends
fi

peer=
if command -v guestfish >/dev/null; then
  peer=--peer
else
  echo "make bench: libguestfs not installed, no peer" \
       "(make deps)" >&2
fi

# exec replaces this shell, so its EXIT trap would never run.
rm -rf "$probe"
trap - EXIT
exec "$GUESTDRV" bench \
  --scenario startup,api,upload,upload-no-write,write-no-upload \
  --backend "$backends" --size kvm=128M,tcg=128M,uml=16M -n 3 \
  $peer --out "$out" "$@"
