/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert in front of H.264 encoders: its output negotiates with the
 * sink caps nvh264enc documents (no NVIDIA encoder here, so the caps stand
 * in for it) and holds the right pixels, and x264enc encodes it into H.264
 * that decodes back to exactly what umatconvert gave.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <string.h>

#include "cvref.h"

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

static const gchar *
test_device (void)
{
  const gchar *device = g_getenv ("UMAT_TEST_DEVICE");

  return device ? device : "cpu";
}

/* A BGR frame of noise, tightly packed (320 * 3 is a multiple of 4, so
 * this is also GStreamer's default layout). */
static guint8 *
noise_bgr (guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (WIDTH * HEIGHT * 3);
  gsize i;

  for (i = 0; i < WIDTH * HEIGHT * 3; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  return data;
}

/* The frame's planes, packed as OpenCV's single-Mat layout: I420 as
 * Y, U, V; the RGB family as rows of pixels. */
static guint8 *
packed_planes (GstBuffer * buffer, GstCaps * caps, gsize * size)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GByteArray *out = g_byte_array_new ();
  gint plane, row, comp, x;
  /* U and V in I420 order, whatever the layout */
  static const gint i420_comps[] = { 0, 1, 2 };

  fail_unless (gst_video_info_from_caps (&info, caps));
  fail_unless (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
  if (GST_VIDEO_FORMAT_INFO_IS_YUV (info.finfo)) {
    for (plane = 0; plane < 3; plane++) {
      comp = i420_comps[plane];
      for (row = 0; row < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, comp); row++) {
        const guint8 *p = GST_VIDEO_FRAME_COMP_DATA (&frame, comp)
            + row * GST_VIDEO_FRAME_COMP_STRIDE (&frame, comp);
        gint pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, comp);

        for (x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&frame, comp); x++)
          g_byte_array_append (out, p + x * pstride, 1);
      }
    }
  } else {
    for (row = 0; row < HEIGHT; row++)
      g_byte_array_append (out, (const guint8 *)
          GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
          + row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
          WIDTH * GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0));
  }
  gst_video_frame_unmap (&frame);
  *size = out->len;
  return g_byte_array_free (out, FALSE);
}

/* What umatconvert must give for `format` from BGR, by OpenCV's CPU code:
 * every YUV layout holds the samples of BGR2YUV_I420. */
static CvrefImage
reference_for (const guint8 * bgr, const gchar * format)
{
  CvrefImage ref;
  const gchar *code;

  if (g_str_equal (format, "BGRA"))
    code = "BGR2BGRA";
  else if (g_str_equal (format, "RGBA"))
    code = "BGR2RGBA";
  else
    code = "BGR2YUV_I420";
  fail_unless (cvref_cvt_color (bgr, HEIGHT, WIDTH, 3, cvref_code (code),
          &ref) == 0);
  return ref;
}

GST_START_TEST (test_src_caps_meet_nvh264enc)
{
  GstCaps *nv_caps = gst_caps_from_string (NVH264ENC_SINK_CAPS);
  GstCaps *bgr_caps = gst_caps_from_string ("video/x-raw, format=BGR, "
      "width=320, height=240, framerate=30/1");
  gchar *launch = g_strdup_printf ("umatconvert device=%s", test_device ());
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
 * caps (a subset of nvh264enc's) and the pixels (OpenCV's CPU cvtColor). */
GST_START_TEST (test_each_nvh264enc_format)
{
  static const gchar *const formats[] = { "NV12", "YV12", "I420", "BGRA",
    "RGBA"
  };
  GstCaps *nv_caps = gst_caps_from_string (NVH264ENC_SINK_CAPS);
  gboolean opencl = g_str_equal (test_device (), "opencl");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    gchar *launch = g_strdup_printf ("umatconvert device=%s", test_device ());
    GstHarness *h = gst_harness_new_parse (launch);
    GstCaps *held = gst_caps_copy (nv_caps), *out_caps;
    guint8 *bgr = noise_bgr (i + 1), *got;
    CvrefImage ref;
    GstBuffer *out;
    gsize size, k;
    gint worst = 0;

    gst_caps_set_simple (held, "format", G_TYPE_STRING, formats[i], NULL);
    gst_harness_set_sink_caps (h, held);
    gst_harness_set_src_caps_str (h, "video/x-raw, format=BGR, width=320, "
        "height=240, framerate=30/1");
    out = gst_harness_push_and_pull (h, gst_buffer_new_wrapped (g_memdup2 (bgr,
                WIDTH * HEIGHT * 3), WIDTH * HEIGHT * 3));
    fail_unless (out != NULL, "no output in %s", formats[i]);

    out_caps = gst_pad_get_current_caps (h->sinkpad);
    fail_unless (gst_caps_is_subset (out_caps, nv_caps),
        "%" GST_PTR_FORMAT " is not what nvh264enc takes", out_caps);
    fail_unless_equals_string (gst_structure_get_string
        (gst_caps_get_structure (out_caps, 0), "format"), formats[i]);

    got = packed_planes (out, out_caps, &size);
    ref = reference_for (bgr, formats[i]);
    fail_unless_equals_int ((gint) size, ref.rows * ref.cols * ref.channels);
    for (k = 0; k < size; k++)
      worst = MAX (worst, ABS ((gint) got[k] - (gint) ref.data[k]));
    /* OpenCV's OpenCL 4:2:0 kernels compute in float: 1 at most */
    fail_unless (worst <= (opencl ? 1 : 0), "%s: off by %d", formats[i],
        worst);

    free (ref.data);
    g_free (got);
    gst_caps_unref (out_caps);
    gst_buffer_unref (out);
    g_free (bgr);
    gst_harness_teardown (h);
    g_free (launch);
  }
  gst_caps_unref (nv_caps);
}

GST_END_TEST;

static GstSample *
pull (GstElement * pipeline, const gchar * name)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
      30 * GST_SECOND);

  gst_object_unref (sink);
  return sample;
}

static GstClockTime
running_time (GstSample * sample)
{
  return gst_segment_to_running_time (gst_sample_get_segment (sample),
      GST_FORMAT_TIME, GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
}

static gboolean
samples_equal (GstSample * a, GstSample * b)
{
  gsize size_a, size_b;
  guint8 *pa = packed_planes (gst_sample_get_buffer (a),
      gst_sample_get_caps (a), &size_a);
  guint8 *pb = packed_planes (gst_sample_get_buffer (b),
      gst_sample_get_caps (b), &size_b);
  gboolean same = size_a == size_b && memcmp (pa, pb, size_a) == 0;

  g_free (pa);
  g_free (pb);
  return same;
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
      frames, test_device (), test_device ());
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
    fail_unless (samples_equal (raw, decoded),
        "frame %u: x264enc did not get umatconvert's pixels", n);
    gst_sample_unref (raw);
    gst_sample_unref (h264);
    gst_sample_unref (decoded);
  }

  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (launch);
}

GST_END_TEST;

static Suite *
encoders_suite (void)
{
  Suite *s = suite_create ("encoders");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_src_caps_meet_nvh264enc);
  tcase_add_test (tc, test_each_nvh264enc_format);
  tcase_add_test (tc, test_x264enc_encodes_the_output);
  return s;
}

GST_CHECK_MAIN (encoders);
