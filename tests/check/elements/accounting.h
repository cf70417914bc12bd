/* Frame accounting for umatconvert tests: nothing lost, the right frames kept.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * accounting_attach() watches an umatconvert's pads: every buffer that
 * enters (and whether selection-rate should keep it, counted as the element
 * counts: from 0 at start and after each FLUSH_STOP), every buffer that
 * leaves. accounting_check() then asserts, against the element's counters:
 *   frames in = frames-processed + frames-dropped,
 *   frames out = frames-processed (less at most one per flush: the frame
 *   being pushed when the flush came),
 *   the frames out are ones selection-rate chose, in order (compared by
 *   timestamp; each input needs a distinct PTS); a chosen frame may be
 *   missing only when something else dropped it (and counted it).
 * Only for streams without QoS drops (sinks with sync=false) and without
 * errors, where every frame has a fate the element reports.
 */
#pragma once

#include <gst/gst.h>

typedef struct
{
  GMutex lock;
  guint64 in, since_flush;
  guint flushes;
  GArray *chosen;               /* PTS of the frames selection keeps */
  GArray *out;                  /* PTS of the frames that left */
} Accounting;

static GstPadProbeReturn
accounting_sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Accounting *a = data;
  GstElement *element = GST_ELEMENT (gst_pad_get_parent (pad));
  guint rate = 1;

  if (element) {
    g_object_get (element, "selection-rate", &rate, NULL);
    gst_object_unref (element);
  }
  g_mutex_lock (&a->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));
    a->in++;
    if (a->since_flush++ % rate == 0)
      g_array_append_val (a->chosen, pts);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info))
      == GST_EVENT_FLUSH_STOP) {
    a->since_flush = 0;
    a->flushes++;
  }
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
accounting_src_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Accounting *a = data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&a->lock);
  g_array_append_val (a->out, pts);
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static void
accounting_free (gpointer data)
{
  Accounting *a = data;
  g_array_free (a->chosen, TRUE);
  g_array_free (a->out, TRUE);
  g_mutex_clear (&a->lock);
  g_free (a);
}

/* Watches `convert` until it is finalized. */
static inline void
accounting_attach (GstElement * convert)
{
  Accounting *a = g_new0 (Accounting, 1);
  GstPad *sink = gst_element_get_static_pad (convert, "sink");
  GstPad *src = gst_element_get_static_pad (convert, "src");

  g_mutex_init (&a->lock);
  a->chosen = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  a->out = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER
      | GST_PAD_PROBE_TYPE_EVENT_FLUSH, accounting_sink_probe, a, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, accounting_src_probe, a,
      NULL);
  g_object_set_data_full (G_OBJECT (convert), "accounting", a,
      accounting_free);
  gst_object_unref (sink);
  gst_object_unref (src);
}

/* Frames that entered `convert` since accounting_attach(). */
static inline guint64
accounting_frames_in (GstElement * convert)
{
  Accounting *a = g_object_get_data (G_OBJECT (convert), "accounting");
  return a ? a->in : 0;
}

/* The assertions above; returns the number of frames in. */
static inline guint64
accounting_check (GstElement * convert)
{
  Accounting *a = g_object_get_data (G_OBJECT (convert), "accounting");
  guint64 processed, dropped;

  fail_unless (a != NULL, "accounting_attach() was not called");
  g_object_get (convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  g_mutex_lock (&a->lock);
  fail_unless (a->in == processed + dropped, "%" G_GUINT64_FORMAT
      " frames in, but %" G_GUINT64_FORMAT " processed + %" G_GUINT64_FORMAT
      " dropped", a->in, processed, dropped);
  /* a flush may discard the one frame being pushed when it comes: it was
   * converted (processed), then the flushing pad refused it */
  fail_unless (a->out->len <= processed
      && a->out->len + a->flushes >= processed, "%u frames out, but %"
      G_GUINT64_FORMAT " processed (%u flushes)", a->out->len, processed,
      a->flushes);
  /* in order, each a frame selection chose; the ones it chose and that did
   * not come out were dropped for another reason (QoS, a short buffer),
   * which in = processed + dropped above already counts */
  for (guint i = 0, j = 0; i < a->out->len; i++, j++) {
    GstClockTime pts = g_array_index (a->out, GstClockTime, i);
    while (j < a->chosen->len && g_array_index (a->chosen, GstClockTime, j)
        != pts)
      j++;
    fail_unless (j < a->chosen->len, "frame out %u (PTS %" GST_TIME_FORMAT
        ") is not one selection-rate chose, or out of order", i,
        GST_TIME_ARGS (pts));
  }
  g_mutex_unlock (&a->lock);
  return a->in;
}
