#!/usr/bin/env bash
# The reliability probes that need a build of their own (docs/reliability.md).
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   scripts/reliability.sh [valgrind|sanitize|fuzz|all]   (default: all)
#
# valgrind: the cpu suite (less the stress tests) under memcheck (meson test --setup=valgrind) in the
#   normal build folder; any invalid access or definite leak fails it.
# sanitize: the whole suite (both backends) built with ASan+UBSan in
#   build-sanitize; any report fails it.
# fuzz: the libFuzzer targets in fuzz/ (clang, build-fuzz), each for
#   UMAT_FUZZ_SECONDS (default 30) from the seed corpus in fuzz/corpus; any
#   crash or leak fails it, and the input that did it is left in build-fuzz.
# Installs what is missing first: the packages of scripts/test.sh, valgrind
# and clang (scripts/deps.sh).
set -euo pipefail

# shellcheck source=scripts/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
cd "$UMAT_ROOT"

FUZZ_SECONDS=${UMAT_FUZZ_SECONDS:-30}
# The tests and the plugin in one process: check's fork off (so valgrind and
# LSan see the tests themselves), and GStreamer scans the plugin in-process
# (its plugin scanner is not built with ASan).
# allocator_may_return_null: the tests ask for absurd sizes on purpose and
# expect a status back, as from glibc's malloc. fast_unwind_on_malloc=0:
# full stacks, so that tests/sanitizers/lsan.supp can tell the libraries'
# load-time blocks from a leak of ours.
SANITIZER_ENV=(CK_FORK=no GST_REGISTRY_FORK=no
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1:fast_unwind_on_malloc=0
  "LSAN_OPTIONS=suppressions=$UMAT_ROOT/tests/sanitizers/lsan.supp"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
# -fno-sanitize=enum: umatcv.h is a C API; C callers may pass any int as an
# enum and the library range-checks it (tests/check/ext/umatcv.c does so on
# purpose), which C++'s enum rules, and UBSan's enum check, call undefined.
SANITIZER_FLAGS=-fno-sanitize=enum

run_valgrind() {
  umat_configure "$UMAT_BUILD_DIR" -Dtests=enabled
  ninja -C "$UMAT_BUILD_DIR" || umat_die "the build failed"
  umat_say "the cpu suite under valgrind"
  # Not under valgrind: the tests that run other programs around the
  # element (examples, umat-process, the OpenCV users', colour, real files
  # and docs checks drive Python, gst-launch-1.0 and gst-inspect-1.0) and the
  # benchmark smoke run; the element and the shim are under valgrind
  # through the check programs.
  meson test -C "$UMAT_BUILD_DIR" --setup=valgrind --suite cpu --no-suite stress \
    --no-suite python --no-suite bench-smoke --no-suite launch --print-errorlogs
}

run_sanitize() {
  local dir=build-sanitize
  if [[ ! -f $dir/build.ninja ]]; then
    meson setup "$dir" -Dtests=enabled -Db_sanitize=address,undefined \
      -Db_lundef=false -Dc_args=$SANITIZER_FLAGS -Dcpp_args=$SANITIZER_FLAGS \
      || umat_die "meson setup $dir failed"
  fi
  ninja -C "$dir" || umat_die "the sanitizer build failed"
  umat_say "the suite with ASan+UBSan"
  # not the tests that run Python, gst-launch-1.0 or gst-inspect-1.0
  # (uninstrumented programs, which cannot load an ASan plugin), nor the
  # frame over 2 GiB ('large': ASan's shadow memory on top of 8 GiB)
  env "${SANITIZER_ENV[@]}" meson test -C "$dir" --print-errorlogs \
    --no-suite python --no-suite launch --no-suite large \
    || rerun_tracer_crashes "$dir"
}

# LeakSanitizer's leak check at exit can itself crash ("Tracer caught signal
# 11 ... LeakSanitizer has encountered a fatal error"): a race in the
# sanitizer runtime with threads that are still going away (OpenCL's
# driver threads here), seen once in CI with every check of the binary
# passed, and not reproduced in dozens of runs (google/sanitizers#1353 is
# the same symptom). It says nothing about our code, but it is not a pass
# either: a test that failed only that way runs once more and must then pass
# with a full leak check. Any other failure (a leak report, an ASan or UBSan
# report, a failed check) fails the probe at once.
rerun_tracer_crashes() {
  local dir=$1 name names
  names=$("$UMAT_PYTHON" - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
crashed, failed = [], []
for line in open(sys.argv[1]):
    test = json.loads(line)
    if test["result"] in ("OK", "SKIP", "EXPECTEDFAIL"):
        continue
    out = test.get("stdout", "") + (test.get("stderr") or "")
    tracer_crash = ("Tracer caught signal" in out
                    and "LeakSanitizer has encountered a fatal error" in out
                    and "Failures: 0, Errors: 0" in out
                    and "ERROR: LeakSanitizer: detected memory leaks" not in out
                    and "ERROR: AddressSanitizer" not in out
                    and "runtime error:" not in out)
    (crashed if tracer_crash else failed).append(test["name"].split(" / ", 1)[-1])
if failed:
    sys.exit("failed: " + "; ".join(failed))
print("\n".join(crashed))
PY
  ) || umat_die "the sanitizer suite failed"
  [[ -n $names ]] || umat_die "the sanitizer suite failed"
  while IFS= read -r name; do
    umat_say "LeakSanitizer's own tracer crashed at the exit of '$name'; running it once more"
    env "${SANITIZER_ENV[@]}" meson test -C "$dir" --no-rebuild --print-errorlogs "$name" \
      || umat_die "'$name' failed again under ASan+UBSan"
  done <<<"$names"
}

run_fuzz() {
  local dir=build-fuzz f work
  command -v clang >/dev/null || umat_die "fuzzing needs clang"
  if [[ ! -f $dir/build.ninja ]]; then
    CC=clang CXX=clang++ meson setup "$dir" -Dfuzzing=enabled -Dtests=disabled \
      -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=$SANITIZER_FLAGS -Dcpp_args=$SANITIZER_FLAGS \
      || umat_die "meson setup $dir failed"
  fi
  ninja -C "$dir" || umat_die "the fuzzer build failed"
  for f in chain caps; do
    work=$dir/fuzz/corpus-$f
    mkdir -p "$work"
    umat_say "fuzzing $f for ${FUZZ_SECONDS}s"
    # full stacks so that fuzz/lsan.supp can match GStreamer's own leaks
    ASAN_OPTIONS=fast_unwind_on_malloc=0:malloc_context_size=64 \
    LSAN_OPTIONS=suppressions=$UMAT_ROOT/fuzz/lsan.supp \
      "$dir/fuzz/$f-fuzzer" "$work" "fuzz/corpus/$f" -max_len=4096 \
      -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
      -artifact_prefix="$dir/fuzz/$f-" >"$dir/fuzz/$f.log" 2>&1 \
      || { tail -60 "$dir/fuzz/$f.log"; umat_die "the $f fuzzer found a crash or a leak (log: $dir/fuzz/$f.log)"; }
    grep -E '^(Done|stat::number_of_executed_units)' "$dir/fuzz/$f.log" || true
  done
}

probe=${1:-all}
case $probe in
  -h|--help) sed -n '/^#   scripts/,/^# and clang/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  valgrind|sanitize|fuzz|all) ;;
  *) umat_die "unknown probe '$probe' (valgrind, sanitize, fuzz or all)" ;;
esac

umat_install_deps build tests reliability
case $probe in
  all) run_valgrind; run_sanitize; run_fuzz ;;
  *) "run_$probe" ;;
esac
