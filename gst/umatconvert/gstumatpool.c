/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The pool of frames umatconvert offers upstream, and uses for its own
 * output, when it runs on OpenCL.
 *
 * Its frames are pinned host memory of the element's OpenCL context
 * (umatcv_host_memory_new()): a decoder or a queue that writes into them
 * writes straight into memory the GPU reads by DMA, so the upload is a PCIe
 * transfer at full speed with no copy before it. Frames come back by
 * refcount, so a frame is never reused while anyone holds it.
 *
 * The pool has no bound of its own. Its frames leave the element (a chain
 * that keeps the format converts them in place and pushes them on), and
 * how many frames downstream holds (an encoder's look-ahead, an appsink's
 * queue) is downstream's business: a bound here would stall the pipeline.
 * What bounds device memory is the converter's slots (queue-size).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatpool.h"

GST_DEBUG_CATEGORY_STATIC (gst_umat_pool_debug);
#define GST_CAT_DEFAULT gst_umat_pool_debug

struct _GstUmatPool
{
  GstBufferPool parent;

  UmatcvHostAllocator *allocator;
  GstVideoInfo info;
  gboolean add_video_meta;
};

G_DEFINE_TYPE (GstUmatPool, gst_umat_pool, GST_TYPE_BUFFER_POOL);

/* marks GstMemory that is pinned host memory of an OpenCL context */
static G_DEFINE_QUARK (gst-umat-pinned-memory, pinned_memory);

static const gchar **
gst_umat_pool_get_options (GstBufferPool * pool)
{
  static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, NULL };
  return options;
}

static gboolean
gst_umat_pool_set_config (GstBufferPool * pool, GstStructure * config)
{
  GstUmatPool *self = GST_UMAT_POOL (pool);
  GstCaps *caps;
  guint size, min, max;
  GstVideoInfo info;

  if (!gst_buffer_pool_config_get_params (config, &caps, &size, &min, &max)
      || caps == NULL || !gst_video_info_from_caps (&info, caps)) {
    GST_WARNING_OBJECT (pool, "config without video caps: %" GST_PTR_FORMAT,
        config);
    return FALSE;
  }
  size = MAX (size, (guint) GST_VIDEO_INFO_SIZE (&info));

  self->info = info;
  self->info.size = size;
  self->add_video_meta = gst_buffer_pool_config_has_option (config,
      GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_config_set_params (config, caps, size, min, max);
  GST_DEBUG_OBJECT (pool, "%s %dx%d, %u bytes, %u to %u frames",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
      GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info), size, min,
      max);

  return GST_BUFFER_POOL_CLASS (gst_umat_pool_parent_class)->set_config (pool,
      config);
}

/* One frame of host memory from `allocator`, marked when it is pinned. */
static GstBuffer *
frame_new (UmatcvHostAllocator * allocator, const GstVideoInfo * info,
    gboolean add_video_meta)
{
  UmatcvHostMemory *host;
  GstMemory *memory;
  GstBuffer *buffer;
  gchar *error = NULL;
  gsize size = GST_VIDEO_INFO_SIZE (info);

  if (umatcv_host_memory_new (allocator, size, &host, &error) != UMATCV_OK) {
    GST_WARNING ("cannot allocate a frame of %" G_GSIZE_FORMAT " bytes: %s",
        size, error);
    umatcv_free (error);
    return NULL;
  }
  memory = gst_memory_new_wrapped (0, umatcv_host_memory_data (host), size, 0,
      size, host, (GDestroyNotify) umatcv_host_memory_free);
  if (umatcv_host_allocator_pinned (allocator))
    gst_mini_object_set_qdata (GST_MINI_OBJECT (memory), pinned_memory_quark (),
        GINT_TO_POINTER (1), NULL);

  buffer = gst_buffer_new ();
  gst_buffer_append_memory (buffer, memory);
  if (add_video_meta)
    gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_N_PLANES (info),
        (gsize *) info->offset, (gint *) info->stride);
  return buffer;
}

static GstFlowReturn
gst_umat_pool_alloc_buffer (GstBufferPool * pool, GstBuffer ** buffer,
    GstBufferPoolAcquireParams * params)
{
  GstUmatPool *self = GST_UMAT_POOL (pool);

  *buffer = frame_new (self->allocator, &self->info, self->add_video_meta);
  return *buffer ? GST_FLOW_OK : GST_FLOW_ERROR;
}

static void
gst_umat_pool_finalize (GObject * object)
{
  GstUmatPool *self = GST_UMAT_POOL (object);

  umatcv_host_allocator_free (self->allocator);
  G_OBJECT_CLASS (gst_umat_pool_parent_class)->finalize (object);
}

static void
gst_umat_pool_class_init (GstUmatPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  gobject_class->finalize = gst_umat_pool_finalize;
  pool_class->get_options = gst_umat_pool_get_options;
  pool_class->set_config = gst_umat_pool_set_config;
  pool_class->alloc_buffer = gst_umat_pool_alloc_buffer;

  GST_DEBUG_CATEGORY_INIT (gst_umat_pool_debug, "umatpool", 0,
      "umatconvert's pinned frame pool");
}

static void
gst_umat_pool_init (GstUmatPool * self)
{
}

/* A pool of `engine`'s host memory (pinned on OpenCL), unconfigured. NULL
 * when the engine has no host allocator. */
GstBufferPool *
gst_umat_pool_new (UmatcvEngine * engine)
{
  UmatcvHostAllocator *allocator;
  GstUmatPool *pool;
  gchar *error = NULL;

  if (umatcv_host_allocator_new (engine, &allocator, &error) != UMATCV_OK) {
    GST_WARNING ("no host allocator: %s", error);
    umatcv_free (error);
    return NULL;
  }
  pool = g_object_new (GST_TYPE_UMAT_POOL, NULL);
  gst_object_ref_sink (pool);
  pool->allocator = allocator;
  return GST_BUFFER_POOL (pool);
}

/* Sets `caps`, `min_buffers` and video meta on an inactive pool. */
gboolean
gst_umat_pool_configure (GstBufferPool * pool, GstCaps * caps,
    guint min_buffers)
{
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstVideoInfo info;

  if (!gst_video_info_from_caps (&info, caps)) {
    gst_structure_free (config);
    return FALSE;
  }
  gst_buffer_pool_config_set_params (config, caps, GST_VIDEO_INFO_SIZE (&info),
      min_buffers, 0);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  return gst_buffer_pool_set_config (pool, config);
}

/* One frame of `engine`'s host memory outside any pool: the staging frame
 * for buffers that are not pinned. */
GstBuffer *
gst_umat_frame_new (UmatcvEngine * engine, const GstVideoInfo * info)
{
  UmatcvHostAllocator *allocator;
  GstBuffer *buffer;

  if (umatcv_host_allocator_new (engine, &allocator, NULL) != UMATCV_OK)
    return NULL;
  buffer = frame_new (allocator, info, TRUE);
  umatcv_host_allocator_free (allocator);
  return buffer;
}

gboolean
gst_umat_memory_is_pinned (GstMemory * memory)
{
  return memory != NULL && gst_mini_object_get_qdata (GST_MINI_OBJECT (memory),
      pinned_memory_quark ());
}

/* Whether every byte of `buffer` is pinned memory. */
gboolean
gst_umat_buffer_is_pinned (GstBuffer * buffer)
{
  guint n = gst_buffer_n_memory (buffer);

  for (guint i = 0; i < n; i++)
    if (!gst_umat_memory_is_pinned (gst_buffer_peek_memory (buffer, i)))
      return FALSE;
  return n > 0;
}
