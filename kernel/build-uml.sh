#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build user-mode-linux kernels from Debian's linux-source-6.1 (the version
# Debian's user-mode-linux package was built from), all from the same
# source and config (arch/um defconfig + kernel/uml.config):
#   control  the source + kernel/patches/host/*.patch (what it takes to run
#            on this host at all, e.g. hosts with AMX), nothing else;
#   patched  the control + kernel/patches/*.patch (the fixes under test).
# Control vs patched isolates the fixes.  Each binary is cached under
#   ${GUESTDRV_CACHE:-~/.cache/guestdrv}/kernels/uml-<hash>-<kind>/linux
# where <hash> covers the source version, the config and the patches;
# beside it: config, info (build time).  Both share one object tree, so
# switching only recompiles the patched files.  The last line printed is
# the requested kernel's path.
#
# usage: build-uml.sh [--path] [control|patched|both]
#   --path   print the cached kernel's path without building; exit 1 if
#            it has not been built.
set -euo pipefail

SRC_PKG=linux-source-6.1
SRC_VERSION=6.1.176-1
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
here=$(cd "$(dirname "$0")" && pwd)
cache=${GUESTDRV_CACHE:-$HOME/.cache/guestdrv}/kernels
jobs=${JOBS:-$(nproc)}

path_only=0
which=both
for a in "$@"; do
    case "$a" in
        --path) path_only=1 ;;
        control|patched|both) which=$a ;;
        *) echo "build-uml.sh: unknown argument: $a (want [--path] control|patched|both)" >&2
           exit 2 ;;
    esac
done
if [ $path_only = 1 ] && [ "$which" = both ]; then which=patched; fi

shopt -s nullglob
host_patches=("$here"/patches/host/*.patch)
fix_patches=("$here"/patches/*.patch)
shopt -u nullglob

# Identity of a build: what goes into it, not when it was made.  The
# object tree depends on the source and config only.
config_hash=$( { echo "$SRC_PKG $SRC_VERSION"; cat "$here/uml.config"; } |
               sha256sum | cut -c1-16)
control_hash=$( { echo "$config_hash"; cat "${host_patches[@]}" /dev/null; } |
                sha256sum | cut -c1-16)
patched_hash=$( { echo "$control_hash"; cat "${fix_patches[@]}" /dev/null; } |
                sha256sum | cut -c1-16)
kpath () {   # kpath control|patched
    if [ "$1" = control ]; then echo "$cache/uml-$control_hash-control/linux"
    else echo "$cache/uml-$patched_hash-patched/linux"; fi
}

if [ $path_only = 1 ]; then
    p=$(kpath "$which")
    if [ -x "$p" ]; then echo "$p"; exit 0; fi
    echo "build-uml.sh: the $which UML kernel has not been built (run: make uml-kernel)" >&2
    exit 1
fi

# Build dependencies and the pinned source, idempotently.
GUESTDRV_KERNEL=1 bash "$here/../tools/install-deps.sh" >&2
need=()
for p in flex bison bc libelf-dev gcc make xz-utils patch "$SRC_PKG"; do
    v=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null || true)
    case "$v" in
        "install ok installed"*) ;;
        *) need+=("$p") ;;
    esac
done
if [ "$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || true)" != "$SRC_VERSION" ]; then
    need+=("$SRC_PKG=$SRC_VERSION")
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "build-uml.sh: installing: ${need[*]}"
    SUDO=
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
fi

tree_parent=$cache/build-$config_hash
tree=$tree_parent/linux-source-6.1
mkdir -p "$tree_parent"
if [ ! -f "$tree/.guestdrv-unpacked" ]; then
    echo "build-uml.sh: unpacking $SRC_TARBALL into $tree_parent" >&2
    rm -rf "$tree"
    tar -xJf "$SRC_TARBALL" -C "$tree_parent"
    touch "$tree/.guestdrv-unpacked"
fi

kmake () { nice -n 19 make -C "$tree" ARCH=um SUBARCH=x86_64 -j"$jobs" "$@"; }

if [ ! -f "$tree/.guestdrv-configured" ]; then
    kmake defconfig >&2
    args=()
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        name=${line%%=*}; name=${name#CONFIG_}; val=${line#*=}
        case "$val" in
            y) args+=(--enable "$name") ;;
            n) args+=(--disable "$name") ;;
            m) args+=(--module "$name") ;;
            \"*) val=${val#\"}; args+=(--set-str "$name" "${val%\"}") ;;
            *) args+=(--set-val "$name" "$val") ;;
        esac
    done < "$here/uml.config"
    "$tree/scripts/config" --file "$tree/.config" "${args[@]}"
    kmake olddefconfig >&2
    # Every option asked for must have survived olddefconfig's dependency
    # resolution, or the kernel would silently lack it.
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        name=${line%%=*}; val=${line#*=}
        if [ "$val" = n ]; then
            ! grep -q "^$name=" "$tree/.config" || { echo "build-uml.sh: $name still set" >&2; exit 1; }
        else
            grep -qx "$name=$val" "$tree/.config" || { echo "build-uml.sh: $name=$val did not stick (missing dependency?)" >&2; exit 1; }
        fi
    done < "$here/uml.config"
    touch "$tree/.guestdrv-configured"
fi

# The tree's patch state: copies of the applied patches, in order, so
# that they can be reversed exactly whatever kernel/patches holds now.
applied=$tree/.guestdrv-applied
set_patches () {   # set_patches control|patched
    local want=("${host_patches[@]}") i p
    [ "$1" = patched ] && want+=("${fix_patches[@]}")
    local wanted
    wanted=$(cat "${want[@]}" /dev/null | sha256sum)
    if [ -f "$applied/sum" ] && [ "$(cat "$applied/sum")" = "$wanted" ]; then
        return
    fi
    if [ -d "$applied" ]; then
        mapfile -t old < <(ls "$applied"/*.patch 2>/dev/null | sort -r)
        for p in "${old[@]}"; do patch -d "$tree" -p1 -R -s < "$p"; done
        rm -rf "$applied"
    fi
    mkdir -p "$applied"
    i=0
    for p in "${want[@]}"; do
        patch -d "$tree" -p1 --forward -s < "$p"
        i=$((i + 1))
        cp "$p" "$applied/$(printf %03d "$i")-${p##*/}"
    done
    echo "$wanted" > "$applied/sum"
}

build_one () {   # build_one control|patched
    local out
    out=$(kpath "$1")
    if [ -x "$out" ]; then
        echo "build-uml.sh: $1 kernel cached: $out" >&2
        return
    fi
    set_patches "$1"
    local t0 t1
    t0=$(date +%s.%N)
    kmake linux >&2
    t1=$(date +%s.%N)
    mkdir -p "$(dirname "$out")"
    cp "$tree/linux" "$out.tmp"
    cp "$tree/.config" "$(dirname "$out")/config"
    {
        echo "source: $SRC_PKG $SRC_VERSION"
        echo "kind: $1"
        for p in "${host_patches[@]}"; do echo "patch: host/${p##*/}"; done
        if [ "$1" = patched ]; then
            for p in "${fix_patches[@]}"; do echo "patch: ${p##*/}"; done
        fi
        printf 'build_seconds: %.0f\n' "$(echo "$t1 - $t0" | bc)"
        echo "jobs: $jobs"
        echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } > "$(dirname "$out")/info"
    mv "$out.tmp" "$out"
    printf 'build-uml.sh: %s kernel built in %.0f s (make -j%s, nice 19): %s\n' \
           "$1" "$(echo "$t1 - $t0" | bc)" "$jobs" "$out" >&2
}

case "$which" in
    control) build_one control; kpath control ;;
    patched) build_one patched; kpath patched ;;
    both)    build_one control; build_one patched
             echo "control: $(kpath control)"; kpath patched ;;
esac
