/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps negotiation for umatconvert. With a chain the sink pad takes every
 * format the element knows and the source pad gives every format it
 * writes: the converter decodes, encodes or reorders at either end of the
 * chain (umatcv_chain_compose). What else the caps say:
 *  - sizes: any, but OpenCV's own 4:2:0 and 4:2:2 codes written in a chain
 *    want even ones;
 *  - YUV that goes through a matrix must say BT.601, BT.709 or BT.2020,
 *    limited or full range (or nothing: GStreamer's default for the size);
 *    YUV that a matrix writes takes what downstream asks for, else the
 *    default for its size (fixated by the element), with MPEG-2 chroma
 *    siting unless downstream asks for another (OpenCV's own 4:2:0
 *    encoders, named in a chain, write "cosited" only); YUV that is only repacked
 *    or resampled keeps the input's colorimetry;
 *  - selection-rate N divides the framerate by N.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatcaps.h"

#include <string.h>

#define L(x) UMATCV_LAYOUT_##x

static GstUmatFormat formats[UMATCV_N_LAYOUTS];
static guint n_formats;

static gpointer
build_formats (gpointer unused)
{
  for (gint l = 1; l < UMATCV_N_LAYOUTS; l++) {
    const UmatcvLayoutInfo *info = umatcv_layout_info ((UmatcvLayout) l);
    GstVideoFormat format;

    if (info->video_format == NULL)
      continue;
    format = gst_video_format_from_string (info->video_format);
    g_assert (format != GST_VIDEO_FORMAT_UNKNOWN);
    formats[n_formats].format = format;
    formats[n_formats].layout = (UmatcvLayout) l;
    formats[n_formats].info = info;
    n_formats++;
  }
  return NULL;
}

const GstUmatFormat *
gst_umat_formats (guint * n)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, build_formats, NULL);
  *n = n_formats;
  return formats;
}

const GstUmatFormat *
gst_umat_format_from_video (GstVideoFormat format)
{
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  for (guint i = 0; i < n; i++)
    if (all[i].format == format)
      return &all[i];
  return NULL;
}

static const GstUmatFormat *
format_from_layout (UmatcvLayout layout)
{
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  for (guint i = 0; i < n; i++)
    if (all[i].layout == layout)
      return &all[i];
  return NULL;
}

UmatcvLayout
gst_umat_layout_from_format (GstVideoFormat format)
{
  const GstUmatFormat *f = gst_umat_format_from_video (format);
  return f ? f->layout : UMATCV_LAYOUT_NONE;
}

/* Same colour model and the same chroma subsampling. */
static gboolean
same_family (const GstUmatFormat * a, const GstUmatFormat * b)
{
  return a->info->family == b->info->family
      && a->info->chroma_x_shift == b->info->chroma_x_shift
      && a->info->chroma_y_shift == b->info->chroma_y_shift;
}

static gboolean
is_yuv (const GstUmatFormat * f)
{
  return f->info->family == UMATCV_FAMILY_YUV;
}

/* Whether a chain ending in `output` can hand its frames out as `layout`:
 * padding can stand for alpha. */
static gboolean
carries (UmatcvLayout output, UmatcvLayout layout)
{
  return output == layout
      || (output == L (BGRA) && layout == L (BGRX))
      || (output == L (RGBA) && layout == L (RGBX));
}

/* Whether `f` is among the formats NVIDIA's decoders give in CUDA memory
 * that the element takes there. */
static gboolean
is_cuda_format (GstVideoFormat f)
{
  return f == GST_VIDEO_FORMAT_NV12 || f == GST_VIDEO_FORMAT_P010_10LE
      || f == GST_VIDEO_FORMAT_I420 || f == GST_VIDEO_FORMAT_Y444;
}

GstCaps *
gst_umat_template_caps (GstPadDirection direction)
{
  GValue list = G_VALUE_INIT;
  GstStructure *s;
  GstCaps *caps;
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  g_value_init (&list, GST_TYPE_LIST);
  for (guint i = 0; i < n; i++) {
    GValue name = G_VALUE_INIT;
    if (direction == GST_PAD_SRC && all[i].info->input_only)
      continue;
    g_value_init (&name, G_TYPE_STRING);
    g_value_set_static_string (&name, gst_video_format_to_string
        (all[i].format));
    gst_value_list_append_and_take_value (&list, &name);
  }
  s = gst_structure_new_empty ("video/x-raw");
  gst_structure_take_value (s, "format", &list);
  gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, GST_UMAT_MAX_SIZE,
      "height", GST_TYPE_INT_RANGE, 1, GST_UMAT_MAX_SIZE,
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);
  caps = gst_caps_new_full (s, NULL);
  /* an NVIDIA decoder's frames in CUDA memory, where the device takes them
   * (transform_caps offers them only then) */
  if (direction == GST_PAD_SINK) {
    GstStructure *c = gst_structure_copy (s);
    g_value_init (&list, GST_TYPE_LIST);
    for (guint i = 0; i < n; i++) {
      GValue name = G_VALUE_INIT;
      if (!is_cuda_format (all[i].format))
        continue;
      g_value_init (&name, G_TYPE_STRING);
      g_value_set_static_string (&name, gst_video_format_to_string
          (all[i].format));
      gst_value_list_append_and_take_value (&list, &name);
    }
    gst_structure_take_value (c, "format", &list);
    gst_caps_append_structure_full (caps, c,
        gst_caps_features_new (GST_UMAT_CAPS_FEATURE_CUDA_MEMORY, NULL));
  }
  return caps;
}

/* What every pair of video formats needs from `chain` (NULL: auto mode),
 * worked out once per chain: a table indexed [in][out]. */
static GstUmatConversion *
conversion_table (const UmatcvChain * chain)
{
  GstUmatConversion *table = g_new0 (GstUmatConversion,
      UMATCV_N_LAYOUTS * UMATCV_N_LAYOUTS);
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  for (guint i = 0; i < n; i++) {
    for (guint j = 0; j < n; j++) {
      GstUmatConversion *conv =
          &table[all[i].layout * UMATCV_N_LAYOUTS + all[j].layout];
      UmatcvChain *composed = NULL;
      if (all[j].info->input_only
          || umatcv_chain_compose (chain, all[i].layout, all[j].layout,
              &composed, NULL) != UMATCV_OK)
        continue;
      conv->possible = TRUE;
      conv->flags = umatcv_chain_flags (composed);
      umatcv_chain_size_alignment (composed, &conv->width_align,
          &conv->height_align);
      umatcv_chain_free (composed);
    }
  }
  return table;
}

static gpointer
build_auto_table (gpointer unused)
{
  return conversion_table (NULL);
}

void
gst_umat_conversion (const GstUmatChainInfo * info, UmatcvLayout in,
    UmatcvLayout out, GstUmatConversion * conv)
{
  static GOnce once = G_ONCE_INIT;
  const GstUmatConversion *table;

  memset (conv, 0, sizeof (*conv));
  if (in <= UMATCV_LAYOUT_NONE || in >= UMATCV_N_LAYOUTS
      || out <= UMATCV_LAYOUT_NONE || out >= UMATCV_N_LAYOUTS
      || (info && info->problem))
    return;
  if (gst_umat_chain_info_is_auto (info))
    table = g_once (&once, build_auto_table, NULL);
  else
    table = info->conversions;
  *conv = table[in * UMATCV_N_LAYOUTS + out];
}

gchar *
gst_umat_describe_layouts (guint64 mask)
{
  GString *s = g_string_new (NULL);
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  for (guint i = 0; i < n; i++) {
    if (!(mask & UMATCV_LAYOUT_BIT (all[i].layout)))
      continue;
    if (s->len)
      g_string_append (s, "/");
    g_string_append (s, gst_video_format_to_string (all[i].format));
  }
  return g_string_free (s, FALSE);
}

/* Why a parsed chain can never work in a video pipeline, or NULL. */
static gchar *
chain_problem (const GstUmatChainInfo * info)
{
  UmatcvChain *chain = info->chain;
  gsize n = umatcv_chain_length (chain);
  const GstUmatFormat *out = format_from_layout (info->output);
  gchar *error = NULL, *problem = NULL, *takes;

  if (umatcv_chain_check (chain, &error) != UMATCV_OK) {
    problem = g_strdup_printf ("chain %s", error);
    umatcv_free (error);
    return problem;
  }
  if (out == NULL || out->info->input_only)
    return g_strdup_printf ("chain step %" G_GSIZE_FORMAT " (%s) gives %s, "
        "which no video format carries: end the chain with a code to BGR, "
        "RGB, BGRA, RGBA, GRAY or YUV_I420/YUV_YV12", n,
        umatcv_chain_step_name (chain, n - 1),
        umatcv_layout_name (info->output));
  takes = gst_umat_describe_layouts (info->inputs);
  if (*takes == '\0')
    problem = g_strdup_printf ("chain step 1 (%s) takes no format a video "
        "stream carries: start the chain with a code from BGR, RGB, BGRA, "
        "RGBA, GRAY or YUV", umatcv_chain_step_name (chain, 0));
  g_free (takes);
  return problem;
}

GstUmatChainInfo *
gst_umat_chain_info_new (const gchar * text)
{
  GstUmatChainInfo *info = g_atomic_rc_box_new0 (GstUmatChainInfo);
  gchar *error = NULL;

  info->text = g_strdup (text ? text : "");
  if (*info->text == '\0')
    return info;                /* auto mode */
  if (umatcv_chain_parse (info->text, &info->chain, &error) != UMATCV_OK) {
    info->problem = g_strdup (error);
    umatcv_free (error);
    return info;
  }
  info->inputs = umatcv_chain_input_layouts (info->chain);
  info->output = umatcv_chain_output_layout (info->chain);
  info->flags = umatcv_chain_flags (info->chain);
  umatcv_chain_size_alignment (info->chain, &info->width_align,
      &info->height_align);
  info->problem = chain_problem (info);
  if (info->problem == NULL)
    info->conversions = conversion_table (info->chain);
  return info;
}

static void
chain_info_clear (GstUmatChainInfo * info)
{
  g_free (info->text);
  umatcv_chain_free (info->chain);
  g_free (info->problem);
  g_free (info->conversions);
}

GstUmatChainInfo *
gst_umat_chain_info_ref (GstUmatChainInfo * info)
{
  return g_atomic_rc_box_acquire (info);
}

void
gst_umat_chain_info_unref (GstUmatChainInfo * info)
{
  if (info)
    g_atomic_rc_box_release_full (info, (GDestroyNotify) chain_info_clear);
}

gboolean
gst_umat_chain_info_is_auto (const GstUmatChainInfo * info)
{
  return info == NULL || (info->chain == NULL && info->problem == NULL);
}

/* Whether YUV described by `s` has a matrix the converter applies: BT.601
 * or BT.709, either range. Without colorimetry, GStreamer's default for the
 * size is one of them; unfixed caps may still settle on one. */
gboolean
gst_umat_structure_has_known_matrix (const GstStructure * s)
{
  const gchar *text = gst_structure_get_string (s, "colorimetry");
  GstVideoColorimetry c;

  if (text == NULL)
    return TRUE;
  if (!gst_video_colorimetry_from_string (&c, text))
    return FALSE;
  return c.matrix == GST_VIDEO_COLOR_MATRIX_BT601
      || c.matrix == GST_VIDEO_COLOR_MATRIX_BT709
      || c.matrix == GST_VIDEO_COLOR_MATRIX_BT2020
      || c.matrix == GST_VIDEO_COLOR_MATRIX_UNKNOWN;
}

static gboolean
align_size (GstStructure * s, const gchar * field, gint align)
{
  const GValue *value = gst_structure_get_value (s, field);
  GValue range = G_VALUE_INIT, result = G_VALUE_INIT;

  if (align <= 1 || value == NULL)
    return TRUE;
  g_value_init (&range, GST_TYPE_INT_RANGE);
  gst_value_set_int_range_step (&range, align,
      GST_UMAT_MAX_SIZE / align * align, align);
  if (!gst_value_intersect (&result, value, &range)) {
    g_value_unset (&range);
    return FALSE;
  }
  gst_structure_take_value (s, field, &result);
  g_value_unset (&range);
  return TRUE;
}

static void
scale_fraction (GValue * v, gint mul, gint div)
{
  gint n = gst_value_get_fraction_numerator (v);
  gint d = gst_value_get_fraction_denominator (v);
  gint rn, rd;

  if (n == 0)
    return;
  if (!gst_util_fraction_multiply (n, d, mul, div, &rn, &rd)) {
    rn = mul > div ? G_MAXINT : 0;
    rd = 1;
  }
  gst_value_set_fraction (v, rn, rd);
}

/* Multiplies every framerate in `v` by mul/div. */
static void
scale_framerate (GValue * v, gint mul, gint div)
{
  if (GST_VALUE_HOLDS_FRACTION (v)) {
    scale_fraction (v, mul, div);
  } else if (GST_VALUE_HOLDS_FRACTION_RANGE (v)) {
    GValue lo = G_VALUE_INIT, hi = G_VALUE_INIT;
    g_value_init (&lo, GST_TYPE_FRACTION);
    g_value_init (&hi, GST_TYPE_FRACTION);
    g_value_copy (gst_value_get_fraction_range_min (v), &lo);
    g_value_copy (gst_value_get_fraction_range_max (v), &hi);
    scale_fraction (&lo, mul, div);
    scale_fraction (&hi, mul, div);
    if (gst_value_compare (&lo, &hi) == GST_VALUE_LESS_THAN)
      gst_value_set_fraction_range (v, &lo, &hi);
    else {
      g_value_unset (v);
      g_value_init (v, GST_TYPE_FRACTION);
      g_value_copy (&lo, v);
    }
    g_value_unset (&lo);
    g_value_unset (&hi);
  } else if (GST_VALUE_HOLDS_LIST (v)) {
    for (guint i = 0; i < gst_value_list_get_size (v); i++)
      scale_framerate ((GValue *) gst_value_list_get_value (v, i), mul, div);
  }
}

static void
set_colorimetry (GstStructure * t, const GstUmatFormat * target,
    const GstUmatFormat * from, guint flags, GstPadDirection direction)
{
  gboolean rgb_to_rgb = target->info->family == UMATCV_FAMILY_RGB
      && from->info->family == UMATCV_FAMILY_RGB;
  gboolean yuv_repack = is_yuv (target) && is_yuv (from)
      && !(flags & (UMATCV_CHAIN_DECODES_YUV | UMATCV_CHAIN_ENCODES_YUV));

  if (rgb_to_rgb || yuv_repack)
    return;                     /* the samples keep their meaning */
  gst_structure_remove_fields (t, "colorimetry", "chroma-site", NULL);
  if (direction == GST_PAD_SINK && target->info->family == UMATCV_FAMILY_RGB) {
    /* GStreamer's default for RGB, said out loud so peers that state it
     * match */
    gst_structure_set (t, "colorimetry", G_TYPE_STRING, "sRGB", NULL);
  }
  /* YUV a matrix writes: any colorimetry downstream asks for, and any
   * siting unless OpenCV's own encoder, named in the chain, writes it;
   * fixate_caps picks the defaults */
  if (direction == GST_PAD_SINK && is_yuv (target)
      && (flags & UMATCV_CHAIN_WRITES_COSITED))
    gst_structure_set (t, "chroma-site", G_TYPE_STRING, "cosited", NULL);
}

/* The formats a structure names, or every format of its pad. */
static void
structure_formats (const GstStructure * s, GstPadDirection direction,
    GArray * out)
{
  const GValue *v = gst_structure_get_value (s, "format");
  const GstUmatFormat *f;
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  if (v == NULL) {
    for (guint i = 0; i < n; i++)
      if (direction == GST_PAD_SINK || !all[i].info->input_only)
        g_array_append_val (out, all[i].format);
  } else if (G_VALUE_HOLDS_STRING (v)) {
    /* "format=NULL" parses as a NULL string */
    GstVideoFormat format = g_value_get_string (v) ?
        gst_video_format_from_string (g_value_get_string (v)) :
        GST_VIDEO_FORMAT_UNKNOWN;
    g_array_append_val (out, format);
  } else if (GST_VALUE_HOLDS_LIST (v)) {
    for (guint i = 0; i < gst_value_list_get_size (v); i++) {
      const GValue *item = gst_value_list_get_value (v, i);
      if (G_VALUE_HOLDS_STRING (item) && g_value_get_string (item)) {
        GstVideoFormat format =
            gst_video_format_from_string (g_value_get_string (item));
        g_array_append_val (out, format);
      }
    }
  }
  for (guint i = 0; i < out->len;) {
    f = gst_umat_format_from_video (g_array_index (out, GstVideoFormat, i));
    if (f == NULL || (direction == GST_PAD_SRC && f->info->input_only))
      g_array_remove_index (out, i);
    else
      i++;
  }
}

/* Where `to` comes in the order of preference, as the other pad's format
 * for `from`: on the source pad, what the chain gives first (nothing to
 * convert after it), then the format that came in, then its family, then
 * the rest; on the sink pad, the format downstream takes first (upstream
 * need not convert), then its family, then the rest. */
static guint
preference (const GstUmatChainInfo * info, GstPadDirection direction,
    const GstUmatFormat * from, const GstUmatFormat * to)
{
  if (direction == GST_PAD_SINK && !gst_umat_chain_info_is_auto (info)
      && carries (info->output, to->layout))
    return 0;
  if (to == from)
    return 1;
  if (same_family (to, from))
    return 2;
  return 3;
}

/* Appends, most preferred first, what `s` can become on the other pad. */
static void
transform_structure (const GstUmatChainInfo * info, guint rate,
    GstPadDirection direction, const GstStructure * s, GstCaps ** result)
{
  GArray *from_formats = g_array_new (FALSE, FALSE, sizeof (GstVideoFormat));
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  structure_formats (s, direction, from_formats);
  for (guint i = 0; i < from_formats->len; i++) {
    const GstUmatFormat *from = gst_umat_format_from_video
        (g_array_index (from_formats, GstVideoFormat, i));
    for (guint pass = 0; pass < 4; pass++) {
      for (guint j = 0; j < n; j++) {
        const GstUmatFormat *to = &all[j];
        GstUmatConversion conv;
        GstStructure *t;

        if (preference (info, direction, from, to) != pass)
          continue;
        if (direction == GST_PAD_SINK && to->info->input_only)
          continue;
        if (direction == GST_PAD_SINK)
          gst_umat_conversion (info, from->layout, to->layout, &conv);
        else
          gst_umat_conversion (info, to->layout, from->layout, &conv);
        if (!conv.possible)
          continue;
        if ((conv.flags & (direction == GST_PAD_SINK ?
                    UMATCV_CHAIN_DECODES_YUV : UMATCV_CHAIN_ENCODES_YUV))
            && is_yuv (from) && !gst_umat_structure_has_known_matrix (s))
          continue;

        t = gst_structure_copy (s);
        gst_structure_set (t, "format", G_TYPE_STRING,
            gst_video_format_to_string (to->format), NULL);
        set_colorimetry (t, to, from, conv.flags, direction);
        if (rate > 1 && gst_structure_has_field (t, "framerate")) {
          GValue fr = G_VALUE_INIT;
          g_value_init (&fr, G_VALUE_TYPE (gst_structure_get_value (t,
                      "framerate")));
          g_value_copy (gst_structure_get_value (t, "framerate"), &fr);
          if (direction == GST_PAD_SINK)
            scale_framerate (&fr, 1, rate);
          else
            scale_framerate (&fr, rate, 1);
          gst_structure_take_value (t, "framerate", &fr);
        }
        if (!align_size (t, "width", conv.width_align)
            || !align_size (t, "height", conv.height_align)) {
          gst_structure_free (t);
          continue;
        }
        *result = gst_caps_merge_structure (*result, t);
      }
    }
  }
  g_array_free (from_formats, TRUE);
}

/* The structures of `caps` in those formats, as CUDA memory. */
static GstCaps *
as_cuda_memory (GstCaps * caps)
{
  GstCaps *cuda = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    const GstStructure *s = gst_caps_get_structure (caps, i);
    const gchar *name = gst_structure_get_string (s, "format");

    if (name && is_cuda_format (gst_video_format_from_string (name)))
      gst_caps_append_structure_full (cuda, gst_structure_copy (s),
          gst_caps_features_new (GST_UMAT_CAPS_FEATURE_CUDA_MEMORY, NULL));
  }
  return cuda;
}

GstCaps *
gst_umat_transform_caps (const GstUmatChainInfo * info, guint rate,
    gboolean cuda, GstPadDirection direction, GstCaps * caps)
{
  GstCaps *result;

  /* A chain that cannot work fails the element when it starts, with an
   * error that names the bad code; until then it links as anything would,
   * so that gst-launch-1.0 gets that far rather than failing to link. */
  if (info && info->problem)
    return gst_umat_template_caps (direction == GST_PAD_SINK ? GST_PAD_SRC :
        GST_PAD_SINK);
  result = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstCapsFeatures *features = gst_caps_get_features (caps, i);
    const GstStructure *s = gst_caps_get_structure (caps, i);

    /* system memory both ways; CUDA memory in, where it can come in */
    if (features && !gst_caps_features_is_any (features)
        && !gst_caps_features_is_equal (features,
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)
        && !(direction == GST_PAD_SINK && cuda
            && gst_caps_features_contains (features,
                GST_UMAT_CAPS_FEATURE_CUDA_MEMORY)))
      continue;
    if (!gst_structure_has_name (s, "video/x-raw"))
      continue;
    transform_structure (info, rate, direction, s, &result);
  }
  /* what the sink takes in system memory it takes in CUDA memory too,
   * first, so that a decoder that can keeps its frames on the GPU */
  if (direction == GST_PAD_SRC && cuda) {
    GstCaps *cuda_caps = as_cuda_memory (result);
    result = gst_caps_merge (cuda_caps, result);
  }
  return result;
}

gboolean
gst_umat_caps_are_cuda (GstCaps * caps)
{
  GstCapsFeatures *features;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return FALSE;
  features = gst_caps_get_features (caps, 0);
  return features && gst_caps_features_contains (features,
      GST_UMAT_CAPS_FEATURE_CUDA_MEMORY);
}

/* The chroma siting the converter applies to `caps`: the one they name,
 * else MPEG-2's, which H.264 and HEVC assume (docs/colour.md). GStreamer
 * 1.22's gst_video_info_from_caps gives caps without colorimetry the
 * default siting for their size instead (JPEG's, centred, up to 576
 * lines), even when they name one, as decoders of untagged H.264 do. */
void
gst_umat_info_take_chroma_site (GstVideoInfo * info, const GstCaps * caps)
{
  const gchar *text = NULL;
  GstVideoChromaSite site = GST_VIDEO_CHROMA_SITE_UNKNOWN;

  if (!GST_VIDEO_INFO_IS_YUV (info))
    return;
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    text = gst_structure_get_string (gst_caps_get_structure (caps, 0),
        "chroma-site");
  if (text != NULL)
    site = gst_video_chroma_site_from_string (text);
  if (site == GST_VIDEO_CHROMA_SITE_UNKNOWN)
    site = GST_VIDEO_CHROMA_SITE_MPEG2;
  GST_VIDEO_INFO_CHROMA_SITE (info) = site;
}

void
gst_umat_fixate_colorimetry (GstCaps * caps)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);
  GstVideoInfo info;
  gchar *colorimetry;

  if (gst_structure_has_field (s, "colorimetry")
      && gst_structure_has_field (s, "chroma-site"))
    return;
  if (!gst_video_info_from_caps (&info, caps) || !GST_VIDEO_INFO_IS_YUV (&info))
    return;
  /* gst_video_info_from_caps filled in the default for the size: BT.709
   * above 576 lines, BT.601 up to 576, as videoconvert's fixation does */
  if (!gst_structure_has_field (s, "colorimetry")) {
    colorimetry = gst_video_colorimetry_to_string (&info.colorimetry);
    if (colorimetry)
      gst_structure_set (s, "colorimetry", G_TYPE_STRING, colorimetry, NULL);
    g_free (colorimetry);
  }
  /* and the chroma siting the converter writes: MPEG-2's, which H.264 and
   * HEVC encoders assume */
  if (!gst_structure_has_field (s, "chroma-site")
      && (GST_VIDEO_FORMAT_INFO_W_SUB (info.finfo, 1)
          || GST_VIDEO_FORMAT_INFO_H_SUB (info.finfo, 1)))
    gst_structure_set (s, "chroma-site", G_TYPE_STRING, "mpeg2", NULL);
}
