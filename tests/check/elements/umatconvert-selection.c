/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert's selection-rate: which frames it keeps, their timestamps
 * and durations, the framerate it says, flushes, and a change of rate
 * while frames flow.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

static const guint selection_rates[] = { 1, 2, 3, 7 };

/* Keeps frames 0, N, 2N...; their timestamps stay, durations grow N times,
 * the framerate shrinks N times; in = processed + dropped. */
GST_START_TEST (test_selection_rate)
{
  const guint rate = selection_rates[__i__], pushed = 22;
  const GstClockTime frame_duration = GST_SECOND / 30;
  gchar *props = g_strdup_printf ("selection-rate=%u", rate);
  GstHarness *h = umattest_harness_new (props);
  GstVideoInfo info;
  guint64 processed, dropped;
  GstCaps *caps;
  gint fps_n, fps_d;
  guint expected = (pushed + rate - 1) / rate;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_src_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  for (guint i = 0; i < pushed; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    GST_BUFFER_PTS (frame) = i * frame_duration;
    GST_BUFFER_DURATION (frame) = frame_duration;
    fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  }

  umattest_harness_drain (h);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), expected);
  for (guint k = 0; k < expected; k++) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
        (guint64) k * rate * frame_duration);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out),
        rate * frame_duration);
    gst_buffer_unref (out);
  }

  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
          "framerate", &fps_n, &fps_d));
  fail_unless_equals_int (fps_n * (gint) rate, 30 * fps_d);
  gst_caps_unref (caps);

  g_object_get (h->element, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, expected);
  fail_unless_equals_uint64 (processed + dropped, pushed);
  umattest_harness_teardown (h);
  g_free (props);
}

GST_END_TEST;

/* A flush restarts the count: the first frame after it is kept. */
GST_START_TEST (test_selection_rate_flush)
{
  GstHarness *h = umattest_harness_new ("selection-rate=3");
  GstVideoInfo info;
  GstSegment segment;
  guint64 processed, dropped;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_src_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  for (guint i = 0; i < 5; i++)         /* keeps 0 and 3 */
    gst_harness_push (h, umattest_buffer_new (&info, 0, i + 1));
  umattest_harness_drain (h);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 2);

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  for (guint i = 0; i < 4; i++)         /* keeps 0 and 3 again */
    gst_harness_push (h, umattest_buffer_new (&info, 0, i + 10));
  umattest_harness_drain (h);
  fail_unless_equals_int (gst_harness_buffers_received (h), 4);

  g_object_get (h->element, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, 4);
  fail_unless_equals_uint64 (processed + dropped, 9);
  umattest_harness_teardown (h);
}

GST_END_TEST;
/* umatconvert's own debug lines, counted while a test runs. */
typedef struct
{
  GMutex lock;
  guint same_converter;         /* "only the framerate changed" */
  guint converters_made;        /* "converting X to Y at WxH ... slots" */
} LogCounts;

static void
count_log_lines (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  LogCounts *counts = data;
  const gchar *text;

  if (strcmp (gst_debug_category_get_name (category), "umatconvert") != 0)
    return;
  text = gst_debug_message_get (message);
  g_mutex_lock (&counts->lock);
  if (strstr (text, "only the framerate changed: same converter"))
    counts->same_converter++;
  /* "converting BGR to RGB at 32x8 with auto chain, 4 slots" */
  if (g_str_has_prefix (text, "converting ") && strstr (text, " slots"))
    counts->converters_made++;
  g_mutex_unlock (&counts->lock);
}

/* Pushes n frames of 1/30 s from PTS index `first`, pulls what comes out
 * and checks each duration; returns how many came out. */
static guint
push_and_check_durations (GstHarness * h, guint first, guint n,
    GstClockTime expected_duration)
{
  GstVideoInfo info;
  guint out = 0;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  for (guint i = first; i < first + n; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    GST_BUFFER_PTS (frame) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (frame) = GST_SECOND / 30;
    fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  }
  umattest_harness_drain (h);
  while (gst_harness_buffers_in_queue (h) > 0) {
    GstBuffer *buffer = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buffer),
        expected_duration);
    gst_buffer_unref (buffer);
    out++;
  }
  return out;
}

/* A new selection-rate while frames flow changes the framerate only: the
 * converter stays (the element's debug log says so, and makes no other),
 * and the frames after the change follow the new rate. */
GST_START_TEST (test_selection_rate_change_keeps_converter)
{
  /* static, and the log function stays: GStreamer 1.22 leaks the list
   * node of a log function it removes (valgrind would say so) */
  static LogCounts counts;
  GstHarness *h = umattest_harness_new ("chain=BGR2HSV,HSV2RGB");
  GstCaps *caps;
  gint fps_n, fps_d;

  g_mutex_init (&counts.lock);
  counts.same_converter = counts.converters_made = 0;
  gst_debug_set_threshold_for_name ("umatconvert", GST_LEVEL_DEBUG);
  gst_debug_add_log_function (count_log_lines, &counts, NULL);

  gst_harness_set_src_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  fail_unless_equals_int (push_and_check_durations (h, 0, 4, GST_SECOND / 30),
      4);
  g_object_set (h->element, "selection-rate", 2, NULL);
  fail_unless_equals_int (push_and_check_durations (h, 4, 6,
          2 * (GST_SECOND / 30)), 3);

  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
          "framerate", &fps_n, &fps_d));
  fail_unless (fps_n * 2 == 30 * fps_d, "framerate %d/%d after "
      "selection-rate=2 of 30/1", fps_n, fps_d);
  gst_caps_unref (caps);

  gst_debug_unset_threshold_for_name ("umatconvert");
  g_mutex_lock (&counts.lock);
  fail_unless (counts.same_converter >= 1, "no \"only the framerate "
      "changed: same converter\" in the debug log");
  fail_unless_equals_int (counts.converters_made, 1);
  g_mutex_unlock (&counts.lock);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* A kept frame lasts N times as long, unless that does not fit a
 * GstClockTime: then its duration is unknown (GST_CLOCK_TIME_NONE), not a
 * wrapped, short one. */
GST_START_TEST (test_selection_duration_overflow)
{
  const guint rate = 3;
  const GstClockTime durations[] = {
    GST_CLOCK_TIME_NONE / 2,    /* overflows */
    GST_CLOCK_TIME_NONE / rate, /* overflows by one */
    GST_CLOCK_TIME_NONE / rate - 1,     /* the longest that fits */
    GST_CLOCK_TIME_NONE,        /* unknown stays unknown */
  };
  const GstClockTime expected[] = {
    GST_CLOCK_TIME_NONE,
    GST_CLOCK_TIME_NONE,
    (GST_CLOCK_TIME_NONE / rate - 1) * rate,
    GST_CLOCK_TIME_NONE,
  };
  gchar *props = g_strdup_printf ("selection-rate=%u", rate);
  GstHarness *h = umattest_harness_new (props);
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_src_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  for (guint i = 0; i < G_N_ELEMENTS (durations); i++) {
    GstBuffer *out;

    /* rate frames: the first is kept */
    for (guint k = 0; k < rate; k++) {
      GstBuffer *frame = umattest_buffer_new (&info, 0, i * rate + k + 1);
      GST_BUFFER_PTS (frame) = (i * rate + k) * GST_SECOND;
      GST_BUFFER_DURATION (frame) = durations[i];
      fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
    }
    umattest_harness_drain (h);
    out = gst_harness_pull (h);
    fail_unless (GST_BUFFER_DURATION (out) == expected[i], "duration %"
        G_GUINT64_FORMAT " x %u gave %" G_GUINT64_FORMAT ", expected %"
        G_GUINT64_FORMAT, durations[i], rate, GST_BUFFER_DURATION (out),
        expected[i]);
    gst_buffer_unref (out);
  }
  umattest_harness_teardown (h);
  g_free (props);
}

GST_END_TEST;

static Suite *
umatconvert_selection_suite (void)
{
  Suite *s = suite_create ("umatconvert-selection");
  TCase *tc = tcase_create ("selection");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_selection_rate, 0,
      G_N_ELEMENTS (selection_rates));
  tcase_add_test (tc, test_selection_rate_flush);
  tcase_add_test (tc, test_selection_rate_change_keeps_converter);
  tcase_add_test (tc, test_selection_duration_overflow);
  return s;
}

GST_CHECK_MAIN (umatconvert_selection);
