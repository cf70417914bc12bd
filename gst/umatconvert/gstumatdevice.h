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
  gboolean cuda_in;             /* frames come in CUDA memory */
  GstObject *cuda_context;      /* upstream's GstCudaContext, where the
                                 * converter's CUDA memory is made: held
                                 * as long as the converter */
  gint takes_cuda;              /* atomic: the engine takes them; -1
                                 * while there is no engine */
  /* under the element's object lock (read-only properties) */
  gchar *backend;               /* "" before the first start */
  gboolean fused;
} GstUmatDevice;

void gst_umat_device_init (GstUmatDevice * dev);
void gst_umat_device_finalize (GstUmatDevice * dev);

/* Makes the engine (on `opencl_device`, when not empty: see the
 * opencl-device property); posts the error when there is none. */
gboolean gst_umat_device_start (GstUmatDevice * dev, GstElement * element,
    UmatcvDevice device, const gchar * opencl_device);
void gst_umat_device_stop (GstUmatDevice * dev, GstElement * element);
gboolean gst_umat_device_on_opencl (const GstUmatDevice * dev);

/* Builds the converter for `chain` on these formats (none for
 * passthrough; the same one when only the framerate changed); says whether
 * the element passes buffers through and converts in place. Frames in CUDA
 * memory come from `cuda_context` (upstream's GstCudaContext, or NULL),
 * held as long as a converter built for them. Posts the error. */
gboolean gst_umat_device_configure (GstUmatDevice * dev, GstElement * element,
    GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, gboolean cuda_in, GstObject * cuda_context,
    guint slots, gboolean * passthrough, gboolean * in_place);
void gst_umat_device_drop_converter (GstUmatDevice * dev, GstElement * element);

/* How many frames may be in flight on the converter. */
guint gst_umat_device_depth (const GstUmatDevice * dev);
/* Queues one frame (in place when out is in); posts the error when the
 * frame cannot be queued. */
GstFlowReturn gst_umat_device_submit (GstUmatDevice * dev,
    GstElement * element, GstVideoFrame * in, GstVideoFrame * out);

typedef enum {
  GST_UMAT_WAIT_DONE,           /* the oldest frame is converted */
  GST_UMAT_WAIT_PENDING,        /* not yet (block = FALSE) */
  GST_UMAT_WAIT_DEVICE_FAILED,  /* OpenCL failed; its input is intact */
  GST_UMAT_WAIT_FAILED          /* failed for good; the error is posted */
} GstUmatWait;

/* Finishes the oldest frame in flight; *why (g_free) says why it failed. */
GstUmatWait gst_umat_device_wait (GstUmatDevice * dev, GstElement * element,
    gboolean block, gchar ** why);
/* After an OpenCL failure: a CPU engine and converter for the same caps
 * from now on (with a warning on the bus). */
gboolean gst_umat_device_fall_back_to_cpu (GstUmatDevice * dev,
    GstElement * element, const gchar * why);

G_END_DECLS
