# shellcheck shell=bash
# Shared by the scripts in scripts/ (sourced, not run).
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# umat_install_deps GROUP...: installs with apt-get (Debian 12, Ubuntu 22.04
#   and later) whatever the package groups below name that is missing; does
#   nothing, and never calls apt, when dpkg-query says they are all
#   installed. Waits for another apt or dpkg (unattended-upgrades and
#   cloud-init run them at boot) to let go of its locks.
# umat_configure DIR [MESON OPTIONS]: meson setup DIR, or when DIR is already
#   configured, meson configure for the options that differ.
# umat_die TEXT: one line on stderr, exit 1.
#
# Environment: UMAT_BUILD_DIR (default build, relative to the repository
# root), UMAT_SKIP_APT=1 (never install, only check), UMAT_PYTHON (default
# /usr/bin/python3, the interpreter that has python3-gst-1.0),
# UMAT_APT_LOCK_TIMEOUT (seconds to wait for the package manager's locks,
# default 1200).

# Each command installs only the groups it runs, so that the main job does
# not pull in the test and probe tools.
#
# build: what building the plugin and umat-process and running the main job
# need: build tools; GStreamer with the plugins of the main job's pipeline
# (videotestsrc: base, x264enc: ugly, qtdemux/mp4mux: good, h264parse: bad,
# avdec_h264: libav); OpenCV core+imgproc; OpenCL's C headers (OpenCV's
# opencl_core.hpp, which umatcv includes, includes <CL/cl.h>) and the ICD
# loader OpenCV opens at run time.
UMAT_APT_BUILD=(
  meson ninja-build pkg-config g++
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  libopencv-core-dev libopencv-imgproc-dev
  opencl-c-headers ocl-icd-libopencl1
)
# tests (scripts/test.sh): PoCL, an OpenCL CPU device, so the OpenCL backend
# runs without a GPU; gst-python and numpy for the Python example and the
# tests that run it; OpenCV's Python module and ffmpeg to make and read
# real test files.
UMAT_APT_TESTS=(
  pocl-opencl-icd python3-gst-1.0 python3-numpy python3-opencv ffmpeg
)
# reliability (scripts/reliability.sh): valgrind, clang and its libFuzzer
# and sanitizer runtimes, and llvm for llvm-symbolizer: clang's sanitizers
# name functions only through it (they do not fall back to addr2line), and
# the suppressions in fuzz/lsan.supp match function names.
UMAT_APT_RELIABILITY=(valgrind clang libclang-rt-dev llvm)
# cross (scripts/cross-check.sh): Debian's aarch64 cross compilers, and
# clang, which compiles the fuzzers (fuzz/ builds with clang only).
UMAT_APT_CROSS=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu clang)

# shellcheck disable=SC2034  # used by the scripts that source this file
UMAT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UMAT_BUILD_DIR=${UMAT_BUILD_DIR:-build}
UMAT_PYTHON=${UMAT_PYTHON:-/usr/bin/python3}
UMAT_APT_LOCK_TIMEOUT=${UMAT_APT_LOCK_TIMEOUT:-1200}

umat_die() {
  echo "${0##*/}: error: $*" >&2
  exit 1
}

umat_say() {
  echo "${0##*/}: $*"
}

# The packages of the named groups (build, tests, reliability, cross).
umat_group_packages() {
  local group
  for group in "$@"; do
    case $group in
      build) printf '%s\n' "${UMAT_APT_BUILD[@]}" ;;
      tests) printf '%s\n' "${UMAT_APT_TESTS[@]}" ;;
      reliability) printf '%s\n' "${UMAT_APT_RELIABILITY[@]}" ;;
      cross) printf '%s\n' "${UMAT_APT_CROSS[@]}" ;;
      *) umat_die "no package group '$group' (deps.sh)" ;;
    esac
  done | awk '!seen[$0]++'
}

# apt-get as root, waiting for another apt or dpkg to let go of its locks.
# Not apt's -o DPkg::Lock::Timeout: apt-get update ignores it (apt 2.6 gives
# up at once on /var/lib/apt/lists/lock), and while it waits apt prints a
# line a second. Instead, a run that failed only on a lock did nothing, so
# it is tried again every 5 s, after saying once what holds the lock (apt's
# own words), until UMAT_APT_LOCK_TIMEOUT seconds from the first attempt.
umat_apt_get() {
  local err status held
  err=$(mktemp) || umat_die "cannot create a temporary file"
  while true; do
    status=0
    # stderr to a file (errors and warnings only; progress is on stdout),
    # so that lock errors can be told apart and not repeated; LC_ALL=C so
    # that they are in English whatever LANG or LANGUAGE say
    "${umat_sudo[@]}" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
      apt-get "$@" </dev/null 2>"$err" || status=$?
    held=$(grep -m1 -E 'Could not get lock|is another process using it' "$err" || true)
    if [[ $status -eq 0 || -z $held ]]; then
      cat "$err" >&2
      rm -f "$err"
      return "$status"
    fi
    held=${held#E: }
    if (( SECONDS >= umat_apt_deadline )); then
      rm -f "$err"
      umat_die "gave up after ${UMAT_APT_LOCK_TIMEOUT}s waiting for another package manager ($held): let it finish, or set UMAT_APT_LOCK_TIMEOUT, and run again"
    fi
    if [[ -z $umat_apt_waited ]]; then
      umat_say "waiting up to ${UMAT_APT_LOCK_TIMEOUT}s for another package manager to finish (at boot: unattended-upgrades, cloud-init): $held"
      umat_apt_waited=1
    fi
    sleep 5
  done
}

# umat_install_deps GROUP...
umat_install_deps() {
  local packages missing=() p c

  mapfile -t packages < <(umat_group_packages "$@")
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # not Debian or Ubuntu: trust what is there, say what is needed if not
    for c in meson ninja pkg-config c++ gst-launch-1.0 "$UMAT_PYTHON"; do
      command -v "$c" >/dev/null 2>&1 \
        || umat_die "'$c' not found, and no dpkg/apt here to install it: install the equivalents of: ${packages[*]}"
    done
    return 0
  fi

  for p in "${packages[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  if [[ ${UMAT_SKIP_APT:-0} == 1 ]]; then
    umat_die "missing packages (UMAT_SKIP_APT=1, so not installing): ${missing[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 \
    || umat_die "missing packages and no apt-get to install them: ${missing[*]}"
  umat_sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 \
      || umat_die "missing packages, and installing them needs root or sudo: ${missing[*]}"
    umat_sudo=(sudo)
  fi
  [[ $UMAT_APT_LOCK_TIMEOUT =~ ^[0-9]+$ ]] \
    || umat_die "UMAT_APT_LOCK_TIMEOUT must be a number of seconds, not '$UMAT_APT_LOCK_TIMEOUT'"
  umat_apt_deadline=$((SECONDS + UMAT_APT_LOCK_TIMEOUT))
  umat_apt_waited=

  umat_say "installing with apt-get: ${missing[*]}"
  # -qq: apt-get update would print "Reading package lists..." at each
  # attempt that finds the lock taken (install prints nothing before it)
  umat_apt_get -qq update || umat_die "apt-get update failed"
  umat_apt_get -q install -y --no-install-recommends "${missing[@]}" \
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
