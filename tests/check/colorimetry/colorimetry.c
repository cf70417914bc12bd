/* GStreamer
 * umatconvert's YUV matrices against videoconvert given the same caps.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For I420 and NV12, BT.601 and BT.709, limited and full range, both ways:
 * a 4096x4096 frame goes through umatconvert (on UMAT_TEST_DEVICE) and
 * through videoconvert with the same caps, and every byte must be within 2.
 * The RGB frame holds all 2^24 colours; the YUV frame is what videoconvert
 * makes of it (so it holds legal values: OpenCV's BT.601 codes clamp luma
 * below 16 to 16, videoconvert does not, and the two differ by up to 24 on
 * such footroom values). videoconvert runs with chroma-mode=none, which makes
 * it point-sample chroma as OpenCV does (each 2x2 block's top-left pixel
 * when writing 4:2:0, each sample for its whole block when reading), so
 * only the matrices are compared; dither=none keeps its output exact.
 *
 * From YUV to RGB, videoconvert itself is up to 6 (limited range) or 3
 * (full) away from the exact conversion (its 8-bit integer matrices), so
 * there umatconvert is held to within 2 of the exact conversion, computed
 * here in double precision from GStreamer's Kr/Kb and range offsets, and
 * its distance to videoconvert is reported.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

static const gint side = 4096;

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

/* The largest difference between two frames of `caps`, visible bytes only,
 * and where it is (an offset in the packed frame). */
static gint
max_difference (GstBuffer * a, GstBuffer * b, const gchar * caps_text,
    gsize * where)
{
  GstCaps *caps = gst_caps_from_string (caps_text);
  GstVideoInfo info;
  UmattestImage *ia, *ib;
  gint worst;

  fail_unless (gst_video_info_from_caps (&info, caps));
  ia = umattest_image_from_buffer (a, &info);
  ib = umattest_image_from_buffer (b, &info);
  worst = umattest_max_difference (ia, ib, UMATTEST_COMPARE_ALL, where);
  umattest_image_free (ia);
  umattest_image_free (ib);
  gst_caps_unref (caps);
  return worst;
}

/* The largest difference of a BGR frame from the exact conversion of the
 * YUV frame `in` of `yuv_caps` (each chroma sample for its 2x2 block). */
static gint
max_difference_from_exact (GstBuffer * rgb, GstBuffer * in,
    const gchar * yuv_text)
{
  GstCaps *caps = gst_caps_from_string (yuv_text);
  GstVideoInfo info, rgb_info;
  GstVideoFrame f, o;
  gdouble kr, kb, kg;
  gint offset[4], scale[4], worst = 0, x, y;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_video_info_set_format (&rgb_info, GST_VIDEO_FORMAT_BGR, side, side);
  fail_unless (gst_video_color_matrix_get_Kr_Kb (info.colorimetry.matrix,
          &kr, &kb));
  kg = 1.0 - kr - kb;
  gst_video_color_range_offsets (info.colorimetry.range, info.finfo, offset,
      scale);
  fail_unless (gst_video_frame_map (&f, &info, in, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&o, &rgb_info, rgb, GST_MAP_READ));
  for (y = 0; y < side; y++) {
    const guint8 *yrow = (const guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f, 0)
        + y * GST_VIDEO_FRAME_COMP_STRIDE (&f, 0);
    const guint8 *urow = (const guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f, 1)
        + (y / 2) * GST_VIDEO_FRAME_COMP_STRIDE (&f, 1);
    const guint8 *vrow = (const guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f, 2)
        + (y / 2) * GST_VIDEO_FRAME_COMP_STRIDE (&f, 2);
    const guint8 *out = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&o, 0)
        + y * GST_VIDEO_FRAME_PLANE_STRIDE (&o, 0);
    gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&f, 1);
    for (x = 0; x < side; x++) {
      gdouble yy = (yrow[x] - offset[0]) * 255.0 / scale[0];
      gdouble u = (urow[(x / 2) * ps] - offset[1]) * 255.0 / scale[1];
      gdouble v = (vrow[(x / 2) * ps] - offset[2]) * 255.0 / scale[2];
      gdouble r = yy + 2 * (1 - kr) * v;
      gdouble b = yy + 2 * (1 - kb) * u;
      gdouble g = (yy - kr * r - kb * b) / kg;
      gdouble want[3] = { b, g, r };
      gint c;
      for (c = 0; c < 3; c++) {
        gint e = (gint) CLAMP (want[c] + 0.5, 0, 255);
        gint d = ABS (e - out[3 * x + c]);
        worst = MAX (worst, d);
      }
    }
  }
  gst_video_frame_unmap (&f);
  gst_video_frame_unmap (&o);
  gst_caps_unref (caps);
  return worst;
}

static gint
check_against_videoconvert (const gchar * format, GstVideoColorMatrix matrix,
    GstVideoColorRange range, gboolean to_rgb)
{
  gchar *yuv = yuv_caps (format, matrix, range), *rgb = bgr_caps ();
  const gchar *in_caps = to_rgb ? yuv : rgb, *out_caps = to_rgb ? rgb : yuv;
  gchar *ours_line = g_strdup_printf ("umatconvert device=%s",
      umattest_device ());
  const gchar *videoconvert = "videoconvert chroma-mode=none dither=none";
  GstBuffer *all_colours = make_frame (rgb), *in, *ours, *theirs;
  gsize where = 0;
  gint worst;

  in = to_rgb ? convert (videoconvert, rgb, yuv, all_colours)
      : gst_buffer_ref (all_colours);
  ours = convert (ours_line, in_caps, out_caps, in);
  theirs = convert (videoconvert, in_caps, out_caps, in);
  worst = max_difference (ours, theirs, out_caps, &where);
  GST_INFO ("%s -> %s (%s): %d away from videoconvert (at byte %"
      G_GSIZE_FORMAT ")", in_caps, out_caps, umattest_device (), worst, where);
  if (to_rgb) {
    gint ours_exact = max_difference_from_exact (ours, in, in_caps);
    gint theirs_exact = max_difference_from_exact (theirs, in, in_caps);
    GST_INFO ("%s -> BGR: umatconvert %d, videoconvert %d away from the "
        "exact conversion", in_caps, ours_exact, theirs_exact);
    worst = ours_exact;
  }

  gst_buffer_unref (in);
  gst_buffer_unref (all_colours);
  gst_buffer_unref (ours);
  gst_buffer_unref (theirs);
  g_free (ours_line);
  g_free (yuv);
  g_free (rgb);
  return worst;
}

#define CASE(name, format, matrix, range) \
  GST_START_TEST (name) \
  { \
    gint to_rgb = check_against_videoconvert (format, \
        GST_VIDEO_COLOR_MATRIX_##matrix, GST_VIDEO_COLOR_RANGE_##range, TRUE); \
    gint from_rgb = check_against_videoconvert (format, \
        GST_VIDEO_COLOR_MATRIX_##matrix, GST_VIDEO_COLOR_RANGE_##range, FALSE); \
    fail_unless (to_rgb <= 2 && from_rgb <= 2, "%s %s %s on %s: %d away " \
        "from the exact conversion to RGB, %d from videoconvert from RGB", \
        format, #matrix, #range, umattest_device (), to_rgb, from_rgb); \
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
