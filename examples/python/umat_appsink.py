#!/usr/bin/python3
# umat_appsink.py: converted frames into Python (numpy, cv2) through appsink.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   umat_appsink.py [--chain CODES] [--selection-rate N] [--device D] INPUT
#
# Decodes INPUT, runs umatconvert in GStreamer's threads and pulls the
# converted frames from an appsink as numpy arrays, the type cv2 functions
# take. Prints, per frame, the same line as examples/c/umat-appsink.c.
#
# Needs gst-python and numpy (Debian: python3-gst-1.0 python3-numpy): run it
# with /usr/bin/python3, not a venv/pyenv python without GObject. The plugin
# must be on GST_PLUGIN_PATH.

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstVideo  # noqa: E402
import numpy as np  # noqa: E402

APPSINK_CAPS = ("video/x-raw, format=(string)"
                "{ BGR, RGB, BGRx, BGRA, RGBx, RGBA, GRAY8 }")


def frames(pipeline, sink):
    """Yields (sample, info, array) per frame; the array is a view of the
    buffer's memory, valid until the next iteration (copy() it to keep it)."""
    bus = pipeline.get_bus()
    while True:
        sample = sink.emit("try-pull-sample", Gst.SECOND)
        if sample is None:      # end of stream, an error (on the bus), or slow
            if sink.get_property("eos"):
                return
            error = bus.pop_filtered(Gst.MessageType.ERROR)
            if error is not None:
                raise RuntimeError("%s: %s" % (error.src.get_name(),
                                               error.parse_error()[0].message))
            continue
        info = GstVideo.VideoInfo.new_from_caps(sample.get_caps())
        buf = sample.get_buffer()
        # GstVideoMeta, when the buffer has one, gives the real stride and
        # offset; else the layout is GStreamer's default one for the caps
        meta = GstVideo.buffer_get_video_meta(buf)
        stride = meta.stride[0] if meta else info.stride[0]
        offset = meta.offset[0] if meta else info.offset[0]
        channels = info.finfo.pixel_stride[0]
        ok, mapped = buf.map(Gst.MapFlags.READ)
        if not ok:
            raise RuntimeError("cannot map a frame")
        try:
            # rows can be padded (BGR at a width that is not a multiple of
            # 4): strides from GStreamer, not width * channels; no copy
            array = np.ndarray((info.height, info.width, channels),
                               dtype=np.uint8, buffer=mapped.data,
                               offset=offset, strides=(stride, channels, 1))
            yield sample, info, array
            del array
        finally:
            buf.unmap(mapped)


def main():
    parser = argparse.ArgumentParser(
        description="Pull umatconvert's frames into numpy arrays.")
    parser.add_argument("input")
    parser.add_argument("--chain", default="BGR2HSV,HSV2BGR")
    parser.add_argument("--selection-rate", type=int, default=1)
    parser.add_argument("--device", default="auto",
                        choices=["auto", "cpu", "opencl"])
    args = parser.parse_args()

    Gst.init(None)
    uri = Gst.filename_to_uri(args.input)
    # umatconvert takes whatever the decoder gives (10-bit and 4:4:4 too)
    # and runs the chain on it in one pass; sync=false: as fast as frames
    # come; max-buffers: at most 4 frames wait for Python
    try:
        pipeline = Gst.parse_launch(
            'uridecodebin uri="%s" ! queue ! '
            'umatconvert chain="%s" selection-rate=%d device=%s ! %s ! '
            'appsink name=sink sync=false max-buffers=4'
            % (uri, args.chain, args.selection_rate, args.device,
               APPSINK_CAPS))
    except GLib.Error as exc:
        sys.exit("umat_appsink: error: cannot build the pipeline: %s"
                 % exc.message)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    count = 0
    try:
        for sample, info, array in frames(pipeline, sink):
            if count == 0:
                print("caps %s" % sample.get_caps().to_string())
            # the application's own work: cv2.anything(array) goes here
            sums = array.sum(axis=(0, 1), dtype=np.uint64)
            print("frame %d pts %.6f %s %dx%d stride %d sums %s"
                  % (count, sample.get_buffer().pts / Gst.SECOND,
                     info.finfo.name,
                     info.width, info.height, array.strides[0],
                     ",".join(str(s) for s in sums)))
            count += 1
    except RuntimeError as exc:
        pipeline.set_state(Gst.State.NULL)
        sys.exit("umat_appsink: error: %s" % exc)
    pipeline.set_state(Gst.State.NULL)
    print("%d frames" % count)


if __name__ == "__main__":
    main()
