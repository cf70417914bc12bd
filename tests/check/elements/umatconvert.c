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

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <string.h>

#include "accounting.h"
#include "cvref.h"

static const gchar *device = "cpu";

typedef enum
{
  FAMILY_RGB,
  FAMILY_YUV420,
  FAMILY_YUV422,
} Family;

typedef struct
{
  GstVideoFormat format;
  const gchar *cv;              /* how cvtColor codes name it */
  Family family;
  gboolean padding;             /* BGRx, RGBx: 4th byte means nothing */
} Format;

static const Format formats[] = {
  {GST_VIDEO_FORMAT_BGR, "BGR", FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_RGB, "RGB", FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_BGRx, "BGRA", FAMILY_RGB, TRUE},
  {GST_VIDEO_FORMAT_BGRA, "BGRA", FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_RGBx, "RGBA", FAMILY_RGB, TRUE},
  {GST_VIDEO_FORMAT_RGBA, "RGBA", FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_GRAY8, "GRAY", FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_I420, "I420", FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_YV12, "YV12", FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_NV12, "NV12", FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_NV21, "NV21", FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_YUY2, "YUY2", FAMILY_YUV422, FALSE},
  {GST_VIDEO_FORMAT_UYVY, "UYVY", FAMILY_YUV422, FALSE},
  {GST_VIDEO_FORMAT_YVYU, "YVYU", FAMILY_YUV422, FALSE},
};

static const Format *
find_format (GstVideoFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return &formats[i];
  g_assert_not_reached ();
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Frames                                                             */

static guint32
next_random (guint32 * state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* A frame of noise, padding included, with strides `extra` bytes wider
 * than GStreamer's defaults (and a GstVideoMeta saying so) when extra > 0. */
static GstBuffer *
make_frame (const GstVideoInfo * info, guint extra, guint32 seed)
{
  gsize offsets[GST_VIDEO_MAX_PLANES] = { 0, };
  gint strides[GST_VIDEO_MAX_PLANES] = { 0, };
  gsize size = 0;
  GstBuffer *buffer;
  GstMapInfo map;

  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, p,
        GST_VIDEO_INFO_HEIGHT (info));
    strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (info, p) + extra;
    offsets[p] = extra ? size : GST_VIDEO_INFO_PLANE_OFFSET (info, p);
    size = offsets[p] + (gsize) strides[p] * rows;
  }
  if (!extra)
    size = GST_VIDEO_INFO_SIZE (info);

  buffer = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  seed = seed ? seed : 1;
  for (gsize i = 0; i < size; i++)
    map.data[i] = next_random (&seed) >> 24;
  gst_buffer_unmap (buffer, &map);
  if (extra)
    gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_N_PLANES (info),
        offsets, strides);
  return buffer;
}

/* A frame copied into OpenCV's single-Mat layout: rows of meaningful bytes
 * back to back, planes back to back. */
typedef struct
{
  guint8 *data;
  gint rows, cols, channels;
  gsize size;
} Packed;

static Packed
pack (GstBuffer * buffer, const GstVideoInfo * info)
{
  const Format *f = find_format (GST_VIDEO_INFO_FORMAT (info));
  gint w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  GstVideoFrame frame;
  Packed packed;
  guint8 *out;

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  packed.cols = w;
  packed.rows = f->family == FAMILY_YUV420 ? h * 3 / 2 : h;
  packed.channels = f->family == FAMILY_YUV420 ? 1
      : GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0);
  packed.size = (gsize) packed.rows * packed.cols * packed.channels;
  packed.data = out = g_malloc (packed.size);
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    const guint8 *plane = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
    gint rows = p == 0 || f->family != FAMILY_YUV420 ? h : h / 2;
    gint bytes = f->family != FAMILY_YUV420 ? w * packed.channels
        : p == 0 ? w : GST_VIDEO_FRAME_N_PLANES (&frame) == 2 ? w : w / 2;
    for (gint y = 0; y < rows; y++, out += bytes)
      memcpy (out, plane + (gsize) y * stride, bytes);
  }
  g_assert (out == packed.data + packed.size);
  gst_video_frame_unmap (&frame);
  return packed;
}

/* OpenCV's cvtColor on the CPU, or with its OpenCL kernels. */
static Packed
cvt_on (const Packed * in, const gchar * code_name, gboolean opencl)
{
  gint code = cvref_code (code_name);
  CvrefImage out;
  Packed result;

  fail_unless (code >= 0, "no cvtColor code %s", code_name);
  fail_unless_equals_int ((opencl ? cvref_cvt_color_opencl :
          cvref_cvt_color) (in->data, in->rows, in->cols, in->channels, code,
          &out), 0);
  result.data = out.data;
  result.rows = out.rows;
  result.cols = out.cols;
  result.channels = out.channels;
  result.size = (gsize) out.rows * out.cols * out.channels;
  return result;
}

static Packed
cvt (const Packed * in, const gchar * code_name)
{
  return cvt_on (in, code_name, FALSE);
}

static Packed
packed_copy (const Packed * in)
{
  Packed out = *in;
  out.data = malloc (in->size);
  memcpy (out.data, in->data, in->size);
  return out;
}

static void
packed_replace (Packed * p, Packed replacement)
{
  free (p->data);               /* cvref allocates with malloc () */
  *p = replacement;
}

/* Each code in turn, on the CPU or on OpenCL. */
static Packed
cvt_chain (const Packed * in, const gchar * const *codes, gboolean opencl)
{
  Packed img = packed_copy (in);
  for (guint i = 0; codes[i]; i++)
    packed_replace (&img, cvt_on (&img, codes[i], opencl));
  return img;
}

/* Moves 4:2:0 chroma between planar (U then V, or V then U) and
 * interleaved (UV or VU) forms; luma stays. */
static Packed
repack_420 (const Packed * in, GstVideoFormat from, GstVideoFormat to, gint w,
    gint h)
{
  Packed out = *in;
  gsize luma = (gsize) w * h, quarter = luma / 4;
  const guint8 *c = in->data + luma;
  guint8 *d;
  gboolean from_semi = from == GST_VIDEO_FORMAT_NV12
      || from == GST_VIDEO_FORMAT_NV21;
  gboolean to_semi = to == GST_VIDEO_FORMAT_NV12 || to == GST_VIDEO_FORMAT_NV21;
  gboolean from_vu = from == GST_VIDEO_FORMAT_YV12
      || from == GST_VIDEO_FORMAT_NV21;
  gboolean to_vu = to == GST_VIDEO_FORMAT_YV12 || to == GST_VIDEO_FORMAT_NV21;

  out.data = malloc (in->size);
  memcpy (out.data, in->data, luma);
  d = out.data + luma;
  for (gsize i = 0; i < quarter; i++) {
    guint8 first = from_semi ? c[2 * i] : c[i];
    guint8 second = from_semi ? c[2 * i + 1] : c[quarter + i];
    guint8 u = from_vu ? second : first, v = from_vu ? first : second;
    guint8 a = to_vu ? v : u, b = to_vu ? u : v;
    if (to_semi) {
      d[2 * i] = a;
      d[2 * i + 1] = b;
    } else {
      d[i] = a;
      d[quarter + i] = b;
    }
  }
  return out;
}

/* What auto mode must give, computed from first principles: which OpenCV
 * codes videoconvert's job takes for each pair. */
static Packed
reference_auto (const Packed * in, GstVideoFormat from_format,
    GstVideoFormat to_format, gint w, gint h)
{
  const Format *from = find_format (from_format), *to = find_format (to_format);
  Packed img = *in;
  gchar *code = NULL;

  img.data = malloc (in->size);
  memcpy (img.data, in->data, in->size);

  if (from->family == FAMILY_YUV422 && to->family == FAMILY_YUV420) {
    code = g_strdup_printf ("YUV2BGR_%s", from->cv);
    packed_replace (&img, cvt (&img, code));
    g_free (code);
    from = find_format (GST_VIDEO_FORMAT_BGR);
  }
  if (from->format == GST_VIDEO_FORMAT_GRAY8 && to->family == FAMILY_YUV420) {
    packed_replace (&img, cvt (&img, "GRAY2BGR"));
    from = find_format (GST_VIDEO_FORMAT_BGR);
  }

  if (from->format == to->format) {
    code = NULL;
  } else if (from->family == FAMILY_RGB && to->family == FAMILY_RGB) {
    if (strcmp (from->cv, to->cv) != 0)
      code = g_strdup_printf ("%s2%s", from->cv, to->cv);
  } else if (from->family == FAMILY_YUV420 && to->family == FAMILY_RGB) {
    code = to->format == GST_VIDEO_FORMAT_GRAY8 ? g_strdup ("YUV2GRAY_420")
        : g_strdup_printf ("YUV2%s_%s", to->cv, from->cv);
  } else if (from->family == FAMILY_YUV422 && to->family == FAMILY_RGB) {
    if (to->format == GST_VIDEO_FORMAT_GRAY8)
      code = g_strdup (from->format == GST_VIDEO_FORMAT_UYVY ?
          "YUV2GRAY_UYVY" : "YUV2GRAY_YUY2");
    else
      code = g_strdup_printf ("YUV2%s_%s", to->cv, from->cv);
  } else if (from->family == FAMILY_RGB && to->family == FAMILY_YUV420) {
    code = g_strdup_printf ("%s2YUV_%s", from->cv,
        to->format == GST_VIDEO_FORMAT_YV12 ? "YV12" : "I420");
  }
  if (code) {
    packed_replace (&img, cvt (&img, code));
    g_free (code);
  }

  if (from->family == FAMILY_RGB && to->family == FAMILY_YUV420
      && (to->format == GST_VIDEO_FORMAT_NV12
          || to->format == GST_VIDEO_FORMAT_NV21))
    packed_replace (&img, repack_420 (&img, GST_VIDEO_FORMAT_I420,
            to->format, w, h));
  if (from->family == FAMILY_YUV420 && to->family == FAMILY_YUV420
      && from->format != to->format)
    packed_replace (&img, repack_420 (&img, from->format, to->format, w, h));

  /* padding becomes opaque alpha, as videoconvert does */
  if (from->padding && !to->padding && img.channels == 4
      && to->family == FAMILY_RGB)
    for (gsize i = 3; i < img.size; i += 4)
      img.data[i] = 255;
  return img;
}

/* Largest difference between the meaningful bytes of two packed frames;
 * the padding byte of BGRx/RGBx means nothing and is skipped. */
static gint
max_difference_full (const Packed * a, const Packed * b,
    gboolean skip_fourth, gsize * where)
{
  gint worst = 0;

  fail_unless_equals_uint64 (a->size, b->size);
  *where = 0;
  for (gsize i = 0; i < a->size; i++) {
    gint d = ABS ((gint) a->data[i] - (gint) b->data[i]);
    if (skip_fourth && i % 4 == 3)
      continue;
    if (d > worst) {
      worst = d;
      *where = i;
    }
  }
  return worst;
}

static gint
max_difference (const Packed * a, const Packed * b, GstVideoFormat format,
    gsize * where)
{
  return max_difference_full (a, b, find_format (format)->padding, where);
}

static GstCaps *
caps_for (GstVideoFormat format, gint width, gint height)
{
  GstVideoInfo info;

  gst_video_info_set_format (&info, format, width, height);
  GST_VIDEO_INFO_FPS_N (&info) = 30;
  GST_VIDEO_INFO_FPS_D (&info) = 1;
  return gst_video_info_to_caps (&info);
}

/* What a sink that wants `format` at that size asks for. */
static GstCaps *
sink_caps_for (GstVideoFormat format, gint width, gint height)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      gst_video_format_to_string (format), "width", G_TYPE_INT, width,
      "height", G_TYPE_INT, height, NULL);
}

/* A harness around umatconvert itself (h->element is the element). */
static GstHarness *
new_harness (const gchar * properties)
{
  gchar *line = g_strdup_printf ("umatconvert device=%s %s", device,
      properties ? properties : "");
  GstElement *element = gst_parse_launch (line, NULL);
  GstHarness *h;

  fail_unless (element != NULL, "cannot make %s", line);
  h = gst_harness_new_with_element (element, "sink", "src");
  accounting_attach (h->element);
  gst_object_unref (element);
  g_free (line);
  return h;
}

/* Tears down a harness from new_harness() once its frames add up. */
static void
teardown (GstHarness * h)
{
  accounting_check (h->element);
  gst_harness_teardown (h);
}

/* Pushes one frame through `element` and returns what comes out. */
static GstBuffer *
push_one (GstHarness * h, GstCaps * in_caps, GstCaps * out_caps,
    GstBuffer * frame)
{
  GstBuffer *out;

  gst_harness_set_caps (h, in_caps, out_caps);
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL);
  return out;
}

static GstBuffer *
convert_with (const gchar * launch, GstCaps * in_caps, GstCaps * out_caps,
    GstBuffer * frame)
{
  GstHarness *h = gst_harness_new_parse (launch);
  GstBuffer *out = push_one (h, in_caps, out_caps, frame);
  gst_harness_teardown (h);
  return out;
}

/* How far one step on OpenCL may stray from OpenCV's CPU code. OpenCV's own
 * tests (modules/imgproc/test/ocl/test_color.cpp) allow 1 for the codes
 * that compute in floating point on 8-bit data (HSV, HLS, Lab, Luv, XYZ,
 * YCrCb, RGB to 4:2:0); they expect the 4:2:0 and 4:2:2 to RGB kernels to
 * be exact, but PoCL rounds them 1 off too (measured here), so those get 1
 * as well. Channel moves, GRAY and repacks are exact. */
static gint
step_tolerance (const gchar * code)
{
  static const gchar *inexact[] = { "HSV", "HLS", "Lab", "Luv", "XYZ",
    "YCrCb", "2YUV", "YUV2", NULL
  };
  if (strcmp (device, "opencl") != 0 || g_str_has_prefix (code, "YUV2GRAY"))
    return 0;
  for (guint i = 0; inexact[i]; i++)
    if (strstr (code, inexact[i]))
      return 1;
  return 0;
}

/* Errors of the steps of a chain add up. */
static gint
chain_tolerance (const gchar * const *codes)
{
  gint total = 0;
  for (guint i = 0; codes[i]; i++)
    total += step_tolerance (codes[i]);
  return total;
}

/* Auto mode goes through a BT.601 matrix once between YUV and RGB, twice
 * from 4:2:2 to 4:2:0 (through BGR). */
static gint
auto_tolerance (GstVideoFormat from_format, GstVideoFormat to_format)
{
  const Format *from = find_format (from_format), *to = find_format (to_format);
  if (strcmp (device, "opencl") != 0 || from->family == to->family
      || to->format == GST_VIDEO_FORMAT_GRAY8)
    return 0;
  return from->family == FAMILY_YUV422 && to->family == FAMILY_YUV420 ? 2 : 1;
}

/* How far a chain run as one generated kernel (the element's `fused`) may
 * stray from OpenCV's CPU code: its steps round as the CPU does, except the
 * HLS ones, whose CPU code is a SIMD float algorithm of its own
 * (tests/check/fused measures 1 per step on every colour). */
static gint
fused_tolerance (const gchar * const *codes)
{
  gint total = 0;
  for (guint i = 0; codes[i]; i++)
    if (strstr (codes[i], "HLS"))
      total++;
  return total;
}

static gboolean
element_fused (GstElement * element)
{
  gboolean fused = FALSE;
  g_object_get (element, "fused", &fused, NULL);
  return fused;
}

/* What a chain must give, and how far it may stray (on OpenCL). A fused
 * chain follows the CPU (see fused_tolerance). Step by step, inverse steps
 * can magnify a 1-off (Luv2RGB near black turns it into 30): with more than
 * one inexact step, a chain must equal OpenCV's own OpenCL result on the
 * same device instead; each code's distance to the CPU is tested in ext/. */
static Packed
chain_reference (const Packed * in, const gchar * const *codes,
    gboolean fused, gint * tolerance)
{
  if (fused) {
    *tolerance = fused_tolerance (codes);
    return cvt_chain (in, codes, FALSE);
  }
  *tolerance = chain_tolerance (codes);
  if (*tolerance > 1) {
    *tolerance = 0;
    return cvt_chain (in, codes, TRUE);
  }
  return cvt_chain (in, codes, FALSE);
}

/* Converts a noise frame with umatconvert and checks it against `expect`
 * (NULL: auto mode's reference); returns the output frame, packed. */
static void
check_conversion (const gchar * properties, GstVideoFormat from,
    GstVideoFormat to, gint width, gint height, guint extra,
    const gchar * const *chain_codes)
{
  GstVideoInfo in_info, out_info;
  GstBuffer *frame, *out;
  Packed in, got, want;
  gint worst, tolerance;
  gsize where;
  gchar *what;
  GstHarness *h;

  gst_video_info_set_format (&in_info, from, width, height);
  gst_video_info_set_format (&out_info, to, width, height);
  frame = make_frame (&in_info, extra, width * 31 + height + from * 7 + to);
  in = pack (frame, &in_info);

  /* nobody else holds `frame`: the element may convert it in place */
  h = new_harness (properties);
  out = push_one (h, caps_for (from, width, height), sink_caps_for (to, width,
          height), frame);
  got = pack (out, &out_info);

  if (chain_codes == NULL) {
    want = reference_auto (&in, from, to, width, height);
    what = g_strdup_printf ("auto %s -> %s", find_format (from)->cv,
        find_format (to)->cv);
    tolerance = auto_tolerance (from, to);
  } else {
    what = g_strjoinv (",", (gchar **) chain_codes);
    want = chain_reference (&in, chain_codes, element_fused (h->element),
        &tolerance);
  }

  worst = max_difference (&got, &want, to, &where);
  fail_unless (worst <= tolerance,
      "%s (%s, %s to %s) at %dx%d, stride +%u: byte %" G_GSIZE_FORMAT
      " is %d, OpenCV's CPU code gives %d (%d > tolerance %d)", what, device,
      gst_video_format_to_string (from), gst_video_format_to_string (to),
      width, height, extra, where, got.data[where], want.data[where], worst,
      tolerance);

  gst_buffer_unref (out);
  teardown (h);
  g_free (what);
  g_free (in.data);
  g_free (got.data);
  free (want.data);
}

static gboolean
is_rgb_repack (GstVideoFormat a, GstVideoFormat b)
{
  return find_format (a)->family == FAMILY_RGB
      && find_format (b)->family == FAMILY_RGB
      && a != GST_VIDEO_FORMAT_GRAY8 && b != GST_VIDEO_FORMAT_GRAY8;
}

/* For RGB repacking, videoconvert is a second, independent reference. */
static void
check_against_videoconvert (GstVideoFormat from, GstVideoFormat to,
    gint width, gint height)
{
  GstVideoInfo in_info, out_info;
  GstBuffer *frame, *ours, *theirs;
  Packed a, b;
  gsize where;
  gint worst;
  gchar *line;

  gst_video_info_set_format (&in_info, from, width, height);
  gst_video_info_set_format (&out_info, to, width, height);
  frame = make_frame (&in_info, 0, 77);
  line = g_strdup_printf ("umatconvert device=%s", device);
  ours = convert_with (line, caps_for (from, width, height),
      sink_caps_for (to, width, height), gst_buffer_copy (frame));
  theirs = convert_with ("videoconvert", caps_for (from, width, height),
      sink_caps_for (to, width, height), frame);
  a = pack (ours, &out_info);
  b = pack (theirs, &out_info);
  /* Padding that becomes alpha: umatconvert makes it opaque (checked
   * against OpenCV), videoconvert 1.22's fast paths copy the padding byte;
   * compare colours only. */
  worst = max_difference_full (&a, &b, find_format (to)->padding
      || (find_format (from)->padding && a.channels == 4), &where);
  fail_unless (worst == 0, "%s -> %s: byte %" G_GSIZE_FORMAT " is %d, "
      "videoconvert gives %d", gst_video_format_to_string (from),
      gst_video_format_to_string (to), where, a.data[where], b.data[where]);
  g_free (line);
  g_free (a.data);
  g_free (b.data);
  gst_buffer_unref (ours);
  gst_buffer_unref (theirs);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */

/* Every pair from formats[__i__], in auto mode: an odd or odd-chroma size,
 * the same with padded strides, and a plain size. */
GST_START_TEST (test_auto_every_pair)
{
  const Format *from = &formats[__i__];

  for (guint j = 0; j < G_N_ELEMENTS (formats); j++) {
    const Format *to = &formats[j];
    gboolean yuv420 = from->family == FAMILY_YUV420
        || to->family == FAMILY_YUV420;
    gboolean yuv422 = from->family == FAMILY_YUV422;
    /* 1277 makes RGB rows padded to 4 bytes; 1278 makes 4:2:0 chroma rows
     * 639 wide, padded, so its planes are not where OpenCV expects them */
    gint w = yuv420 || yuv422 ? 1278 : 1277, h = yuv420 ? 10 : 9;

    if (to->family == FAMILY_YUV422)
      continue;                 /* an input-only family */
    check_conversion (NULL, from->format, to->format, w, h, 0, NULL);
    check_conversion (NULL, from->format, to->format, w, h, 64, NULL);
    check_conversion (NULL, from->format, to->format, 64, 48, 0, NULL);
    if (is_rgb_repack (from->format, to->format))
      check_against_videoconvert (from->format, to->format, 1277, 9);
  }
}

GST_END_TEST;

static void
check_chain (const gchar * chain, GstVideoFormat from, GstVideoFormat to)
{
  gchar *properties = g_strdup_printf ("chain=%s", chain);
  gchar **codes = g_strsplit (chain, ",", -1);
  gboolean even = find_format (from)->family != FAMILY_RGB
      || find_format (to)->family != FAMILY_RGB || strstr (chain, "YUV_");

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
    GstHarness *h = new_harness (cases[i].properties);
    GstBuffer *frame, *out;
    GstMemory *in_memory;

    gst_video_info_set_format (&info, cases[i].from, 64, 48);
    frame = make_frame (&info, 0, 5);
    in_memory = gst_buffer_peek_memory (frame, 0);
    out = push_one (h, caps_for (cases[i].from, 64, 48),
        sink_caps_for (cases[i].to, 64, 48), frame);
    fail_unless_equals_int (gst_buffer_peek_memory (out, 0) == in_memory,
        cases[i].in_place);
    gst_buffer_unref (out);
    teardown (h);
  }
}

GST_END_TEST;

/* In place with upstream's own strides: the frame stays where it is, with
 * its meta, and comes out right. */
GST_START_TEST (test_in_place_padded_meta)
{
  const gchar *codes[] = { "BGR2HSV", "HSV2BGR", NULL };
  GstVideoInfo info;
  GstHarness *h = new_harness ("chain=BGR2HSV,HSV2BGR");
  GstBuffer *frame, *out;
  GstVideoMeta *meta;
  Packed in, got, want;
  gsize where;
  gint tolerance;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 1277, 9);
  frame = make_frame (&info, 64, 3);
  in = pack (frame, &info);
  out = push_one (h, caps_for (GST_VIDEO_FORMAT_BGR, 1277, 9),
      sink_caps_for (GST_VIDEO_FORMAT_BGR, 1277, 9), frame);
  fail_unless (out == frame);
  meta = gst_buffer_get_video_meta (out);
  fail_unless (meta != NULL);
  fail_unless_equals_int (meta->format, GST_VIDEO_FORMAT_BGR);
  fail_unless_equals_int (meta->stride[0], 1277 * 3 + 1 + 64);
  got = pack (out, &info);
  want = chain_reference (&in, codes, element_fused (h->element), &tolerance);
  fail_unless (max_difference (&got, &want, GST_VIDEO_FORMAT_BGR, &where)
      <= tolerance);
  g_free (in.data);
  g_free (got.data);
  free (want.data);
  gst_buffer_unref (out);
  teardown (h);
}

GST_END_TEST;

/* Equal formats in auto mode pass through untouched. */
GST_START_TEST (test_passthrough)
{
  GstHarness *h = new_harness ("name=u");
  GstVideoInfo info;
  GstBuffer *frame, *out;
  guint64 processed;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 64, 48);
  frame = make_frame (&info, 0, 9);
  out = push_one (h, caps_for (GST_VIDEO_FORMAT_NV12, 64, 48),
      sink_caps_for (GST_VIDEO_FORMAT_NV12, 64, 48), gst_buffer_ref (frame));
  fail_unless (out == frame);
  g_object_get (h->element, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 1);
  gst_buffer_unref (out);
  gst_buffer_unref (frame);
  teardown (h);
}

GST_END_TEST;

static const guint selection_rates[] = { 1, 2, 3, 7 };

/* Keeps frames 0, N, 2N...; their timestamps stay, durations grow N times,
 * the framerate shrinks N times; in = processed + dropped. */
GST_START_TEST (test_selection_rate)
{
  const guint rate = selection_rates[__i__], pushed = 22;
  const GstClockTime frame_duration = GST_SECOND / 30;
  gchar *props = g_strdup_printf ("selection-rate=%u", rate);
  GstHarness *h = new_harness (props);
  GstVideoInfo info;
  guint64 processed, dropped;
  GstCaps *caps;
  gint fps_n, fps_d;
  guint expected = (pushed + rate - 1) / rate;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_src_caps (h, caps_for (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  for (guint i = 0; i < pushed; i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 1);
    GST_BUFFER_PTS (frame) = i * frame_duration;
    GST_BUFFER_DURATION (frame) = frame_duration;
    fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  }

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
  teardown (h);
  g_free (props);
}

GST_END_TEST;

/* A flush restarts the count: the first frame after it is kept. */
GST_START_TEST (test_selection_rate_flush)
{
  GstHarness *h = new_harness ("selection-rate=3");
  GstVideoInfo info;
  GstSegment segment;
  guint64 processed, dropped;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_src_caps (h, caps_for (GST_VIDEO_FORMAT_BGR, 32, 8));
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGB");
  for (guint i = 0; i < 5; i++)         /* keeps 0 and 3 */
    gst_harness_push (h, make_frame (&info, 0, i + 1));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 2);

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  for (guint i = 0; i < 4; i++)         /* keeps 0 and 3 again */
    gst_harness_push (h, make_frame (&info, 0, i + 10));
  fail_unless_equals_int (gst_harness_buffers_received (h), 4);

  g_object_get (h->element, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, 4);
  fail_unless_equals_uint64 (processed + dropped, 9);
  teardown (h);
}

GST_END_TEST;

/* EOS goes through after the last frame, which is not lost. */
GST_START_TEST (test_eos)
{
  GstHarness *h = new_harness ("chain=BGR2HSV,HSV2BGR");
  GstVideoInfo info;
  GstEvent *event;
  gboolean saw_eos = FALSE;
  guint64 processed;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 32, 8);
  gst_harness_set_caps (h, caps_for (GST_VIDEO_FORMAT_BGR, 32, 8),
      sink_caps_for (GST_VIDEO_FORMAT_BGR, 32, 8));
  for (guint i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (h, make_frame (&info, 0, i + 1)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (h), 3);
  while (!saw_eos && (event = gst_harness_try_pull_event (h))) {
    saw_eos = GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (saw_eos);
  g_object_get (h->element, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 3);
  teardown (h);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Pipelines, for what reaches the bus                                */

typedef struct
{
  GstElement *pipeline, *src, *convert, *sink;
  GstBus *bus;
  gboolean reached_eos;         /* then its frames must add up */
} Pipeline;

/* appsrc ! [upstream !] umatconvert ! appsink */
static Pipeline
pipeline_new_full (const gchar * caps, const gchar * upstream,
    const gchar * properties)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time caps=\"%s\" ! "
      "%s%s umatconvert name=convert device=%s %s ! "
      "appsink name=sink sync=false wait-on-eos=false", caps,
      upstream ? upstream : "", upstream ? " !" : "", device,
      properties ? properties : "");
  Pipeline p;

  p.pipeline = gst_parse_launch (desc, NULL);
  fail_unless (p.pipeline != NULL, "could not build %s", desc);
  p.src = gst_bin_get_by_name (GST_BIN (p.pipeline), "src");
  p.convert = gst_bin_get_by_name (GST_BIN (p.pipeline), "convert");
  p.sink = gst_bin_get_by_name (GST_BIN (p.pipeline), "sink");
  p.bus = gst_element_get_bus (p.pipeline);
  p.reached_eos = FALSE;
  accounting_attach (p.convert);
  g_free (desc);
  return p;
}

static Pipeline
pipeline_new (const gchar * caps, const gchar * properties)
{
  return pipeline_new_full (caps, NULL, properties);
}

static void
pipeline_free (Pipeline * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  if (p->reached_eos)
    accounting_check (p->convert);
  gst_object_unref (p->src);
  gst_object_unref (p->convert);
  gst_object_unref (p->sink);
  gst_object_unref (p->bus);
  gst_object_unref (p->pipeline);
}

static void
pipeline_push (Pipeline * p, GstVideoFormat format, gint width, gint height,
    guint n)
{
  GstVideoInfo info;

  gst_video_info_set_format (&info, format, width, height);
  for (guint i = 0; i < n; i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 1);
    GST_BUFFER_PTS (frame) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (frame) = GST_SECOND / 30;
    gst_app_src_push_buffer (GST_APP_SRC (p->src), frame);
  }
}

/* The first error on the bus, or NULL after EOS; the caller frees it. */
static GError *
pipeline_finish (Pipeline * p, gchar ** debug)
{
  GstMessage *msg;
  GError *error = NULL;

  gst_app_src_end_of_stream (GST_APP_SRC (p->src));
  msg = gst_bus_timed_pop_filtered (p->bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "neither EOS nor an error within 60 s");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &error, debug);
  else
    p->reached_eos = TRUE;
  gst_message_unref (msg);
  return error;
}

static void
assert_message_names (const GError * error, const gchar * const *words)
{
  for (guint i = 0; words[i]; i++)
    fail_unless (strstr (error->message, words[i]) != NULL,
        "\"%s\" does not say \"%s\"", error->message, words[i]);
}

/* A chain that cannot work, set while the element runs, is refused: a
 * warning names the code, the previous chain stays. Spelling is OpenCV's, in
 * any case, with or without COLOR_. */
GST_START_TEST (test_bad_chain_strings)
{
  const gchar *bad[] = { "BGR2HSV,FOO", "BGR2HSV,,HSV2BGR", "BayerBG2BGR",
    "BGR2HSV;HSV2BGR", "BGR2HSV,RGB2GRAY"
  };
  const gchar *named[] = { "FOO", "step 2", "BayerBG2BGR", "BGR2HSV;HSV2BGR",
    "RGB2GRAY"
  };
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", "chain=\"color_bgr2hsv , HSV2rgb\"");
  gchar *chain;

  fail_unless (gst_element_set_state (p.pipeline, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstMessage *msg;
    GError *error = NULL;

    g_object_set (p.convert, "chain", bad[i], NULL);
    g_object_get (p.convert, "chain", &chain, NULL);
    fail_unless_equals_string (chain, "color_bgr2hsv , HSV2rgb");
    g_free (chain);

    msg = gst_bus_pop_filtered (p.bus, GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "no warning on the bus for %s", bad[i]);
    gst_message_parse_warning (msg, &error, NULL);
    fail_unless (strstr (error->message, named[i]) != NULL,
        "\"%s\" does not name \"%s\"", error->message, named[i]);
    g_error_free (error);
    gst_message_unref (msg);
  }
  pipeline_free (&p);
}

GST_END_TEST;

/* Steps that do not connect, set before the element starts: it fails to
 * start with an error that names the steps and what they take and give. */
GST_START_TEST (test_chain_not_connecting)
{
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL);
  const gchar *words[] = { "step 2", "RGB2GRAY", "BGR2HSV", "HSV", "RGB",
    NULL
  };
  GstMessage *msg;
  GError *error = NULL;

  g_object_set (p.convert, "chain", "BGR2HSV,RGB2GRAY", NULL);
  fail_unless_equals_int (gst_element_set_state (p.pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (p.bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error on the bus");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p.convert));
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
  assert_message_names (error, words);
  g_error_free (error);
  gst_message_unref (msg);
  pipeline_free (&p);
}

GST_END_TEST;

/* A chain that cannot take what upstream offers: an error names the step,
 * what it takes and what upstream offers. */
GST_START_TEST (test_chain_wrong_input)
{
  Pipeline p = pipeline_new ("video/x-raw,format=I420,width=32,height=8,"
      "framerate=30/1", "chain=BGR2HSV,HSV2BGR");
  const gchar *words[] = { "BGR2HSV", "BGR", "I420", NULL };
  GError *error;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  pipeline_push (&p, GST_VIDEO_FORMAT_I420, 32, 8, 1);
  error = pipeline_finish (&p, NULL);
  fail_unless (error != NULL);
  assert_message_names (error, words);
  g_error_free (error);
  pipeline_free (&p);
}

GST_END_TEST;

/* YUV through a matrix may be BT.601 or BT.709, either range (values are
 * checked against videoconvert in tests/check/colorimetry); other matrices
 * are refused with the reason, but may be repacked (colorimetry kept); YUV
 * written from RGB takes what downstream asks for, else GStreamer's default
 * for its size, and says so. */
/* Pushes one frame of `in_caps` into umatconvert, with `sink_caps` downstream,
 * and returns the caps it output. */
static GstCaps *
negotiated_output (GstCaps * in_caps, const gchar * sink_caps)
{
  GstHarness *h = new_harness (NULL);
  GstVideoInfo info;
  GstCaps *out;

  fail_unless (gst_video_info_from_caps (&info, in_caps));
  gst_harness_set_src_caps (h, in_caps);
  gst_harness_set_sink_caps_str (h, sink_caps);
  fail_unless_equals_int (gst_harness_push (h, make_frame (&info, 0, 1)),
      GST_FLOW_OK);
  out = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (out != NULL);
  teardown (h);
  return out;
}

GST_START_TEST (test_colorimetry)
{
  GstCaps *bt709 = gst_caps_from_string ("video/x-raw,format=I420,width=64,"
      "height=48,framerate=30/1,colorimetry=bt709");
  GstCaps *out;
  GstStructure *s;
  Pipeline p;
  GError *error;
  const gchar *words[] = { "bt2020", "BT.709", "I420", NULL };

  /* bt709 I420 can only be repacked */
  out = negotiated_output (gst_caps_ref (bt709),
      "video/x-raw,format={BGR,NV12}");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "NV12");
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt709");
  gst_caps_unref (out);

  /* RGB to YUV says what it applied */
  out = negotiated_output (caps_for (GST_VIDEO_FORMAT_BGR, 64, 48),
      "video/x-raw,format=I420");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt601");
  fail_unless_equals_string (gst_structure_get_string (s, "chroma-site"),
      "cosited");
  gst_caps_unref (out);

  /* HD gets BT.709 (GStreamer's default above 576 lines) */
  out = negotiated_output (caps_for (GST_VIDEO_FORMAT_BGR, 1280, 720),
      "video/x-raw,format=NV12");
  s = gst_caps_get_structure (out, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "colorimetry"),
      "bt709");
  gst_caps_unref (out);

  /* what downstream asks for wins, full range included */
  out = negotiated_output (caps_for (GST_VIDEO_FORMAT_BGR, 64, 48),
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

  /* bt2020 to RGB is refused, with the reason */
  p = pipeline_new ("video/x-raw,format=I420,width=64,height=48,"
      "framerate=30/1,colorimetry=bt2020", "! video/x-raw,format=BGR");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  pipeline_push (&p, GST_VIDEO_FORMAT_I420, 64, 48, 1);
  error = pipeline_finish (&p, NULL);
  fail_unless (error != NULL);
  assert_message_names (error, words);
  g_error_free (error);
  pipeline_free (&p);
  gst_caps_unref (bt709);
}

GST_END_TEST;

/* 4:2:0 needs even sizes: the caps say so, nothing fails at run time. */
GST_START_TEST (test_odd_size_420_in_caps)
{
  GstHarness *h = new_harness (NULL);
  GstCaps *odd = gst_caps_from_string ("video/x-raw,format=I420,width=1277,"
      "height=9,framerate=30/1");
  GstCaps *odd_rgb = caps_for (GST_VIDEO_FORMAT_BGR, 1277, 9);
  GstCaps *out_caps, *i420 = gst_caps_from_string ("video/x-raw,format=I420");

  fail_unless (!gst_pad_peer_query_accept_caps (h->srcpad, odd));
  /* BGR 1277x9 can become RGB formats, never I420 */
  gst_harness_set_src_caps (h, gst_caps_ref (odd_rgb));
  out_caps = gst_pad_peer_query_caps (h->sinkpad, NULL);
  fail_if (gst_caps_can_intersect (out_caps, i420));
  fail_if (gst_caps_is_empty (out_caps));
  gst_caps_unref (out_caps);
  gst_caps_unref (odd);
  gst_caps_unref (odd_rgb);
  gst_caps_unref (i420);
  teardown (h);
}

GST_END_TEST;

static GstSample *
pull_sample (Pipeline * p)
{
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (p->sink),
      30 * GST_SECOND);
  fail_unless (sample != NULL, "no frame within 30 s");
  return sample;
}

static const gchar *
sample_format (GstSample * sample)
{
  return gst_structure_get_string (gst_caps_get_structure
      (gst_sample_get_caps (sample), 0), "format");
}

/* Pushes `frame` through the pipeline and returns what comes out, packed,
 * after checking its format when `format` is given. */
static Packed
push_and_pull (Pipeline * p, GstBuffer * frame, const gchar * format)
{
  GstSample *sample;
  GstVideoInfo info;
  Packed out;

  gst_app_src_push_buffer (GST_APP_SRC (p->src), frame);
  sample = pull_sample (p);
  if (format)
    fail_unless_equals_string (sample_format (sample), format);
  gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
  out = pack (gst_sample_get_buffer (sample), &info);
  gst_sample_unref (sample);
  return out;
}

/* Changing the chain while playing renegotiates; the next frames follow the
 * new chain, pixel for pixel. */
GST_START_TEST (test_chain_change_while_playing)
{
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1", "chain=BGR2RGB");
  const gchar *chains[][2] = {
    {"BGR2RGB", "RGB"},
    {"BGR2GRAY", "GRAY8"},
    {"BGR2HSV,HSV2BGR", "BGR"},
    {"", "BGR"},                /* back to auto: passthrough */
    {"BGR2HSV,HSV2BGR", "BGR"}, /* same caps: no renegotiation */
  };
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (chains); i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 1);
    Packed in = pack (frame, &info), want, got;
    gchar **codes = g_strsplit (chains[i][0], ",", -1);
    gint tolerance;
    gsize where;

    g_object_set (p.convert, "chain", chains[i][0], NULL);
    got = push_and_pull (&p, frame, chains[i][1]);
    want = chain_reference (&in, (const gchar * const *) codes,
        element_fused (p.convert), &tolerance);
    fail_unless (max_difference (&got, &want,
            gst_video_format_from_string (chains[i][1]), &where) <= tolerance,
        "chain %s differs at byte %" G_GSIZE_FORMAT, chains[i][0], where);
    g_strfreev (codes);
    g_free (in.data);
    g_free (got.data);
    free (want.data);
  }
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  pipeline_free (&p);
}

GST_END_TEST;

/* A chain that needs another input format: upstream (videoconvert here)
 * is asked to renegotiate and does. */
GST_START_TEST (test_chain_change_renegotiates_upstream)
{
  Pipeline p = pipeline_new_full ("video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1", "videoconvert", "chain=BGR2RGB");
  GstVideoInfo info;
  guint64 processed, dropped;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 3; i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 1);
    Packed in = pack (frame, &info), want, got;
    gsize where;

    /* RGB2GRAY takes RGB: videoconvert must switch from BGR to RGB */
    if (i == 1)
      g_object_set (p.convert, "chain", "RGB2GRAY", NULL);
    got = push_and_pull (&p, frame, i ? "GRAY8" : "RGB");
    /* videoconvert's BGR to RGB is a pure swap: RGB2GRAY of it is
     * BGR2GRAY of the frame */
    want = cvt (&in, i ? "BGR2GRAY" : "BGR2RGB");
    fail_unless_equals_int (max_difference (&got, &want,
            i ? GST_VIDEO_FORMAT_GRAY8 : GST_VIDEO_FORMAT_RGB, &where), 0);
    g_free (in.data);
    g_free (got.data);
    free (want.data);
  }
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, 3);
  fail_unless_equals_uint64 (dropped, 0);
  pipeline_free (&p);
}

GST_END_TEST;

/* Buffers from upstream's pool go back to it as they came: a stream of
 * distinct frames through videoconvert's pool comes out frame for frame
 * (RGB to BGR in videoconvert, BGR back to RGB here, same size). */
GST_START_TEST (test_upstream_pool_survives)
{
  Pipeline p = pipeline_new_full ("video/x-raw,format=RGB,width=64,height=48,"
      "framerate=30/1", "videoconvert ! video/x-raw,format=BGR",
      "! video/x-raw,format=RGB");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 12; i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 100);
    Packed in = pack (frame, &info), got;
    gsize where;

    got = push_and_pull (&p, frame, "RGB");
    fail_unless (max_difference (&got, &in, GST_VIDEO_FORMAT_RGB, &where) == 0,
        "frame %u differs from what went in at byte %" G_GSIZE_FORMAT, i,
        where);
    g_free (in.data);
    g_free (got.data);
  }
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  pipeline_free (&p);
}

GST_END_TEST;

/* Questions are not failures: an accept-caps query with a format the chain
 * does not take (an application or an autoplugger probing) answers no and
 * leaves the running pipeline alone. */
GST_START_TEST (test_probing_query_posts_nothing)
{
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", "chain=BGR2HSV,HSV2BGR");
  GstPad *sinkpad = gst_element_get_static_pad (p.convert, "sink");
  GstCaps *nv12 = gst_caps_from_string ("video/x-raw,format=NV12,width=32,"
      "height=8,framerate=30/1");
  guint64 processed;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  pipeline_push (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 2);
  fail_if (gst_pad_query_accept_caps (sinkpad, nv12));
  pipeline_push (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 2);
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 4);
  gst_caps_unref (nv12);
  gst_object_unref (sinkpad);
  pipeline_free (&p);
}

GST_END_TEST;

/* A chain set while playing that the current caps cannot take (4:2:0 on
 * the way needs an even width) waits for new caps; upstream cannot give
 * them here, so frames keep the previous chain, and nothing fails. */
GST_START_TEST (test_chain_change_unfit_keeps_previous)
{
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=1277,height=9,"
      "framerate=30/1", "! video/x-raw,format=RGB");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 1277, 9);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 3; i++) {
    GstBuffer *frame = make_frame (&info, 0, i + 1);
    Packed in = pack (frame, &info), want, got;
    gsize where;

    if (i == 1)
      g_object_set (p.convert, "chain", "BGR2YUV_I420,YUV2RGB_I420", NULL);
    got = push_and_pull (&p, frame, "RGB");
    want = cvt (&in, "BGR2RGB");
    fail_unless_equals_int (max_difference (&got, &want, GST_VIDEO_FORMAT_RGB,
            &where), 0);
    g_free (in.data);
    g_free (got.data);
    free (want.data);
  }
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  pipeline_free (&p);
}

GST_END_TEST;

/* `fused` says whether the chain runs as one generated kernel: on OpenCL
 * for a chain the generator covers (and auto mode's routes), never on the
 * CPU, never for a chain with Lab2BGR, and not before caps. */
GST_START_TEST (test_fused_property)
{
  const struct
  {
    const gchar *properties;
    GstVideoFormat from, to;
    gboolean fused_on_opencl;
  } cases[] = {
    {"chain=BGR2HSV,HSV2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR, TRUE},
    {"", GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_RGBA, TRUE},
    {"chain=BGR2Lab,Lab2BGR", GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGR,
        FALSE},
  };
  gboolean opencl = strcmp (device, "opencl") == 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = new_harness (cases[i].properties);
    GstVideoInfo info;
    GstBuffer *out;

    fail_if (element_fused (h->element), "fused before caps");
    gst_video_info_set_format (&info, cases[i].from, 64, 48);
    out = push_one (h, caps_for (cases[i].from, 64, 48),
        sink_caps_for (cases[i].to, 64, 48), make_frame (&info, 0, i));
    fail_unless_equals_int (element_fused (h->element),
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
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", "chain=BGR2HSV,HSV2BGR");
  gchar *backend;

  g_object_get (p.convert, "backend", &backend, NULL);
  fail_unless_equals_string (backend, "");
  g_free (backend);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  pipeline_push (&p, GST_VIDEO_FORMAT_BGR, 32, 8, 1);
  fail_unless (pipeline_finish (&p, NULL) == NULL);
  g_object_get (p.convert, "backend", &backend, NULL);
  if (strcmp (device, "cpu") == 0) {
    fail_unless_equals_string (backend, "cpu");
  } else {
    fail_unless (g_str_has_prefix (backend, "opencl:"), "backend %s", backend);
  }
  g_free (backend);
  pipeline_free (&p);
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
  const gchar *env = g_getenv ("UMAT_TEST_DEVICE");

  if (env)
    device = env;
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_auto_every_pair, 0, G_N_ELEMENTS (formats));
  tcase_add_test (tc, test_chain_hsv_round_trip);
  tcase_add_test (tc, test_chain_gray);
  tcase_add_test (tc, test_chain_colour_spaces);
  tcase_add_test (tc, test_chain_yuv_ends);
  tcase_add_test (tc, test_in_place);
  tcase_add_test (tc, test_in_place_padded_meta);
  tcase_add_test (tc, test_passthrough);
  tcase_add_loop_test (tc, test_selection_rate, 0,
      G_N_ELEMENTS (selection_rates));
  tcase_add_test (tc, test_selection_rate_flush);
  tcase_add_test (tc, test_eos);
  tcase_add_test (tc, test_bad_chain_strings);
  tcase_add_test (tc, test_chain_not_connecting);
  tcase_add_test (tc, test_chain_wrong_input);
  tcase_add_test (tc, test_colorimetry);
  tcase_add_test (tc, test_odd_size_420_in_caps);
  tcase_add_test (tc, test_chain_change_while_playing);
  tcase_add_test (tc, test_chain_change_renegotiates_upstream);
  tcase_add_test (tc, test_upstream_pool_survives);
  tcase_add_test (tc, test_probing_query_posts_nothing);
  tcase_add_test (tc, test_chain_change_unfit_keeps_previous);
  tcase_add_test (tc, test_backend);
  tcase_add_test (tc, test_fused_property);
  tcase_add_test (tc, test_properties);
  return s;
}

GST_CHECK_MAIN (umatconvert);
