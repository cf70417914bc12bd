#!/usr/bin/python3
# umat_demo.py: the README's main job, as a GStreamer application.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   umat_demo.py clip OUTPUT.mp4 [--seconds N]
#       Makes an H.264 test clip (640x360, 30 fps, moving SMPTE bars) with
#       GStreamer's own elements.
#   umat_demo.py run INPUT OUTPUT.mp4 [--device auto|cpu|opencl]
#                    [--chain CODES] [--selection-rate N]
#       Decodes INPUT, converts it to BGR with videoconvert, prefetches
#       through a queue, runs `umatconvert chain=... selection-rate=...`,
#       converts to I420 with a second umatconvert (auto mode), encodes with
#       x264enc and writes OUTPUT.mp4. Prints progress and a summary.
#
# Needs gst-python (Debian: python3-gst-1.0), so run it with /usr/bin/python3
# rather than a pyenv or venv python without GObject bindings. The plugin is
# found through GST_PLUGIN_PATH (scripts/main-job.sh sets it).

import argparse
import os
import signal
import sys
import time

try:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import GLib, Gst
except (ImportError, ValueError) as exc:
    sys.exit("umat_demo: error: GStreamer's Python bindings are missing (%s): "
             "install python3-gst-1.0 and run this with /usr/bin/python3" % exc)

PROG = "umat_demo"
CLIP_WIDTH, CLIP_HEIGHT, CLIP_FPS = 640, 360, 30


def say(text):
    print(text, flush=True)


def fail(text):
    print("%s: error: %s" % (PROG, text), file=sys.stderr, flush=True)
    sys.exit(1)


def quote(value):
    """A property value that gst_parse_launch reads back unchanged."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


class Runner:
    """Plays a pipeline to EOS; reports progress; collects the first error."""

    def __init__(self, description):
        try:
            self.pipeline = Gst.parse_launch(description)
        except GLib.Error as exc:
            hint = ""
            if "umatconvert" in exc.message:
                hint = (" (build the plugin and point GST_PLUGIN_PATH at "
                        "<build>/gst/umatconvert)")
            fail("cannot build the pipeline: %s%s" % (exc.message, hint))
        self.loop = GLib.MainLoop()
        self.error = None
        self.interrupted = False
        self.start = self.end = None
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._on_message)

    def _on_message(self, bus, msg):
        if msg.type == Gst.MessageType.EOS:
            self.loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, _debug = msg.parse_error()
            if self.error is None:
                self.error = "%s (from %s)" % (err.message, msg.src.get_name())
            self.loop.quit()
        elif msg.type == Gst.MessageType.WARNING:
            err, _debug = msg.parse_warning()
            print("%s: warning: %s (from %s)" % (PROG, err.message,
                                                 msg.src.get_name()),
                  file=sys.stderr, flush=True)
        elif (msg.type == Gst.MessageType.APPLICATION
              and msg.get_structure().get_name() == "umat-demo-error"):
            if self.error is None:
                self.error = msg.get_structure().get_string("text")
            self.loop.quit()

    def post_error(self, text):
        """Ends the run with `text`; callable from any thread."""
        structure = Gst.Structure.new_empty("umat-demo-error")
        structure.set_value("text", text)
        self.pipeline.post_message(
            Gst.Message.new_application(self.pipeline, structure))

    def _on_sigint(self):
        if self.interrupted:
            self.loop.quit()        # second Ctrl-C: stop now
            return GLib.SOURCE_REMOVE
        self.interrupted = True
        print("\n%s: interrupted: finishing the file (Ctrl-C again to stop "
              "now)" % PROG, file=sys.stderr, flush=True)
        self.pipeline.send_event(Gst.Event.new_eos())
        return GLib.SOURCE_CONTINUE

    def run(self, progress=None, interval_ms=1000):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT,
                             self._on_sigint)
        if progress:
            GLib.timeout_add(interval_ms, lambda: progress() or True)
        self.start = time.monotonic()
        failed = self.pipeline.set_state(Gst.State.PLAYING) \
            == Gst.StateChangeReturn.FAILURE
        if failed:
            # the reason, if any, comes as an ERROR message on the bus
            GLib.timeout_add(500, lambda: self.loop.quit() or False)
        self.loop.run()
        self.end = time.monotonic()
        if failed and self.error is None:
            self.error = "the pipeline could not start"

    def finish(self):
        self.pipeline.set_state(Gst.State.NULL)


def make_clip(args):
    frames = max(1, int(round(args.seconds * CLIP_FPS)))
    out = os.path.abspath(args.output)
    say("%s: making a %g s test clip: %s" % (PROG, frames / CLIP_FPS, out))
    runner = Runner(
        "videotestsrc pattern=smpte horizontal-speed=4 num-buffers=%d ! "
        "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! "
        "x264enc speed-preset=veryfast key-int-max=%d ! "
        "video/x-h264,profile=high ! mp4mux ! filesink location=%s"
        % (frames, CLIP_WIDTH, CLIP_HEIGHT, CLIP_FPS, CLIP_FPS, quote(out)))
    runner.run()
    runner.finish()
    if runner.error:
        fail("making the test clip failed: %s" % runner.error)
    if runner.interrupted:
        fail("interrupted")


def seconds(t):
    return t / Gst.SECOND


def process(args):
    source = os.path.abspath(args.input)
    out = os.path.abspath(args.output)
    if not os.path.isfile(source):
        fail("no such file: %s" % args.input)
    if os.path.abspath(source) == out:
        fail("the output would overwrite the input: %s" % out)

    runner = Runner(
        "filesrc location=%s ! decodebin name=dec ! "
        "videoconvert name=tobgr ! video/x-raw,format=BGR ! "
        "queue name=prefetch max-size-buffers=%d max-size-bytes=0 "
        "max-size-time=0 ! "
        "umatconvert name=umat chain=%s selection-rate=%d device=%s ! "
        "umatconvert name=toyuv device=%s ! video/x-raw,format=I420 ! "
        "x264enc speed-preset=%s ! mp4mux ! filesink location=%s"
        % (quote(source), args.prefetch, quote(args.chain),
           args.selection_rate, args.device, args.device, args.preset,
           quote(out)))
    pipeline = runner.pipeline
    umat = pipeline.get_by_name("umat")
    tobgr_sink = pipeline.get_by_name("tobgr").get_static_pad("sink")
    umat_src = umat.get_static_pad("src")
    umat_sink = umat.get_static_pad("sink")

    def on_no_more_pads(_dec):
        if not tobgr_sink.is_linked():
            runner.post_error("%s has no video stream GStreamer can decode"
                              % args.input)

    pipeline.get_by_name("dec").connect("no-more-pads", on_no_more_pads)

    state = {"duration": Gst.CLOCK_TIME_NONE, "position": 0}

    def counts():
        processed = umat.get_property("frames-processed")
        return processed + umat.get_property("frames-dropped"), processed

    def poll():
        if state["duration"] == Gst.CLOCK_TIME_NONE:
            ok, dur = umat_sink.peer_query_duration(Gst.Format.TIME)
            if ok and dur > 0:
                state["duration"] = dur
        # GstBaseTransform answers on its src pad with the end of the last
        # buffer it pushed, in stream time
        ok, pos = umat_src.query_position(Gst.Format.TIME)
        if ok and pos >= 0:
            state["position"] = max(state["position"], pos)

    def progress():
        poll()
        frames_in, frames_out = counts()
        elapsed = time.monotonic() - runner.start
        if frames_in == 0:
            say("        waiting for the first frame  elapsed %.1f s" % elapsed)
            return
        pos, dur = state["position"], state["duration"]
        percent = ("%3d%%" % min(100, 100 * pos // dur)
                   if dur != Gst.CLOCK_TIME_NONE else " ..")
        speed = seconds(pos) / elapsed if elapsed > 0 else 0.0
        say("  %s  frames in %d, out %d  elapsed %.1f s  speed %.2fx realtime"
            % (percent, frames_in, frames_out, elapsed, speed))

    say("%s: %s -> %s" % (PROG, source, out))
    say("%s: umatconvert chain=%s selection-rate=%d device=%s"
        % (PROG, args.chain, args.selection_rate, args.device))
    runner.run(progress)
    poll()
    frames_in, frames_out = counts()
    backend = umat.get_property("backend")
    runner.finish()
    if runner.error:
        if os.path.exists(out):
            os.unlink(out)      # half a file is worse than none
        fail(runner.error)

    wall = runner.end - runner.start
    media = state["duration"]
    if media == Gst.CLOCK_TIME_NONE or runner.interrupted:
        media = state["position"]
    if frames_in == 0:
        fail("no video frames reached umatconvert")
    say("%s: wrote %s" % (PROG, out))
    say("  frames in:   %d (frames-processed + frames-dropped)" % frames_in)
    say("  frames out:  %d (frames-processed, selection-rate=%d)"
        % (frames_out, args.selection_rate))
    say("  seconds:     %.2f" % wall)
    say("  fps:         %.1f frames in per second (%.1f out)"
        % (frames_in / wall, frames_out / wall))
    say("  speed:       %.2fx realtime (%.2f s of video in %.2f s)"
        % (seconds(media) / wall, seconds(media), wall))
    say("  backend:     %s" % backend)
    if runner.interrupted:
        fail("interrupted")


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main():
    parser = argparse.ArgumentParser(
        prog=PROG, description="Makes a test clip, or runs a video file "
        "through umatconvert and x264enc into an .mp4.")
    sub = parser.add_subparsers(dest="command", required=True)

    clip = sub.add_parser("clip", help="make an H.264 test clip")
    clip.add_argument("output")
    clip.add_argument("--seconds", type=float, default=10.0)
    clip.set_defaults(func=make_clip)

    run = sub.add_parser("run", help="process a video file")
    run.add_argument("input")
    run.add_argument("output")
    run.add_argument("--device", choices=["auto", "cpu", "opencl"],
                     default="auto")
    run.add_argument("--chain", default="BGR2HSV,HSV2RGB")
    run.add_argument("--selection-rate", type=positive_int, default=2)
    run.add_argument("--prefetch", type=positive_int, default=8,
                     help="frames the queue in front of umatconvert holds")
    run.add_argument("--preset", default="veryfast",
                     help="x264enc speed-preset")
    run.set_defaults(func=process)

    args = parser.parse_args()
    if args.command == "clip" and args.seconds <= 0:
        parser.error("--seconds must be more than 0")
    Gst.init(None)
    args.func(args)


if __name__ == "__main__":
    main()
