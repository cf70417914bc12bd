#!/usr/bin/python3
# umatconvert as the seed's users meet it: OpenCV's VideoCapture and
# VideoWriter with the GStreamer backend, and an application that does
# OpenCV work of its own in the same process.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import cv2
import numpy as np

import umattest
from umattest import Gst

DEVICE = os.environ.get("UMAT_TEST_DEVICE", "cpu")
CHAIN = "BGR2HSV,HSV2BGR"


def has_gstreamer_backend():
    info = cv2.getBuildInformation()
    return any("GStreamer" in line and "YES" in line
               for line in info.splitlines())


def ffmpeg_clip(path, frames, size="320x240", rate=30):
    """An H.264 file from a real encoder (ffmpeg's libx264), BT.601."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc2=size=%s:rate=%d" % (size, rate),
                    "-frames:v", str(frames), "-c:v", "libx264",
                    "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-colorspace", "smpte170m", path], check=True)


def read_all(capture):
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


@unittest.skipUnless(has_gstreamer_backend(),
                     "this cv2 was built without GStreamer")
@unittest.skipUnless(shutil.which("ffmpeg"), "no ffmpeg to make test files")
class OpenCVUsers(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="umat-opencv-")
        cls.clip = os.path.join(cls.tmp.name, "clip.mp4")
        ffmpeg_clip(cls.clip, 60)
        # the same frames through umatconvert without a chain: the decode
        # the chain then starts from
        cls.decoded = read_all(cv2.VideoCapture(
            "filesrc location=%s ! decodebin ! umatconvert device=%s ! "
            "video/x-raw,format=BGR ! appsink sync=false"
            % (umattest.quote(cls.clip), DEVICE), cv2.CAP_GSTREAMER))
        assert len(cls.decoded) == 60, len(cls.decoded)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def capture(self, sync):
        return cv2.VideoCapture(
            "filesrc location=%s ! decodebin ! "
            "umatconvert device=%s chain=%s ! video/x-raw,format=BGR ! "
            "appsink sync=%s" % (umattest.quote(self.clip), DEVICE, CHAIN,
                                 "true" if sync else "false"),
            cv2.CAP_GSTREAMER)

    def test_capture_gives_the_chain_on_every_frame(self):
        frames = read_all(self.capture(sync=False))
        self.assertEqual(len(frames), 60)
        for i, (got, decoded) in enumerate(zip(frames, self.decoded)):
            self.assertEqual(got.shape, (240, 320, 3))
            want = cv2.cvtColor(cv2.cvtColor(decoded, cv2.COLOR_BGR2HSV),
                                cv2.COLOR_HSV2BGR)
            diff = np.abs(got.astype(int) - want.astype(int))
            self.assertLessEqual(diff.max(), 0,
                                 "frame %d differs from OpenCV's own "
                                 "cvtColor by up to %d" % (i, diff.max()))

    def test_capture_decodes_like_ffmpeg(self):
        # ffmpeg's accurate swscale, told the chroma siting GStreamer's
        # decoder reports for H.264 (MPEG-2: left, vertically centred)
        raw = subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-i", self.clip, "-vf",
             "scale=flags=accurate_rnd+full_chroma_int:in_h_chr_pos=0:"
             "in_v_chr_pos=128", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
            check=True, capture_output=True).stdout
        reference = np.frombuffer(raw, np.uint8).reshape(-1, 240, 320, 3)
        self.assertEqual(len(reference), len(self.decoded))
        diff = np.abs(np.stack(self.decoded).astype(int)
                      - reference.astype(int))
        self.assertLess(diff.mean(), 1.0, "mean difference from ffmpeg")

    def test_sync_false_reads_as_fast_as_it_can(self):
        # appsink's default, sync=true, plays at the clip's own rate: 60
        # frames at 30 fps take two seconds whatever the machine does
        start = time.monotonic()
        self.assertEqual(len(read_all(self.capture(sync=True))), 60)
        paced = time.monotonic() - start
        start = time.monotonic()
        self.assertEqual(len(read_all(self.capture(sync=False))), 60)
        unpaced = time.monotonic() - start
        self.assertGreaterEqual(paced, 1.8)
        self.assertLess(unpaced, paced / 2)

    def test_writer_through_umatconvert_into_x264enc(self):
        path = os.path.join(self.tmp.name, "written.mp4")
        # OpenCV's appsrc gives BGR; umatconvert runs the chain and hands
        # x264enc the I420 it takes, with no videoconvert
        writer = cv2.VideoWriter(
            "appsrc ! umatconvert device=%s chain=%s ! "
            "x264enc pass=quant quantizer=0 speed-preset=ultrafast ! "
            "mp4mux ! filesink location=%s"
            % (DEVICE, CHAIN, umattest.quote(path)),
            cv2.CAP_GSTREAMER, 0, 30.0, (320, 240), True)
        self.assertTrue(writer.isOpened())
        written = []
        for i in range(30):
            frame = np.zeros((240, 320, 3), np.uint8)
            frame[:, :, 0] = (np.arange(320) + 4 * i) % 256
            frame[:, :, 1] = 128
            frame[:, :, 2] = np.arange(240)[:, None]
            writer.write(frame)
            written.append(cv2.cvtColor(cv2.cvtColor(
                frame, cv2.COLOR_BGR2HSV), cv2.COLOR_HSV2BGR))
        writer.release()
        back = read_all(cv2.VideoCapture(path, cv2.CAP_FFMPEG))
        self.assertEqual(len(back), 30)
        # lossless H.264 of the I420 the element wrote: what is left is
        # chroma subsampling and rounding, small on these smooth ramps
        diff = np.abs(np.stack(back).astype(int)
                      - np.stack(written).astype(int))
        self.assertLess(diff.mean(), 2.0)


class HostOpenCV(unittest.TestCase):
    """The element's OpenCL work leaves the application's OpenCV as it was,
    on the thread that starts the pipeline and on the streaming thread
    where appsink's callbacks run."""

    def state(self):
        device = cv2.ocl.Device.getDefault()
        return (cv2.ocl.useOpenCL(), device.name() if device else "")

    def test_use_opencl_and_default_device_stay(self):
        cv2.ocl.setUseOpenCL(False)
        before = self.state()
        # what a thread that OpenCV never saw has: what the streaming
        # thread must still find after the element ran there
        fresh = []
        thread = threading.Thread(target=lambda: fresh.append(self.state()))
        thread.start()
        thread.join()
        seen = []

        def on_sample(sink):
            sample = sink.emit("pull-sample")
            seen.append(self.state())
            return Gst.FlowReturn.OK if sample else Gst.FlowReturn.ERROR

        pipeline = Gst.parse_launch(
            "videotestsrc num-buffers=10 ! video/x-raw,format=BGR,"
            "width=64,height=48 ! umatconvert name=u device=%s chain=%s ! "
            "appsink name=s sync=false emit-signals=true" % (DEVICE, CHAIN))
        pipeline.get_by_name("s").connect("new-sample", on_sample)
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        backend = pipeline.get_by_name("u").get_property("backend")
        pipeline.set_state(Gst.State.NULL)
        self.assertEqual(msg.type, Gst.MessageType.EOS)
        if DEVICE == "opencl":
            self.assertTrue(backend.startswith("opencl:"), backend)
        self.assertEqual(self.state(), before)
        self.assertEqual(len(seen), 10)
        for state in seen:
            self.assertEqual(state, fresh[0], "on the streaming thread")


@unittest.skipUnless(DEVICE == "opencl", "the CPU backend compiles no kernel")
class KernelCache(unittest.TestCase):
    """The fused kernel goes into OpenCV's binary cache beside OpenCV's own
    kernels, so that the next process loads it instead of compiling it
    while the decoder waits, and converts the same with it."""

    def convert(self, env, out, device="opencl"):
        rc, _, stderr = umattest.run(
            ["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=3",
             "pattern=smpte", "!",
             "video/x-raw,format=NV12,width=320,height=240", "!",
             "umatconvert", "device=" + device, "chain=" + CHAIN, "!",
             "video/x-raw,format=BGR", "!", "filesink", "location=" + out],
            env=env)
        self.assertEqual(rc, 0, stderr)
        with open(out, "rb") as f:
            return f.read()

    def test_fused_kernel_is_kept_and_loaded(self):
        with tempfile.TemporaryDirectory(prefix="umat-cache-") as cache:
            # PoCL's own cache off: only OpenCV's can spare the compiler
            env = dict(os.environ, OPENCV_OPENCL_CACHE_DIR=cache,
                       POCL_KERNEL_CACHE="0")
            compiled = self.convert(env, os.path.join(cache, "a.raw"))
            kept = [os.path.join(d, f) for d, _, files in os.walk(cache)
                    for f in files if f.startswith("umatcv--fused_")]
            self.assertEqual(len(kept), 1, os.listdir(cache))
            written = os.stat(kept[0]).st_mtime_ns
            loaded = self.convert(env, os.path.join(cache, "b.raw"))
            # read, not compiled and written again
            self.assertEqual(os.stat(kept[0]).st_mtime_ns, written)
            self.assertEqual(len(compiled), 3 * 320 * 240 * 3)
            self.assertEqual(loaded, compiled)
            self.assertEqual(
                self.convert(env, os.path.join(cache, "c.raw"), "cpu"),
                compiled, "the CPU's conversion")


# An application with a pipeline per camera, started from a thread each at
# once, in a process where nothing has used OpenCL yet.
STARTED_TOGETHER = r"""
import hashlib, sys, threading
import umattest
from umattest import Gst

n, device = int(sys.argv[1]), sys.argv[2]
together = threading.Barrier(n)
results = [None] * n


def camera(i):
    pipeline = Gst.parse_launch(
        "videotestsrc num-buffers=5 pattern=smpte ! "
        "video/x-raw,format=BGR,width=64,height=48 ! "
        "umatconvert name=u device=%s chain=BGR2HSV,HSV2BGR ! "
        "appsink name=s sync=false" % device)
    sink = pipeline.get_by_name("s")
    together.wait()
    pipeline.set_state(Gst.State.PLAYING)
    frames = hashlib.sha256()
    count = 0
    while True:
        sample = sink.emit("try-pull-sample", 30 * Gst.SECOND)
        if sample is None:
            break
        ok, info = sample.get_buffer().map(Gst.MapFlags.READ)
        frames.update(bytes(info.data))
        sample.get_buffer().unmap(info)
        count += 1
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    results[i] = "%s %s %d %s" % (
        msg.parse_error()[0].message if msg else "ok",
        pipeline.get_by_name("u").get_property("backend"), count,
        frames.hexdigest())
    pipeline.set_state(Gst.State.NULL)


threads = [threading.Thread(target=camera, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(results))
"""


@unittest.skipUnless(DEVICE == "opencl",
                     "device=cpu makes no OpenCL context to race for")
class StartedTogether(unittest.TestCase):
    """Pipelines started from several threads at once each get the OpenCL
    device, as one started alone does. OpenCV fills its device lists
    without a lock: when the first engines of a process were made at the
    same time, all but one found no device (device=auto then ran on the
    CPU without a word), or the process crashed."""

    def test_every_pipeline_gets_the_device(self):
        # a process each time: the race is in a process's first engines
        for _ in range(3):
            rc, stdout, stderr = umattest.run(
                [sys.executable, "-c", STARTED_TOGETHER, "4", DEVICE])
            self.assertEqual(rc, 0, stderr)
            lines = stdout.splitlines()
            self.assertEqual(len(lines), 4, stdout)
            for line in lines:
                self.assertRegex(line, r"^ok opencl:.* 5 [0-9a-f]{64}$")
            # the same frames from each
            self.assertEqual(len({line.split()[-1] for line in lines}), 1,
                             stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
