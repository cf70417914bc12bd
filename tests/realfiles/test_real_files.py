#!/usr/bin/python3
# Files from real encoders, as users have them, through
#   filesrc ! decodebin ! umatconvert chain=BGR2HSV,HSV2BGR
#     ! video/x-raw,format=BGR ! appsink
# with no videoconvert: H.264 BT.709 with AAC audio, H.264 BT.601 at 576p,
# MJPEG 4:2:2 full range, HEVC 10-bit, VP9, H.264 4:4:4 and a one-frame
# file, all made by ffmpeg's encoders. Each must give every frame the file
# holds, at its size, and pixels close to the independent reference: the
# decoder's own output (the same YUV the element got) converted by
# ffmpeg's accurate swscale, told the matrix, range and chroma siting the
# caps say, then through OpenCV's CPU cvtColor chain.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

import umattest
from umattest import Gst, GstVideo

DEVICE = os.environ.get("UMAT_TEST_DEVICE", "cpu")
CHAIN = "BGR2HSV,HSV2BGR"
SOURCE = "testsrc2=size=%s:rate=%d"

# name: (ffmpeg arguments after the lavfi input, size, rate, seconds)
FILES = {
    "h264-bt709-aac.mp4": (
        ["-f", "lavfi", "-i", "sine=frequency=440", "-c:v", "libx264",
         "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-colorspace", "bt709",
         "-color_primaries", "bt709", "-color_trc", "bt709", "-c:a", "aac"],
        "640x360", 30, 0.5),
    "h264-bt601-576p.mp4": (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-colorspace", "smpte170m", "-color_primaries", "smpte170m",
         "-color_trc", "smpte170m"], "720x576", 25, 0.4),
    "mjpeg-422-full.avi": (
        ["-c:v", "mjpeg", "-pix_fmt", "yuvj422p"], "640x360", 30, 0.3),
    "hevc-10bit.mp4": (
        ["-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt",
         "yuv420p10le"], "640x360", 30, 0.3),
    "vp9.webm": (
        ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
        "640x360", 30, 0.3),
    "h264-444-odd.mp4": (
        ["-vf", "scale=1279:719", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv444p"], "1280x720", 30, 0.3),
    "h264-one-frame.mp4": (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
        "640x360", 30, 1 / 30.),
}

# GStreamer's YUV formats the decoders above give, as ffmpeg names them
PIX_FMTS = {"I420": "yuv420p", "Y42B": "yuv422p", "Y444": "yuv444p",
            "I420_10LE": "yuv420p10le", "NV12": "nv12"}
MATRICES = {GstVideo.VideoColorMatrix.BT601: "bt601",
            GstVideo.VideoColorMatrix.BT709: "bt709",
            GstVideo.VideoColorMatrix.BT2020: "bt2020"}


def make(directory, name):
    args, size, rate, seconds = FILES[name]
    path = os.path.join(directory, name)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", SOURCE % (size, rate)] + args
                   + ["-t", "%.3f" % seconds, path], check=True)
    return path


def frames_in(path):
    """How many video frames ffprobe counts in the file."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def packed_planes(info, mapped):
    """A frame's planes without row padding, as ffmpeg's rawvideo has them."""
    out = []
    for plane in range(info.finfo.n_planes):
        comp = [c for c in range(info.finfo.n_components)
                if info.finfo.plane[c] == plane][0]
        w_sub, h_sub = info.finfo.w_sub[comp], info.finfo.h_sub[comp]
        width = -(-info.width >> w_sub)
        height = -(-info.height >> h_sub)
        row = width * info.finfo.pixel_stride[comp]
        stride, offset = info.stride[plane], info.offset[plane]
        for y in range(height):
            out.append(mapped[offset + y * stride:offset + y * stride + row])
    return b"".join(out)


def pull(description, on_sample):
    """Plays a pipeline whose appsink is named s to its end; returns the
    caps its element named u received, raising on an error."""
    pipeline = Gst.parse_launch(description)
    sink = pipeline.get_by_name("s")
    pipeline.set_state(Gst.State.PLAYING)
    while True:
        sample = sink.emit("try-pull-sample", 60 * Gst.SECOND)
        if sample is None:
            break
        on_sample(sample)
    error = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    caps = None
    element = pipeline.get_by_name("u")
    if element is not None:
        caps = element.get_static_pad("sink").get_current_caps()
    pipeline.set_state(Gst.State.NULL)
    if error is not None:
        raise AssertionError(error.parse_error()[0].message)
    return caps


def reference(tmp, path):
    """The decoder's frames converted by ffmpeg, then the chain by OpenCV."""
    import cv2
    raw = []
    infos = []

    def keep(sample):
        info = GstVideo.VideoInfo.new_from_caps(sample.get_caps())
        buf = sample.get_buffer()
        ok, mapped = buf.map(Gst.MapFlags.READ)
        raw.append(packed_planes(info, bytes(mapped.data)))
        buf.unmap(mapped)
        infos.append((info, sample.get_caps()))

    pull("filesrc location=%s ! decodebin ! appsink name=s sync=false"
         % umattest.quote(path), keep)
    info, caps = infos[0]
    yuv = os.path.join(tmp, "decoded.yuv")
    with open(yuv, "wb") as f:
        f.write(b"".join(raw))
    # the siting the caps name, else MPEG-2's (docs/colour.md)
    site = caps.get_structure(0).get_string("chroma-site") or "mpeg2"
    h_pos, v_pos = {"mpeg2": (0, 128), "jpeg": (128, 128),
                    "cosited": (0, 0)}[site]
    full = info.colorimetry.range == getattr(GstVideo.VideoColorRange, "0_255")
    scale = ("scale=flags=accurate_rnd+full_chroma_int:in_color_matrix=%s:"
             "in_range=%s" % (MATRICES[info.colorimetry.matrix],
                              "pc" if full else "tv"))
    # a position for chroma that is not subsampled would make ffmpeg
    # interpolate it
    if info.finfo.w_sub[1]:
        scale += ":in_h_chr_pos=%d" % h_pos
    if info.finfo.h_sub[1]:
        scale += ":in_v_chr_pos=%d" % v_pos
    bgr = np.frombuffer(subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
         PIX_FMTS[info.finfo.name], "-s", "%dx%d" % (info.width, info.height),
         "-i", yuv, "-vf", scale, "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
        capture_output=True, check=True).stdout, np.uint8).reshape(
        -1, info.height, info.width, 3)
    return info, np.stack([cv2.cvtColor(cv2.cvtColor(
        frame, cv2.COLOR_BGR2HSV), cv2.COLOR_HSV2BGR) for frame in bgr])


@unittest.skipUnless(shutil.which("ffmpeg") and shutil.which("ffprobe"),
                     "no ffmpeg to make the files")
class RealFiles(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="umat-real-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def check(self, name):
        path = make(self.tmp, name)
        info, expected = reference(self.tmp, path)
        frames = []

        def keep(sample):
            frames.append(umattest.Frame(sample))

        caps = pull("filesrc location=%s ! decodebin ! umatconvert name=u "
                    "device=%s chain=%s ! video/x-raw,format=BGR ! "
                    "appsink name=s sync=false"
                    % (umattest.quote(path), DEVICE, CHAIN), keep)
        self.assertEqual(len(frames), frames_in(path), "frames of the file")
        self.assertEqual(len(frames), len(expected))
        self.assertEqual((frames[0].width, frames[0].height),
                         (info.width, info.height))
        # no videoconvert in front: the element took the decoder's format
        self.assertEqual(GstVideo.VideoInfo.new_from_caps(caps).finfo.name,
                         info.finfo.name)
        ours = np.stack([f.planes[0].reshape(info.height, info.width, 3)
                         for f in frames]).astype(int)
        diff = np.abs(ours - expected.astype(int))
        where = "%s (%s, %dx%d)" % (name, info.finfo.name, info.width,
                                    info.height)
        print("%s: mean %.2f, 99th percentile %g" % (
            where, diff.mean(), np.percentile(diff, 99)))
        self.assertLessEqual(diff.mean(), 0.6, where)
        self.assertLessEqual(np.percentile(diff, 99), 14, where)

    def test_h264_bt709_with_audio(self):
        self.check("h264-bt709-aac.mp4")

    def test_h264_bt601_576p(self):
        self.check("h264-bt601-576p.mp4")

    def test_mjpeg_422_full_range(self):
        self.check("mjpeg-422-full.avi")

    def test_hevc_10_bit(self):
        self.check("hevc-10bit.mp4")

    def test_vp9(self):
        self.check("vp9.webm")

    def test_h264_444_odd_size(self):
        self.check("h264-444-odd.mp4")

    def test_one_frame(self):
        self.check("h264-one-frame.mp4")

    def test_format_it_does_not_take_is_named(self):
        # DV's 4:1:1 (Y41B, from avdec_dvvideo behind decodebin): decodebin's
        # ghost pad refuses the decoder's caps by asking the element, so the
        # element must say what it was offered and what it takes, rather
        # than leave the user with the demuxer's not-negotiated
        path = os.path.join(self.tmp, "dv-411.avi")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
                        "-i", SOURCE % ("720x480", 30), "-t", "0.1", "-c:v",
                        "dvvideo", "-pix_fmt", "yuv411p", path], check=True)
        pipeline = Gst.parse_launch(
            "filesrc location=%s ! decodebin ! umatconvert name=u device=%s "
            "chain=%s ! fakesink" % (umattest.quote(path), DEVICE, CHAIN))
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            60 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
        pipeline.set_state(Gst.State.NULL)
        self.assertIsNotNone(msg)
        self.assertEqual(msg.type, Gst.MessageType.ERROR)
        self.assertEqual(msg.src.get_name(), "u")
        text = msg.parse_error()[0].message
        self.assertIn("does not take Y41B video", text)
        self.assertIn("it takes BGR", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
