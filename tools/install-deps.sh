#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install every Debian package guestdrv needs, idempotently.  Run as root
# (or with sudo available).  Does nothing when all are already installed.
set -euo pipefail

packages=(
  # build
  gcc make pkg-config libc6-dev
  libtirpc-dev rpcsvc-proto            # XDR routines and rpcgen
  check                                # unit tests
  clang libclang-rt-14-dev             # make fuzz (libFuzzer's runtime)
  libfuse3-dev fuse3                   # the fsync harness's FUSE disk model
  # hypervisors and kernels
  qemu-system-x86 qemu-utils
  linux-image-amd64                    # the qemu kernel (a container has no /boot kernel)
  user-mode-linux                      # /usr/bin/linux.uml and its modules
  # the appliance: supermin and the packages it is built from
  supermin guestfsd
  dash coreutils util-linux mount e2fsprogs parted gdisk tar gzip bzip2
  xz-utils kmod procps iproute2 lvm2 mdadm
  fdisk dosfstools xfsprogs zerofree   # optional groups (guestfish compatibility)
  findutils file bsdextrautils binutils grep sed
  btrfs-progs cryptsetup-bin ntfs-3g ldmtool f2fs-tools squashfs-tools
  sleuthkit grub2-common extlinux syslinux mtools uuid-runtime   # groups as libguestfs's
  acl attr cpio diffutils gawk lsscsi lzop psmisc scrub zstd exfatprogs
  # tests and benchmarks
  e2fsprogs strace gnuplot-nox python3 valgrind jq
  systemd-journal-remote               # test-lib-inspect writes a guest's journal with it
  groff-base man-db                    # the man page's check (groff -ww) and rendering
  libguestfs-tools                     # guestfish: the compatibility oracle and the bench peer
)
if [ "${GUESTDRV_KERNEL:-0}" = 1 ]; then
  # make uml-kernel (kernel/build-uml.sh, which also installs the pinned
  # linux-source-6.1=6.1.176-1 itself: apt's default is newer)
  packages+=(flex bison bc libelf-dev patch)
fi

missing=()
for p in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" for installed packages.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing: ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
