#!/usr/bin/python3
# The embedding examples (examples/c, examples/cpp, examples/python) pull
# the frames umatconvert converts, as an application would: the right
# number, with the right caps and times, and pixels equal to an independent
# reference (the input decoded by GStreamer, converted with numpy).
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import tempfile
import unittest

import numpy as np

import umattest

DEVICE = os.environ.get("UMAT_TEST_DEVICE", "cpu")
EXAMPLES = {
    "c": [umattest.build_path("examples", "umat-appsink")],
    "cpp": [umattest.build_path("examples", "umat-opencv")],
    "python": ["/usr/bin/python3", os.path.join(
        os.environ["UMAT_SOURCE_ROOT"], "examples", "python",
        "umat_appsink.py")],
}
WIDTH, HEIGHT, FRAMES = 318, 240, 30    # BGR rows of 954 bytes pad to 956

FRAME_LINE = re.compile(r"^frame (\d+) pts (\d+\.\d{6}) (\w+) (\d+)x(\d+) "
                        r"stride (\d+) sums ([\d,]+)$")


def parse(stdout):
    lines = stdout.splitlines()
    caps = lines[0]
    frames = [FRAME_LINE.match(line) for line in lines[1:-1]]
    assert all(frames), stdout
    return caps, [m.groups() for m in frames], lines[-1]


class Examples(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="umat-examples-")
        cls.clip = os.path.join(cls.tmp.name, "bars.mkv")
        # raw BGR in Matroska: the examples' input, known exactly
        umattest.make_raw_clip(cls.clip, FRAMES, WIDTH, HEIGHT,
                               pattern="smpte horizontal-speed=3")
        cls.source = [f.planes[0].reshape(HEIGHT, WIDTH, 3)
                      for f in umattest.decode(cls.clip)]
        assert len(cls.source) == FRAMES

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_example(self, name, *args):
        rc, stdout, stderr = umattest.run(
            EXAMPLES[name] + ["--device", DEVICE] + list(args) + [self.clip])
        self.assertEqual(rc, 0, stderr)
        return parse(stdout)

    def check_bgr2rgb(self, name):
        caps, frames, last = self.run_example(name, "--chain", "BGR2RGB",
                                              "--selection-rate", "3")
        self.assertEqual(last, "10 frames")
        self.assertIn("format=(string)RGB", caps)
        self.assertIn("width=(int)318, height=(int)240", caps)
        self.assertIn("framerate=(fraction)10/1", caps)
        self.assertEqual(len(frames), 10)
        for k, (number, pts, fmt, w, h, stride, sums) in enumerate(frames):
            self.assertEqual((int(number), fmt, int(w), int(h), int(stride)),
                             (k, "RGB", WIDTH, HEIGHT, 956))
            self.assertEqual(pts, "%.6f" % (k * 0.1))
            # frame k is the input's frame 3k with its channels swapped
            expected = self.source[3 * k][..., ::-1].sum(axis=(0, 1))
            self.assertEqual([int(s) for s in sums.split(",")],
                             expected.tolist(), "frame %d" % k)

    def check_bgr2gray(self, name):
        caps, frames, last = self.run_example(name, "--chain", "BGR2GRAY")
        self.assertEqual(last, "30 frames")
        self.assertIn("format=(string)GRAY8", caps)
        self.assertIn("framerate=(fraction)30/1", caps)
        for k, (number, pts, fmt, w, h, stride, sums) in enumerate(frames):
            self.assertEqual((fmt, int(stride)), ("GRAY8", 320))
            grey = np.round(self.source[k].astype(float)
                            @ [0.114, 0.587, 0.299]).sum()
            # OpenCV's fixed point rounds a few pixels the other way
            self.assertLess(abs(int(sums) - grey) / (WIDTH * HEIGHT), 0.05,
                            "frame %d" % k)

    def test_c_bgr2rgb(self):
        self.check_bgr2rgb("c")

    def test_c_bgr2gray(self):
        self.check_bgr2gray("c")

    def test_cpp_opencv_bgr2rgb(self):
        self.check_bgr2rgb("cpp")

    def test_cpp_opencv_bgr2gray(self):
        self.check_bgr2gray("cpp")

    def test_python_bgr2rgb(self):
        self.check_bgr2rgb("python")

    def test_python_bgr2gray(self):
        self.check_bgr2gray("python")

    def test_errors_reach_the_application(self):
        for name in EXAMPLES:
            # a code OpenCV does not have: the element refuses to start,
            # naming it, and the example says so in one line
            rc, stdout, stderr = umattest.run(
                EXAMPLES[name] + ["--device", DEVICE, "--chain",
                                  "BGR2HSV,HSV2FOO", self.clip])
            self.assertNotEqual(rc, 0, name)
            self.assertNotIn("frame 0", stdout, name)
            self.assertRegex(stderr, r"error: \w+: Chain "
                             r"\"BGR2HSV,HSV2FOO\" refused: 'HSV2FOO' "
                             r"\(step 2\) is not an OpenCV cvtColor code",
                             name)

            # an error while playing comes from the bus: no OpenCL at all
            env = dict(os.environ, OPENCV_OPENCL_RUNTIME="disabled")
            rc, stdout, stderr = umattest.run(
                EXAMPLES[name] + ["--device", "opencl", self.clip], env=env)
            self.assertNotEqual(rc, 0, name)
            self.assertNotIn("frame 0", stdout, name)
            self.assertRegex(stderr, r"error: \w+: No OpenCL "
                             r"device for device=opencl", name)

if __name__ == "__main__":
    unittest.main(verbosity=2)
