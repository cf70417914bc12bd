/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert when things go wrong: no OpenCL platform, OpenCL failing in the
 * middle of a stream, and bad input (buffers smaller than their caps, absurd
 * sizes, caps changes, flushing seeks, EOS with frames in flight). Each
 * must end in correct output or a clear message, never a crash or a hang.
 * Frames that come out are checked against OpenCV's CPU cvtColor and the
 * frame accounting (tests/check/support). Sizes that cannot be allocated:
 * umatconvert-unallocatable.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <stdio.h>
#include <string.h>

#include "umattest-support.h"

/* Asserts that `out` is what OpenCV's CPU cvtColor makes of `in` (BGR) with
 * `chain` (each code exact on OpenCL too: channel moves and GRAY). */
static void
check_frame_within (GstBuffer * in, GstSample * out, gint width, gint height,
    const gchar * chain, guint tolerance, guint index)
{
  GstVideoInfo info;
  UmattestImage *src, *got, *want;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, width, height);
  src = umattest_image_from_buffer (in, &info);
  got = umattest_image_from_sample (out);
  want = umattest_cvt_chain (src, chain, FALSE);
  umattest_assert_images_close (got, want, tolerance, UMATTEST_COMPARE_ALL,
      "frame %u, %s", index, chain);
  umattest_image_free (src);
  umattest_image_free (got);
  umattest_image_free (want);
}

static void
check_frame (GstBuffer * in, GstSample * out, gint width, gint height,
    const gchar * chain, guint index)
{
  check_frame_within (in, out, width, height, chain, 0, index);
}

static GstBuffer *
bgr_frame (gint width, gint height, guint index)
{
  return umattest_buffer_new_timed (GST_VIDEO_FORMAT_BGR, width, height, index);
}

/* Copies BGR frame `src` into `dest`, whatever their strides. */
static void
copy_frame (GstBuffer * dest, GstBuffer * src, gint width, gint height)
{
  GstVideoInfo info;
  GstVideoFrame d, s;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, width, height);
  fail_unless (gst_video_frame_map (&d, &info, dest, GST_MAP_WRITE));
  fail_unless (gst_video_frame_map (&s, &info, src, GST_MAP_READ));
  fail_unless (gst_video_frame_copy (&d, &s));
  gst_video_frame_unmap (&s);
  gst_video_frame_unmap (&d);
}

/* ------------------------------------------------------------------ */
/* No OpenCL platform (suite variant no-opencl: an empty ICD folder)  */

GST_START_TEST (test_no_opencl_auto_runs_on_cpu)
{
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[5];
  GError *error = NULL;
  gchar *warnings, *backend;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "device=auto chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 5; i++) {
    frames[i] = bgr_frame (32, 24, i);
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, &warnings),
      "error: %s", error ? error->message : "");
  /* the documented case of device=auto: the backend says it, the log
   * too, and the bus carries no warning */
  fail_unless_equals_string (warnings, "");
  backend = umattest_element_backend (p.convert);
  fail_unless_equals_string (backend, "cpu");
  fail_unless_equals_int (samples->len, 5);
  for (guint i = 0; i < 5; i++) {
    check_frame (frames[i], g_ptr_array_index (samples, i), 32, 24,
        "BGR2RGB", i);
    gst_buffer_unref (frames[i]);
  }
  g_free (backend);
  g_free (warnings);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_no_opencl_device_opencl_fails)
{
  UmattestPipeline p;
  GstMessage *msg;
  GError *error = NULL;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "device=opencl chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (p.bus, umattest_stall_timeout (30),
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error within 30 s");
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (strstr (error->message, "OpenCL") != NULL, "the error does "
      "not name OpenCL: %s", error->message);
  GST_INFO ("device=opencl without OpenCL: %s", error->message);
  g_error_free (error);
  gst_message_unref (msg);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* OpenCL failing mid-stream (test hook in ext/umatcv/umatcv-testhook.cpp) */

/* A converting chain, an in-place one, and auto mode (no chain). */
static const struct
{
  const gchar *props, *codes, *out_caps;
} failing[] = {
  {"chain=BGR2RGB", "BGR2RGB", NULL},
  {"chain=BGR2RGB,RGB2BGR", "BGR2RGB,RGB2BGR", NULL},
  {"", "BGR2RGB", "video/x-raw,format=RGB"},
};

/* Streams 20 frames of `width`x`height` through umatconvert with `props`,
 * OpenCL failing from the 8th frame on, and asserts that every frame comes
 * out converted by `codes`, with a warning and the CPU as backend after. */
static void
check_falls_back_to_cpu (const gchar * props, const gchar * codes,
    guint tolerance, const gchar * out_caps, gint width, gint height)
{
  gchar *in_caps = g_strdup_printf ("video/x-raw,format=BGR,width=%d,"
      "height=%d,framerate=30/1", width, height);
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[20];
  GError *error = NULL;
  gchar *warnings, *backend;

  g_setenv ("UMATCV_TEST_OPENCL_FAIL_AFTER", "7", TRUE);
  umattest_pipeline_init (&p, in_caps, NULL, props);
  if (out_caps) {
    GstCaps *caps = gst_caps_from_string (out_caps);
    g_object_set (p.sink, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++) {
    frames[i] = bgr_frame (width, height, i);
    /* a copy: the in-place chain must not see our reference's bytes change */
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_copy (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, &warnings),
      "error: %s", error ? error->message : "");
  g_unsetenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");

  fail_unless (strstr (warnings, "OpenCL failed") != NULL, "no warning of "
      "the OpenCL failure; warnings: %s", warnings);
  backend = umattest_element_backend (p.convert);
  fail_unless_equals_string (backend, "cpu");
  fail_unless_equals_int (samples->len, G_N_ELEMENTS (frames));
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++) {
    check_frame_within (frames[i], g_ptr_array_index (samples, i), width,
        height, codes, tolerance, i);
    gst_buffer_unref (frames[i]);
  }
  g_free (backend);
  g_free (warnings);
  g_free (in_caps);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_START_TEST (test_opencl_failure_falls_back_to_cpu)
{
  gchar *props = g_strdup_printf ("device=opencl %s", failing[__i__].props);

  check_falls_back_to_cpu (props, failing[__i__].codes, 0,
      failing[__i__].out_caps, 40, 30);
  g_free (props);
}

GST_END_TEST;

#define QUEUED_WIDTH 640
#define QUEUED_HEIGHT 480
#define QUEUED_FRAMES 30
#define QUEUED_FAIL_AFTER 15    /* frames converted before OpenCL fails */

/* One stream of QUEUED_FRAMES frames from the pool umatconvert offers,
 * converted in place (BGR2RGB,RGB2BGR), OpenCL failing from frame
 * QUEUED_FAIL_AFTER on: every frame must come out right, with one warning
 * and the CPU as backend after. Returns how many frames were in flight
 * (pushed, not yet out) once the first failing frame was pushed. */
static guint
stream_failing_with_frames_queued (void)
{
  GstHarness *h = umattest_harness_new ("queue-size=4 "
      "chain=BGR2RGB,RGB2BGR");
  GstCaps *caps = umattest_caps (GST_VIDEO_FORMAT_BGR, QUEUED_WIDTH,
      QUEUED_HEIGHT);
  GstQuery *query;
  GstBufferPool *pool = NULL;
  GstBuffer *patterns[QUEUED_FRAMES], *frames[QUEUED_FRAMES];
  GstBus *bus = gst_bus_new ();
  gchar *warnings, *backend;
  guint n_warnings, in_flight = 0;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_caps (h, gst_caps_ref (caps), gst_caps_ref (caps));
  query = gst_query_new_allocation (caps, TRUE);
  fail_unless (gst_pad_peer_query (h->srcpad, query));
  fail_unless (gst_query_get_n_allocation_pools (query) > 0,
      "no pool offered on OpenCL");
  gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, NULL);
  gst_query_unref (query);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  /* filled before any is pushed: pushing is then only submitting */
  for (guint i = 0; i < QUEUED_FRAMES; i++) {
    patterns[i] = bgr_frame (QUEUED_WIDTH, QUEUED_HEIGHT, i);
    fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &frames[i],
            NULL), GST_FLOW_OK);
    copy_frame (frames[i], patterns[i], QUEUED_WIDTH, QUEUED_HEIGHT);
    GST_BUFFER_PTS (frames[i]) = GST_BUFFER_PTS (patterns[i]);
    GST_BUFFER_DURATION (frames[i]) = GST_BUFFER_DURATION (patterns[i]);
  }
  for (guint i = 0; i < QUEUED_FRAMES; i++) {
    GstFlowReturn flow;

    /* ours alone, so that umatconvert may write into it */
    flow = gst_harness_push (h, frames[i]);
    if (flow != GST_FLOW_OK) {
      gchar *errors = umattest_bus_texts (bus, GST_MESSAGE_ERROR, NULL);
      fail ("frame %u (%u in flight with the first failing one): %s; "
          "errors: %s", i, in_flight, gst_flow_get_name (flow), errors);
    }
    if (i == QUEUED_FAIL_AFTER)
      in_flight = i + 1 - gst_harness_buffers_in_queue (h);
  }
  umattest_harness_drain (h);

  warnings = umattest_bus_texts (bus, GST_MESSAGE_WARNING, &n_warnings);
  fail_unless (strstr (warnings, "OpenCL failed") != NULL, "no warning of "
      "the OpenCL failure; warnings: %s", warnings);
  fail_unless_equals_int (n_warnings, 1);
  backend = umattest_element_backend (h->element);
  fail_unless_equals_string (backend, "cpu");
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), QUEUED_FRAMES);
  for (guint i = 0; i < QUEUED_FRAMES; i++) {
    GstBuffer *out = gst_harness_pull (h);
    GstVideoInfo info;
    UmattestImage *in, *got, *want;

    gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, QUEUED_WIDTH,
        QUEUED_HEIGHT);
    in = umattest_image_from_buffer (patterns[i], &info);
    got = umattest_image_from_buffer (out, &info);
    want = umattest_cvt_chain (in, "BGR2RGB,RGB2BGR", FALSE);
    umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
        "frame %u", i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS
        (patterns[i]));
    umattest_image_free (in);
    umattest_image_free (got);
    umattest_image_free (want);
    gst_buffer_unref (out);
    gst_buffer_unref (patterns[i]);
  }
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  gst_caps_unref (caps);
  g_free (backend);
  g_free (warnings);
  umattest_harness_teardown (h);
  gst_object_unref (bus);
  GST_INFO ("%u frames in flight with the first failing one", in_flight);
  return in_flight;
}

/* Frames in flight behind the failing one, when the failure shows: each
 * must be done again on the CPU, in order. Whether a device still holds
 * them depends on its pace against the streaming thread's (under ASan,
 * PoCL's compiled kernels outrun the instrumented host), so the test hook
 * UMATCV_TEST_OPENCL_HOLD makes it slow: with queue-size=4, three frames
 * are in flight when the first failing one is pushed, every time. */
GST_START_TEST (test_opencl_failure_with_frames_in_flight)
{
  guint in_flight;

  g_setenv ("UMATCV_TEST_OPENCL_FAIL_AFTER",
      G_STRINGIFY (QUEUED_FAIL_AFTER), TRUE);
  g_setenv ("UMATCV_TEST_OPENCL_HOLD", "1", TRUE);
  in_flight = stream_failing_with_frames_queued ();
  g_unsetenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");
  g_unsetenv ("UMATCV_TEST_OPENCL_HOLD");
  fail_unless_equals_int (in_flight, 3);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Bad input                                                          */

/* Runs caps + the given buffers; returns the error message (or NULL after
 * EOS) and the frames out in *n_out. */
static gchar *
run_buffers (const gchar * caps, const gchar * props, GstBuffer ** buffers,
    guint n, guint * n_out)
{
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GError *error = NULL;
  gchar *message = NULL;

  umattest_pipeline_init (&p, caps, NULL, props);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < n; i++)
    gst_app_src_push_buffer (GST_APP_SRC (p.src), buffers[i]);
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  if (!umattest_pipeline_drain (&p, samples, &error, NULL)) {
    message = g_strdup (error->message);
    g_error_free (error);
  }
  *n_out = samples->len;
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
  return message;
}

/* A buffer too small for its caps is dropped with a warning (and counted
 * as dropped); the frames around it come out converted. */
GST_START_TEST (test_buffer_smaller_than_caps)
{
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[2] = { bgr_frame (32, 24, 0), bgr_frame (32, 24, 2) };
  GstBuffer *short_one = gst_buffer_new_allocate (NULL, 100, NULL);
  GError *error = NULL;
  gchar *warnings;
  guint64 dropped;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "chain=BGR2RGB");
  GST_BUFFER_PTS (short_one) = GST_SECOND / 30;
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[0]));
  gst_app_src_push_buffer (GST_APP_SRC (p.src), short_one);
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[1]));
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, &warnings),
      "error: %s", error ? error->message : "");
  GST_INFO ("short buffer: %s", warnings);
  fail_unless (strstr (warnings, "100 bytes") != NULL, "no warning about "
      "the short buffer: %s", warnings);
  fail_unless_equals_int (samples->len, 2);
  for (guint i = 0; i < 2; i++) {
    check_frame (frames[i], g_ptr_array_index (samples, i), 32, 24,
        "BGR2RGB", i);
    gst_buffer_unref (frames[i]);
  }
  g_object_get (p.convert, "frames-dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 1);
  g_free (warnings);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* A stream of short buffers: each is dropped and counted, the first of
 * each caps (and only it) posts a warning; the whole frames around them
 * come out converted. */
GST_START_TEST (test_short_buffers_warn_once_per_caps)
{
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[3] = { bgr_frame (32, 24, 0), bgr_frame (32, 24, 6),
    bgr_frame (64, 48, 10)
  };
  GError *error = NULL;
  gchar *warnings, **lines;
  guint64 processed, dropped;
  guint pts = 1, n_warnings = 0;
  GstCaps *caps;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[0]));
  for (guint i = 0; i < 5; i++, pts++) {
    GstBuffer *short_one = gst_buffer_new_allocate (NULL, 100 + i, NULL);
    GST_BUFFER_PTS (short_one) = pts * GST_SECOND / 30;
    gst_app_src_push_buffer (GST_APP_SRC (p.src), short_one);
  }
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[1]));
  pts++;
  /* new caps: a warning again, once */
  caps = gst_caps_from_string ("video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1");
  gst_app_src_set_caps (GST_APP_SRC (p.src), caps);
  gst_caps_unref (caps);
  for (guint i = 0; i < 3; i++, pts++) {
    GstBuffer *short_one = gst_buffer_new_allocate (NULL, 200 + i, NULL);
    GST_BUFFER_PTS (short_one) = pts * GST_SECOND / 30;
    gst_app_src_push_buffer (GST_APP_SRC (p.src), short_one);
  }
  GST_BUFFER_PTS (frames[2]) = pts * GST_SECOND / 30;
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[2]));
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, &warnings),
      "error: %s", error ? error->message : "");

  lines = g_strsplit (warnings, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], "Dropped a buffer"))
      n_warnings++;
  fail_unless_equals_int (n_warnings, 2);
  fail_unless (strstr (warnings, "100 bytes") && strstr (warnings,
          "200 bytes"), "the warnings are not the first of each caps: %s",
      warnings);
  g_object_get (p.convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 8);
  fail_unless_equals_uint64 (processed, 3);
  fail_unless_equals_int (samples->len, 3);
  check_frame (frames[0], g_ptr_array_index (samples, 0), 32, 24, "BGR2RGB", 0);
  check_frame (frames[1], g_ptr_array_index (samples, 1), 32, 24, "BGR2RGB", 1);
  check_frame (frames[2], g_ptr_array_index (samples, 2), 64, 48, "BGR2RGB", 2);
  for (guint i = 0; i < 3; i++)
    gst_buffer_unref (frames[i]);
  g_strfreev (lines);
  g_free (warnings);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* (odd sizes are no fault: frames of every format convert at any size,
 * elements/umatconvert test_auto_every_pair) */
static const gchar *absurd_caps[] = {
  "video/x-raw,format=BGR,width=2147483647,height=2147483647,framerate=30/1",
  "video/x-raw,format=BGR,width=0,height=24,framerate=30/1",
  "video/x-raw,format=I420,width=64,height=0,framerate=30/1",
};

/* Refused at negotiation with an error, before any frame is touched. */
GST_START_TEST (test_absurd_caps)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, 64, NULL);
  guint n_out;
  gchar *message = run_buffers (absurd_caps[__i__], "", &buffer, 1, &n_out);

  fail_unless (message != NULL, "%s was taken", absurd_caps[__i__]);
  GST_INFO ("%s: %s", absurd_caps[__i__], message);
  fail_unless_equals_int (n_out, 0);
  g_free (message);
}

GST_END_TEST;

/* 32x24 then 64x48 then 16x8 in one stream: every frame converted at its
 * own size. */
GST_START_TEST (test_caps_change_mid_stream)
{
  const gint sizes[3][2] = { {32, 24}, {64, 48}, {16, 8} };
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[12];
  GError *error = NULL;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 12; i++) {
    const gint *size = sizes[i / 4];
    if (i % 4 == 0) {
      GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format",
          G_TYPE_STRING, "BGR", "width", G_TYPE_INT, size[0], "height",
          G_TYPE_INT, size[1], "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
      gst_app_src_set_caps (GST_APP_SRC (p.src), caps);
      gst_caps_unref (caps);
    }
    frames[i] = bgr_frame (size[0], size[1], i);
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, NULL),
      "error: %s", error ? error->message : "");
  fail_unless_equals_int (samples->len, 12);
  for (guint i = 0; i < 12; i++) {
    GstSample *sample = g_ptr_array_index (samples, i);
    GstVideoInfo info;
    fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps
            (sample)));
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), sizes[i / 4][0]);
    check_frame (frames[i], sample, sizes[i / 4][0], sizes[i / 4][1],
        "BGR2RGB", i);
    gst_buffer_unref (frames[i]);
  }
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* A flushing seek while frames flow through a queue: the stream goes on
 * from the new position, selection restarts, nothing hangs. */
GST_START_TEST (test_flush_seek_mid_stream)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=90 ! "
      "video/x-raw,format=NV12,width=64,height=48,framerate=30/1 ! queue ! "
      "umatconvert name=convert device=%s selection-rate=3 ! "
      "video/x-raw,format=BGR ! appsink name=sink sync=false max-buffers=4",
      umattest_device ());
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GstSample *sample;
  guint before = 0, after = 0;

  umattest_accounting_attach (convert);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipeline, NULL, NULL,
          umattest_stall_timeout (30)) == GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (before < 5 && (sample = gst_app_sink_try_pull_sample (GST_APP_SINK
              (sink), umattest_stall_timeout (10)))) {
    before++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (before, 5);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SECOND / 3));
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              umattest_stall_timeout (10)))) {
    after++;
    gst_sample_unref (sample);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS after "
      "the seek");
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "an error after the seek");
  GST_INFO ("%u frames before the seek, %u after", before, after);
  fail_unless (after > 0);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  /* frames pulled = frames out; in = processed + dropped, the right ones */
  fail_unless (umattest_accounting_check (convert) > 0);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (convert);
  gst_object_unref (pipeline);
  g_free (desc);
}

GST_END_TEST;

/* 60 frames and EOS pushed at once into a queue in front: EOS comes after
 * the last of them, none lost. */
GST_START_TEST (test_eos_with_frames_in_flight)
{
  UmattestPipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GError *error = NULL;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", "queue max-size-buffers=100", "chain=BGR2HSV,HSV2BGR");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 60; i++)
    gst_app_src_push_buffer (GST_APP_SRC (p.src), bgr_frame (32, 24, i));
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, NULL),
      "error: %s", error ? error->message : "");
  fail_unless_equals_int (samples->len, 60);
  for (guint i = 0; i < 60; i++)
    fail_unless_equals_uint64 (GST_BUFFER_PTS (gst_sample_get_buffer
            (g_ptr_array_index (samples, i))), i * GST_SECOND / 30);
  fail_unless_equals_uint64 (umattest_accounting_check (p.convert), 60);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

static Suite *
umatconvert_faults_suite (void)
{
  Suite *s = suite_create ("umatconvert-faults");
  TCase *tc = tcase_create ("faults");

  suite_add_tcase (s, tc);
  if (g_getenv ("UMAT_TEST_NO_OPENCL")) {
    /* a process whose OpenCL loader finds no platform */
    tcase_add_test (tc, test_no_opencl_auto_runs_on_cpu);
    tcase_add_test (tc, test_no_opencl_device_opencl_fails);
    return s;
  }
  umattest_require_opencl (FALSE);
  if (umattest_on_opencl ())
    tcase_add_loop_test (tc, test_opencl_failure_falls_back_to_cpu, 0,
        G_N_ELEMENTS (failing));
  if (umattest_on_opencl ())
    tcase_add_test (tc, test_opencl_failure_with_frames_in_flight);
  tcase_add_test (tc, test_buffer_smaller_than_caps);
  tcase_add_test (tc, test_short_buffers_warn_once_per_caps);
  tcase_add_loop_test (tc, test_absurd_caps, 0, G_N_ELEMENTS (absurd_caps));
  tcase_add_test (tc, test_caps_change_mid_stream);
  tcase_add_test (tc, test_flush_seek_mid_stream);
  tcase_add_test (tc, test_eos_with_frames_in_flight);
  return s;
}

GST_CHECK_MAIN (umatconvert_faults);
