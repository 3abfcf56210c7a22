#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# /dev/sda, /dev/sdb... reach the -a disks in -a order, whatever names
# the guest kernel gave them (its SCSI probe is asynchronous: with
# several disks sda is often not the first target).  Eight disks of
# distinct sizes per TCG boot, two boots with the C init and one with
# the shell init; each disk's size is read and a marker written through
# /dev/sdX, then the markers are checked on the host images.  UML once
# on ubd and, if qemu-storage-daemon is there, once on vhost-user-blk.
# With the old name-sorted links it failed in 2 of 2 runs (the shell
# init's boot once, the C init's first boot once).
source "$(dirname "$0")/lib.sh"
[ -x "$GUESTDRV" ] || skip "$GUESTDRV not built (make)"

letters=(a b c d e f g h i j k l m n o)

# check_boot N LABEL GUESTDRV-ARGS...: N disks, disk i is (i+1) MiB
# plus i sectors; one boot; sizes and markers checked.
check_boot () {
  local n=$1 label=$2; shift 2
  local args=() cmds=() want="" i l
  for ((i = 0; i < n; i++)); do
    l=${letters[i]}
    rm -f "$work/d$i.img"
    truncate -s $(( (i + 1) * 1048576 + i * 512 )) "$work/d$i.img"
    args+=(-a "$work/d$i.img")
    cmds+=(blockdev-getsize64 /dev/sd$l : pwrite-device /dev/sd$l "disk-$l" 0 :)
    want+="$(( (i + 1) * 1048576 + i * 512 ))"$'\n'6$'\n'
  done
  # What the kernel named each target: only reported, to show whether
  # this boot reordered anything.
  cmds+=(debug sh 'for d in /sys/block/sd* /sys/block/vd*; do [ -e $d/device ] && echo "kernel-name ${d##*/} $(readlink $d/device)"; done; true')
  timeout 300 "$GUESTDRV" "$@" "${args[@]}" -- "${cmds[@]}" \
    > "$work/out" 2> "$work/err" ||
    fail "$label: guestdrv failed: $(tail -3 "$work/err")"
  diff <(printf '%s' "$want") <(grep -v -e '^kernel-name' -e '^$' "$work/out") > "$work/diff" ||
    fail "$label: sizes through /dev/sdX not in -a order: $(cat "$work/diff")"
  for ((i = 0; i < n; i++)); do
    l=${letters[i]}
    [ "$(head -c 6 "$work/d$i.img")" = "disk-$l" ] ||
      fail "$label: image $i (-a #$((i + 1))) holds '$(head -c 6 "$work/d$i.img" | tr -cd '[:print:]')', not disk-$l"
  done
  # A boot where sda is not target 0 (or vda not virtio0) reordered.
  if awk '$1 == "kernel-name" && $2 ~ /^sd/ { split($3, p, "/"); a = p[length(p)];
            n = split(a, f, ":"); idx = 0; s = $2; sub(/^sd/, "", s);
            for (k = 1; k <= length(s); k++) idx = idx * 26 + index("abcdefghijklmnopqrstuvwxyz", substr(s, k, 1));
            if (n == 4 && f[3] != idx - 1) r = 1 } END { exit !r }' "$work/out"; then
    reordered=$((reordered + 1))
  fi
  echo "ok: $label ($n disks)"
}

reordered=0
if command -v qemu-system-x86_64 >/dev/null && ls /boot/vmlinuz-* >/dev/null 2>&1; then
  for b in 1 2; do
    check_boot 8 "tcg boot $b" --backend tcg
  done
  check_boot 8 "tcg shell init" --backend tcg --append guestdrv.init=sh
  echo "tcg: $reordered of 3 boots had kernel names out of target order"
else
  echo "qemu or a kernel missing: TCG part skipped" >&2
fi

if [ -x /usr/bin/linux.uml ]; then
  check_boot 4 "uml ubd" --backend uml
  if command -v qemu-storage-daemon >/dev/null; then
    check_boot 4 "uml vhost-user" --backend uml --uml-disk vhost-user
  fi
else
  echo "linux.uml missing: UML part skipped" >&2
fi
assert_no_leftovers
