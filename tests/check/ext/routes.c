/* GStreamer
 * Unit tests for umatcv's converters against an independent computation:
 * every route auto mode takes, and chains of explicit codes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reference is OpenCV's CPU cvtColor through cvref between the layouts
 * OpenCV knows, and umatcv's edges written out from their definition where
 * Y'CbCr or another layout is at an end (tests/check/support). Sizes are
 * odd wherever the route allows. Runs on the backend UMAT_TEST_DEVICE
 * names.
 *
 * UMAT_TEST_VERBOSE=1 prints the largest difference of every route.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

static UmatcvLayout video_layouts[UMATCV_N_LAYOUTS];
static guint n_video_layouts;

static gboolean
verbose (void)
{
  return g_strcmp0 (g_getenv ("UMAT_TEST_VERBOSE"), "1") == 0;
}

/* Converts random frames of every size through the route from -> to and
 * compares each with the reference: through two slots on OpenCL, a frame
 * of full-range data, then one of OpenCV's test range. */
static void
check_route_conversions (UmatcvEngine * engine, UmatcvLayout from,
    UmatcvLayout to, GRand * rand)
{
  const gchar *backend = umatcv_engine_backend (engine);
  UmatcvChain *chain = umattest_route (from, to);
  gint max[2] = { 0, 0 }, tolerance[2] = { 0, 0 };
  UmattestSize sizes[UMATTEST_N_SIZES];
  UmattestData data;
  gint wa, ha;
  guint s;

  umatcv_chain_size_alignment (chain, &wa, &ha);
  umattest_sizes (wa, ha, sizes);
  for (s = 0; s < (umattest_thorough ()? UMATTEST_N_SIZES : 1); s++) {
    gint w = sizes[s].width, h = sizes[s].height;
    gchar *what = g_strdup_printf ("%s to %s at %dx%d on %s",
        umatcv_layout_name (from), umatcv_layout_name (to), w, h, backend);
    UmatcvConverter *converter = umattest_converter_new (engine, chain, from,
        to, w, h, 2, what);

    for (data = UMATTEST_DATA_FULL; data <= UMATTEST_DATA_OPENCV; data++) {
      UmattestFrame *in = umattest_frame_new (from, w, h, UMATTEST_TIGHT);
      UmattestFrame *out = umattest_frame_new (to, w, h, UMATTEST_TIGHT);
      UmattestImage *src, *got, *want;
      gchar **codes = NULL;

      umattest_frame_fill (in, rand, data);
      umattest_process (converter, &in->image, &out->image, what);
      src = umattest_frame_pack (in);
      got = umattest_frame_pack (out);
      want = umattest_reference_convert (src, to, &codes);
      tolerance[data] = umattest_codes_tolerance (backend,
          (const gchar * const *) codes, data);
      max[data] = MAX (max[data], umattest_assert_images_close (got, want,
              tolerance[data], UMATTEST_COMPARE_ALL, "%s, %s data", what,
              data == UMATTEST_DATA_FULL ? "full-range" : "OpenCV's test"));
      umattest_assert_guards_intact (out, what);
      g_strfreev (codes);
      umattest_image_free (src);
      umattest_image_free (got);
      umattest_image_free (want);
      umattest_frame_free (in);
      umattest_frame_free (out);
    }
    umatcv_converter_free (converter);
    g_free (what);
  }
  if (verbose ())
    g_print ("%s to %s (%s): largest difference %d on data 0..255 "
        "(tolerance %d), %d on 2..100 (tolerance %d)\n",
        umatcv_layout_name (from), umatcv_layout_name (to),
        umatcv_chain_length (chain) ? umatcv_chain_step_name (chain, 0) :
        "copy", max[UMATTEST_DATA_FULL], tolerance[UMATTEST_DATA_FULL],
        max[UMATTEST_DATA_OPENCV], tolerance[UMATTEST_DATA_OPENCV]);
  umatcv_chain_free (chain);
}

static void
check_routes_from (UmattestFamily family)
{
  UmatcvEngine *engine = umattest_engine_new ();
  GRand *rand = g_rand_new_with_seed (0x5eed + family);
  guint i, j;

  for (i = 0; i < n_video_layouts; i++) {
    if (umattest_family (video_layouts[i]) != family)
      continue;
    for (j = 0; j < n_video_layouts; j++) {
      UmatcvLayout to = video_layouts[j];
      /* nothing converts into a format only read (ext/chains) */
      if (umatcv_layout_info (to)->input_only && to != video_layouts[i])
        continue;
      check_route_conversions (engine, video_layouts[i], to, rand);
    }
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_START_TEST (test_routes_from_rgb)
{
  check_routes_from (UMATTEST_RGB);
}

GST_END_TEST;

GST_START_TEST (test_routes_from_yuv420)
{
  check_routes_from (UMATTEST_YUV420);
}

GST_END_TEST;

GST_START_TEST (test_routes_from_yuv422)
{
  check_routes_from (UMATTEST_YUV422);
}

GST_END_TEST;

GST_START_TEST (test_routes_from_yuv444)
{
  check_routes_from (UMATTEST_YUV444);
}

GST_END_TEST;

/* Chains of explicit codes against OpenCV's own code: on the CPU exactly;
 * run as one generated kernel, within the fused tolerance of the CPU;
 * step by step on OpenCL, each step within its OpenCL tolerance, or, where
 * inverse steps could magnify a 1-off, exactly OpenCV's OpenCL kernels on
 * the same device (umattest_chain_reference). Each code's own distance to
 * the CPU is checked in the element tests and tests/check/fused. */
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
  UmatcvEngine *engine = umattest_engine_new ();
  const gchar *backend = umatcv_engine_backend (engine);
  GRand *rand = g_rand_new_with_seed (42);
  gint wa, ha;
  guint c, s;

  for (c = 0; c < G_N_ELEMENTS (chains); c++) {
    UmatcvChain *chain = umattest_parse (chains[c].text);
    gchar **codes = g_strsplit (chains[c].text, ",", -1);
    UmattestSize sizes[UMATTEST_N_SIZES];

    umatcv_chain_size_alignment (chain, &wa, &ha);
    umattest_sizes (wa, ha, sizes);
    for (s = 0; s < UMATTEST_N_SIZES; s++) {
      gint w = sizes[s].width, h = sizes[s].height, tolerance;
      gchar *what = g_strdup_printf ("%s at %dx%d on %s", chains[c].text, w,
          h, backend);
      UmatcvConverter *converter = umattest_converter_new (engine, chain,
          chains[c].in, chains[c].out, w, h, 1, what);
      UmattestFrame *in = umattest_frame_new (chains[c].in, w, h,
          UMATTEST_TIGHT);
      UmattestFrame *out = umattest_frame_new (chains[c].out, w, h,
          UMATTEST_TIGHT);
      UmattestImage *src, *got, *want;

      umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
      umattest_process (converter, &in->image, &out->image, what);
      src = umattest_frame_pack (in);
      got = umattest_frame_pack (out);
      want = umattest_chain_reference (src, (const gchar * const *) codes,
          backend, umatcv_converter_is_fused (converter), &tolerance);
      umattest_assert_images_close (got, want, tolerance,
          UMATTEST_COMPARE_ALL, "%s%s", what,
          umatcv_converter_is_fused (converter) ? ", fused" : "");

      umattest_image_free (src);
      umattest_image_free (got);
      umattest_image_free (want);
      umattest_frame_free (in);
      umattest_frame_free (out);
      umatcv_converter_free (converter);
      g_free (what);
    }
    g_strfreev (codes);
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_routes_suite (void)
{
  Suite *s = suite_create ("umatcv-routes");
  TCase *tc = tcase_create ("routes");

  umattest_require_opencl (FALSE);
  n_video_layouts = umattest_video_layouts (video_layouts);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_routes_from_rgb);
  tcase_add_test (tc, test_routes_from_yuv420);
  tcase_add_test (tc, test_routes_from_yuv422);
  tcase_add_test (tc, test_routes_from_yuv444);
  tcase_add_test (tc, test_chains_convert);
  return s;
}

GST_CHECK_MAIN (umatcv_routes);
