#!/bin/bash
# The end-to-end figure: H.264 1080p decoded by NVDEC, converted by
# umatconvert, encoded by x264enc, against the Python reader thread + UMat
# ring of ../shared/ANCHORS.md (~405 fps, decode + chain, no encode, on the
# H100 machine). Runs from a bundle (see docs/gpu.md) on a machine with no
# GStreamer of its own:
#
#   make-gst-bundle.sh .gpu build/gst/umatconvert/libgstumat.so \
#       build/tools/umat-process
#   bash tests/gpu/encode-figure.sh .gpu [CLIP.mp4]
#
# With no CLIP it makes one: 1080p30 H.264 (x264enc), FRAMES frames
# (default 1200), tagged BT.601 so that umatconvert can read NVDEC's NV12
# itself (YUV2BGR_NV12). A clip of your own that is BT.709 makes those lines
# fail; they are then run again with videoconvert to BGR in front, and say so.
#
# Environment: FRAMES (made clip's length), DEVICES (default "opencl cpu"),
# DECODER (default nvh264dec), YUV (what it gives: NV12 for nvh264dec, I420
# for avdec_h264), PRESET (x264enc speed-preset, default fast).
# Prints one line per pipeline: frames, seconds, fps.
set -u
bundle=${1:-.gpu}
clip=${2:-}
frames=${FRAMES:-1200}
devices=${DEVICES:-opencl cpu}
decoder=${DECODER:-nvh264dec}
yuv=${YUV:-NV12}
preset=${PRESET:-fast}
chain=BGR2HSV,HSV2BGR               # the anchor's chain
work=$(mktemp -d /tmp/umat-encode.XXXXXX)
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC1091
. "$bundle/env.sh"
command -v nvidia-smi >/dev/null && nvidia-smi -L
echo "cores: $(nproc)"
for e in "$decoder" x264enc umatconvert qtdemux h264parse mp4mux; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || { echo "missing element: $e" >&2; exit 1; }
done
process=$(command -v umat-process || true)

if [[ -z $clip ]]; then
  clip=$work/clip-1080p.mp4
  t0=$EPOCHREALTIME
  gst-launch-1.0 -q videotestsrc pattern=smpte horizontal-speed=4 \
      num-buffers="$frames" ! \
    video/x-raw,format=I420,width=1920,height=1080,framerate=30/1,colorimetry=bt601 ! \
    x264enc speed-preset=veryfast key-int-max=30 ! video/x-h264,profile=high ! \
    mp4mux ! filesink location="$clip" || { echo "making the clip failed" >&2; exit 1; }
  echo "clip: $frames frames 1920x1080 BT.601 made in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
else
  frames=$(gst-launch-1.0 -v filesrc location="$clip" ! qtdemux ! h264parse ! \
    "$decoder" ! fakesink silent=false 2>/dev/null | grep -c "last-message = chain")
  echo "clip: $clip, $frames frames"
fi

# time NAME COMMAND...: runs it, prints frames, seconds, fps (or FAILED)
time_it () {
  local name=$1 t0 t1 rc
  shift
  t0=$EPOCHREALTIME
  "$@" >"$work/out.txt" 2>&1
  rc=$?
  t1=$EPOCHREALTIME
  if [[ $rc -ne 0 ]]; then
    echo "$name: FAILED (exit $rc): $(grep -m1 -iE "error|erroneous" "$work/out.txt")"
    return 1
  fi
  awk -v n="$frames" -v t0="$t0" -v t1="$t1" -v name="$name" \
    'BEGIN { printf "%-58s %5d frames %7.2f s %7.1f fps\n", name, n, t1 - t0, n / (t1 - t0) }'
}

# shellcheck disable=SC2054   # commas inside gst-launch arguments
demux=(filesrc location="$clip" ! qtdemux ! h264parse ! "$decoder")
x264=(x264enc speed-preset="$preset")

echo "== reference points"
# system memory, as every pipeline below gets it (fakesink alone would let
# nvh264dec keep frames in CUDA memory and skip the download)
time_it "decode only ($decoder ! $yuv in system memory)" \
  gst-launch-1.0 -q "${demux[@]}" ! video/x-raw,format="$yuv" ! fakesink sync=false
time_it "decode + x264enc $preset, no umatconvert" \
  gst-launch-1.0 -q "${demux[@]}" ! "${x264[@]}" ! fakesink sync=false

for device in $devices; do
  echo "== device=$device"
  # umatconvert reads NV12 itself: NV12 -> BGR -> HSV -> BGR in one chain
  # shellcheck disable=SC2054
  direct=(video/x-raw,format="$yuv" ! queue max-size-buffers=8 ! \
    umatconvert device="$device" chain=YUV2BGR_"$yuv","$chain")
  # for a BT.709 clip: videoconvert to BGR first (what umat-process does)
  # shellcheck disable=SC2054
  viaconv=(videoconvert n-threads="$(nproc)" ! video/x-raw,format=BGR ! \
    queue max-size-buffers=8 ! umatconvert device="$device" chain="$chain")
  note=""
  if ! time_it "decode + umatconvert chain, no encode (vs ANCHORS ~405)" \
      gst-launch-1.0 -q "${demux[@]}" ! "${direct[@]}" ! fakesink sync=false; then
    direct=("${viaconv[@]}")
    note=" [videoconvert to BGR in front]"
    time_it "decode + umatconvert chain, no encode$note" \
      gst-launch-1.0 -q "${demux[@]}" ! "${direct[@]}" ! fakesink sync=false
  fi
  time_it "decode + umatconvert + x264enc $preset + mp4mux$note" \
    gst-launch-1.0 -q "${demux[@]}" ! "${direct[@]}" ! umatconvert device="$device" ! \
      video/x-raw,format=I420 ! "${x264[@]}" ! mp4mux ! filesink location="$work/gst.mp4"
  if [[ -n $process ]]; then
    if [[ -z $note ]]; then pchain=YUV2BGR_$yuv,$chain; else pchain=$chain; fi
    time_it "umat-process --chain $pchain (x264enc $preset)" \
      "$process" --device "$device" --chain "$pchain" --encoder "${x264[*]}" \
        "$clip" "$work/process.mp4"
    sed -n 's/^  \(fps\|speed\|backend\|encoder\): */    umat-process \1: /p' "$work/out.txt"
  else
    echo "umat-process: not in the bundle (add build/tools/umat-process to make-gst-bundle.sh)"
  fi
done
