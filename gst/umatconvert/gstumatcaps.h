/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps for umatconvert: which video formats map to which cvtColor layouts,
 * and what each conversion does to format, size, framerate and colorimetry.
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "umatcv.h"

G_BEGIN_DECLS

#define GST_UMAT_MAX_SIZE 32766

/* 4:2:0 needs even sizes and 4:2:2 an even width: caps say so. */
#define GST_UMAT_CAPS(rgb, yuv422)                                       \
  "video/x-raw, format=(string){ " rgb " }, "                           \
  "width=(int)[ 1, 32766 ], height=(int)[ 1, 32766 ], "                 \
  "framerate=(fraction)[ 0/1, 2147483647/1 ]; "                         \
  "video/x-raw, format=(string){ I420, YV12, NV12, NV21 }, "            \
  "width=(int)[ 2, 32766, 2 ], height=(int)[ 2, 32766, 2 ], "           \
  "framerate=(fraction)[ 0/1, 2147483647/1 ]"                           \
  yuv422

#define GST_UMAT_RGB_FORMATS "BGR, RGB, BGRx, BGRA, RGBx, RGBA, GRAY8"
#define GST_UMAT_SINK_CAPS GST_UMAT_CAPS (GST_UMAT_RGB_FORMATS,          \
    "; video/x-raw, format=(string){ YUY2, UYVY, YVYU }, "          \
    "width=(int)[ 2, 32766, 2 ], height=(int)[ 1, 32766 ], "            \
    "framerate=(fraction)[ 0/1, 2147483647/1 ]")
#define GST_UMAT_SRC_CAPS GST_UMAT_CAPS (GST_UMAT_RGB_FORMATS, "")

/* What a conversion from one layout to another needs and does. */
typedef struct {
  gboolean possible;
  guint flags;          /* UMATCV_CHAIN_* */
  gint width_align, height_align;
} GstUmatConversion;

/* A chain property, parsed once; NULL-chain means auto mode. */
typedef struct {
  UmatcvChain *chain;
  guint32 inputs;        /* UMATCV_LAYOUT_BIT mask */
  UmatcvLayout output;
  guint flags;
  gint width_align, height_align;
  gchar *problem;        /* why no caps can work, or NULL */
} GstUmatChainInfo;

UmatcvLayout gst_umat_layout_from_format (GstVideoFormat format);

GstUmatChainInfo *gst_umat_chain_info_new (UmatcvChain * chain);
void gst_umat_chain_info_free (GstUmatChainInfo * info);

/* How `info` (NULL: auto mode) turns `in` into `out`. */
void gst_umat_conversion (const GstUmatChainInfo * info, UmatcvLayout in,
    UmatcvLayout out, GstUmatConversion * conv);

GstCaps *gst_umat_transform_caps (const GstUmatChainInfo * info,
    guint selection_rate, GstPadDirection direction, GstCaps * caps);

/* A sentence on why fixed sink caps cannot be taken (into `downstream`,
 * when given), or NULL when the reason is not ours to tell. */
gchar *gst_umat_explain_refusal (const GstUmatChainInfo * info,
    GstCaps * caps, GstCaps * downstream);

G_END_DECLS
