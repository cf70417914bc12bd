#!/bin/bash
# Fused-kernel figures on the GPU machine, from a self-contained bundle made
# on the development machine (/work/shared/device/README.md):
#
#   ../shared/device/make-gst-bundle.sh .gpu \
#       build/gst/umatconvert/libgstumat.so build/tests/kernels/fused-timing
#   bash tests/kernels/run-gpu.sh [BUNDLE]
#
# Prints (1) fused-timing's table at 1080p: OpenCV's kernels step by step
# against the fused kernel, device time only, median of 200 runs; (2) the
# element at 1080p on OpenCL with BGR2HSV,HSV2BGR and with BGR2RGB, 1000
# frames each, three rounds alternated so that both see the same machine.
set -u
bundle=${1:-.gpu}
. "$bundle/env.sh"
export GST_REGISTRY_1_0=/tmp/umat-registry.bin
command -v nvidia-smi >/dev/null && nvidia-smi -L

echo "== fused-timing 1920x1080"
"$bundle/bin/fused-timing" --runs 200

echo "== element, 1080p BGR, device=opencl, 1000 frames"
n=1000
seconds () { python3 -c "print(round($2 - $1, 3))"; }
for chain in BGR2HSV,HSV2BGR BGR2RGB; do
  GST_DEBUG=umatconvert:5 gst-launch-1.0 -q videotestsrc num-buffers=2 ! \
    video/x-raw,format=BGR,width=1920,height=1080 ! \
    umatconvert device=opencl chain=$chain ! fakesink 2>&1 \
    | grep -o "converting .*" | head -1
done
for round in 1 2 3; do
  for chain in BGR2HSV,HSV2BGR BGR2RGB; do
    t0=$EPOCHREALTIME
    gst-launch-1.0 -q videotestsrc pattern=smpte num-buffers=$n ! \
      video/x-raw,format=BGR,width=1920,height=1080 ! queue ! \
      umatconvert device=opencl chain=$chain ! fakesink sync=false
    echo "round $round, $chain: $n frames in $(seconds "$t0" "$EPOCHREALTIME") s"
  done
done
t0=$EPOCHREALTIME
gst-launch-1.0 -q videotestsrc pattern=smpte num-buffers=$n ! \
  video/x-raw,format=BGR,width=1920,height=1080 ! fakesink sync=false
echo "videotestsrc alone: $n frames in $(seconds "$t0" "$EPOCHREALTIME") s"
