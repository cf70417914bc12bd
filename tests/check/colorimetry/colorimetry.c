/* GStreamer
 * umatconvert's YUV matrices and chroma filter, given caps that say them.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For I420 and NV12, BT.601 and BT.709, limited and full range, both ways:
 * a 4096x4096 frame goes through umatconvert (on UMAT_TEST_DEVICE) and
 * every byte must be within 1 of the exact conversion: the matrix in double
 * precision from the ITU's Kr and Kb and the range offsets, chroma
 * resampled with the siting-aware filter umatcv's edges define (that of
 * videoconvert, tests/check/support/umattest-edges.c), rounded once. The
 * RGB frame holds all 2^24 colours; the YUV frame is what videoconvert
 * makes of it, so it holds legal values.
 *
 * videoconvert's own output goes through the same caps; its distance to
 * umatconvert and to the exact conversion goes to the log (GST_DEBUG=4),
 * for whoever compares the two filters.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

/* 4096: every colour; under valgrind (umattest_thorough), a corner of it */
static gint side = 4096;

static gchar *
yuv_caps (const gchar * format, GstVideoColorMatrix matrix,
    GstVideoColorRange range)
{
  GstVideoColorimetry c;
  gchar *text, *caps;

  c.range = range;
  c.matrix = matrix;
  c.transfer = matrix == GST_VIDEO_COLOR_MATRIX_BT709 ?
      GST_VIDEO_TRANSFER_BT709 : GST_VIDEO_TRANSFER_BT601;
  c.primaries = matrix == GST_VIDEO_COLOR_MATRIX_BT709 ?
      GST_VIDEO_COLOR_PRIMARIES_BT709 : GST_VIDEO_COLOR_PRIMARIES_SMPTE170M;
  text = gst_video_colorimetry_to_string (&c);
  caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
      "framerate=30/1,colorimetry=%s,chroma-site=cosited", format, side, side,
      text);
  g_free (text);
  return caps;
}

static gchar *
bgr_caps (void)
{
  return g_strdup_printf ("video/x-raw,format=BGR,width=%d,height=%d,"
      "framerate=30/1", side, side);
}

/* A BGR frame of every colour. */
static GstBuffer *
make_frame (const gchar * caps_text)
{
  GstCaps *caps = gst_caps_from_string (caps_text);
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buffer;
  gint x, y;

  fail_unless (gst_video_info_from_caps (&info, caps));
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE);
  {
    for (y = 0; y < side; y++) {
      guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
      for (x = 0; x < side; x++) {
        guint i = y * side + x;
        row[3 * x] = i & 255;
        row[3 * x + 1] = (i >> 8) & 255;
        row[3 * x + 2] = i >> 16;
      }
    }
  }
  gst_video_frame_unmap (&frame);
  gst_caps_unref (caps);
  return buffer;
}

static GstBuffer *
convert (const gchar * launch, const gchar * in_caps, const gchar * out_caps,
    GstBuffer * in)
{
  return umattest_convert_with (launch, gst_caps_from_string (in_caps),
      gst_caps_from_string (out_caps), gst_buffer_ref (in));
}

/* A buffer of `caps`, packed, and what those caps say of its colorimetry. */
static UmattestImage *
image_of (GstBuffer * buffer, const gchar * caps_text, UmatcvColorimetry * c)
{
  GstCaps *caps = gst_caps_from_string (caps_text);
  GstVideoInfo info;
  UmattestImage *image;

  fail_unless (gst_video_info_from_caps (&info, caps));
  image = umattest_image_from_buffer (buffer, &info);
  *c = umattest_colorimetry_of (&info);
  gst_caps_unref (caps);
  return image;
}

/* One direction: umatconvert against the exact conversion, within 1; its
 * distance to videoconvert goes to the log. */
static void
check_direction (const gchar * format, GstVideoColorMatrix matrix,
    GstVideoColorRange range, gboolean to_rgb)
{
  gchar *yuv = yuv_caps (format, matrix, range), *rgb = bgr_caps ();
  const gchar *in_caps = to_rgb ? yuv : rgb, *out_caps = to_rgb ? rgb : yuv;
  gchar *ours_line = g_strdup_printf ("umatconvert device=%s",
      umattest_device ());
  const gchar *videoconvert = "videoconvert dither=none";
  GstBuffer *all_colours = make_frame (rgb), *in, *ours, *theirs;
  UmattestImage *src, *got, *vc, *exact;
  UmatcvColorimetry in_c, out_c;
  const gchar *edge;
  gint worst, from_videoconvert;

  in = to_rgb ? convert (videoconvert, rgb, yuv, all_colours)
      : gst_buffer_ref (all_colours);
  ours = convert (ours_line, in_caps, out_caps, in);
  theirs = convert (videoconvert, in_caps, out_caps, in);
  src = image_of (in, in_caps, &in_c);
  got = image_of (ours, out_caps, &out_c);
  vc = image_of (theirs, out_caps, &out_c);
  exact = umattest_edge (src, got->layout, &in_c, &out_c, &edge);
  from_videoconvert = umattest_max_difference (got, vc,
      UMATTEST_COMPARE_ALL, NULL);
  worst = umattest_assert_images_close (got, exact, 1, UMATTEST_COMPARE_ALL,
      "%s -> %s on %s, against the exact conversion", in_caps, out_caps,
      umattest_device ());
  GST_INFO ("%s -> %s (%s): %d away from the exact conversion, %d from "
      "videoconvert (which is %d away from it)", in_caps, out_caps,
      umattest_device (), worst, from_videoconvert,
      umattest_max_difference (vc, exact, UMATTEST_COMPARE_ALL, NULL));

  umattest_image_free (src);
  umattest_image_free (got);
  umattest_image_free (vc);
  umattest_image_free (exact);
  gst_buffer_unref (in);
  gst_buffer_unref (all_colours);
  gst_buffer_unref (ours);
  gst_buffer_unref (theirs);
  g_free (ours_line);
  g_free (yuv);
  g_free (rgb);
}

#define CASE(name, format, matrix, range) \
  GST_START_TEST (name) \
  { \
    check_direction (format, GST_VIDEO_COLOR_MATRIX_##matrix, \
        GST_VIDEO_COLOR_RANGE_##range, TRUE); \
    check_direction (format, GST_VIDEO_COLOR_MATRIX_##matrix, \
        GST_VIDEO_COLOR_RANGE_##range, FALSE); \
  } \
  GST_END_TEST

CASE (test_i420_bt601_limited, "I420", BT601, 16_235);
CASE (test_i420_bt709_limited, "I420", BT709, 16_235);
CASE (test_i420_bt601_full, "I420", BT601, 0_255);
CASE (test_i420_bt709_full, "I420", BT709, 0_255);
CASE (test_nv12_bt601_limited, "NV12", BT601, 16_235);
CASE (test_nv12_bt709_limited, "NV12", BT709, 16_235);
CASE (test_nv12_bt601_full, "NV12", BT601, 0_255);
CASE (test_nv12_bt709_full, "NV12", BT709, 0_255);

static Suite *
colorimetry_suite (void)
{
  Suite *s = suite_create ("colorimetry");
  TCase *tc = tcase_create ("videoconvert");

  if (!umattest_thorough ())
    side = 256;
  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_i420_bt601_limited);
  tcase_add_test (tc, test_i420_bt709_limited);
  tcase_add_test (tc, test_i420_bt601_full);
  tcase_add_test (tc, test_i420_bt709_full);
  tcase_add_test (tc, test_nv12_bt601_limited);
  tcase_add_test (tc, test_nv12_bt709_limited);
  tcase_add_test (tc, test_nv12_bt601_full);
  tcase_add_test (tc, test_nv12_bt709_full);
  return s;
}

GST_CHECK_MAIN (colorimetry);
