/* umattest: the independent references, and how far OpenCL may stray.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pixels come from OpenCV's cvtColor through cvref (tests/check/reference),
 * which knows nothing of umatcv, and from the plane shuffles and alpha fills
 * written out here. umatcv is asked only what layout a code gives, and
 * OpenCV's result must have that layout's shape.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

#include <stdlib.h>
#include <string.h>

#define L(x) UMATCV_LAYOUT_##x

/* The layout `code` gives, as umatcv names it. */
static UmatcvLayout
code_output (const gchar * code)
{
  UmatcvChain *chain = NULL;
  gchar *error = NULL;
  UmatcvLayout out;

  fail_unless (umatcv_chain_parse (code, &chain, &error) == UMATCV_OK,
      "%s: %s", code, error);
  out = umatcv_chain_output_layout (chain);
  umatcv_chain_free (chain);
  return out;
}

static UmattestImage *
cvt_on (const UmattestImage * in, const gchar * code, gboolean opencl)
{
  gint cv_code = cvref_code (code), rows, cols, channels;
  CvrefImage dst = { NULL, 0, 0, 0 };
  UmattestImage *out;
  gsize size;

  fail_unless (cv_code >= 0, "cvref knows no code %s", code);
  umattest_image_mat (in, &rows, &cols, &channels);
  fail_unless ((opencl ? cvref_cvt_color_opencl : cvref_cvt_color) (in->data,
          rows, cols, channels, cv_code, &dst) == 0,
      "OpenCV%s refused %s on a %dx%d %s image", opencl ? " (OpenCL)" : "",
      code, in->width, in->height, umatcv_layout_name (in->layout));
  out = umattest_image_new (code_output (code), in->width, in->height);
  size = (gsize) dst.rows * dst.cols * dst.channels;
  fail_unless (size == out->size, "%s gave %dx%dx%d, not a %s image", code,
      dst.cols, dst.rows, dst.channels, umatcv_layout_name (out->layout));
  memcpy (out->data, dst.data, size);
  free (dst.data);              /* cvref allocates with malloc () */
  return out;
}

UmattestImage *
umattest_cvt (const UmattestImage * in, const gchar * code)
{
  return cvt_on (in, code, FALSE);
}

UmattestImage *
umattest_cvt_opencl (const UmattestImage * in, const gchar * code)
{
  return cvt_on (in, code, TRUE);
}

UmattestImage *
umattest_cvt_chain (const UmattestImage * in, const gchar * chain,
    gboolean opencl)
{
  gchar **codes = g_strsplit (chain, ",", -1);
  UmattestImage *image = umattest_image_copy (in);
  guint i;

  for (i = 0; codes[i]; i++) {
    UmattestImage *next = cvt_on (image, g_strstrip (codes[i]), opencl);
    umattest_image_free (image);
    image = next;
  }
  g_strfreev (codes);
  return image;
}

/* The chroma of a 4:2:0 image as two planes, U then V. */
static void
split_420 (const UmattestImage * image, guint8 * u, guint8 * v)
{
  gsize n = (gsize) (image->width / 2) * (image->height / 2), i;
  const guint8 *c = image->data + (gsize) image->width * image->height;

  for (i = 0; i < n; i++) {
    switch (image->layout) {
      case L (I420):
        u[i] = c[i];
        v[i] = c[n + i];
        break;
      case L (YV12):
        v[i] = c[i];
        u[i] = c[n + i];
        break;
      case L (NV12):
        u[i] = c[2 * i];
        v[i] = c[2 * i + 1];
        break;
      case L (NV21):
        v[i] = c[2 * i];
        u[i] = c[2 * i + 1];
        break;
      default:
        g_assert_not_reached ();
    }
  }
}

static void
join_420 (UmattestImage * image, const guint8 * u, const guint8 * v)
{
  gsize n = (gsize) (image->width / 2) * (image->height / 2), i;
  guint8 *c = image->data + (gsize) image->width * image->height;

  for (i = 0; i < n; i++) {
    switch (image->layout) {
      case L (I420):
        c[i] = u[i];
        c[n + i] = v[i];
        break;
      case L (YV12):
        c[i] = v[i];
        c[n + i] = u[i];
        break;
      case L (NV12):
        c[2 * i] = u[i];
        c[2 * i + 1] = v[i];
        break;
      case L (NV21):
        c[2 * i] = v[i];
        c[2 * i + 1] = u[i];
        break;
      default:
        g_assert_not_reached ();
    }
  }
}

UmattestImage *
umattest_repack_420 (const UmattestImage * in, UmatcvLayout to)
{
  gsize n = (gsize) (in->width / 2) * (in->height / 2);
  UmattestImage *out = umattest_image_new (to, in->width, in->height);
  guint8 *u = g_malloc (n), *v = g_malloc (n);

  memcpy (out->data, in->data, (gsize) in->width * in->height);
  split_420 (in, u, v);
  join_420 (out, u, v);
  g_free (u);
  g_free (v);
  return out;
}

/* Replaces *image with `code` of it, noting the code. */
static void
step (UmattestImage ** image, GPtrArray * used, const gchar * format, ...)
    G_GNUC_PRINTF (3, 4);

static void
step (UmattestImage ** image, GPtrArray * used, const gchar * format, ...)
{
  va_list args;
  gchar *code;
  UmattestImage *next;

  va_start (args, format);
  code = g_strdup_vprintf (format, args);
  va_end (args);
  next = umattest_cvt (*image, code);
  umattest_image_free (*image);
  *image = next;
  g_ptr_array_add (used, code);
}

/* Replaces *image with an edge to `to`, noting it. */
static void
edge_step (UmattestImage ** image, GPtrArray * used, UmatcvLayout to,
    const UmatcvColorimetry * in_c, const UmatcvColorimetry * out_c)
{
  const gchar *verb;
  UmattestImage *next = umattest_edge (*image, to, in_c, out_c, &verb);

  g_ptr_array_add (used, g_strdup_printf ("%s %s to %s", verb,
          umatcv_layout_name ((*image)->layout), umatcv_layout_name (to)));
  umattest_image_free (*image);
  *image = next;
}

/* Between the layouts OpenCV knows: its codes, and opaque alpha where
 * padding becomes alpha, as videoconvert makes it. */
static void
opencv_rgb_route (UmattestImage ** image, GPtrArray * used, UmatcvLayout to)
{
  UmatcvLayout from = (*image)->layout;
  const gchar *from_name = umattest_code_name (from);
  const gchar *to_name = umattest_code_name (to);

  if (strcmp (from_name, to_name) != 0)
    step (image, used, "%s2%s", from_name, to_name);
  (*image)->layout = to;
  if (umattest_has_padding (from) && (to == L (BGRA) || to == L (RGBA))) {
    gsize i;
    for (i = 3; i < (*image)->size; i += 4)
      (*image)->data[i] = 255;
  }
}

UmattestImage *
umattest_reference_convert_full (const UmattestImage * in, UmatcvLayout to,
    const UmatcvColorimetry * in_c, const UmatcvColorimetry * out_c,
    gchar *** codes)
{
  UmatcvLayout from = in->layout;
  gboolean from_colour = umattest_family (from) == UMATTEST_RGB;
  gboolean to_colour = umattest_family (to) == UMATTEST_RGB;
  GPtrArray *used = g_ptr_array_new_with_free_func (g_free);
  UmattestImage *image = umattest_image_copy (in);

  if (from == to) {
    /* nothing to do */
  } else if (from_colour && to_colour && umattest_opencv_knows (from)
      && umattest_opencv_knows (to)) {
    opencv_rgb_route (&image, used, to);
  } else if (from_colour && to_colour && to == L (GRAY)) {
    /* ARGB, ABGR, xRGB, xBGR: OpenCV has no code for them */
    edge_step (&image, used, L (BGRA), NULL, NULL);
    step (&image, used, "BGRA2GRAY");
  } else if (from_colour && to_colour && from == L (GRAY)) {
    step (&image, used, "GRAY2BGRA");
    edge_step (&image, used, to, NULL, NULL);
  } else if (umattest_family (from) != UMATTEST_STEP
      && umattest_family (to) != UMATTEST_STEP
      && !umatcv_layout_info (to)->input_only) {
    edge_step (&image, used, to, in_c, out_c);
  } else {
    fail ("no reference for %s to %s", umatcv_layout_name (from),
        umatcv_layout_name (to));
  }

  if (codes) {
    g_ptr_array_add (used, NULL);
    *codes = (gchar **) g_ptr_array_free (used, FALSE);
  } else {
    g_ptr_array_free (used, TRUE);
  }
  return image;
}

UmattestImage *
umattest_reference_convert (const UmattestImage * in, UmatcvLayout to,
    gchar *** codes)
{
  return umattest_reference_convert_full (in, to, NULL, NULL, codes);
}

/* ------------------------------------------------------------------------
 * Tolerances
 * ------------------------------------------------------------------------ */

/* How far OpenCV's OpenCL cvtColor may be from its CPU cvtColor on 8-bit
 * images: the thresholds OpenCV 4.6 allows itself in
 * modules/imgproc/test/ocl/test_color.cpp (NORM_INF of the difference).
 * Codes not listed are exact there (performTest's default threshold, 1e-3,
 * on 8-bit data), or have no OpenCL kernel and run on the CPU even on a UMat
 * (the 4:2:2 to GRAY codes). Measured on PoCL's CPU device, 14x8 to
 * 1280x720 frames of data 2..100: 1 for the encoders to I420 and YV12, 0
 * for every other code, those listed here included. */
static const struct
{
  const gchar *code;
  gint tolerance;
} opencv_thresholds[] = {
  /* CvtColor_YUV2RGB_420, YUV2{RGB,BGR}{,A}_NV{12,21}:
   * EPS_FOR_FLOATING_POINT(1e-3), which is 1 for CV_8U. (The YV12 and IYUV
   * codes and YUV2GRAY_420 use the default: exact.) */
  {"YUV2RGB_NV12", 1}, {"YUV2BGR_NV12", 1},
  {"YUV2RGBA_NV12", 1}, {"YUV2BGRA_NV12", 1},
  {"YUV2RGB_NV21", 1}, {"YUV2BGR_NV21", 1},
  {"YUV2RGBA_NV21", 1}, {"YUV2BGRA_NV21", 1},
  /* CvtColor_RGB2YUV_420, {RGB,BGR}{,A}2YUV_{IYUV,YV12}: 1 (I420 is IYUV) */
  {"RGB2YUV_I420", 1}, {"BGR2YUV_I420", 1},
  {"RGBA2YUV_I420", 1}, {"BGRA2YUV_I420", 1},
  {"RGB2YUV_YV12", 1}, {"BGR2YUV_YV12", 1},
  {"RGBA2YUV_YV12", 1}, {"BGRA2YUV_YV12", 1},
  /* CvtColor8u32f, {RGB,BGR}2HSV: IPP_EPS, 1 for CV_8U with or without IPP */
  {"RGB2HSV", 1}, {"BGR2HSV", 1},
  /* CvtColor8u32f, HSV2{RGB,BGR}: depth == CV_8U ? 1 : 4e-1 */
  {"HSV2RGB", 1}, {"HSV2BGR", 1},
  /* CvtColor8u32f, Lab2{RGB,BGR}: depth == CV_8U ? 1 : 1e-5 */
  {"Lab2RGB", 1}, {"Lab2BGR", 1},
  /* CvtColor, {RGB,BGR}2YCrCb: EPS_FOR_FLOATING_POINT(1e-3), 1 for CV_8U */
  {"RGB2YCrCb", 1}, {"BGR2YCrCb", 1},
};

/* Codes whose OpenCL kernels compute in floating point on 8-bit data and
 * round 1 off here and there, those listed above or not: the element tests
 * measured 1 on PoCL for each (HLS, Luv, XYZ, the inverse YCrCb and the
 * packed 4:4:4 YUV codes among them). */
static const gchar *const float_steps[] = { "HSV", "HLS", "Lab", "Luv",
  "XYZ", "YCrCb", NULL
};

static const gchar *const packed_yuv444[] = { "BGR2YUV", "RGB2YUV",
  "YUV2BGR", "YUV2RGB", NULL
};

/* Whether `code` decodes 4:2:0 or 4:2:2 YUV to colour (not to GRAY). */
static gboolean
decodes_yuv_to_colour (const gchar * code)
{
  static const gchar *const suffixes[] = { "_I420", "_IYUV", "_YV12",
    "_NV12", "_NV21", "_YUY2", "_UYVY", "_YVYU"
  };
  guint i;

  if (!g_str_has_prefix (code, "YUV2") || g_str_has_prefix (code, "YUV2GRAY"))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (code, suffixes[i]))
      return TRUE;
  return FALSE;
}

gint
umattest_code_tolerance (const gchar * backend, const gchar * code,
    UmattestData data)
{
  guint i;

  /* umatcv's edges: fixed point against double precision */
  if (g_str_has_prefix (code, "decode ") || g_str_has_prefix (code, "encode ")
      || g_str_has_prefix (code, "convert "))
    return 1;
  if (g_str_has_prefix (code, "reorder "))
    return 0;
  if (backend == NULL || !g_str_has_prefix (backend, "opencl"))
    return 0;
  /* CvtColor, BGRA2GRAY: isNVidia() ? 1 : 1e-3 */
  if (g_ascii_strcasecmp (code, "BGRA2GRAY") == 0)
    return umattest_contains_ci (backend, "nvidia")
        || umattest_contains_ci (backend, "geforce")
        || umattest_contains_ci (backend, "quadro")
        || umattest_contains_ci (backend, "tesla");
  for (i = 0; i < G_N_ELEMENTS (opencv_thresholds); i++)
    if (g_ascii_strcasecmp (opencv_thresholds[i].code, code) == 0)
      return opencv_thresholds[i].tolerance;
  /* OpenCV's exact threshold for the 4:2:0 (IYUV, YV12) and 4:2:2 decoders
   * holds on its own data, 2..100, only: their OpenCL kernels
   * (color_yuv.cl) compute in float, the CPU in fixed point, and on
   * full-range data some pixels round the other way. Measured 1 on PoCL
   * for every 4:2:0 and 4:2:2 decoder to colour (0 to GRAY): the 1 OpenCV
   * allows NV12, whose kernel computes the same way. */
  if (decodes_yuv_to_colour (code))
    return data == UMATTEST_DATA_FULL ? 1 : 0;
  for (i = 0; float_steps[i]; i++)
    if (strstr (code, float_steps[i]))
      return 1;
  for (i = 0; packed_yuv444[i]; i++)
    if (g_ascii_strcasecmp (code, packed_yuv444[i]) == 0)
      return 1;
  return 0;
}

gint
umattest_codes_tolerance (const gchar * backend, const gchar * const *codes,
    UmattestData data)
{
  gint total = 0;
  guint i;

  for (i = 0; codes && codes[i]; i++)
    total += umattest_code_tolerance (backend, codes[i], data);
  return total;
}

gint
umattest_fused_tolerance (const gchar * const *codes)
{
  gint total = 0;
  guint i;

  for (i = 0; codes && codes[i]; i++)
    if (strstr (codes[i], "HLS"))
      total++;
  return total;
}

UmattestImage *
umattest_chain_reference (const UmattestImage * in,
    const gchar * const *codes, const gchar * backend, gboolean fused,
    gint * tolerance)
{
  gchar *chain = g_strjoinv (",", (gchar **) codes);
  UmattestImage *want;
  gboolean opencl = FALSE;

  if (fused) {
    *tolerance = umattest_fused_tolerance (codes);
  } else {
    *tolerance = umattest_codes_tolerance (backend, codes,
        UMATTEST_DATA_FULL);
    if (*tolerance > 1) {
      *tolerance = 0;
      opencl = TRUE;
    }
  }
  /* an empty chain (auto mode, same format) is a copy */
  want = *chain ? umattest_cvt_chain (in, chain, opencl)
      : umattest_image_copy (in);
  g_free (chain);
  return want;
}

/* ------------------------------------------------------------------------
 * Another element as the reference
 * ------------------------------------------------------------------------ */

GstBuffer *
umattest_convert_with (const gchar * launch, GstCaps * in_caps,
    GstCaps * out_caps, GstBuffer * frame)
{
  GstHarness *h = gst_harness_new_parse (launch);
  GstBuffer *out;

  gst_harness_set_caps (h, in_caps, out_caps);
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  umattest_harness_drain (h);
  out = gst_harness_pull (h);
  fail_unless (out != NULL, "%s gave no frame", launch);
  gst_harness_teardown (h);
  return out;
}
