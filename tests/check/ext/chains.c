/* GStreamer
 * Unit tests for umatcv's chains: parsing, checks, flags, routes, and the
 * layout table they are written in.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing here converts a frame or touches a device: the program runs once,
 * in the cpu suite.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

static UmatcvLayout video_layouts[UMATCV_N_LAYOUTS];
static guint n_video_layouts;

/* ------------------------------------------------------------------------
 * The layout table
 * ------------------------------------------------------------------------ */

/* Every layout a video format carries describes that format as GStreamer
 * does (GstVideoFormatInfo is the independent reference); the others exist
 * only between chain steps. */
GST_START_TEST (test_layout_table)
{
  guint n_video = 0;
  gint l;

  for (l = 1; l < UMATCV_N_LAYOUTS; l++) {
    const UmatcvLayoutInfo *info = umatcv_layout_info ((UmatcvLayout) l);
    const GstVideoFormatInfo *finfo;
    GstVideoFormat format;

    fail_unless (info != NULL && info->name != NULL);
    fail_unless_equals_string (umatcv_layout_name ((UmatcvLayout) l),
        info->name);
    if (info->video_format == NULL) {
      fail_unless_equals_int (info->family, UMATCV_FAMILY_NONE);
      fail_unless_equals_int (info->n_planes, 1);
      fail_unless (info->pixel_size == 3 || info->pixel_size == 4,
          "%s: %d bytes a pixel", info->name, info->pixel_size);
      fail_unless_equals_int (umatcv_layout_from_video_format (info->name),
          L (NONE));
      continue;
    }
    n_video++;
    format = gst_video_format_from_string (info->video_format);
    fail_unless (format != GST_VIDEO_FORMAT_UNKNOWN, "%s: GStreamer knows no "
        "format %s", info->name, info->video_format);
    fail_unless_equals_int (umatcv_layout_from_video_format
        (info->video_format), l);
    finfo = gst_video_format_get_info (format);
    fail_unless_equals_int (info->n_planes, GST_VIDEO_FORMAT_INFO_N_PLANES
        (finfo));
    fail_unless_equals_int (info->pixel_size, info->n_planes == 1 ?
        GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0) : 0);
    fail_unless_equals_int (info->depth, GST_VIDEO_FORMAT_INFO_DEPTH (finfo,
            0));
    switch (info->family) {
      case UMATCV_FAMILY_RGB:
        fail_unless (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo), "%s", info->name);
        break;
      case UMATCV_FAMILY_GRAY:
        fail_unless (GST_VIDEO_FORMAT_INFO_IS_GRAY (finfo), "%s", info->name);
        break;
      case UMATCV_FAMILY_YUV:
        fail_unless (GST_VIDEO_FORMAT_INFO_IS_YUV (finfo), "%s", info->name);
        break;
      default:
        fail ("%s (%s) has no family", info->name, info->video_format);
    }
    /* chroma subsampling, as GStreamer's components 1 and 2 say it */
    fail_unless_equals_int (info->chroma_x_shift,
        info->family == UMATCV_FAMILY_YUV ? GST_VIDEO_FORMAT_INFO_W_SUB (finfo,
            1) : 0);
    fail_unless_equals_int (info->chroma_y_shift,
        info->family == UMATCV_FAMILY_YUV ? GST_VIDEO_FORMAT_INFO_H_SUB (finfo,
            1) : 0);
    /* nothing converts into a format only read */
    if (info->input_only) {
      UmatcvChain *chain = NULL;
      fail_unless_equals_int (umatcv_chain_route (L (BGR), (UmatcvLayout) l,
              &chain, NULL), UMATCV_ERROR_NO_ROUTE);
    }
  }
  fail_unless_equals_int (n_video, n_video_layouts);
  fail_unless (umatcv_layout_info (L (NONE)) == NULL);
  fail_unless (umatcv_layout_info (UMATCV_N_LAYOUTS) == NULL);
  fail_unless (umatcv_layout_info ((UmatcvLayout) - 1) == NULL);
  fail_unless_equals_string (umatcv_layout_name ((UmatcvLayout) 1000), "none");
  fail_unless_equals_int (umatcv_layout_from_video_format (NULL), L (NONE));
  fail_unless_equals_int (umatcv_layout_from_video_format ("RGB16"), L (NONE));
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

static void
assert_steps (const gchar * text, const gchar * const *names, gsize n)
{
  UmatcvChain *chain = umattest_parse (text);
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
      fail_unless (umattest_contains_ci (error, mention),
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
  umatcv_chain_free (umattest_parse (text->str));
  g_string_append (text, ",BGR2RGB");
  assert_parse_fails (text->str, UMATCV_ERROR_INVALID_ARGUMENT, "16", NULL);
  g_string_free (text, TRUE);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * Checks, flags, alignment
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

  chain = umattest_parse ("BGR2HSV,RGB2GRAY");
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
  chain = umattest_parse ("BGR2HSV,HSV2BGR,BGR2Lab,HSV2RGB");
  fail_unless_equals_int (umatcv_chain_check (chain, &error),
      UMATCV_ERROR_BROKEN_CHAIN);
  fail_unless (strstr (error, "step 4") && strstr (error, "HSV2RGB")
      && strstr (error, "step 3") && strstr (error, "BGR2Lab"), "%s", error);
  g_clear_pointer (&error, umatcv_free);
  umatcv_chain_free (chain);

  chain = umattest_parse ("BGR2HSV,HSV2RGB,RGB2GRAY,GRAY2BGR,BGR2YUV_I420");
  fail_unless_equals_int (umatcv_chain_check (chain, &error), UMATCV_OK);
  fail_unless (error == NULL, "a chain that connects gave an error text");
  umatcv_chain_free (chain);

  /* padding stands for alpha: BGRA2BGR takes BGRx as well */
  chain = umattest_parse ("BGR2BGRA,BGRA2BGR");
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
    UmatcvChain *chain = umattest_parse (cases[i].text);
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
    /* OpenCV's own 4:2:0 encoders take each block's top-left chroma */
    {"BGR2YUV_I420", UMATCV_CHAIN_ENCODES_YUV | UMATCV_CHAIN_WRITES_COSITED,
        2, 2},
    {"RGBA2YUV_YV12", UMATCV_CHAIN_ENCODES_YUV | UMATCV_CHAIN_WRITES_COSITED,
        2, 2},
    /* gray is the luma plane as it is: no matrix */
    {"YUV2GRAY_420", 0, 2, 2},
    {"YUV2GRAY_YUY2", 0, 2, 1},
    {"YUV2BGR_YUY2", UMATCV_CHAIN_DECODES_YUV, 2, 1},
    {"YUV2BGR_UYVY,BGR2YUV_I420", UMATCV_CHAIN_DECODES_YUV
          | UMATCV_CHAIN_ENCODES_YUV | UMATCV_CHAIN_WRITES_COSITED, 2, 2},
    /* I420 in the middle of a chain still needs even sizes; the chain
     * neither reads nor writes YUV frames */
    {"BGR2YUV_I420,YUV2BGR_I420", 0, 2, 2},
    {"BGR2GRAY,GRAY2BGR,BGR2YUV_IYUV",
        UMATCV_CHAIN_ENCODES_YUV | UMATCV_CHAIN_WRITES_COSITED, 2, 2},
    {"BGR2HSV", 0, 1, 1},
    {"BGR2HSV,HSV2RGB", 0, 1, 1},
    {"BGR2YUV,YUV2BGR", 0, 1, 1},       /* packed 4:4:4 YUV: no subsampling */
    {"BGR2YCrCb", 0, 1, 1},
  };
  guint i;
  gint wa, ha;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    UmatcvChain *chain = umattest_parse (cases[i].text);
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
 * Routes
 * ------------------------------------------------------------------------ */

static gboolean
is_yuv (UmatcvLayout layout)
{
  return umatcv_layout_info (layout)->family == UMATCV_FAMILY_YUV;
}

/* Auto mode's route between every two video layouts: none into a format
 * only read; otherwise steps that connect, from `from` to `to` (or to the
 * alpha layout whose padding `to` is), with the flags of the matrices on
 * the way, at any size (umatcv's edges take odd sizes as GStreamer lays
 * them out, and OpenCV's R'G'B' codes take any). */
GST_START_TEST (test_route_table)
{
  guint i, j;

  for (i = 0; i < n_video_layouts; i++) {
    for (j = 0; j < n_video_layouts; j++) {
      UmatcvLayout from = video_layouts[i], to = video_layouts[j];
      const gchar *fn = umatcv_layout_name (from);
      const gchar *tn = umatcv_layout_name (to);
      UmatcvChain *chain = (UmatcvChain *) 0x1;
      UmatcvStatus status = umatcv_chain_route (from, to, &chain, NULL);
      UmatcvLayout out;
      unsigned flags = 0;
      gint wa, ha;

      if (from == to) {
        fail_unless (status == UMATCV_OK && chain != NULL,
            "%s to itself: %s", fn, umatcv_status_name (status));
        fail_unless_equals_int (umatcv_chain_length (chain), 0);
        umatcv_chain_free (chain);
        continue;
      }
      if (umatcv_layout_info (to)->input_only) {
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
      if (!(umatcv_layout_info (from)->pixel_size == 4
              && umattest_has_padding (to)
              && strcmp (umattest_code_name (from),
                  umattest_code_name (to)) == 0)) {
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

      /* a matrix decodes Y'CbCr into colour (not into gray, which takes
       * the luma as it is) or encodes colour into it; Y'CbCr to Y'CbCr
       * repacks and resamples without one */
      if (is_yuv (from) && !is_yuv (to) && to != L (GRAY))
        flags |= UMATCV_CHAIN_DECODES_YUV;
      if (!is_yuv (from) && is_yuv (to))
        flags |= UMATCV_CHAIN_ENCODES_YUV;
      fail_unless (umatcv_chain_flags (chain) == flags,
          "%s to %s: flags 0x%x, expected 0x%x", fn, tn,
          umatcv_chain_flags (chain), flags);

      umatcv_chain_size_alignment (chain, &wa, &ha);
      fail_unless (wa == 1 && ha == 1, "%s to %s: alignment %dx%d, "
          "expected any size", fn, tn, wa, ha);
      umatcv_chain_free (chain);
    }
  }
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * Bad arguments, and the error convention
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_chain_bad_arguments)
{
  UmatcvChain *chain = (UmatcvChain *) 0x1;
  gchar *error = NULL;
  gint wa = 0, ha = 0;

  /* _free (NULL) and getters on NULL */
  umatcv_chain_free (NULL);
  umatcv_free (NULL);
  fail_unless_equals_int (umatcv_chain_length (NULL), 0);
  fail_unless (umatcv_chain_step_name (NULL, 0) == NULL);
  fail_unless_equals_int (umatcv_chain_input_layouts (NULL), 0);
  fail_unless_equals_int (umatcv_chain_output_layout (NULL), L (NONE));
  fail_unless_equals_int (umatcv_chain_flags (NULL), 0);
  umatcv_chain_size_alignment (NULL, &wa, &ha);
  fail_unless (wa == 1 && ha == 1);
  umatcv_chain_size_alignment (NULL, NULL, NULL);
  fail_unless (umatcv_status_name ((UmatcvStatus) 1000) != NULL);
  fail_unless (umatcv_layout_name ((UmatcvLayout) - 1) != NULL);

  fail_unless_equals_int (umatcv_chain_parse (NULL, &chain, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_parse ("BGR2HSV", NULL, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route (L (BGR), L (RGB), NULL, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route (L (NONE), L (RGB), &chain,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route (L (BGR), UMATCV_N_LAYOUTS,
          &chain, NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_route ((UmatcvLayout) - 3, L (BGR),
          &chain, NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_chain_check (NULL, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  /* HSV is no video format: auto mode has no route from it, and says so */
  chain = (UmatcvChain *) 0x1;
  fail_if (umatcv_chain_route (L (HSV), L (RGB), &chain, &error) == UMATCV_OK);
  fail_unless (chain == NULL);
  fail_unless (error != NULL && error[0] != '\0');
  g_clear_pointer (&error, umatcv_free);

  /* the error sentence: NULL allowed; set on failure, untouched on success */
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
}

GST_END_TEST;

/* umatcv.h: "On failure, when `error` is not NULL, *error is set to a
 * sentence for the user". Every call that refuses its arguments says why,
 * not only those that get far enough to find a deeper reason. The calls
 * that do not are listed together. */
static void
note_silent (GString * silent, UmatcvStatus status, gchar * error,
    const gchar * call)
{
  fail_if (status == UMATCV_OK, "%s succeeded", call);
  if (error == NULL || error[0] == '\0')
    g_string_append_printf (silent, "\n  %s: %s", call,
        umatcv_status_name (status));
  umatcv_free (error);
}

#define SAYS_WHY(call) G_STMT_START {                                   \
    gchar *error = NULL;                                                \
    UmatcvStatus status = call;                                         \
    note_silent (silent, status, error, #call);                         \
  } G_STMT_END

GST_START_TEST (test_every_failure_says_why)
{
  UmatcvEngine *engine = NULL, *no_engine = NULL;
  UmatcvChain *chain = umattest_parse ("BGR2RGB"), *no_chain = NULL;
  UmatcvConverter *converter = NULL;
  UmatcvHostAllocator *allocator = NULL, *no_allocator = NULL;
  UmatcvConverterSpec spec;
  GString *silent = g_string_new ("");

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine,
          NULL), UMATCV_OK);
  fail_unless_equals_int (umatcv_host_allocator_new (engine, &allocator,
          NULL), UMATCV_OK);
  umatcv_converter_spec_init (&spec, L (BGR), L (RGB), 64, 48);

  SAYS_WHY (umatcv_chain_parse (NULL, &no_chain, &error));
  SAYS_WHY (umatcv_chain_parse ("BGR2RGB", NULL, &error));
  SAYS_WHY (umatcv_chain_route (L (BGR), L (RGB), NULL, &error));
  SAYS_WHY (umatcv_chain_check (NULL, &error));
  SAYS_WHY (umatcv_engine_new (UMATCV_DEVICE_CPU, NULL, &error));
  SAYS_WHY (umatcv_engine_new ((UmatcvDevice) 42, &no_engine, &error));
  SAYS_WHY (umatcv_converter_new (engine, chain, &spec, NULL, &error));
  SAYS_WHY (umatcv_converter_new (engine, chain, NULL, &converter, &error));
  SAYS_WHY (umatcv_converter_process (NULL, NULL, NULL, &error));
  SAYS_WHY (umatcv_host_allocator_new (engine, NULL, &error));
  SAYS_WHY (umatcv_host_allocator_new (NULL, &no_allocator, &error));
  SAYS_WHY (umatcv_host_memory_new (allocator, 64, NULL, &error));
  fail_unless (silent->len == 0, "failed without saying why:%s", silent->str);

  g_string_free (silent, TRUE);
  umatcv_host_allocator_free (allocator);
  umatcv_chain_free (chain);
  umatcv_engine_free (engine);
}

GST_END_TEST;

#undef SAYS_WHY

static Suite *
umatcv_chains_suite (void)
{
  Suite *s = suite_create ("umatcv-chains");
  TCase *tc = tcase_create ("chains");

  n_video_layouts = umattest_video_layouts (video_layouts);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_layout_table);
  tcase_add_test (tc, test_parse_valid);
  tcase_add_test (tc, test_parse_errors);
  tcase_add_test (tc, test_chain_check);
  tcase_add_test (tc, test_chain_layouts);
  tcase_add_test (tc, test_chain_flags_and_alignment);
  tcase_add_test (tc, test_route_table);
  tcase_add_test (tc, test_chain_bad_arguments);
  tcase_add_test (tc, test_every_failure_says_why);
  return s;
}

GST_CHECK_MAIN (umatcv_chains);
