#!/bin/bash
# The H100 figures of docs/performance.md, from a bundle (see docs/gpu.md):
#
#   bash tests/gpu/run-bench.sh BUNDLE OUTDIR
#
# 1. umat-bench, every size, conversion and path, into OUTDIR/bench.json
#    and OUTDIR/bench.tsv (for tests/bench/chart.sh);
# 2. the stripe count of the overlapped OpenCL path swept at 1080p and 4K
#    (UMATCV_OVERLAP_STRIPES=1 is no overlap).
set -u
bundle=${1:-.gpu}
out=${2:-.}
. "$bundle/env.sh"
export GST_REGISTRY_1_0=/tmp/umat-bench-registry.bin
command -v nvidia-smi >/dev/null && nvidia-smi -L
echo "== umat-bench, $(date -u +%Y-%m-%dT%H:%MZ)"
umat-bench --seconds 1 --json "$out/bench.json" --tsv "$out/bench.tsv"
for n in 1 2 3 4 6; do
  echo "== UMATCV_OVERLAP_STRIPES=$n"
  UMATCV_OVERLAP_STRIPES=$n umat-bench --sizes 1920x1080,3840x2160 \
    --conversions 1,3,5 --paths umat-opencl,umatcv-pinned --seconds 0.5 |
    grep -v '^size\|^cores'
done
