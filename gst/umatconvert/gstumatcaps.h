/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps for umatconvert: which video formats map to which cvtColor layouts
 * (umatcv's layout table), and what each conversion does to format, size,
 * framerate and colorimetry.
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "umatcv.h"

G_BEGIN_DECLS

#define GST_UMAT_MAX_SIZE 32766

/* A video format umatconvert knows: a row of umatcv's layout table that
 * carries a video format, in the table's order (auto mode prefers them in
 * that order within a family). */
typedef struct {
  GstVideoFormat format;
  UmatcvLayout layout;
  const UmatcvLayoutInfo *info;
} GstUmatFormat;

const GstUmatFormat *gst_umat_formats (guint * n_formats);
const GstUmatFormat *gst_umat_format_from_video (GstVideoFormat format);
UmatcvLayout gst_umat_layout_from_format (GstVideoFormat format);
/* "BGR/RGB/I420" for a mask of UMATCV_LAYOUT_BIT()s; g_free() it. */
gchar *gst_umat_describe_layouts (guint64 mask);

/* Every format a pad can take, at every size it can take it. */
GstCaps *gst_umat_template_caps (GstPadDirection direction);

/* What a conversion from one layout to another needs and does. */
typedef struct {
  gboolean possible;
  guint flags;          /* UMATCV_CHAIN_* */
  gint width_align, height_align;
} GstUmatConversion;

/* The chain property, parsed once; immutable and reference-counted, so the
 * streaming thread can hold the one it works with while the property
 * changes. An empty text is auto mode (no chain). */
typedef struct {
  gchar *text;           /* as the property was set */
  UmatcvChain *chain;    /* NULL: auto mode, or a text that did not parse */
  guint64 inputs;        /* UMATCV_LAYOUT_BIT mask */
  UmatcvLayout output;
  guint flags;
  gint width_align, height_align;
  gchar *problem;        /* why no caps can ever work, or NULL */
  /* what it needs between every pair of formats, [in * N + out] */
  GstUmatConversion *conversions;
} GstUmatChainInfo;

GstUmatChainInfo *gst_umat_chain_info_new (const gchar * text);
GstUmatChainInfo *gst_umat_chain_info_ref (GstUmatChainInfo * info);
void gst_umat_chain_info_unref (GstUmatChainInfo * info);
/* No chain: the element converts between the negotiated formats. */
gboolean gst_umat_chain_info_is_auto (const GstUmatChainInfo * info);

/* How `info` turns `in` into `out`. */
void gst_umat_conversion (const GstUmatChainInfo * info, UmatcvLayout in,
    UmatcvLayout out, GstUmatConversion * conv);

/* Frames in an NVIDIA decoder's CUDA memory (gst/cuda's
 * GST_CAPS_FEATURE_MEMORY_CUDA_MEMORY, spelled here: the build needs no
 * CUDA headers). */
#define GST_UMAT_CAPS_FEATURE_CUDA_MEMORY "memory:CUDAMemory"

/* What `caps` on one pad become on the other; `cuda`: the device takes
 * frames in CUDA memory (the sink pad then offers them first). */
GstCaps *gst_umat_transform_caps (const GstUmatChainInfo * info,
    guint selection_rate, gboolean cuda, GstPadDirection direction,
    GstCaps * caps);
/* Whether fixed caps are CUDA memory. */
gboolean gst_umat_caps_are_cuda (GstCaps * caps);

/* Whether YUV described by `s` has a matrix the converter applies. */
gboolean gst_umat_structure_has_known_matrix (const GstStructure * s);

/* Writes out the colorimetry and chroma siting that fixed YUV caps leave
 * to the default. */
/* The chroma siting `caps` name, into `info` (see gstumatcaps.c). */
void gst_umat_info_take_chroma_site (GstVideoInfo * info, const GstCaps * caps);
void gst_umat_fixate_colorimetry (GstCaps * caps);

G_END_DECLS
