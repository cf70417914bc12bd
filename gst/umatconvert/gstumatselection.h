/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Selection and accounting for umatconvert: which frames go on (one in
 * `selection-rate`), which are dropped and why, and the counts behind the
 * frames-processed and frames-dropped properties (in = processed + dropped).
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct {
  /* streaming thread */
  guint64 seen;                 /* frames since start or the last flush */
  gboolean short_warned;        /* a short buffer was reported for these caps */
  /* under the element's object lock */
  guint64 processed;
  guint64 dropped;
} GstUmatSelection;

/* At start: counts and the frame index go back to zero. */
void gst_umat_selection_start (GstUmatSelection * sel, GstElement * element);
/* After a flush: counting frames restarts; the totals stay. */
void gst_umat_selection_flush (GstUmatSelection * sel);
/* New caps: a short buffer of these is worth a warning again. */
void gst_umat_selection_new_caps (GstUmatSelection * sel);

/* Takes *buffer when it is not selected (or is too short to hold a frame of
 * `info`, when it has no video meta), counting the drop; else gives it N
 * times its duration and returns TRUE. */
gboolean gst_umat_selection_take (GstUmatSelection * sel,
    GstElement * element, guint rate, const GstVideoInfo * info,
    GstBuffer ** buffer);

void gst_umat_selection_count (GstUmatSelection * sel, GstElement * element,
    guint64 processed, guint64 dropped);

G_END_DECLS
