#!/usr/bin/python3
# The seed's job through GStreamer: decode a file, BGR2HSV then HSV2RGB on
# each frame, every frame into numpy in the application.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   seed-job.py FILE [--device cpu|opencl] [--queue] [--chain CHAIN]
#
# filesrc ! decodebin ! umatconvert device=cpu chain=BGR2HSV,HSV2RGB
#   ! video/x-raw,format=RGB ! appsink sync=false
# (--queue puts a queue after decodebin, so that decoding and converting
# run on threads of their own). Each sample's buffer is mapped and viewed
# as a numpy array of the frame, without a copy; the seed
# (/work/shared/bench/seed_approach.py) fetches each frame into numpy too.
# Prints frames, seconds and fps in the seed's format, timed from PLAYING
# to the end of the stream. Run it with GST_PLUGIN_PATH pointing at the
# build's gst/umatconvert.
import argparse
import sys
import time

import gi
import numpy as np

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstVideo  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--queue", action="store_true")
    parser.add_argument("--chain", default="BGR2HSV,HSV2RGB")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(
        "filesrc name=src ! decodebin ! %s umatconvert device=%s chain=%s ! "
        "video/x-raw,format=RGB ! appsink name=sink sync=false "
        "max-buffers=4" % ("queue max-size-buffers=4 !" if args.queue else "",
                           args.device, args.chain))
    pipeline.get_by_name("src").set_property("location", args.file)
    sink = pipeline.get_by_name("sink")

    frames = 0
    checksum = 0
    start = time.time()
    pipeline.set_state(Gst.State.PLAYING)
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        info = GstVideo.VideoInfo.new_from_caps(sample.get_caps())
        buffer = sample.get_buffer()
        ok, mapping = buffer.map(Gst.MapFlags.READ)
        if not ok:
            sys.exit("cannot map a frame")
        # the frame as the application sees it: no copy
        frame = np.ndarray((info.height, info.width, 3), dtype=np.uint8,
                           buffer=mapping.data,
                           strides=(info.stride[0], 3, 1))
        checksum += int(frame[info.height // 2, info.width // 2, 0])
        del frame
        buffer.unmap(mapping)
        frames += 1
    seconds = time.time() - start

    bus = pipeline.get_bus()
    error = bus.pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if error is not None:
        sys.exit("error: %s" % error.parse_error()[0].message)
    print("gst-umatconvert device=%s queue=%s frames=%d seconds=%.2f "
          "fps=%.1f" % (args.device, args.queue, frames, seconds,
                        frames / seconds))


if __name__ == "__main__":
    main()
