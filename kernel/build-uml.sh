#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build guestdrv's user-mode-linux kernels from Debian's kernel sources,
# all from one config (arch/um defconfig + kernel/uml.config):
#   control  the source + the version's host patches (what it takes to
#            run on this host at all, e.g. hosts with AMX), nothing else;
#   patched  the control + the version's fixes (kernel/patches/*.patch for
#            6.1, kernel/patches/6.12/*.patch for 6.12): the guestdrv kernel.
# Control vs patched isolates the fixes.  Each binary is cached under
#   ${GUESTDRV_CACHE:-~/.cache/guestdrv}/kernels/uml-<hash>-<kind>/linux
# where <hash> covers the source version, the config and the patches;
# beside it: config, info (build time).  The names guestdrv's --kernel
# takes are links in the same folder to the last one built:
#   guestdrv (6.1 patched), guestdrv-6.12, control, control-6.12.
# One object tree per source version, reconfigured and repatched in
# place, so a config or patch change only recompiles what it touches.
# The last line printed is the requested kernel's path.
#
# usage: build-uml.sh [--path|--config-only] [--version 6.1|6.12] [control|patched|both]
#   --path         print the cached kernel's path without building; exit 1
#                  if it has not been built.
#   --config-only  configure the tree (and check every option stuck), no build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${GUESTDRV_CACHE:-$HOME/.cache/guestdrv}/kernels
jobs=${JOBS:-$(nproc)}

path_only=0 config_only=0
which=both
version=6.1
while [ $# -gt 0 ]; do
    case "$1" in
        --path) path_only=1 ;;
        --config-only) config_only=1 ;;
        --version) version=${2:-}; shift ;;
        control|patched|both) which=$1 ;;
        *) echo "build-uml.sh: unknown argument: $1 (want [--path] [--version 6.1|6.12] control|patched|both)" >&2
           exit 2 ;;
    esac
    shift
done
shopt -s nullglob
case "$version" in
    6.1)  SRC_VERSION=6.1.176-1          # what Debian's user-mode-linux is built from
          host_patches=("$here"/patches/host/*.patch)
          fix_patches=("$here"/patches/*.patch)
          suffix= ;;
    6.12) SRC_VERSION=6.12.118-1~deb12u1 # the newest LTS Debian 12 ships
          host_patches=("$here"/patches/6.12/host/*.patch)
          fix_patches=("$here"/patches/6.12/*.patch)
          suffix=-6.12 ;;
    *) echo "build-uml.sh: unknown version: $version (want 6.1 or 6.12)" >&2; exit 2 ;;
esac
shopt -u nullglob
SRC_PKG=linux-source-$version
SRC_TARBALL=/usr/src/$SRC_PKG.tar.xz
if [ $path_only = 1 ] && [ "$which" = both ]; then which=patched; fi

# Identity of a build: what goes into it, not when it was made.
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
kname () {   # kname control|patched: the --kernel name
    if [ "$1" = control ]; then echo "control$suffix"; else echo "guestdrv$suffix"; fi
}

if [ $path_only = 1 ]; then
    p=$(kpath "$which")
    if [ -x "$p" ]; then echo "$p"; exit 0; fi
    echo "build-uml.sh: the $which $version UML kernel has not been built (run: make uml-kernel)" >&2
    exit 1
fi

# Build dependencies and the pinned source, idempotently.
GUESTDRV_KERNEL=1 bash "$here/../tools/install-deps.sh" >&2
need=()
for p in flex bison bc libelf-dev gcc make xz-utils patch; do
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
    echo "build-uml.sh: installing: ${need[*]}" >&2
    SUDO=
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
fi

tree_parent=$cache/build-$SRC_VERSION
tree=$tree_parent/$SRC_PKG
mkdir -p "$tree_parent"
# One build per tree at a time (make uml-kernel beside a CI run).
exec 9>"$tree_parent/lock"
flock 9
if [ ! -f "$tree/.guestdrv-unpacked" ]; then
    echo "build-uml.sh: unpacking $SRC_TARBALL into $tree_parent" >&2
    rm -rf "$tree"
    tar -xJf "$SRC_TARBALL" -C "$tree_parent"
    touch "$tree/.guestdrv-unpacked"
fi

kmake () { nice -n 19 make -C "$tree" ARCH=um SUBARCH=x86_64 -j"$jobs" "$@"; }

# Options absent from this version's Kconfig (removed or renamed) are
# skipped with a note rather than failing the other version's build.
symbols=$tree/.guestdrv-symbols
if [ ! -s "$symbols" ]; then
    grep -rhoE --include='Kconfig*' '^(menu)?config [A-Za-z0-9_]+' "$tree" |
        awk '{ print $2 }' | sort -u > "$symbols"
fi
known () { grep -qx "$1" "$symbols"; }

if [ "$(cat "$tree/.guestdrv-configured" 2>/dev/null)" != "$config_hash" ]; then
    kmake defconfig >&2
    args=()
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        name=${line%%=*}; name=${name#CONFIG_}; val=${line#*=}
        if ! known "$name"; then
            echo "build-uml.sh: CONFIG_$name is not in $SRC_PKG: skipped" >&2
            continue
        fi
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
        known "${name#CONFIG_}" || continue
        if [ "$val" = n ]; then
            ! grep -q "^$name=" "$tree/.config" || { echo "build-uml.sh: $name still set" >&2; exit 1; }
        else
            grep -qx "$name=$val" "$tree/.config" || { echo "build-uml.sh: $name=$val did not stick (missing dependency?)" >&2; exit 1; }
        fi
    done < "$here/uml.config"
    echo "$config_hash" > "$tree/.guestdrv-configured"
fi

if [ $config_only = 1 ]; then
    echo "build-uml.sh: $tree configured (config $config_hash)" >&2
    exit 0
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
    if [ ! -x "$out" ]; then
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
            for p in "${host_patches[@]}"; do echo "patch: ${p#"$here"/patches/}"; done
            if [ "$1" = patched ]; then
                for p in "${fix_patches[@]}"; do echo "patch: ${p#"$here"/patches/}"; done
            fi
            printf 'build_seconds: %.0f\n' "$(echo "$t1 - $t0" | bc)"
            echo "jobs: $jobs"
            echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        } > "$(dirname "$out")/info"
        mv "$out.tmp" "$out"
        printf 'build-uml.sh: %s %s kernel built in %.0f s (make -j%s, nice 19): %s\n' \
               "$version" "$1" "$(echo "$t1 - $t0" | bc)" "$jobs" "$out" >&2
    else
        echo "build-uml.sh: $version $1 kernel cached: $out" >&2
    fi
    # The name --kernel resolves (launcher/kernel-name.c): the last built.
    ln -sfn "$(basename "$(dirname "$out")")" "$cache/$(kname "$1")"
}

case "$which" in
    control) build_one control; kpath control ;;
    patched) build_one patched; kpath patched ;;
    both)    build_one control; build_one patched
             echo "control: $(kpath control)"; kpath patched ;;
esac
