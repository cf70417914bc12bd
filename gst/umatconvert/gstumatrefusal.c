/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Accept-caps and caps queries on their own are questions (autopluggers and
 * applications probe with them) and post nothing. What posts: a CAPS event
 * the sink pad is about to refuse; the same event refused before it reaches
 * the pad, where a ghost pad or a queue in between asks the element's
 * accept-caps for it (decodebin's output: without this, the user sees only
 * the demuxer's not-negotiated); and a CAPS event that nothing downstream
 * takes. (A chain that can never work fails the element at start.)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatrefusal.h"

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

static gboolean
caps_take_format (GstCaps * caps, GstVideoFormat format)
{
  GstCaps *probe = gst_caps_new_simple ("video/x-raw", "format",
      G_TYPE_STRING, gst_video_format_to_string (format), NULL);
  gboolean ok = gst_caps_can_intersect (caps, probe);
  gst_caps_unref (probe);
  return ok;
}

static gchar *
describe_formats (GstPadDirection direction)
{
  GString *s = g_string_new (NULL);
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);

  for (guint i = 0; i < n; i++) {
    if (direction == GST_PAD_SRC && all[i].info->input_only)
      continue;
    g_string_append_printf (s, "%s%s", s->len ? ", " : "",
        gst_video_format_to_string (all[i].format));
  }
  return g_string_free (s, FALSE);
}

gchar *
gst_umat_explain_refusal (const GstUmatChainInfo * info, GstCaps * caps,
    GstCaps * downstream)
{
  const GstStructure *s;
  const GstUmatFormat *from;
  gboolean colour_blocked = FALSE, size_blocked = FALSE, any = FALSE;
  gint width = 0, height = 0, wa = 1, ha = 1;
  gboolean is_auto = gst_umat_chain_info_is_auto (info);
  const gchar *step = is_auto ? NULL : umatcv_chain_step_name (info->chain, 0);
  const gchar *format_name;
  guint n;
  const GstUmatFormat *all = gst_umat_formats (&n);
  gchar *who;
  gchar *msg = NULL;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return NULL;
  s = gst_caps_get_structure (caps, 0);
  format_name = gst_structure_get_string (s, "format");
  if (!gst_structure_has_name (s, "video/x-raw") || format_name == NULL)
    return NULL;
  if (info && info->problem)
    return g_strdup (info->problem);
  from = gst_umat_format_from_video (gst_video_format_from_string
      (format_name));
  if (from == NULL) {
    gchar *takes = describe_formats (GST_PAD_SINK);
    msg = g_strdup_printf ("umatconvert does not take %s video; it takes %s",
        format_name, takes);
    g_free (takes);
    return msg;
  }
  if (gst_umat_caps_are_cuda (caps))
    return g_strdup ("umatconvert takes frames in CUDA memory only when it "
        "runs on an OpenCL GPU that imports them (device=auto or opencl, on "
        "the decoder's GPU; its INFO log says why not); drop "
        "(memory:CUDAMemory) from the caps so that the decoder gives system "
        "memory");
  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  for (guint j = 0; j < n; j++) {
    GstUmatConversion conv;
    gint w = 1, h = 1;
    if (all[j].info->input_only
        || (downstream && !caps_take_format (downstream, all[j].format)))
      continue;
    gst_umat_conversion (info, from->layout, all[j].layout, &conv);
    if (!conv.possible)
      continue;
    any = TRUE;
    if ((conv.flags & UMATCV_CHAIN_DECODES_YUV)
        && from->info->family == UMATCV_FAMILY_YUV
        && !gst_umat_structure_has_known_matrix (s)) {
      colour_blocked = TRUE;
      continue;
    }
    w = MAX (w, conv.width_align);
    h = MAX (h, conv.height_align);
    if (width % w != 0 || height % h != 0) {
      size_blocked = TRUE;
      wa = w;
      ha = h;
      continue;
    }
    return NULL;                /* formats and sizes fit: not ours to explain */
  }

  who = step ? g_strdup_printf ("chain step 1 (%s)", step)
      : g_strdup ("umatconvert");
  if (colour_blocked) {
    const gchar *c = gst_structure_get_string (s, "colorimetry");
    msg = g_strdup_printf ("%s reads %s with the BT.601, BT.709 or BT.2020 "
        "matrix, but upstream offers colorimetry %s; ask upstream for bt601, "
        "bt709 or bt2020, or put videoconvert in front", who, format_name,
        c ? c : "(none)");
  } else if (size_blocked) {
    msg = g_strdup_printf ("%s needs a width that is a multiple of %d and a "
        "height that is a multiple of %d (OpenCV's 4:2:x codes), but upstream "
        "offers %dx%d", who, wa, ha, width, height);
  } else if (!any) {
    gchar *wants = downstream ? gst_caps_to_string (downstream) : NULL;
    msg = g_strdup_printf ("%s cannot turn %s into what downstream takes%s%s",
        who, format_name, wants ? ": " : "", wants ? wants : "");
    g_free (wants);
  }
  g_free (who);
  return msg;
}

/* Whether `caps` are frames in CUDA memory that this element cannot take
 * where the same frames in system memory would do, and upstream can give
 * them so. A decoder inside decodebin chooses its memory before decodebin
 * links it here (nothing downstream answers then, and nvcodec's decoders
 * take CUDA memory whenever it is possible); asked again, it chooses
 * system memory, as it does for videoconvert. */
static gboolean
system_memory_would_do (GstPad * sinkpad, GstCaps * caps)
{
  GstCaps *system, *offered;
  gboolean would;

  if (!gst_umat_caps_are_cuda (caps))
    return FALSE;
  system = gst_caps_copy (caps);
  for (guint i = 0; i < gst_caps_get_size (system); i++)
    gst_caps_set_features (system, i, NULL);
  would = gst_pad_query_accept_caps (sinkpad, system);
  if (would) {
    offered = gst_pad_peer_query_caps (sinkpad, system);
    would = !gst_caps_is_empty (offered);
    gst_caps_unref (offered);
  }
  gst_caps_unref (system);
  return would;
}

/* For the CAPS event `seqnum` in CUDA memory that upstream can give in
 * system memory: asks upstream, once per negotiation, to negotiate again
 * (a RECONFIGURE event), and says TRUE while that answers the refusal
 * (this is the event asked about, which a pad sends again with each
 * buffer). FALSE when upstream has come back with CUDA memory in a new
 * event: then the refusal is an error. */
static gboolean
ask_upstream_again (GstUmatRefusal * refusal, GstElement * element,
    GstPad * sinkpad, guint32 seqnum)
{
  gint asked = g_atomic_int_get (&refusal->asked);

  if (asked == (gint) seqnum)
    return TRUE;
  if (asked != 0 || !g_atomic_int_compare_and_exchange (&refusal->asked, 0,
          (gint) seqnum))
    return FALSE;
  GST_INFO_OBJECT (element, "frames in CUDA memory refused (this backend "
      "cannot take them): asking upstream for system memory");
  gst_pad_push_event (sinkpad, gst_event_new_reconfigure ());
  return TRUE;
}

/* Posts, once per negotiation, why `caps` cannot be taken (into what
 * downstream accepts, when `downstream` is set). */
static void
post (GstUmatRefusal * refusal, GstElement * element,
    const GstUmatChainInfo * info, GstCaps * caps, gboolean downstream)
{
  GstCaps *peer = NULL;
  gchar *why;

  if (g_atomic_int_get (&refusal->posted))
    return;
  if (downstream)
    peer = gst_pad_peer_query_caps (GST_BASE_TRANSFORM_SRC_PAD (element),
        NULL);
  why = gst_umat_explain_refusal (info, caps, peer);
  if (peer)
    gst_caps_unref (peer);
  if (why == NULL || !g_atomic_int_compare_and_exchange (&refusal->posted,
          FALSE, TRUE)) {
    g_free (why);
    return;
  }
  GST_ELEMENT_ERROR (element, CORE, NEGOTIATION, ("%s", why),
      ("refused caps %" GST_PTR_FORMAT, caps));
  g_free (why);
}

/* Whether upstream is pushing `caps` now, rather than asking about them: a
 * CAPS event with them is stored on our peer, or behind what forwards its
 * accept-caps question to us (the target of a ghost pad, as decodebin's
 * output is; an element with one input, as a queue), where the event
 * waits on that check. */
static gboolean
upstream_pushes (GstPad * sinkpad, GstCaps * caps)
{
  GstPad *pad = gst_pad_get_peer (sinkpad);
  gboolean found = FALSE;

  for (guint hops = 0; pad != NULL && !found && hops < 16; hops++) {
    GstEvent *sticky = gst_pad_get_sticky_event (pad, GST_EVENT_CAPS, 0);
    GstPad *next = NULL;

    if (sticky != NULL) {
      GstCaps *pushed;
      gst_event_parse_caps (sticky, &pushed);
      found = gst_caps_is_equal (pushed, caps);
      gst_event_unref (sticky);
    }
    if (!found && GST_IS_GHOST_PAD (pad)) {
      next = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));
    } else if (!found) {
      GstObject *parent = gst_pad_get_parent (pad);
      if (parent != NULL && GST_IS_ELEMENT (parent)) {
        GstElement *element = GST_ELEMENT (parent);
        GstPad *input = NULL;
        GST_OBJECT_LOCK (element);
        if (element->numsinkpads == 1)
          input = gst_object_ref (element->sinkpads->data);
        GST_OBJECT_UNLOCK (element);
        if (input != NULL) {
          next = gst_pad_get_peer (input);
          gst_object_unref (input);
        }
      }
      if (parent != NULL)
        gst_object_unref (parent);
    }
    gst_object_unref (pad);
    pad = next;
  }
  if (pad != NULL)
    gst_object_unref (pad);
  return found;
}

void
gst_umat_refusal_accept_caps_refused (GstUmatRefusal * refusal,
    GstElement * element, const GstUmatChainInfo * info, GstCaps * caps)
{
  GstPad *sinkpad = GST_BASE_TRANSFORM_SINK_PAD (element);

  /* frames in CUDA memory are the CAPS event probe's to answer */
  if (caps == NULL || !gst_caps_is_fixed (caps)
      || gst_pad_has_current_caps (sinkpad)
      || g_atomic_int_get (&refusal->posted)
      || !upstream_pushes (sinkpad, caps)
      || system_memory_would_do (sinkpad, caps))
    return;
  post (refusal, element, info, caps, FALSE);
}

typedef struct {
  GstUmatRefusal *refusal;
  GstUmatChainGetter get_chain;
} Watch;

static GstPadProbeReturn
caps_probe (GstPad * pad, GstPadProbeInfo * probe_info, gpointer user_data)
{
  Watch *watch = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (probe_info);
  GstElement *element;
  GstUmatChainInfo *info;
  GstCaps *caps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  if (gst_pad_query_accept_caps (pad, caps))
    return GST_PAD_PROBE_OK;
  element = GST_ELEMENT (GST_OBJECT_PARENT (pad));
  if (system_memory_would_do (pad, caps)
      && ask_upstream_again (watch->refusal, element, pad,
          GST_EVENT_SEQNUM (event)))
    return GST_PAD_PROBE_OK;
  info = watch->get_chain (element);
  post (watch->refusal, element, info, caps, FALSE);
  gst_umat_chain_info_unref (info);
  return GST_PAD_PROBE_OK;
}

void
gst_umat_refusal_watch (GstUmatRefusal * refusal, GstBaseTransform * trans,
    GstUmatChainGetter get_chain)
{
  Watch *watch = g_new (Watch, 1);

  watch->refusal = refusal;
  watch->get_chain = get_chain;
  gst_pad_add_probe (GST_BASE_TRANSFORM_SINK_PAD (trans),
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, caps_probe, watch, g_free);
}

void
gst_umat_refusal_reset (GstUmatRefusal * refusal)
{
  g_atomic_int_set (&refusal->posted, FALSE);
  g_atomic_int_set (&refusal->asked, 0);
}

void
gst_umat_refusal_caps_unplaced (GstUmatRefusal * refusal,
    GstElement * element, const GstUmatChainInfo * info, GstCaps * caps)
{
  /* frames in CUDA memory are the CAPS event probe's to answer */
  if (!system_memory_would_do (GST_BASE_TRANSFORM_SINK_PAD (element), caps))
    post (refusal, element, info, caps, TRUE);
}
