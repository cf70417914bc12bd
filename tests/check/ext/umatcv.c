/* GStreamer
 * Unit tests for umatcv, the C API over OpenCV that umatconvert runs on.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every conversion is checked against an independent computation: OpenCV's
 * CPU cvtColor through cvref (tests/check/reference) on tightly packed
 * frames, plus the plane shuffles and alpha fills written out here.
 *
 * Environment:
 *  UMAT_TEST_DEVICE=cpu|opencl  the engine device of the converter tests
 *  UMAT_REQUIRE_OPENCL=1        fail, rather than skip with a note, the
 *                               OpenCL checks where no OpenCL device is found
 *  UMAT_TEST_VERBOSE=1          print the largest OpenCL-versus-CPU
 *                               difference of every route
 * Each test function runs in its own process (check's fork mode): the tests
 * that set OpenCV variables rely on it, as on fresh OpenCV state.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cvref.h"
#include "umatcv.h"

#define L(x) UMATCV_LAYOUT_##x

/* Every layout a video format carries, in umatcv.h's order. */
static const UmatcvLayout video_layouts[] = {
  L (BGR), L (RGB), L (BGRA), L (RGBA), L (BGRX), L (RGBX), L (GRAY),
  L (I420), L (YV12), L (NV12), L (NV21), L (YUY2), L (UYVY), L (YVYU),
};

typedef enum
{
  FAMILY_RGB,                   /* BGR RGB BGRA RGBA BGRx RGBx GRAY */
  FAMILY_YUV420,
  FAMILY_YUV422,
  FAMILY_OTHER,                 /* HSV, Lab...: only between chain steps */
} Family;

static Family
layout_family (UmatcvLayout layout)
{
  switch (layout) {
    case L (BGR):
    case L (RGB):
    case L (BGRA):
    case L (RGBA):
    case L (BGRX):
    case L (RGBX):
    case L (GRAY):
      return FAMILY_RGB;
    case L (I420):
    case L (YV12):
    case L (NV12):
    case L (NV21):
      return FAMILY_YUV420;
    case L (YUY2):
    case L (UYVY):
    case L (YVYU):
      return FAMILY_YUV422;
    default:
      return FAMILY_OTHER;
  }
}

/* Bytes per pixel of a packed layout; 0 for 4:2:0. */
static gint
pixel_size (UmatcvLayout layout)
{
  switch (layout) {
    case L (GRAY):
      return 1;
    case L (YUY2):
    case L (UYVY):
    case L (YVYU):
      return 2;
    case L (BGRA):
    case L (RGBA):
    case L (BGRX):
    case L (RGBX):
    case L (MRGBA):
      return 4;
    case L (I420):
    case L (YV12):
    case L (NV12):
    case L (NV21):
      return 0;
    default:
      return 3;                 /* BGR, RGB, HSV, Lab, YCrCb... */
  }
}

static gboolean
has_padding_byte (UmatcvLayout layout)
{
  return layout == L (BGRX) || layout == L (RGBX);
}

/* Planes of a frame in GStreamer's order, which is also the order in which
 * OpenCV's single Mat holds them. */
typedef struct
{
  gint n_planes;
  gint rows[3];
  gint row_bytes[3];
} Geometry;

static void
layout_geometry (UmatcvLayout layout, gint width, gint height, Geometry * g)
{
  memset (g, 0, sizeof (*g));
  g->rows[0] = height;
  switch (layout) {
    case L (I420):
    case L (YV12):
      g->n_planes = 3;
      g->row_bytes[0] = width;
      g->rows[1] = g->rows[2] = height / 2;
      g->row_bytes[1] = g->row_bytes[2] = width / 2;
      break;
    case L (NV12):
    case L (NV21):
      g->n_planes = 2;
      g->row_bytes[0] = width;
      g->rows[1] = height / 2;
      g->row_bytes[1] = width / 2 * 2;
      break;
    default:
      g->n_planes = 1;
      g->row_bytes[0] = width * pixel_size (layout);
      break;
  }
}

static gsize
tight_size (UmatcvLayout layout, gint width, gint height)
{
  Geometry g;
  gsize size = 0;
  gint p;

  layout_geometry (layout, width, height, &g);
  for (p = 0; p < g.n_planes; p++)
    size += (gsize) g.rows[p] * g.row_bytes[p];
  return size;
}

static gboolean
contains_ci (const gchar * haystack, const gchar * needle)
{
  gchar *h = g_ascii_strdown (haystack, -1);
  gchar *n = g_ascii_strdown (needle, -1);
  gboolean found = strstr (h, n) != NULL;

  g_free (h);
  g_free (n);
  return found;
}

/* ------------------------------------------------------------------------
 * Test frames
 * ------------------------------------------------------------------------ */

typedef enum
{
  MEM_TIGHT,                    /* minimal strides, planes back to back */
  MEM_PADDED,                   /* strides 64 bytes longer, planes apart */
  MEM_APART,                    /* minimal strides, planes apart */
} MemoryKind;

static const gchar *const memory_kind_names[] = {
  "tight", "padded", "apart"
};

#define GUARD 64                /* sentinel bytes around and between planes */
#define ROW_PAD 64              /* extra bytes a row in MEM_PADDED frames */
#define SENTINEL 0xa5

typedef struct
{
  UmatcvImage image;
  Geometry geometry;
  guint8 *block;                /* every plane, in one allocation */
  gsize size;
} TestImage;

static TestImage *
test_image_new (UmatcvLayout layout, gint width, gint height, MemoryKind kind)
{
  TestImage *t = g_new0 (TestImage, 1);
  gsize offsets[3] = { 0, 0, 0 };
  gsize size = GUARD;
  gint p;

  layout_geometry (layout, width, height, &t->geometry);
  for (p = 0; p < t->geometry.n_planes; p++) {
    gsize stride = t->geometry.row_bytes[p]
        + (kind == MEM_PADDED ? ROW_PAD : 0);

    if (p > 0 && kind != MEM_TIGHT)
      size += GUARD;
    offsets[p] = size;
    t->image.strides[p] = stride;
    size += stride * t->geometry.rows[p];
  }
  size += GUARD;

  t->block = g_malloc (size);
  t->size = size;
  memset (t->block, SENTINEL, size);
  t->image.layout = layout;
  t->image.width = width;
  t->image.height = height;
  for (p = 0; p < t->geometry.n_planes; p++)
    t->image.planes[p] = t->block + offsets[p];
  return t;
}

static void
test_image_free (TestImage * t)
{
  if (t == NULL)
    return;
  g_free (t->block);
  g_free (t);
}

static guint8 *
test_image_row (const TestImage * t, gint plane, gint row)
{
  return t->image.planes[plane] + t->image.strides[plane] * row;
}

/* A frame in OpenCV's single-Mat layout, tightly packed. */
static guint8 *
image_to_tight (const UmatcvImage * image)
{
  guint8 *tight = g_malloc (tight_size (image->layout, image->width,
          image->height));
  guint8 *d = tight;
  Geometry g;
  gint p, r;

  layout_geometry (image->layout, image->width, image->height, &g);
  for (p = 0; p < g.n_planes; p++) {
    for (r = 0; r < g.rows[p]; r++) {
      memcpy (d, image->planes[p] + image->strides[p] * r, g.row_bytes[p]);
      d += g.row_bytes[p];
    }
  }
  return tight;
}

static guint8 *
test_image_to_tight (const TestImage * t)
{
  return image_to_tight (&t->image);
}

static void
test_image_from_tight (TestImage * t, const guint8 * tight)
{
  gint p, r;

  for (p = 0; p < t->geometry.n_planes; p++) {
    for (r = 0; r < t->geometry.rows[p]; r++) {
      memcpy (test_image_row (t, p, r), tight, t->geometry.row_bytes[p]);
      tight += t->geometry.row_bytes[p];
    }
  }
}

/* Whether every byte outside the planes' rows (guards, row padding, gaps)
 * still holds the sentinel; `where` gets the first offset that does not. */
static gboolean
test_image_guards_intact (const TestImage * t, gsize * where)
{
  guint8 *pixel = g_malloc0 (t->size);
  gboolean intact = TRUE;
  gsize i;
  gint p, r;

  for (p = 0; p < t->geometry.n_planes; p++)
    for (r = 0; r < t->geometry.rows[p]; r++)
      memset (pixel + (test_image_row (t, p, r) - t->block), 1,
          t->geometry.row_bytes[p]);
  for (i = 0; i < t->size && intact; i++) {
    if (!pixel[i] && t->block[i] != SENTINEL) {
      intact = FALSE;
      *where = i;
    }
  }
  g_free (pixel);
  return intact;
}

static void
assert_guards_intact (const TestImage * t, const gchar * what)
{
  gsize where = 0;

  fail_unless (test_image_guards_intact (t, &where),
      "%s: the converter wrote outside the frame's rows (byte %"
      G_GSIZE_FORMAT " of the %s buffer)", what, where,
      umatcv_layout_name (t->image.layout));
}

static gboolean
same_planes (const Geometry * a, const Geometry * b)
{
  return memcmp (a, b, sizeof (Geometry)) == 0;
}

/* `t`'s memory as a frame of `layout`: the same planes where both layouts
 * have the same planes, else (for tight frames) those of `layout` back to
 * back from `t`'s first byte, as a GStreamer buffer of the same size. */
static UmatcvImage
test_image_view (const TestImage * t, UmatcvLayout layout)
{
  UmatcvImage view = t->image;
  Geometry g;
  gint p;

  layout_geometry (layout, t->image.width, t->image.height, &g);
  view.layout = layout;
  if (same_planes (&t->geometry, &g))
    return view;
  for (p = 0; p < 3; p++) {
    view.strides[p] = g.row_bytes[p];
    view.planes[p] = p == 0 ? t->image.planes[0] : p < g.n_planes ?
        view.planes[p - 1] + (gsize) g.rows[p - 1] * g.row_bytes[p - 1] : NULL;
  }
  return view;
}

/* ------------------------------------------------------------------------
 * Engines: UMAT_TEST_DEVICE, and whether OpenCL may be missing
 * ------------------------------------------------------------------------ */

static UmatcvDevice test_device = UMATCV_DEVICE_CPU;

/* Set by test_engine_new() for the tolerances below. */
static gboolean on_opencl = FALSE;
static gboolean on_nvidia = FALSE;

static gboolean
opencl_required (void)
{
  return g_strcmp0 (g_getenv ("UMAT_REQUIRE_OPENCL"), "1") == 0;
}

static gboolean
verbose (void)
{
  return g_strcmp0 (g_getenv ("UMAT_TEST_VERBOSE"), "1") == 0;
}

/* Whether OpenCV itself finds any OpenCL device: through umatcv's way of
 * honouring OPENCV_OPENCL_DEVICE, set to ":", which makes OpenCV take the
 * first GPU, else the first CPU device of any platform. Only where the
 * variable is not set already. */
static gboolean
opencv_finds_opencl_device (void)
{
  UmatcvEngine *engine = NULL;
  UmatcvStatus status;

  if (g_getenv ("OPENCV_OPENCL_DEVICE") != NULL)
    return FALSE;
  g_setenv ("OPENCV_OPENCL_DEVICE", ":", TRUE);
  status = umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine, NULL);
  g_unsetenv ("OPENCV_OPENCL_DEVICE");
  umatcv_engine_free (engine);
  return status == UMATCV_OK;
}

/* An engine on `device`. NULL, after printing a note, when that is OpenCL,
 * the machine has no OpenCL device and UMAT_REQUIRE_OPENCL is not 1: the
 * caller then skips its checks. A device that umatcv misses while OpenCV
 * finds it is a failure, not a reason to skip. */
static UmatcvEngine *
engine_new_or_skip (UmatcvDevice device, const gchar * test)
{
  UmatcvEngine *engine = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_engine_new (device, &engine, &error);
  if (status == UMATCV_ERROR_NO_DEVICE && device == UMATCV_DEVICE_OPENCL
      && !opencl_required ()) {
    fail_if (opencv_finds_opencl_device (), "%s: device=opencl found no "
        "device (%s), but OPENCV_OPENCL_DEVICE=: finds one", test, error);
    g_print ("SKIPPED: %s: no OpenCL device (%s); set UMAT_REQUIRE_OPENCL=1 "
        "to make this a failure\n", test, error);
    umatcv_free (error);
    return NULL;
  }
  fail_unless (status == UMATCV_OK, "%s: no %s engine: %s: %s", test,
      device == UMATCV_DEVICE_OPENCL ? "OpenCL" : "CPU",
      umatcv_status_name (status), error);
  fail_unless (engine != NULL);
  umatcv_free (error);
  return engine;
}

/* Which tolerances apply to results of `engine` (see opencl_tolerance). */
static void
use_tolerances_of (UmatcvEngine * engine)
{
  const gchar *backend = umatcv_engine_backend (engine);

  on_opencl = umatcv_engine_uses_opencl (engine);
  on_nvidia = contains_ci (backend, "nvidia") || contains_ci (backend,
      "geforce") || contains_ci (backend, "quadro")
      || contains_ci (backend, "tesla");
}

/* The engine the converter tests run on. */
static UmatcvEngine *
test_engine_new (const gchar * test)
{
  UmatcvEngine *engine = engine_new_or_skip (test_device, test);

  if (engine == NULL)
    return NULL;
  use_tolerances_of (engine);
  fail_unless_equals_int (on_opencl, test_device == UMATCV_DEVICE_OPENCL);
  return engine;
}

/* ------------------------------------------------------------------------
 * The independent reference
 * ------------------------------------------------------------------------ */

/* Test data: full range (what frames hold), or the 2..100 that OpenCV's
 * own OpenCL tests feed cvtColor (randomSubMat (..., 2, 100) in
 * modules/imgproc/test/ocl/test_color.cpp). */
typedef enum
{
  RANGE_FULL,
  RANGE_OPENCV,
} DataRange;

static const gint range_low[] = { 0, 2 };
static const gint range_high[] = { 256, 101 };

static void
test_image_fill_range (TestImage * t, GRand * rand, DataRange range)
{
  gint p, r, x;

  for (p = 0; p < t->geometry.n_planes; p++) {
    for (r = 0; r < t->geometry.rows[p]; r++) {
      guint8 *row = test_image_row (t, p, r);
      for (x = 0; x < t->geometry.row_bytes[p]; x++)
        row[x] = g_rand_int_range (rand, range_low[range], range_high[range]);
    }
  }
}

/* How far OpenCV's OpenCL cvtColor may be from its CPU cvtColor on 8-bit
 * images: the thresholds OpenCV 4.6 allows itself in
 * modules/imgproc/test/ocl/test_color.cpp (NORM_INF of the difference).
 * Codes not listed are exact there (performTest's default threshold, 1e-3,
 * on 8-bit data), or have no OpenCL kernel and run on the CPU even on a UMat
 * (the 4:2:2 to GRAY codes). Measured on PoCL's CPU device, 14x8 to
 * 1280x720 frames of data 2..100: 1 for the encoders to I420 and YV12, 0
 * for every other code, those listed here included; for full-range data,
 * see opencl_tolerance. */
static const struct
{
  const gchar *code;
  gint tolerance;
} opencl_tolerances[] = {
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

static gint
opencl_tolerance (const gchar * code, DataRange range)
{
  guint i;

  if (!on_opencl)
    return 0;
  /* CvtColor, BGRA2GRAY: isNVidia() ? 1 : 1e-3 */
  if (g_ascii_strcasecmp (code, "BGRA2GRAY") == 0)
    return on_nvidia ? 1 : 0;
  /* OpenCV's exact threshold for the 4:2:0 (IYUV, YV12) and 4:2:2 decoders
   * holds on its own data, 2..100, only: their OpenCL kernels (color_yuv.cl)
   * compute in float, the CPU in fixed point, and on full-range data some
   * pixels round the other way. Measured 1 on PoCL for every 4:2:0 and
   * 4:2:2 decoder to colour (0 to GRAY): the 1 OpenCV allows NV12, whose
   * kernel computes the same way. */
  if (range == RANGE_FULL && decodes_yuv_to_colour (code))
    return 1;
  for (i = 0; i < G_N_ELEMENTS (opencl_tolerances); i++)
    if (g_ascii_strcasecmp (opencl_tolerances[i].code, code) == 0)
      return opencl_tolerances[i].tolerance;
  return 0;
}

/* cv::cvtColor (code) on the CPU through cvref, on a tightly packed frame
 * of `layout`; adds what OpenCL may differ by for this code, on data of
 * `range`, to *tolerance. */
static guint8 *
ref_cvt (const gchar * code, UmatcvLayout layout, const guint8 * src,
    gint width, gint height, DataRange range, gint * tolerance)
{
  gboolean yuv420 = layout_family (layout) == FAMILY_YUV420;
  CvrefImage dst = { NULL, 0, 0, 0 };
  gint cv_code = cvref_code (code);
  guint8 *result;

  fail_unless (cv_code >= 0, "cvref knows no code %s", code);
  fail_unless (cvref_cvt_color (src, yuv420 ? height * 3 / 2 : height, width,
          yuv420 ? 1 : pixel_size (layout), cv_code, &dst) == 0,
      "OpenCV refused %s on %dx%d", code, width, height);
  result = g_memdup2 (dst.data, (gsize) dst.rows * dst.cols * dst.channels);
  free (dst.data);
  *tolerance += opencl_tolerance (code, range);
  return result;
}

/* How a layout is spelt in cvtColor code names: padding counts as alpha. */
static const gchar *
code_name (UmatcvLayout layout)
{
  switch (layout) {
    case L (BGR):
      return "BGR";
    case L (RGB):
      return "RGB";
    case L (BGRA):
    case L (BGRX):
      return "BGRA";
    case L (RGBA):
    case L (RGBX):
      return "RGBA";
    case L (GRAY):
      return "GRAY";
    case L (I420):
      return "I420";
    case L (YV12):
      return "YV12";
    case L (NV12):
      return "NV12";
    case L (NV21):
      return "NV21";
    case L (YUY2):
      return "YUY2";
    case L (UYVY):
      return "UYVY";
    case L (YVYU):
      return "YVYU";
    default:
      g_assert_not_reached ();
      return NULL;
  }
}

/* The chroma of a tightly packed 4:2:0 frame as two (w/2)x(h/2) planes. */
static void
yuv420_split (UmatcvLayout layout, const guint8 * frame, gint width,
    gint height, guint8 * u, guint8 * v)
{
  gsize n = (gsize) (width / 2) * (height / 2), i;
  const guint8 *c = frame + (gsize) width * height;

  switch (layout) {
    case L (I420):
      memcpy (u, c, n);
      memcpy (v, c + n, n);
      break;
    case L (YV12):
      memcpy (v, c, n);
      memcpy (u, c + n, n);
      break;
    case L (NV12):
      for (i = 0; i < n; i++) {
        u[i] = c[2 * i];
        v[i] = c[2 * i + 1];
      }
      break;
    case L (NV21):
      for (i = 0; i < n; i++) {
        v[i] = c[2 * i];
        u[i] = c[2 * i + 1];
      }
      break;
    default:
      g_assert_not_reached ();
  }
}

static void
yuv420_join (UmatcvLayout layout, guint8 * frame, gint width, gint height,
    const guint8 * u, const guint8 * v)
{
  gsize n = (gsize) (width / 2) * (height / 2), i;
  guint8 *c = frame + (gsize) width * height;

  switch (layout) {
    case L (I420):
      memcpy (c, u, n);
      memcpy (c + n, v, n);
      break;
    case L (YV12):
      memcpy (c, v, n);
      memcpy (c + n, u, n);
      break;
    case L (NV12):
      for (i = 0; i < n; i++) {
        c[2 * i] = u[i];
        c[2 * i + 1] = v[i];
      }
      break;
    case L (NV21):
      for (i = 0; i < n; i++) {
        c[2 * i] = v[i];
        c[2 * i + 1] = u[i];
      }
      break;
    default:
      g_assert_not_reached ();
  }
}

/* One 4:2:0 layout into another: the same samples, planes moved. */
static guint8 *
yuv420_repack (UmatcvLayout from, UmatcvLayout to, const guint8 * src,
    gint width, gint height)
{
  gsize n = (gsize) (width / 2) * (height / 2);
  guint8 *dst = g_malloc (tight_size (to, width, height));
  guint8 *u = g_malloc (n), *v = g_malloc (n);

  memcpy (dst, src, (gsize) width * height);
  yuv420_split (from, src, width, height, u, v);
  yuv420_join (to, dst, width, height, u, v);
  g_free (u);
  g_free (v);
  return dst;
}

/* What converting a tightly packed `from` frame to `to` must give, worked
 * out independently of umatcv: which OpenCV codes each pair needs, and the
 * plane shuffles and alpha fills OpenCV does not do. *tolerance: how far
 * OpenCL may be from it on `src`, data of `range`. */
static guint8 *
reference_convert (UmatcvLayout from, UmatcvLayout to, const guint8 * src,
    gint width, gint height, DataRange range, gint * tolerance)
{
  Family ff = layout_family (from), tf = layout_family (to);
  guint8 *dst = NULL, *i420, *bgr;
  gchar *code;

  *tolerance = 0;
  if (from == to)
    return g_memdup2 (src, tight_size (from, width, height));

  if (ff == FAMILY_RGB && tf == FAMILY_RGB) {
    if (strcmp (code_name (from), code_name (to)) == 0) {
      /* BGRA <-> BGRx, RGBA <-> RGBx: the same bytes */
      dst = g_memdup2 (src, tight_size (from, width, height));
    } else {
      code = g_strdup_printf ("%s2%s", code_name (from), code_name (to));
      dst = ref_cvt (code, from, src, width, height, range,
          tolerance);
      g_free (code);
    }
    /* padding becomes real alpha: opaque, as videoconvert makes it */
    if ((from == L (BGRX) || from == L (RGBX))
        && (to == L (BGRA) || to == L (RGBA))) {
      gsize i, n = (gsize) width * height;
      for (i = 0; i < n; i++)
        dst[4 * i + 3] = 255;
    }
    return dst;
  }

  if ((ff == FAMILY_YUV420 || ff == FAMILY_YUV422) && tf == FAMILY_RGB) {
    if (to == L (GRAY))
      code = g_strdup_printf ("YUV2GRAY_%s",
          ff == FAMILY_YUV420 ? "420" : code_name (from));
    else
      code = g_strdup_printf ("YUV2%s_%s", code_name (to), code_name (from));
    dst = ref_cvt (code, from, src, width, height, range,
          tolerance);
    g_free (code);
    return dst;
  }

  if (ff == FAMILY_YUV420 && tf == FAMILY_YUV420)
    return yuv420_repack (from, to, src, width, height);

  if (tf == FAMILY_YUV420) {
    /* OpenCV encodes I420 (and YV12) from BGR-ish input only */
    if (ff == FAMILY_YUV422) {
      code = g_strdup_printf ("YUV2BGR_%s", code_name (from));
      bgr = ref_cvt (code, from, src, width, height, range,
          tolerance);
      g_free (code);
      i420 = ref_cvt ("BGR2YUV_I420", L (BGR), bgr, width, height, range,
          tolerance);
      g_free (bgr);
    } else if (from == L (GRAY)) {
      bgr = ref_cvt ("GRAY2BGR", from, src, width, height, range,
          tolerance);
      i420 = ref_cvt ("BGR2YUV_I420", L (BGR), bgr, width, height, range,
          tolerance);
      g_free (bgr);
    } else {
      code = g_strdup_printf ("%s2YUV_I420", code_name (from));
      i420 = ref_cvt (code, from, src, width, height, range,
          tolerance);
      g_free (code);
    }
    dst = yuv420_repack (L (I420), to, i420, width, height);
    g_free (i420);
    return dst;
  }

  fail ("no reference for %s to %s", umatcv_layout_name (from),
      umatcv_layout_name (to));
  return NULL;
}

/* Compares tightly packed frames of `layout` byte by byte, failing on the
 * first byte further than `tolerance` from `want`; returns the largest
 * difference. The x byte of BGRx/RGBx is padding, which GStreamer leaves
 * undefined: it is not compared. */
static gint
compare_frames (const guint8 * got, const guint8 * want, UmatcvLayout layout,
    gint width, gint height, gint tolerance, const gchar * what)
{
  gboolean skip_x = has_padding_byte (layout);
  gsize offset = 0;
  gint max = 0, p, r, x;
  Geometry g;

  layout_geometry (layout, width, height, &g);
  for (p = 0; p < g.n_planes; p++) {
    for (r = 0; r < g.rows[p]; r++) {
      for (x = 0; x < g.row_bytes[p]; x++) {
        gsize i = offset + (gsize) r * g.row_bytes[p] + x;
        gint d = ABS ((gint) got[i] - (gint) want[i]);

        if (skip_x && x % 4 == 3)
          continue;
        if (d > max) {
          max = d;
          if (d > tolerance)
            fail ("%s: %s plane %d, row %d, byte %d is %u, expected %u "
                "(tolerance %d)", what, umatcv_layout_name (layout), p, r, x,
                got[i], want[i], tolerance);
        }
      }
    }
    offset += (gsize) g.rows[p] * g.row_bytes[p];
  }
  return max;
}

/* ------------------------------------------------------------------------
 * Converter helpers
 * ------------------------------------------------------------------------ */

static UmatcvChain *
parse_ok (const gchar * text)
{
  UmatcvChain *chain = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_chain_parse (text, &chain, &error);
  fail_unless (status == UMATCV_OK, "'%s' does not parse: %s", text, error);
  fail_unless (chain != NULL);
  return chain;
}

static UmatcvChain *
route_ok (UmatcvLayout from, UmatcvLayout to)
{
  UmatcvChain *chain = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_chain_route (from, to, &chain, &error);
  fail_unless (status == UMATCV_OK, "no route from %s to %s: %s: %s",
      umatcv_layout_name (from), umatcv_layout_name (to),
      umatcv_status_name (status), error);
  fail_unless (chain != NULL);
  return chain;
}

static UmatcvConverter *
converter_new_ok (UmatcvEngine * engine, const UmatcvChain * chain,
    UmatcvLayout in, UmatcvLayout out, gint width, gint height,
    guint pool_size, const gchar * what)
{
  UmatcvConverter *converter = NULL;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  UmatcvStatus status;

  umatcv_converter_spec_init (&spec, in, out, width, height);
  spec.slots = pool_size;
  status = umatcv_converter_new (engine, chain, &spec, &converter, &error);
  fail_unless (status == UMATCV_OK, "%s: converter_new failed: %s: %s", what,
      umatcv_status_name (status), error);
  fail_unless (converter != NULL);
  return converter;
}

static void
process_ok (UmatcvConverter * converter, const TestImage * in,
    const TestImage * out, const gchar * what)
{
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_converter_process (converter, &in->image, &out->image,
      &error);
  fail_unless (status == UMATCV_OK, "%s: process failed: %s: %s", what,
      umatcv_status_name (status), error);
}

typedef struct
{
  gint width, height;
} Size;

/* Odd widths where only RGB-family layouts take part, even sizes (with odd
 * 4:2:0 chroma widths: 7 and 639) where a YUV layout does, and one larger
 * frame. */
static const Size rgb_sizes[] = { {13, 7}, {1277, 5}, {320, 240} };
static const Size yuv420_sizes[] = { {14, 8}, {1278, 6}, {320, 240} };
/* 4:2:2 needs even widths only */
static const Size yuv422_sizes[] = { {14, 7}, {1278, 6}, {320, 240} };

static const Size *
sizes_for (UmatcvLayout a, UmatcvLayout b)
{
  Family fa = layout_family (a), fb = layout_family (b);

  if (fa == FAMILY_YUV420 || fb == FAMILY_YUV420)
    return yuv420_sizes;
  if (fa == FAMILY_YUV422 || fb == FAMILY_YUV422)
    return yuv422_sizes;
  return rgb_sizes;
}

#define N_SIZES 3

/* ------------------------------------------------------------------------
 * 1. Parsing
 * ------------------------------------------------------------------------ */

static void
assert_steps (const gchar * text, const gchar * const *names, gsize n)
{
  UmatcvChain *chain = parse_ok (text);
  gsize i;

  fail_unless_equals_int (umatcv_chain_length (chain), n);
  for (i = 0; i < n; i++)
    fail_unless_equals_string (umatcv_chain_step_name (chain, i), names[i]);
  fail_unless (umatcv_chain_step_name (chain, n) == NULL);
  umatcv_chain_free (chain);
}

/* Parsing `text` fails with `expected`, leaves no chain, and the error
 * mentions (case-insensitively) every string of the NULL-terminated list. */
static void
assert_parse_fails (const gchar * text, UmatcvStatus expected, ...)
{
  UmatcvChain *chain = (UmatcvChain *) 0x1;
  gchar *error = NULL;
  UmatcvStatus status;
  const gchar *mention;
  va_list args;

  status = umatcv_chain_parse (text, &chain, &error);
  fail_unless (status == expected, "'%s' gives '%s', not '%s' (%s)", text,
      umatcv_status_name (status), umatcv_status_name (expected), error);
  fail_unless (chain == NULL, "'%s' failed but left a chain", text);
  fail_unless (error != NULL && error[0] != '\0',
      "'%s' failed without an error text", text);
  va_start (args, expected);
  while ((mention = va_arg (args, const gchar *)) != NULL)
    fail_unless (contains_ci (error, mention),
        "the error for '%s' does not mention '%s': %s", text, mention, error);
  va_end (args);
  umatcv_free (error);
}

GST_START_TEST (test_parse_valid)
{
  static const gchar *const hsv_rgb[] = { "BGR2HSV", "HSV2RGB" };
  static const gchar *const mixed[] = {
    "BGR2Lab", "YUV2BGR_IYUV", "mRGBA2RGBA"
  };
  static const gchar *const one[] = { "BGR2RGB" };
  static const gchar *const broken[] = { "BGR2HSV", "RGB2GRAY" };

  assert_steps ("BGR2HSV,HSV2RGB", hsv_rgb, 2);
  assert_steps ("bgr2hsv, color_hsv2rgb", hsv_rgb, 2);
  assert_steps ("  COLOR_BGR2HSV ,\tHSV2RGB  ", hsv_rgb, 2);
  /* names come back as OpenCV spells them, whatever the case typed */
  assert_steps ("color_bgr2lab,YUV2BGR_iyuv , MRGBA2RGBA", mixed, 3);
  assert_steps ("BGR2RGB", one, 1);
  /* parse does not check that steps connect: check() does */
  assert_steps ("BGR2HSV,RGB2GRAY", broken, 2);
}

GST_END_TEST;

GST_START_TEST (test_parse_errors)
{
  GString *text;
  gint i;

  assert_parse_fails ("BGR2HSV,FOO2BAR", UMATCV_ERROR_UNKNOWN_CODE,
      "FOO2BAR", "step 2", NULL);
  assert_parse_fails ("nonsense", UMATCV_ERROR_UNKNOWN_CODE, "nonsense",
      "step 1", NULL);
  /* only COLOR_ is a prefix */
  assert_parse_fails ("CV_BGR2HSV", UMATCV_ERROR_UNKNOWN_CODE, "CV_BGR2HSV",
      NULL);
  assert_parse_fails ("COLOR_", UMATCV_ERROR_UNKNOWN_CODE, NULL);

  /* empty steps and empty text */
  assert_parse_fails ("BGR2HSV,,HSV2BGR", UMATCV_ERROR_UNKNOWN_CODE, "step 2",
      NULL);
  assert_parse_fails ("BGR2HSV,", UMATCV_ERROR_UNKNOWN_CODE, "step 2", NULL);
  assert_parse_fails (",BGR2HSV", UMATCV_ERROR_UNKNOWN_CODE, "step 1", NULL);
  assert_parse_fails ("", UMATCV_ERROR_UNKNOWN_CODE, NULL);
  assert_parse_fails ("   ", UMATCV_ERROR_UNKNOWN_CODE, NULL);

  /* OpenCV codes without a video format here */
  assert_parse_fails ("BayerBG2BGR", UMATCV_ERROR_UNSUPPORTED_CODE,
      "BayerBG2BGR", NULL);
  assert_parse_fails ("BGR2HSV, bayergr2rgb_vng", UMATCV_ERROR_UNSUPPORTED_CODE,
      "BayerGR2RGB_VNG", "step 2", NULL);
  assert_parse_fails ("BGR2BGR565", UMATCV_ERROR_UNSUPPORTED_CODE,
      "BGR2BGR565", NULL);
  assert_parse_fails ("COLOR_BGR5552GRAY", UMATCV_ERROR_UNSUPPORTED_CODE,
      "BGR5552GRAY", NULL);

  /* at most 16 steps */
  text = g_string_new ("BGR2RGB");
  for (i = 1; i < 16; i++)
    g_string_append (text, i % 2 ? ",RGB2BGR" : ",BGR2RGB");
  umatcv_chain_free (parse_ok (text->str));
  g_string_append (text, ",BGR2RGB");
  assert_parse_fails (text->str, UMATCV_ERROR_INVALID_ARGUMENT, "16", NULL);
  g_string_free (text, TRUE);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 2. Checks, flags, alignment
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_chain_check)
{
  UmatcvChain *chain;
  gchar *error = NULL;
  const gchar *const mentions[] = { "step 2", "RGB2GRAY", "step 1",
    "BGR2HSV"
  };
  const gchar *const codes[] = { "RGB2GRAY", "BGR2HSV" };
  gchar *without_codes;
  guint i;

  chain = parse_ok ("BGR2HSV,RGB2GRAY");
  fail_unless_equals_int (umatcv_chain_check (chain, &error),
      UMATCV_ERROR_BROKEN_CHAIN);
  for (i = 0; i < G_N_ELEMENTS (mentions); i++)
    fail_unless (strstr (error, mentions[i]) != NULL,
        "the error does not mention '%s': %s", mentions[i], error);
  /* and the layouts by name, not only inside the codes' names */
  without_codes = g_strdup (error);
  for (i = 0; i < G_N_ELEMENTS (codes); i++) {
    gchar *at;
    while ((at = strstr (without_codes, codes[i])) != NULL)
      memset (at, '#', strlen (codes[i]));
  }
  fail_unless (strstr (without_codes, "RGB") && strstr (without_codes, "HSV"),
      "the error does not say what step 2 takes and step 1 gives: %s", error);
  g_free (without_codes);
  g_clear_pointer (&error, umatcv_free);
  umatcv_chain_free (chain);

  /* the break is found wherever it is */
  chain = parse_ok ("BGR2HSV,HSV2BGR,BGR2Lab,HSV2RGB");
  fail_unless_equals_int (umatcv_chain_check (chain, &error),
      UMATCV_ERROR_BROKEN_CHAIN);
  fail_unless (strstr (error, "step 4") && strstr (error, "HSV2RGB")
      && strstr (error, "step 3") && strstr (error, "BGR2Lab"), "%s", error);
  g_clear_pointer (&error, umatcv_free);
  umatcv_chain_free (chain);

  chain = parse_ok ("BGR2HSV,HSV2RGB,RGB2GRAY,GRAY2BGR,BGR2YUV_I420");
  fail_unless_equals_int (umatcv_chain_check (chain, &error), UMATCV_OK);
  fail_unless (error == NULL, "a chain that connects gave an error text");
  umatcv_chain_free (chain);

  /* padding stands for alpha: BGRA2BGR takes BGRx as well */
  chain = parse_ok ("BGR2BGRA,BGRA2BGR");
  fail_unless_equals_int (umatcv_chain_check (chain, NULL), UMATCV_OK);
  umatcv_chain_free (chain);
}

GST_END_TEST;

GST_START_TEST (test_chain_layouts)
{
  static const struct
  {
    const gchar *text;
    guint32 inputs;
    UmatcvLayout output;
  } cases[] = {
    {"BGR2HSV,HSV2RGB", UMATCV_LAYOUT_BIT (L (BGR)), L (RGB)},
    {"BGR2HSV", UMATCV_LAYOUT_BIT (L (BGR)), L (HSV)},
    {"YUV2GRAY_420", UMATCV_LAYOUT_BIT (L (I420)) | UMATCV_LAYOUT_BIT (L (YV12))
          | UMATCV_LAYOUT_BIT (L (NV12)) | UMATCV_LAYOUT_BIT (L (NV21)),
        L (GRAY)},
    {"YUV2BGR_NV12", UMATCV_LAYOUT_BIT (L (NV12)), L (BGR)},
    {"YUV2RGB_YV12", UMATCV_LAYOUT_BIT (L (YV12)), L (RGB)},
    {"BGRA2BGR", UMATCV_LAYOUT_BIT (L (BGRA)) | UMATCV_LAYOUT_BIT (L (BGRX)),
        L (BGR)},
    {"RGB2YUV_YV12", UMATCV_LAYOUT_BIT (L (RGB)), L (YV12)},
    {"BGR2YUV_IYUV", UMATCV_LAYOUT_BIT (L (BGR)), L (I420)},
    {"YUV2BGR_UYVY", UMATCV_LAYOUT_BIT (L (UYVY)), L (BGR)},
    {"GRAY2RGBA", UMATCV_LAYOUT_BIT (L (GRAY)), L (RGBA)},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    UmatcvChain *chain = parse_ok (cases[i].text);
    fail_unless (umatcv_chain_input_layouts (chain) == cases[i].inputs,
        "%s takes 0x%x, expected 0x%x", cases[i].text,
        umatcv_chain_input_layouts (chain), cases[i].inputs);
    fail_unless (umatcv_chain_output_layout (chain) == cases[i].output,
        "%s gives %s, expected %s", cases[i].text,
        umatcv_layout_name (umatcv_chain_output_layout (chain)),
        umatcv_layout_name (cases[i].output));
    umatcv_chain_free (chain);
  }
}

GST_END_TEST;

GST_START_TEST (test_chain_flags_and_alignment)
{
  static const struct
  {
    const gchar *text;
    unsigned flags;
    gint width_align, height_align;
  } cases[] = {
    {"YUV2BGR_I420", UMATCV_CHAIN_DECODES_YUV, 2, 2},
    {"YUV2RGBA_NV21", UMATCV_CHAIN_DECODES_YUV, 2, 2},
    {"BGR2YUV_I420", UMATCV_CHAIN_ENCODES_YUV, 2, 2},
    {"RGBA2YUV_YV12", UMATCV_CHAIN_ENCODES_YUV, 2, 2},
    /* gray is the luma plane as it is: no matrix */
    {"YUV2GRAY_420", 0, 2, 2},
    {"YUV2GRAY_YUY2", 0, 2, 1},
    {"YUV2BGR_YUY2", UMATCV_CHAIN_DECODES_YUV, 2, 1},
    {"YUV2BGR_UYVY,BGR2YUV_I420",
        UMATCV_CHAIN_DECODES_YUV | UMATCV_CHAIN_ENCODES_YUV, 2, 2},
    /* I420 in the middle of a chain still needs even sizes; the chain
     * neither reads nor writes YUV frames */
    {"BGR2YUV_I420,YUV2BGR_I420", 0, 2, 2},
    {"BGR2GRAY,GRAY2BGR,BGR2YUV_IYUV", UMATCV_CHAIN_ENCODES_YUV, 2, 2},
    {"BGR2HSV", 0, 1, 1},
    {"BGR2HSV,HSV2RGB", 0, 1, 1},
    {"BGR2YUV,YUV2BGR", 0, 1, 1},       /* packed 4:4:4 YUV: no subsampling */
    {"BGR2YCrCb", 0, 1, 1},
  };
  guint i;
  gint wa, ha;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    UmatcvChain *chain = parse_ok (cases[i].text);
    fail_unless (umatcv_chain_flags (chain) == cases[i].flags,
        "%s has flags 0x%x, expected 0x%x", cases[i].text,
        umatcv_chain_flags (chain), cases[i].flags);
    wa = ha = -1;
    umatcv_chain_size_alignment (chain, &wa, &ha);
    fail_unless (wa == cases[i].width_align && ha == cases[i].height_align,
        "%s aligns sizes to %dx%d, expected %dx%d", cases[i].text, wa, ha,
        cases[i].width_align, cases[i].height_align);
    umatcv_chain_free (chain);
  }
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 3. Routes
 * ------------------------------------------------------------------------ */

static gboolean
is_yuv (UmatcvLayout layout)
{
  Family f = layout_family (layout);
  return f == FAMILY_YUV420 || f == FAMILY_YUV422;
}

GST_START_TEST (test_route_table)
{
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (video_layouts); i++) {
    for (j = 0; j < G_N_ELEMENTS (video_layouts); j++) {
      UmatcvLayout from = video_layouts[i], to = video_layouts[j];
      Family ff = layout_family (from), tf = layout_family (to);
      const gchar *fn = umatcv_layout_name (from);
      const gchar *tn = umatcv_layout_name (to);
      UmatcvChain *chain = (UmatcvChain *) 0x1;
      UmatcvStatus status = umatcv_chain_route (from, to, &chain, NULL);
      UmatcvLayout out;
      unsigned flags = 0;
      gint wa, ha, ewa, eha;

      if (from == to) {
        fail_unless (status == UMATCV_OK && chain != NULL,
            "%s to itself: %s", fn, umatcv_status_name (status));
        fail_unless_equals_int (umatcv_chain_length (chain), 0);
        umatcv_chain_free (chain);
        continue;
      }
      if (tf == FAMILY_YUV422) {
        fail_unless (status == UMATCV_ERROR_NO_ROUTE,
            "%s to %s: %s, expected no route", fn, tn,
            umatcv_status_name (status));
        fail_unless (chain == NULL);
        continue;
      }
      fail_unless (status == UMATCV_OK, "no route from %s to %s: %s", fn, tn,
          umatcv_status_name (status));

      fail_unless (umatcv_chain_check (chain, NULL) == UMATCV_OK,
          "%s to %s: the route does not connect", fn, tn);
      /* BGRA to BGRx (RGBA to RGBx) keeps the bytes: it may take no step;
       * every other pair needs one */
      if (!(pixel_size (from) == 4 && has_padding_byte (to)
              && strcmp (code_name (from), code_name (to)) == 0)) {
        fail_unless (umatcv_chain_length (chain) > 0, "%s to %s: no steps",
            fn, tn);
        fail_unless (umatcv_chain_input_layouts (chain)
            & UMATCV_LAYOUT_BIT (from), "%s to %s: step 1 (%s) does not take "
            "%s", fn, tn, umatcv_chain_step_name (chain, 0), fn);
        /* ends in `to`, or in the alpha layout whose padding `to` is */
        out = umatcv_chain_output_layout (chain);
        fail_unless (out == to || (out == L (BGRA) && to == L (BGRX))
            || (out == L (RGBA) && to == L (RGBX)), "%s to %s: the route "
            "gives %s", fn, tn, umatcv_layout_name (out));
      }

      /* BT.601 where a matrix decodes or encodes YUV (not for gray, which
       * takes luma as it is, nor for 4:2:0 repacks) */
      if (is_yuv (from) && tf == FAMILY_RGB && to != L (GRAY))
        flags |= UMATCV_CHAIN_DECODES_YUV;
      if (ff == FAMILY_YUV422 && tf == FAMILY_YUV420)
        flags |= UMATCV_CHAIN_DECODES_YUV;
      if (ff != FAMILY_YUV420 && tf == FAMILY_YUV420)
        flags |= UMATCV_CHAIN_ENCODES_YUV;
      fail_unless (umatcv_chain_flags (chain) == flags,
          "%s to %s: flags 0x%x, expected 0x%x", fn, tn,
          umatcv_chain_flags (chain), flags);

      ewa = is_yuv (from) || is_yuv (to) ? 2 : 1;
      eha = ff == FAMILY_YUV420 || tf == FAMILY_YUV420 ? 2 : 1;
      if (umatcv_chain_length (chain) > 0) {
        umatcv_chain_size_alignment (chain, &wa, &ha);
        fail_unless (wa == ewa && ha == eha, "%s to %s: alignment %dx%d, "
            "expected %dx%d", fn, tn, wa, ha, ewa, eha);
      }
      umatcv_chain_free (chain);
    }
  }
}

GST_END_TEST;

/* Converts random frames of every size through the route from -> to and
 * compares each with the reference: through a pool of two slots on OpenCL,
 * a frame of full-range data, then one of OpenCV's test range. */
static void
check_route_conversions (UmatcvEngine * engine, UmatcvLayout from,
    UmatcvLayout to, GRand * rand)
{
  const Size *sizes = sizes_for (from, to);
  UmatcvChain *chain = route_ok (from, to);
  gint s, max[2] = { 0, 0 }, tolerance[2] = { 0, 0 };
  DataRange range;

  for (s = 0; s < N_SIZES; s++) {
    gint w = sizes[s].width, h = sizes[s].height;
    gchar *what = g_strdup_printf ("%s to %s at %dx%d",
        umatcv_layout_name (from), umatcv_layout_name (to), w, h);
    UmatcvConverter *converter =
        converter_new_ok (engine, chain, from, to, w, h, 2, what);

    for (range = RANGE_FULL; range <= RANGE_OPENCV; range++) {
      TestImage *in = test_image_new (from, w, h, MEM_TIGHT);
      TestImage *out = test_image_new (to, w, h, MEM_TIGHT);
      gchar *rwhat = g_strdup_printf ("%s, data %d..%d", what,
          range_low[range], range_high[range] - 1);
      guint8 *src, *got, *want;
      gint d;

      test_image_fill_range (in, rand, range);
      process_ok (converter, in, out, rwhat);
      src = test_image_to_tight (in);
      got = test_image_to_tight (out);
      want = reference_convert (from, to, src, w, h, range, &tolerance[range]);
      d = compare_frames (got, want, to, w, h, tolerance[range], rwhat);
      max[range] = MAX (max[range], d);
      assert_guards_intact (out, rwhat);
      g_free (src);
      g_free (got);
      g_free (want);
      g_free (rwhat);
      test_image_free (in);
      test_image_free (out);
    }
    umatcv_converter_free (converter);
    g_free (what);
  }
  if (verbose ())
    g_print ("%s to %s (%s): largest difference %d on data 0..255 "
        "(tolerance %d), %d on 2..100 (tolerance %d)\n",
        umatcv_layout_name (from), umatcv_layout_name (to),
        umatcv_chain_length (chain) ? umatcv_chain_step_name (chain, 0) :
        "copy", max[RANGE_FULL], tolerance[RANGE_FULL], max[RANGE_OPENCV],
        tolerance[RANGE_OPENCV]);
  umatcv_chain_free (chain);
}

static void
check_routes_from (Family family, const gchar * test)
{
  UmatcvEngine *engine = test_engine_new (test);
  GRand *rand = g_rand_new_with_seed (0x5eed + family);
  guint i, j;

  if (engine == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (video_layouts); i++) {
    if (layout_family (video_layouts[i]) != family)
      continue;
    for (j = 0; j < G_N_ELEMENTS (video_layouts); j++) {
      UmatcvLayout to = video_layouts[j];
      if (layout_family (to) == FAMILY_YUV422 && to != video_layouts[i])
        continue;               /* no route: see test_route_table */
      check_route_conversions (engine, video_layouts[i], to, rand);
    }
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_START_TEST (test_routes_from_rgb)
{
  check_routes_from (FAMILY_RGB, "routes from RGB");
}

GST_END_TEST;

GST_START_TEST (test_routes_from_yuv420)
{
  check_routes_from (FAMILY_YUV420, "routes from 4:2:0");
}

GST_END_TEST;

GST_START_TEST (test_routes_from_yuv422)
{
  check_routes_from (FAMILY_YUV422, "routes from 4:2:2");
}

GST_END_TEST;

/* Chains of explicit codes: on the device, the whole chain gives exactly
 * what its steps give one converter at a time (each may differ from the
 * CPU by its code's OpenCL tolerance, checked here on the reference's own
 * input to that step). On the CPU that is the reference, exactly. */
GST_START_TEST (test_chains_convert)
{
  static const struct
  {
    const gchar *text;
    UmatcvLayout in, out;
  } chains[] = {
    {"BGR2HSV,HSV2RGB", L (BGR), L (RGB)},
    {"RGB2Lab,Lab2BGR", L (RGB), L (BGR)},
    {"BGR2YCrCb,YCrCb2BGR,BGR2GRAY", L (BGR), L (GRAY)},
    {"YUV2BGR_NV12,BGR2HSV,HSV2BGR,BGR2YUV_I420", L (NV12), L (I420)},
  };
  UmatcvEngine *engine = test_engine_new ("chains");
  GRand *rand = g_rand_new_with_seed (42);
  guint c;
  gint s;

  if (engine == NULL)
    return;
  for (c = 0; c < G_N_ELEMENTS (chains); c++) {
    UmatcvChain *chain = parse_ok (chains[c].text);
    const Size *sizes = sizes_for (chains[c].in, chains[c].out);

    for (s = 0; s < N_SIZES; s++) {
      gint w = sizes[s].width, h = sizes[s].height;
      gchar *what = g_strdup_printf ("%s at %dx%d", chains[c].text, w, h);
      UmatcvConverter *converter = converter_new_ok (engine, chain,
          chains[c].in, chains[c].out, w, h, 1, what);
      TestImage *in = test_image_new (chains[c].in, w, h, MEM_TIGHT);
      TestImage *out = test_image_new (chains[c].out, w, h, MEM_TIGHT);
      guint8 *ref, *dev, *got;
      UmatcvLayout layout = chains[c].in;
      gsize i, n = umatcv_chain_length (chain);

      test_image_fill_range (in, rand, RANGE_FULL);
      process_ok (converter, in, out, what);
      got = test_image_to_tight (out);

      /* step by step: ref is the CPU reference, dev the device's output */
      ref = test_image_to_tight (in);
      dev = NULL;
      for (i = 0; i < n; i++) {
        const gchar *name = umatcv_chain_step_name (chain, i);
        UmatcvChain *step = parse_ok (name);
        UmatcvLayout next = umatcv_chain_output_layout (step);
        UmatcvConverter *single = converter_new_ok (engine, step, layout,
            next, w, h, 1, name);
        TestImage *sin = test_image_new (layout, w, h, MEM_TIGHT);
        TestImage *sout = test_image_new (next, w, h, MEM_TIGHT);
        gchar *step_what = g_strdup_printf ("%s: step %" G_GSIZE_FORMAT
            " (%s)", what, i + 1, name);
        guint8 *next_ref, *step_got, *next_dev;
        gint tolerance = 0;

        /* the device's step on the reference's input */
        test_image_from_tight (sin, ref);
        process_ok (single, sin, sout, step_what);
        step_got = test_image_to_tight (sout);
        next_ref = ref_cvt (name, layout, ref, w, h, RANGE_FULL, &tolerance);
        compare_frames (step_got, next_ref, next, w, h, tolerance, step_what);
        g_free (step_got);

        /* the device's step on the device's own previous output */
        if (dev != NULL)
          test_image_from_tight (sin, dev);
        process_ok (single, sin, sout, step_what);
        next_dev = test_image_to_tight (sout);

        g_free (ref);
        g_free (dev);
        ref = next_ref;
        dev = next_dev;
        layout = next;
        g_free (step_what);
        test_image_free (sin);
        test_image_free (sout);
        umatcv_converter_free (single);
        umatcv_chain_free (step);
      }
      compare_frames (got, dev, chains[c].out, w, h, 0, what);
      if (!on_opencl)
        compare_frames (got, ref, chains[c].out, w, h, 0, what);

      g_free (ref);
      g_free (dev);
      g_free (got);
      test_image_free (in);
      test_image_free (out);
      umatcv_converter_free (converter);
      g_free (what);
    }
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 4. Padded strides, planes apart, odd chroma widths
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_strides)
{
  UmatcvEngine *engine = test_engine_new ("strides");
  GRand *rand = g_rand_new_with_seed (7);
  guint i, j;
  gint s, k;

  if (engine == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (video_layouts); i++) {
    for (j = 0; j < G_N_ELEMENTS (video_layouts); j++) {
      UmatcvLayout from = video_layouts[i], to = video_layouts[j];
      const Size *sizes = sizes_for (from, to);
      UmatcvChain *chain;

      if (layout_family (to) == FAMILY_YUV422 && to != from)
        continue;
      chain = route_ok (from, to);
      /* the two smaller sizes: odd chroma widths (7 and 639) for 4:2:0 */
      for (s = 0; s < 2; s++) {
        gint w = sizes[s].width, h = sizes[s].height;
        gchar *what = g_strdup_printf ("%s to %s at %dx%d",
            umatcv_layout_name (from), umatcv_layout_name (to), w, h);
        UmatcvConverter *converter =
            converter_new_ok (engine, chain, from, to, w, h, 1, what);
        TestImage *tin = test_image_new (from, w, h, MEM_TIGHT);
        TestImage *tout = test_image_new (to, w, h, MEM_TIGHT);
        guint8 *src, *want;

        test_image_fill_range (tin, rand, RANGE_FULL);
        process_ok (converter, tin, tout, what);
        src = test_image_to_tight (tin);
        want = test_image_to_tight (tout);

        for (k = MEM_PADDED; k <= MEM_APART; k++) {
          TestImage *in = test_image_new (from, w, h, k);
          TestImage *out = test_image_new (to, w, h, k);
          gchar *kwhat = g_strdup_printf ("%s, %s planes", what,
              memory_kind_names[k]);
          guint8 *in_after, *got;

          test_image_from_tight (in, src);
          process_ok (converter, in, out, kwhat);
          got = test_image_to_tight (out);
          compare_frames (got, want, to, w, h, 0, kwhat);
          assert_guards_intact (out, kwhat);
          /* the input is read only */
          in_after = test_image_to_tight (in);
          fail_unless (memcmp (in_after, src, tight_size (from, w, h)) == 0,
              "%s: the input frame changed", kwhat);
          assert_guards_intact (in, kwhat);
          g_free (in_after);
          g_free (got);
          g_free (kwhat);
          test_image_free (in);
          test_image_free (out);
        }
        g_free (src);
        g_free (want);
        test_image_free (tin);
        test_image_free (tout);
        umatcv_converter_free (converter);
        g_free (what);
      }
      umatcv_chain_free (chain);
    }
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 5. In place
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_in_place)
{
  static const struct
  {
    const gchar *chain;         /* NULL: the route */
    UmatcvLayout in, out;
  } cases[] = {
    {NULL, L (BGR), L (RGB)},
    {NULL, L (RGB), L (BGR)},
    {NULL, L (BGRA), L (RGBA)},
    {NULL, L (RGBA), L (BGRA)},
    {NULL, L (BGRX), L (BGRA)},
    {NULL, L (RGBX), L (BGRA)},
    {NULL, L (BGRA), L (RGBX)},
    {NULL, L (I420), L (YV12)},
    {NULL, L (YV12), L (I420)},
    {NULL, L (NV12), L (NV21)},
    {NULL, L (NV21), L (NV12)},
    {NULL, L (I420), L (NV12)},
    {NULL, L (NV12), L (YV12)},
    {NULL, L (NV21), L (I420)},
    {"BGR2HSV", L (BGR), L (HSV)},
    {"BGR2HSV,HSV2RGB", L (BGR), L (RGB)},
    {"RGB2Lab,Lab2BGR", L (RGB), L (BGR)},
    {"BGR2YCrCb", L (BGR), L (YCRCB)},
    {"RGBA2mRGBA", L (RGBA), L (MRGBA)},
  };
  UmatcvEngine *engine = test_engine_new ("in place");
  GRand *rand = g_rand_new_with_seed (99);
  guint c;
  gint s, k;

  if (engine == NULL)
    return;
  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    UmatcvLayout from = cases[c].in, to = cases[c].out;
    UmatcvChain *chain = cases[c].chain ? parse_ok (cases[c].chain)
        : route_ok (from, to);
    const Size *sizes = sizes_for (from, to);
    Geometry gf, gt;

    /* padded frames only where both layouts have the same planes: GStreamer
     * runs in place only then; tight frames of the same size always */
    layout_geometry (from, 2, 2, &gf);
    layout_geometry (to, 2, 2, &gt);
    for (s = 0; s < N_SIZES; s++) {
      gint w = sizes[s].width, h = sizes[s].height;
      gchar *what = g_strdup_printf ("%s (%s to %s) at %dx%d",
          cases[c].chain ? cases[c].chain : "route", umatcv_layout_name (from),
          umatcv_layout_name (to), w, h);
      UmatcvConverter *converter =
          converter_new_ok (engine, chain, from, to, w, h, 1, what);

      for (k = MEM_TIGHT; k <= (same_planes (&gf, &gt) ? MEM_PADDED :
              MEM_TIGHT); k++) {
        TestImage *in = test_image_new (from, w, h, k);
        TestImage *out = test_image_new (to, w, h, k);
        TestImage *both = test_image_new (from, w, h, k);
        UmatcvImage out_view = test_image_view (both, to);
        gchar *error = NULL;
        UmatcvStatus status;
        gchar *kwhat = g_strdup_printf ("%s, %s, in place", what,
            memory_kind_names[k]);
        guint8 *src, *want, *got;

        test_image_fill_range (in, rand, RANGE_FULL);
        src = test_image_to_tight (in);
        process_ok (converter, in, out, kwhat);
        want = test_image_to_tight (out);

        /* same geometry: `both` holds the input, then the output */
        test_image_from_tight (both, src);
        status = umatcv_converter_process (converter, &both->image, &out_view,
            &error);
        fail_unless (status == UMATCV_OK, "%s: %s: %s", kwhat,
            umatcv_status_name (status), error);
        got = image_to_tight (&out_view);
        compare_frames (got, want, to, w, h, 0, kwhat);
        assert_guards_intact (both, kwhat);

        g_free (src);
        g_free (want);
        g_free (got);
        g_free (kwhat);
        test_image_free (in);
        test_image_free (out);
        test_image_free (both);
      }
      umatcv_converter_free (converter);
      g_free (what);
    }
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 6. No allocation per frame
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_no_allocation_per_frame)
{
  static const struct
  {
    const gchar *chain;         /* NULL: the route */
    UmatcvLayout in, out;
  } cases[] = {
    {"BGR2HSV,HSV2RGB", L (BGR), L (RGB)},
    {NULL, L (BGR), L (NV12)},
    {"YUV2BGR_I420", L (I420), L (BGR)},
    {NULL, L (NV21), L (I420)},
  };
  const guint pool_size = 4;
  const gint w = 320, h = 240;
  UmatcvEngine *engine = test_engine_new ("allocations");
  GRand *rand = g_rand_new_with_seed (3);
  guint c;
  gint frame;

  if (engine == NULL)
    return;
  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    UmatcvLayout from = cases[c].in, to = cases[c].out;
    UmatcvChain *chain = cases[c].chain ? parse_ok (cases[c].chain)
        : route_ok (from, to);
    const gchar *name = cases[c].chain ? cases[c].chain : "route";
    UmatcvConverter *converter =
        converter_new_ok (engine, chain, from, to, w, h, pool_size, name);
    guint64 made = umatcv_converter_allocations (converter);
    TestImage *ins[3], *outs[3], *both;
    UmatcvImage both_out;
    gboolean same_size = tight_size (from, w, h) == tight_size (to, w, h);
    gint k;

    /* On OpenCL every slot holds the input and one UMat per step, the last
     * one of the output's layout (umatcv-converter.cpp, setup_opencl), and
     * nothing is made on the host: 4 x (1 + 2) = 12 for BGR2HSV,HSV2RGB;
     * a fused chain needs only the input and the output: 4 x (1 + 1). */
    if (on_opencl) {
      gsize per_slot = umatcv_converter_is_fused (converter) ? 1
          : umatcv_chain_length (chain);
      fail_unless (made == pool_size * (1 + per_slot),
          "%s: %" G_GUINT64_FORMAT " buffers made, expected %u x (1 + %"
          G_GSIZE_FORMAT ")", name, made, pool_size, per_slot);
    }

    for (k = 0; k < 3; k++) {
      ins[k] = test_image_new (from, w, h, k);
      outs[k] = test_image_new (to, w, h, k);
      test_image_fill_range (ins[k], rand, RANGE_FULL);
    }
    both = test_image_new (from, w, h, MEM_TIGHT);
    both_out = test_image_view (both, to);

    /* tight, padded, planes-apart and in-place frames take different paths */
    for (frame = 0; frame < 100; frame++) {
      gchar *error = NULL;
      UmatcvStatus status;

      if (frame % 4 < 3) {
        process_ok (converter, ins[frame % 4], outs[frame % 4], name);
        continue;
      }
      if (!same_size)
        continue;
      status = umatcv_converter_process (converter, &both->image, &both_out,
          &error);
      fail_unless (status == UMATCV_OK, "%s in place: %s", name, error);
    }
    fail_unless (umatcv_converter_allocations (converter) == made,
        "%s on %s: %" G_GUINT64_FORMAT " buffers after making the converter, "
        "%" G_GUINT64_FORMAT " after 100 frames", name,
        umatcv_engine_backend (engine), made,
        umatcv_converter_allocations (converter));

    for (k = 0; k < 3; k++) {
      test_image_free (ins[k]);
      test_image_free (outs[k]);
    }
    test_image_free (both);
    umatcv_converter_free (converter);
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* GStreamer may make a converter on one thread (caps) and use it on
 * another (streaming): frames converted on other threads, a converter freed
 * on yet another, while a second engine's converter interleaves. */
typedef struct
{
  UmatcvConverter *converter;
  const TestImage *in, *out;
  UmatcvStatus status;
  gchar *error;
} ThreadJob;

static gpointer
process_on_thread (gpointer data)
{
  ThreadJob *job = data;

  job->status = umatcv_converter_process (job->converter, &job->in->image,
      &job->out->image, &job->error);
  return NULL;
}

static gpointer
free_on_thread (gpointer data)
{
  umatcv_converter_free (data);
  return NULL;
}

GST_START_TEST (test_other_threads)
{
  static const UmatcvLayout pairs[][2] = {
    {L (BGR), L (NV12)}, {L (NV21), L (RGBA)}, {L (YUY2), L (I420)},
  };
  UmatcvEngine *engine = test_engine_new ("threads"), *cpu = NULL;
  GRand *rand = g_rand_new_with_seed (13);
  const gint w = 320, h = 240;
  guint i;
  gint frame;

  if (engine == NULL)
    return;
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu, NULL), UMATCV_OK);
  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    UmatcvLayout from = pairs[i][0], to = pairs[i][1];
    UmatcvChain *chain = route_ok (from, to);
    UmatcvConverter *converter = converter_new_ok (engine, chain, from, to,
        w, h, 2, "threads");
    UmatcvConverter *other = converter_new_ok (cpu, chain, from, to, w, h, 1,
        "threads, cpu");
    TestImage *in = test_image_new (from, w, h, MEM_PADDED);
    TestImage *out = test_image_new (to, w, h, MEM_PADDED);
    TestImage *cpu_out = test_image_new (to, w, h, MEM_TIGHT);
    gchar *what = g_strdup_printf ("%s to %s on another thread",
        umatcv_layout_name (from), umatcv_layout_name (to));

    for (frame = 0; frame < 3; frame++) {
      ThreadJob job = { converter, in, out, UMATCV_OK, NULL };
      guint8 *src, *got, *want;
      gint tolerance;

      test_image_fill_range (in, rand, RANGE_FULL);
      g_thread_join (g_thread_new ("umatcv-test", process_on_thread, &job));
      fail_unless (job.status == UMATCV_OK, "%s: %s", what, job.error);
      process_ok (other, in, cpu_out, "the cpu engine, in between");
      src = test_image_to_tight (in);
      got = test_image_to_tight (out);
      want = reference_convert (from, to, src, w, h, RANGE_FULL, &tolerance);
      compare_frames (got, want, to, w, h, tolerance, what);
      g_free (src);
      g_free (got);
      g_free (want);
    }
    g_thread_join (g_thread_new ("umatcv-test-free", free_on_thread,
            converter));
    umatcv_converter_free (other);
    test_image_free (in);
    test_image_free (out);
    test_image_free (cpu_out);
    umatcv_chain_free (chain);
    g_free (what);
  }
  g_rand_free (rand);
  umatcv_engine_free (cpu);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 7. Engines
 * ------------------------------------------------------------------------ */

/* Whether an OpenCL runtime (the ICD loader or PoCL) is mapped into this
 * process. */
static gboolean
opencl_mapped (void)
{
  gchar *maps = NULL;
  gboolean mapped;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  mapped = strstr (maps, "libOpenCL") != NULL || strstr (maps, "libpocl")
      != NULL;
  g_free (maps);
  return mapped;
}

/* A few frames through the engine, checked against the reference. */
static void
convert_a_few_frames (UmatcvEngine * engine, const gchar * test)
{
  static const UmatcvLayout pairs[][2] = {
    {L (BGR), L (I420)}, {L (NV12), L (RGBA)}, {L (YUY2), L (BGR)},
    {L (BGRX), L (RGBA)},
  };
  GRand *rand = g_rand_new_with_seed (11);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    UmatcvChain *chain = route_ok (pairs[i][0], pairs[i][1]);
    UmatcvConverter *converter = converter_new_ok (engine, chain, pairs[i][0],
        pairs[i][1], 64, 48, 2, test);
    TestImage *in = test_image_new (pairs[i][0], 64, 48, MEM_PADDED);
    TestImage *out = test_image_new (pairs[i][1], 64, 48, MEM_PADDED);
    guint8 *src, *got, *want;
    gint tolerance;

    test_image_fill_range (in, rand, RANGE_FULL);
    process_ok (converter, in, out, test);
    src = test_image_to_tight (in);
    got = test_image_to_tight (out);
    want = reference_convert (pairs[i][0], pairs[i][1], src, 64, 48,
        RANGE_FULL, &tolerance);
    compare_frames (got, want, pairs[i][1], 64, 48, tolerance, test);
    g_free (src);
    g_free (got);
    g_free (want);
    test_image_free (in);
    test_image_free (out);
    umatcv_converter_free (converter);
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
}

GST_START_TEST (test_engine_cpu)
{
  UmatcvEngine *engine = NULL;

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine,
          NULL), UMATCV_OK);
  fail_unless_equals_string (umatcv_engine_backend (engine), "cpu");
  fail_if (umatcv_engine_uses_opencl (engine));
  convert_a_few_frames (engine, "cpu engine");
  umatcv_engine_free (engine);
  /* with CK_FORK=no (valgrind, sanitizers) earlier tests loaded it */
  if (g_strcmp0 (g_getenv ("CK_FORK"), "no") != 0)
    fail_if (opencl_mapped (), "the cpu engine loaded an OpenCL runtime");
}

GST_END_TEST;

GST_START_TEST (test_engine_opencl)
{
  UmatcvEngine *engine;
  const gchar *backend;

  /* umatcv must find PoCL's CPU device by itself, which OpenCV's default
   * context would not take without this variable */
  g_unsetenv ("OPENCV_OPENCL_DEVICE");
  engine = engine_new_or_skip (UMATCV_DEVICE_OPENCL, "opencl engine");
  if (engine == NULL)
    return;
  backend = umatcv_engine_backend (engine);
  fail_unless (g_str_has_prefix (backend, "opencl:") && strlen (backend) > 7,
      "backend '%s'", backend);
  fail_unless (umatcv_engine_uses_opencl (engine));
  fail_unless (opencl_mapped (), "an OpenCL engine without OpenCL mapped?");
  use_tolerances_of (engine);
  convert_a_few_frames (engine, backend);
  umatcv_engine_free (engine);
}

GST_END_TEST;

GST_START_TEST (test_engine_opencl_disabled)
{
  UmatcvEngine *engine = NULL;
  gchar *error = NULL;

  /* OpenCV reads the variable once per process: with CK_FORK=no (as under
   * valgrind) earlier tests have already loaded OpenCL */
  if (g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0) {
    GST_INFO ("needs a process of its own; skipped with CK_FORK=no");
    return;
  }
  /* before any OpenCV call: OpenCV reads it once */
  g_setenv ("OPENCV_OPENCL_RUNTIME", "disabled", TRUE);

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine,
          &error), UMATCV_ERROR_NO_DEVICE);
  fail_unless (engine == NULL);
  fail_unless (error && strstr (error, "OpenCL") != NULL, "error: '%s'",
      error);
  g_clear_pointer (&error, umatcv_free);

  /* auto without OpenCL is no failure: a CPU engine, and a note why */
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &engine,
          &error), UMATCV_OK);
  umatcv_free (error);
  fail_unless_equals_string (umatcv_engine_backend (engine), "cpu");
  fail_if (umatcv_engine_uses_opencl (engine));
  convert_a_few_frames (engine, "auto engine, OpenCL disabled");
  umatcv_engine_free (engine);
}

GST_END_TEST;

GST_START_TEST (test_engine_opencl_device_variable)
{
  UmatcvEngine *engine = NULL, *plain_opencl, *plain_auto = NULL;
  gboolean gpu;

  /* before any OpenCV call */
  g_setenv ("OPENCV_OPENCL_DEVICE", ":CPU:", TRUE);

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &engine,
          NULL), UMATCV_OK);
  if (g_str_has_prefix (umatcv_engine_backend (engine), "opencl:")) {
    fail_unless (umatcv_engine_uses_opencl (engine));
    use_tolerances_of (engine);
    convert_a_few_frames (engine, umatcv_engine_backend (engine));
    umatcv_engine_free (engine);
    return;
  }
  umatcv_engine_free (engine);

  /* auto ran on the CPU: fine only where there is no OpenCL CPU device */
  g_unsetenv ("OPENCV_OPENCL_DEVICE");
  plain_opencl = engine_new_or_skip (UMATCV_DEVICE_OPENCL,
      "OPENCV_OPENCL_DEVICE=:CPU:");
  if (plain_opencl == NULL)
    return;
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &plain_auto,
          NULL), UMATCV_OK);
  /* auto takes GPUs only: if it found one, the device may be that GPU */
  gpu = umatcv_engine_uses_opencl (plain_auto);
  fail_unless (gpu, "OPENCV_OPENCL_DEVICE=:CPU: left auto on the CPU "
      "although OpenCL device %s is not a GPU",
      umatcv_engine_backend (plain_opencl));
  g_print ("SKIPPED: OPENCV_OPENCL_DEVICE=:CPU:: no OpenCL CPU device next "
      "to %s\n", umatcv_engine_backend (plain_auto));
  umatcv_engine_free (plain_opencl);
  umatcv_engine_free (plain_auto);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * 8. Bad arguments
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_bad_arguments)
{
  UmatcvChain *chain = (UmatcvChain *) 0x1, *bgr_i420;
  UmatcvEngine *engine = (UmatcvEngine *) 0x1;
  UmatcvConverter *converter = (UmatcvConverter *) 0x1;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  gint wa = 0, ha = 0;

  /* _free (NULL) and getters on NULL */
  umatcv_chain_free (NULL);
  umatcv_engine_free (NULL);
  umatcv_converter_free (NULL);
  umatcv_free (NULL);
  fail_unless_equals_int (umatcv_chain_length (NULL), 0);
  fail_unless (umatcv_chain_step_name (NULL, 0) == NULL);
  fail_unless_equals_int (umatcv_chain_input_layouts (NULL), 0);
  fail_unless_equals_int (umatcv_chain_output_layout (NULL),
      UMATCV_LAYOUT_NONE);
  fail_unless_equals_int (umatcv_chain_flags (NULL), 0);
  umatcv_chain_size_alignment (NULL, &wa, &ha);
  fail_unless (wa == 1 && ha == 1);
  umatcv_chain_size_alignment (NULL, NULL, NULL);
  fail_unless (umatcv_engine_backend (NULL) != NULL);
  fail_if (umatcv_engine_uses_opencl (NULL));
  fail_unless (umatcv_converter_allocations (NULL) == 0);
  fail_unless (umatcv_status_name ((UmatcvStatus) 1000) != NULL);
  fail_unless (umatcv_layout_name ((UmatcvLayout) 1000) != NULL);
  fail_unless (umatcv_layout_name ((UmatcvLayout) - 1) != NULL);
  fail_unless (umatcv_layout_info (UMATCV_N_LAYOUTS) == NULL);
  fail_unless (umatcv_layout_info (L (NONE)) == NULL);
  fail_unless (umatcv_layout_info ((UmatcvLayout) - 1) == NULL);
  fail_unless_equals_int (umatcv_layout_info (L (I420))->pixel_size, 0);
  fail_unless_equals_int (umatcv_layout_info (L (BGRX))->pixel_size, 4);
  fail_unless_equals_int (umatcv_layout_from_video_format (NULL), L (NONE));
  fail_unless_equals_int (umatcv_layout_from_video_format ("HSV"), L (NONE));

  /* chains */
  fail_unless_equals_int (umatcv_chain_parse (NULL, &chain, &error),
      UMATCV_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&error, umatcv_free);
  fail_unless_equals_int (umatcv_chain_parse ("BGR2HSV", NULL, &error),
      UMATCV_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&error, umatcv_free);
  fail_unless_equals_int (umatcv_chain_route (L (BGR), L (RGB), NULL, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route (L (NONE), L (RGB), &chain,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route (L (BGR), UMATCV_N_LAYOUTS,
          &chain, NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route ((UmatcvLayout) - 3, L (BGR),
          &chain, NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  /* HSV is no video format: auto mode has no route from it, and says so */
  chain = (UmatcvChain *) 0x1;
  fail_if (umatcv_chain_route (L (HSV), L (RGB), &chain, &error) ==
      UMATCV_OK);
  fail_unless (chain == NULL);
  fail_unless (error != NULL && strstr (error, "HSV") != NULL,
      "the error does not name HSV: %s", error);
  g_clear_pointer (&error, umatcv_free);
  fail_unless_equals_int (umatcv_chain_check (NULL, &error),
      UMATCV_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&error, umatcv_free);

  /* error sentences: NULL is allowed; set on failure only */
  fail_unless_equals_int (umatcv_chain_parse ("FOO2BAR", &chain, NULL),
      UMATCV_ERROR_UNKNOWN_CODE);
  fail_unless_equals_int (umatcv_chain_parse ("FOO2BAR", &chain, &error),
      UMATCV_ERROR_UNKNOWN_CODE);
  fail_unless (error != NULL && strstr (error, "FOO2BAR") != NULL);
  g_clear_pointer (&error, umatcv_free);
  fail_unless_equals_int (umatcv_chain_parse ("BGR2RGB", &chain, &error),
      UMATCV_OK);
  fail_unless (error == NULL, "success left an error: %s", error);
  umatcv_chain_free (chain);

  /* engines */
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, NULL,
          &error), UMATCV_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&error, umatcv_free);
  engine = NULL;
  fail_unless_equals_int (umatcv_engine_new ((UmatcvDevice) 42, &engine,
          &error), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (engine == NULL);
  g_clear_pointer (&error, umatcv_free);
  fail_unless_equals_int (umatcv_engine_new ((UmatcvDevice) - 1, &engine,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (engine == NULL);

  /* converters: made on the cpu engine, never touching OpenCL */
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine,
          NULL), UMATCV_OK);
  bgr_i420 = route_ok (L (BGR), L (I420));
#define SPEC(in, out, w, h, n) G_STMT_START {                           \
    umatcv_converter_spec_init (&spec, in, out, w, h);                  \
    spec.slots = n;                                                     \
  } G_STMT_END
#define ASSERT_NEW_REFUSED(e, c, conv) G_STMT_START {                   \
    fail_unless_equals_int (umatcv_converter_new (e, c, &spec, conv,    \
            &error), UMATCV_ERROR_INVALID_ARGUMENT);                    \
    fail_unless (error != NULL && error[0] != '\0', "no error text");   \
    g_clear_pointer (&error, umatcv_free);                              \
  } G_STMT_END
  SPEC (L (BGR), L (I420), 64, 48, 1);
  fail_unless_equals_int (umatcv_converter_new (engine, bgr_i420, &spec, NULL,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  converter = (UmatcvConverter *) 0x1;
  ASSERT_NEW_REFUSED (NULL, bgr_i420, &converter);
  fail_unless (converter == NULL);
  ASSERT_NEW_REFUSED (engine, NULL, &converter);
  fail_unless_equals_int (umatcv_converter_new (engine, bgr_i420, NULL,
          &converter, NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  SPEC (L (BGR), L (I420), 0, 48, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  SPEC (L (BGR), L (I420), 64, -2, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  SPEC (L (BGR), L (I420), 64, 48, 0);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  SPEC (L (NONE), L (I420), 64, 48, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  SPEC (L (BGR), UMATCV_N_LAYOUTS, 64, 48, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  /* 4:2:0 needs even sizes */
  SPEC (L (BGR), L (I420), 63, 48, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  fail_unless (converter == NULL);
  SPEC (L (BGR), L (I420), 64, 47, 1);
  ASSERT_NEW_REFUSED (engine, bgr_i420, &converter);
  fail_unless (converter == NULL);
  umatcv_chain_free (bgr_i420);
#undef ASSERT_NEW_REFUSED
#undef SPEC

  umatcv_engine_free (engine);
}

GST_END_TEST;

/* converter_new with a chain that does not turn `in` into `out`. */
static void
assert_converter_refused (UmatcvEngine * engine, const gchar * text,
    UmatcvLayout in, UmatcvLayout out, gint width, gint height)
{
  UmatcvChain *chain = text[0] ? parse_ok (text) : route_ok (in, in);
  UmatcvConverter *converter = (UmatcvConverter *) 0x1;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  UmatcvStatus status;

  umatcv_converter_spec_init (&spec, in, out, width, height);
  spec.slots = 2;
  status = umatcv_converter_new (engine, chain, &spec, &converter, &error);
  fail_if (status == UMATCV_OK, "'%s' accepted as a conversion from %s to %s",
      text, umatcv_layout_name (in), umatcv_layout_name (out));
  fail_unless (converter == NULL);
  fail_unless (error != NULL && error[0] != '\0',
      "'%s' from %s to %s: no error text", text, umatcv_layout_name (in),
      umatcv_layout_name (out));
  umatcv_free (error);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
}

GST_START_TEST (test_converter_refuses_wrong_chain)
{
  UmatcvEngine *engine = test_engine_new ("wrong chains");

  if (engine == NULL)
    return;
  /* the first step does not take the input */
  assert_converter_refused (engine, "BGR2HSV", L (RGB), L (HSV), 64, 48);
  assert_converter_refused (engine, "YUV2BGR_NV12", L (I420), L (BGR), 64, 48);
  assert_converter_refused (engine, "BGR2HSV,HSV2RGB", L (GRAY), L (RGB), 64,
      48);
  /* the last step gives another geometry than the output */
  assert_converter_refused (engine, "BGR2GRAY", L (BGR), L (BGR), 64, 48);
  assert_converter_refused (engine, "BGR2YUV_I420", L (BGR), L (BGR), 64, 48);
  assert_converter_refused (engine, "BGR2BGRA", L (BGR), L (BGR), 64, 48);
  assert_converter_refused (engine, "BGR2YUV_I420", L (BGR), L (NV12), 64, 48);
  assert_converter_refused (engine, "", L (BGR), L (GRAY), 64, 48);
  assert_converter_refused (engine, "", L (I420), L (YUY2), 64, 48);
  /* steps that do not connect */
  assert_converter_refused (engine, "BGR2HSV,RGB2GRAY", L (BGR), L (GRAY), 64,
      48);
  /* odd sizes where 4:2:x is on the way */
  assert_converter_refused (engine, "BGR2YUV_I420,YUV2BGR_I420", L (BGR),
      L (BGR), 63, 48);
  assert_converter_refused (engine, "YUV2BGR_YUY2", L (YUY2), L (BGR), 63, 47);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* A converter refuses a chain whose output is not the frame's layout, even
 * one of the same size (BGR2RGB into a frame called BGR): frames would come
 * out mislabelled. Padding may stand for alpha (BGRA into BGRx). */
GST_START_TEST (test_converter_refuses_mislabelled_output)
{
  UmatcvEngine *engine = test_engine_new ("mislabelled output");

  if (engine == NULL)
    return;
  assert_converter_refused (engine, "BGR2RGB", L (BGR), L (BGR), 64, 48);
  assert_converter_refused (engine, "BGR2HSV", L (BGR), L (RGB), 64, 48);
  assert_converter_refused (engine, "BGR2HSV,HSV2RGB", L (BGR), L (BGR), 64,
      48);
  assert_converter_refused (engine, "BGR2RGBA", L (BGR), L (BGRA), 64, 48);
  assert_converter_refused (engine, "", L (BGR), L (RGB), 64, 48);
  assert_converter_refused (engine, "", L (I420), L (YV12), 64, 48);
  umatcv_engine_free (engine);
}

GST_END_TEST;

GST_START_TEST (test_process_bad_frames)
{
  UmatcvEngine *engine = test_engine_new ("bad frames");
  UmatcvChain *chain;
  UmatcvConverter *converter;
  TestImage *in, *out;
  GRand *rand;
  guint8 *before, *after;
  gchar *error = NULL;
  UmatcvImage bad;
  guint i;
  const gint w = 64, h = 48;

  if (engine == NULL)
    return;
  rand = g_rand_new_with_seed (5);
  chain = route_ok (L (I420), L (BGR));
  converter = converter_new_ok (engine, chain, L (I420), L (BGR), w, h, 2,
      "I420 to BGR");
  in = test_image_new (L (I420), w, h, MEM_TIGHT);
  out = test_image_new (L (BGR), w, h, MEM_TIGHT);
  test_image_fill_range (in, rand, RANGE_FULL);
  test_image_fill_range (out, rand, RANGE_FULL);
  before = g_memdup2 (out->block, out->size);

#define ASSERT_REFUSED(conv, i_, o_, why) G_STMT_START {                  \
    UmatcvStatus status_;                                               \
    status_ = umatcv_converter_process (conv, i_, o_, &error);          \
    fail_unless (status_ == UMATCV_ERROR_INVALID_ARGUMENT,              \
        "%s: %s, expected invalid argument", why,                       \
        umatcv_status_name (status_));                                  \
    fail_unless (error != NULL && error[0] != '\0', "%s: no error text", \
        why);                                                           \
    g_clear_pointer (&error, umatcv_free);                              \
  } G_STMT_END

  ASSERT_REFUSED (NULL, &in->image, &out->image, "no converter");
  ASSERT_REFUSED (converter, NULL, &out->image, "no input");
  ASSERT_REFUSED (converter, &in->image, NULL, "no output");

  bad = in->image;
  bad.layout = L (YV12);
  ASSERT_REFUSED (converter, &bad, &out->image, "input layout");
  bad = out->image;
  bad.layout = L (RGB);
  ASSERT_REFUSED (converter, &in->image, &bad, "output layout");
  bad = in->image;
  bad.width = w - 2;
  ASSERT_REFUSED (converter, &bad, &out->image, "input width");
  bad = out->image;
  bad.height = h + 2;
  ASSERT_REFUSED (converter, &in->image, &bad, "output height");
  for (i = 0; i < 3; i++) {
    gchar *why = g_strdup_printf ("input plane %u missing", i);
    bad = in->image;
    bad.planes[i] = NULL;
    ASSERT_REFUSED (converter, &bad, &out->image, why);
    g_free (why);
    why = g_strdup_printf ("input plane %u stride a byte short", i);
    bad = in->image;
    bad.strides[i]--;
    ASSERT_REFUSED (converter, &bad, &out->image, why);
    g_free (why);
  }
  bad = out->image;
  bad.strides[0] = w * 3 - 1;
  ASSERT_REFUSED (converter, &in->image, &bad, "output stride a byte short");
  bad = out->image;
  bad.strides[0] = 0;
  ASSERT_REFUSED (converter, &in->image, &bad, "output stride 0");
  bad = out->image;
  bad.planes[0] = NULL;
  ASSERT_REFUSED (converter, &in->image, &bad, "no output plane");
#undef ASSERT_REFUSED

  /* nothing written by refused calls, and the converter still works */
  after = out->block;
  fail_unless (memcmp (before, after, out->size) == 0,
      "a refused call wrote into the output");
  process_ok (converter, in, out, "I420 to BGR after refusals");

  g_free (before);
  test_image_free (in);
  test_image_free (out);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_suite (void)
{
  Suite *s = suite_create ("umatcv");
  TCase *tc_chain = tcase_create ("chains");
  TCase *tc_convert = tcase_create ("converters");
  TCase *tc_engine = tcase_create ("engines");
  const gchar *device = g_getenv ("UMAT_TEST_DEVICE");

  if (device == NULL || g_strcmp0 (device, "cpu") == 0)
    test_device = UMATCV_DEVICE_CPU;
  else if (g_strcmp0 (device, "opencl") == 0)
    test_device = UMATCV_DEVICE_OPENCL;
  else
    g_error ("UMAT_TEST_DEVICE must be cpu or opencl, not '%s'", device);

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_parse_valid);
  tcase_add_test (tc_chain, test_parse_errors);
  tcase_add_test (tc_chain, test_chain_check);
  tcase_add_test (tc_chain, test_chain_layouts);
  tcase_add_test (tc_chain, test_chain_flags_and_alignment);
  tcase_add_test (tc_chain, test_route_table);

  suite_add_tcase (s, tc_convert);
  tcase_add_test (tc_convert, test_routes_from_rgb);
  tcase_add_test (tc_convert, test_routes_from_yuv420);
  tcase_add_test (tc_convert, test_routes_from_yuv422);
  tcase_add_test (tc_convert, test_chains_convert);
  tcase_add_test (tc_convert, test_strides);
  tcase_add_test (tc_convert, test_in_place);
  tcase_add_test (tc_convert, test_no_allocation_per_frame);
  tcase_add_test (tc_convert, test_other_threads);
  tcase_add_test (tc_convert, test_converter_refuses_wrong_chain);
  tcase_add_test (tc_convert, test_process_bad_frames);
  tcase_add_test (tc_convert, test_converter_refuses_mislabelled_output);

  suite_add_tcase (s, tc_engine);
  tcase_add_test (tc_engine, test_engine_cpu);
  tcase_add_test (tc_engine, test_engine_opencl);
  tcase_add_test (tc_engine, test_engine_opencl_disabled);
  tcase_add_test (tc_engine, test_engine_opencl_device_variable);
  tcase_add_test (tc_engine, test_bad_arguments);

  return s;
}

GST_CHECK_MAIN (umatcv);
