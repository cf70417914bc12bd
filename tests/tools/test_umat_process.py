#!/usr/bin/python3
# umat-process as a user runs it: what it writes (decoded back with
# GStreamer's own decoders and compared with the input), what it prints,
# Ctrl-C, and its errors.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import glob
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import tempfile
import unittest

import cv2
import numpy as np

import umattest
from umattest import Gst

PROG = umattest.build_path("tools", "umat-process")
DEVICE = os.environ.get("UMAT_TEST_DEVICE", "cpu")

# "umat-process:  42%  frames 126 in, 63 out  elapsed 00:00:01.2  ETA ..."
PROGRESS_LINE = re.compile(
    r"^umat-process: +(\d+)%  frames (\d+) in, (\d+) out  "
    r"elapsed \d\d:\d\d:\d\d\.\d  ETA (?:\d\d:\d\d:\d\d\.\d|--:--:--\.-)  "
    r"speed (\d+\.\d\d)x$")


def summary_value(stdout, key):
    match = re.search(r"^  %s: +(.*)$" % key, stdout, re.M)
    assert match, "no '%s' in the summary:\n%s" % (key, stdout)
    return match.group(1)


def error_lines(stderr):
    return [line for line in stderr.splitlines()
            if line.startswith("umat-process: error:")]


class UmatProcess(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="umat-process-")
        cls.clip = os.path.join(cls.tmp.name, "clip.mp4")
        # 2 s, 30 fps, SMPTE bars (colour: the chroma is far from neutral)
        umattest.make_h264_clip(cls.clip, 60)
        cls.clip_frames = umattest.decode(cls.clip)
        assert len(cls.clip_frames) == 60
        # 10 s, for the tests that need a run long enough to watch
        cls.long_clip = os.path.join(cls.tmp.name, "long.mp4")
        umattest.make_h264_clip(cls.long_clip, 300)
        cls.long_frames = umattest.decode(cls.long_clip)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def test_chain_and_selection_reach_the_file(self):
        out = self.out("gray.mp4")
        rc, stdout, stderr = umattest.run(
            [PROG, "--device", DEVICE, "--chain", "BGR2GRAY",
             "--selection-rate", "2", self.clip, out])
        self.assertEqual(rc, 0, stderr)

        frames = umattest.decode(out)
        self.assertEqual(len(frames), 30)
        caps = frames[0].caps.get_structure(0)
        self.assertEqual((caps.get_int("width")[1], caps.get_int("height")[1]),
                         (320, 240))
        self.assertEqual(caps.get_fraction("framerate")[1:], (15, 1))
        # every second frame, at its own time (relative to the first:
        # GStreamer 1.22's mp4mux shifts a stream with B-frames, which
        # x264enc's veryfast preset makes, by the encoder's delay,
        # and the container's timescale rounds to the nanosecond)
        got = [f.pts - frames[0].pts for f in frames]
        want = [f.pts - self.clip_frames[0].pts for f in self.clip_frames[::2]]
        self.assertLessEqual(max(abs(g - w) for g, w in zip(got, want)),
                             1000, (got, want))
        for k, frame in enumerate(frames):
            source = self.clip_frames[2 * k]
            self.assertEqual(frame.format, "I420")
            # the chain made it grey: chroma neutral, where the input has
            # strong colour...
            self.assertGreater(np.abs(source.planes[1].astype(int) - 128)
                               .max(), 60)
            for chroma in frame.planes[1:]:
                self.assertLessEqual(
                    np.abs(chroma.astype(int) - 128).mean(), 1.5,
                    "frame %d is not grey" % k)
            # ...and its luma is the grey of the input as OpenCV decodes
            # it to BGR (umatconvert takes the decoder's I420 itself, as
            # OpenCV's YUV2BGR_I420 does) with BGR2GRAY's weights, in the
            # video range the I420 output uses, within what an encode loses
            bgr = cv2.cvtColor(np.concatenate(
                [p.ravel() for p in source.planes]).reshape(360, 320),
                cv2.COLOR_YUV2BGR_I420)
            grey = np.round(bgr.astype(float) @ [0.114, 0.587, 0.299])
            diff = np.abs(frame.planes[0] - (16 + grey * 219 / 255)).mean()
            self.assertLess(diff, 1.0, "frame %d: luma off by %.2f" % (k, diff))

        self.assertEqual(summary_value(stdout, "frames in"), "60")
        self.assertEqual(summary_value(stdout, "frames out"),
                         "30 (selection-rate 2)")
        self.assertRegex(summary_value(stdout, "speed"),
                         r"^\d+\.\d\dx realtime \(2\.00 s of video\)$")
        self.assertRegex(summary_value(stdout, "backend"),
                         "^cpu$" if DEVICE == "cpu" else "^opencl:")
        self.assertEqual(summary_value(stdout, "encoder"), "x264enc")
        self.assertEqual(error_lines(stderr), [])

    def test_progress_lines_when_not_on_a_terminal(self):
        out = self.out("lines.mp4")
        rc, stdout, stderr = umattest.run(
            [PROG, "--device", DEVICE, "--stats-period", "0.05",
             "--encoder", "x264enc speed-preset=slow", self.long_clip, out])
        self.assertEqual(rc, 0, stderr)
        lines = [PROGRESS_LINE.match(line) for line in stderr.splitlines()
                 if re.match(r"^umat-process: +\d+%", line)]
        self.assertGreaterEqual(len(lines), 2, stderr)
        self.assertTrue(all(lines), stderr)
        percents = [int(m.group(1)) for m in lines]
        frames = [int(m.group(2)) for m in lines]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(frames, sorted(frames))
        self.assertTrue(all(0 <= p <= 100 for p in percents))
        # progress goes to stderr, the summary to stdout
        self.assertNotIn("%", stdout)
        self.assertNotIn("\r", stderr)
        self.assertIn("encoder:     x264enc", stdout)
        self.assertEqual(summary_value(stdout, "frames in"), "300")

    def test_progress_bar_on_a_terminal(self):
        out = self.out("bar.mp4")
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(PROG, [PROG, "--device", DEVICE, "--encoder",
                            "x264enc speed-preset=slow", self.long_clip, out])
        text = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:         # the child has closed the terminal
                break
            if not chunk:
                break
            text += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, text)
        text = text.decode()
        bars = re.findall(r"\r\x1b\[K\[([#.]{30})\] +(\d+)%  frames (\d+)  "
                          r"\d\d:\d\d:\d\d\.\d  ETA [-:.\d]+  (\d+\.\d\d)x",
                          text)
        self.assertTrue(bars, text)
        last_bar, last_percent, last_frames, _ = bars[-1]
        self.assertEqual((last_bar, last_percent, last_frames),
                         ("#" * 30, "100", "300"))
        self.assertIn("frames in:   300", text)

    def start_and_wait_for_frames(self, out, frames=10,
                                  encoder="x264enc speed-preset=slower"):
        """Starts umat-process on the long clip; returns once at least
        `frames` frames have gone in, with the progress read so far."""
        proc = subprocess.Popen(
            [PROG, "--device", DEVICE, "--stats-period", "0.05",
             "--encoder", encoder, self.long_clip, out],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = ""
        for line in proc.stderr:
            seen += line
            match = PROGRESS_LINE.match(line.rstrip("\n"))
            if match and int(match.group(2)) >= frames:
                return proc, seen
        self.fail("no progress before the end:\n" + seen)

    def test_ctrl_c_finishes_the_file(self):
        out = self.out("interrupted.mkv")
        proc, seen = self.start_and_wait_for_frames(out)
        proc.send_signal(signal.SIGINT)
        stdout, rest = proc.communicate(timeout=120)
        stderr = seen + rest
        rc = proc.returncode
        self.assertEqual(rc, 130, stderr)
        self.assertIn("interrupted by Ctrl-C: finishing the file", stderr)
        self.assertEqual(error_lines(stderr), [])

        frames = umattest.decode(out)
        written = int(summary_value(stdout, "frames out").split()[0])
        self.assertGreaterEqual(len(frames), 10)
        self.assertLess(len(frames), 300)
        self.assertEqual(len(frames), written)
        with open(out, "rb") as f:
            self.assertEqual(f.read(4), b"\x1a\x45\xdf\xa3")   # Matroska

    def test_sigterm_finishes_the_file(self):
        # kill, systemd and container runtimes stop with SIGTERM: the MP4
        # must still get its index and play
        out = self.out("terminated.mp4")
        proc, seen = self.start_and_wait_for_frames(out)
        proc.send_signal(signal.SIGTERM)
        stdout, rest = proc.communicate(timeout=120)
        stderr = seen + rest
        self.assertEqual(proc.returncode, 143, stderr)
        self.assertIn("interrupted by SIGTERM: finishing the file", stderr)
        self.assertEqual(error_lines(stderr), [])

        frames = umattest.decode(out)
        written = int(summary_value(stdout, "frames out").split()[0])
        self.assertGreaterEqual(len(frames), 10)
        self.assertLess(len(frames), 300)
        self.assertEqual(len(frames), written)
        self.assertEqual(summary_value(stdout, "frames in"), str(written))
        # the frames are the input's first ones, at their own times (the
        # container's timescale rounds to the nanosecond)
        got = [f.pts - frames[0].pts for f in frames]
        want = [f.pts - self.clip_frames[0].pts
                for f in self.long_frames[:len(frames)]]
        self.assertLessEqual(max(abs(g - w) for g, w in zip(got, want)),
                             1000, (got, want))

    def test_second_signal_stops_at_once(self):
        out = self.out("abandoned.mp4")
        proc, seen = self.start_and_wait_for_frames(
            out, encoder="x264enc speed-preset=veryslow")
        proc.send_signal(signal.SIGINT)
        # the second Ctrl-C must come after the first was handled (two
        # pending signals count as one)
        for line in proc.stderr:
            seen += line
            if "finishing the file" in line:
                break
        proc.send_signal(signal.SIGINT)
        stdout, rest = proc.communicate(timeout=120)
        stderr = seen + rest
        self.assertEqual(proc.returncode, 130, stderr)
        self.assertNotIn("CRITICAL", stderr)
        self.assertNotIn("WARNING", stderr)
        if "stopped by a second signal: no file written" in stderr:
            self.assertFalse(os.path.exists(out), stderr)
            self.assertEqual(stdout, "")
        else:
            # the first signal's finish won the race: then the file plays
            written = int(summary_value(stdout, "frames out").split()[0])
            self.assertEqual(len(umattest.decode(out)), written)

    def test_finds_the_plugin_next_to_it_without_plugin_path(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0")}
        env["GST_REGISTRY_1_0"] = self.out("no-plugin-path.registry")
        out = self.out("found.mp4")
        rc, stdout, stderr = umattest.run(
            [PROG, "--device", DEVICE, self.clip, out], env=env)
        self.assertEqual(rc, 0, stderr)
        self.assertEqual(len(umattest.decode(out)), 60)

    def make_with_ffmpeg(self, name, args):
        """A clip made by ffmpeg, as users' files are; skips where ffmpeg is
        not installed."""
        if shutil.which("ffmpeg") is None:
            self.skipTest("ffmpeg is not installed")
        path = self.out(name)
        if not os.path.exists(path):
            subprocess.run(["ffmpeg", "-v", "error", "-y"] + args + [path],
                           check=True, timeout=120)
        return path

    def test_audio_passes_through(self):
        # 3 s of video with AAC, as ffmpeg writes it
        clip = self.make_with_ffmpeg("aac.mp4", [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=3",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:"
            "duration=3", "-c:v", "libx264", "-preset", "ultrafast",
            "-c:a", "aac", "-shortest"])
        out = self.out("aac-out.mp4")
        rc, stdout, stderr = umattest.run([PROG, "--device", DEVICE, clip,
                                           out])
        self.assertEqual(rc, 0, stderr)
        self.assertEqual(summary_value(stdout, "frames in"), "90")
        self.assertEqual(len(umattest.decode(out)), 90)

        [audio_in] = umattest.packets(clip, "audio")
        [audio_out] = umattest.packets(out, "audio")
        self.assertEqual(audio_out[0].caps.get_structure(0).get_name(),
                         "audio/mpeg")
        self.assertEqual(audio_out[0].caps.get_structure(0)
                         .get_int("mpegversion")[1], 4)
        # remuxed, not re-encoded: the same AAC frames, byte for byte...
        self.assertEqual([p.data for p in audio_out],
                         [p.data for p in audio_in])

        # ...lasting as long, within a video frame
        def duration(stream):
            return stream[-1].pts + stream[-1].duration - stream[0].pts
        self.assertLessEqual(abs(duration(audio_out) - duration(audio_in)),
                             Gst.SECOND // 30)

    def test_audio_the_container_cannot_hold(self):
        both = self.out("av.mkv")
        umattest.run_to_eos(
            "videotestsrc num-buffers=45 ! video/x-raw,width=320,height=240,"
            "framerate=30/1 ! x264enc speed-preset=ultrafast ! h264parse ! "
            "matroskamux name=mux ! filesink location=%s "
            "audiotestsrc num-buffers=80 ! audioconvert ! vorbisenc ! mux."
            % umattest.quote(both))
        # MP4 has no Vorbis: the audio is left out, with a warning, and the
        # video is written
        out = self.out("video-only.mp4")
        rc, stdout, stderr = umattest.run([PROG, "--device", DEVICE, both, out])
        self.assertEqual(rc, 0, stderr)
        self.assertRegex(stderr, r"(?m)^umat-process: warning: the audio of "
                         r".*av\.mkv \(Vorbis\) cannot go into MP4 output: "
                         r"it is left out$")
        self.assertEqual(summary_value(stdout, "frames in"), "45")
        self.assertEqual(len(umattest.decode(out)), 45)
        self.assertEqual(umattest.packets(out, "audio"), [])
        # Matroska has: there it goes through
        out = self.out("with-vorbis.mkv")
        rc, stdout, stderr = umattest.run([PROG, "--device", DEVICE, both, out])
        self.assertEqual(rc, 0, stderr)
        self.assertNotIn("warning", stderr)
        [vorbis_in] = umattest.packets(both, "audio")
        [vorbis_out] = umattest.packets(out, "audio")
        self.assertEqual([p.data for p in vorbis_out],
                         [p.data for p in vorbis_in])

    def test_no_conversion_without_a_chain(self):
        # the decoder's I420 goes to the encoder as it is: no videoconvert
        # in front, no second umatconvert behind
        out = self.out("straight.mp4")
        rc, stdout, stderr = umattest.run(
            [PROG, "--device", DEVICE, "--verbose", self.clip, out])
        self.assertEqual(rc, 0, stderr)
        self.assertNotIn("videoconvert", stderr)
        self.assertNotIn("second umatconvert", stderr)
        frames = umattest.decode(out)
        self.assertEqual(len(frames), 60)
        for got, want in zip(frames, self.clip_frames):
            self.assertGreater(umattest.psnr(got.planes[0], want.planes[0]),
                               35)

    def test_odd_size(self):
        # 4:4:4 is what H.264 can hold at an odd width: ffmpeg's libx264
        # refuses 4:2:0 at 1279x719
        clip = self.make_with_ffmpeg("odd.mp4", [
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=0.2",
            "-vf", "scale=1279:719,format=yuv444p", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv444p"])
        out = self.out("odd-out.mp4")
        rc, stdout, stderr = umattest.run([PROG, "--device", DEVICE, clip,
                                           out])
        self.assertEqual(rc, 0, stderr)
        frames = umattest.decode(out, "BGR")
        source = umattest.decode(clip, "BGR")
        self.assertEqual(len(frames), 6)
        self.assertEqual((frames[0].width, frames[0].height), (1279, 719))
        for got, want in zip(frames, source):
            self.assertGreater(umattest.psnr(got.planes[0], want.planes[0]),
                               30)

    def test_odd_size_the_encoder_cannot_take(self):
        if not umattest.have_element("openh264enc"):
            self.skipTest("openh264enc is not installed")
        clip = self.make_with_ffmpeg("odd.mp4", [
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=0.2",
            "-vf", "scale=1279:719,format=yuv444p", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv444p"])
        # openh264 encodes 4:2:0 only, which cannot hold an odd width
        self.check_error(["--device", DEVICE, "--encoder", "openh264enc", clip,
                          self.out("e10.mp4")],
                         r"^umat-process: error: openh264enc cannot take "
                         r"1279x719 video: at an odd width H\.264 and H\.265 "
                         r"need 4:4:4, and openh264enc takes none$")

    def test_raw_h264_output(self):
        out = self.out("raw.h264")
        rc, _, stderr = umattest.run([PROG, "--device", DEVICE, self.clip, out])
        self.assertEqual(rc, 0, stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(4), b"\x00\x00\x00\x01")   # Annex B
        self.assertEqual(len(umattest.decode(out)), 60)

    def check_error(self, argv, expected, status=1):
        out = argv[-1]
        existed = os.path.exists(out)
        rc, stdout, stderr = umattest.run([PROG] + argv)
        self.assertEqual(rc, status, stderr)
        errors = error_lines(stderr)
        self.assertEqual(len(errors), 1, stderr)
        self.assertRegex(errors[0], expected)
        self.assertEqual(stderr.splitlines()[-1], errors[0])
        self.assertEqual(stdout, "")
        if not existed:
            self.assertFalse(os.path.exists(out), "%s left behind" % out)
        return stderr

    def test_missing_input(self):
        self.check_error([self.out("nothing.mp4"), self.out("e1.mp4")],
                         r"^umat-process: error: no such file: .*nothing\.mp4$")

    def test_undecodable_input(self):
        text = self.out("notes.mp4")
        with open(text, "w") as f:
            f.write("not a video\n" * 100)
        self.check_error([text, self.out("e2.mp4")],
                         r"^umat-process: error: cannot decode .*notes\.mp4: ")

    def test_audio_only_input(self):
        audio = self.out("tone.mkv")
        umattest.run_to_eos("audiotestsrc num-buffers=20 ! audioconvert ! "
                            "matroskamux ! filesink location=%s"
                            % umattest.quote(audio))
        self.check_error([audio, self.out("e3.mp4")],
                         r"^umat-process: error: .*tone\.mkv has no video "
                         r"stream GStreamer can decode$")

    def test_bad_chain(self):
        # the element's own error, as the one line: it names the bad code
        stderr = self.check_error(
            ["--chain", "BGR2HSV,HSV2FOO", self.clip, self.out("e4.mp4")],
            r"^umat-process: error: umatconvert: .*HSV2FOO")
        self.assertNotIn("WARNING", stderr)
        stderr = self.check_error(
            ["--chain", "BGR2HSV,RGB2GRAY", self.clip, self.out("e5.mp4")],
            r"^umat-process: error: umatconvert: .*RGB2GRAY.*HSV")
        self.assertNotIn("WARNING", stderr)

    def test_bad_arguments(self):
        self.check_error(["--device", "gpu", self.clip, self.out("e6.mp4")],
                         r"--device must be auto, cpu or opencl", status=2)
        self.check_error(["--selection-rate", "0", self.clip,
                          self.out("e7.mp4")],
                         r"--selection-rate must be between 1 and", status=2)
        self.check_error([self.clip, self.out("e8.avi")],
                         r"cannot tell the container from the name")
        self.check_error(["--encoder", "nosuchenc", self.clip,
                          self.out("e9.mp4")],
                         r"^umat-process: error: no encoder 'nosuchenc'")
        self.check_error([self.clip, self.clip],
                         r"the output would overwrite the input")

    def test_null_output_refusals(self):
        # OUTPUT - is a null sink: nothing there for --join to join, no file
        # to join into, no encoder to name
        self.check_error(["--segment", "0/2", self.clip, "-"],
                         r"^umat-process: error: --segment writes a part for "
                         r"--join: its OUTPUT cannot be - \(use --jobs N with "
                         r"-\) \(see --help\)$", status=2)
        self.check_error(["--join", self.clip, "-"],
                         r"^umat-process: error: --join writes a file: its "
                         r"OUTPUT cannot be -", status=2)
        self.check_error(["--encoder", "x264enc", self.clip, "-"],
                         r"^umat-process: error: - sends the frames to a null "
                         r"sink, without an encoder", status=2)


class Jobs(unittest.TestCase):
    """--jobs, --segment and --join: one input cut at keyframes into ranges
    that run at the same time, joined into the file --jobs 1 writes."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="umat-process-jobs-")
        cls.clip = os.path.join(cls.tmp.name, "av20.mp4")
        if shutil.which("ffmpeg") is None:
            raise unittest.SkipTest("ffmpeg is not installed")
        # 20 s with AAC, as ffmpeg writes it: B-frames (an edit list), a
        # keyframe every 2 s
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc2=size=320x240:rate=30:duration=20", "-f", "lavfi",
             "-i", "sine=frequency=440:sample_rate=48000:duration=20",
             "-c:v", "libx264", "-preset", "veryfast", "-g", "60",
             "-c:a", "aac", "-shortest", cls.clip], check=True, timeout=120)
        cls.clip_frames = umattest.decode(cls.clip)
        [cls.clip_audio] = umattest.packets(cls.clip, "audio")
        cls.single = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def run_tool(self, args, status=0):
        rc, stdout, stderr = umattest.run([PROG, "--device", DEVICE] + args)
        self.assertEqual(rc, status, stderr)
        self.assertNotIn("CRITICAL", stderr)
        return stdout, stderr

    def one_job(self, *options):
        """--jobs 1's output for these options, made once."""
        if options not in self.single:
            out = self.out("single-%d.mp4" % len(self.single))
            self.run_tool(list(options) + ["--jobs", "1", self.clip, out])
            self.single[options] = umattest.decode(out)
        return self.single[options]

    def run_to_null(self, args):
        """umat-process ARGS CLIP -, from a folder of its own: (stdout,
        stderr), once it has checked that it wrote nothing, there or next to
        the input."""
        here = self.out("null-cwd")
        os.makedirs(here, exist_ok=True)
        before = (os.listdir(here), sorted(os.listdir(self.tmp.name)))
        rc, stdout, stderr = umattest.run(
            [os.path.abspath(PROG), "--device", DEVICE] + args
            + [self.clip, "-"], cwd=here)
        self.assertEqual(rc, 0, stderr)
        self.assertNotIn("CRITICAL", stderr)
        self.assertEqual(error_lines(stderr), [])
        self.assertNotIn("warning", stderr)         # the audio is ignored
        self.assertEqual((os.listdir(here), sorted(os.listdir(self.tmp.name))),
                         before)
        return stdout, stderr

    def assert_no_parts_left(self):
        self.assertEqual([n for n in os.listdir(self.tmp.name)
                          if ".parts-" in n], [])

    def assert_same_video(self, got, want):
        """The same frames at the same times, within what two encodes of
        them differ by."""
        self.assertEqual(len(got), len(want))
        self.assertEqual([f.pts for f in got], [f.pts for f in want])
        for k, (a, b) in enumerate(zip(got, want)):
            self.assertGreater(umattest.psnr(a.planes[0], b.planes[0]), 40,
                               "frame %d" % k)

    def assert_input_audio(self, path):
        """The input's audio, once, not re-encoded."""
        [audio] = umattest.packets(path, "audio")
        self.assertEqual([p.data for p in audio],
                         [p.data for p in self.clip_audio])

    def test_jobs_give_what_one_job_gives(self):
        out = self.out("jobs3.mp4")
        stdout, _ = self.run_tool(["--jobs", "3", self.clip, out])
        self.assertEqual(summary_value(stdout, "jobs"),
                         "3 (ranges of 180, 240, 180 frames)")
        self.assertEqual(summary_value(stdout, "frames in"), "600")
        self.assertEqual(summary_value(stdout, "frames out"),
                         "600 (selection-rate 1)")
        self.assert_same_video(umattest.decode(out), self.one_job())
        self.assert_input_audio(out)
        self.assert_no_parts_left()

    def test_a_range_of_two_frames(self):
        # 62 frames, a keyframe every 60: ranges of 60 and 2 frames. The
        # join once anchored each part on its first dts; x264's first dts
        # here is off the MP4 timescale's grid, which put the first frame
        # 1 ns before the segment and the muxer dropped it, and the frames
        # after it lost their times (58 frames decoded, no error)
        clip = self.out("short-last.mp4")
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc2=size=320x240:rate=30", "-frames:v", "62",
             "-c:v", "libx264", "-preset", "veryfast", "-g", "60", clip],
            check=True, timeout=120)
        outs = []
        for jobs in ("1", "2"):
            outs.append(self.out("short-last-%s.mp4" % jobs))
            stdout, _ = self.run_tool(["--jobs", jobs, clip, outs[-1]])
        self.assertEqual(summary_value(stdout, "jobs"),
                         "2 (ranges of 60, 2 frames)")
        self.assert_same_video(umattest.decode(outs[1]),
                               umattest.decode(outs[0]))
        self.assert_no_parts_left()

    def test_selection_counts_over_the_whole_input(self):
        # ranges start at frames 180 and 420: keeping every 7th frame of
        # the whole input, range 1 keeps its 3rd frame (182) first
        out = self.out("jobs3-every7.mp4")
        stdout, _ = self.run_tool(["--selection-rate", "7", "--jobs", "3",
                                   self.clip, out])
        self.assertEqual(summary_value(stdout, "frames in"), "600")
        self.assertEqual(summary_value(stdout, "frames out"),
                         "86 (selection-rate 7)")
        frames = umattest.decode(out)
        # the kept frames are those of index 0, 7, 14, ... in the input (at
        # 30/7 fps the output's timescale rounds their times by up to a
        # few milliseconds, a tenth of an input frame)...
        self.assertEqual([round((f.pts - frames[0].pts) * 30 / Gst.SECOND)
                          for f in frames], list(range(0, 600, 7)))
        # ...as --jobs 1 keeps them
        self.assert_same_video(frames, self.one_job("--selection-rate", "7"))

    def test_null_output(self):
        # OUTPUT -: decode and chain into a null sink, no encoder, no file;
        # in one pipeline or one per range (no parts, no join), the
        # input's frames, and the frames a file output keeps
        kept = {rate: len(self.one_job("--selection-rate", str(rate)))
                for rate in (3, 7)}
        self.assertEqual(kept, {3: 200, 7: 86})
        for jobs in ("1", "2"):
            stdout, stderr = self.run_to_null(
                ["--chain", "BGR2HSV,HSV2RGB", "--jobs", jobs])
            self.assertIn("av20.mp4 -> - (frames to a null sink: no encoder, "
                          "no file)", stderr)
            self.assertEqual(stdout.splitlines()[0], "umat-process: no file "
                             "written (frames to a null sink)")
            self.assertEqual(summary_value(stdout, "frames in"), "600")
            self.assertEqual(summary_value(stdout, "frames out"),
                             "600 (selection-rate 1)")
            self.assertRegex(summary_value(stdout, "speed"),
                             r"^\d+\.\d\dx realtime \(20\.\d\d s of video\)$")
            self.assertRegex(summary_value(stdout, "backend"),
                             "^cpu$" if DEVICE == "cpu" else "^opencl:")
            self.assertEqual(summary_value(stdout, "encoder"), "none")
            if jobs == "2":
                self.assertEqual(summary_value(stdout, "jobs"),
                                 "2 (ranges of 300, 300 frames)")
            else:
                self.assertNotIn("jobs:", stdout)
            # selection over the whole input: range 1 starts at frame 300,
            # a multiple of 3, not of 7 (it drops its first frame itself)
            for rate in (3, 7):
                stdout, _ = self.run_to_null(["--selection-rate", str(rate),
                                              "--jobs", jobs])
                self.assertEqual(summary_value(stdout, "frames in"), "600")
                self.assertEqual(summary_value(stdout, "frames out"),
                                 "%d (selection-rate %d)" % (kept[rate], rate))

    def test_default_jobs_follow_the_nvdec_engines(self):
        # without --jobs, frames to a null sink decoded on NVDEC and the
        # chain not on the CPU by request: one pipeline per NVDEC engine,
        # at most one per core, never fewer than the rule for the cores.
        # UMAT_PROCESS_TEST_NVDEC makes another plugin's decoders stand for
        # nvcodec's, with ENGINES engines (the H200 machine runs the real
        # count: tests/gpu/run-figures.sh jobs). device=auto, which the
        # rule is for, runs on the CPU here, or on PoCL where the opencl
        # suite names it
        if any(isinstance(f, Gst.ElementFactory) and
               f.list_is_type(Gst.ELEMENT_FACTORY_TYPE_DECODER)
               for f in Gst.Registry.get().get_feature_list_by_plugin(
                   "nvcodec")):
            self.skipTest("nvcodec's decoders are here: they outrank the "
                          "decoders that stand for them")
        cores = len(os.sched_getaffinity(0))
        by_cores = max(1, min(8, cores // 8))
        plural = lambda n: "s" if n > 1 else ""
        cut = re.compile(r"(?m)^umat-process: note: one pipeline: the "
                         r"keyframes are not needed, reading them stopped")

        def default_run(hook, output="-", device="auto", clip=self.clip,
                        frames=600):
            env = dict(os.environ)
            env["UMAT_PROCESS_TEST_NVDEC"] = hook
            rc, stdout, stderr = umattest.run(
                [PROG, "--device", device, "--verbose", clip, output],
                env=env)
            self.assertEqual(rc, 0, stderr)
            self.assertEqual(error_lines(stderr), [])
            if output == "-":
                self.assertEqual(summary_value(stdout, "frames in"),
                                 str(frames))
            [said] = re.findall(r"(?m)^umat-process: note: (\d+ pipelines?: "
                                r".*)$", stderr)
            ranges = re.search(r"(?m)^  jobs: +(\d+) ", stdout)
            jobs = int(ranges.group(1)) if ranges else 1
            # one pipeline needs no keyframes: the scan stops early, unless
            # it read the whole (short) file first
            if cut.search(stderr):
                self.assertEqual(jobs, 1)
                self.assertNotIn("keyframes read after", stderr)
            return said, jobs, stderr

        for engines in (7, 1):
            said, jobs, _ = default_run("libav:%d" % engines)
            if by_cores > engines:
                want = by_cores
                self.assertEqual(said, "%d pipelines: one per 8 cores (the "
                                 "video decodes with avdec_h264, and GPU 0 "
                                 "has %d NVDEC engines for it: fewer)"
                                 % (want, engines))
            else:
                want = min(engines, cores)
                self.assertEqual(said, "%d pipeline%s: the video decodes with "
                                 "avdec_h264, and GPU 0 has %d NVDEC engines "
                                 "for it (frames to a null sink: one pipeline "
                                 "per engine, at most one per core)"
                                 % (want, plural(want), engines))
            self.assertEqual(jobs, want)
        if by_cores == 1:
            # one engine on a file whose keyframes take long to read: the
            # scan stops once the engines are counted, well before its end
            # (30 minutes of 64x64, 54000 frames: reading them all takes
            # several times as long as counting here)
            tiny = self.out("tiny-30min.mp4")
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                 "testsrc2=size=64x64:rate=30:duration=1800", "-c:v",
                 "libx264", "-preset", "ultrafast", "-g", "60", tiny],
                check=True, timeout=300)
            said, jobs, stderr = default_run("libav:1", clip=tiny,
                                             frames=54000)
            self.assertRegex(stderr, cut)
            self.assertEqual(jobs, 1)
        # a driver that does not say: the rule for the cores
        said, jobs, _ = default_run("libav:0")
        self.assertRegex(said, r"^%d pipelines?: one per 8 cores \(the video "
                         r"decodes with avdec_h264, but the NVDEC engines are "
                         r"not known: GPU 0: the driver does not say"
                         % by_cores)
        self.assertEqual(jobs, by_cores)
        # NVDEC here, but not for this video (jpeg's decoder stands for it)
        said, jobs, _ = default_run("jpeg:7")
        self.assertEqual(said, "%d pipeline%s: one per 8 cores (the video does "
                         "not decode on NVDEC)" % (by_cores, plural(by_cores)))
        self.assertEqual(jobs, by_cores)
        # no NVDEC decoder (coreelements has none), an encoder (it bounds
        # the job), or the chain on the CPU (the cores bound it): the rule
        # for the cores, with no scan where it gives one pipeline
        for hook, output, device in (
                ("coreelements:7", "-", "auto"),
                ("libav:7", self.out("dflt.mp4"), "auto"),
                ("libav:7", "-", "cpu")):
            said, jobs, stderr = default_run(hook, output, device)
            self.assertEqual(said, "%d pipeline%s: one per 8 cores, at most 8 "
                             "(no --jobs)" % (by_cores, plural(by_cores)))
            self.assertEqual(jobs, by_cores)
            if by_cores == 1:
                self.assertNotIn("keyframes", stderr)
        self.assertEqual(len(umattest.decode(self.out("dflt.mp4"))), 600)

    def test_verbose_says_what_each_range_runs_and_when(self):
        # what someone whose GPU stays idle needs to know: the decoder
        # decodebin chose for each range, the memory its frames come in,
        # and when each range started, had its first frame and was done
        _, stderr = self.run_to_null(["--verbose", "--jobs", "2"])
        notes = [line[len("umat-process: note: "):]
                 for line in stderr.splitlines()
                 if line.startswith("umat-process: note: ")]
        decoders = [n for n in notes if n.startswith("decoding with ")]
        self.assertEqual(len(decoders), 2, notes)
        for note in decoders:
            self.assertRegex(note, r"^decoding with [a-z0-9_]+$")
            self.assertNotIn("unknown", note)
        self.assertEqual(len([n for n in notes if n.startswith(
            "keyframes read after ")]), 1, notes)
        # the decoder's plugin is loaded while the keyframes are read: the
        # decoder decodebin then chose, before the scan ended
        loading = [re.match(r"^loading ([a-z0-9_]+) \(([a-z0-9_]+)'s "
                            r"plugin\) while the keyframes are read, after "
                            r"\d+\.\d\d s$", n) for n in notes]
        loading = [m for m in loading if m]
        self.assertEqual(len(loading), 1, notes)
        self.assertEqual(decoders[0], "decoding with " + loading[0].group(2),
                         notes)
        self.assertLess(notes.index(loading[0].group(0)),
                        [i for i, n in enumerate(notes)
                         if n.startswith("keyframes read after ")][0], notes)
        for k in (0, 1):
            times = []
            for pattern in (r"^range %d: pipeline started after "
                            r"(\d+\.\d\d) s$",
                            r"^range %d: first frame into umatconvert after "
                            r"(\d+\.\d\d) s, in memory:SystemMemory$",
                            r"^range %d of 2 done after (\d+\.\d\d) s$"):
                found = [re.match(pattern % k, n) for n in notes]
                found = [m for m in found if m]
                self.assertEqual(len(found), 1, (pattern % k, notes))
                times.append(float(found[0].group(1)))
            self.assertEqual(times, sorted(times), notes)

    def test_segments_and_join_in_separate_processes(self):
        # as a job array runs them: each range on its own, then the join
        parts = [self.out("part-%d.mp4" % k) for k in range(3)]
        for k, part in enumerate(parts):
            stdout, _ = self.run_tool(["--segment", "%d/3" % k, self.clip,
                                       part])
            self.assertIn("(range %d of 3: frames " % k, stdout)
        out = self.out("joined.mp4")
        rc, stdout, stderr = umattest.run(
            [PROG, "--join", "--audio-from", self.clip, parts[2], parts[0],
             parts[1], out])
        self.assertEqual(rc, 0, stderr)
        self.assertIn("(3 parts joined)", stdout)
        self.assert_same_video(umattest.decode(out), self.one_job())
        self.assert_input_audio(out)

        # a part missing is an error that says which
        rc, stdout, stderr = umattest.run(
            [PROG, "--join", parts[0], parts[2], self.out("gap.mp4")])
        self.assertEqual(rc, 1, stderr)
        self.assertEqual(error_lines(stderr), [
            "umat-process: error: range 1 of 3 is missing (it would be the "
            "part of --segment 1/3)"])
        self.assertFalse(os.path.exists(self.out("gap.mp4")))

    def start_jobs(self, out):
        proc = subprocess.Popen(
            [PROG, "--device", DEVICE, "--jobs", "3", "--stats-period", "0.05",
             "--encoder", "x264enc speed-preset=slower", self.clip, out],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # the ranges run side by side, any of them ahead: wait for range
        # 0's part to have data on disk (its encoder has given frames),
        # checked at each progress line. Counting all ranges' frames was
        # not enough: range 0 had sometimes encoded none, or 1.
        seen = ""
        part0 = os.path.join(self.tmp.name, "." + os.path.basename(out)
                             + ".parts-*", "part-0.mp4")
        for line in proc.stderr:
            seen += line
            if (PROGRESS_LINE.match(line.rstrip("\n"))
                    and any(os.path.getsize(p) > 0
                            for p in glob.glob(part0))):
                return proc, seen
        self.fail("no progress before the end:\n" + seen)

    def test_sigterm_stops_every_job(self):
        out = self.out("jobs-terminated.mp4")
        proc, seen = self.start_jobs(out)
        proc.send_signal(signal.SIGTERM)
        stdout, rest = proc.communicate(timeout=120)
        stderr = seen + rest
        self.assertEqual(proc.returncode, 143, stderr)
        self.assertNotIn("CRITICAL", stderr)
        self.assertEqual(error_lines(stderr), [])
        self.assertRegex(stdout, r"^umat-process: wrote .* \(interrupted: ")
        # a playable file, the frames it says, from the start: the first
        # frames --jobs 1 writes, at their times
        frames = umattest.decode(out)
        written = int(summary_value(stdout, "frames out").split()[0])
        self.assertGreater(len(frames), 0)
        self.assertLess(len(frames), 600)
        self.assertEqual(len(frames), written)
        want = [f.pts for f in self.one_job()[:len(frames)]]
        if len(frames) <= 2 and frames[0].pts == 0:
            # x264 given fewer frames than its B-frames' delay gives no
            # decoding times before the first frame's, so the muxer does
            # not move the frames by that delay (--jobs 1 stopped there
            # writes the same): same frames, times from 0
            want = [t - want[0] for t in want]
        self.assertEqual([f.pts for f in frames], want)
        # the audio stops where the video does
        [audio] = umattest.packets(out, "audio")
        end = frames[-1].pts + Gst.SECOND // 30
        self.assertLess(abs(audio[-1].pts + audio[-1].duration - end),
                        Gst.SECOND // 10)
        self.assert_no_parts_left()

    def test_second_signal_stops_every_job_at_once(self):
        out = self.out("jobs-abandoned.mp4")
        proc, seen = self.start_jobs(out)
        proc.send_signal(signal.SIGINT)
        for line in proc.stderr:
            seen += line
            if "finishing the file" in line:
                break
        proc.send_signal(signal.SIGINT)
        stdout, rest = proc.communicate(timeout=120)
        stderr = seen + rest
        self.assertEqual(proc.returncode, 130, stderr)
        self.assertNotIn("CRITICAL", stderr)
        if "stopped by a second signal: no file written" in stderr:
            self.assertFalse(os.path.exists(out))
        else:
            # the first signal's finish won the race: then the file plays
            written = int(summary_value(stdout, "frames out").split()[0])
            self.assertEqual(len(umattest.decode(out)), written)
        self.assert_no_parts_left()

    def test_devices(self):
        if DEVICE == "cpu":
            # the CPU uses no OpenCL device: a list of them is a mistake
            _, stderr = self.run_tool(["--devices", "0", self.clip,
                                       self.out("cpu-devices.mp4")], status=2)
            self.assertEqual(error_lines(stderr), [
                "umat-process: error: --devices names OpenCL devices, and "
                "--device cpu uses none (see --help)"])
            return
        out = self.out("devices.mp4")
        # each range on the device its entry names (PoCL's CPU device, by
        # its platform's name and its device's)
        stdout, stderr = self.run_tool(
            ["--verbose", "--jobs", "2", "--devices",
             "portable computing,pthread", self.clip, out])
        self.assertRegex(stderr, r"(?m)^umat-process: note: range 0 of 2: "
                         r".* on portable computing$")
        self.assertRegex(stderr, r"(?m)^umat-process: note: range 1 of 2: "
                         r".* on pthread$")
        self.assertRegex(summary_value(stdout, "backend"), r"^opencl:")
        self.assertEqual(len(umattest.decode(out)), 600)
        # a device that is not there: the element's error, as the one line
        _, stderr = self.run_tool(["--devices", "no-such-device", self.clip,
                                   self.out("nodevice.mp4")], status=1)
        [error] = error_lines(stderr)
        self.assertRegex(error, r"^umat-process: error: umatconvert: .*"
                         r"no-such-device")


if __name__ == "__main__":
    unittest.main(verbosity=2)
