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

cd "$UMAT_ROOT"
umat_install_deps build tests
umat_configure "$UMAT_BUILD_DIR" -Dtests=enabled
umat_say "building in $UMAT_BUILD_DIR"
ninja -C "$UMAT_BUILD_DIR" || umat_die "the build failed (ninja -C $UMAT_BUILD_DIR)"
umat_say "running the tests"
meson test -C "$UMAT_BUILD_DIR" --print-errorlogs "$@"
