#!/usr/bin/env bash
# The main job: install what is missing, build, run a real pipeline.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   scripts/main-job.sh [options] [INPUT]
#
# With no INPUT: makes a 10 s H.264 test clip in the output folder, then
# processes it. Either way it runs build/tools/umat-process (tools/
# umat-process.c), which writes <output folder>/<name>-umat.mp4:
#
#   uridecodebin ! videoconvert ! queue !
#   umatconvert chain=BGR2HSV,HSV2RGB selection-rate=2 !
#   umatconvert ! <H.264 encoder> ! h264parse ! mp4mux ! filesink
#
# The encoder is the first hardware one that opens (nvh264enc, vah264enc,
# ...), else x264enc speed-preset=veryfast.
#
# Options (or the environment variable in brackets):
#   -d, --device auto|cpu|opencl   where umatconvert converts [DEVICE, auto]
#   -o, --out DIR                  output folder [OUT_DIR, out]
#   -s, --seconds N                length of the test clip [CLIP_SECONDS, 10]
#   -h, --help
# Also: UMAT_BUILD_DIR (build folder, default build), UMAT_SKIP_APT=1.
set -euo pipefail

# shellcheck source=scripts/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"

usage() {
  sed -n '/^#   scripts/,/^# Also:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

device=${DEVICE:-auto}
out_dir=${OUT_DIR:-$UMAT_ROOT/out}
clip_seconds=${CLIP_SECONDS:-10}
input=

while [[ $# -gt 0 ]]; do
  case $1 in
    -d|--device) [[ $# -ge 2 ]] || umat_die "$1 needs a value"; device=$2; shift 2 ;;
    --device=*) device=${1#*=}; shift ;;
    -o|--out) [[ $# -ge 2 ]] || umat_die "$1 needs a value"; out_dir=$2; shift 2 ;;
    --out=*) out_dir=${1#*=}; shift ;;
    -s|--seconds) [[ $# -ge 2 ]] || umat_die "$1 needs a value"; clip_seconds=$2; shift 2 ;;
    --seconds=*) clip_seconds=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) umat_die "unknown option $1 (see --help)" ;;
    *) [[ -z $input ]] || umat_die "one input file at most (see --help)"; input=$1; shift ;;
  esac
done
if [[ $# -gt 0 ]]; then
  [[ -z $input && $# -eq 1 ]] || umat_die "one input file at most (see --help)"
  input=$1
fi

case $device in
  auto|cpu|opencl) ;;
  *) umat_die "device must be auto, cpu or opencl, not '$device'" ;;
esac
if [[ ! $clip_seconds =~ ^[0-9]+([.][0-9]+)?$ || $clip_seconds =~ ^0+([.]0+)?$ ]]; then
  umat_die "the clip length must be a number of seconds above 0, not '$clip_seconds'"
fi

# Paths as the caller meant them, before moving to the repository root.
if [[ -n $input ]]; then
  [[ -f $input ]] || umat_die "no such file: $input"
  [[ -r $input ]] || umat_die "cannot read $input"
  input=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
fi
mkdir -p "$out_dir" || umat_die "cannot create the output folder $out_dir"
out_dir=$(cd "$out_dir" && pwd)
cd "$UMAT_ROOT"

umat_install_deps build
umat_configure "$UMAT_BUILD_DIR"
umat_say "building the plugin and umat-process in $UMAT_BUILD_DIR"
ninja -C "$UMAT_BUILD_DIR" gst/umatconvert/libgstumat.so tools/umat-process \
  || umat_die "the build failed (ninja -C $UMAT_BUILD_DIR)"

plugin_dir=$(cd "$UMAT_BUILD_DIR/gst/umatconvert" && pwd)
export GST_PLUGIN_PATH=$plugin_dir${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}

if [[ -z $input ]]; then
  input=$out_dir/testclip.mp4
  frames=$(awk -v s="$clip_seconds" 'BEGIN { n = int(s * 30 + 0.5); print (n < 1 ? 1 : n) }')
  umat_say "making a test clip of $frames frames: $input"
  # 640x360, 30 fps, moving SMPTE bars, H.264 High, a key frame a second
  gst-launch-1.0 -q videotestsrc pattern=smpte horizontal-speed=4 num-buffers="$frames" ! \
    video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! \
    x264enc speed-preset=veryfast key-int-max=30 ! video/x-h264,profile=high ! \
    mp4mux ! filesink location="$input" </dev/null \
    || umat_die "making the test clip failed (gst-launch-1.0 above)"
fi
name=$(basename "$input")
name=${name%.*}
"$UMAT_BUILD_DIR/tools/umat-process" --device "$device" \
  --chain BGR2HSV,HSV2RGB --selection-rate 2 --prefetch 8 \
  "$input" "$out_dir/$name-umat.mp4"
