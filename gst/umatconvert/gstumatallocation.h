/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where umatconvert's frames live on OpenCL: the pinned pool it offers
 * upstream, the pinned pool it uses for its output, and the staging frames
 * that frames in other memory are copied through.
 */
#pragma once

#include <gst/video/video.h>

#include "umatcv.h"

G_BEGIN_DECLS

/* Offers upstream a pool of pinned frames (when `engine` is on OpenCL and
 * the query has no pool yet), so a decoder or a queue writes frames where
 * the GPU reads them by DMA. */
void gst_umat_allocation_propose (GstElement * element, UmatcvEngine * engine,
    GstQuery * query);
/* Puts a pinned pool in place of a plain system-memory pool (or none) from
 * downstream, when `engine` is on OpenCL. A pool of special memory (an
 * encoder's) is kept. */
void gst_umat_allocation_decide (GstElement * element, UmatcvEngine * engine,
    GstQuery * query);

#define GST_UMAT_MAX_IN_FLIGHT 64

/* The pinned frames that frames in other memory are copied through: one
 * per direction for each frame that can be in flight, made on first need
 * for the current caps. */
typedef struct {
  GstBuffer *in[GST_UMAT_MAX_IN_FLIGHT], *out[GST_UMAT_MAX_IN_FLIGHT];
  gboolean logged;
} GstUmatStaging;

/* What the converter reads and writes for one frame: the frames
 * themselves, or mapped staging frames. */
typedef struct {
  GstVideoFrame *in, *out;
  GstVideoFrame *in_frame, *out_frame;  /* the element's own */
  GstVideoFrame in_stage, out_stage;
} GstUmatStagedFrames;

void gst_umat_staging_clear (GstUmatStaging * staging);
/* Chooses pinned frames to convert on `engine` (a copy of the input when it
 * is not pinned and not device memory, `in_on_device`), laid out as the
 * negotiated infos say (the frames' own may have another's strides), using the staging frames of `slot` (below
 * GST_UMAT_MAX_IN_FLIGHT, one per frame in flight). In place when
 * `out_frame` is `in_frame`. FALSE (and an error posted) when no staging
 * frame can be had. */
gboolean gst_umat_staging_begin (GstUmatStaging * staging,
    GstElement * element, UmatcvEngine * engine, guint slot,
    const GstVideoInfo * in_info, GstVideoFrame * in_frame,
    gboolean in_on_device, const GstVideoInfo * out_info,
    GstVideoFrame * out_frame, GstUmatStagedFrames * frames);
/* Copies a staged output into the real one when `converted`; unmaps. */
void gst_umat_staging_end (GstUmatStagedFrames * frames, gboolean converted);

G_END_DECLS
