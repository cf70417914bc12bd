/* libFuzzer target: caps negotiation with any chain and any caps.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: "<chain>\n<caps>\n<caps>": a chain property (empty: auto mode),
 * then caps as upstream and downstream might send them, in GStreamer's
 * string form. The first byte's low bits pick selection-rate. It runs what
 * umatconvert does with them: transform_caps both ways (gstumatcaps.c), the
 * explanation of a refusal, and, for caps that fixate into something the
 * element accepts, what set_caps does: video info on both sides and a CPU
 * converter for the pair (frames up to MAX_PIXELS; larger sizes are only
 * negotiated). A converter that is made must convert a frame.
 */
#include "gstumatcaps.h"
#include "gstumatrefusal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT_SIZE 4096
#define MAX_PIXELS (256 * 256)

/* gstumatrefusal.c logs to the element's category, which
 * gstumatconvert.c defines: the fuzzer, without the element, has its own */
GST_DEBUG_CATEGORY (gst_umat_convert_debug);

static UmatcvEngine *cpu_engine;
static gboolean parsing;

/* GStreamer's caps parser warns (g_return_if_fail) about some malformed
 * strings: expected while it parses fuzz. A warning anywhere else, from our
 * code or from GStreamer about how our code calls it, is a bug. */
static void
on_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer unused)
{
  if (parsing)
    return;
  g_printerr ("%s: %s\n", domain ? domain : "", message);
  abort ();
}

/* Caps nested deeper than any real caps: GStreamer's parser recurses on
 * them, and its leaks there (lsan.supp) get stacks too deep to match. */
static gboolean
too_deep (const gchar * text)
{
  gint depth = 0;

  for (; *text; text++)
    if (strchr ("<{[(", *text) && ++depth > 8)
      return TRUE;
  return FALSE;
}

/* GStreamer 1.22's parser accepts lists of mixed types ("{BGR,1}"), which
 * GStreamer itself then crashes on (gst_caps_merge_structure() compares an
 * int as a string): no element can take such caps, so they are not ours. */
static gboolean
field_is_uniform (GQuark field, const GValue * value, gpointer unused)
{
  gboolean list = GST_VALUE_HOLDS_LIST (value);

  if (list || GST_VALUE_HOLDS_ARRAY (value)) {
    guint n = list ? gst_value_list_get_size (value)
        : gst_value_array_get_size (value);
    for (guint i = 0; i < n; i++) {
      const GValue *item = list ? gst_value_list_get_value (value, i)
          : gst_value_array_get_value (value, i);
      const GValue *first = list ? gst_value_list_get_value (value, 0)
          : gst_value_array_get_value (value, 0);
      if (G_VALUE_TYPE (item) != G_VALUE_TYPE (first)
          || !field_is_uniform (field, item, unused))
        return FALSE;
    }
  }
  return TRUE;
}

static GstCaps *
caps_from_string (const gchar * text)
{
  GstCaps *caps;

  if (too_deep (text))
    return NULL;

  parsing = TRUE;
  caps = gst_caps_from_string (text);
  parsing = FALSE;
  for (guint i = 0; caps && i < gst_caps_get_size (caps); i++) {
    if (!gst_structure_foreach (gst_caps_get_structure (caps, i),
            field_is_uniform, NULL)) {
      gst_caps_unref (caps);
      caps = NULL;
    }
  }
  return caps;
}

static void
must (int condition)
{
  if (!condition)
    abort ();
}

static void
convert_one_frame (const GstUmatChainInfo * info, const GstVideoInfo * in,
    const GstVideoInfo * out)
{
  UmatcvLayout in_layout = gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT
      (in));
  UmatcvLayout out_layout =
      gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT (out));
  UmatcvChain *route = NULL;
  const UmatcvChain *chain;
  UmatcvConverter *converter = NULL;
  UmatcvImage images[2];
  UmatcvConverterSpec spec;
  const GstVideoInfo *infos[2] = { in, out };
  guint8 *data[2];

  if ((guint64) GST_VIDEO_INFO_WIDTH (in) * GST_VIDEO_INFO_HEIGHT (in)
      > MAX_PIXELS)
    return;
  if (!gst_umat_chain_info_is_auto (info)) {
    chain = info->chain;
  } else if (umatcv_chain_route (in_layout, out_layout, &route,
          NULL) == UMATCV_OK) {
    chain = route;
  } else {
    return;
  }
  umatcv_converter_spec_init (&spec, in_layout, out_layout,
      GST_VIDEO_INFO_WIDTH (in), GST_VIDEO_INFO_HEIGHT (in));
  if (umatcv_converter_new (cpu_engine, chain, &spec, &converter,
          NULL) == UMATCV_OK) {
    for (int i = 0; i < 2; i++) {
      /* GStreamer's default layout, as a buffer from a pool would have it */
      data[i] = g_malloc0 (GST_VIDEO_INFO_SIZE (infos[i]));
      memset (&images[i], 0, sizeof (images[i]));
      images[i].layout = i ? out_layout : in_layout;
      images[i].width = GST_VIDEO_INFO_WIDTH (infos[i]);
      images[i].height = GST_VIDEO_INFO_HEIGHT (infos[i]);
      for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (infos[i]) && p < 3; p++) {
        images[i].planes[p] = data[i] + GST_VIDEO_INFO_PLANE_OFFSET (infos[i],
            p);
        images[i].strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (infos[i], p);
      }
    }
    must (umatcv_converter_process (converter, &images[0], &images[1],
            NULL) == UMATCV_OK);
    g_free (data[0]);
    g_free (data[1]);
    umatcv_converter_free (converter);
  }
  umatcv_chain_free (route);
}

/* What GstVideoFilter's set_caps would be given for upstream caps `in`. */
static void
negotiate (const GstUmatChainInfo * info, guint rate, GstCaps * in,
    GstCaps * downstream)
{
  GstCaps *out, *fixed_in, *fixed_out;
  GstVideoInfo in_info, out_info;

  out = gst_umat_transform_caps (info, rate, FALSE, GST_PAD_SINK, in);
  if (downstream) {
    GstCaps *tmp = gst_caps_intersect (out, downstream);
    gst_caps_unref (out);
    out = tmp;
  }
  /* A chain with a problem links as anything would and fails the element
   * when it starts: nothing is negotiated or converted with it. */
  if (info->problem || gst_caps_is_empty (out) || !gst_caps_is_fixed (in)) {
    gchar *why = gst_umat_explain_refusal (info, in, downstream);
    g_free (why);
    gst_caps_unref (out);
    return;
  }
  fixed_in = gst_caps_ref (in);
  fixed_out = gst_caps_fixate (out);
  if (gst_video_info_from_caps (&in_info, fixed_in)
      && gst_video_info_from_caps (&out_info, fixed_out)) {
    /* the element never changes the size */
    must (GST_VIDEO_INFO_WIDTH (&in_info) == GST_VIDEO_INFO_WIDTH (&out_info));
    must (GST_VIDEO_INFO_HEIGHT (&in_info) ==
        GST_VIDEO_INFO_HEIGHT (&out_info));
    convert_one_frame (info, &in_info, &out_info);
  }
  gst_caps_unref (fixed_in);
  gst_caps_unref (fixed_out);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* caps and video info need no plugin: load none */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (gst_umat_convert_debug, "umatconvert", 0,
      "umatconvert, in the caps fuzzer");
  g_log_set_default_handler (on_log, NULL);
  g_log_set_handler ("GStreamer", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL
      | G_LOG_FLAG_RECURSION, on_log, NULL);
  must (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu_engine, NULL) == UMATCV_OK);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text, **parts;
  GstUmatChainInfo *info = NULL;
  GstCaps *caps = NULL, *downstream = NULL;
  guint rate;

  if (size == 0 || size > MAX_INPUT_SIZE)
    return -1;
  rate = 1 + (data[0] & 7);
  text = g_strndup ((const gchar *) data + 1, size - 1);
  parts = g_strsplit (text, "\n", 3);
  g_free (text);
  if (parts[0] == NULL || parts[1] == NULL)
    goto done;

  info = gst_umat_chain_info_new (parts[0]);
  caps = caps_from_string (parts[1]);
  if (caps == NULL)
    goto done;
  if (parts[2] != NULL)
    downstream = caps_from_string (parts[2]);

  /* both directions, as GstBaseTransform asks */
  gst_caps_unref (gst_umat_transform_caps (info, rate, FALSE, GST_PAD_SRC, caps));
  negotiate (info, rate, caps, downstream);
  if (downstream)
    gst_caps_unref (gst_umat_transform_caps (info, rate, FALSE, GST_PAD_SRC,
            downstream));

done:
  if (caps)
    gst_caps_unref (caps);
  if (downstream)
    gst_caps_unref (downstream);
  gst_umat_chain_info_unref (info);
  g_strfreev (parts);
  return 0;
}
