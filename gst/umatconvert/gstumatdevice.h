/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The device umatconvert converts on: its umatcv engine, the converter for
 * the current caps, and the move to the CPU when OpenCL fails mid-stream.
 */
#pragma once

#include <gst/video/video.h>

#include "gstumatcaps.h"

G_BEGIN_DECLS

typedef struct {
  UmatcvEngine *engine;         /* from start to stop */
  UmatcvConverter *converter;   /* for the current caps; NULL in passthrough */
  GstUmatChainInfo *chain;      /* what runs on the current caps */
  UmatcvLayout in_layout, out_layout;
  GstVideoInfo in_info, out_info;
  guint slots;
  /* under the element's object lock (read-only properties) */
  gchar *backend;               /* "" before the first start */
  gboolean fused;
} GstUmatDevice;

void gst_umat_device_init (GstUmatDevice * dev);
void gst_umat_device_finalize (GstUmatDevice * dev);

/* Makes the engine; posts the error when there is none. */
gboolean gst_umat_device_start (GstUmatDevice * dev, GstElement * element,
    UmatcvDevice device);
void gst_umat_device_stop (GstUmatDevice * dev, GstElement * element);
gboolean gst_umat_device_on_opencl (const GstUmatDevice * dev);
/* Whether the converter may write a frame into its input's memory. */
gboolean gst_umat_device_in_place_ok (const GstUmatDevice * dev);

/* Whether `chain` already runs on these formats with `slots` (only the
 * framerate may differ): nothing to rebuild. */
gboolean gst_umat_device_runs (const GstUmatDevice * dev,
    const GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, guint slots);
/* Builds the converter for `chain` on these formats (or none, for
 * passthrough); posts the error. */
gboolean gst_umat_device_configure (GstUmatDevice * dev, GstElement * element,
    GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, guint slots, gboolean passthrough);
void gst_umat_device_drop_converter (GstUmatDevice * dev, GstElement * element);

/* Converts one frame (in place when out is in); an OpenCL failure moves
 * the element to the CPU for good and does the frame again there. */
GstFlowReturn gst_umat_device_process (GstUmatDevice * dev,
    GstElement * element, GstVideoFrame * in, GstVideoFrame * out);

G_END_DECLS
