#!/bin/bash
# The GPU figures of docs/performance.md for frames in flight, the edges,
# CUDA memory in and umat-process --jobs, on a machine with an NVIDIA GPU
# and no GStreamer of its own, from a bundle (docs/gpu.md):
#
#   bash tests/gpu/run-figures.sh BUNDLE OUTDIR [SECTION...]
#
# SECTIONs (default: all, in this order): checks cuda bench nvdec seed jobs
# encode gpus (the last on a machine with two GPUs). SEED_RUNS (default 2)
# repeats the seed's job, ENCODE_JOBS (default "1 4 8") are the --jobs
# tried with x264enc, NVDEC_PROCESSES=0 leaves out the 7-process runs. Every figure is measured in this run, side by side with what it
# is compared to. The clips are made here with the bundle's x264enc:
# 1080p30 H.264, BT.709, moving SMPTE bars; LONG_FRAMES (default 3600, two
# minutes) for the long-video figures, SHORT_FRAMES (default 900) for the
# rest (DECODER=avdec_h264 tries the script where there is no NVDEC).
# Python's cv2 on that machine runs the seed's script
# (BUNDLE/seed_approach.py, copied there from shared/bench). CLIP_DIR keeps
# the clips between runs (default: a temporary folder). STRIPES (default
# "1 2 4 6 8") are the stripe counts the bench section sweeps.
# NVDEC_VARIANTS (an extended regular expression, default: all) picks the
# nvdec section's variants by name. GPUS_REPEAT=K runs the gpus section on
# the long clip K times over, one file without re-encoding (splitmuxsrc
# plays K links to it as one stream; mp4mux writes it), so that a file of
# the seed's 50 minutes takes a 2-minute clip and K=25. NVDEC_REPEAT=K
# runs the nvdec section's variants K times, taking turns, and
# NVDEC_COUNTS (default "1 7 7p") picks its pipeline counts. BEFORE=DIR (a
# folder with libgstumat.so and umat-process of an earlier tree) runs every
# nvdec and gpus measurement that involves umatconvert again with those,
# marked "(before)", next to the current tree's. GPUS_RUNS (default
# "7:0:now 14:0,1:now 7:0:now") are the gpus section's runs, in turn, as
# JOBS:DEVICES:TREE (TREE: now or before; JOBS "default": no --jobs).
# JOBS_LIST (default "default 1 2 4 7") are the jobs section's --jobs;
# JOBS_STAGES=1 prints when each run's stages came, as gpus does.
set -u
bundle=${1:-.gpu}
out=${2:-/tmp/umat-figures}
shift 2 2>/dev/null
sections=${*:-checks cuda bench nvdec seed jobs encode gpus}
long_frames=${LONG_FRAMES:-3600}
short_frames=${SHORT_FRAMES:-900}
chain=BGR2HSV,HSV2RGB
mkdir -p "$out"
work=$(mktemp -d /tmp/umat-figures.XXXXXX)
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC1091
. "$bundle/env.sh"
export XDG_RUNTIME_DIR=/tmp GST_REGISTRY_1_0=/tmp/umat-figures-registry.bin
nvidia-smi -L
echo "cores: $(nproc)"

# before COMMAND...: COMMAND with BEFORE's plugin and umat-process (in a
# plugin folder and registry of their own, so the two trees never meet)
before_plugins=$work/before-plugins
if [[ -n ${BEFORE:-} ]]; then
  mkdir -p "$before_plugins"
  ln -s "$(cd "$bundle/plugins" && pwd)"/*.so "$before_plugins/"
  ln -sf "$(cd "$BEFORE" && pwd)/libgstumat.so" "$before_plugins/libgstumat.so"
fi
before () {
  GST_PLUGIN_SYSTEM_PATH_1_0=$before_plugins \
    GST_REGISTRY_1_0=$work/registry-before.bin PATH="$BEFORE:$PATH" "$@"
}
# both registries scanned before anything is timed
gst-inspect-1.0 umatconvert >/dev/null 2>&1
[[ -z ${BEFORE:-} ]] || before gst-inspect-1.0 umatconvert >/dev/null 2>&1
# trees: "now", and "before" when BEFORE is set
trees=(now)
[[ -n ${BEFORE:-} ]] && trees+=(before)

# time_it NAME FRAMES COMMAND...: frames, seconds, fps (or FAILED)
time_it () {
  local name=$1 frames=$2 t0 t1 rc
  shift 2
  t0=$EPOCHREALTIME
  "$@" >"$work/out.txt" 2>&1
  rc=$?
  t1=$EPOCHREALTIME
  if [[ $rc -ne 0 ]]; then
    echo "$name: FAILED (exit $rc): $(grep -m1 -iE "error|erroneous" "$work/out.txt")"
    return 1
  fi
  awk -v n="$frames" -v t0="$t0" -v t1="$t1" -v name="$name" \
    'BEGIN { printf "%-64s %6d frames %7.2f s %8.1f fps\n", name, n, t1 - t0, n / (t1 - t0) }'
}

# stages: what umat-process -v said of the run time_it timed last: the
# decoders and memory of the ranges, and when the stages came
stages () {
  grep -o "decoding with .*\|in memory:.*" "$work/out.txt" | sort | uniq -c
  grep -o "keyframes read after .*" "$work/out.txt"
  grep -o "loading .* after [0-9.]* s" "$work/out.txt"
  for stage in "pipeline started" "first frame into umatconvert" "done"; do
    grep -o "$stage after [0-9.]*" "$work/out.txt" | awk -v stage="$stage" '
      { t = $NF + 0; if (!n++ || t < lo) lo = t; if (t > hi) hi = t }
      END { if (n) printf "ranges: %s after %.2f to %.2f s\n", stage, lo, hi }'
  done
}

# parallel NAME N FRAMES COMMAND...: N copies at once; total fps
parallel () {
  local name=$1 n=$2 frames=$3 t0 t1 i failed=0
  shift 3
  t0=$EPOCHREALTIME
  for ((i = 0; i < n; i++)); do
    "$@" >"$work/par$i.txt" 2>&1 &
  done
  for ((i = 0; i < n; i++)); do
    wait -n || failed=1
  done
  t1=$EPOCHREALTIME
  if [[ $failed -ne 0 ]]; then
    echo "$name: FAILED: $(cat "$work"/par*.txt | grep -m1 -iE "error|erroneous")"
    return 1
  fi
  awk -v n="$n" -v f="$frames" -v t0="$t0" -v t1="$t1" -v name="$name" \
    'BEGIN { printf "%-64s %d x %5d frames %7.2f s %8.1f fps in all\n", name, n, f, t1 - t0, n * f / (t1 - t0) }'
}

make_clip () {
  local path=$1 frames=$2
  [[ -f $path ]] && return 0
  gst-launch-1.0 -q videotestsrc pattern=smpte horizontal-speed=4 \
      num-buffers="$frames" ! \
    video/x-raw,format=I420,width=1920,height=1080,framerate=30/1,colorimetry=bt709 ! \
    x264enc speed-preset=ultrafast key-int-max=60 ! video/x-h264,profile=high ! \
    h264parse ! mp4mux ! filesink location="$path"
}
clips=${CLIP_DIR:-$work}
mkdir -p "$clips"
long=$clips/long-$long_frames.mp4
short=$clips/short-$short_frames.mp4
t0=$EPOCHREALTIME
make_clip "$short" "$short_frames" && make_clip "$long" "$long_frames" ||
  { echo "making the clips failed" >&2; exit 1; }
echo "clips: $short_frames and $long_frames frames, 1080p30 H.264 BT.709, made in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"

# shellcheck disable=SC2054
demux=(filesrc location="$long" ! qtdemux ! h264parse ! "${DECODER:-nvh264dec}")
frame_bytes=$((1920 * 1080 * 3))

for section in $sections; do
  case $section in
  checks)
    echo "== checks: the OpenCL edges against the CPU, byte for byte"
    UMAT_TEST_DEVICE=opencl UMAT_REQUIRE_OPENCL=1 "$bundle/bin/opencl_edges" 2>&1 | tail -3
    echo "== device=auto picks"
    GST_DEBUG=umatconvert:4 gst-launch-1.0 -q videotestsrc num-buffers=2 ! \
      umatconvert ! fakesink 2>&1 | grep -o "backend .*\|frames in CUDA memory.*"
    ;;
  cuda)
    echo "== CUDA memory in: what nvh264dec and umatconvert negotiate"
    # and in which CUDA context the element makes its CUDA memory
    GST_DEBUG=umatconvert:4 GST_DEBUG_NO_COLOR=1 \
      gst-launch-1.0 -v filesrc location="$short" ! qtdemux ! h264parse ! \
      nvh264dec ! queue ! \
      umatconvert device=opencl chain="$chain" ! video/x-raw,format=BGR ! \
      fakesink num-buffers=2 2>&1 |
      grep -o -E "umatconvert0.GstPad:sink: caps.*|CUDA memory made in .*" |
      sort -u
    echo "== the same frames through CUDA memory and through system memory (90 frames, to the end)"
    gst-launch-1.0 -q videotestsrc pattern=smpte horizontal-speed=4 num-buffers=90 ! \
      video/x-raw,format=I420,width=1920,height=1080,framerate=30/1,colorimetry=bt709 ! \
      x264enc speed-preset=ultrafast key-int-max=30 ! h264parse ! mp4mux ! \
      filesink location="$work/90.mp4"
    for q in 1 4; do
      for mem in cuda system; do
        caps="video/x-raw(memory:CUDAMemory)"
        [[ $mem == system ]] && caps="video/x-raw"
        gst-launch-1.0 -q filesrc location="$work/90.mp4" ! qtdemux ! h264parse ! \
          nvh264dec ! "$caps" ! queue ! \
          umatconvert device=opencl queue-size=$q chain="$chain" ! \
          video/x-raw,format=BGR ! filesink location="$work/$mem.raw" ||
          echo "$mem: FAILED"
      done
      if cmp -s "$work/cuda.raw" "$work/system.raw" &&
          [[ $(stat -c %s "$work/cuda.raw") -eq $((90 * frame_bytes)) ]]; then
        echo "queue-size $q: 90 frames, identical"
      else
        echo "queue-size $q: DIFFERENT ($(stat -c %s "$work/cuda.raw") and $(stat -c %s "$work/system.raw") bytes; $(cmp "$work/cuda.raw" "$work/system.raw" 2>&1 | head -1))"
      fi
    done
    ;;
  bench)
    echo "== umat-bench, 1080p, frames from pinned memory"
    umat-bench --sizes 1920x1080 --paths umat-opencl,umatcv-pinned,umat-cpu,videoconvert \
      --seconds 1 --json "$out/bench.json" --tsv "$out/bench.tsv"
    for n in ${STRIPES:-1 2 4 6 8}; do
      echo "-- $n stripes a frame (UMATCV_OVERLAP_STRIPES), the two chains"
      UMATCV_OVERLAP_STRIPES=$n umat-bench --sizes 1920x1080 \
        --paths umat-opencl,umatcv-pinned --conversions 5,6 --seconds 1 |
        grep -v "^size\|^cores"
    done
    for q in 1 2 4 8; do
      echo "-- queue-size $q (UMAT_BENCH_QUEUE_SIZE), the two chains"
      UMAT_BENCH_QUEUE_SIZE=$q umat-bench --sizes 1920x1080 \
        --paths umat-opencl,umatcv-pinned --conversions 5,6 --seconds 1 |
        grep -v "^size\|^cores"
    done
    ;;
  nvdec)
    # 7 at once: the H200's NVDEC engines, as 7 chains of one pipeline in
    # one process (the decoders share a CUDA context and the umatconverts an
    # OpenCL context, as in an application or umat-process --jobs), and as
    # 7 processes (a context each)
    echo "== nvh264dec -> umatconvert, $long_frames frames: one pipeline; 7 in one process; 7 processes (${NVDEC_REPEAT:-1} times, taking turns)"
    # shellcheck disable=SC2054
    for ((repeat = 0; repeat < ${NVDEC_REPEAT:-1}; repeat++)); do
      for n in ${NVDEC_COUNTS:-1 7 7p}; do
        variants=(
          "decode alone, frames to system memory|video/x-raw ! fakesink sync=false"
          "decode alone, frames in CUDA memory|video/x-raw(memory:CUDAMemory) ! fakesink sync=false"
          "decode + umatconvert opencl, CUDA memory in|video/x-raw(memory:CUDAMemory) ! queue max-size-buffers=8 ! umatconvert device=opencl chain=$chain ! fakesink sync=false"
          "decode + umatconvert opencl, system memory in|video/x-raw ! queue max-size-buffers=8 ! umatconvert device=opencl chain=$chain ! fakesink sync=false"
          "decode + umatconvert cpu|video/x-raw ! queue max-size-buffers=8 ! umatconvert device=cpu chain=$chain ! fakesink sync=false")
        for v in "${variants[@]}"; do
          name=${v%%|*}
          [[ $name =~ ${NVDEC_VARIANTS:-.} ]] || continue
          read -r -a tail <<<"${v#*|}"
          for tree in "${trees[@]}"; do
            run=()
            if [[ $tree == before ]]; then
              [[ $name == *umatconvert* ]] || continue
              name="${v%%|*} (before)"
              run=(before)
            fi
            case $n in
            1) time_it "$name" "$long_frames" "${run[@]}" gst-launch-1.0 -q "${demux[@]}" ! "${tail[@]}" ;;
            7)
              branches=()
              for ((i = 0; i < 7; i++)); do branches+=("${demux[@]}" ! "${tail[@]}"); done
              time_it "7 in one process: $name" $((7 * long_frames)) "${run[@]}" gst-launch-1.0 -q "${branches[@]}" ;;
            7p)
              [[ ${NVDEC_PROCESSES:-1} == 1 ]] || continue
              [[ $name == *"CUDA memory in"* || $name == *"alone, frames in CUDA"* ]] || continue
              parallel "7 processes: $name" 7 "$long_frames" "${run[@]}" gst-launch-1.0 -q "${demux[@]}" ! "${tail[@]}" ;;
            esac
          done
        done
      done
    done
    ;;
  seed)
    echo "== the seed's job: decode -> $chain -> BGR frames to an application"
    for ((i = 0; i < ${SEED_RUNS:-2}; i++)); do
      time_it "seed script, whole process" "$long_frames" python3 "$bundle/seed_approach.py" "$long" umat
      grep seed-approach "$work/out.txt" | sed 's/^/seed script: /'
      umat-appsink --quiet --device opencl --chain "$chain" "$long" | tail -1 |
        sed 's/^/umat-appsink --quiet (C application, uridecodebin, device=opencl): /'
      umat-appsink --quiet --device cpu --chain "$chain" "$long" | tail -1 |
        sed 's/^/umat-appsink --quiet (C application, uridecodebin, device=cpu): /'
      time_it "umat-process INPUT - (null sink), --jobs 1" "$long_frames" \
        umat-process --device opencl --chain "$chain" --jobs 1 "$long" -
      time_it "umat-process INPUT - (null sink), no --jobs" "$long_frames" \
        umat-process -v --device opencl --chain "$chain" "$long" - &&
        grep -o "[0-9]* pipelines\?: .*" "$work/out.txt"
    done
    ;;
  jobs)
    echo "== umat-process --jobs N, decode + chain, no encode"
    # "default": no --jobs, with the pipelines umat-process chose
    for j in ${JOBS_LIST:-default 1 2 4 7}; do
      jobs=(--jobs "$j")
      [[ $j == default ]] && jobs=()
      time_it "umat-process ${jobs[*]:-(default)} $chain -" "$long_frames" \
        umat-process -v --device opencl --chain "$chain" "${jobs[@]}" "$long" - || continue
      grep -o "[0-9]* pipelines\?: .*" "$work/out.txt"
      [[ -n ${JOBS_STAGES:-} ]] && stages
    done
    ;;
  encode)
    echo "== umat-process --jobs N with x264enc (speed-preset fast)"
    for j in ${ENCODE_JOBS:-1 4 8}; do
      time_it "umat-process --jobs $j $chain, x264enc fast" "$long_frames" \
        umat-process --device opencl --chain "$chain" --jobs "$j" \
          --encoder "x264enc speed-preset=fast" "$long" "$work/out-$j.mp4"
    done
    ;;
  gpus)
    repeat=${GPUS_REPEAT:-1}
    clip=$long
    frames=$long_frames
    if ((repeat > 1)); then
      clip=$clips/long-$long_frames-x$repeat.mp4
      frames=$((long_frames * repeat))
      if [[ ! -f $clip ]]; then
        mkdir -p "$work/repeat"
        for ((i = 0; i < repeat; i++)); do
          ln -sf "$long" "$(printf "%s/repeat/part%03d.mp4" "$work" "$i")"
        done
        t0=$EPOCHREALTIME
        gst-launch-1.0 -q splitmuxsrc location="$work/repeat/part*.mp4" ! \
          h264parse ! mp4mux ! filesink location="$clip" ||
          { echo "making the $repeat-times clip failed"; continue; }
        echo "clip: $frames frames ($repeat x $long_frames), $(du -m "$clip" | cut -f1) MB, made in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
      fi
    fi
    echo "== two GPUs: umat-process --jobs, decode + chain, no encode, one GPU against both ($frames frames)"
    # with the decoders each range chose, the times of the stages, and
    # each GPU's mean NVDEC use while it ran (nvidia-smi every 200 ms)
    for run in ${GPUS_RUNS:-7:0:now 14:0,1:now 7:0:now}; do
      read -r j devices tree <<<"${run//:/ }"
      run=()
      [[ $tree == before ]] && run=(before)
      jobs=(--jobs "$j")
      [[ $j == default ]] && jobs=()
      nvidia-smi --query-gpu=index,utilization.decoder --format=csv,noheader,nounits \
        -lms 200 >"$work/dec.csv" 2>/dev/null &
      smi=$!
      time_it "umat-process ${jobs[*]:-(default)} --devices $devices${run:+ (before)}" "$frames" \
        "${run[@]}" umat-process -v --device opencl --chain "$chain" \
          "${jobs[@]}" --devices "$devices" "$clip" -
      grep -o "[0-9]* pipelines\?: .*" "$work/out.txt"
      kill "$smi" 2>/dev/null
      wait "$smi" 2>/dev/null
      stages
      awk -F', ' '$2 > 0 { sum[$1] += $2; n[$1]++ }
        END { for (g in sum) printf "GPU %s: NVDEC %.0f %% on average while busy (%d samples)\n", g, sum[g] / n[g], n[g] }' "$work/dec.csv"
    done
    ;;
  startup)
    # where a pipeline's first seconds go: the debug log's lines that
    # follow a pause of 50 ms or more, with the line before each pause
    # (times from gst_init); the whole logs are kept in OUTDIR
    echo "== start-up: nvh264dec -> umatconvert, $short_frames frames, where the time goes"
    export GST_DEBUG_NO_COLOR=1 GST_DEBUG=umatconvert:5,nvcodec:5,nvdecoder:5,nvenc:5,cudacontext:5,nvdec:4,GST_STATES:3,GST_PLUGIN_LOADING:4
    # umatconvert twice: its kernel is compiled the first time (OpenCV's
    # cache starts empty on a fresh machine) and loaded from the cache after
    # shellcheck disable=SC2054
    for v in "decode alone|fakesink sync=false" \
        "decode + umatconvert, first|queue max-size-buffers=8 ! umatconvert device=opencl chain=$chain ! fakesink sync=false" \
        "decode + umatconvert, again|queue max-size-buffers=8 ! umatconvert device=opencl chain=$chain ! fakesink sync=false"; do
      name=${v%%|*}
      read -r -a tail <<<"${v#*|}"
      log=$out/startup-$(tr -c 'a-z\n' - <<<"$name" | tr -s -).log
      t0=$EPOCHREALTIME
      gst-launch-1.0 filesrc location="$short" ! qtdemux ! h264parse ! nvh264dec ! \
        "video/x-raw(memory:CUDAMemory)" ! "${tail[@]}" >"$log" 2>&1
      rc=$?
      echo "-- $name: $(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $t0 }") s, exit $rc"
      awk '
        $1 ~ /^[0-9]+:[0-9][0-9]:[0-9][0-9]\./ {
          split($1, h, ":"); t = h[1] * 3600 + h[2] * 60 + h[3]
          line = sprintf("%8.3f %s", t, substr($0, index($0, $4), 180))
          if (t - last >= 0.05) printf "   %s\n-> %s\n", prev, line
          last = t; prev = line }
        END { printf "   last line at %.3f s\n", last }' "$log"
      grep -o "ready after .*\|built in .*" "$log"
    done
    unset GST_DEBUG GST_DEBUG_NO_COLOR
    for i in 1 2; do
      time_it "gst-inspect-1.0 nvh264dec (nvcodec loads, probes the GPUs)" 0 \
        gst-inspect-1.0 nvh264dec
    done
    ;;
  *)
    echo "unknown section $section" >&2
    ;;
  esac
done
