/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The chain property's life. A chain is validated when set: one that
 * cannot work is kept for start to fail on (with an error naming the
 * code) when the element is stopped, and refused with a warning while it
 * runs, the previous chain staying. An accepted chain set while playing
 * takes over before the next frame when the negotiated formats suit it,
 * and otherwise at the next caps, which it asks upstream for; frames
 * already in flight finish with the chain they started with. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatconvert.h"

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

/* The chain set now (a new reference). */
GstUmatChainInfo *
gst_umat_convert_get_chain (GstUmatConvert * self)
{
  GstUmatChainInfo *chain;

  GST_OBJECT_LOCK (self);
  chain = gst_umat_chain_info_ref (self->chain);
  GST_OBJECT_UNLOCK (self);
  return chain;
}

/* Whether `chain` can convert what the sink pad currently receives (and,
 * with `keep_output`, into what the src pad currently sends). */
static gboolean
chain_takes_current_caps (GstUmatConvert * self, GstUmatChainInfo * chain,
    gboolean keep_output)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstCaps *incaps = gst_pad_get_current_caps (trans->sinkpad);
  GstCaps *outcaps = NULL, *out;
  gboolean ok;

  if (incaps == NULL)
    return FALSE;
  out = gst_umat_convert_caps_for_chain (self, chain, GST_PAD_SINK, incaps);
  if (keep_output) {
    outcaps = gst_pad_get_current_caps (trans->srcpad);
    ok = outcaps && gst_caps_can_intersect (out, outcaps);
  } else {
    ok = !gst_caps_is_empty (out);
  }
  gst_caps_unref (out);
  gst_caps_unref (incaps);
  if (outcaps)
    gst_caps_unref (outcaps);
  return ok;
}

/* A chain that cannot work is kept until start fails on it when the
 * element is not running (gst-launch sets properties then, and the bus
 * error is what its user sees); while running, it is refused and the
 * previous chain stays. */
void
gst_umat_convert_set_chain (GstUmatConvert * self, const gchar * text)
{
  GstUmatChainInfo *chain = gst_umat_chain_info_new (text), *old;

  GST_OBJECT_LOCK (self);
  if (chain->problem && self->started) {
    gchar *kept = g_strdup (self->chain->text);
    GST_OBJECT_UNLOCK (self);
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Chain \"%s\" refused: %s", chain->text, chain->problem),
        ("the previous chain \"%s\" stays", kept));
    g_free (kept);
    gst_umat_chain_info_unref (chain);
    return;
  }
  old = self->chain;
  /* the element's reference; ours lives to the end of this function */
  g_atomic_pointer_set (&self->chain, gst_umat_chain_info_ref (chain));
  GST_OBJECT_UNLOCK (self);
  gst_umat_chain_info_unref (old);
  GST_DEBUG_OBJECT (self, "chain is now \"%s\"", chain->text);

  /* Ask upstream for formats the new chain takes; renegotiate our output
   * now only if the current input suits it, else when new caps arrive. */
  gst_base_transform_reconfigure_sink (GST_BASE_TRANSFORM (self));
  if (chain_takes_current_caps (self, chain, FALSE))
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
  gst_umat_chain_info_unref (chain);
}

/* The chain to configure for new caps: the current one, or, when the caps
 * were made for the previous chain (changed since, and the current one
 * cannot convert them), the previous one: the new chain renegotiates,
 * as gst_umat_convert_set_chain asked. A new reference. */
GstUmatChainInfo *
gst_umat_convert_chain_for_formats (GstUmatConvert * self, GstVideoFormat in,
    GstVideoFormat out)
{
  GstUmatChainInfo *chain = gst_umat_convert_get_chain (self);
  UmatcvLayout in_layout = gst_umat_layout_from_format (in);
  UmatcvLayout out_layout = gst_umat_layout_from_format (out);
  GstUmatConversion conv;

  gst_umat_conversion (chain, in_layout, out_layout, &conv);
  if (!conv.possible && self->dev.chain) {
    GstUmatConversion previous;
    gst_umat_conversion (self->dev.chain, in_layout, out_layout, &previous);
    if (previous.possible) {
      gst_umat_chain_info_unref (chain);
      chain = gst_umat_chain_info_ref (self->dev.chain);
    }
  }
  return chain;
}

/* A chain set while playing takes over here, before the next frame, when
 * the negotiated formats suit it; else new caps bring it in (set_info). */
gboolean
gst_umat_convert_follow_chain (GstUmatConvert * self)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  GstUmatChainInfo *chain;
  gboolean ok = TRUE;

  if (G_LIKELY (g_atomic_pointer_get (&self->chain) == self->dev.chain))
    return TRUE;

  chain = gst_umat_convert_get_chain (self);
  if (chain_takes_current_caps (self, chain, TRUE)) {
    ok = gst_umat_convert_configure (self, chain, &filter->in_info,
        &filter->out_info, self->dev.cuda_in);
  } else if (!self->stale_chain_noted) {
    /* frames already under way keep the old chain until new caps come */
    self->stale_chain_noted = TRUE;
    GST_INFO_OBJECT (self, "chain \"%s\" waits for new caps", chain->text);
  }
  gst_umat_chain_info_unref (chain);
  return ok;
}
