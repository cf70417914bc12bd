/* GStreamer
 * Fused chain kernels against OpenCV's CPU cvtColor, on every colour.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain the generator covers runs as one OpenCL kernel
 * (ext/umatcv/umatcv-fused.cpp). Each test here converts a 4096x4096 image
 * holding all 2^24 byte triples (every RGB colour) with one code or chain
 * between two video formats, fused, and compares every byte with OpenCV's
 * CPU cvtColor run step by step (tests/check/reference). The codes into a
 * colour space (HSV, YCrCb, XYZ, HLS) run as round trips: a converter's ends
 * are video formats, so the inverse codes no longer see every value of
 * their space. BGR2Lab is not checked: Lab2BGR is not covered, and nothing
 * else ends a chain from Lab. YUV inputs hold every (U, V) pair under
 * pseudo-random luma. The fused kernels must be exact, except the HLS codes
 * (within 2, as the issue allows: 1 measured). The whole image costs about
 * a second per code on PoCL on two cores.
 *
 * Environment: fused kernels are OpenCL only: without an OpenCL device the
 * program skips (77), or fails with UMAT_REQUIRE_OPENCL=1;
 * UMAT_FUSED_SIZE=<n> uses n x n images instead (n even; only 4096 holds
 * every colour).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

static gint side = 4096;

/* Every byte triple (then a varying 4th byte), every GRAY level, or every
 * (U, V) pair of 4:2:0 under pseudo-random luma; 4:2:2 pseudo-random. */
static UmattestImage *
all_values (UmatcvLayout layout)
{
  UmattestImage *f = umattest_image_new (layout, side, side);
  gint n = umatcv_layout_info (layout)->pixel_size;
  GRand *rand = g_rand_new_with_seed (4);
  gsize i;

  if (n == 3 || n == 4) {
    for (i = 0; i < (gsize) side * side; i++) {
      guint8 *p = f->data + i * n;
      p[0] = i & 255;
      p[1] = (i >> 8) & 255;
      p[2] = (i >> 16) & 255;
      if (n == 4)
        p[3] = (i * 7 + i / side) & 255;
    }
  } else if (n == 1) {
    for (i = 0; i < f->size; i++)
      f->data[i] = (i * 31 + i / side) & 255;
  } else if (n == 2) {
    for (i = 0; i < f->size; i++)
      f->data[i] = g_rand_int (rand) & 255;
  } else {
    gsize luma = (gsize) side * side, quarter = luma / 4;
    UmattestImage *i420 = umattest_image_new (L (I420), side, side);

    for (i = 0; i < luma; i++)
      i420->data[i] = g_rand_int (rand) & 255;
    /* chroma sample i gets U = i, V = i >> 8 whatever the plane order */
    for (i = 0; i < quarter; i++) {
      i420->data[luma + i] = i & 255;
      i420->data[luma + quarter + i] = (i >> 8) & 255;
    }
    umattest_image_free (f);
    f = umattest_repack_420 (i420, layout);
    umattest_image_free (i420);
  }
  g_rand_free (rand);
  return f;
}

/* Runs `text` (a chain, or "" for auto mode's route) from `in` to `out`
 * fused and checks every byte against OpenCV's CPU code. */
static void
check_fused (const gchar * text, UmatcvLayout in, UmatcvLayout out,
    gint tolerance)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvChain *chain = *text ? umattest_parse (text)
      : umattest_route (in, out);
  UmatcvConverter *converter = NULL;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  UmattestImage *src, *got, *want;
  UmatcvImage in_image, out_image;
  gint worst;

  umatcv_converter_spec_init (&spec, in, out, side, side);
  fail_unless (umatcv_converter_new (engine, chain, &spec, &converter,
          &error) == UMATCV_OK, "%s: %s", text, error);
  fail_unless (umatcv_converter_is_fused (converter),
      "%s (%s to %s) does not run as one kernel", text,
      umatcv_layout_name (in), umatcv_layout_name (out));

  src = all_values (in);
  got = umattest_image_new (out, side, side);
  in_image = umattest_image_umatcv (src);
  out_image = umattest_image_umatcv (got);
  umattest_process (converter, &in_image, &out_image, text);

  want = *text ? umattest_cvt_chain (src, text, FALSE)
      : umattest_reference_convert (src, out, NULL);
  worst = umattest_assert_images_close (got, want, tolerance,
      UMATTEST_COMPARE_ALL, "%s (%s to %s), fused", *text ? text : "route",
      umatcv_layout_name (in), umatcv_layout_name (out));
  GST_INFO ("%s (%s to %s): largest difference %d", text,
      umatcv_layout_name (in), umatcv_layout_name (out), worst);

  umattest_image_free (src);
  umattest_image_free (got);
  umattest_image_free (want);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  umatcv_engine_free (engine);
}

#define EXACT(name, text, in, out) \
  GST_START_TEST (name) { check_fused (text, L (in), L (out), 0); } \
  GST_END_TEST

EXACT (test_bgr2rgb, "BGR2RGB", BGR, RGB);
EXACT (test_bgra2rgba, "BGRA2RGBA", BGRA, RGBA);
EXACT (test_bgr2bgra, "BGR2BGRA", BGR, BGRA);
EXACT (test_rgba2bgr, "RGBA2BGR", RGBA, BGR);
EXACT (test_bgrx_to_rgba, "", BGRX, RGBA);      /* swap, then alpha 255 */
EXACT (test_bgr2gray, "BGR2GRAY", BGR, GRAY);
EXACT (test_rgba2gray, "RGBA2GRAY", RGBA, GRAY);
EXACT (test_gray2bgr, "GRAY2BGR", GRAY, BGR);
EXACT (test_gray2rgba, "GRAY2RGBA", GRAY, RGBA);
/* a converter's ends are video formats: the codes into and out of the
 * colour spaces run as round trips, every colour in */
EXACT (test_hsv_round_trip, "BGR2HSV,HSV2BGR", BGR, BGR);
EXACT (test_hsv_full_round_trip, "RGB2HSV_FULL,HSV2RGB_FULL", RGB, RGB);
EXACT (test_ycrcb_round_trip, "BGR2YCrCb,YCrCb2RGB", BGR, RGB);
EXACT (test_xyz_round_trip, "BGR2XYZ,XYZ2RGB", BGR, RGB);
EXACT (test_i420_to_bgr, "YUV2BGR_I420", I420, BGR);
EXACT (test_yv12_to_rgb, "YUV2RGB_YV12", YV12, RGB);
EXACT (test_nv12_to_bgra, "YUV2BGRA_NV12", NV12, BGRA);
EXACT (test_nv21_to_rgba, "YUV2RGBA_NV21", NV21, RGBA);
EXACT (test_i420_to_gray, "YUV2GRAY_420", I420, GRAY);
EXACT (test_yuy2_to_bgr, "YUV2BGR_YUY2", YUY2, BGR);
EXACT (test_uyvy_to_rgb, "YUV2RGB_UYVY", UYVY, RGB);
EXACT (test_yvyu_to_bgra, "YUV2BGRA_YVYU", YVYU, BGRA);
EXACT (test_yuy2_to_gray, "YUV2GRAY_YUY2", YUY2, GRAY);
EXACT (test_bgr_to_i420, "BGR2YUV_I420", BGR, I420);
EXACT (test_rgba_to_yv12, "RGBA2YUV_YV12", RGBA, YV12);
EXACT (test_nv12_hsv_to_i420, "YUV2BGR_NV12,BGR2HSV,HSV2BGR,BGR2YUV_I420",
    NV12, I420);

/* HLS: OpenCV's CPU code (color_hsv.simd.hpp) is a SIMD float algorithm of
 * its own; the fused kernel computes as OpenCV's OpenCL kernel does (1
 * measured on each code alone). */
#define WITHIN(name, text, in, out, tolerance) \
  GST_START_TEST (name) { check_fused (text, L (in), L (out), tolerance); } \
  GST_END_TEST

WITHIN (test_hls_round_trip, "BGR2HLS,HLS2BGR", BGR, BGR, 2);
WITHIN (test_hls_full_round_trip, "RGB2HLS_FULL,HLS2RGB_FULL", RGB, RGB, 2);

/* Lab2BGR is not covered (its 8-bit CPU code is an integer algorithm the
 * generator does not copy): such a chain runs step by step, and says so. */
GST_START_TEST (test_uncovered_step_runs_step_by_step)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvChain *chain = NULL;
  UmatcvConverter *converter = NULL;
  UmatcvConverterSpec spec;

  umatcv_converter_spec_init (&spec, L (BGR), L (BGR), 64, 32);
  spec.slots = 2;
  fail_unless (umatcv_chain_parse ("BGR2Lab,Lab2BGR", &chain,
          NULL) == UMATCV_OK);
  fail_unless (umatcv_converter_new (engine, chain, &spec, &converter,
          NULL) == UMATCV_OK);
  fail_if (umatcv_converter_is_fused (converter));
  umatcv_converter_free (converter);
  /* and fuse = 0 keeps OpenCV's kernels even for a covered chain */
  umatcv_chain_free (chain);
  fail_unless (umatcv_chain_parse ("BGR2HSV,HSV2BGR", &chain,
          NULL) == UMATCV_OK);
  spec.fuse = 0;
  fail_unless (umatcv_converter_new (engine, chain, &spec, &converter,
          NULL) == UMATCV_OK);
  fail_if (umatcv_converter_is_fused (converter));
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);

  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
fused_suite (void)
{
  Suite *s = suite_create ("fused");
  TCase *exact = tcase_create ("exact");
  TCase *hls = tcase_create ("hls");
  TCase *fallback = tcase_create ("fallback");
  const gchar *size = g_getenv ("UMAT_FUSED_SIZE");

  /* fused kernels are OpenCL only, whatever the backend asked for */
  g_setenv ("UMAT_TEST_DEVICE", "opencl", TRUE);
  umattest_require_opencl (TRUE);
  if (size && atoi (size) >= 2)
    side = atoi (size) & ~1;

  suite_add_tcase (s, exact);
  tcase_add_test (exact, test_bgr2rgb);
  tcase_add_test (exact, test_bgra2rgba);
  tcase_add_test (exact, test_bgr2bgra);
  tcase_add_test (exact, test_rgba2bgr);
  tcase_add_test (exact, test_bgrx_to_rgba);
  tcase_add_test (exact, test_bgr2gray);
  tcase_add_test (exact, test_rgba2gray);
  tcase_add_test (exact, test_gray2bgr);
  tcase_add_test (exact, test_gray2rgba);
  tcase_add_test (exact, test_hsv_round_trip);
  tcase_add_test (exact, test_hsv_full_round_trip);
  tcase_add_test (exact, test_ycrcb_round_trip);
  tcase_add_test (exact, test_xyz_round_trip);
  tcase_add_test (exact, test_i420_to_bgr);
  tcase_add_test (exact, test_yv12_to_rgb);
  tcase_add_test (exact, test_nv12_to_bgra);
  tcase_add_test (exact, test_nv21_to_rgba);
  tcase_add_test (exact, test_i420_to_gray);
  tcase_add_test (exact, test_yuy2_to_bgr);
  tcase_add_test (exact, test_uyvy_to_rgb);
  tcase_add_test (exact, test_yvyu_to_bgra);
  tcase_add_test (exact, test_yuy2_to_gray);
  tcase_add_test (exact, test_bgr_to_i420);
  tcase_add_test (exact, test_rgba_to_yv12);
  tcase_add_test (exact, test_nv12_hsv_to_i420);
  suite_add_tcase (s, hls);
  tcase_add_test (hls, test_hls_round_trip);
  tcase_add_test (hls, test_hls_full_round_trip);
  suite_add_tcase (s, fallback);
  tcase_add_test (fallback, test_uncovered_step_runs_step_by_step);
  return s;
}

GST_CHECK_MAIN (fused);
