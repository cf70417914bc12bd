/* GStreamer
 * Unit tests for umatcv's converters on the memory frames come in: padded
 * strides, planes apart, odd chroma widths, in place, and no allocation
 * per frame.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames carry sentinel bytes around and between their planes
 * (tests/check/support): a converter must write its rows and nothing else.
 * Runs on the backend UMAT_TEST_DEVICE names.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

static UmatcvLayout video_layouts[UMATCV_N_LAYOUTS];
static guint n_video_layouts;

/* Every route on padded and planes-apart frames gives what it gives on
 * tight ones, writes nothing outside the rows and leaves the input alone;
 * the two smaller sizes have odd chroma widths (7 and 639) for 4:2:0. */
GST_START_TEST (test_strides)
{
  UmatcvEngine *engine = umattest_engine_new ();
  GRand *rand = g_rand_new_with_seed (7);
  gint wa, ha;
  guint i, j, s;

  for (i = 0; i < n_video_layouts; i++) {
    for (j = 0; j < n_video_layouts; j++) {
      UmatcvLayout from = video_layouts[i], to = video_layouts[j];
      UmattestSize sizes[UMATTEST_N_SIZES];
      UmatcvChain *chain;

      if (umatcv_layout_info (to)->input_only && to != from)
        continue;
      chain = umattest_route (from, to);
      umatcv_chain_size_alignment (chain, &wa, &ha);
      umattest_sizes (wa, ha, sizes);
      for (s = 0; s < 2; s++) {
        gint w = sizes[s].width, h = sizes[s].height;
        gchar *what = g_strdup_printf ("%s to %s at %dx%d",
            umatcv_layout_name (from), umatcv_layout_name (to), w, h);
        UmatcvConverter *converter = umattest_converter_new (engine, chain,
            from, to, w, h, 1, what);
        UmattestFrame *tin = umattest_frame_new (from, w, h, UMATTEST_TIGHT);
        UmattestFrame *tout = umattest_frame_new (to, w, h, UMATTEST_TIGHT);
        UmattestImage *src, *want;
        UmattestMemory k;

        umattest_frame_fill (tin, rand, UMATTEST_DATA_FULL);
        umattest_process (converter, &tin->image, &tout->image, what);
        src = umattest_frame_pack (tin);
        want = umattest_frame_pack (tout);

        for (k = UMATTEST_PADDED; k <= UMATTEST_APART; k++) {
          UmattestFrame *in = umattest_frame_new (from, w, h, k);
          UmattestFrame *out = umattest_frame_new (to, w, h, k);
          gchar *kwhat = g_strdup_printf ("%s, %s planes", what,
              umattest_memory_name (k));
          UmattestImage *in_after, *got;

          umattest_frame_unpack (in, src);
          umattest_process (converter, &in->image, &out->image, kwhat);
          got = umattest_frame_pack (out);
          umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
              "%s against tight frames", kwhat);
          umattest_assert_guards_intact (out, kwhat);
          /* the input is read only */
          in_after = umattest_frame_pack (in);
          fail_unless (memcmp (in_after->data, src->data, src->size) == 0,
              "%s: the input frame changed", kwhat);
          umattest_assert_guards_intact (in, kwhat);
          umattest_image_free (in_after);
          umattest_image_free (got);
          g_free (kwhat);
          umattest_frame_free (in);
          umattest_frame_free (out);
        }
        umattest_image_free (src);
        umattest_image_free (want);
        umattest_frame_free (tin);
        umattest_frame_free (tout);
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

/* A frame converted into its own memory, the output a view of the input's
 * bytes as GStreamer gives it, equals the same conversion between two
 * frames, wherever the converter says it can (umatcv_converter_in_place_ok);
 * where it says it cannot, it refuses overlapping frames with a reason. */
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
    /* a converter's ends are video formats */
    {"BGR2HSV,HSV2BGR", L (BGR), L (BGR)},
    {"BGR2HSV,HSV2RGB", L (BGR), L (RGB)},
    {"RGB2Lab,Lab2BGR", L (RGB), L (BGR)},
    {"BGR2YCrCb,YCrCb2BGR", L (BGR), L (BGR)},
    {"RGBA2mRGBA,mRGBA2RGBA", L (RGBA), L (RGBA)},
  };
  UmatcvEngine *engine = umattest_engine_new ();
  GRand *rand = g_rand_new_with_seed (99);
  guint c, s;

  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    UmatcvLayout from = cases[c].in, to = cases[c].out;
    UmatcvChain *chain = cases[c].chain ? umattest_parse (cases[c].chain)
        : umattest_route (from, to);
    UmattestSize sizes[UMATTEST_N_SIZES];
    UmattestGeometry gf, gt;
    UmattestMemory k, last;
    gint wa, ha;

    /* padded frames only where both layouts have the same planes: GStreamer
     * runs in place only then; tight frames of the same size always */
    umattest_geometry (from, 2, 2, &gf);
    umattest_geometry (to, 2, 2, &gt);
    last = umattest_geometry_same_planes (&gf, &gt) ? UMATTEST_PADDED
        : UMATTEST_TIGHT;
    umatcv_chain_size_alignment (chain, &wa, &ha);
    umattest_sizes (wa, ha, sizes);
    for (s = 0; s < UMATTEST_N_SIZES; s++) {
      gint w = sizes[s].width, h = sizes[s].height;
      gchar *what = g_strdup_printf ("%s (%s to %s) at %dx%d",
          cases[c].chain ? cases[c].chain : "route", umatcv_layout_name (from),
          umatcv_layout_name (to), w, h);
      UmatcvConverter *converter = umattest_converter_new (engine, chain,
          from, to, w, h, 1, what);

      for (k = UMATTEST_TIGHT; k <= last; k++) {
        UmattestFrame *in = umattest_frame_new (from, w, h, k);
        UmattestFrame *out = umattest_frame_new (to, w, h, k);
        UmattestFrame *both = umattest_frame_new (from, w, h, k);
        UmatcvImage out_view = umattest_frame_view (both, to);
        gchar *kwhat = g_strdup_printf ("%s, %s, in place", what,
            umattest_memory_name (k));
        UmattestImage *src, *want, *got;

        umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
        src = umattest_frame_pack (in);
        umattest_process (converter, &in->image, &out->image, kwhat);
        want = umattest_frame_pack (out);

        /* same geometry: `both` holds the input, then the output */
        umattest_frame_unpack (both, src);
        if (umatcv_converter_in_place_ok (converter)) {
          umattest_process (converter, &both->image, &out_view, kwhat);
          got = umattest_image_from_umatcv (&out_view);
          umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
              "%s", kwhat);
        } else {
          gchar *error = NULL;
          fail_unless_equals_int (umatcv_converter_process (converter,
                  &both->image, &out_view, &error),
              UMATCV_ERROR_INVALID_ARGUMENT);
          fail_unless (error != NULL, "%s: refused without a reason", kwhat);
          umatcv_free (error);
          got = NULL;
        }
        umattest_assert_guards_intact (both, kwhat);

        umattest_image_free (src);
        umattest_image_free (want);
        umattest_image_free (got);
        g_free (kwhat);
        umattest_frame_free (in);
        umattest_frame_free (out);
        umattest_frame_free (both);
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

/* Every buffer a converter needs is made with it: 100 frames through
 * tight, padded, planes-apart and in-place frames allocate nothing. */
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
  const guint slots = 4;
  const gint w = 320, h = 240;
  UmatcvEngine *engine = umattest_engine_new ();
  GRand *rand = g_rand_new_with_seed (3);
  guint c;
  gint frame;

  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    UmatcvLayout from = cases[c].in, to = cases[c].out;
    UmatcvChain *chain = cases[c].chain ? umattest_parse (cases[c].chain)
        : umattest_route (from, to);
    const gchar *name = cases[c].chain ? cases[c].chain : "route";
    UmatcvConverter *converter = umattest_converter_new (engine, chain, from,
        to, w, h, slots, name);
    guint64 made = umatcv_converter_allocations (converter);
    UmattestFrame *ins[3], *outs[3], *both;
    UmattestGeometry gf, gt;
    UmatcvImage both_out;
    gboolean same_size;
    UmattestMemory k;

    umattest_geometry (from, w, h, &gf);
    umattest_geometry (to, w, h, &gt);
    same_size = umattest_geometry_size (&gf) == umattest_geometry_size (&gt);
    /* A fused chain on OpenCL needs, in each slot, the input and the
     * output, made with the converter: 4 x 2. */
    if (umatcv_converter_is_fused (converter))
      fail_unless (made == slots * 2, "%s: %" G_GUINT64_FORMAT " buffers "
          "made, expected %u x 2", name, made, slots);

    for (k = UMATTEST_TIGHT; k <= UMATTEST_APART; k++) {
      ins[k] = umattest_frame_new (from, w, h, k);
      outs[k] = umattest_frame_new (to, w, h, k);
      umattest_frame_fill (ins[k], rand, UMATTEST_DATA_FULL);
    }
    both = umattest_frame_new (from, w, h, UMATTEST_TIGHT);
    both_out = umattest_frame_view (both, to);

    /* tight, padded, planes-apart and in-place frames take different paths */
    for (frame = 0; frame < 100; frame++) {
      if (frame % 4 < 3)
        umattest_process (converter, &ins[frame % 4]->image,
            &outs[frame % 4]->image, name);
      else if (same_size && umatcv_converter_in_place_ok (converter))
        umattest_process (converter, &both->image, &both_out, name);
    }
    fail_unless (umatcv_converter_allocations (converter) == made,
        "%s on %s: %" G_GUINT64_FORMAT " buffers after making the converter, "
        "%" G_GUINT64_FORMAT " after 100 frames", name,
        umatcv_engine_backend (engine), made,
        umatcv_converter_allocations (converter));

    for (k = UMATTEST_TIGHT; k <= UMATTEST_APART; k++) {
      umattest_frame_free (ins[k]);
      umattest_frame_free (outs[k]);
    }
    umattest_frame_free (both);
    umatcv_converter_free (converter);
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_memory_suite (void)
{
  Suite *s = suite_create ("umatcv-memory");
  TCase *tc = tcase_create ("memory");

  umattest_require_opencl (FALSE);
  n_video_layouts = umattest_video_layouts (video_layouts);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_strides);
  tcase_add_test (tc, test_in_place);
  tcase_add_test (tc, test_no_allocation_per_frame);
  return s;
}

GST_CHECK_MAIN (umatcv_memory);
