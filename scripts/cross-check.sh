#!/usr/bin/env bash
# Compile every C and C++ source the project builds for 64-bit ARM.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   scripts/cross-check.sh
#
# Configures two aarch64 cross builds with the Meson cross files in
# scripts/cross/ and builds every object file meson knows of in them (what
# `ninja -t targets all` lists as *.o, generated sources included), so a new
# source is checked with no list to keep:
#   build-aarch64        aarch64-linux-gnu-gcc/g++, -Dtests=enabled
#                        (gst/, ext/, tools/, examples/, tests/)
#   build-aarch64-clang  clang --target=aarch64-linux-gnu, -Dfuzzing=enabled
#                        (the same less tests/, plus fuzz/, clang only)
# Real code generation, not -fsyntax-only: target attributes such as an
# unguarded target_clones("avx2", ...) fail only when code is generated.
# Nothing is linked (there are no aarch64 GStreamer or OpenCV libraries
# here): the headers are the build machine's, found through its pkg-config
# data, which is enough for code that does not depend on the word size
# (x86_64 and aarch64 Linux are both LP64).
# Environment: UMAT_SKIP_APT=1.
set -euo pipefail

# shellcheck source=scripts/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"

case ${1:-} in
  -h|--help) sed -n '/^#   scripts/,/^# Environment/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *) umat_die "no arguments expected (see --help)" ;;
esac

cd "$UMAT_ROOT"
umat_install_deps build cross

# The build machine's pkg-config search path, for headers only.
pc_libdir=$(pkg-config --variable pc_path pkg-config) \
  || umat_die "pkg-config cannot say where its .pc files are"
pc_libdir=${PKG_CONFIG_PATH:+$PKG_CONFIG_PATH:}$pc_libdir
# Some .pc files (libffi's, through gobject) add -I/usr/include/<multiarch>,
# which a native compiler searches anyway; for the cross compiler it would
# mix x86_64 glibc headers in, so pkg-config is told it is a system folder.
multiarch=$(cc -print-multiarch 2>/dev/null || true)
system_includes=/usr/include${multiarch:+:/usr/include/$multiarch}

# configure DIR CROSS_FILE... -- MESON OPTIONS: a cross build in DIR.
configure() {
  local dir=$1 files=() names=() name stubs setup
  shift
  while [[ $1 != -- ]]; do files+=(--cross-file "$UMAT_ROOT/scripts/cross/$1"); shift; done
  shift
  stubs=$UMAT_ROOT/$dir/cross
  # a folder where meson setup failed is not one it sets up again
  [[ -f $dir/build.ninja ]] || rm -rf "$dir"
  mkdir -p "$stubs"
  # meson's find_library() links a test program against the library, which
  # the x86_64 one cannot be: an empty aarch64 library of each name that a
  # meson.build looks for (without opencv4.pc, OpenCV's) stands in.
  mapfile -t names < <(find . \( -path './build*' -o -path './.*' \) -prune \
    -o -name meson.build -exec sed -n "s/.*find_library *( *'\([^']*\)'.*/\1/p" {} + | sort -u)
  for name in "${names[@]}"; do
    [[ -f $stubs/lib$name.so ]] \
      || aarch64-linux-gnu-gcc -shared -nostdlib -o "$stubs/lib$name.so" -x c /dev/null \
      || umat_die "cannot make a stub aarch64 library for $name"
  done
  # The build machine's pkg-config, and the stubs on the link path. Written
  # only when it changes: meson reconfigures when a cross file changes.
  setup=$(printf '%s\n' \
    '[binaries]' \
    "pkgconfig = ['env', 'PKG_CONFIG_SYSTEM_INCLUDE_PATH=$system_includes', 'pkg-config']" \
    '[properties]' \
    "pkg_config_libdir = '$pc_libdir'" \
    '[built-in options]' \
    "c_link_args = ['-L$stubs']" \
    "cpp_link_args = ['-L$stubs']")
  [[ $(cat "$stubs/setup.ini" 2>/dev/null) == "$setup" ]] \
    || printf '%s\n' "$setup" >"$stubs/setup.ini"
  [[ ! -f $dir/build.ninja ]] || return 0
  umat_say "configuring $dir"
  meson setup "$dir" "${files[@]}" --cross-file "$stubs/setup.ini" "$@" >"$stubs/setup.log" 2>&1 \
    || { cat "$stubs/setup.log"; umat_die "meson setup $dir failed"; }
}

# compile DIR: every object file of DIR, and what they depend on; all of
# them, past failures (-k 0), so that one run shows every error. Adds DIR
# to failed when one fails.
failed=()
compile() {
  local dir=$1 objects
  mapfile -t objects < <(ninja -C "$dir" -t targets all | awk -F': ' '$1 ~ /\.o$/ { print $1 }')
  [[ ${#objects[@]} -gt 0 ]] || umat_die "$dir has no object files to build"
  umat_say "compiling ${#objects[@]} sources for aarch64 in $dir"
  ninja -C "$dir" -k 0 "${objects[@]}" || failed+=("$dir")
}

configure build-aarch64 aarch64-linux-gnu.ini -- -Dtests=enabled
compile build-aarch64
configure build-aarch64-clang aarch64-linux-gnu.ini aarch64-linux-gnu-clang.ini -- \
  -Dtests=disabled -Dfuzzing=enabled
compile build-aarch64-clang
[[ ${#failed[@]} -eq 0 ]] \
  || umat_die "the aarch64 build failed in ${failed[*]} (the FAILED lines above)"
