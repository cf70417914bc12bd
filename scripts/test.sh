#!/usr/bin/env bash
# The tests: install what is missing, build with tests, run the whole suite.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   scripts/test.sh [meson test arguments]
#
# Runs every test on both backends (suites cpu and opencl; opencl runs on
# PoCL's CPU device where there is no GPU). Extra arguments go to meson test,
# e.g. `scripts/test.sh --suite cpu` or `scripts/test.sh --list`.
# Environment: UMAT_BUILD_DIR (build folder, default build), UMAT_SKIP_APT=1,
# UMAT_REQUIRE_OPENCL=1 (passed on to the tests: the OpenCL suite must find
# a device rather than skip).
set -euo pipefail

# shellcheck source=scripts/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"

case ${1:-} in
  -h|--help) sed -n '/^#   scripts/,/^# a device/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

# PoCL compiles OpenCV's kernels the first time it meets them and keeps
# them in its cache, so on a machine where that cache is empty the OpenCL
# tests report nothing for minutes. Say so before they start, when PoCL is
# installed and the opencl suites run (all suites, or a --suite opencl*).
pocl_notice() {
  local cache=${POCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pocl/kcache}
  local arg suites=() opencl=1
  compgen -G "${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}/*pocl*.icd" >/dev/null || return 0
  [[ -z $(ls -A "$cache" 2>/dev/null) ]] || return 0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --list|-h|--help) return 0 ;;
      --suite) suites+=("${2:-}"); shift ;;
      --suite=*) suites+=("${1#*=}") ;;
    esac
    shift
  done
  if [[ ${#suites[@]} -gt 0 ]]; then
    opencl=0
    for arg in "${suites[@]}"; do
      [[ $arg != opencl* && $arg != *:opencl* ]] || opencl=1
    done
  fi
  [[ $opencl -eq 0 ]] \
    || umat_say "PoCL's kernel cache ($cache) is empty: the first OpenCL run compiles its kernels, expect a few minutes before the opencl tests report"
}

cd "$UMAT_ROOT"
umat_install_deps build tests
umat_configure "$UMAT_BUILD_DIR" -Dtests=enabled
umat_say "building in $UMAT_BUILD_DIR"
ninja -C "$UMAT_BUILD_DIR" || umat_die "the build failed (ninja -C $UMAT_BUILD_DIR)"
umat_say "running the tests"
pocl_notice "$@"
meson test -C "$UMAT_BUILD_DIR" --print-errorlogs "$@"
