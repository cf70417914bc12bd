/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps negotiation for umatconvert. Formats are only half the story:
 *  - 4:2:0 needs even sizes, and so does any chain that passes through it;
 *  - YUV that goes through a matrix must have the BT.601 or BT.709 matrix,
 *    limited or full range (the converter applies it: OpenCV's codes for
 *    BT.601 limited range, umatcv's own for the rest); YUV output from RGB
 *    takes what downstream asks for, else GStreamer's default for its size
 *    (fixated by the element: BT.709 above 576 lines, BT.601 below), with
 *    chroma-site=cosited (OpenCV keeps the top-left sample of each 2x2
 *    block); repacking YUV into YUV keeps the input's colorimetry;
 *  - selection-rate N divides the framerate by N.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatcaps.h"

#include <string.h>

#define L(x) UMATCV_LAYOUT_##x

typedef enum {
  FAMILY_RGB,
  FAMILY_YUV420,
  FAMILY_YUV422,
} Family;

typedef struct {
  GstVideoFormat format;
  UmatcvLayout layout;
  Family family;
  gboolean sink_only;
} FormatEntry;

/* In the order auto mode prefers them within a family. */
static const FormatEntry formats[] = {
  {GST_VIDEO_FORMAT_BGR, L (BGR), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_RGB, L (RGB), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_BGRx, L (BGRX), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_BGRA, L (BGRA), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_RGBx, L (RGBX), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_RGBA, L (RGBA), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_GRAY8, L (GRAY), FAMILY_RGB, FALSE},
  {GST_VIDEO_FORMAT_I420, L (I420), FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_YV12, L (YV12), FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_NV12, L (NV12), FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_NV21, L (NV21), FAMILY_YUV420, FALSE},
  {GST_VIDEO_FORMAT_YUY2, L (YUY2), FAMILY_YUV422, TRUE},
  {GST_VIDEO_FORMAT_UYVY, L (UYVY), FAMILY_YUV422, TRUE},
  {GST_VIDEO_FORMAT_YVYU, L (YVYU), FAMILY_YUV422, TRUE},
};

#define N_FORMATS G_N_ELEMENTS (formats)

static const FormatEntry *
find_format (GstVideoFormat format)
{
  for (guint i = 0; i < N_FORMATS; i++)
    if (formats[i].format == format)
      return &formats[i];
  return NULL;
}

static const FormatEntry *
find_layout (UmatcvLayout layout)
{
  for (guint i = 0; i < N_FORMATS; i++)
    if (formats[i].layout == layout)
      return &formats[i];
  return NULL;
}

UmatcvLayout
gst_umat_layout_from_format (GstVideoFormat format)
{
  const FormatEntry *f = find_format (format);
  return f ? f->layout : UMATCV_LAYOUT_NONE;
}

static void
format_alignment (const FormatEntry * f, gint * wa, gint * ha)
{
  *wa = MAX (*wa, f->family == FAMILY_RGB ? 1 : 2);
  *ha = MAX (*ha, f->family == FAMILY_YUV420 ? 2 : 1);
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

/* Auto mode: the route between every pair, worked out once. */
static GstUmatConversion auto_table[UMATCV_N_LAYOUTS][UMATCV_N_LAYOUTS];

static gpointer
build_auto_table (gpointer unused)
{
  for (guint i = 0; i < N_FORMATS; i++) {
    for (guint j = 0; j < N_FORMATS; j++) {
      GstUmatConversion *conv = &auto_table[formats[i].layout][formats[j].layout];
      UmatcvChain *route = NULL;
      if (formats[j].sink_only
          || umatcv_chain_route (formats[i].layout, formats[j].layout,
              &route) != UMATCV_OK)
        continue;
      conv->possible = TRUE;
      conv->flags = umatcv_chain_flags (route);
      umatcv_chain_size_alignment (route, &conv->width_align,
          &conv->height_align);
      umatcv_chain_free (route);
    }
  }
  return NULL;
}

void
gst_umat_conversion (const GstUmatChainInfo * info, UmatcvLayout in,
    UmatcvLayout out, GstUmatConversion * conv)
{
  static GOnce once = G_ONCE_INIT;

  memset (conv, 0, sizeof (*conv));
  if (in <= UMATCV_LAYOUT_NONE || in >= UMATCV_N_LAYOUTS
      || out <= UMATCV_LAYOUT_NONE || out >= UMATCV_N_LAYOUTS)
    return;
  if (info == NULL) {
    g_once (&once, build_auto_table, NULL);
    *conv = auto_table[in][out];
    return;
  }
  conv->possible = info->problem == NULL
      && (info->inputs & UMATCV_LAYOUT_BIT (in)) && carries (info->output, out);
  conv->flags = info->flags;
  conv->width_align = info->width_align;
  conv->height_align = info->height_align;
}

static gchar *
describe_inputs (guint32 mask)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < N_FORMATS; i++) {
    if (!(mask & UMATCV_LAYOUT_BIT (formats[i].layout)))
      continue;
    if (s->len)
      g_string_append (s, "/");
    g_string_append (s, gst_video_format_to_string (formats[i].format));
  }
  return g_string_free (s, FALSE);
}

GstUmatChainInfo *
gst_umat_chain_info_new (UmatcvChain * chain)
{
  GstUmatChainInfo *info = g_new0 (GstUmatChainInfo, 1);
  gsize n = umatcv_chain_length (chain);
  gchar error[256];

  info->chain = chain;
  info->inputs = umatcv_chain_input_layouts (chain);
  info->output = umatcv_chain_output_layout (chain);
  info->flags = umatcv_chain_flags (chain);
  umatcv_chain_size_alignment (chain, &info->width_align, &info->height_align);

  if (umatcv_chain_check (chain, error, sizeof (error)) != UMATCV_OK) {
    info->problem = g_strdup_printf ("chain %s", error);
  } else if (find_layout (info->output) == NULL
      || find_layout (info->output)->sink_only) {
    info->problem = g_strdup_printf ("chain step %" G_GSIZE_FORMAT " (%s) "
        "gives %s, which no video format carries: end the chain with a code "
        "to BGR, RGB, BGRA, RGBA, GRAY or YUV_I420/YUV_YV12", n,
        umatcv_chain_step_name (chain, n - 1),
        umatcv_layout_name (info->output));
  } else {
    gchar *takes = describe_inputs (info->inputs);
    if (*takes == '\0')
      info->problem = g_strdup_printf ("chain step 1 (%s) takes no format a "
          "video stream carries: start the chain with a code from BGR, RGB, "
          "BGRA, RGBA, GRAY or YUV", umatcv_chain_step_name (chain, 0));
    g_free (takes);
  }
  return info;
}

void
gst_umat_chain_info_free (GstUmatChainInfo * info)
{
  if (info == NULL)
    return;
  umatcv_chain_free (info->chain);
  g_free (info->problem);
  g_free (info);
}

/* Whether YUV described by `s` has a matrix the converter applies: BT.601
 * or BT.709, either range. Without colorimetry, GStreamer's default for the
 * size is one of them; unfixed caps may still settle on one. */
static gboolean
structure_has_known_matrix (const GstStructure * s)
{
  const gchar *text = gst_structure_get_string (s, "colorimetry");
  GstVideoColorimetry c;

  if (text == NULL)
    return TRUE;
  if (!gst_video_colorimetry_from_string (&c, text))
    return FALSE;
  return c.matrix == GST_VIDEO_COLOR_MATRIX_BT601
      || c.matrix == GST_VIDEO_COLOR_MATRIX_BT709
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
set_colorimetry (GstStructure * t, const FormatEntry * target,
    const FormatEntry * from, guint flags, GstPadDirection direction)
{
  gboolean rgb_to_rgb = target->family == FAMILY_RGB
      && from->family == FAMILY_RGB && target->layout != L (GRAY)
      && from->layout != L (GRAY);
  gboolean yuv_repack = target->family != FAMILY_RGB
      && from->family != FAMILY_RGB
      && !(flags & (UMATCV_CHAIN_READS_BT601 | UMATCV_CHAIN_WRITES_BT601));

  if (rgb_to_rgb || yuv_repack)
    return;                     /* the samples keep their meaning */
  gst_structure_remove_fields (t, "colorimetry", "chroma-site", NULL);
  if (direction == GST_PAD_SINK && target->family == FAMILY_RGB
      && target->layout != L (GRAY)) {
    /* GStreamer's default for RGB, said out loud so peers that state it
     * match */
    gst_structure_set (t, "colorimetry", G_TYPE_STRING, "sRGB", NULL);
  } else if (direction == GST_PAD_SINK && target->family != FAMILY_RGB
      && (flags & UMATCV_CHAIN_WRITES_BT601)) {
    /* any matrix downstream asks for; fixate_caps picks the default */
    gst_structure_set (t, "chroma-site", G_TYPE_STRING, "cosited", NULL);
  }
}

/* The formats a structure names, or every format of its pad. */
static void
structure_formats (const GstStructure * s, GstPadDirection direction,
    GArray * out)
{
  const GValue *v = gst_structure_get_value (s, "format");
  const FormatEntry *f;

  if (v == NULL) {
    for (guint i = 0; i < N_FORMATS; i++)
      if (direction == GST_PAD_SINK || !formats[i].sink_only)
        g_array_append_val (out, formats[i].format);
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
    f = find_format (g_array_index (out, GstVideoFormat, i));
    if (f == NULL || (direction == GST_PAD_SRC && f->sink_only))
      g_array_remove_index (out, i);
    else
      i++;
  }
}

/* Appends, most preferred first, what `s` can become on the other pad. */
static void
transform_structure (const GstUmatChainInfo * info, guint rate,
    GstPadDirection direction, const GstStructure * s, GstCaps ** result)
{
  GArray *from_formats = g_array_new (FALSE, FALSE, sizeof (GstVideoFormat));

  structure_formats (s, direction, from_formats);
  for (guint i = 0; i < from_formats->len; i++) {
    const FormatEntry *from =
        find_format (g_array_index (from_formats, GstVideoFormat, i));
    /* same format first, then its family, then the rest */
    for (guint pass = 0; pass < 3; pass++) {
      for (guint j = 0; j < N_FORMATS; j++) {
        const FormatEntry *to = &formats[j];
        GstUmatConversion conv;
        GstStructure *t;
        gint wa = 1, ha = 1;

        if ((pass == 0) != (to == from)
            || (pass == 1) != (to != from && to->family == from->family))
          continue;
        if (direction == GST_PAD_SINK && to->sink_only)
          continue;
        if (direction == GST_PAD_SINK)
          gst_umat_conversion (info, from->layout, to->layout, &conv);
        else
          gst_umat_conversion (info, to->layout, from->layout, &conv);
        if (!conv.possible)
          continue;
        if ((conv.flags & (direction == GST_PAD_SINK ?
                    UMATCV_CHAIN_READS_BT601 : UMATCV_CHAIN_WRITES_BT601))
            && from->family != FAMILY_RGB && !structure_has_known_matrix (s))
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
        wa = MAX (wa, conv.width_align);
        ha = MAX (ha, conv.height_align);
        format_alignment (from, &wa, &ha);
        format_alignment (to, &wa, &ha);
        if (!align_size (t, "width", wa) || !align_size (t, "height", ha)) {
          gst_structure_free (t);
          continue;
        }
        *result = gst_caps_merge_structure (*result, t);
      }
    }
  }
  g_array_free (from_formats, TRUE);
}

GstCaps *
gst_umat_transform_caps (const GstUmatChainInfo * info, guint rate,
    GstPadDirection direction, GstCaps * caps)
{
  GstCaps *result = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstCapsFeatures *features = gst_caps_get_features (caps, i);
    const GstStructure *s = gst_caps_get_structure (caps, i);

    if (features && !gst_caps_features_is_any (features)
        && !gst_caps_features_is_equal (features,
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY))
      continue;
    if (!gst_structure_has_name (s, "video/x-raw"))
      continue;
    transform_structure (info, rate, direction, s, &result);
  }
  return result;
}

static gboolean
caps_take_format (GstCaps * caps, GstVideoFormat format)
{
  GstCaps *probe = gst_caps_new_simple ("video/x-raw", "format",
      G_TYPE_STRING, gst_video_format_to_string (format), NULL);
  gboolean ok = gst_caps_can_intersect (caps, probe);
  gst_caps_unref (probe);
  return ok;
}

gchar *
gst_umat_explain_refusal (const GstUmatChainInfo * info, GstCaps * caps,
    GstCaps * downstream)
{
  const GstStructure *s;
  const FormatEntry *from;
  gboolean colour_blocked = FALSE, size_blocked = FALSE, any = FALSE;
  gint width = 0, height = 0, wa = 1, ha = 1;
  const gchar *step = info ? umatcv_chain_step_name (info->chain, 0) : NULL;
  const gchar *format_name;
  gchar *who;
  gchar *msg = NULL;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return NULL;
  s = gst_caps_get_structure (caps, 0);
  format_name = gst_structure_get_string (s, "format");
  if (!gst_structure_has_name (s, "video/x-raw") || format_name == NULL)
    return NULL;
  if (info && info->problem)
    return g_strdup (info->problem);
  from = find_format (gst_video_format_from_string (format_name));
  if (from == NULL)
    return NULL;
  if (info && !(info->inputs & UMATCV_LAYOUT_BIT (from->layout))) {
    gchar *takes = describe_inputs (info->inputs);
    msg = g_strdup_printf ("chain step 1 (%s) takes %s, but upstream "
        "offers %s", step, takes, format_name);
    g_free (takes);
    return msg;
  }

  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  for (guint j = 0; j < N_FORMATS; j++) {
    GstUmatConversion conv;
    gint w = 1, h = 1;
    if (formats[j].sink_only
        || (downstream && !caps_take_format (downstream, formats[j].format)))
      continue;
    gst_umat_conversion (info, from->layout, formats[j].layout, &conv);
    if (!conv.possible)
      continue;
    any = TRUE;
    if ((conv.flags & UMATCV_CHAIN_READS_BT601) && from->family != FAMILY_RGB
        && !structure_has_known_matrix (s)) {
      colour_blocked = TRUE;
      continue;
    }
    w = MAX (w, conv.width_align);
    h = MAX (h, conv.height_align);
    format_alignment (from, &w, &h);
    format_alignment (&formats[j], &w, &h);
    if (width % w != 0 || height % h != 0) {
      size_blocked = TRUE;
      wa = w;
      ha = h;
      continue;
    }
    return NULL;                /* formats and sizes fit: not ours to explain */
  }

  who = step ? g_strdup_printf ("chain step 1 (%s)", step)
      : g_strdup ("umatconvert");
  if (colour_blocked) {
    const gchar *c = gst_structure_get_string (s, "colorimetry");
    msg = g_strdup_printf ("%s reads %s with the BT.601 or BT.709 matrix, "
        "but upstream offers colorimetry %s; ask upstream for bt601 or bt709 "
        "or put videoconvert in front", who, format_name, c ? c : "(none)");
  } else if (size_blocked) {
    msg = g_strdup_printf ("%s needs a width that is a multiple of %d and a "
        "height that is a multiple of %d (4:2:x chroma), but upstream offers "
        "%dx%d", who, wa, ha, width, height);
  } else if (!any) {
    gchar *wants = downstream ? gst_caps_to_string (downstream) : NULL;
    msg = g_strdup_printf ("%s cannot turn %s into what downstream takes%s%s",
        who, format_name, wants ? ": " : "", wants ? wants : "");
    g_free (wants);
  }
  g_free (who);
  return msg;
}
