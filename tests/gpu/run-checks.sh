#!/bin/bash
# Runs the OpenCL test suites and a few timings on a machine that has a GPU
# but no GStreamer or OpenCV, from a self-contained bundle made on the
# development machine (see docs/gpu.md):
#
#   .gpu/                 the bundle: bin/, lib/, plugins/, env.sh
#   bash tests/gpu/run-checks.sh [BUNDLE]
set -u
bundle=${1:-.gpu}
. "$bundle/env.sh"
export UMAT_TEST_DEVICE=opencl GST_REGISTRY_1_0=/tmp/umat-registry.bin
export CK_DEFAULT_TIMEOUT=300
command -v nvidia-smi >/dev/null && nvidia-smi -L

# the check programs the bundle has (docs/gpu.md names them)
for t in ext_chains ext_routes ext_memory ext_converter ext_engines ext_hostmem \
    colorimetry_colorimetry fused elements_umatconvert elements_umatconvert_pool \
    elements_umatconvert_refusals elements_umatconvert_selection opencl_edges; do
  if [ -x "$bundle/bin/$t" ]; then
    echo "== $t (opencl)"
    "$bundle/bin/$t" 2>&1 | grep -E "Checks|SKIPPED|:F:|:E:|cases"
  fi
done

# reliability (docs/reliability.md): when the bundle has them
for t in umatconvert_stress umatconvert_faults; do
  if [ -x "$bundle/bin/$t" ]; then
    echo "== elements/$t (opencl)"
    "$bundle/bin/$t" 2>&1 | grep -E "Checks|SKIPPED|:F:|:E:|^(state cycles|parallel|long run|umatcv):"
  fi
done
echo "== device=auto picks"
GST_DEBUG=umatconvert:4 gst-launch-1.0 -q videotestsrc num-buffers=2 ! \
  video/x-raw,format=BGR ! umatconvert ! fakesink 2>&1 | grep -o "backend .*"

# Not a benchmark (that is tests/bench, later): videotestsrc's own cost is
# in every figure, and printed alone at the end.
n=1000
seconds () { python3 -c "print(round($2 - $1, 3))"; }
for chain in BGR2HSV,HSV2BGR BGR2RGB; do
  for device in opencl cpu; do
    t0=$EPOCHREALTIME
    gst-launch-1.0 -q videotestsrc pattern=black num-buffers=$n ! \
      video/x-raw,format=BGR,width=1920,height=1080 ! \
      umatconvert device=$device chain=$chain ! fakesink sync=false
    echo "1080p $chain device=$device: $n frames in $(seconds "$t0" "$EPOCHREALTIME") s"
  done
done
t0=$EPOCHREALTIME
gst-launch-1.0 -q videotestsrc pattern=black num-buffers=$n ! \
  video/x-raw,format=BGR,width=1920,height=1080 ! fakesink sync=false
echo "videotestsrc alone: $n frames in $(seconds "$t0" "$EPOCHREALTIME") s"
