# shellcheck shell=bash
# Shared by scripts/main-job.sh and scripts/test.sh (sourced, not run).
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# umat_install_deps: installs with apt-get (Debian 12, Ubuntu 22.04 and
#   later) whatever of UMAT_APT_PACKAGES is missing; does nothing, and never
#   calls apt, when dpkg-query says they are all installed.
# umat_configure DIR [MESON OPTIONS]: meson setup DIR, or when DIR is already
#   configured, meson configure for the options that differ.
# umat_die TEXT: one line on stderr, exit 1.
#
# Environment: UMAT_BUILD_DIR (default build, relative to the repository
# root), UMAT_SKIP_APT=1 (never install, only check), UMAT_PYTHON (default
# /usr/bin/python3, the interpreter that has python3-gst-1.0).

# Build tools, GStreamer with the plugins the main job and the tests use
# (x264enc: ugly, mp4mux/qtdemux: good, h264parse: bad, avdec_h264: libav),
# OpenCV core+imgproc, an OpenCL loader and PoCL (an OpenCL CPU device, so
# the OpenCL backend runs without a GPU), gst-python and numpy for the
# Python example (examples/python) and the tests that run it, and for
# scripts/reliability.sh valgrind, clang and its libFuzzer runtime.
UMAT_APT_PACKAGES=(
  meson ninja-build pkg-config g++
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  libopencv-core-dev libopencv-imgproc-dev
  ocl-icd-libopencl1 pocl-opencl-icd
  python3-gst-1.0 python3-numpy
  valgrind clang libclang-rt-dev
)

# shellcheck disable=SC2034  # used by the scripts that source this file
UMAT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UMAT_BUILD_DIR=${UMAT_BUILD_DIR:-build}
UMAT_PYTHON=${UMAT_PYTHON:-/usr/bin/python3}

umat_die() {
  echo "${0##*/}: error: $*" >&2
  exit 1
}

umat_say() {
  echo "${0##*/}: $*"
}

# The packages of UMAT_APT_PACKAGES that dpkg does not list as installed.
umat_missing_packages() {
  local p
  for p in "${UMAT_APT_PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) != "install ok installed" ]]; then
      echo "$p"
    fi
  done
}

umat_install_deps() {
  local missing sudo=()

  if ! command -v dpkg-query >/dev/null 2>&1; then
    # not Debian or Ubuntu: trust what is there, say what is needed if not
    for c in meson ninja pkg-config c++ gst-launch-1.0 "$UMAT_PYTHON"; do
      command -v "$c" >/dev/null 2>&1 \
        || umat_die "'$c' not found, and no dpkg/apt here to install it: install the equivalents of: ${UMAT_APT_PACKAGES[*]}"
    done
    return 0
  fi

  mapfile -t missing < <(umat_missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  if [[ ${UMAT_SKIP_APT:-0} == 1 ]]; then
    umat_die "missing packages (UMAT_SKIP_APT=1, so not installing): ${missing[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 \
    || umat_die "missing packages and no apt-get to install them: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 \
      || umat_die "missing packages, and installing them needs root or sudo: ${missing[*]}"
    sudo=(sudo)
  fi

  umat_say "installing with apt-get: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    || umat_die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}" </dev/null \
    || umat_die "apt-get install failed for: ${missing[*]}"
}

# The value meson has for a build option in a configured build folder.
umat_meson_option() {
  meson introspect "$1" --buildoptions 2>/dev/null | "$UMAT_PYTHON" -c '
import json, sys
name = sys.argv[1]
for option in json.load(sys.stdin):
    if option["name"] == name:
        print(str(option["value"]).lower())
' "$2"
}

umat_configure() {
  local dir=$1 opt name value changes=()
  shift
  if [[ ! -f $dir/build.ninja ]]; then
    umat_say "configuring $dir"
    meson setup "$dir" "$@" || umat_die "meson setup $dir failed"
    return 0
  fi
  for opt in "$@"; do
    name=${opt#-D}
    value=${name#*=}
    name=${name%%=*}
    if [[ $(umat_meson_option "$dir" "$name") != "${value,,}" ]]; then
      changes+=("$opt")
    fi
  done
  if [[ ${#changes[@]} -gt 0 ]]; then
    umat_say "reconfiguring $dir: ${changes[*]}"
    meson configure "$dir" "${changes[@]}" || umat_die "meson configure $dir failed"
  fi
}
