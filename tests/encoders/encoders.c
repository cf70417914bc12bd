/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert in front of H.264 encoders: its output negotiates with the
 * sink caps nvh264enc documents (no NVIDIA encoder here, so the caps stand
 * in for it) and holds the right pixels, and x264enc encodes it into H.264
 * that decodes back to exactly what umatconvert gave.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <string.h>

#include "umattest-support.h"

/* nvh264enc's sink pad, system memory, from gst-plugins-bad
 * sys/nvcodec/gstnvh264enc.c, DOCUMENTATION_SINK_CAPS ("captured using RTX
 * 2080"; GST_VIDEO_FPS_RANGE written out), as in GStreamer 1.22. The real
 * template comes from the device at run time; the GL and CUDA memory
 * structures are left out: umatconvert works in system memory. */
#define NVH264ENC_SINK_CAPS \
  "video/x-raw, format = (string) { NV12, YV12, I420, BGRA, RGBA, Y444, " \
  "VUYA }, width = (int) [ 145, 4096 ], height = (int) [ 49, 4096 ], " \
  "framerate = (fraction) [ 0, max ], " \
  "interlace-mode = (string) { progressive }"

#define WIDTH 320
#define HEIGHT 240

/* A BGR frame of noise (320 * 3 is a multiple of 4, so tightly packed is
 * also GStreamer's default layout). */
static GstBuffer *
noise_bgr (guint32 seed)
{
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, WIDTH, HEIGHT);
  return umattest_buffer_new (&info, 0, seed);
}

/* A frame, packed; 4:2:0 in I420's plane order whatever its layout. */
static UmattestImage *
packed_planes (GstBuffer * buffer, GstCaps * caps)
{
  GstVideoInfo info;
  UmattestImage *image, *i420;

  fail_unless (gst_video_info_from_caps (&info, caps));
  image = umattest_image_from_buffer (buffer, &info);
  if (umattest_family (image->layout) != UMATTEST_YUV420)
    return image;
  i420 = umattest_repack_420 (image, UMATCV_LAYOUT_I420);
  umattest_image_free (image);
  return i420;
}

GST_START_TEST (test_src_caps_meet_nvh264enc)
{
  GstCaps *nv_caps = gst_caps_from_string (NVH264ENC_SINK_CAPS);
  GstCaps *bgr_caps = gst_caps_from_string ("video/x-raw, format=BGR, "
      "width=320, height=240, framerate=30/1");
  gchar *launch = g_strdup_printf ("umatconvert device=%s",
      umattest_device ());
  GstHarness *h = gst_harness_new_parse (launch);
  GstPad *src = gst_element_get_static_pad (h->element, "src");
  GstCaps *offered, *common;

  /* what umatconvert offers downstream for BGR input */
  gst_harness_set_src_caps (h, gst_caps_ref (bgr_caps));
  offered = gst_pad_query_caps (src, NULL);
  common = gst_caps_intersect (offered, nv_caps);
  GST_INFO ("offered %" GST_PTR_FORMAT ", in common with nvh264enc %"
      GST_PTR_FORMAT, offered, common);
  fail_if (gst_caps_is_empty (common),
      "nothing in common with nvh264enc's sink caps");
  gst_caps_unref (common);
  gst_caps_unref (offered);
  gst_object_unref (src);
  gst_harness_teardown (h);
  g_free (launch);
  gst_caps_unref (bgr_caps);
  gst_caps_unref (nv_caps);
}

GST_END_TEST;

/* For each format that nvh264enc takes and umatconvert gives: negotiate
 * with nvh264enc's caps held to that format, push a frame, and check the
 * caps (a subset of nvh264enc's) and the pixels (OpenCV's CPU cvtColor, or
 * the encoding umatcv's edges define: tests/check/support). */
GST_START_TEST (test_each_nvh264enc_format)
{
  static const gchar *const formats[] = { "NV12", "YV12", "I420", "BGRA",
    "RGBA"
  };
  GstCaps *nv_caps = gst_caps_from_string (NVH264ENC_SINK_CAPS);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    GstHarness *h = umattest_harness_new (NULL);
    GstCaps *held = gst_caps_copy (nv_caps), *out_caps;
    GstBuffer *in = noise_bgr (i + 1), *out;
    GstVideoInfo bgr_info, out_info;
    UmattestImage *bgr, *got, *want;
    UmatcvColorimetry out_c;
    gchar **codes = NULL, *backend;

    gst_caps_set_simple (held, "format", G_TYPE_STRING, formats[i], NULL);
    gst_harness_set_sink_caps (h, held);
    gst_harness_set_src_caps_str (h, "video/x-raw, format=BGR, width=320, "
        "height=240, framerate=30/1");
    gst_video_info_set_format (&bgr_info, GST_VIDEO_FORMAT_BGR, WIDTH, HEIGHT);
    bgr = umattest_image_from_buffer (in, &bgr_info);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    umattest_harness_drain (h);
    out = gst_harness_pull (h);
    fail_unless (out != NULL, "no output in %s", formats[i]);

    out_caps = gst_pad_get_current_caps (h->sinkpad);
    fail_unless (gst_caps_is_subset (out_caps, nv_caps),
        "%" GST_PTR_FORMAT " is not what nvh264enc takes", out_caps);
    fail_unless_equals_string (gst_structure_get_string
        (gst_caps_get_structure (out_caps, 0), "format"), formats[i]);

    fail_unless (gst_video_info_from_caps (&out_info, out_caps));
    got = umattest_image_from_buffer (out, &out_info);
    /* with the matrix, range and siting the output caps say */
    out_c = umattest_colorimetry_of (&out_info);
    want = umattest_reference_convert_full (bgr, got->layout, NULL, &out_c,
        &codes);
    backend = umattest_element_backend (h->element);
    umattest_assert_images_close (got, want, umattest_codes_tolerance (backend,
            (const gchar * const *) codes, UMATTEST_DATA_FULL),
        UMATTEST_COMPARE_ALL, "BGR to %s on %s", formats[i], backend);

    g_strfreev (codes);
    g_free (backend);
    umattest_image_free (bgr);
    umattest_image_free (got);
    umattest_image_free (want);
    gst_caps_unref (out_caps);
    gst_buffer_unref (out);
    umattest_harness_teardown (h);
  }
  gst_caps_unref (nv_caps);
}

GST_END_TEST;

static GstSample *
pull (GstElement * pipeline, const gchar * name)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
      umattest_stall_timeout (30));

  gst_object_unref (sink);
  return sample;
}

static GstClockTime
running_time (GstSample * sample)
{
  return gst_segment_to_running_time (gst_sample_get_segment (sample),
      GST_FORMAT_TIME, GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
}

static void
assert_samples_equal (GstSample * a, GstSample * b, guint n)
{
  UmattestImage *pa = packed_planes (gst_sample_get_buffer (a),
      gst_sample_get_caps (a));
  UmattestImage *pb = packed_planes (gst_sample_get_buffer (b),
      gst_sample_get_caps (b));

  umattest_assert_images_close (pb, pa, 0, UMATTEST_COMPARE_ALL,
      "frame %u decoded against what x264enc got", n);
  umattest_image_free (pa);
  umattest_image_free (pb);
}

/* A real pipeline: a chain, umatconvert to I420, x264enc. Lossless
 * (quantizer 0), so the decoded stream must equal umatconvert's frames. */
GST_START_TEST (test_x264enc_encodes_the_output)
{
  const guint frames = 20;
  gchar *launch;
  GstElement *pipeline;
  GstMessage *msg;
  guint n;

  launch = g_strdup_printf ("videotestsrc pattern=smpte horizontal-speed=4 "
      "num-buffers=%u ! video/x-raw,format=BGR,width=320,height=240,"
      "framerate=30/1 ! umatconvert chain=BGR2HSV,HSV2RGB device=%s ! "
      "umatconvert device=%s ! video/x-raw,format=I420 ! tee name=t "
      "t. ! queue ! appsink name=raw sync=false "
      "t. ! queue ! x264enc pass=quant quantizer=0 speed-preset=ultrafast ! "
      "tee name=e e. ! queue ! appsink name=h264 sync=false "
      "e. ! queue ! avdec_h264 ! appsink name=decoded sync=false",
      frames, umattest_device (), umattest_device ());
  pipeline = gst_parse_launch (launch, NULL);
  fail_unless (pipeline != NULL, "x264enc or avdec_h264 missing: %s", launch);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);

  for (n = 0; n < frames; n++) {
    GstSample *raw = pull (pipeline, "raw");
    GstSample *h264 = pull (pipeline, "h264");
    GstSample *decoded = pull (pipeline, "decoded");
    GstStructure *s;

    fail_unless (raw && h264 && decoded, "frame %u missing", n);
    s = gst_caps_get_structure (gst_sample_get_caps (h264), 0);
    fail_unless (gst_structure_has_name (s, "video/x-h264"));
    fail_unless (gst_buffer_get_size (gst_sample_get_buffer (h264)) > 0);
    /* x264enc shifts timestamps (and its segment) to keep DTS positive:
     * running time is what must match */
    fail_unless_equals_uint64 (running_time (raw), running_time (decoded));
    assert_samples_equal (raw, decoded, n);
    gst_sample_unref (raw);
    gst_sample_unref (h264);
    gst_sample_unref (decoded);
  }

  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      umattest_stall_timeout (30), GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (launch);
}

GST_END_TEST;

static GstPadProbeReturn
count_buffers (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_OK;
}

/* x264enc with its look-ahead (no tune=zerolatency) holds tens of frames
 * before it lets the first go; in front of it, umatconvert in place (I420
 * through BGR back to I420) converts frames of the pool it offered
 * upstream, which x264enc then holds. Every frame is encoded, and the
 * stream ends, in time, whatever queue-size is. */
GST_START_TEST (test_x264enc_look_ahead_does_not_stall)
{
  const gint frames = 60;
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=%d ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "
      "umatconvert device=%s queue-size=2 chain=YUV2BGR_I420,BGR2YUV_I420 ! "
      "x264enc speed-preset=ultrafast rc-lookahead=20 ! "
      "fakesink name=sink sync=false", frames, umattest_device ());
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gint encoded = 0;
  GstMessage *msg;

  fail_unless (pipeline != NULL, "x264enc missing: %s", line);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffers, &encoded,
      NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      umattest_stall_timeout (60), GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "stalled: %d of %d frames encoded within 60 s",
      g_atomic_int_get (&encoded), frames);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "an error");
  fail_unless_equals_int (g_atomic_int_get (&encoded), frames);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (line);
}

GST_END_TEST;

static Suite *
encoders_suite (void)
{
  Suite *s = suite_create ("encoders");
  TCase *tc = tcase_create ("general");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_src_caps_meet_nvh264enc);
  tcase_add_test (tc, test_each_nvh264enc_format);
  tcase_add_test (tc, test_x264enc_encodes_the_output);
  tcase_add_test (tc, test_x264enc_look_ahead_does_not_stall);
  return s;
}

GST_CHECK_MAIN (encoders);
