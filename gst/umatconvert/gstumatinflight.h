/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames in flight: the seed's ring of GPU frames. On OpenCL, up to
 * queue-size frames are converting on the device at once (the upload of
 * one, the kernels of the one before, the download of the one before
 * that); each is pushed downstream, in order, once its download is done.
 */
#pragma once

#include "gstumatallocation.h"
#include "gstumatdevice.h"

G_BEGIN_DECLS

typedef struct {
  GstBuffer *in, *out;          /* references; out is in when in place */
  GstVideoFrame in_frame, out_frame;
  GstUmatStagedFrames staged;   /* what the device reads and writes */
  guint slot;                   /* its staging frames */
} GstUmatFrame;

typedef struct {
  GstUmatFrame *ring;           /* GST_UMAT_MAX_IN_FLIGHT frames, from start */
  guint head, count;            /* oldest frame, frames in flight */
  guint redone;                 /* the oldest ones converted again on the
                                 * CPU, no longer the converter's */
  guint64 submitted;
  GstUmatStaging staging;
} GstUmatInFlight;

void gst_umat_in_flight_start (GstUmatInFlight * flight);
void gst_umat_in_flight_stop (GstUmatInFlight * flight);
/* Forgets the staging frames of the previous caps (none in flight). */
void gst_umat_in_flight_new_caps (GstUmatInFlight * flight);

static inline guint
gst_umat_in_flight_count (const GstUmatInFlight * flight)
{
  return flight->count;
}

/* Queues `in` (taken) into `out` (taken; `in` itself when in place) on the
 * device. The caller has made room: fewer frames than the device's depth
 * are in flight. */
GstFlowReturn gst_umat_in_flight_submit (GstUmatInFlight * flight,
    GstUmatDevice * dev, GstElement * element, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, GstBuffer * in, GstBuffer * out);
/* The oldest frame's output once it is converted (waiting for it when
 * `block`), or NULL. An OpenCL failure moves the element to the CPU and
 * converts the frames in flight again there. */
GstFlowReturn gst_umat_in_flight_finish (GstUmatInFlight * flight,
    GstUmatDevice * dev, GstElement * element, gboolean block,
    GstBuffer ** out);
/* Lets every frame in flight finish and drops them; returns how many. */
guint gst_umat_in_flight_drop (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element);

/* Pushes every frame in flight downstream, oldest first, waiting for each;
 * when a push fails, drops the rest. Says how many were pushed and
 * dropped. */
void gst_umat_in_flight_drain (GstUmatInFlight * flight, GstUmatDevice * dev,
    GstElement * element, GstPad * srcpad, guint64 * pushed,
    guint64 * dropped);

/* What holding frames adds to latency: a frame may wait for the depth - 1
 * frames after it to be queued before it is pushed. */
GstClockTime gst_umat_in_flight_latency (GstUmatDevice * dev,
    const GstVideoInfo * info);

G_END_DECLS
