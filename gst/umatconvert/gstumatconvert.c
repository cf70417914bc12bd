/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-umatconvert
 * @title: umatconvert
 *
 * Runs OpenCV colour conversions (a chain of cvtColor codes) on every frame,
 * on an OpenCL device through a bounded pool of recycled UMats when there is
 * one, and with OpenCV's CPU code, straight on the mapped frames, when not.
 *
 * With an empty #GstUmatConvert:chain it converts between the negotiated
 * formats, so it can stand where videoconvert stands for the formats it
 * knows. #GstUmatConvert:selection-rate keeps one frame in N and drops the
 * others before any work. Prefetch comes from a `queue` in front of it.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! umatconvert ! \
 *     video/x-raw,format=BGR ! queue ! \
 *     umatconvert chain=BGR2HSV,HSV2RGB selection-rate=2 ! \
 *     umatconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]| Converts BGR to HSV and back to RGB on every second frame, then to I420
 * for the encoder.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! video/x-raw,format=NV12 ! \
 *     umatconvert device=opencl ! video/x-raw,format=BGRx ! fakesink
 * ]| NV12 to BGRx on an OpenCL device (a GPU if there is one).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatconvert.h"
#include "gstumatallocation.h"
#include "gstumatcudacontext.h"

GST_DEBUG_CATEGORY (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

#define DEFAULT_PROP_CHAIN ""
#define DEFAULT_PROP_SELECTION_RATE 1
#define DEFAULT_PROP_QUEUE_SIZE 4
#define DEFAULT_PROP_DEVICE GST_UMAT_CONVERT_DEVICE_AUTO
#define DEFAULT_PROP_OPENCL_DEVICE ""
#define MAX_QUEUE_SIZE GST_UMAT_MAX_IN_FLIGHT

enum
{
  PROP_0,
  PROP_CHAIN,
  PROP_SELECTION_RATE,
  PROP_QUEUE_SIZE,
  PROP_DEVICE,
  PROP_OPENCL_DEVICE,
  PROP_BACKEND,
  PROP_FUSED,
  PROP_FRAMES_PROCESSED,
  PROP_FRAMES_DROPPED,
};

static void gst_umat_convert_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_umat_convert_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_umat_convert_finalize (GObject * object);
static gboolean gst_umat_convert_start (GstBaseTransform * trans);
static gboolean gst_umat_convert_stop (GstBaseTransform * trans);
static GstCaps *gst_umat_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter);
static GstCaps *gst_umat_convert_fixate_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * othercaps);
static gboolean gst_umat_convert_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static gboolean gst_umat_convert_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query);
static gboolean gst_umat_convert_decide_allocation (GstBaseTransform * trans,
    GstQuery * query);
static GstFlowReturn gst_umat_convert_submit_input_buffer (GstBaseTransform *
    trans, gboolean is_discont, GstBuffer * buffer);
static GstFlowReturn gst_umat_convert_generate_output (GstBaseTransform *
    trans, GstBuffer ** outbuf);
static gboolean gst_umat_convert_transform_meta (GstBaseTransform * trans,
    GstBuffer * outbuf, GstMeta * meta, GstBuffer * inbuf);
static gboolean gst_umat_convert_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query);
static gboolean gst_umat_convert_set_caps (GstBaseTransform * trans,
    GstCaps * incaps, GstCaps * outcaps);
static gboolean gst_umat_convert_set_info (GstVideoFilter * filter,
    GstCaps * incaps, GstVideoInfo * in_info, GstCaps * outcaps,
    GstVideoInfo * out_info);

#define gst_umat_convert_parent_class parent_class
G_DEFINE_TYPE (GstUmatConvert, gst_umat_convert, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (umatconvert, "umatconvert", GST_RANK_NONE,
    GST_TYPE_UMAT_CONVERT);

static void
gst_umat_convert_class_init (GstUmatConvertClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);
  GstCaps *caps;

  gobject_class->set_property = gst_umat_convert_set_property;
  gobject_class->get_property = gst_umat_convert_get_property;
  gobject_class->finalize = gst_umat_convert_finalize;

  /**
   * GstUmatConvert:chain:
   *
   * OpenCV cvtColor codes, comma-separated, spelled as OpenCV does
   * (case-insensitive, `COLOR_` optional). The first code decides the sink
   * formats, the last the source formats. Empty converts between the
   * negotiated formats. A chain that cannot work (an unknown code, steps
   * that do not connect) set before the element starts makes it fail to
   * start with an error naming the code; set while it runs, it is refused
   * with a warning and the previous chain stays.
   */
  g_object_class_install_property (gobject_class, PROP_CHAIN,
      g_param_spec_string ("chain", "Chain",
          "Comma-separated OpenCV cvtColor codes, e.g. \"BGR2HSV,HSV2RGB\"; "
          "empty converts between the negotiated formats",
          DEFAULT_PROP_CHAIN, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
          | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstUmatConvert:selection-rate:
   *
   * Keeps the first frame and every N-th after it; the others are dropped
   * before any conversion. The output framerate is the input's divided by N
   * and kept frames last N times as long. Counting restarts after a flush.
   */
  g_object_class_install_property (gobject_class, PROP_SELECTION_RATE,
      g_param_spec_uint ("selection-rate", "Selection rate",
          "Keep 1 frame of every N, drop the rest before converting",
          1, G_MAXINT, DEFAULT_PROP_SELECTION_RATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstUmatConvert:queue-size:
   *
   * Frames the element holds on the OpenCL device at once: each slot holds
   * the device buffers one frame needs (its input and one image per chain
   * step, or input and output for a fused chain). Allocated once per caps
   * and reused, never per frame: this bounds device memory. Takes effect at
   * the next caps. It bounds nothing outside the element: prefetch is a
   * `queue` in front.
   */
  g_object_class_install_property (gobject_class, PROP_QUEUE_SIZE,
      g_param_spec_uint ("queue-size", "Queue size",
          "Frames held on the OpenCL device at once (bounds device memory)",
          1, MAX_QUEUE_SIZE, DEFAULT_PROP_QUEUE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstUmatConvert:device:
   *
   * Where conversions run; read when the element starts.
   */
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_enum ("device", "Device",
          "Where to convert: auto, cpu or opencl",
          GST_TYPE_UMAT_CONVERT_DEVICE, DEFAULT_PROP_DEVICE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstUmatConvert:opencl-device:
   *
   * Which OpenCL device to use, for this element alone: a GPU's index (0
   * is the first GPU the OpenCL platforms list), or part of a
   * "platform: device" name, ignoring case ("H200", "NVIDIA CUDA: ",
   * "pthread" for PoCL). Empty: the first GPU, or OPENCV_OPENCL_DEVICE
   * when set. Each element has a context of its own, so elements in one
   * process can run on different GPUs. Read when the element starts; a
   * name no device matches fails the start (device=opencl) or falls back
   * to the CPU (device=auto).
   */
  g_object_class_install_property (gobject_class, PROP_OPENCL_DEVICE,
      g_param_spec_string ("opencl-device", "OpenCL device",
          "OpenCL device for this element: a GPU index or part of a "
          "\"platform: device\" name; empty: the default",
          DEFAULT_PROP_OPENCL_DEVICE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));

  /**
   * GstUmatConvert:backend:
   *
   * What the element runs on since it last started: "cpu" or
   * "opencl:<device name>"; empty before the first start. With
   * device=auto and no OpenCL GPU it is "cpu": that is the normal case
   * there, logged, not warned about.
   */
  g_object_class_install_property (gobject_class, PROP_BACKEND,
      g_param_spec_string ("backend", "Backend",
          "What conversions run on: cpu or opencl:<device name>",
          "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstUmatConvert:fused:
   *
   * Whether the current chain runs as one generated OpenCL kernel (one
   * read and one write of each frame on the device) rather than as
   * OpenCV's kernels step by step. FALSE on the CPU, in passthrough, and
   * for chains with a step the generator does not cover.
   */
  g_object_class_install_property (gobject_class, PROP_FUSED,
      g_param_spec_boolean ("fused", "Fused",
          "Whether the chain runs as one generated OpenCL kernel", FALSE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstUmatConvert:frames-processed:
   *
   * Frames pushed out since the element started.
   */
  g_object_class_install_property (gobject_class, PROP_FRAMES_PROCESSED,
      g_param_spec_uint64 ("frames-processed", "Frames processed",
          "Frames converted (or passed through) since start",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstUmatConvert:frames-dropped:
   *
   * Frames dropped since the element started: by selection-rate, as late
   * by QoS, or as too short for their caps. Frames in = frames-processed +
   * frames-dropped.
   */
  g_object_class_install_property (gobject_class, PROP_FRAMES_DROPPED,
      g_param_spec_uint64 ("frames-dropped", "Frames dropped",
          "Frames dropped by selection-rate, QoS or as short, since start",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "OpenCV UMat colour converter", "Filter/Converter/Video",
      "Converts video with chains of OpenCV cvtColor codes, on OpenCL or the "
      "CPU", "gst-umat authors");

  caps = gst_umat_template_caps (GST_PAD_SINK);
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);
  caps = gst_umat_template_caps (GST_PAD_SRC);
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_umat_convert_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_umat_convert_stop);
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_umat_convert_transform_caps);
  trans_class->fixate_caps = GST_DEBUG_FUNCPTR (gst_umat_convert_fixate_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_umat_convert_sink_event);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_umat_convert_propose_allocation);
  trans_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_umat_convert_decide_allocation);
  trans_class->submit_input_buffer =
      GST_DEBUG_FUNCPTR (gst_umat_convert_submit_input_buffer);
  trans_class->generate_output =
      GST_DEBUG_FUNCPTR (gst_umat_convert_generate_output);
  trans_class->transform_meta =
      GST_DEBUG_FUNCPTR (gst_umat_convert_transform_meta);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_umat_convert_query);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_umat_convert_set_caps);
  /* passthrough frames are not ours to touch */
  trans_class->transform_ip_on_passthrough = FALSE;

  /* frames are mapped and converted by generate_output, which keeps them
   * in flight past the call (gstumatinflight.c) */
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_umat_convert_set_info);

  GST_DEBUG_CATEGORY_INIT (gst_umat_convert_debug, "umatconvert", 0,
      "OpenCV UMat colour converter");
  gst_type_mark_as_plugin_api (GST_TYPE_UMAT_CONVERT_DEVICE, 0);
}

/* The chain the refusal narrator explains against. */
static GstUmatChainInfo *
refusal_chain (GstElement * element)
{
  return gst_umat_convert_get_chain (GST_UMAT_CONVERT (element));
}

static void
gst_umat_convert_init (GstUmatConvert * self)
{
  self->chain = gst_umat_chain_info_new (DEFAULT_PROP_CHAIN);
  self->selection_rate = DEFAULT_PROP_SELECTION_RATE;
  self->queue_size = DEFAULT_PROP_QUEUE_SIZE;
  self->device = DEFAULT_PROP_DEVICE;
  self->opencl_device = g_strdup (DEFAULT_PROP_OPENCL_DEVICE);
  gst_umat_device_init (&self->dev);
  gst_umat_refusal_watch (&self->refusal, GST_BASE_TRANSFORM (self),
      refusal_chain);
}

static void
gst_umat_convert_finalize (GObject * object)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (object);

  gst_umat_chain_info_unref (self->chain);
  g_free (self->opencl_device);
  gst_umat_device_finalize (&self->dev);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Whether the sink pad offers frames in CUDA memory: what the engine says
 * once there is one; before that (a pipeline linked in the NULL state)
 * whenever the element may run on OpenCL, so that a capsfilter asking for
 * CUDA memory links, and negotiation after start settles it. */
static gboolean
offers_cuda_memory (GstUmatConvert * self)
{
  gint takes = g_atomic_int_get (&self->dev.takes_cuda);
  GstUmatConvertDevice device;

  if (takes >= 0)
    return takes;
  GST_OBJECT_LOCK (self);
  device = self->device;
  GST_OBJECT_UNLOCK (self);
  return device != GST_UMAT_CONVERT_DEVICE_CPU;
}

static void
gst_umat_convert_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (object);

  switch (prop_id) {
    case PROP_CHAIN:
      gst_umat_convert_set_chain (self, g_value_get_string (value));
      break;
    case PROP_SELECTION_RATE:
      GST_OBJECT_LOCK (self);
      g_atomic_int_set (&self->selection_rate, g_value_get_uint (value));
      GST_OBJECT_UNLOCK (self);
      gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
      break;
    case PROP_QUEUE_SIZE:
      GST_OBJECT_LOCK (self);
      self->queue_size = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      self->device = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_OPENCL_DEVICE:
      GST_OBJECT_LOCK (self);
      g_free (self->opencl_device);
      self->opencl_device = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_umat_convert_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CHAIN:
      g_value_set_string (value, self->chain->text);
      break;
    case PROP_SELECTION_RATE:
      g_value_set_uint (value, self->selection_rate);
      break;
    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;
    case PROP_DEVICE:
      g_value_set_enum (value, self->device);
      break;
    case PROP_OPENCL_DEVICE:
      g_value_set_string (value, self->opencl_device);
      break;
    case PROP_BACKEND:
      g_value_set_string (value, self->dev.backend);
      break;
    case PROP_FUSED:
      g_value_set_boolean (value, self->dev.fused);
      break;
    case PROP_FRAMES_PROCESSED:
      g_value_set_uint64 (value, self->selection.processed);
      break;
    case PROP_FRAMES_DROPPED:
      g_value_set_uint64 (value, self->selection.dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_umat_convert_start (GstBaseTransform * trans)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstElement *element = GST_ELEMENT (self);
  GstUmatChainInfo *chain = gst_umat_convert_get_chain (self);
  GstUmatConvertDevice device;
  gchar *opencl_device;
  gboolean ok;

  if (chain->problem)
    goto bad_chain;
  gst_umat_chain_info_unref (chain);
  GST_OBJECT_LOCK (self);
  device = self->device;
  opencl_device = g_strdup (self->opencl_device);
  GST_OBJECT_UNLOCK (self);
  gst_umat_selection_start (&self->selection, element);
  gst_umat_refusal_reset (&self->refusal);
  self->stale_chain_noted = FALSE;
  ok = gst_umat_device_start (&self->dev, element, (UmatcvDevice) device,
      opencl_device);
  g_free (opencl_device);
  /* GstBaseTransform does not call stop after a failed start */
  if (!ok)
    return FALSE;
  gst_umat_in_flight_start (&self->flight);
  GST_OBJECT_LOCK (self);
  self->started = TRUE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;

  /* ERRORS */
bad_chain:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Chain \"%s\" refused: %s", chain->text, chain->problem),
        ("the chain property names OpenCV cvtColor codes, e.g. "
            "\"BGR2HSV,HSV2RGB\""));
    gst_umat_chain_info_unref (chain);
    return FALSE;
  }
}

static gboolean
gst_umat_convert_stop (GstBaseTransform * trans)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);

  GST_OBJECT_LOCK (self);
  self->started = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (self->flight.ring)
    gst_umat_selection_count (&self->selection, GST_ELEMENT (self), 0,
        gst_umat_in_flight_drop (&self->flight, &self->dev,
            GST_ELEMENT (self)));
  gst_umat_in_flight_stop (&self->flight);
  gst_umat_device_stop (&self->dev, GST_ELEMENT (self));
  return TRUE;
}

/* What `chain` makes of `caps` on the other pad, with the element's
 * selection rate and memory offer. */
GstCaps *
gst_umat_convert_caps_for_chain (GstUmatConvert * self,
    GstUmatChainInfo * chain, GstPadDirection direction, GstCaps * caps)
{
  return gst_umat_transform_caps (chain,
      g_atomic_int_get (&self->selection_rate), offers_cuda_memory (self),
      direction, caps);
}

static GstCaps *
gst_umat_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstUmatChainInfo *chain = gst_umat_convert_get_chain (self);
  GstCaps *result;

  result = gst_umat_convert_caps_for_chain (self, chain, direction, caps);
  gst_umat_chain_info_unref (chain);

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, result,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (result);
    result = tmp;
  }
  GST_DEBUG_OBJECT (self, "%s caps %" GST_PTR_FORMAT " become %"
      GST_PTR_FORMAT, direction == GST_PAD_SINK ? "sink" : "src", caps, result);
  return result;
}

/* YUV output that says nothing of its colorimetry or chroma siting gets
 * the defaults written out (gst_umat_fixate_colorimetry), so that what
 * the element applies is what the caps say. */
static GstCaps *
gst_umat_convert_fixate_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * othercaps)
{
  othercaps = GST_BASE_TRANSFORM_CLASS (parent_class)->fixate_caps (trans,
      direction, caps, othercaps);
  if (direction == GST_PAD_SINK && !gst_caps_is_empty (othercaps)) {
    othercaps = gst_caps_make_writable (othercaps);
    gst_umat_fixate_colorimetry (othercaps);
  }
  return othercaps;
}

/* Pushes every frame in flight, in order: before anything serialized
 * passes them (EOS, new caps, a segment), and when asked to drain. */
static void
gst_umat_convert_drain (GstUmatConvert * self)
{
  guint64 pushed, dropped;

  gst_umat_in_flight_drain (&self->flight, &self->dev, GST_ELEMENT (self),
      GST_BASE_TRANSFORM_SRC_PAD (self), &pushed, &dropped);
  gst_umat_selection_count (&self->selection, GST_ELEMENT (self), pushed,
      dropped);
}

static gboolean
gst_umat_convert_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstCaps *caps = NULL;
  gboolean ok;

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    gst_umat_selection_count (&self->selection, GST_ELEMENT (self), 0,
        gst_umat_in_flight_drop (&self->flight, &self->dev,
            GST_ELEMENT (self)));
    gst_umat_selection_flush (&self->selection);
  } else if (GST_EVENT_IS_SERIALIZED (event)
      && GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_START) {
    gst_umat_convert_drain (self);
  }
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    gst_event_parse_caps (event, &caps);
    gst_caps_ref (caps);
  }
  ok = GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
  if (caps && !ok) {
    GstUmatChainInfo *chain = gst_umat_convert_get_chain (self);
    gst_umat_refusal_caps_unplaced (&self->refusal, GST_ELEMENT (self), chain,
        caps);
    gst_umat_chain_info_unref (chain);
  }
  gst_caps_replace (&caps, NULL);
  return ok;
}

/* Frames held in flight add latency: up to queue-size - 1 frames wait for
 * the one before them. A DRAIN query pushes them out. */
static gboolean
gst_umat_convert_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstVideoFilter *filter = GST_VIDEO_FILTER (trans);
  gboolean ok;

  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) == GST_QUERY_DRAIN)
    gst_umat_convert_drain (self);
  ok = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
      query);
  if (ok && direction == GST_PAD_SINK
      && GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS) {
    GstCaps *caps;
    gboolean accepted;

    gst_query_parse_accept_caps (query, &caps);
    gst_query_parse_accept_caps_result (query, &accepted);
    if (!accepted) {
      GstUmatChainInfo *chain = gst_umat_convert_get_chain (self);
      gst_umat_refusal_accept_caps_refused (&self->refusal,
          GST_ELEMENT (self), chain, caps);
      gst_umat_chain_info_unref (chain);
    }
  }
  if (ok && direction == GST_PAD_SRC
      && GST_QUERY_TYPE (query) == GST_QUERY_LATENCY && filter->negotiated) {
    gboolean live;
    GstClockTime min, max, held = gst_umat_in_flight_latency (&self->dev,
        &filter->in_info);

    gst_query_parse_latency (query, &live, &min, &max);
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += held;
    gst_query_set_latency (query, live, min + held, max);
  }
  return ok;
}

static gboolean
gst_umat_convert_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);

  GstCaps *caps = NULL;

  gst_query_parse_allocation (query, &caps, NULL);
  /* a decoder's CUDA frames come from its own pool: no system memory one */
  if (gst_umat_caps_are_cuda (caps)) {
    gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
    return TRUE;
  }
  if (!gst_base_transform_is_passthrough (trans))
    gst_umat_allocation_propose (GST_ELEMENT (self), self->dev.engine, query);
  /* GstVideoFilter adds GstVideoMeta, and a pool only if there is none */
  return GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans,
      decide_query, query);
}

static gboolean
gst_umat_convert_decide_allocation (GstBaseTransform * trans, GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);

  gst_umat_allocation_decide (GST_ELEMENT (self), self->dev.engine, query);
  return GST_BASE_TRANSFORM_CLASS (parent_class)->decide_allocation (trans,
      query);
}

/* Makes `chain` run on the given formats: passthrough, in place or not. */
gboolean
gst_umat_convert_configure (GstUmatConvert * self, GstUmatChainInfo * chain,
    const GstVideoInfo * in_info, const GstVideoInfo * out_info,
    gboolean cuda_in)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstObject *cuda_context = NULL;
  gboolean passthrough = FALSE, ok;
  guint slots;

  GST_OBJECT_LOCK (self);
  slots = self->queue_size;
  GST_OBJECT_UNLOCK (self);
  gst_umat_refusal_reset (&self->refusal);
  gst_umat_selection_new_caps (&self->selection);
  gst_umat_in_flight_new_caps (&self->flight);
  self->stale_chain_noted = FALSE;
  if (cuda_in)
    cuda_context = gst_umat_cuda_context_from_upstream (trans->sinkpad);
  ok = gst_umat_device_configure (&self->dev, GST_ELEMENT (self), chain,
      in_info, out_info, cuda_in, cuda_context, slots, &passthrough,
      &self->in_place);
  gst_clear_object (&cuda_context);
  if (!ok)
    return FALSE;
  gst_base_transform_set_passthrough (trans, passthrough);
  gst_base_transform_set_in_place (trans, self->in_place);
  return TRUE;
}

/* GstVideoFilter's set_caps calls set_info, then decides in place for a
 * subclass with no transform_frame: the converter decides it here. */
static gboolean
gst_umat_convert_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);

  if (!GST_BASE_TRANSFORM_CLASS (parent_class)->set_caps (trans, incaps,
          outcaps))
    return FALSE;
  gst_base_transform_set_in_place (trans, self->in_place);
  return TRUE;
}

static gboolean
gst_umat_convert_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (filter);
  GstUmatChainInfo *chain = gst_umat_convert_chain_for_formats (self,
      GST_VIDEO_INFO_FORMAT (in_info), GST_VIDEO_INFO_FORMAT (out_info));
  gboolean ok;

  gst_umat_info_take_chroma_site (in_info, incaps);
  gst_umat_info_take_chroma_site (out_info, outcaps);

  ok = gst_umat_convert_configure (self, chain, in_info, out_info,
      gst_umat_caps_are_cuda (incaps));
  gst_umat_chain_info_unref (chain);
  return ok;
}

static GstFlowReturn
gst_umat_convert_submit_input_buffer (GstBaseTransform * trans,
    gboolean is_discont, GstBuffer * buffer)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  GstFlowReturn ret;

  if (!gst_umat_selection_take (&self->selection, GST_ELEMENT (self),
          g_atomic_int_get (&self->selection_rate),
          filter->negotiated ? &filter->in_info : NULL, &buffer))
    return GST_FLOW_OK;
  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->submit_input_buffer (trans,
      is_discont, buffer);
  if (ret == GST_BASE_TRANSFORM_FLOW_DROPPED)   /* late, dropped by QoS */
    gst_umat_selection_count (&self->selection, GST_ELEMENT (self), 0, 1);
  return ret;
}

/* Converts on the device and hands out frames in order: the input waiting
 * in trans->queued_buf goes in flight (unless the device holds as many as
 * it may: then the oldest is waited for and pushed first), and the oldest
 * frame comes out once it is converted. Passthrough is GstBaseTransform's. */
static GstFlowReturn
gst_umat_convert_generate_output (GstBaseTransform * trans, GstBuffer ** outbuf)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstVideoFilter *filter = GST_VIDEO_FILTER (trans);
  GstElement *element = GST_ELEMENT (self);
  GstBuffer *in, *out = NULL;
  GstFlowReturn ret;

  *outbuf = NULL;
  if (trans->queued_buf != NULL && !gst_umat_convert_follow_chain (self)) {
    gst_buffer_replace (&trans->queued_buf, NULL);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (gst_base_transform_is_passthrough (trans)) {
    ret = GST_BASE_TRANSFORM_CLASS (parent_class)->generate_output (trans,
        outbuf);
    goto done;
  }

  if (trans->queued_buf != NULL) {
    if (gst_umat_in_flight_count (&self->flight)
        >= gst_umat_device_depth (&self->dev)) {
      ret = gst_umat_in_flight_finish (&self->flight, &self->dev, element,
          TRUE, outbuf);
      goto done;
    }
    in = trans->queued_buf;
    trans->queued_buf = NULL;
    if (G_UNLIKELY (!filter->negotiated))
      goto not_negotiated;
    ret = GST_BASE_TRANSFORM_CLASS (parent_class)->prepare_output_buffer
        (trans, in, &out);
    if (ret != GST_FLOW_OK || out == NULL) {
      gst_buffer_unref (in);
      return ret;
    }
    ret = gst_umat_in_flight_submit (&self->flight, &self->dev, element,
        &filter->in_info, &filter->out_info, in, out);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  /* at most queue-size - 1 frames wait between calls (what LATENCY says):
   * with queue-size frames on the device, the oldest is waited for now */
  ret = gst_umat_in_flight_finish (&self->flight, &self->dev, element,
      gst_umat_in_flight_count (&self->flight)
      >= gst_umat_device_depth (&self->dev), outbuf);

done:
  if (ret == GST_FLOW_OK && *outbuf != NULL)
    gst_umat_selection_count (&self->selection, element, 1, 0);
  return ret;

  /* ERRORS */
not_negotiated:
  {
    gst_buffer_unref (in);
    GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED, (NULL),
        ("unknown format"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
}

/* Metas that describe the picture's geometry or are not tied to its
 * pixels (crop, region of interest, orientation, untagged ones) stay true
 * through a colour conversion, so they go with it, as videoconvert does;
 * anything tied to the colour space does not. */
static gboolean
gst_umat_convert_transform_meta (GstBaseTransform * trans, GstBuffer * outbuf,
    GstMeta * meta, GstBuffer * inbuf)
{
  static const gchar *const kept_tags[] = { GST_META_TAG_VIDEO_STR,
    GST_META_TAG_VIDEO_SIZE_STR, GST_META_TAG_VIDEO_ORIENTATION_STR, NULL
  };
  const gchar *const *tags = gst_meta_api_type_get_tags (meta->info->api);

  for (; tags && *tags; tags++)
    if (!g_strv_contains (kept_tags, *tags))
      return FALSE;
  return TRUE;
}
