/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert against independent references: videoconvert for repacking
 * between RGB formats, OpenCV's CPU cvtColor (cvref) for everything. Each
 * test runs on the backend UMAT_TEST_DEVICE names (cpu or opencl).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsrc.h>
#include <string.h>

#include "umattest-support.h"

/* Every format umatconvert takes, from umatcv's layout table. */
static UmatcvLayout layouts[UMATCV_N_LAYOUTS];
static guint n_layouts;

/* Converts a noise frame with umatconvert <properties> and checks it against
 * OpenCV's CPU code: the codes of `chain_codes`, or auto mode's reference
 * when NULL. */
static void
check_conversion (const gchar * properties, GstVideoFormat from,
    GstVideoFormat to, gint width, gint height, guint extra,
    const gchar * const *chain_codes)
{
  GstVideoInfo in_info, out_info;
  GstBuffer *frame, *out;
  GstCaps *in_caps, *out_caps;
  UmattestImage *in, *got, *want;
  gchar **codes = NULL, *what, *backend;
  gint tolerance;
  GstHarness *h;

  gst_video_info_set_format (&in_info, from, width, height);
  gst_video_info_set_format (&out_info, to, width, height);
  frame = umattest_buffer_new (&in_info, extra,
      width * 31 + height + from * 7 + to);
  in = umattest_image_from_buffer (frame, &in_info);

  /* nobody else holds `frame`: the element may convert it in place */
  h = umattest_harness_new (properties);
  in_caps = umattest_caps (from, width, height);
  fail_unless (gst_video_info_from_caps (&in_info, in_caps));
  out = umattest_harness_convert (h, in_caps, umattest_sink_caps (to, width,
          height), frame);
  out_caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_video_info_from_caps (&out_info, out_caps));
  gst_caps_unref (out_caps);
  got = umattest_image_from_buffer (out, &out_info);
  backend = umattest_element_backend (h->element);

  if (chain_codes == NULL) {
    /* the colorimetry the caps say at either end */
    UmatcvColorimetry in_c = umattest_colorimetry_of (&in_info);
    UmatcvColorimetry out_c = umattest_colorimetry_of (&out_info);
    want = umattest_reference_convert_full (in, umattest_layout (to), &in_c,
        &out_c, &codes);
    tolerance = umattest_codes_tolerance (backend,
        (const gchar * const *) codes, UMATTEST_DATA_FULL);
    what = g_strdup ("auto");
  } else {
    want = umattest_chain_reference (in, chain_codes, backend,
        umattest_element_fused (h->element), &tolerance);
    what = g_strjoinv (",", (gchar **) chain_codes);
  }
  umattest_assert_images_close (got, want, tolerance, UMATTEST_COMPARE_ALL,
      "%s on %s, %s to %s, stride +%u", what, backend,
      gst_video_format_to_string (from), gst_video_format_to_string (to),
      extra);

  gst_buffer_unref (out);
  umattest_harness_teardown (h);
  g_strfreev (codes);
  g_free (what);
  g_free (backend);
  umattest_image_free (in);
  umattest_image_free (got);
  umattest_image_free (want);
}

static gboolean
is_rgb_repack (UmatcvLayout a, UmatcvLayout b)
{
  return umattest_family (a) == UMATTEST_RGB
      && umattest_family (b) == UMATTEST_RGB && a != UMATCV_LAYOUT_GRAY
      && b != UMATCV_LAYOUT_GRAY;
}

/* For RGB repacking, videoconvert is a second, independent reference. */
static void
check_against_videoconvert (GstVideoFormat from, GstVideoFormat to,
    gint width, gint height)
{
  GstVideoInfo in_info, out_info;
  GstBuffer *frame, *ours, *theirs;
  UmattestImage *a, *b;
  gchar *line;

  gst_video_info_set_format (&in_info, from, width, height);
  gst_video_info_set_format (&out_info, to, width, height);
  frame = umattest_buffer_new (&in_info, 0, 77);
  line = g_strdup_printf ("umatconvert device=%s", umattest_device ());
  ours = umattest_convert_with (line, umattest_caps (from, width, height),
      umattest_sink_caps (to, width, height), gst_buffer_copy (frame));
  theirs = umattest_convert_with ("videoconvert", umattest_caps (from, width,
          height), umattest_sink_caps (to, width, height), frame);
  a = umattest_image_from_buffer (ours, &out_info);
  b = umattest_image_from_buffer (theirs, &out_info);
  /* Padding that becomes alpha: umatconvert makes it opaque (checked
   * against OpenCV), videoconvert 1.22's fast paths copy the padding byte;
   * compare colours only. */
  umattest_assert_images_close (a, b, 0,
      umattest_has_padding (umattest_layout (from)) ? UMATTEST_COMPARE_COLOURS
      : UMATTEST_COMPARE_ALL, "%s to %s against videoconvert",
      gst_video_format_to_string (from), gst_video_format_to_string (to));
  g_free (line);
  umattest_image_free (a);
  umattest_image_free (b);
  gst_buffer_unref (ours);
  gst_buffer_unref (theirs);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */

/* Every pair from layouts[__i__], in auto mode: an odd size with padded
 * strides (1277 leaves RGB rows padded to 4 bytes even without; 4:2:x
 * chroma of 639 columns and, for 4:2:0, 5 rows, the last covering one luma
 * row), and a plain size with GStreamer's strides. Each pair's arithmetic
 * at more sizes is ext/routes' subject. */
GST_START_TEST (test_auto_every_pair)
{
  UmatcvLayout from = layouts[__i__];
  GstVideoFormat from_format = umattest_video_format (from);

  for (guint j = 0; j < n_layouts; j++) {
    UmatcvLayout to = layouts[j];
    GstVideoFormat to_format = umattest_video_format (to);

    if (umatcv_layout_info (to)->input_only)
      continue;
    check_conversion (NULL, from_format, to_format, 1277, 9, 64, NULL);
    if (!umattest_thorough ())
      continue;
    check_conversion (NULL, from_format, to_format, 64, 48, 0, NULL);
    if (is_rgb_repack (from, to))
      check_against_videoconvert (from_format, to_format, 1277, 9);
  }
}

GST_END_TEST;

static void
check_chain (const gchar * chain, GstVideoFormat from, GstVideoFormat to)
{
  gchar *properties = g_strdup_printf ("chain=%s", chain);
  gchar **codes = g_strsplit (chain, ",", -1);
  gboolean even = umattest_family (umattest_layout (from)) != UMATTEST_RGB
      || umattest_family (umattest_layout (to)) != UMATTEST_RGB
      || strstr (chain, "YUV_");

  check_conversion (properties, from, to, even ? 1278 : 1277, even ? 10 : 9,
      0, (const gchar * const *) codes);
  check_conversion (properties, from, to, even ? 1278 : 1277, even ? 10 : 9,
      64, (const gchar * const *) codes);
  check_conversion (properties, from, to, 320, 240, 0,
      (const gchar * const *) codes);
  g_strfreev (codes);
  g_free (properties);
}

GST_START_TEST (test_chain_hsv_round_trip)
{
  check_chain ("BGR2HSV,HSV2RGB", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGB);
  check_chain ("BGR2HSV,HSV2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR);
}

GST_END_TEST;

GST_START_TEST (test_chain_gray)
{
  check_chain ("BGR2GRAY", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_GRAY8);
  check_chain ("BGRA2GRAY", GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_GRAY8);
  check_chain ("YUV2GRAY_420", GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_GRAY8);
}

GST_END_TEST;

GST_START_TEST (test_chain_colour_spaces)
{
  check_chain ("BGR2HLS,HLS2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR);
  check_chain ("RGB2Lab,Lab2BGR", GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR);
  check_chain ("BGR2Luv,Luv2RGB", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGB);
  check_chain ("BGR2YCrCb,YCrCb2BGR", GST_VIDEO_FORMAT_BGR,
      GST_VIDEO_FORMAT_BGR);
  check_chain ("RGB2XYZ,XYZ2RGB", GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_RGB);
  check_chain ("BGR2HSV_FULL,HSV2BGR_FULL", GST_VIDEO_FORMAT_BGR,
      GST_VIDEO_FORMAT_BGR);
  check_chain ("RGBA2mRGBA,mRGBA2RGBA", GST_VIDEO_FORMAT_RGBA,
      GST_VIDEO_FORMAT_RGBA);
  check_chain ("BGR2YUV,YUV2RGB", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGB);
}

GST_END_TEST;

GST_START_TEST (test_chain_yuv_ends)
{
  check_chain ("YUV2BGR_NV12,BGR2HSV,HSV2BGR,BGR2YUV_I420",
      GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_I420);
  check_chain ("YUV2RGB_YUY2,RGB2GRAY", GST_VIDEO_FORMAT_YUY2,
      GST_VIDEO_FORMAT_GRAY8);
  check_chain ("BGRA2YUV_YV12", GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_YV12);
  check_chain ("BGR2RGBA", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBx);
}

GST_END_TEST;

/* A chain from a format back to itself converts the buffer that came in;
 * any other format gets a new buffer, even of the same size: relabelling
 * upstream's buffer would corrupt the GstVideoMeta of its pool (see
 * test_upstream_pool_survives). */
GST_START_TEST (test_in_place)
{
  struct
  {
    const gchar *properties;
    GstVideoFormat from, to;
    gboolean in_place;
  } cases[] = {
    {"chain=BGR2HSV,HSV2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR, TRUE},
    {"chain=YUV2BGR_NV12,BGR2YUV_I420", GST_VIDEO_FORMAT_NV12,
        GST_VIDEO_FORMAT_I420, FALSE},
    {"chain=BGR2GRAY,GRAY2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR,
        TRUE},
    {NULL, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGB, FALSE},
    {NULL, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12, FALSE},
    {NULL, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGRx, FALSE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstVideoInfo info;
    GstHarness *h = umattest_harness_new (cases[i].properties);
    GstBuffer *frame, *out;
    GstMemory *in_memory;

    gst_video_info_set_format (&info, cases[i].from, 64, 48);
    frame = umattest_buffer_new (&info, 0, 5);
    in_memory = gst_buffer_peek_memory (frame, 0);
    out = umattest_harness_convert (h, umattest_caps (cases[i].from, 64, 48),
        umattest_sink_caps (cases[i].to, 64, 48), frame);
    fail_unless_equals_int (gst_buffer_peek_memory (out, 0) == in_memory,
        cases[i].in_place);
    gst_buffer_unref (out);
    umattest_harness_teardown (h);
  }
}

GST_END_TEST;

/* In place with upstream's own strides: the frame stays where it is, with
 * its meta, and comes out right. */
GST_START_TEST (test_in_place_padded_meta)
{
  const gchar *codes[] = { "BGR2HSV", "HSV2BGR", NULL };
  GstVideoInfo info;
  GstHarness *h = umattest_harness_new ("chain=BGR2HSV,HSV2BGR");
  GstBuffer *frame, *out;
  GstVideoMeta *meta;
  UmattestImage *in, *got, *want;
  gchar *backend;
  gint tolerance;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 1277, 9);
  frame = umattest_buffer_new (&info, 64, 3);
  in = umattest_image_from_buffer (frame, &info);
  out = umattest_harness_convert (h, umattest_caps (GST_VIDEO_FORMAT_BGR,
          1277, 9), umattest_sink_caps (GST_VIDEO_FORMAT_BGR, 1277, 9), frame);
  fail_unless (out == frame);
  meta = gst_buffer_get_video_meta (out);
  fail_unless (meta != NULL);
  fail_unless_equals_int (meta->format, GST_VIDEO_FORMAT_BGR);
  fail_unless_equals_int (meta->stride[0], 1277 * 3 + 1 + 64);
  got = umattest_image_from_buffer (out, &info);
  backend = umattest_element_backend (h->element);
  want = umattest_chain_reference (in, codes, backend,
      umattest_element_fused (h->element), &tolerance);
  umattest_assert_images_close (got, want, tolerance, UMATTEST_COMPARE_ALL,
      "BGR2HSV,HSV2BGR in place on %s", backend);
  g_free (backend);
  umattest_image_free (in);
  umattest_image_free (got);
  umattest_image_free (want);
  gst_buffer_unref (out);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* Equal formats in auto mode pass through untouched. */
GST_START_TEST (test_passthrough)
{
  GstHarness *h = umattest_harness_new ("name=u");
  GstVideoInfo info;
  GstBuffer *frame, *out;
  guint64 processed;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 64, 48);
  frame = umattest_buffer_new (&info, 0, 9);
  out = umattest_harness_convert (h, umattest_caps (GST_VIDEO_FORMAT_NV12,
          64, 48), umattest_sink_caps (GST_VIDEO_FORMAT_NV12, 64, 48),
      gst_buffer_ref (frame));
  fail_unless (out == frame);
  g_object_get (h->element, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 1);
  gst_buffer_unref (out);
  gst_buffer_unref (frame);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* EOS goes through after the last frame, which is not lost. */
GST_START_TEST (test_eos)
{
  GstHarness *h = umattest_harness_new ("chain=BGR2HSV,HSV2BGR");
  GstVideoInfo info;
  GstEvent *event;
  gboolean saw_eos = FALSE;
  guint64 processed;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 32, 8),
      umattest_sink_caps (GST_VIDEO_FORMAT_BGR, 32, 8));
  for (guint i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (h, umattest_buffer_new (&info,
                0, i + 1)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (h), 3);
  while (!saw_eos && (event = gst_harness_try_pull_event (h))) {
    saw_eos = GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (saw_eos);
  g_object_get (h->element, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 3);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Pipelines, for what reaches the bus                                */

/* With a chain, the sink pad takes what upstream offers: I420 into a chain
 * of BGR codes is decoded first (umatcv's edge, with the siting and matrix
 * the caps say), then the chain runs as OpenCV's code. */
GST_START_TEST (test_chain_takes_any_input)
{
  const gchar *codes[] = { "BGR2HSV", "HSV2BGR", NULL };
  GstHarness *h = umattest_harness_new ("chain=BGR2HSV,HSV2BGR");
  GstVideoInfo in_info, out_info;
  GstCaps *in_caps = umattest_caps (GST_VIDEO_FORMAT_I420, 32, 8);
  GstBuffer *frame, *out;
  UmattestImage *in, *decoded, *got, *want;
  UmatcvColorimetry in_c;
  gchar *backend;
  gint tolerance;

  fail_unless (gst_video_info_from_caps (&in_info, in_caps));
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_BGR, 32, 8);
  frame = umattest_buffer_new (&in_info, 0, 21);
  in = umattest_image_from_buffer (frame, &in_info);
  out = umattest_harness_convert (h, in_caps, umattest_sink_caps
      (GST_VIDEO_FORMAT_BGR, 32, 8), frame);
  got = umattest_image_from_buffer (out, &out_info);
  backend = umattest_element_backend (h->element);
  in_c = umattest_colorimetry_of (&in_info);
  decoded = umattest_reference_convert_full (in, UMATCV_LAYOUT_BGR, &in_c,
      NULL, NULL);
  want = umattest_chain_reference (decoded, codes, backend,
      umattest_element_fused (h->element), &tolerance);
  /* and the decoding's own 1 */
  umattest_assert_images_close (got, want, tolerance + 1,
      UMATTEST_COMPARE_ALL, "I420 into BGR2HSV,HSV2BGR on %s", backend);
  g_free (backend);
  umattest_image_free (in);
  umattest_image_free (decoded);
  umattest_image_free (got);
  umattest_image_free (want);
  gst_buffer_unref (out);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* YUV through a matrix may be BT.601, BT.709 or BT.2020, either range
 * (values are checked against videoconvert in tests/check/colorimetry);
 * YUV written from RGB takes what downstream asks for, else GStreamer's
 * default for its size, with MPEG-2 chroma siting, and says so. */
/* Pushes one frame of `in_caps` into umatconvert, with `sink_caps` downstream,
 * and returns the caps it output. */
static GstCaps *
negotiated_output (GstCaps * in_caps, const gchar * sink_caps)
{
  GstHarness *h = umattest_harness_new (NULL);
  GstVideoInfo info;
  GstCaps *out;

  fail_unless (gst_video_info_from_caps (&info, in_caps));
  gst_harness_set_src_caps (h, in_caps);
  gst_harness_set_sink_caps_str (h, sink_caps);
  fail_unless_equals_int (gst_harness_push (h, umattest_buffer_new (&info, 0,
              1)), GST_FLOW_OK);
  out = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (out != NULL);
  umattest_harness_teardown (h);
  return out;
}

static void
check_bt2020_decodes (void)
{
  GstCaps *caps = gst_caps_from_string ("video/x-raw,format=I420,width=64,"
      "height=48,framerate=30/1,colorimetry=bt2020");
  GstHarness *h = umattest_harness_new (NULL);
  GstVideoInfo in_info, out_info;
  GstBuffer *frame, *out;
  UmattestImage *in, *got, *want;
  UmatcvColorimetry in_c;
  const gchar *edge;

  fail_unless (gst_video_info_from_caps (&in_info, caps));
  fail_unless_equals_int (in_info.colorimetry.matrix,
      GST_VIDEO_COLOR_MATRIX_BT2020);
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_BGR, 64, 48);
  frame = umattest_buffer_new (&in_info, 0, 2020);
  in = umattest_image_from_buffer (frame, &in_info);
  out = umattest_harness_convert (h, caps, umattest_sink_caps
      (GST_VIDEO_FORMAT_BGR, 64, 48), frame);
  got = umattest_image_from_buffer (out, &out_info);
  in_c = umattest_colorimetry_of (&in_info);
  want = umattest_edge (in, UMATCV_LAYOUT_BGR, &in_c, NULL, &edge);
  umattest_assert_images_close (got, want, 1, UMATTEST_COMPARE_ALL,
      "BT.2020 I420 to BGR");
  umattest_image_free (in);
  umattest_image_free (got);
  umattest_image_free (want);
  gst_buffer_unref (out);
  umattest_harness_teardown (h);
}

GST_START_TEST (test_colorimetry)
{
  GstCaps *bt709 = gst_caps_from_string ("video/x-raw,format=I420,width=64,"
      "height=48,framerate=30/1,colorimetry=bt709");
  GstCaps *out;
  GstStructure *s;
  /* bt709 I420 to BGR or NV12: a repack is cheaper */
  out = negotiated_output (gst_caps_ref (bt709),
      "video/x-raw,format={BGR,NV12}");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "NV12");
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt709");
  gst_caps_unref (out);

  /* RGB to YUV says what it applied */
  out = negotiated_output (umattest_caps (GST_VIDEO_FORMAT_BGR, 64, 48),
      "video/x-raw,format=I420");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt601");
  fail_unless_equals_string (gst_structure_get_string (s, "chroma-site"),
      "mpeg2");
  gst_caps_unref (out);

  /* HD gets BT.709 (GStreamer's default above 576 lines) */
  out = negotiated_output (umattest_caps (GST_VIDEO_FORMAT_BGR, 1280, 720),
      "video/x-raw,format=NV12");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt709");
  gst_caps_unref (out);

  /* what downstream asks for wins, full range included */
  out = negotiated_output (umattest_caps (GST_VIDEO_FORMAT_BGR, 64, 48),
      "video/x-raw,format=I420,colorimetry=1:3:5:1");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "1:3:5:1");
  gst_caps_unref (out);

  /* bt709 to RGB converts */
  out = negotiated_output (gst_caps_ref (bt709), "video/x-raw,format=BGR");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "BGR");
  gst_caps_unref (out);

  /* bt2020 to RGB decodes with BT.2020's matrix */
  check_bt2020_decodes ();
  gst_caps_unref (bt709);
}

GST_END_TEST;

/* Any size: 4:2:0 of an odd size is taken and given (frames of odd sizes
 * convert right: test_auto_every_pair). */
GST_START_TEST (test_odd_size_420_in_caps)
{
  GstHarness *h = umattest_harness_new (NULL);
  GstCaps *odd = gst_caps_from_string ("video/x-raw,format=I420,width=1277,"
      "height=9,framerate=30/1");
  GstCaps *odd_rgb = umattest_caps (GST_VIDEO_FORMAT_BGR, 1277, 9);
  GstCaps *out_caps, *i420 = gst_caps_from_string ("video/x-raw,format=I420");

  fail_unless (gst_pad_peer_query_accept_caps (h->srcpad, odd));
  gst_harness_set_src_caps (h, gst_caps_ref (odd_rgb));
  out_caps = gst_pad_peer_query_caps (h->sinkpad, NULL);
  fail_unless (gst_caps_can_intersect (out_caps, i420),
      "BGR of 1277x9 cannot become I420: %" GST_PTR_FORMAT, out_caps);
  gst_caps_unref (out_caps);
  gst_caps_unref (odd);
  gst_caps_unref (odd_rgb);
  gst_caps_unref (i420);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* Changing the chain while playing renegotiates; the next frames follow the
 * new chain, pixel for pixel. */
GST_START_TEST (test_chain_change_while_playing)
{
  const gchar *chains[][2] = {
    {"BGR2RGB", "RGB"},
    {"BGR2GRAY", "GRAY8"},
    {"BGR2HSV,HSV2BGR", "BGR"},
    {"", "BGR"},                /* back to auto: passthrough */
    {"BGR2HSV,HSV2BGR", "BGR"}, /* same caps: no renegotiation */
  };
  UmattestPipeline p;
  GstVideoInfo info;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1", NULL, "chain=BGR2RGB queue-size=1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (chains); i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    UmattestImage *in = umattest_image_from_buffer (frame, &info), *got, *want;
    gchar **codes = g_strsplit (chains[i][0], ",", -1);
    gchar *backend;
    gint tolerance;

    g_object_set (p.convert, "chain", chains[i][0], NULL);
    got = umattest_pipeline_convert (&p, frame, chains[i][1]);
    backend = umattest_element_backend (p.convert);
    want = umattest_chain_reference (in, (const gchar * const *) codes,
        backend, umattest_element_fused (p.convert), &tolerance);
    umattest_assert_images_close (got, want, tolerance, UMATTEST_COMPARE_ALL,
        "chain \"%s\" set while playing, on %s", chains[i][0], backend);
    g_strfreev (codes);
    g_free (backend);
    umattest_image_free (in);
    umattest_image_free (got);
    umattest_image_free (want);
  }
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* A chain that needs another input format: upstream (videoconvert here)
 * is asked to renegotiate and does. */
GST_START_TEST (test_chain_change_renegotiates_upstream)
{
  UmattestPipeline p;
  GstVideoInfo info;
  guint64 processed, dropped;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1", "videoconvert", "chain=BGR2RGB queue-size=1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 3; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    UmattestImage *in = umattest_image_from_buffer (frame, &info), *got, *want;

    /* RGB2GRAY takes RGB: videoconvert must switch from BGR to RGB */
    if (i == 1)
      g_object_set (p.convert, "chain", "RGB2GRAY", NULL);
    got = umattest_pipeline_convert (&p, frame, i ? "GRAY8" : "RGB");
    /* videoconvert's BGR to RGB is a pure swap: RGB2GRAY of it is
     * BGR2GRAY of the frame */
    want = umattest_cvt (in, i ? "BGR2GRAY" : "BGR2RGB");
    umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
        "frame %u", i);
    umattest_image_free (in);
    umattest_image_free (got);
    umattest_image_free (want);
  }
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, 3);
  fail_unless_equals_uint64 (dropped, 0);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* Buffers from upstream's pool go back to it as they came: a stream of
 * distinct frames through videoconvert's pool comes out frame for frame
 * (RGB to BGR in videoconvert, BGR back to RGB here, same size). */
GST_START_TEST (test_upstream_pool_survives)
{
  UmattestPipeline p;
  GstVideoInfo info;

  umattest_pipeline_init (&p, "video/x-raw,format=RGB,width=64,height=48,"
      "framerate=30/1", "videoconvert ! video/x-raw,format=BGR",
      "queue-size=1 ! video/x-raw,format=RGB");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 12; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 100);
    UmattestImage *in = umattest_image_from_buffer (frame, &info), *got;

    got = umattest_pipeline_convert (&p, frame, "RGB");
    umattest_assert_images_close (got, in, 0, UMATTEST_COMPARE_ALL,
        "frame %u against what went in", i);
    umattest_image_free (in);
    umattest_image_free (got);
  }
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* Questions are not failures: an accept-caps query with a format the
 * element does not take (an application or an autoplugger probing) answers
 * no and leaves the running pipeline alone. */
GST_START_TEST (test_probing_query_posts_nothing)
{
  UmattestPipeline p;
  GstPad *sinkpad;
  /* a format nothing here takes */
  GstCaps *y41b = gst_caps_from_string ("video/x-raw,format=Y41B,width=32,"
      "height=8,framerate=30/1");
  guint64 processed;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL, "chain=BGR2HSV,HSV2BGR");
  sinkpad = gst_element_get_static_pad (p.convert, "sink");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  umattest_pipeline_push_frames (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 2);
  fail_if (gst_pad_query_accept_caps (sinkpad, y41b));
  umattest_pipeline_push_frames (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 2);
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 4);
  gst_caps_unref (y41b);
  gst_object_unref (sinkpad);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* A chain set while playing that the current caps cannot take (4:2:0 on
 * the way needs an even width) waits for new caps; upstream cannot give
 * them here, so frames keep the previous chain, and nothing fails. */
GST_START_TEST (test_chain_change_unfit_keeps_previous)
{
  UmattestPipeline p;
  GstVideoInfo info;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=1277,height=9,"
      "framerate=30/1", NULL, "queue-size=1 ! video/x-raw,format=RGB");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 1277, 9);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 3; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    UmattestImage *in = umattest_image_from_buffer (frame, &info), *got, *want;

    if (i == 1)
      g_object_set (p.convert, "chain", "BGR2YUV_I420,YUV2RGB_I420", NULL);
    got = umattest_pipeline_convert (&p, frame, "RGB");
    want = umattest_cvt (in, "BGR2RGB");
    umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
        "frame %u", i);
    umattest_image_free (in);
    umattest_image_free (got);
    umattest_image_free (want);
  }
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* `fused` says whether the chain runs as one generated kernel: on OpenCL
 * for a chain the generator covers (and auto mode's routes of OpenCV's
 * codes), never on the CPU, never for a chain with Lab2BGR, and not before
 * caps. */
GST_START_TEST (test_fused_property)
{
  const struct
  {
    const gchar *properties;
    GstVideoFormat from, to;
    gboolean fused_on_opencl;
  } cases[] = {
    {"chain=BGR2HSV,HSV2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR, TRUE},
    {"", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBA, TRUE},
    {"chain=BGR2Lab,Lab2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR,
        FALSE},
  };
  gboolean opencl = umattest_on_opencl ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = umattest_harness_new (cases[i].properties);
    GstVideoInfo info;
    GstBuffer *out;

    fail_if (umattest_element_fused (h->element), "fused before caps");
    gst_video_info_set_format (&info, cases[i].from, 64, 48);
    out = umattest_harness_convert (h, umattest_caps (cases[i].from, 64, 48),
        umattest_sink_caps (cases[i].to, 64, 48), umattest_buffer_new (&info,
            0, i));
    fail_unless_equals_int (umattest_element_fused (h->element),
        opencl && cases[i].fused_on_opencl);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* The backend says what runs: the CPU for device=cpu, an OpenCL device
 * (PoCL's CPU device where there is no GPU) for device=opencl. */
GST_START_TEST (test_backend)
{
  UmattestPipeline p;
  gchar *backend;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL, "chain=BGR2HSV,HSV2BGR");
  g_object_get (p.convert, "backend", &backend, NULL);
  fail_unless_equals_string (backend, "");
  g_free (backend);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  umattest_pipeline_push_frames (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 1);
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "backend", &backend, NULL);
  if (!umattest_on_opencl ()) {
    fail_unless_equals_string (backend, "cpu");
  } else {
    fail_unless (g_str_has_prefix (backend, "opencl:"), "backend %s", backend);
  }
  g_free (backend);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* device=auto where the only OpenCL devices are no GPUs (PoCL's CPU device
 * here), or where there is none: the element runs on the CPU, says so in
 * `backend`, and posts no warning, since that is the normal case. Where
 * there is an OpenCL GPU, auto takes it, silently too. */
GST_START_TEST (test_auto_without_gpu_posts_no_warning)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  UmattestPipeline p;
  GError *error = NULL;
  gchar *warnings, *backend;
  gint gpus = 0;

  cvref_opencl_devices (&gpus);
  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL, "device=auto chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  umattest_pipeline_push_frames (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 3);
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (umattest_pipeline_drain (&p, samples, &error, &warnings),
      "error: %s", error ? error->message : "");
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (samples->len, 3);
  backend = umattest_element_backend (p.convert);
  if (gpus == 0) {
    fail_unless_equals_string (backend, "cpu");
  } else {
    fail_unless (g_str_has_prefix (backend, "opencl:"), "device=auto with "
        "an OpenCL GPU runs on %s", backend);
  }
  g_free (backend);
  g_free (warnings);
  g_ptr_array_unref (samples);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* Metas of the picture's geometry (GstVideoCropMeta, a region of
 * interest) stay true through a colour conversion: they are on the frame
 * that comes out, even a new one (BGR to RGB is not converted in place),
 * as videoconvert keeps them. */
GST_START_TEST (test_geometry_metas_survive_format_change)
{
  GstHarness *h = umattest_harness_new (NULL);
  GstVideoInfo info;
  GstBuffer *frame, *out;
  GstVideoCropMeta *crop;
  GstVideoRegionOfInterestMeta *roi;
  GstMemory *in_memory;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  frame = umattest_buffer_new (&info, 0, 31);
  in_memory = gst_buffer_peek_memory (frame, 0);
  crop = gst_buffer_add_video_crop_meta (frame);
  crop->x = 2;
  crop->y = 3;
  crop->width = 40;
  crop->height = 30;
  gst_buffer_add_video_region_of_interest_meta (frame, "face", 4, 5, 16, 12);
  out = umattest_harness_convert (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 64,
          48), umattest_sink_caps (GST_VIDEO_FORMAT_RGB, 64, 48), frame);
  fail_if (gst_buffer_peek_memory (out, 0) == in_memory,
      "BGR to RGB was converted in place");

  crop = gst_buffer_get_video_crop_meta (out);
  fail_unless (crop != NULL, "the crop meta was lost");
  fail_unless (crop->x == 2 && crop->y == 3 && crop->width == 40
      && crop->height == 30, "the crop meta changed: %u,%u %ux%u", crop->x,
      crop->y, crop->width, crop->height);
  roi = gst_buffer_get_video_region_of_interest_meta_id (out, 0);
  fail_unless (roi != NULL, "the region of interest was lost");
  fail_unless_equals_string (g_quark_to_string (roi->roi_type), "face");
  fail_unless (roi->x == 4 && roi->y == 5 && roi->w == 16 && roi->h == 12,
      "the region of interest changed: %u,%u %ux%u", roi->x, roi->y, roi->w,
      roi->h);
  gst_buffer_unref (out);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* Properties: defaults, ranges and what gst-inspect-1.0 shows. */
GST_START_TEST (test_properties)
{
  GstElement *e = gst_element_factory_make ("umatconvert", NULL);
  guint rate, queue_size;
  gint device_value;
  gchar *chain;
  guint64 processed, dropped;
  GParamSpecUInt *spec;

  g_object_get (e, "chain", &chain, "selection-rate", &rate, "queue-size",
      &queue_size, "device", &device_value, "frames-processed", &processed,
      "frames-dropped", &dropped, NULL);
  fail_unless_equals_string (chain, "");
  fail_unless_equals_int (rate, 1);
  fail_unless_equals_int (queue_size, 4);
  fail_unless_equals_int (device_value, 0);
  fail_unless_equals_uint64 (processed + dropped, 0);
  spec = G_PARAM_SPEC_UINT (g_object_class_find_property (G_OBJECT_GET_CLASS
          (e), "queue-size"));
  fail_unless_equals_int (spec->minimum, 1);
  fail_unless_equals_int (spec->maximum, 64);
  spec = G_PARAM_SPEC_UINT (g_object_class_find_property (G_OBJECT_GET_CLASS
          (e), "selection-rate"));
  fail_unless_equals_int (spec->minimum, 1);
  gst_util_set_object_arg (G_OBJECT (e), "device", "opencl");
  g_object_get (e, "device", &device_value, NULL);
  fail_unless_equals_int (device_value, 2);
  g_free (chain);
  gst_object_unref (e);
}

GST_END_TEST;

static Suite *
umatconvert_suite (void)
{
  Suite *s = suite_create ("umatconvert");
  TCase *tc = tcase_create ("general");

  umattest_require_opencl (FALSE);
  n_layouts = umattest_video_layouts (layouts);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_auto_every_pair, 0, n_layouts);
  tcase_add_test (tc, test_chain_hsv_round_trip);
  tcase_add_test (tc, test_chain_gray);
  tcase_add_test (tc, test_chain_colour_spaces);
  tcase_add_test (tc, test_chain_yuv_ends);
  tcase_add_test (tc, test_in_place);
  tcase_add_test (tc, test_in_place_padded_meta);
  tcase_add_test (tc, test_passthrough);
  tcase_add_test (tc, test_eos);
  tcase_add_test (tc, test_chain_takes_any_input);
  tcase_add_test (tc, test_colorimetry);
  tcase_add_test (tc, test_odd_size_420_in_caps);
  tcase_add_test (tc, test_chain_change_while_playing);
  tcase_add_test (tc, test_chain_change_renegotiates_upstream);
  tcase_add_test (tc, test_upstream_pool_survives);
  tcase_add_test (tc, test_probing_query_posts_nothing);
  tcase_add_test (tc, test_chain_change_unfit_keeps_previous);
  tcase_add_test (tc, test_backend);
  tcase_add_test (tc, test_fused_property);
  tcase_add_test (tc, test_auto_without_gpu_posts_no_warning);
  tcase_add_test (tc, test_geometry_metas_survive_format_change);
  tcase_add_test (tc, test_properties);
  return s;
}

GST_CHECK_MAIN (umatconvert);
