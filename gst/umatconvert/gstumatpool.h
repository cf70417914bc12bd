/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/video/video.h>

#include "umatcv.h"

G_BEGIN_DECLS

#define GST_TYPE_UMAT_POOL (gst_umat_pool_get_type ())
G_DECLARE_FINAL_TYPE (GstUmatPool, gst_umat_pool, GST, UMAT_POOL, GstBufferPool)

GstBufferPool *gst_umat_pool_new (UmatcvEngine * engine);
gboolean gst_umat_pool_configure (GstBufferPool * pool, GstCaps * caps,
    guint min_buffers);

GstBuffer *gst_umat_frame_new (UmatcvEngine * engine, const GstVideoInfo * info);
gboolean gst_umat_memory_is_pinned (GstMemory * memory);
gboolean gst_umat_buffer_is_pinned (GstBuffer * buffer);

G_END_DECLS
