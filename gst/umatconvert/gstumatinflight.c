/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A frame in flight keeps its input and output buffers, mapped, until the
 * device has finished with them (an input in CUDA memory only until it is
 * copied, at submit); GstVideoFilter would unmap them when its
 * transform returns, so umatconvert maps them here. The frames live in a
 * ring allocated at start: nothing is allocated per frame.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatinflight.h"

/* gst/cuda's GST_MAP_CUDA (GStreamer 1.20 and later): mapping CUDA memory
 * with it gives the CUDA device address instead of a host copy. Spelled
 * here so that the build needs no CUDA headers. */
#define UMAT_MAP_CUDA (GST_MAP_FLAG_LAST << 1)

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

void
gst_umat_in_flight_start (GstUmatInFlight * flight)
{
  flight->ring = g_new0 (GstUmatFrame, GST_UMAT_MAX_IN_FLIGHT);
  flight->head = flight->count = flight->redone = 0;
  flight->submitted = 0;
}

void
gst_umat_in_flight_stop (GstUmatInFlight * flight)
{
  g_clear_pointer (&flight->ring, g_free);
  gst_umat_staging_clear (&flight->staging);
}

void
gst_umat_in_flight_new_caps (GstUmatInFlight * flight)
{
  g_assert (flight->count == 0);
  gst_umat_staging_clear (&flight->staging);
}

static GstUmatFrame *
oldest (GstUmatInFlight * flight)
{
  return &flight->ring[flight->head];
}

/* Unmaps a frame that is done and gives back its output (or nothing). */
static GstBuffer *
release (GstUmatInFlight * flight, gboolean converted)
{
  GstUmatFrame *f = oldest (flight);
  GstBuffer *out = f->out;
  gboolean in_place = f->out == f->in;

  gst_umat_staging_end (&f->staged, converted);
  gst_video_frame_unmap (&f->out_frame);
  if (!in_place && f->in != NULL) {
    gst_video_frame_unmap (&f->in_frame);
    gst_buffer_unref (f->in);
  }
  f->in = f->out = NULL;
  flight->head = (flight->head + 1) % GST_UMAT_MAX_IN_FLIGHT;
  flight->count--;
  if (converted)
    return out;
  gst_buffer_unref (out);
  return NULL;
}

GstFlowReturn
gst_umat_in_flight_submit (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, GstBuffer * in, GstBuffer * out)
{
  guint index = (flight->head + flight->count) % GST_UMAT_MAX_IN_FLIGHT;
  GstUmatFrame *f = &flight->ring[index];
  gboolean in_place = in == out;
  GstFlowReturn ret;

  g_assert (flight->count < gst_umat_device_depth (dev));
  f->in = in;
  f->out = out;
  if (in_place) {
    if (!gst_video_frame_map (&f->out_frame, out_info, out,
            GST_MAP_READWRITE | GST_VIDEO_FRAME_MAP_FLAG_NO_REF))
      goto invalid_buffer;
    f->in_frame = f->out_frame;
  } else {
    if (!gst_video_frame_map (&f->in_frame, in_info, in,
            GST_MAP_READ | GST_VIDEO_FRAME_MAP_FLAG_NO_REF
            | (dev->cuda_in ? UMAT_MAP_CUDA : 0)))
      goto invalid_buffer;
    if (!gst_video_frame_map (&f->out_frame, out_info, out,
            GST_MAP_WRITE | GST_VIDEO_FRAME_MAP_FLAG_NO_REF)) {
      gst_video_frame_unmap (&f->in_frame);
      goto invalid_buffer;
    }
  }
  f->slot = flight->submitted % gst_umat_device_depth (dev);
  if (!gst_umat_staging_begin (&flight->staging, element, dev->engine,
          f->slot, in_info, &f->in_frame, dev->cuda_in, out_info,
          in_place ? &f->in_frame : &f->out_frame, &f->staged)) {
    ret = GST_FLOW_ERROR;
    goto unmap;
  }
  ret = gst_umat_device_submit (dev, element, f->staged.in, f->staged.out);
  if (ret != GST_FLOW_OK) {
    gst_umat_staging_end (&f->staged, FALSE);
    goto unmap;
  }
  /* a frame in CUDA memory has been copied on the GPU when submit returns
   * (and cannot be redone on the CPU): the decoder gets its buffer back
   * now, not queue-size frames later */
  if (dev->cuda_in && !in_place) {
    gst_video_frame_unmap (&f->in_frame);
    gst_buffer_unref (in);
    f->in = NULL;
  }
  flight->count++;
  flight->submitted++;
  return GST_FLOW_OK;

  /* ERRORS */
invalid_buffer:
  {
    GST_ELEMENT_ERROR (element, STREAM, FORMAT, ("Cannot map a video frame"),
        ("a buffer does not match its caps"));
    ret = GST_FLOW_ERROR;
    goto drop;
  }
unmap:
  {
    gst_video_frame_unmap (&f->out_frame);
    if (!in_place)
      gst_video_frame_unmap (&f->in_frame);
    goto drop;
  }
drop:
  {
    if (!in_place)
      gst_buffer_unref (in);
    gst_buffer_unref (out);
    f->in = f->out = NULL;
    return ret;
  }
}

/* The device failed with frames in flight: a CPU converter does them all
 * again, oldest first (their inputs are intact). It converts as it is
 * given a frame and holds one at a time, so each is taken back from it at
 * once; the ring's frames are then done, and finish gives them out. */
static gboolean
redo_on_cpu (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element, const gchar * why)
{
  if (!gst_umat_device_fall_back_to_cpu (dev, element, why))
    return FALSE;
  for (guint i = 0; i < flight->count; i++) {
    GstUmatFrame *f = &flight->ring[(flight->head + i)
        % GST_UMAT_MAX_IN_FLIGHT];
    gchar *ignored = NULL;

    if (gst_umat_device_submit (dev, element, f->staged.in,
            f->staged.out) != GST_FLOW_OK)
      return FALSE;
    if (gst_umat_device_wait (dev, element, TRUE, &ignored)
        != GST_UMAT_WAIT_DONE) {
      g_free (ignored);
      return FALSE;
    }
  }
  flight->redone = flight->count;
  return TRUE;
}

GstFlowReturn
gst_umat_in_flight_finish (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element, gboolean block, GstBuffer ** out)
{
  gchar *why = NULL;

  *out = NULL;
  if (flight->count == 0)
    return GST_FLOW_OK;
  if (flight->redone > 0) {
    flight->redone--;
    *out = release (flight, TRUE);
    return GST_FLOW_OK;
  }
  switch (gst_umat_device_wait (dev, element, block, &why)) {
    case GST_UMAT_WAIT_PENDING:
      return GST_FLOW_OK;
    case GST_UMAT_WAIT_DONE:
      *out = release (flight, TRUE);
      return GST_FLOW_OK;
    case GST_UMAT_WAIT_DEVICE_FAILED:
      if (redo_on_cpu (flight, dev, element, why)) {
        g_free (why);
        return gst_umat_in_flight_finish (flight, dev, element, TRUE, out);
      }
      /* fall through */
    case GST_UMAT_WAIT_FAILED:
    default:
      g_free (why);
      release (flight, FALSE);
      return GST_FLOW_ERROR;
  }
}

guint
gst_umat_in_flight_drop (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element)
{
  guint dropped = 0;

  while (flight->count > 0) {
    gchar *why = NULL;
    if (flight->redone > 0)
      flight->redone--;
    else if (dev->converter)
      (void) gst_umat_device_wait (dev, element, TRUE, &why);
    g_free (why);
    release (flight, FALSE);
    dropped++;
  }
  return dropped;
}

void
gst_umat_in_flight_drain (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element, GstPad * srcpad, guint64 * pushed,
    guint64 * dropped)
{
  GstFlowReturn ret = GST_FLOW_OK;

  *pushed = 0;
  while (flight->count > 0 && ret == GST_FLOW_OK) {
    GstBuffer *out = NULL;
    ret = gst_umat_in_flight_finish (flight, dev, element, TRUE, &out);
    if (out) {
      (*pushed)++;
      ret = gst_pad_push (srcpad, out);
    }
  }
  /* what could not be pushed is dropped */
  *dropped = gst_umat_in_flight_drop (flight, dev, element);
}

GstClockTime
gst_umat_in_flight_latency (GstUmatDevice * dev, const GstVideoInfo * info)
{
  if (GST_VIDEO_INFO_FPS_N (info) <= 0)
    return 0;
  return gst_util_uint64_scale_int ((gst_umat_device_depth (dev) - 1)
      * GST_SECOND, GST_VIDEO_INFO_FPS_D (info), GST_VIDEO_INFO_FPS_N (info));
}
