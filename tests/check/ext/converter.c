/* GStreamer
 * Unit tests for umatcv's converter API: what it refuses, how it says so,
 * and converters used from threads other than the one that made them.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs on the backend UMAT_TEST_DEVICE names.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

/* Bad arguments to converter_new are refused, with a reason, and leave no
 * converter behind (made on the CPU engine: never touching OpenCL). */
GST_START_TEST (test_converter_bad_arguments)
{
  UmatcvEngine *engine = NULL;
  UmatcvConverter *converter = (UmatcvConverter *) 0x1;
  UmatcvConverterSpec spec;
  UmatcvChain *bgr_i420;
  gchar *error = NULL;

  umatcv_converter_free (NULL);
  fail_unless (umatcv_converter_allocations (NULL) == 0);
  fail_if (umatcv_converter_is_fused (NULL));
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine,
          NULL), UMATCV_OK);
  bgr_i420 = umattest_route (L (BGR), L (I420));
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
  /* neither end a video format */
  SPEC (L (BGR), L (HSV), 64, 48, 1);
  ASSERT_NEW_REFUSED (engine, NULL, &converter);
  SPEC (L (LAB), L (BGR), 64, 48, 1);
  ASSERT_NEW_REFUSED (engine, NULL, &converter);
  fail_unless (converter == NULL);
  umatcv_chain_free (bgr_i420);

  /* no chain is auto mode, and 4:2:0 takes odd sizes, as GStreamer lays
   * them out */
  SPEC (L (BGR), L (I420), 63, 47, 1);
  fail_unless_equals_int (umatcv_converter_new (engine, NULL, &spec,
          &converter, &error), UMATCV_OK);
  fail_unless (converter != NULL && error == NULL);
  umatcv_converter_free (converter);
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
  UmatcvChain *chain = text[0] ? umattest_parse (text)
      : umattest_route (in, in);
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

/* What no conversion at either end can make work is refused, with a
 * reason. */
GST_START_TEST (test_converter_refuses_wrong_chain)
{
  UmatcvEngine *engine = umattest_engine_new ();

  /* the chain ends where no video format is (HSV) */
  assert_converter_refused (engine, "BGR2HSV", L (BGR), L (RGB), 64, 48);
  /* the first step takes what no video format converts to */
  assert_converter_refused (engine, "HSV2BGR", L (BGR), L (BGR), 64, 48);
  /* into a format only read */
  assert_converter_refused (engine, "", L (I420), L (YUY2), 64, 48);
  assert_converter_refused (engine, "BGR2RGB", L (BGR), L (UYVY), 64, 48);
  /* steps that do not connect */
  assert_converter_refused (engine, "BGR2HSV,RGB2GRAY", L (BGR), L (GRAY), 64,
      48);
  /* odd sizes where OpenCV's own 4:2:x codes are on the way */
  assert_converter_refused (engine, "BGR2YUV_I420,YUV2BGR_I420", L (BGR),
      L (BGR), 63, 48);
  assert_converter_refused (engine, "YUV2BGR_YUY2", L (YUY2), L (BGR), 63, 47);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* A chain between other layouts than its own ends is composed with what
 * they need (umatcv_chain_compose): the result is the reference's
 * conversion into what the first code takes, the chain on OpenCV's CPU
 * code, and the reference's conversion into the output. Frames never come
 * out mislabelled. */
GST_START_TEST (test_converter_composes_ends)
{
  static const struct
  {
    const gchar *chain;
    UmatcvLayout in, takes, out;
  } cases[] = {
    {"YUV2BGR_NV12", L (I420), L (NV12), L (BGR)},
    {"BGR2HSV,HSV2RGB", L (GRAY), L (BGR), L (RGB)},
    {"BGR2GRAY", L (BGR), L (BGR), L (BGR)},
    {"BGR2YUV_I420", L (BGR), L (BGR), L (NV12)},
    {"BGR2BGRA", L (BGR), L (BGR), L (BGR)},
    {"BGR2RGB", L (BGR), L (BGR), L (BGR)},
    {"BGR2HSV,HSV2RGB", L (BGR), L (BGR), L (BGR)},
    {"BGR2RGBA", L (BGR), L (BGR), L (BGRA)},
    {"BGR2RGB", L (ARGB), L (BGR), L (XBGR)},
  };
  UmatcvEngine *engine = umattest_engine_new ();
  const gchar *backend = umatcv_engine_backend (engine);
  GRand *rand = g_rand_new_with_seed (17);
  const gint w = 64, h = 48;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    UmatcvChain *chain = umattest_parse (cases[i].chain);
    gchar *what = g_strdup_printf ("%s from %s to %s", cases[i].chain,
        umatcv_layout_name (cases[i].in), umatcv_layout_name (cases[i].out));
    UmatcvConverter *converter = umattest_converter_new (engine, chain,
        cases[i].in, cases[i].out, w, h, 1, what);
    UmattestFrame *in = umattest_frame_new (cases[i].in, w, h,
        UMATTEST_TIGHT);
    UmattestFrame *out = umattest_frame_new (cases[i].out, w, h,
        UMATTEST_TIGHT);
    UmattestImage *src, *taken, *chained, *got, *want;
    gchar **head = NULL, **tail = NULL, **codes;
    gint tolerance;

    umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
    umattest_process (converter, &in->image, &out->image, what);
    src = umattest_frame_pack (in);
    got = umattest_frame_pack (out);
    taken = umattest_reference_convert (src, cases[i].takes, &head);
    chained = umattest_cvt_chain (taken, cases[i].chain, FALSE);
    want = umattest_reference_convert (chained, cases[i].out, &tail);
    codes = g_strsplit (cases[i].chain, ",", -1);
    tolerance = umattest_codes_tolerance (backend,
        (const gchar * const *) head, UMATTEST_DATA_FULL)
        + umattest_codes_tolerance (backend, (const gchar * const *) codes,
        UMATTEST_DATA_FULL) + umattest_codes_tolerance (backend,
        (const gchar * const *) tail, UMATTEST_DATA_FULL);
    umattest_assert_images_close (got, want, tolerance, UMATTEST_COMPARE_ALL,
        "%s on %s", what, backend);

    g_strfreev (head);
    g_strfreev (tail);
    g_strfreev (codes);
    umattest_image_free (src);
    umattest_image_free (taken);
    umattest_image_free (chained);
    umattest_image_free (got);
    umattest_image_free (want);
    umattest_frame_free (in);
    umattest_frame_free (out);
    umatcv_converter_free (converter);
    umatcv_chain_free (chain);
    g_free (what);
  }
  g_rand_free (rand);
  umatcv_engine_free (engine);
}

GST_END_TEST;

GST_START_TEST (test_process_bad_frames)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvChain *chain;
  UmatcvConverter *converter;
  UmattestFrame *in, *out;
  GRand *rand;
  guint8 *before, *after;
  gchar *error = NULL;
  UmatcvImage bad;
  guint i;
  const gint w = 64, h = 48;

  rand = g_rand_new_with_seed (5);
  chain = umattest_route (L (I420), L (BGR));
  converter = umattest_converter_new (engine, chain, L (I420), L (BGR), w, h, 2,
      "I420 to BGR");
  in = umattest_frame_new (L (I420), w, h, UMATTEST_TIGHT);
  out = umattest_frame_new (L (BGR), w, h, UMATTEST_TIGHT);
  umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
  umattest_frame_fill (out, rand, UMATTEST_DATA_FULL);
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
  umattest_process (converter, &in->image, &out->image,
      "I420 to BGR after refusals");

  g_free (before);
  umattest_frame_free (in);
  umattest_frame_free (out);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
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
  const UmattestFrame *in, *out;
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
  UmatcvEngine *engine = umattest_engine_new (), *cpu = NULL;
  GRand *rand = g_rand_new_with_seed (13);
  const gint w = 320, h = 240;
  guint i;
  gint frame;

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu, NULL),
      UMATCV_OK);
  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    UmatcvLayout from = pairs[i][0], to = pairs[i][1];
    UmatcvChain *chain = umattest_route (from, to);
    UmatcvConverter *converter = umattest_converter_new (engine, chain, from,
        to, w, h, 2, "threads");
    UmatcvConverter *other = umattest_converter_new (cpu, chain, from, to, w,
        h, 1, "threads, cpu");
    UmattestFrame *in = umattest_frame_new (from, w, h, UMATTEST_PADDED);
    UmattestFrame *out = umattest_frame_new (to, w, h, UMATTEST_PADDED);
    UmattestFrame *cpu_out = umattest_frame_new (to, w, h, UMATTEST_TIGHT);
    gchar *what = g_strdup_printf ("%s to %s on another thread",
        umatcv_layout_name (from), umatcv_layout_name (to));

    for (frame = 0; frame < 3; frame++) {
      ThreadJob job = { converter, in, out, UMATCV_OK, NULL };
      UmattestImage *src, *got, *want;
      gchar **codes = NULL;

      umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
      g_thread_join (g_thread_new ("umatcv-test", process_on_thread, &job));
      fail_unless (job.status == UMATCV_OK, "%s: %s", what, job.error);
      umattest_process (other, &in->image, &cpu_out->image,
          "the cpu engine, in between");
      src = umattest_frame_pack (in);
      got = umattest_frame_pack (out);
      want = umattest_reference_convert (src, to, &codes);
      umattest_assert_images_close (got, want, umattest_codes_tolerance
          (umatcv_engine_backend (engine), (const gchar * const *) codes,
              UMATTEST_DATA_FULL), UMATTEST_COMPARE_ALL, "%s, frame %d",
          what, frame);
      g_strfreev (codes);
      umattest_image_free (src);
      umattest_image_free (got);
      umattest_image_free (want);
    }
    g_thread_join (g_thread_new ("umatcv-test-free", free_on_thread,
            converter));
    umatcv_converter_free (other);
    umattest_frame_free (in);
    umattest_frame_free (out);
    umattest_frame_free (cpu_out);
    umatcv_chain_free (chain);
    g_free (what);
  }
  g_rand_free (rand);
  umatcv_engine_free (cpu);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_converter_suite (void)
{
  Suite *s = suite_create ("umatcv-converter");
  TCase *tc = tcase_create ("converter");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_converter_bad_arguments);
  tcase_add_test (tc, test_converter_refuses_wrong_chain);
  tcase_add_test (tc, test_converter_composes_ends);
  tcase_add_test (tc, test_process_bad_frames);
  tcase_add_test (tc, test_other_threads);
  return s;
}

GST_CHECK_MAIN (umatcv_converter);
