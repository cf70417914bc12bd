# Helpers for the Python tests (tests/tools, tests/examples): make clips,
# decode files into numpy frames, run programs. Run with /usr/bin/python3
# (gst-python, numpy).
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstVideo  # noqa: E402
import numpy as np  # noqa: E402

Gst.init(None)


def quote(value):
    """A property value that gst_parse_launch reads back unchanged."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def run_to_eos(description, timeout=120):
    """Plays a gst-launch style pipeline to EOS; raises on an error."""
    pipeline = Gst.parse_launch(description)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        timeout * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg is None:
        raise AssertionError("timed out: " + description)
    if msg.type == Gst.MessageType.ERROR:
        raise AssertionError("%s: %s" % (msg.parse_error()[0].message,
                                          description))


def make_h264_clip(path, frames, width=320, height=240, fps=30,
                   pattern="smpte", extra_caps=""):
    """An H.264 .mp4 of moving test bars (videotestsrc, x264enc)."""
    run_to_eos(
        "videotestsrc pattern=%s horizontal-speed=4 num-buffers=%d ! "
        "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1%s ! "
        "x264enc speed-preset=ultrafast key-int-max=%d ! mp4mux ! "
        "filesink location=%s"
        % (pattern, frames, width, height, fps, extra_caps, fps, quote(path)))


def make_raw_clip(path, frames, width=320, height=240, fps=30,
                  pattern="ball", video_format="BGR"):
    """A lossless clip (raw video in Matroska): its frames are known exactly."""
    run_to_eos(
        "videotestsrc pattern=%s num-buffers=%d ! "
        "video/x-raw,format=%s,width=%d,height=%d,framerate=%d/1 ! "
        "matroskamux ! filesink location=%s"
        % (pattern, frames, video_format, width, height, fps, quote(path)))


class Frame:
    """One decoded frame: caps, pts and its planes as numpy arrays (rows
    without their padding)."""

    def __init__(self, sample):
        self.caps = sample.get_caps()
        info = GstVideo.VideoInfo.new_from_caps(self.caps)
        buf = sample.get_buffer()
        self.pts = buf.pts
        self.format = info.finfo.name
        self.width, self.height = info.width, info.height
        ok, mapped = buf.map(Gst.MapFlags.READ)
        assert ok
        data = np.frombuffer(mapped.data, dtype=np.uint8)
        self.planes = []
        for p in range(info.finfo.n_planes):
            h = _plane_height(info, p)
            stride = info.stride[p]
            row_bytes = _row_bytes(info, p)
            rows = data[info.offset[p]:info.offset[p] + stride * h]
            self.planes.append(rows.reshape(h, stride)[:, :row_bytes].copy())
        buf.unmap(mapped)


def _plane_height(info, plane):
    name = info.finfo.name
    if plane > 0 and name in ("I420", "YV12", "NV12", "NV21"):
        return (info.height + 1) // 2
    return info.height


def _row_bytes(info, plane):
    name = info.finfo.name
    if name in ("I420", "YV12"):
        return info.width if plane == 0 else (info.width + 1) // 2
    if name in ("NV12", "NV21"):
        return info.width if plane == 0 else (info.width + 1) // 2 * 2
    return info.width * info.finfo.pixel_stride[0]


def decode(path, video_format=None, timeout=120):
    """Every video frame of a file, as Frame objects, decoded by GStreamer's
    own elements (decodebin; videoconvert to video_format if given)."""
    convert = ""
    if video_format:
        convert = "videoconvert ! video/x-raw,format=%s ! " % video_format
    pipeline = Gst.parse_launch(
        "filesrc location=%s ! decodebin ! %s"
        "appsink name=sink sync=false max-buffers=8"
        % (quote(path), convert))
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    frames = []
    while True:
        sample = sink.emit("try-pull-sample", timeout * Gst.SECOND)
        if sample is None:
            break
        frames.append(Frame(sample))
    error = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    ended = sink.get_property("eos")
    pipeline.set_state(Gst.State.NULL)
    if error is not None:
        raise AssertionError("decoding %s: %s"
                             % (path, error.parse_error()[0].message))
    # a stall is not the end of the file: no frame for `timeout` seconds
    # and no EOS would otherwise pass as a short file
    if not ended:
        raise AssertionError("decoding %s: no frame for %d s after frame %d, "
                             "and no end" % (path, timeout, len(frames)))
    return frames


def run(argv, env=None, timeout=300, **kwargs):
    """Runs a program; returns (returncode, stdout, stderr) as text."""
    proc = subprocess.run(argv, capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
    return proc.returncode, proc.stdout, proc.stderr


def build_path(*parts):
    """A path in the build tree; the test's environment names its root."""
    return os.path.join(os.environ["UMAT_BUILD_ROOT"], *parts)


class Packet:
    """One demuxed, parsed packet of a stream: caps, times and its bytes."""

    def __init__(self, sample):
        buf = sample.get_buffer()
        self.caps = sample.get_caps()
        self.pts, self.dts, self.duration = buf.pts, buf.dts, buf.duration
        self.keyframe = not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)
        ok, mapped = buf.map(Gst.MapFlags.READ)
        assert ok
        self.data = bytes(mapped.data)
        buf.unmap(mapped)


def packets(path, media, timeout=120):
    """The packets of every stream of `media` ("audio", "video") in a file,
    as parsebin gives them (not decoded): a list per stream."""
    pipeline = Gst.parse_launch("filesrc location=%s ! parsebin name=parse"
                                % quote(path))
    streams = []

    def on_sample(sink, stream):
        stream.append(Packet(sink.emit("pull-sample")))
        return Gst.FlowReturn.OK

    def on_pad(parse, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        if caps.get_structure(0).get_name().startswith(media + "/"):
            sink = Gst.ElementFactory.make("appsink")
            sink.set_property("emit-signals", True)
            streams.append([])
            sink.connect("new-sample", on_sample, streams[-1])
        else:
            sink = Gst.ElementFactory.make("fakesink")
        # the pipeline is playing already: sinks that wait to preroll would
        # hold it back in PAUSED
        sink.set_property("sync", False)
        sink.set_property("async", False)
        pipeline.add(sink)
        pad.link(sink.get_static_pad("sink"))
        sink.sync_state_with_parent()

    pipeline.get_by_name("parse").connect("pad-added", on_pad)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        timeout * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg is None:
        raise AssertionError("demuxing %s: timed out" % path)
    if msg.type == Gst.MessageType.ERROR:
        raise AssertionError("demuxing %s: %s"
                             % (path, msg.parse_error()[0].message))
    return streams


def psnr(a, b):
    """PSNR in dB between two arrays of 8-bit samples."""
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def have_element(factory):
    """Whether GStreamer has the element `factory` here."""
    return Gst.ElementFactory.find(factory) is not None
