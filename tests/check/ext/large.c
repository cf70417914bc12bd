/* GStreamer
 * umatcv on OpenCL with a frame whose byte offsets pass 2^31.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A BGR frame of 32766x21847 is 2,147,516,406 bytes: its last row starts
 * below 2^31 and ends above it. A fused chain (one generated kernel) must
 * address it in 64 bits: its first and last rows come out as OpenCV's CPU
 * code makes them. A chain that runs OpenCV's own kernels (32-bit offsets)
 * must either be right too or be refused with UMATCV_ERROR_TOO_LARGE and a
 * sentence, never give wrong rows.
 *
 * Needs about 9 GB of memory (two frames on the host, two device buffers):
 * suite 'large', which the valgrind and sanitizer runs leave out; the
 * program skips (77) where MemAvailable is under 12 GB, and without an
 * OpenCL device (unless UMAT_REQUIRE_OPENCL=1).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x
#define WIDTH 32766
#define HEIGHT 21847
/* rows compared at either end */
#define ROWS 4

/* MemAvailable of /proc/meminfo, in bytes; 0 if unknown. */
static guint64
mem_available (void)
{
  gchar *text = NULL, *line;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return 0;
  line = strstr (text, "MemAvailable:");
  if (line)
    sscanf (line, "MemAvailable: %" G_GUINT64_FORMAT, &kb);
  g_free (text);
  return kb * 1024;
}

/* A frame of WIDTH x HEIGHT BGR: noise in the rows compared, a pattern of
 * the row elsewhere (cheap to make, and still not one colour). */
static UmattestImage *
large_frame (void)
{
  UmattestImage *frame = g_new0 (UmattestImage, 1);
  gsize stride = (gsize) WIDTH * 3;
  GRand *rand = g_rand_new_with_seed (2031);
  gint y;
  gsize x;

  frame->layout = L (BGR);
  frame->width = WIDTH;
  frame->height = HEIGHT;
  frame->size = stride * HEIGHT;
  frame->data = g_try_malloc (frame->size);
  fail_unless (frame->data != NULL, "no memory for a frame of %"
      G_GSIZE_FORMAT " bytes", frame->size);
  for (y = 0; y < HEIGHT; y++) {
    guint8 *row = frame->data + stride * y;
    if (y < ROWS || y >= HEIGHT - ROWS)
      for (x = 0; x < stride; x++)
        row[x] = g_rand_int_range (rand, 0, 256);
    else
      memset (row, (y * 7) & 255, stride);
  }
  g_rand_free (rand);
  return frame;
}

/* `rows` rows of `frame` from `first`, as an image of their own. */
static UmattestImage *
rows_of (const UmattestImage * frame, gint first, gint rows)
{
  UmattestImage *part = umattest_image_new (frame->layout, frame->width, rows);
  gsize stride = (gsize) frame->width * 3;

  memcpy (part->data, frame->data + stride * first, stride * rows);
  return part;
}

/* The first and the last ROWS rows of `got` against `chain` run by OpenCV
 * (on the CPU, or with its OpenCL kernels) on the same rows of `in`: these
 * codes work pixel by pixel. */
static void
assert_ends_right (const UmattestImage * in, const UmattestImage * got,
    const gchar * chain, gboolean opencl)
{
  const gint firsts[] = { 0, HEIGHT - ROWS };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (firsts); i++) {
    UmattestImage *src = rows_of (in, firsts[i], ROWS);
    UmattestImage *out = rows_of (got, firsts[i], ROWS);
    UmattestImage *want = umattest_cvt_chain (src, chain, opencl);

    out->layout = want->layout;
    umattest_assert_images_close (out, want, 0, UMATTEST_COMPARE_ALL,
        "%s at %dx%d, rows %d to %d (bytes %" G_GSIZE_FORMAT " to %"
        G_GSIZE_FORMAT ")", chain, WIDTH, HEIGHT, firsts[i],
        firsts[i] + ROWS - 1, (gsize) firsts[i] * WIDTH * 3,
        (gsize) (firsts[i] + ROWS) * WIDTH * 3 - 1);
    umattest_image_free (src);
    umattest_image_free (out);
    umattest_image_free (want);
  }
}

static void
large_image_free (UmattestImage * image)
{
  if (image == NULL)
    return;
  g_free (image->data);
  g_free (image);
}

/* Runs `chain` from BGR to `out` on the whole frame; returns the status,
 * the output in *got, and the reason in *error. */
static UmatcvStatus
convert_large (UmatcvEngine * engine, const gchar * text, UmatcvLayout out,
    const UmattestImage * in, UmattestImage ** got, gboolean * fused,
    gchar ** error)
{
  UmatcvChain *chain = umattest_parse (text);
  UmatcvConverter *converter = NULL;
  UmatcvConverterSpec spec;
  UmatcvImage in_image, out_image;
  UmatcvStatus status;

  umatcv_converter_spec_init (&spec, L (BGR), out, WIDTH, HEIGHT);
  status = umatcv_converter_new (engine, chain, &spec, &converter, error);
  umatcv_chain_free (chain);
  *got = NULL;
  if (status != UMATCV_OK)
    return status;
  *fused = umatcv_converter_is_fused (converter);
  *got = g_new0 (UmattestImage, 1);
  **got = *in;
  (*got)->layout = out;
  (*got)->data = g_try_malloc (in->size);
  fail_unless ((*got)->data != NULL, "no memory for the output frame");
  in_image = umattest_image_umatcv ((UmattestImage *) in);
  out_image = umattest_image_umatcv (*got);
  status = umatcv_converter_process (converter, &in_image, &out_image, error);
  umatcv_converter_free (converter);
  return status;
}

GST_START_TEST (test_fused_addresses_past_2_gib)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmattestImage *in = large_frame (), *got;
  gboolean fused = FALSE;
  gchar *error = NULL;
  UmatcvStatus status;

  fail_unless (in->size > G_MAXINT32);
  status = convert_large (engine, "BGR2RGB", L (RGB), in, &got, &fused,
      &error);
  fail_unless (status == UMATCV_OK, "BGR2RGB at %dx%d: %s: %s", WIDTH,
      HEIGHT, umatcv_status_name (status), error);
  fail_unless (fused, "BGR2RGB does not run as one kernel");
  assert_ends_right (in, got, "BGR2RGB", FALSE);
  large_image_free (got);
  large_image_free (in);
  umatcv_engine_free (engine);
}

GST_END_TEST;

GST_START_TEST (test_unfused_right_or_too_large)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmattestImage *in = large_frame (), *got;
  gboolean fused = TRUE;
  gchar *error = NULL;
  UmatcvStatus status;

  status = convert_large (engine, "BGR2Lab,Lab2BGR", L (BGR), in, &got,
      &fused, &error);
  if (status == UMATCV_ERROR_TOO_LARGE) {
    fail_unless (error != NULL && error[0] != '\0', "refused as too large "
        "without saying why");
    GST_INFO ("BGR2Lab,Lab2BGR at %dx%d: %s", WIDTH, HEIGHT, error);
    umatcv_free (error);
  } else {
    fail_unless (status == UMATCV_OK, "BGR2Lab,Lab2BGR at %dx%d: %s, not "
        "too large: %s", WIDTH, HEIGHT, umatcv_status_name (status), error);
    fail_if (fused, "Lab2BGR is not covered: a fused run is unexpected");
    /* OpenCV's own kernels step by step: OpenCV's OpenCL result on the
     * same rows (umattest_chain_reference's reference for such chains) */
    assert_ends_right (in, got, "BGR2Lab,Lab2BGR", TRUE);
  }
  large_image_free (got);
  large_image_free (in);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_large_suite (void)
{
  Suite *s = suite_create ("umatcv-large");
  TCase *tc = tcase_create ("large");
  guint64 available = mem_available ();

  if (available < (guint64) 12 << 30)
    umattest_skip_program ("%" G_GUINT64_FORMAT " MB of memory available, "
        "and a frame past 2 GiB on OpenCL needs 12 GB", available >> 20);
  /* OpenCL's frame: whatever the backend asked for */
  g_setenv ("UMAT_TEST_DEVICE", "opencl", TRUE);
  umattest_require_opencl (TRUE);
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_fused_addresses_past_2_gib);
  tcase_add_test (tc, test_unfused_right_or_too_large);
  return s;
}

GST_CHECK_MAIN (umatcv_large);
