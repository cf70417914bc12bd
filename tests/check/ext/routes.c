/* GStreamer
 * Unit tests for umatcv's converters against an independent computation:
 * every route auto mode takes, and chains of explicit codes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reference is OpenCV's CPU cvtColor through cvref on tightly packed
 * frames, plus the plane shuffles and alpha fills written out in
 * tests/check/support. Runs on the backend UMAT_TEST_DEVICE names.
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
  guint s;

  umattest_sizes (from, to, sizes);
  for (s = 0; s < UMATTEST_N_SIZES; s++) {
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

/* Runs `image` through one code on the engine. */
static UmattestImage *
device_step (UmatcvEngine * engine, const gchar * code,
    const UmattestImage * image, const gchar * what)
{
  UmatcvChain *step = umattest_parse (code);
  UmatcvLayout next = umatcv_chain_output_layout (step);
  UmatcvConverter *single = umattest_converter_new (engine, step,
      image->layout, next, image->width, image->height, 1, what);
  UmattestFrame *in = umattest_frame_new (image->layout, image->width,
      image->height, UMATTEST_TIGHT);
  UmattestFrame *out = umattest_frame_new (next, image->width, image->height,
      UMATTEST_TIGHT);
  UmattestImage *result;

  umattest_frame_unpack (in, image);
  umattest_process (single, &in->image, &out->image, what);
  result = umattest_frame_pack (out);
  umattest_frame_free (in);
  umattest_frame_free (out);
  umatcv_converter_free (single);
  umatcv_chain_free (step);
  return result;
}

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
  UmatcvEngine *engine = umattest_engine_new ();
  const gchar *backend = umatcv_engine_backend (engine);
  GRand *rand = g_rand_new_with_seed (42);
  guint c, s;

  for (c = 0; c < G_N_ELEMENTS (chains); c++) {
    UmatcvChain *chain = umattest_parse (chains[c].text);
    UmattestSize sizes[UMATTEST_N_SIZES];

    umattest_sizes (chains[c].in, chains[c].out, sizes);
    for (s = 0; s < UMATTEST_N_SIZES; s++) {
      gint w = sizes[s].width, h = sizes[s].height;
      gchar *what = g_strdup_printf ("%s at %dx%d on %s", chains[c].text, w,
          h, backend);
      UmatcvConverter *converter = umattest_converter_new (engine, chain,
          chains[c].in, chains[c].out, w, h, 1, what);
      UmattestFrame *in = umattest_frame_new (chains[c].in, w, h,
          UMATTEST_TIGHT);
      UmattestFrame *out = umattest_frame_new (chains[c].out, w, h,
          UMATTEST_TIGHT);
      UmattestImage *ref, *dev = NULL, *got;
      gsize i, n = umatcv_chain_length (chain);

      umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
      umattest_process (converter, &in->image, &out->image, what);
      got = umattest_frame_pack (out);

      /* step by step: ref is the CPU reference, dev the device's output */
      ref = umattest_frame_pack (in);
      for (i = 0; i < n; i++) {
        const gchar *name = umatcv_chain_step_name (chain, i);
        gchar *step_what = g_strdup_printf ("%s: step %" G_GSIZE_FORMAT
            " (%s)", what, i + 1, name);
        UmattestImage *next_ref, *step_got, *next_dev;

        /* the device's step on the reference's input */
        step_got = device_step (engine, name, ref, step_what);
        next_ref = umattest_cvt (ref, name);
        umattest_assert_images_close (step_got, next_ref,
            umattest_code_tolerance (backend, name, UMATTEST_DATA_FULL),
            UMATTEST_COMPARE_ALL, "%s", step_what);
        umattest_image_free (step_got);

        /* the device's step on the device's own previous output */
        next_dev = device_step (engine, name, dev ? dev : ref, step_what);

        umattest_image_free (ref);
        umattest_image_free (dev);
        ref = next_ref;
        dev = next_dev;
        g_free (step_what);
      }
      umattest_assert_images_close (got, dev, 0, UMATTEST_COMPARE_ALL,
          "%s against its steps one at a time", what);
      if (!umattest_on_opencl ())
        umattest_assert_images_close (got, ref, 0, UMATTEST_COMPARE_ALL,
            "%s against OpenCV's CPU code", what);

      umattest_image_free (ref);
      umattest_image_free (dev);
      umattest_image_free (got);
      umattest_frame_free (in);
      umattest_frame_free (out);
      umatcv_converter_free (converter);
      g_free (what);
    }
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
  tcase_add_test (tc, test_chains_convert);
  return s;
}

GST_CHECK_MAIN (umatcv_routes);
