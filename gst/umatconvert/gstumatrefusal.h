/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Saying why negotiation failed, where it really fails: umatconvert posts a
 * GST_CORE_ERROR_NEGOTIATION error with a sentence (the step and formats of
 * a chain that does not connect, what the first step takes and what
 * upstream offers, the colorimetry or size it needed) instead of leaving
 * the user with a demuxer's not-negotiated.
 */
#pragma once

#include <gst/base/gstbasetransform.h>

#include "gstumatcaps.h"

G_BEGIN_DECLS

typedef struct {
  gint posted;                  /* atomic: once per negotiation */
  gint asked;                   /* atomic: the seqnum of the CAPS event in
                                 * CUDA memory that made the element ask
                                 * upstream for system memory; 0: none */
} GstUmatRefusal;

/* The chain the element runs now (a new reference), for the pad probe. */
typedef GstUmatChainInfo *(*GstUmatChainGetter) (GstElement * element);

/* Watches the sink pad for CAPS events it will refuse (a probe sees them
 * before the pad's accept-caps check). */
void gst_umat_refusal_watch (GstUmatRefusal * refusal,
    GstBaseTransform * trans, GstUmatChainGetter get_chain);
/* New caps were taken: a later failure is worth a message again. */
void gst_umat_refusal_reset (GstUmatRefusal * refusal);

/* The sink pad answered no to accept-caps for `caps`: posts why, when
 * the element has no caps yet and upstream is pushing these (not merely
 * asking), since that push fails before the pad sees the event. */
void gst_umat_refusal_accept_caps_refused (GstUmatRefusal * refusal,
    GstElement * element, const GstUmatChainInfo * info, GstCaps * caps);

/* Sink caps that were accepted but lead nowhere downstream takes. */
void gst_umat_refusal_caps_unplaced (GstUmatRefusal * refusal,
    GstElement * element, const GstUmatChainInfo * info, GstCaps * caps);

/* A sentence on why fixed sink caps cannot be taken (into `downstream`,
 * when given), or NULL when the reason is not ours to tell. */
gchar *gst_umat_explain_refusal (const GstUmatChainInfo * info,
    GstCaps * caps, GstCaps * downstream);

G_END_DECLS
