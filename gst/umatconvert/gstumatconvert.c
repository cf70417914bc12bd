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
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! videoconvert ! \
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
#include "gstumatcaps.h"
#include "gstumatpool.h"
#include "umatcv.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

#define DEFAULT_PROP_CHAIN ""
#define DEFAULT_PROP_SELECTION_RATE 1
#define DEFAULT_PROP_QUEUE_SIZE 4
#define DEFAULT_PROP_DEVICE GST_UMAT_CONVERT_DEVICE_AUTO
#define MAX_QUEUE_SIZE 64

enum
{
  PROP_0,
  PROP_CHAIN,
  PROP_SELECTION_RATE,
  PROP_QUEUE_SIZE,
  PROP_DEVICE,
  PROP_BACKEND,
  PROP_FUSED,
  PROP_FRAMES_PROCESSED,
  PROP_FRAMES_DROPPED,
};

/* A parsed chain property, shared by the property and the streaming thread. */
typedef struct
{
  gchar *text;
  GstUmatChainInfo *info;       /* NULL: auto mode */
} ChainSetting;

struct _GstUmatConvert
{
  GstVideoFilter parent;

  /* properties, under the object lock */
  ChainSetting *chain;          /* atomic refcounted; never NULL */
  guint selection_rate;
  guint queue_size;
  GstUmatConvertDevice device;
  gchar *backend;
  gboolean fused;
  guint64 frames_processed;
  guint64 frames_dropped;

  /* streaming state */
  UmatcvEngine *engine;         /* from start() to stop() */
  UmatcvConverter *converter;   /* for the current caps; NULL in passthrough */
  ChainSetting *converter_chain;        /* what the converter runs */
  UmatcvLayout in_layout, out_layout;
  guint64 frame_index;          /* frames seen since start or flush */
  gint refusal_posted;          /* atomic: once per negotiation */
  gboolean stale_chain_warned;

  /* OpenCL only: pinned frames to copy through when upstream's or
   * downstream's buffers are not pinned; made on first need per caps */
  GstBuffer *staging_in, *staging_out;
  gboolean staging_logged;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_UMAT_SINK_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_UMAT_SRC_CAPS));

static void gst_umat_convert_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_umat_convert_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_umat_convert_finalize (GObject * object);
static gboolean gst_umat_convert_start (GstBaseTransform * trans);
static gboolean gst_umat_convert_stop (GstBaseTransform * trans);
static GstCaps *gst_umat_convert_fixate_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * othercaps);
static GstCaps *gst_umat_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter);
static gboolean gst_umat_convert_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query);
static gboolean gst_umat_convert_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static GstFlowReturn gst_umat_convert_submit_input_buffer (GstBaseTransform *
    trans, gboolean is_discont, GstBuffer * buffer);
static GstFlowReturn gst_umat_convert_generate_output (GstBaseTransform *
    trans, GstBuffer ** outbuf);
static gboolean gst_umat_convert_set_info (GstVideoFilter * filter,
    GstCaps * incaps, GstVideoInfo * in_info, GstCaps * outcaps,
    GstVideoInfo * out_info);
static GstFlowReturn gst_umat_convert_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * in_frame, GstVideoFrame * out_frame);
static GstFlowReturn gst_umat_convert_transform_frame_ip (GstVideoFilter *
    filter, GstVideoFrame * frame);
static gboolean gst_umat_convert_follow_chain (GstUmatConvert * self);
static gboolean gst_umat_convert_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query);
static gboolean gst_umat_convert_decide_allocation (GstBaseTransform * trans,
    GstQuery * query);

#define gst_umat_convert_parent_class parent_class
G_DEFINE_TYPE (GstUmatConvert, gst_umat_convert, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (umatconvert, "umatconvert", GST_RANK_NONE,
    GST_TYPE_UMAT_CONVERT);

GType
gst_umat_convert_device_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_UMAT_CONVERT_DEVICE_AUTO,
        "An OpenCL GPU when OpenCV finds one, else the CPU", "auto"},
    {GST_UMAT_CONVERT_DEVICE_CPU, "The CPU; OpenCL is never loaded", "cpu"},
    {GST_UMAT_CONVERT_DEVICE_OPENCL,
        "An OpenCL GPU if any, else any OpenCL device; an error if none",
        "opencl"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstUmatConvertDevice", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
chain_setting_clear (ChainSetting * setting)
{
  g_free (setting->text);
  gst_umat_chain_info_free (setting->info);
}

static ChainSetting *
chain_setting_new (const gchar * text, GstUmatChainInfo * info)
{
  ChainSetting *setting = g_atomic_rc_box_new0 (ChainSetting);
  setting->text = g_strdup (text);
  setting->info = info;
  return setting;
}

static void
chain_setting_unref (ChainSetting * setting)
{
  if (setting)
    g_atomic_rc_box_release_full (setting, (GDestroyNotify) chain_setting_clear);
}

static ChainSetting *
gst_umat_convert_get_chain (GstUmatConvert * self)
{
  ChainSetting *setting;

  GST_OBJECT_LOCK (self);
  setting = g_atomic_rc_box_acquire (self->chain);
  GST_OBJECT_UNLOCK (self);
  return setting;
}

static void
gst_umat_convert_class_init (GstUmatConvertClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  gobject_class->set_property = gst_umat_convert_set_property;
  gobject_class->get_property = gst_umat_convert_get_property;
  gobject_class->finalize = gst_umat_convert_finalize;

  /**
   * GstUmatConvert:chain:
   *
   * OpenCV cvtColor codes, comma-separated, spelled as OpenCV does
   * (case-insensitive, `COLOR_` optional). The first code decides the sink
   * formats, the last the source formats. Empty converts between the
   * negotiated formats. An unknown code is refused with a warning and the
   * previous chain stays.
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
   * Slots in the OpenCL pool: each holds the UMats one frame needs (its input
   * and one image per chain step). Allocated once per caps and reused; this
   * bounds GPU memory. Takes effect at the next caps.
   */
  g_object_class_install_property (gobject_class, PROP_QUEUE_SIZE,
      g_param_spec_uint ("queue-size", "Queue size",
          "Frames of UMats in the OpenCL pool (bounds GPU memory)",
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
   * GstUmatConvert:backend:
   *
   * What the element runs on since it last started: "cpu" or
   * "opencl:<device name>"; empty before the first start.
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
   * Frames dropped since the element started: by selection-rate, or as late
   * by QoS. Frames in = frames-processed + frames-dropped.
   */
  g_object_class_install_property (gobject_class, PROP_FRAMES_DROPPED,
      g_param_spec_uint64 ("frames-dropped", "Frames dropped",
          "Frames dropped by selection-rate or QoS since start",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "OpenCV UMat colour converter", "Filter/Converter/Video",
      "Converts video with chains of OpenCV cvtColor codes, on OpenCL or the "
      "CPU", "gst-umat authors");

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_umat_convert_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_umat_convert_stop);
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_umat_convert_transform_caps);
  trans_class->fixate_caps = GST_DEBUG_FUNCPTR (gst_umat_convert_fixate_caps);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_umat_convert_query);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_umat_convert_sink_event);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_umat_convert_propose_allocation);
  trans_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_umat_convert_decide_allocation);
  trans_class->submit_input_buffer =
      GST_DEBUG_FUNCPTR (gst_umat_convert_submit_input_buffer);
  trans_class->generate_output =
      GST_DEBUG_FUNCPTR (gst_umat_convert_generate_output);
  /* passthrough frames are not ours to touch */
  trans_class->transform_ip_on_passthrough = FALSE;

  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_umat_convert_set_info);
  filter_class->transform_frame =
      GST_DEBUG_FUNCPTR (gst_umat_convert_transform_frame);
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_umat_convert_transform_frame_ip);

  GST_DEBUG_CATEGORY_INIT (gst_umat_convert_debug, "umatconvert", 0,
      "OpenCV UMat colour converter");
  gst_type_mark_as_plugin_api (GST_TYPE_UMAT_CONVERT_DEVICE, 0);
}

static GstPadProbeReturn gst_umat_convert_caps_probe (GstPad * pad,
    GstPadProbeInfo * info, gpointer user_data);

static void
gst_umat_convert_init (GstUmatConvert * self)
{
  /* sees CAPS events before the pad refuses them (see the probe) */
  gst_pad_add_probe (GST_BASE_TRANSFORM_SINK_PAD (self),
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, gst_umat_convert_caps_probe, self,
      NULL);
  self->chain = chain_setting_new (DEFAULT_PROP_CHAIN, NULL);
  self->selection_rate = DEFAULT_PROP_SELECTION_RATE;
  self->queue_size = DEFAULT_PROP_QUEUE_SIZE;
  self->device = DEFAULT_PROP_DEVICE;
  self->backend = g_strdup ("");
}

static void
gst_umat_convert_finalize (GObject * object)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (object);

  chain_setting_unref (self->chain);
  g_free (self->backend);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Whether `setting` can convert what the sink pad currently receives (and,
 * with `keep_output`, into what the src pad currently sends). */
static gboolean
chain_takes_current_caps (GstUmatConvert * self, ChainSetting * setting,
    gboolean keep_output)
{
  GstCaps *incaps = gst_pad_get_current_caps (GST_BASE_TRANSFORM_SINK_PAD (self));
  GstCaps *outcaps = NULL, *out;
  gboolean ok;

  if (incaps == NULL)
    return FALSE;
  out = gst_umat_transform_caps (setting->info,
      g_atomic_int_get (&self->selection_rate), GST_PAD_SINK, incaps);
  if (keep_output) {
    outcaps = gst_pad_get_current_caps (GST_BASE_TRANSFORM_SRC_PAD (self));
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

static void
gst_umat_convert_set_chain (GstUmatConvert * self, const gchar * text)
{
  GstUmatChainInfo *info = NULL;
  ChainSetting *setting, *old;

  if (text == NULL)
    text = "";
  if (*text != '\0') {
    UmatcvChain *chain;
    gchar error[256];

    if (umatcv_chain_parse (text, &chain, error, sizeof (error)) != UMATCV_OK) {
      GST_OBJECT_LOCK (self);
      g_warning ("umatconvert: chain \"%s\" refused: %s; keeping \"%s\"",
          text, error, self->chain->text);
      GST_OBJECT_UNLOCK (self);
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
          ("Chain \"%s\" refused: %s", text, error),
          ("the previous chain stays"));
      return;
    }
    info = gst_umat_chain_info_new (chain);
    /* accepted, but negotiation will fail: say why now, where gst-launch
     * users see it, as well as then */
    if (info->problem)
      g_warning ("umatconvert: %s", info->problem);
  }

  setting = chain_setting_new (text, info);
  GST_OBJECT_LOCK (self);
  old = self->chain;
  /* the element's reference; ours lives to the end of this function */
  g_atomic_pointer_set (&self->chain, g_atomic_rc_box_acquire (setting));
  GST_OBJECT_UNLOCK (self);
  chain_setting_unref (old);
  GST_DEBUG_OBJECT (self, "chain is now \"%s\"", text);

  /* Ask upstream for formats the new chain takes; renegotiate our output
   * now only if the current input suits it, else when new caps arrive. */
  gst_base_transform_reconfigure_sink (GST_BASE_TRANSFORM (self));
  if (chain_takes_current_caps (self, setting, FALSE))
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
  chain_setting_unref (setting);
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
    case PROP_BACKEND:
      g_value_set_string (value, self->backend);
      break;
    case PROP_FUSED:
      g_value_set_boolean (value, self->fused);
      break;
    case PROP_FRAMES_PROCESSED:
      g_value_set_uint64 (value, self->frames_processed);
      break;
    case PROP_FRAMES_DROPPED:
      g_value_set_uint64 (value, self->frames_dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_umat_convert_drop_converter (GstUmatConvert * self)
{
  umatcv_converter_free (self->converter);
  self->converter = NULL;
  gst_clear_buffer (&self->staging_in);
  gst_clear_buffer (&self->staging_out);
  self->staging_logged = FALSE;
  GST_OBJECT_LOCK (self);
  self->fused = FALSE;
  GST_OBJECT_UNLOCK (self);
  chain_setting_unref (self->converter_chain);
  self->converter_chain = NULL;
}

static gboolean
gst_umat_convert_start (GstBaseTransform * trans)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstUmatConvertDevice device;
  UmatcvStatus status;
  gchar note[256] = "";

  GST_OBJECT_LOCK (self);
  device = self->device;
  self->frames_processed = self->frames_dropped = 0;
  GST_OBJECT_UNLOCK (self);
  self->frame_index = 0;
  g_atomic_int_set (&self->refusal_posted, FALSE);
  self->stale_chain_warned = FALSE;

  status = umatcv_engine_new ((UmatcvDevice) device, &self->engine, note,
      sizeof (note));
  if (status != UMATCV_OK)
    goto no_engine;
  /* device=auto without a usable OpenCL GPU: say why it is the CPU */
  if (*note)
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND,
        ("No OpenCL GPU device, converting on the CPU: %s", note),
        ("device=auto fell back to the CPU"));

  GST_OBJECT_LOCK (self);
  g_free (self->backend);
  self->backend = g_strdup (umatcv_engine_backend (self->engine));
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "backend %s", umatcv_engine_backend (self->engine));
  return TRUE;

  /* ERRORS */
no_engine:
  {
    if (status == UMATCV_ERROR_NO_DEVICE)
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("No OpenCL device for device=opencl: %s", note),
          ("use device=auto or device=cpu to run on the CPU"));
    else
      GST_ELEMENT_ERROR (self, LIBRARY, INIT,
          ("Could not set up OpenCV (%s): %s", umatcv_status_name (status),
              note), (NULL));
    return FALSE;
  }
}

static gboolean
gst_umat_convert_stop (GstBaseTransform * trans)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);

  gst_umat_convert_drop_converter (self);
  umatcv_engine_free (self->engine);
  self->engine = NULL;
  return TRUE;
}

static GstCaps *
gst_umat_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  ChainSetting *setting = gst_umat_convert_get_chain (self);
  GstCaps *result;
  guint rate;

  GST_OBJECT_LOCK (self);
  rate = self->selection_rate;
  GST_OBJECT_UNLOCK (self);

  result = gst_umat_transform_caps (setting->info, rate, direction, caps);
  chain_setting_unref (setting);

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

/* YUV output that says nothing of its colorimetry gets GStreamer's default
 * for its size, written out (as videoconvert's fixation does): BT.709 above
 * 576 lines, BT.601 (SMPTE 170M) up to 576, so that the matrix the element
 * applies is the one the caps say. */
static GstCaps *
gst_umat_convert_fixate_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * othercaps)
{
  GstStructure *s;
  GstVideoInfo info;
  gchar *colorimetry;

  othercaps = GST_BASE_TRANSFORM_CLASS (parent_class)->fixate_caps (trans,
      direction, caps, othercaps);
  if (direction != GST_PAD_SINK || gst_caps_is_empty (othercaps))
    return othercaps;
  othercaps = gst_caps_make_writable (othercaps);
  s = gst_caps_get_structure (othercaps, 0);
  if (gst_structure_has_field (s, "colorimetry")
      || !gst_video_info_from_caps (&info, othercaps)
      || !GST_VIDEO_INFO_IS_YUV (&info))
    return othercaps;
  /* gst_video_info_from_caps filled in the default for the size */
  colorimetry = gst_video_colorimetry_to_string (&info.colorimetry);
  if (colorimetry)
    gst_structure_set (s, "colorimetry", G_TYPE_STRING, colorimetry, NULL);
  g_free (colorimetry);
  return othercaps;
}

/* The matrix and range the converter applies to YUV of `info`. RGB caps
 * say full range (sRGB) too, but no matrix applies to them: they keep the
 * default, so that an RGB end never takes a chain off OpenCV's own codes. */
static UmatcvColorimetry
colorimetry_of (const GstVideoInfo * info)
{
  UmatcvColorimetry c = { UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED };
  if (!GST_VIDEO_INFO_IS_YUV (info))
    return c;
  if (info->colorimetry.matrix == GST_VIDEO_COLOR_MATRIX_BT709)
    c.matrix = UMATCV_MATRIX_BT709;
  if (info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255)
    c.range = UMATCV_RANGE_FULL;
  return c;
}

/* Posts, once per negotiation, why upstream's caps cannot be taken (into
 * what downstream accepts, when `downstream` is set). */
static void
gst_umat_convert_post_refusal (GstUmatConvert * self, GstCaps * caps,
    gboolean downstream)
{
  ChainSetting *setting;
  GstCaps *peer = NULL;
  gchar *why;

  if (g_atomic_int_get (&self->refusal_posted))
    return;
  if (downstream)
    peer = gst_pad_peer_query_caps (GST_BASE_TRANSFORM_SRC_PAD (self), NULL);
  setting = gst_umat_convert_get_chain (self);
  why = gst_umat_explain_refusal (setting->info, caps, peer);
  if (peer)
    gst_caps_unref (peer);
  chain_setting_unref (setting);
  if (why == NULL || !g_atomic_int_compare_and_exchange (&self->refusal_posted,
          FALSE, TRUE)) {
    g_free (why);
    return;
  }
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("%s", why),
      ("refused caps %" GST_PTR_FORMAT, caps));
  g_free (why);
}

/* A CAPS event that the pad will refuse (its accept-caps check runs after
 * the probes): that is a real negotiation failure, so say why. Accept-caps
 * and caps queries alone are questions, often exploratory, and post
 * nothing. */
static GstPadProbeReturn
gst_umat_convert_caps_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (user_data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  if (!gst_pad_query_accept_caps (pad, caps))
    gst_umat_convert_post_refusal (self, caps, FALSE);
  return GST_PAD_PROBE_OK;
}

/* A chain that can never work makes every caps query empty and upstream
 * gives up without sending caps: say why then. */
static gboolean
gst_umat_convert_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  gboolean ok = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans,
      direction, query);
  ChainSetting *setting;
  GstCaps *filter = NULL;

  if (!ok || direction != GST_PAD_SINK || GST_QUERY_TYPE (query) != GST_QUERY_CAPS)
    return ok;
  setting = gst_umat_convert_get_chain (self);
  gst_query_parse_caps (query, &filter);
  if (setting->info && setting->info->problem && filter)
    gst_umat_convert_post_refusal (self, filter, FALSE);
  chain_setting_unref (setting);
  return ok;
}

static gboolean
gst_umat_convert_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstCaps *caps = NULL;
  gboolean ok;

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    self->frame_index = 0;
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    gst_event_parse_caps (event, &caps);
    gst_caps_ref (caps);
  }
  ok = GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
  /* caps we accepted that lead nowhere downstream takes */
  if (caps && !ok)
    gst_umat_convert_post_refusal (self, caps, TRUE);
  gst_caps_replace (&caps, NULL);
  return ok;
}

static void
gst_umat_convert_count (GstUmatConvert * self, guint64 processed,
    guint64 dropped)
{
  GST_OBJECT_LOCK (self);
  self->frames_processed += processed;
  self->frames_dropped += dropped;
  GST_OBJECT_UNLOCK (self);
}

/* Whether a buffer without GstVideoMeta holds a whole frame of the caps.
 * GstVideoFilter would only warn about a short one and push its output
 * buffer unconverted; this drops it, counted, with a warning. */
static gboolean
gst_umat_convert_buffer_fits (GstUmatConvert * self, GstBuffer * buffer)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  gsize size = gst_buffer_get_size (buffer);

  if (!filter->negotiated || gst_buffer_get_video_meta (buffer) != NULL
      || G_LIKELY (size >= GST_VIDEO_INFO_SIZE (&filter->in_info)))
    return TRUE;
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("Dropped a buffer of %" G_GSIZE_FORMAT " bytes: a %dx%d %s frame "
          "needs %" G_GSIZE_FORMAT, size, GST_VIDEO_INFO_WIDTH (&filter->in_info),
          GST_VIDEO_INFO_HEIGHT (&filter->in_info),
          GST_VIDEO_INFO_NAME (&filter->in_info),
          GST_VIDEO_INFO_SIZE (&filter->in_info)), (NULL));
  return FALSE;
}

static GstFlowReturn
gst_umat_convert_submit_input_buffer (GstBaseTransform * trans,
    gboolean is_discont, GstBuffer * buffer)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  guint rate = g_atomic_int_get (&self->selection_rate);
  GstFlowReturn ret;

  /* Selection first: a dropped frame costs nothing but this. */
  if (self->frame_index++ % rate != 0) {
    gst_buffer_unref (buffer);
    gst_umat_convert_count (self, 0, 1);
    return GST_FLOW_OK;
  }
  if (G_UNLIKELY (!gst_umat_convert_buffer_fits (self, buffer))) {
    gst_buffer_unref (buffer);
    gst_umat_convert_count (self, 0, 1);
    return GST_FLOW_OK;
  }
  if (rate > 1 && GST_BUFFER_DURATION_IS_VALID (buffer)) {
    buffer = gst_buffer_make_writable (buffer);
    GST_BUFFER_DURATION (buffer) *= rate;
  }

  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->submit_input_buffer (trans,
      is_discont, buffer);
  if (ret == GST_BASE_TRANSFORM_FLOW_DROPPED)
    gst_umat_convert_count (self, 0, 1);        /* late, dropped by QoS */
  return ret;
}

static GstFlowReturn
gst_umat_convert_generate_output (GstBaseTransform * trans, GstBuffer ** outbuf)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstFlowReturn ret;

  if (trans->queued_buf != NULL && !gst_umat_convert_follow_chain (self)) {
    gst_buffer_replace (&trans->queued_buf, NULL);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->generate_output (trans,
      outbuf);
  if (ret == GST_FLOW_OK && *outbuf != NULL)
    gst_umat_convert_count (self, 1, 0);
  return ret;
}

static guint
gst_umat_convert_get_queue_size (GstUmatConvert * self)
{
  guint queue_size;

  GST_OBJECT_LOCK (self);
  queue_size = self->queue_size;
  GST_OBJECT_UNLOCK (self);
  return queue_size;
}

/* Whether the element converts on an OpenCL device now (not before start,
 * nor after a fallback to the CPU). */
static gboolean
gst_umat_convert_on_opencl (GstUmatConvert * self)
{
  return self->engine != NULL && umatcv_engine_uses_opencl (self->engine);
}

/* Builds the converter for `setting` on the given formats; posts the error. */
static gboolean
gst_umat_convert_build (GstUmatConvert * self, ChainSetting * setting,
    const GstVideoInfo * in_info, const GstVideoInfo * out_info)
{
  UmatcvChain *route = NULL;
  const UmatcvChain *chain;
  UmatcvColorimetry in_colorimetry, out_colorimetry;
  UmatcvStatus status;
  gchar error[512] = "";
  guint pool_size = gst_umat_convert_get_queue_size (self);

  gst_umat_convert_drop_converter (self);
  if (setting->info) {
    chain = setting->info->chain;
  } else {
    status = umatcv_chain_route (self->in_layout, self->out_layout, &route);
    if (status != UMATCV_OK) {
      g_strlcpy (error, umatcv_status_name (status), sizeof (error));
      goto failed;
    }
    chain = route;
  }
  in_colorimetry = colorimetry_of (in_info);
  out_colorimetry = colorimetry_of (out_info);
  status = umatcv_converter_new_full (self->engine, chain, self->in_layout,
      self->out_layout, GST_VIDEO_INFO_WIDTH (in_info),
      GST_VIDEO_INFO_HEIGHT (in_info), pool_size, &in_colorimetry,
      &out_colorimetry, TRUE, &self->converter, error, sizeof (error));
  umatcv_chain_free (route);
  if (status != UMATCV_OK)
    goto failed;

  self->converter_chain = g_atomic_rc_box_acquire (setting);
  GST_OBJECT_LOCK (self);
  self->fused = umatcv_converter_is_fused (self->converter);
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "converting %s to %s at %dx%d with %s chain, pool "
      "of %u%s", umatcv_layout_name (self->in_layout),
      umatcv_layout_name (self->out_layout), GST_VIDEO_INFO_WIDTH (in_info),
      GST_VIDEO_INFO_HEIGHT (in_info), setting->info ? setting->text : "auto",
      pool_size, umatcv_converter_is_fused (self->converter) ? ", fused" : "");
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Cannot convert %s to %s at %dx%d: %s",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info)),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (out_info)),
            GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info),
            error), ("chain \"%s\"", setting->text));
    return FALSE;
  }
}

/* Makes `setting` run on the given formats: passthrough, in place or not. */
static gboolean
gst_umat_convert_configure (GstUmatConvert * self, ChainSetting * setting,
    const GstVideoInfo * in_info, const GstVideoInfo * out_info)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  gboolean passthrough;

  passthrough = setting->info == NULL
      && GST_VIDEO_INFO_FORMAT (in_info) == GST_VIDEO_INFO_FORMAT (out_info);
  gst_base_transform_set_passthrough (trans, passthrough);
  /* In place only when the format stays: a buffer's GstVideoMeta belongs
   * to upstream's pool, and relabelling it (BGR to RGB in the same bytes)
   * breaks upstream when the buffer comes back to it. */
  gst_base_transform_set_in_place (trans,
      GST_VIDEO_INFO_FORMAT (in_info) == GST_VIDEO_INFO_FORMAT (out_info));

  if (passthrough) {
    gst_umat_convert_drop_converter (self);
    self->converter_chain = g_atomic_rc_box_acquire (setting);
  } else if (!gst_umat_convert_build (self, setting, in_info, out_info)) {
    return FALSE;
  }
  g_atomic_int_set (&self->refusal_posted, FALSE);
  self->stale_chain_warned = FALSE;
  return TRUE;
}

static gboolean
gst_umat_convert_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (filter);
  ChainSetting *setting = gst_umat_convert_get_chain (self);
  GstUmatConversion conv;
  gboolean ok;

  self->in_layout = gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT (in_info));
  self->out_layout =
      gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT (out_info));
  /* caps made for the previous chain, which changed since: keep it for
   * these caps; the new one renegotiates (set_chain asked for it) */
  gst_umat_conversion (setting->info, self->in_layout, self->out_layout, &conv);
  if (!conv.possible && self->converter_chain) {
    GstUmatConversion previous;
    gst_umat_conversion (self->converter_chain->info, self->in_layout,
        self->out_layout, &previous);
    if (previous.possible) {
      chain_setting_unref (setting);
      setting = g_atomic_rc_box_acquire (self->converter_chain);
    }
  }
  ok = gst_umat_convert_configure (self, setting, in_info, out_info);
  chain_setting_unref (setting);
  return ok;
}

/* A chain set while playing takes over here, before the next frame, when
 * the negotiated formats suit it; else new caps bring it in (set_info). */
static gboolean
gst_umat_convert_follow_chain (GstUmatConvert * self)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  ChainSetting *setting;
  gboolean ok = TRUE;

  if (G_LIKELY (g_atomic_pointer_get (&self->chain) == self->converter_chain))
    return TRUE;

  setting = gst_umat_convert_get_chain (self);
  if (setting->info && setting->info->problem) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("%s", setting->info->problem),
        ("chain \"%s\"", setting->text));
    ok = FALSE;
  } else if (chain_takes_current_caps (self, setting, TRUE)) {
    ok = gst_umat_convert_configure (self, setting, &filter->in_info,
        &filter->out_info);
  } else if (!self->stale_chain_warned) {
    /* frames already under way keep the old chain until new caps come */
    self->stale_chain_warned = TRUE;
    GST_INFO_OBJECT (self, "chain \"%s\" waits for new caps", setting->text);
  }
  chain_setting_unref (setting);
  return ok;
}

/* On OpenCL, offers upstream the bounded pool of pinned frames, so that a
 * decoder or a queue writes frames where the GPU reads them by DMA. */
static gboolean
gst_umat_convert_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstBufferPool *pool = NULL;
  GstCaps *caps;
  guint queue_size;

  if (gst_base_transform_is_passthrough (trans)
      || !gst_umat_convert_on_opencl (self))
    goto chain_up;
  gst_query_parse_allocation (query, &caps, NULL);
  if (caps == NULL || gst_query_get_n_allocation_pools (query) > 0)
    goto chain_up;

  queue_size = gst_umat_convert_get_queue_size (self);
  pool = gst_umat_pool_new (self->engine, queue_size);
  if (pool && gst_umat_pool_configure (pool, caps, 0)) {
    GstStructure *config = gst_buffer_pool_get_config (pool);
    guint size;

    gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL);
    gst_structure_free (config);
    gst_query_add_allocation_pool (query, pool, size, 0, queue_size);
    GST_DEBUG_OBJECT (self, "offering %u pinned frames of %u bytes upstream",
        queue_size, size);
  }
  gst_clear_object (&pool);

chain_up:
  /* GstVideoFilter adds GstVideoMeta, and a pool only if there is none */
  return GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans,
      decide_query, query);
}

/* On OpenCL, downloads go into pinned frames too: the element's own pool
 * replaces a plain system-memory pool (or none) from downstream. A pool of
 * special memory (a hardware encoder's) is kept. This pool has no bound of
 * its own: how many frames downstream holds (an appsink's queue) is
 * downstream's business, and a bound would stall it. */
static gboolean
gst_umat_convert_decide_allocation (GstBaseTransform * trans, GstQuery * query)
{
  GstUmatConvert *self = GST_UMAT_CONVERT (trans);
  GstBufferPool *theirs = NULL, *pool;
  GstCaps *caps;
  guint size = 0, min = 0, max = 0;
  gboolean plain;

  gst_query_parse_allocation (query, &caps, NULL);
  if (!gst_umat_convert_on_opencl (self) || caps == NULL)
    goto chain_up;

  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &theirs, &size, &min, &max);
  plain = theirs == NULL || G_OBJECT_TYPE (theirs) == GST_TYPE_BUFFER_POOL
      || G_OBJECT_TYPE (theirs) == GST_TYPE_VIDEO_BUFFER_POOL;
  gst_clear_object (&theirs);
  if (!plain)
    goto chain_up;

  pool = gst_umat_pool_new (self->engine, 0);
  if (pool) {
    if (gst_query_get_n_allocation_pools (query) > 0)
      gst_query_set_nth_allocation_pool (query, 0, pool, size, min, 0);
    else
      gst_query_add_allocation_pool (query, pool, size, min, 0);
    gst_object_unref (pool);
  }

chain_up:
  return GST_BASE_TRANSFORM_CLASS (parent_class)->decide_allocation (trans,
      query);
}

static void
image_from_frame (UmatcvImage * image, UmatcvLayout layout,
    GstVideoFrame * frame)
{
  memset (image, 0, sizeof (*image));
  image->layout = layout;
  image->width = GST_VIDEO_FRAME_WIDTH (frame);
  image->height = GST_VIDEO_FRAME_HEIGHT (frame);
  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES (frame) && i < 3; i++) {
    image->planes[i] = GST_VIDEO_FRAME_PLANE_DATA (frame, i);
    /* a negative stride is refused by the library as too small */
    image->strides[i] = MAX (GST_VIDEO_FRAME_PLANE_STRIDE (frame, i), 0);
  }
}

/* OpenCL failed in the middle of a stream (a lost device, a driver
 * error): finish the stream on the CPU rather than lose it. */
static gboolean
gst_umat_convert_fall_back_to_cpu (GstUmatConvert * self, const gchar * why)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  ChainSetting *setting = g_atomic_rc_box_acquire (self->converter_chain);
  UmatcvEngine *cpu = NULL;
  gboolean ok = FALSE;

  GST_ELEMENT_WARNING (self, RESOURCE, FAILED,
      ("OpenCL failed on %s, converting on the CPU from now on: %s",
          umatcv_engine_backend (self->engine), why), (NULL));
  if (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu, NULL, 0) == UMATCV_OK) {
    gst_umat_convert_drop_converter (self);     /* before its engine */
    umatcv_engine_free (self->engine);
    self->engine = cpu;
    GST_OBJECT_LOCK (self);
    g_free (self->backend);
    self->backend = g_strdup (umatcv_engine_backend (cpu));
    GST_OBJECT_UNLOCK (self);
    ok = gst_umat_convert_build (self, setting, &filter->in_info,
        &filter->out_info);
  }
  chain_setting_unref (setting);
  return ok;
}

static GstFlowReturn
gst_umat_convert_process (GstUmatConvert * self, const UmatcvImage * in,
    const UmatcvImage * out)
{
  gchar error[512];
  UmatcvStatus status;

  if (G_UNLIKELY (self->converter == NULL))
    goto not_negotiated;
  status = umatcv_converter_process (self->converter, in, out, error,
      sizeof (error));
  /* OpenCL writes the output frame last (the download), so the input is
   * intact and the frame can be done again on the CPU */
  if (G_UNLIKELY (status != UMATCV_OK && status != UMATCV_ERROR_INVALID_ARGUMENT
          && gst_umat_convert_on_opencl (self))
      && gst_umat_convert_fall_back_to_cpu (self, error))
    status = umatcv_converter_process (self->converter, in, out, error,
        sizeof (error));
  if (G_UNLIKELY (status != UMATCV_OK))
    goto failed;
  return GST_FLOW_OK;

  /* ERRORS */
not_negotiated:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("no converter for the current caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
failed:
  {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Conversion failed on %s: %s", umatcv_engine_backend (self->engine),
            error), ("%s", umatcv_status_name (status)));
    return GST_FLOW_ERROR;
  }
}

/* A pinned frame of `info` to copy through, made on first use. */
static gboolean
gst_umat_convert_map_staging (GstUmatConvert * self, GstBuffer ** staging,
    const GstVideoInfo * info, GstVideoFrame * frame)
{
  if (*staging == NULL) {
    *staging = gst_umat_frame_new (self->engine, info);
    if (*staging == NULL)
      return FALSE;
  }
  if (!self->staging_logged) {
    self->staging_logged = TRUE;
    GST_INFO_OBJECT (self, "frames are not pinned memory: copying them "
        "through a pinned frame (use the pool umatconvert offers upstream)");
  }
  return gst_video_frame_map (frame, info, *staging, GST_MAP_READWRITE);
}

/* The OpenCL path: a frame that is not pinned goes through a pinned
 * staging frame, a memcpy on the CPU instead of a transfer from pageable
 * memory. In place when `out_frame` is `in_frame`. */
static GstFlowReturn
gst_umat_convert_process_frames (GstUmatConvert * self,
    GstVideoFrame * in_frame, GstVideoFrame * out_frame)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  GstVideoFrame in_stage, out_stage;
  GstVideoFrame *in = in_frame, *out = out_frame;
  gboolean in_place = in_frame == out_frame;
  UmatcvImage in_image, out_image;
  GstFlowReturn ret;

  if (gst_umat_convert_on_opencl (self)) {
    if (!gst_umat_buffer_is_pinned (in_frame->buffer)) {
      if (!gst_umat_convert_map_staging (self, &self->staging_in,
              &filter->in_info, &in_stage))
        goto no_staging;
      gst_video_frame_copy (&in_stage, in_frame);
      in = &in_stage;
      if (in_place)
        out = in;
    }
    if (!in_place && !gst_umat_buffer_is_pinned (out_frame->buffer)) {
      if (!gst_umat_convert_map_staging (self, &self->staging_out,
              &filter->out_info, &out_stage)) {
        if (in != in_frame)
          gst_video_frame_unmap (in);
        goto no_staging;
      }
      out = &out_stage;
    }
  }

  image_from_frame (&in_image, self->in_layout, in);
  image_from_frame (&out_image, self->out_layout, out);
  ret = gst_umat_convert_process (self, &in_image, &out_image);

  if (out != out_frame) {
    if (ret == GST_FLOW_OK)
      gst_video_frame_copy (out_frame, out);
    if (out != in)
      gst_video_frame_unmap (out);
  }
  if (in != in_frame)
    gst_video_frame_unmap (in);
  return ret;

  /* ERRORS */
no_staging:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Cannot allocate a pinned staging frame"), (NULL));
    return GST_FLOW_ERROR;
  }
}

static GstFlowReturn
gst_umat_convert_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * in_frame, GstVideoFrame * out_frame)
{
  return gst_umat_convert_process_frames (GST_UMAT_CONVERT (filter), in_frame,
      out_frame);
}

static GstFlowReturn
gst_umat_convert_transform_frame_ip (GstVideoFilter * filter,
    GstVideoFrame * frame)
{
  /* a chain from a format back to the same one, into the same bytes */
  return gst_umat_convert_process_frames (GST_UMAT_CONVERT (filter), frame,
      frame);
}
