/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A discrete GPU reads host memory by DMA, which needs page-locked
 * memory; from pageable memory the driver first copies each frame into a
 * bounce buffer of its own, several times slower. So on OpenCL, frames live
 * in pinned memory from the start where the neighbours allow it, and the
 * rest go through one pinned staging frame (a memcpy on the CPU and then
 * DMA, faster than the driver's own path). On the CPU none of this applies.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatallocation.h"

#include <string.h>
#include "gstumatcaps.h"
#include "gstumatpool.h"

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

static gboolean
on_opencl (UmatcvEngine * engine)
{
  return engine != NULL && umatcv_engine_uses_opencl (engine);
}

void
gst_umat_allocation_propose (GstElement * element, UmatcvEngine * engine,
    GstQuery * query)
{
  GstBufferPool *pool;
  GstStructure *config;
  GstCaps *caps;
  guint size;

  gst_query_parse_allocation (query, &caps, NULL);
  if (!on_opencl (engine) || caps == NULL || gst_umat_caps_are_cuda (caps)
      || gst_query_get_n_allocation_pools (query) > 0)
    return;
  pool = gst_umat_pool_new (engine);
  if (pool == NULL)
    return;
  if (gst_umat_pool_configure (pool, caps, 0)) {
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL);
    gst_structure_free (config);
    /* no maximum: the frames may leave the element (see gstumatpool.c) */
    gst_query_add_allocation_pool (query, pool, size, 0, 0);
    GST_DEBUG_OBJECT (element, "offering pinned frames of %u bytes upstream",
        size);
  }
  gst_object_unref (pool);
}

void
gst_umat_allocation_decide (GstElement * element, UmatcvEngine * engine,
    GstQuery * query)
{
  GstBufferPool *theirs = NULL, *pool;
  GstCaps *caps;
  guint size = 0, min = 0, max = 0;
  gboolean plain;

  gst_query_parse_allocation (query, &caps, NULL);
  if (!on_opencl (engine) || caps == NULL)
    return;
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &theirs, &size, &min, &max);
  plain = theirs == NULL || G_OBJECT_TYPE (theirs) == GST_TYPE_BUFFER_POOL
      || G_OBJECT_TYPE (theirs) == GST_TYPE_VIDEO_BUFFER_POOL;
  gst_clear_object (&theirs);
  if (!plain)
    return;

  pool = gst_umat_pool_new (engine);
  if (pool == NULL)
    return;
  /* configured with the caps now: GstVideoFilter sets the pool's config
   * again before GstBaseTransform does, without caps when the query
   * already has a pool */
  if (!gst_umat_pool_configure (pool, caps, min)) {
    gst_object_unref (pool);
    return;
  }
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_set_nth_allocation_pool (query, 0, pool, size, min, 0);
  else
    gst_query_add_allocation_pool (query, pool, size, min, 0);
  gst_object_unref (pool);
  GST_DEBUG_OBJECT (element, "converting into pinned frames");
}

void
gst_umat_staging_clear (GstUmatStaging * staging)
{
  for (guint i = 0; i < GST_UMAT_MAX_IN_FLIGHT; i++) {
    gst_clear_buffer (&staging->in[i]);
    gst_clear_buffer (&staging->out[i]);
  }
  staging->logged = FALSE;
}

/* Copies a frame into a frame of the same caps, row by row. A row is as
 * long as the widest component of the plane reaches (width x pixel stride,
 * rounded up to whole groups of subsampled samples): gst_video_frame_copy
 * copies the luma's width x pixel stride, which leaves out the last
 * pair's second chroma byte of packed 4:2:2 at odd widths. */
static void
copy_frame (GstVideoFrame * dest, const GstVideoFrame * src)
{
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (src); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint stride_in = GST_VIDEO_FRAME_PLANE_STRIDE (src, p);
    gint stride_out = GST_VIDEO_FRAME_PLANE_STRIDE (dest, p);
    const guint8 *in = GST_VIDEO_FRAME_PLANE_DATA (src, p);
    guint8 *out = GST_VIDEO_FRAME_PLANE_DATA (dest, p);
    gsize row = 0;
    gint rows;

    gst_video_format_info_component (src->info.finfo, p, comp);
    for (guint i = 0; i < GST_VIDEO_MAX_COMPONENTS && comp[i] >= 0; i++)
      row = MAX (row, (gsize) GST_VIDEO_FRAME_COMP_WIDTH (src, comp[i])
          * GST_VIDEO_FRAME_COMP_PSTRIDE (src, comp[i]));
    row = MIN (row, (gsize) MIN (stride_in, stride_out));
    rows = GST_VIDEO_FRAME_COMP_HEIGHT (src, comp[0]);
    for (gint y = 0; y < rows; y++)
      memcpy (out + (gsize) y * stride_out, in + (gsize) y * stride_in, row);
  }
}

/* A pinned frame like `like`, made on first use, mapped into `frame`. */
static gboolean
map_stage (GstUmatStaging * staging, GstElement * element,
    UmatcvEngine * engine, GstBuffer ** stage, const GstVideoInfo * like,
    GstVideoFrame * frame)
{
  if (*stage == NULL) {
    *stage = gst_umat_frame_new (engine, like);
    if (*stage == NULL)
      return FALSE;
  }
  if (!staging->logged) {
    staging->logged = TRUE;
    GST_INFO_OBJECT (element, "frames are not pinned memory: copying them "
        "through a pinned frame (use the pool umatconvert offers upstream)");
  }
  return gst_video_frame_map (frame, like, *stage, GST_MAP_READWRITE);
}

gboolean
gst_umat_staging_begin (GstUmatStaging * staging, GstElement * element,
    UmatcvEngine * engine, guint slot, const GstVideoInfo * in_info,
    GstVideoFrame * in_frame, gboolean in_on_device,
    const GstVideoInfo * out_info, GstVideoFrame * out_frame,
    GstUmatStagedFrames * frames)
{
  gboolean in_place = in_frame == out_frame;

  frames->in = frames->in_frame = in_frame;
  frames->out = frames->out_frame = out_frame;
  if (!on_opencl (engine))
    return TRUE;

  if (!in_on_device && !gst_umat_buffer_is_pinned (in_frame->buffer)) {
    if (!map_stage (staging, element, engine, &staging->in[slot], in_info,
            &frames->in_stage))
      goto no_staging;
    copy_frame (&frames->in_stage, in_frame);
    frames->in = &frames->in_stage;
    if (in_place)
      frames->out = frames->in;
  }
  if (!in_place && !gst_umat_buffer_is_pinned (out_frame->buffer)) {
    if (!map_stage (staging, element, engine, &staging->out[slot], out_info,
            &frames->out_stage)) {
      if (frames->in != in_frame)
        gst_video_frame_unmap (frames->in);
      goto no_staging;
    }
    frames->out = &frames->out_stage;
  }
  return TRUE;

  /* ERRORS */
no_staging:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, NO_SPACE_LEFT,
        ("Cannot allocate a pinned staging frame"), (NULL));
    return FALSE;
  }
}

void
gst_umat_staging_end (GstUmatStagedFrames * frames, gboolean converted)
{
  if (frames->out != frames->out_frame) {
    if (converted)
      copy_frame (frames->out_frame, frames->out);
    if (frames->out != frames->in)
      gst_video_frame_unmap (frames->out);
  }
  if (frames->in != frames->in_frame)
    gst_video_frame_unmap (frames->in);
}
