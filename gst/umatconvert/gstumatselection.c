/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Selection happens before GstBaseTransform does anything with a buffer
 * (submit_input_buffer): a frame that is not the first or an N-th after it
 * costs nothing but this count. Kept frames keep their timestamps and last
 * N times as long.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatselection.h"

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

void
gst_umat_selection_start (GstUmatSelection * sel, GstElement * element)
{
  sel->seen = 0;
  sel->short_warned = FALSE;
  GST_OBJECT_LOCK (element);
  sel->processed = sel->dropped = 0;
  GST_OBJECT_UNLOCK (element);
}

void
gst_umat_selection_flush (GstUmatSelection * sel)
{
  sel->seen = 0;
}

void
gst_umat_selection_new_caps (GstUmatSelection * sel)
{
  sel->short_warned = FALSE;
}

void
gst_umat_selection_count (GstUmatSelection * sel, GstElement * element,
    guint64 processed, guint64 dropped)
{
  GST_OBJECT_LOCK (element);
  sel->processed += processed;
  sel->dropped += dropped;
  GST_OBJECT_UNLOCK (element);
}

/* Whether a buffer without GstVideoMeta holds a whole frame of the caps.
 * GstVideoFilter would only log a short one and push its output buffer
 * unconverted; this drops it. A broken stream gives many: the first of each
 * caps is a warning on the bus, the rest go to the debug log. */
static gboolean
holds_a_frame (GstUmatSelection * sel, GstElement * element,
    const GstVideoInfo * info, GstBuffer * buffer)
{
  gsize size = gst_buffer_get_size (buffer);

  if (info == NULL || gst_buffer_get_video_meta (buffer) != NULL
      || G_LIKELY (size >= GST_VIDEO_INFO_SIZE (info)))
    return TRUE;
  if (!sel->short_warned) {
    sel->short_warned = TRUE;
    GST_ELEMENT_WARNING (element, STREAM, FORMAT,
        ("Dropped a buffer of %" G_GSIZE_FORMAT " bytes: a %dx%d %s frame "
            "needs %" G_GSIZE_FORMAT, size, GST_VIDEO_INFO_WIDTH (info),
            GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_NAME (info),
            GST_VIDEO_INFO_SIZE (info)),
        ("further short buffers of these caps are dropped without a "
            "warning; frames-dropped counts them"));
  } else {
    GST_DEBUG_OBJECT (element, "dropped a short buffer of %" G_GSIZE_FORMAT
        " bytes", size);
  }
  return FALSE;
}

gboolean
gst_umat_selection_take (GstUmatSelection * sel, GstElement * element,
    guint rate, const GstVideoInfo * info, GstBuffer ** buffer)
{
  GstClockTime duration;

  if (sel->seen++ % rate != 0 || !holds_a_frame (sel, element, info, *buffer)) {
    gst_clear_buffer (buffer);
    gst_umat_selection_count (sel, element, 0, 1);
    return FALSE;
  }
  duration = GST_BUFFER_DURATION (*buffer);
  if (rate > 1 && GST_CLOCK_TIME_IS_VALID (duration)) {
    *buffer = gst_buffer_make_writable (*buffer);
    /* a duration too long to multiply is no duration at all */
    GST_BUFFER_DURATION (*buffer) = duration < GST_CLOCK_TIME_NONE / rate ?
        duration * rate : GST_CLOCK_TIME_NONE;
  }
  return TRUE;
}
