/* umat-process: one pipeline from the input file to an output file, or
 * to a null sink.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   filesrc ! parsebin ! decodebin ! [videoconvert !] queue !
 *   umatconvert chain=... ! [umatconvert | videoconvert !] ENCODER !
 *   [h264parse !] [MUXER !] filesink
 *
 * or, without an output file (OUTPUT `-`),
 *
 *   filesrc ! parsebin ! decodebin ! [videoconvert !] queue !
 *   umatconvert chain=... ! fakesink sync=false
 *
 * where the frames end as they would in an application's appsink, and
 * what is measured is the decode and the chain alone; audio is dropped.
 *
 * parsebin demuxes and parses: the first video stream goes to decodebin,
 * audio goes to the muxer untouched. The converters in brackets are only
 * there when they must be, decided when the decoder's caps are known: a
 * videoconvert in front when umatconvert's sink pad does not accept what
 * the decoder gives, and after umatconvert a second umatconvert, else a
 * videoconvert, when the encoder takes none of the formats umatconvert can
 * give for that input.
 *
 * A worker for one range of the input (--jobs, --segment) seeks to it: a
 * flushing, accurate seek from the start of the range to the start of the
 * next, sent up from parsebin's video pad once the streams are exposed.
 * Until the seek has flushed the demuxer, a probe on that pad lets no data
 * through, so that nothing before the range reaches the decoder, let alone
 * the encoder or the muxer, which cannot take a flush once they have
 * started; the segment it then passes on is the range itself, so the
 * decoder keeps exactly the frames with start <= pts < stop.
 *
 * selection-rate keeps the frames whose index in the whole input is a
 * multiple of N; the element counts from the first frame it sees, so the
 * worker drops the range's first (N - first_frame % N) % N frames itself,
 * with a probe on the decoder's output, and the element's first frame is
 * then one to keep.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umat-process.h"

#include <gst/video/video.h>
#include <stdlib.h>
#include <string.h>

struct _Worker
{
  const Options *options;
  gchar *input;
  gchar *output;
  gboolean keep_audio;
  const Range *range;           /* NULL: the whole input */
  GstStructure *part;           /* what the output says of itself, or NULL */
  gchar *opencl_device;         /* NULL: the element's choice */
  gint gpu_index;               /* opencl_device as a GPU index, or -1 */
  WorkerDone done;
  gpointer user_data;

  GstElement *pipeline;
  GstElement *parsebin;
  GstElement *decodebin;
  GstElement *queue;
  GstElement *umat;             /* runs the chain */
  GstElement *encoder;          /* NULL: no output file */
  GstElement *null_sink;        /* the fakesink instead, or NULL */
  GstElement *video_path[7];    /* under lock: the decoded video's elements,
                                 * in order, up to the encoder (the null
                                 * sink); NULL-terminated */
  OutputEnd end;
  guint bus_watch;

  /* shared by the streaming threads and the main loop, under lock */
  GMutex lock;
  GstPad *video_pad;            /* parsebin's video pad, to seek on */
  guint seek_source;            /* the seek, still to be sent */
  guint32 seek_seqnum;
  gboolean seek_sent;
  gboolean gate_open;           /* the range's data flows */
  GstSegment natural;           /* the demuxer's segment before the seek */
  gboolean have_natural;
  gboolean cancelled;           /* interrupted before it did */
  guint64 skip;                 /* frames still to drop for selection */
  guint64 skipped;
  gboolean stopping;            /* interrupted: the source is at its end */
  gboolean cut;                 /* the decoded frames stopped being whole */
  GstClockTime last_pts;        /* of the last decoded frame let through */
  gboolean have_video;          /* parsebin's video stream is taken */
  gboolean checked_video;       /* the check that there is one is done */
  gboolean have_decoded;        /* decodebin's video is linked */

  /* main loop only */
  GstClockTime duration;
  gchar *error;
  gboolean sink_failed;
  gboolean ended;
  gboolean interrupted;

  /* written by the probe on the encoder's output (umatconvert's, without
   * an encoder), under lock */
  GstSegment encoded_segment;
  GstClockTime encoded_end;     /* running maximum of pts + duration */
  gboolean encoded_any;
};

static void
worker_set_error (Worker * w, gchar * text)
{
  if (w->error == NULL)
    w->error = text;
  else
    g_free (text);
}

/* An error found in a streaming thread, sent to the main loop through the
 * bus like GStreamer's own. */
static void
worker_post_error (Worker * w, gchar * text)
{
  GstStructure *s = gst_structure_new ("umat-process-error",
      "text", G_TYPE_STRING, text, NULL);

  g_free (text);
  gst_element_post_message (w->pipeline,
      gst_message_new_application (GST_OBJECT (w->pipeline), s));
}

/* ---- GPU contexts shared by the workers ------------------------------- */

/* Each worker is a pipeline of its own, and GStreamer shares a decoder's
 * CUDA context only within a pipeline: without this every worker's NVDEC
 * decoder made a CUDA context of its own, and the GPU time-slices between
 * contexts. A decoder that finds none posts NEED_CONTEXT, makes one and
 * posts HAVE_CONTEXT; the first of each device is kept here and handed to
 * the decoders of the other workers (a decoder takes only its device's).
 * umatconvert's OpenCL contexts are shared through OpenCV already. */
static GMutex shared_lock;
static GPtrArray *shared_contexts;

static GstBusSyncReply
share_gpu_contexts (GstBus * bus, GstMessage * msg, gpointer unused)
{
  GstContext *context;
  const gchar *type;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_HAVE_CONTEXT) {
    gboolean known = FALSE;
    guint device, other;

    gst_message_parse_have_context (msg, &context);
    type = gst_context_get_context_type (context);
    if (g_str_has_prefix (type, "gst.cuda.")
        && gst_structure_get_uint (gst_context_get_structure (context),
            "cuda-device-id", &device)) {
      g_mutex_lock (&shared_lock);
      if (shared_contexts == NULL)
        shared_contexts = g_ptr_array_new_with_free_func ((GDestroyNotify)
            gst_context_unref);
      for (guint i = 0; i < shared_contexts->len; i++) {
        GstContext *c = g_ptr_array_index (shared_contexts, i);
        known |= g_str_equal (gst_context_get_context_type (c), type)
            && gst_structure_get_uint (gst_context_get_structure (c),
            "cuda-device-id", &other) && other == device;
      }
      if (!known)
        g_ptr_array_add (shared_contexts, gst_context_ref (context));
      g_mutex_unlock (&shared_lock);
    }
    gst_context_unref (context);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_NEED_CONTEXT
      && gst_message_parse_context_type (msg, &type)) {
    g_mutex_lock (&shared_lock);
    for (guint i = 0; shared_contexts && i < shared_contexts->len; i++) {
      context = g_ptr_array_index (shared_contexts, i);
      if (g_str_equal (gst_context_get_context_type (context), type))
        gst_element_set_context (GST_ELEMENT (GST_MESSAGE_SRC (msg)),
            context);
    }
    g_mutex_unlock (&shared_lock);
  }
  return GST_BUS_PASS;
}

/* ---- the decoder on the worker's GPU ----------------------------------- */

/* decodebin's autoplug-select answers (GstAutoplugSelectResult, which
 * GStreamer does not install as a header) */
enum
{
  AUTOPLUG_TRY = 0,
  AUTOPLUG_SKIP = 2
};

/* With --devices naming GPUs by index, a worker decodes on its GPU too:
 * nvcodec registers its decoders for CUDA device 0 as nvh264dec,
 * nvh265dec, ... and for device N as nvh264deviceNdec, ...; the worker
 * for GPU N keeps those and skips the others (CUDA device N taken to be
 * OpenCL GPU N, as NVIDIA's drivers number them). Decoders of other
 * plugins are left to decodebin. */
static gboolean
is_gpu_decoder (GstElementFactory * factory, gint gpu_index, gboolean * ours)
{
  const gchar *name = gst_plugin_feature_get_name (factory);
  gchar *suffix;

  if (g_strcmp0 (gst_plugin_feature_get_plugin_name (GST_PLUGIN_FEATURE
              (factory)), "nvcodec") != 0 || !g_str_has_suffix (name, "dec"))
    return FALSE;
  if (gpu_index == 0) {
    *ours = strstr (name, "device") == NULL;
  } else {
    suffix = g_strdup_printf ("device%ddec", gpu_index);
    *ours = g_str_has_suffix (name, suffix);
    g_free (suffix);
  }
  return TRUE;
}

/* Where the worker puts a decoder in decodebin's list: its own GPU's NVDEC
 * decoders first (PLACE_FIRST), other GPUs' not at all (PLACE_SKIP), the
 * rest in decodebin's order (PLACE_AFTER). A worker on no GPU index keeps
 * decodebin's order. */
typedef enum
{
  PLACE_SKIP,
  PLACE_FIRST,
  PLACE_AFTER
} DecoderPlace;

static DecoderPlace
decoder_place (GstElementFactory * factory, gint gpu_index)
{
  gboolean ours;

  if (gpu_index < 0 || !is_gpu_decoder (factory, gpu_index, &ours))
    return PLACE_AFTER;
  return ours ? PLACE_FIRST : PLACE_SKIP;
}

gint
worker_gpu_index (const gchar * opencl_device)
{
  if (opencl_device != NULL && *opencl_device != '\0'
      && strspn (opencl_device, "0123456789") == strlen (opencl_device))
    return atoi (opencl_device);
  return -1;
}

/* ---- plugins, loaded before they are needed ---------------------------- */

/* GStreamer loads one plugin at a time, and a plugin whose loading takes
 * seconds holds up every element of a plugin not yet loaded: nvcodec's
 * loading probes every GPU, for its decoders and for NVENC encoders, which
 * takes over a second per GPU. While the keyframes are read, that plugin
 * is loaded on a thread, after the plugins of everything else a worker
 * makes, so the scan and the workers' start (umatconvert's OpenCL set-up)
 * go on at the same time and only the decoder waits for it. */

static GMutex loader_lock;
static GThread *decoder_loader;  /* under loader_lock */

static gpointer
load_plugin_of (GstPluginFeature * factory)
{
  GstPluginFeature *loaded = gst_plugin_feature_load (factory);

  if (loaded != NULL)
    gst_object_unref (loaded);
  gst_object_unref (factory);
  return NULL;
}

/* Before a worker's decodebin makes any element, and before exit() tears
 * down what the loader uses. A plugin's elements can be made while its
 * plugin_init still runs: GStreamer marks each feature loaded as the
 * plugin registers it, and nvcodec registers its decoders long before it
 * sets up its CUDA allocator, at the end; a decoder made in between fails
 * ("Failed to configure the buffer pool"). */
static void
wait_for_decoder_loader (void)
{
  g_mutex_lock (&loader_lock);
  if (decoder_loader != NULL)
    g_thread_join (decoder_loader);
  decoder_loader = NULL;
  g_mutex_unlock (&loader_lock);
}

static void
load_factory (const gchar * name)
{
  GstElementFactory *factory;

  if (name != NULL && (factory = gst_element_factory_find (name)) != NULL)
    load_plugin_of (GST_PLUGIN_FEATURE (factory));
}

void
worker_load_plugins (const Options * options, const Container * container)
{
  /* what worker_new and its streams make, but the decoder (parsebin may
   * plug an audio parser after the video's: the common ones) */
  static const gchar *const names[] = { "filesrc", "parsebin", "decodebin",
    "queue", "umatconvert", "fakesink", "capsfilter", "videoconvert",
    "h264parse", "filesink", "aacparse", "opusparse", NULL
  };
  guint i;

  for (i = 0; names[i] != NULL; i++)
    load_factory (names[i]);
  load_factory (options->encoder_name);
  if (container != NULL)
    load_factory (container->factory);
}

/* The decoder a worker on `opencl_device` tries first for video of this
 * kind (`caps`' name: decodebin puts a parser between to give a decoder
 * the stream format it takes): decodebin's order, by rank and then name,
 * placed as the worker places it. */
static GstElementFactory *
first_decoder (const GstCaps * caps, const gchar * opencl_device)
{
  GstCaps *kind = gst_caps_new_empty_simple (gst_structure_get_name
      (gst_caps_get_structure (caps, 0)));
  GList *all = gst_element_factory_list_get_elements
      (GST_ELEMENT_FACTORY_TYPE_DECODER, GST_RANK_MARGINAL);
  GList *fit = gst_element_factory_list_filter (all, kind, GST_PAD_SINK,
      FALSE);
  gint gpu_index = worker_gpu_index (opencl_device);
  GstElementFactory *found[PLACE_AFTER + 1] = { NULL, };
  GstElementFactory *first;
  GList *l;

  fit = g_list_sort (fit, (GCompareFunc) gst_plugin_feature_rank_compare_func);
  for (l = fit; l != NULL; l = l->next) {
    DecoderPlace place = decoder_place (l->data, gpu_index);

    if (found[place] == NULL)
      found[place] = l->data;
  }
  first = found[PLACE_FIRST] ? found[PLACE_FIRST] : found[PLACE_AFTER];
  if (first != NULL)
    gst_object_ref (first);
  gst_plugin_feature_list_free (fit);
  gst_plugin_feature_list_free (all);
  gst_caps_unref (kind);
  return first;
}

gchar *
worker_load_decoder_ahead (const GstCaps * caps, const gchar * opencl_device)
{
  GstElementFactory *factory = first_decoder (caps, opencl_device);
  GstPlugin *plugin = factory ? gst_plugin_feature_get_plugin
      (GST_PLUGIN_FEATURE (factory)) : NULL;
  gchar *what = NULL;

  g_mutex_lock (&loader_lock);
  if (plugin != NULL && !gst_plugin_is_loaded (plugin)
      && decoder_loader == NULL) {
    decoder_loader = g_thread_new ("load-decoder",
        (GThreadFunc) load_plugin_of, gst_object_ref (factory));
    what = g_strdup_printf ("%s (%s's plugin)", gst_plugin_get_name (plugin),
        gst_plugin_feature_get_name (factory));
    atexit (wait_for_decoder_loader);
  }
  g_mutex_unlock (&loader_lock);
  if (plugin != NULL)
    gst_object_unref (plugin);
  if (factory != NULL)
    gst_object_unref (factory);
  return what;
}

gboolean
worker_nvdec_registered (void)
{
  GList *features = gst_registry_get_feature_list_by_plugin
      (gst_registry_get (), nvdec_plugin ());
  gboolean found = FALSE;
  GList *l;

  for (l = features; l != NULL && !found; l = l->next)
    found = GST_IS_ELEMENT_FACTORY (l->data)
        && gst_element_factory_list_is_type (l->data,
        GST_ELEMENT_FACTORY_TYPE_DECODER);
  gst_plugin_feature_list_free (features);
  return found;
}

gchar *
worker_nvdec_decoder (const GstCaps * caps, const gchar * opencl_device)
{
  GstElementFactory *factory = first_decoder (caps, opencl_device);
  gchar *name = NULL;

  if (factory != NULL && g_strcmp0 (gst_plugin_feature_get_plugin_name
          (GST_PLUGIN_FEATURE (factory)), nvdec_plugin ()) == 0)
    name = g_strdup (gst_plugin_feature_get_name (factory));
  if (factory != NULL)
    gst_object_unref (factory);
  return name;
}

/* ---- what the worker's decodebin tries ---------------------------------- */

static gint
on_autoplug_select (GstElement * decodebin, GstPad * pad, GstCaps * caps,
    GstElementFactory * factory, Worker * w)
{
  wait_for_decoder_loader ();
  return decoder_place (factory, w->gpu_index) == PLACE_SKIP ?
      AUTOPLUG_SKIP : AUTOPLUG_TRY;
}

/* ...and tries them first: nvcodec ranks the decoders of devices other
 * than 0 below the software decoders (avdec_h264 is PRIMARY, as is
 * nvh264dec in GStreamer 1.22, where nvh264device1dec is one less), so
 * decodebin would otherwise decode GPU 1's ranges on the CPU. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static GValueArray *
on_autoplug_sort (GstElement * decodebin, GstPad * pad, GstCaps * caps,
    GValueArray * factories, Worker * w)
{
  GValueArray *sorted = g_value_array_new (factories->n_values);
  guint i, pass;

  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < factories->n_values; i++) {
      GValue *value = g_value_array_get_nth (factories, i);
      gboolean first = decoder_place (g_value_get_object (value),
          w->gpu_index) == PLACE_FIRST;

      if (first == (pass == 0))
        g_value_array_append (sorted, value);
    }
  return sorted;
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* ---- ranges ------------------------------------------------------------ */

/* The gate on parsebin's video pad: nothing before the seek's flush goes
 * on (the flush itself neither, for the elements downstream have nothing
 * to flush); the segment after it opens the gate. That segment, and any
 * the demuxer sends after it, goes on as the range itself, [start, stop)
 * in the timeline of the samples' pts, which the scan measured: demuxers
 * apply edit lists to the times of a seek but not to the pts (qtdemux
 * moves the segment of an ffmpeg MP4 with B-frames by their delay), or
 * start from an earlier keyframe and say so in a segment of their own
 * (matroskademux), and the decoder would clip the wrong frames. */
static GstPadProbeReturn
range_gate (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstPadProbeReturn ret = GST_PAD_PROBE_DROP;
  GstEvent *event;
  GstSegment segment;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    g_mutex_lock (&w->lock);
    ret = w->gate_open ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
    g_mutex_unlock (&w->lock);
    return ret;
  }
  event = GST_PAD_PROBE_INFO_EVENT (info);
  g_mutex_lock (&w->lock);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      /* only ours, before the gate opens */
      ret = w->gate_open ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
      break;
    case GST_EVENT_EOS:
    case GST_EVENT_GAP:
      ret = w->gate_open ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
      break;
    case GST_EVENT_SEGMENT:
      if (!w->have_natural) {
        gst_event_copy_segment (event, &w->natural);
        w->have_natural = TRUE;
      }
      /* the demuxer marks the segment of a seek with its seqnum */
      if (!w->gate_open && w->seek_sent && !w->cancelled
          && gst_event_get_seqnum (event) == w->seek_seqnum)
        w->gate_open = TRUE;
      if (w->gate_open) {
        /* the first range plays as the whole input would, to its stop: its
         * frames get the running times one pipeline gives them, and its
         * encoder (the one whose first frames the join keeps) does what
         * that pipeline's does */
        if (w->range->index == 0 && w->natural.format == GST_FORMAT_TIME) {
          segment = w->natural;
        } else {
          gst_segment_init (&segment, GST_FORMAT_TIME);
          segment.start = segment.time = segment.position = w->range->start;
        }
        segment.stop = w->range->stop;
        GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&segment);
        gst_event_set_seqnum (GST_PAD_PROBE_INFO_DATA (info),
            gst_event_get_seqnum (event));
        gst_event_unref (event);
      }
      ret = GST_PAD_PROBE_OK;
      break;
    default:
      ret = GST_PAD_PROBE_OK;
      break;
  }
  g_mutex_unlock (&w->lock);
  return ret;
}

/* In the main loop: the seek to the range, up from parsebin's video pad
 * (the muxer downstream does not pass seeks on). */
static gboolean
seek_range (Worker * w)
{
  const Range *r = w->range;
  GstEvent *seek;
  GstPad *pad;

  seek = gst_event_new_seek (1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH
      | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, r->start,
      GST_CLOCK_TIME_IS_VALID (r->stop) ? GST_SEEK_TYPE_SET :
      GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_IS_VALID (r->stop) ? r->stop : 0);
  g_mutex_lock (&w->lock);
  w->seek_source = 0;
  pad = gst_object_ref (w->video_pad);
  w->seek_seqnum = gst_event_get_seqnum (seek);
  w->seek_sent = TRUE;
  g_mutex_unlock (&w->lock);
  if (!gst_pad_send_event (pad, seek))
    worker_post_error (w, g_strdup_printf ("cannot seek in %s, so it cannot "
            "be cut into ranges: run it with --jobs 1", w->input));
  gst_object_unref (pad);
  return G_SOURCE_REMOVE;
}

/* On the decoder's output: drops the range's first frames that the
 * selection over the whole input does not keep. */
static GstPadProbeReturn
skip_frames (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;

  g_mutex_lock (&w->lock);
  if (w->skip > 0) {
    w->skip--;
    w->skipped++;
    ret = GST_PAD_PROBE_DROP;
  } else {
    ret = GST_PAD_PROBE_REMOVE;
  }
  g_mutex_unlock (&w->lock);
  return ret;
}

/* On the decoder's output, once the source was stopped mid-stream: the
 * decoder drains frames that it decoded ahead of the B-frames between
 * them, which will never come. Those after the gap go: the file ends on
 * frames that follow each other, as the input's did. (x264enc gives the
 * last of them times that MP4 cannot hold: qtdemux then leaves a frame
 * out.) */
static GstPadProbeReturn
keep_whole (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf), duration = GST_BUFFER_DURATION
      (buf);
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;

  g_mutex_lock (&w->lock);
  if (w->cut) {
    ret = GST_PAD_PROBE_DROP;
  } else if (w->stopping && GST_CLOCK_TIME_IS_VALID (pts)
      && GST_CLOCK_TIME_IS_VALID (duration)
      && GST_CLOCK_TIME_IS_VALID (w->last_pts)
      && pts > w->last_pts + duration * 3 / 2) {
    w->cut = TRUE;
    ret = GST_PAD_PROBE_DROP;
  } else if (GST_CLOCK_TIME_IS_VALID (pts)) {
    w->last_pts = pts;
  }
  g_mutex_unlock (&w->lock);
  return ret;
}

/* Writes what the part says of itself into the muxer's tags, which it
 * writes at the end. */
static void
write_part_info (Worker * w)
{
  gchar *text = gst_structure_to_string (w->part);
  GstTagList *tags = gst_tag_list_new (GST_TAG_COMMENT, text, NULL);

  gst_tag_setter_merge_tags (GST_TAG_SETTER (w->end.mux), tags,
      GST_TAG_MERGE_REPLACE);
  gst_tag_list_unref (tags);
  g_free (text);
}

/* On the encoder's input: the first frame's pts, in the timeline of the
 * input's samples (what the scan measured; not the stream time, which the
 * first range's segment counts from the demuxer's start), which a part
 * records so that the join can put its frames back at their times. */
static GstPadProbeReturn
first_frame (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (!GST_BUFFER_PTS_IS_VALID (buf))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&w->lock);
  gst_structure_set (w->part, "first-pts", G_TYPE_UINT64,
      GST_BUFFER_PTS (buf), NULL);
  write_part_info (w);
  g_mutex_unlock (&w->lock);
  return GST_PAD_PROBE_REMOVE;
}

/* On the encoder's output (under lock): the running time the muxer gets
 * for the first frame's pts. The join gives the frames of the whole the
 * running times one pipeline's muxer would get, from the part's times of
 * that frame on (the part's muxer wrote them moved, so that its first dts
 * is 0, and rounded to its timescale). */
static void
record_first_out (Worker * w, GstBuffer * buf)
{
  GstClockTime pts = 0;

  if (!GST_BUFFER_PTS_IS_VALID (buf)
      || gst_segment_to_running_time_full (&w->encoded_segment,
          GST_FORMAT_TIME, GST_BUFFER_PTS (buf), &pts) != 1)
    return;
  /* and how its segment maps it: muxers do not all go by running time
   * (matroskamux writes the time from the segment's start) */
  gst_structure_set (w->part, "first-out", G_TYPE_UINT64, pts,
      "first-out-position", G_TYPE_UINT64, GST_BUFFER_PTS (buf)
      - w->encoded_segment.start, "first-out-stream", G_TYPE_UINT64,
      gst_segment_to_stream_time (&w->encoded_segment, GST_FORMAT_TIME,
          GST_BUFFER_PTS (buf)), NULL);
  write_part_info (w);
}

/* ---- choosing the converters ------------------------------------------- */

/* What `element` (a converter, not linked upstream) can give for input
 * `caps`: asked of the element itself, through a capsfilter linked to its
 * sink pad for the question. */
static GstCaps *
output_for (GstElement * element, GstCaps * caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstPad *filter_src = gst_element_get_static_pad (filter, "src");
  GstPad *sink = gst_element_get_static_pad (element, "sink");
  GstPad *src = gst_element_get_static_pad (element, "src");
  GstCaps *out;

  gst_object_ref_sink (filter);
  g_object_set (filter, "caps", caps, NULL);
  /* the capsfilter is in no bin: no hierarchy check */
  gst_pad_link_full (filter_src, sink, GST_PAD_LINK_CHECK_NOTHING);
  out = gst_pad_query_caps (src, NULL);
  gst_pad_unlink (filter_src, sink);

  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (filter_src);
  gst_object_unref (filter);
  return out;
}

/* `caps` without their format (and what goes with it): what videoconvert
 * can make of them. */
static GstCaps *
any_format (GstCaps * caps)
{
  GstCaps *out = gst_caps_copy (caps);
  guint i;

  for (i = 0; i < gst_caps_get_size (out); i++)
    gst_structure_remove_fields (gst_caps_get_structure (out, i), "format",
        "colorimetry", "chroma-site", NULL);
  return out;
}

static GstElement *
make_videoconvert (Worker * w)
{
  GstElement *convert = make_element ("videoconvert", NULL);

  g_object_set (convert, "n-threads", w->options->convert_threads, NULL);
  return convert;
}

static GstElement *
make_umatconvert (Worker * w, const gchar * name)
{
  GstElement *umat = make_element ("umatconvert", name);

  g_object_set (umat, "queue-size", w->options->queue_size, NULL);
  gst_util_set_object_arg (G_OBJECT (umat), "device", w->options->device);
  if (w->opencl_device != NULL)
    g_object_set (umat, "opencl-device", w->opencl_device, NULL);
  return umat;
}

/* Whether a chroma plane of `format` is subsampled across (width) or down
 * (height). */
static gboolean
subsampled (const gchar * format, gboolean across)
{
  const GstVideoFormatInfo *info =
      gst_video_format_get_info (gst_video_format_from_string (format));

  if (info == NULL || GST_VIDEO_FORMAT_INFO_N_COMPONENTS (info) < 3)
    return FALSE;
  return across ? info->w_sub[1] > 0 : info->h_sub[1] > 0;
}

/* Whether the encoder makes H.264 or H.265. */
static gboolean
encodes_h26x (Worker * w)
{
  GstPad *src = gst_element_get_static_pad (w->encoder, "src");
  GstCaps *makes = gst_pad_query_caps (src, NULL);
  GstCaps *h26x = gst_caps_from_string ("video/x-h264; video/x-h265");
  gboolean yes = gst_caps_can_intersect (makes, h26x);

  gst_caps_unref (h26x);
  gst_caps_unref (makes);
  gst_object_unref (src);
  return yes;
}

/* H.264 and H.265 crop in whole chroma samples: an odd width needs 4:4:4,
 * an odd height 4:4:4 or 4:2:2. Their encoders take 4:2:0 at any size in
 * their caps and then fail to start: this keeps only the formats of
 * `takes` that the codec can hold at width x height. */
static GstCaps *
formats_for_size (GstCaps * takes, gint width, gint height)
{
  GstCaps *out = gst_caps_new_empty ();
  guint i, j;

  for (i = 0; i < gst_caps_get_size (takes); i++) {
    GstStructure *s = gst_caps_get_structure (takes, i);
    const GValue *formats = gst_structure_get_value (s, "format");
    GValue kept = G_VALUE_INIT;

    if (formats == NULL)
      continue;
    g_value_init (&kept, GST_TYPE_LIST);
    for (j = 0; j < (GST_VALUE_HOLDS_LIST (formats) ?
            gst_value_list_get_size (formats) : 1); j++) {
      const GValue *format = GST_VALUE_HOLDS_LIST (formats) ?
          gst_value_list_get_value (formats, j) : formats;

      if (G_VALUE_HOLDS_STRING (format)
          && !(width % 2 && subsampled (g_value_get_string (format), TRUE))
          && !(height % 2 && subsampled (g_value_get_string (format), FALSE)))
        gst_value_list_append_value (&kept, format);
    }
    if (gst_value_list_get_size (&kept) > 0) {
      s = gst_structure_copy (s);
      gst_structure_take_value (s, "format", &kept);
      gst_caps_append_structure (out, s);
    } else {
      g_value_unset (&kept);
    }
  }
  return out;
}

/* What goes between umatconvert (given `input`) and the encoder: a
 * converter where the encoder takes none of what umatconvert gives (a
 * second umatconvert, else videoconvert), and a capsfilter where the size
 * rules some of the encoder's formats out. Either may be NULL; FALSE with
 * *error where the encoder can take the video in no format. */
static gboolean
choose_encoder_input (Worker * w, GstCaps * input, GstElement ** converter,
    GstElement ** filter, gchar ** error)
{
  GstPad *encoder_sink = gst_element_get_static_pad (w->encoder, "sink");
  GstCaps *takes = gst_pad_query_caps (encoder_sink, NULL);
  GstCaps *gives = output_for (w->umat, input);
  GstCaps *second = NULL, *any = NULL;
  GstStructure *s = gst_caps_get_structure (input, 0);
  const gchar *encoder = w->options->encoder_name;
  gchar *gives_text = describe_video_caps (gives);
  gint width = 0, height = 0;
  gboolean ok = TRUE;

  *converter = *filter = NULL;
  gst_object_unref (encoder_sink);
  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  if ((width % 2 || height % 2) && encodes_h26x (w)) {
    GstCaps *fit = formats_for_size (takes, width, height);

    if (gst_caps_is_empty (fit)) {
      *error = g_strdup_printf ("%s cannot take %dx%d video: at an odd %s "
          "H.264 and H.265 need 4:4:4%s, and %s takes none", encoder, width,
          height, width % 2 ? "width" : "height", width % 2 ? "" :
          " or 4:2:2", encoder);
      gst_caps_unref (fit);
      ok = FALSE;
      goto done;
    }
    note (w->options, "%dx%d has an odd %s: %s gets a format it can "
        "encode at that size (%s)", width, height, width % 2 ? "width" :
        "height", encoder, width % 2 ? "4:4:4" : "4:4:4 or 4:2:2");
    gst_caps_unref (takes);
    takes = fit;
    *filter = make_element ("capsfilter", NULL);
    g_object_set (*filter, "caps", takes, NULL);
  }

  if (gst_caps_can_intersect (gives, takes))
    goto done;

  *converter = make_umatconvert (w, NULL);
  second = output_for (*converter, gives);
  if (gst_caps_can_intersect (second, takes)) {
    note (w->options, "%s takes none of what umatconvert gives here (%s): "
        "a second umatconvert converts for it", encoder, gives_text);
    goto done;
  }
  gst_object_unref (gst_object_ref_sink (*converter));

  *converter = make_videoconvert (w);
  any = any_format (gives);
  if (gst_caps_can_intersect (any, takes)) {
    note (w->options, "%s takes none of what umatconvert gives here (%s), "
        "nor what a second umatconvert makes of it: videoconvert converts "
        "for it", encoder, gives_text);
    goto done;
  }
  gst_object_unref (gst_object_ref_sink (*converter));
  *converter = NULL;
  *error = g_strdup_printf ("%s cannot take %dx%d video in any format",
      encoder, width, height);
  ok = FALSE;

done:
  if (!ok && *filter) {
    gst_object_unref (gst_object_ref_sink (*filter));
    *filter = NULL;
  }
  g_free (gives_text);
  if (any)
    gst_caps_unref (any);
  if (second)
    gst_caps_unref (second);
  gst_caps_unref (gives);
  gst_caps_unref (takes);
  return ok;
}

/* Links `src` to `element`'s sink pad. Caps are not checked here: where
 * they cannot agree, negotiation fails and the element that refuses says
 * why, which is the message worth showing. */
static gboolean
link_pad (GstPad * src, GstElement * element)
{
  GstPad *sink = gst_element_get_static_pad (element, "sink");
  gboolean ok = gst_pad_link_full (src, sink, GST_PAD_LINK_CHECK_HIERARCHY)
      == GST_PAD_LINK_OK;

  gst_object_unref (sink);
  return ok;
}

static gboolean
link_elements (GstElement * element, GstElement * next)
{
  GstPad *src = gst_element_get_static_pad (element, "src");
  gboolean ok = link_pad (src, next);

  gst_object_unref (src);
  return ok;
}

/* Links `src` through `first` and `second` (either may be NULL, both new)
 * to `next`, adding them to the pipeline and starting them. */
static gboolean
link_converters (Worker * w, GstPad * src, GstElement * first,
    GstElement * second, GstElement * next)
{
  GstElement *chain[3];
  guint n = 0, i;
  gboolean ok;

  if (first)
    chain[n++] = first;
  if (second)
    chain[n++] = second;
  for (i = 0; i < n; i++)
    gst_bin_add (GST_BIN (w->pipeline), chain[i]);
  chain[n] = next;
  ok = link_pad (src, chain[0]);
  for (i = 0; ok && i < n; i++)
    ok = link_elements (chain[i], chain[i + 1]);
  for (i = n; i > 0; i--)
    gst_element_sync_state_with_parent (chain[i - 1]);
  return ok;
}

/* A part's frames keep their times as finely as an MP4 allows, so that
 * the join gives the muxer of the whole the times a single pipeline would
 * (in units of 1/(2^31 / the range's seconds) s, at most a nanosecond:
 * 84 ns for a 3-minute range, 0.84 us for half an hour): qtmux and qtdemux
 * count a track's duration in 31 bits of its timescale. Without this the
 * part's muxer picks a timescale from the framerate, which for kept frames
 * (30/7 fps) rounds them by milliseconds. */
static void
set_part_timescale (Worker * w)
{
  /* a second more than the range: the encoder's delay may shift it */
  gdouble seconds = (gdouble) (w->range->end - w->range->start) / GST_SECOND
      + 1;
  guint timescale = MIN (GST_SECOND, G_MAXINT32 / seconds);

  /* the movie's too: in milliseconds, its edit list would end the track
   * before the end of a last frame that does not end on a millisecond, and
   * qtdemux would leave that frame out */
  g_object_set (w->end.mux, "trak-timescale", timescale, "movie-timescale",
      timescale, NULL);
}

/* Where umatconvert's frames go: the encoder, or the null sink. */
static GstElement *
video_end (Worker * w)
{
  return w->encoder ? w->encoder : w->null_sink;
}

/* For --verbose notes: the worker's range (0 for the whole input), and the
 * seconds since the work started. */
static gint
range_index (Worker * w)
{
  return w->range ? (gint) w->range->index : 0;
}

static gdouble
since_start (Worker * w)
{
  return (g_get_monotonic_time () - w->options->start_us) / 1e6;
}

/* Which decoder decodebin chose, and (note_first_frame) what memory
 * umatconvert's frames come in: the first things to know when a GPU stays
 * idle. */
static void
note_decoder (Worker * w, GstPad * pad)
{
  GstPad *target = gst_object_ref (pad), *next;
  GstElement *decoder;
  GstElementFactory *factory;

  while (GST_IS_GHOST_PAD (target)
      && (next = gst_ghost_pad_get_target (GST_GHOST_PAD (target)))) {
    gst_object_unref (target);
    target = next;
  }
  decoder = gst_pad_get_parent_element (target);
  factory = decoder ? gst_element_get_factory (decoder) : NULL;
  note (w->options, "decoding with %s", factory ?
      gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)) :
      "an unknown decoder");
  if (decoder)
    gst_object_unref (decoder);
  gst_object_unref (target);
}

static GstPadProbeReturn
note_first_frame (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstCapsFeatures *features = caps ? gst_caps_get_features (caps, 0) : NULL;
  gchar *memory = features ? gst_caps_features_to_string (features) : NULL;

  note (w->options, "range %d: first frame into umatconvert after %.2f s, "
      "in %s", range_index (w), since_start (w),
      memory ? memory : "memory not known");
  g_free (memory);
  if (caps)
    gst_caps_unref (caps);
  return GST_PAD_PROBE_REMOVE;
}

/* decodebin's raw video: decide the converters and link. */
static void
on_decoded_pad (GstElement * decodebin, GstPad * pad, Worker * w)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstPad *umat_sink = gst_element_get_static_pad (w->umat, "sink");
  GstPad *umat_src = gst_element_get_static_pad (w->umat, "src");
  GstElement *front = NULL, *back = NULL, *filter = NULL;
  GstCaps *input;
  gchar *error = NULL;
  gboolean take;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  g_mutex_lock (&w->lock);
  take = !w->have_decoded && g_str_has_prefix (gst_structure_get_name
      (gst_caps_get_structure (caps, 0)), "video/");
  w->have_decoded = w->have_decoded || take;
  g_mutex_unlock (&w->lock);
  if (!take) {
    discard_stream (GST_BIN (w->pipeline), pad);
    goto out;
  }

  if (w->options->verbose) {
    note_decoder (w, pad);
    gst_pad_add_probe (umat_sink, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) note_first_frame, w, NULL);
  }
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) keep_whole, w, NULL);
  if (w->skip > 0)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) skip_frames, w, NULL);

  if (gst_pad_query_accept_caps (umat_sink, caps)) {
    input = gst_caps_ref (caps);
  } else {
    GstCaps *takes = gst_pad_query_caps (umat_sink, NULL);
    GstCaps *size = any_format (caps);
    gchar *text = describe_video_caps (caps);

    note (w->options, "the decoder gives %s, which umatconvert cannot take: "
        "videoconvert converts it first", text);
    g_free (text);
    front = make_videoconvert (w);
    input = gst_caps_intersect (takes, size);
    gst_caps_unref (size);
    gst_caps_unref (takes);
  }
  /* umatconvert takes nothing here (a chain that cannot work): link as it
   * is, and let the element say why when the caps reach it; the null sink
   * takes whatever umatconvert gives */
  if (!gst_caps_is_empty (input) && w->encoder != NULL
      && !choose_encoder_input (w, input, &back, &filter, &error)) {
    gst_caps_unref (input);
    worker_post_error (w, error);
    goto out;
  }
  gst_caps_unref (input);

  {
    GstElement *path[] = { front, w->queue, w->umat, back, filter,
      video_end (w)
    };
    guint i, n = 0;

    g_mutex_lock (&w->lock);
    for (i = 0; i < G_N_ELEMENTS (path); i++)
      if (path[i] != NULL)
        w->video_path[n++] = path[i];
    g_mutex_unlock (&w->lock);
  }
  if (!link_converters (w, umat_src, back, filter, video_end (w))
      || !link_elements (w->queue, w->umat)
      || !link_converters (w, pad, front, NULL, w->queue)) {
    worker_post_error (w, g_strdup_printf ("the decoded video does not link "
            "to umatconvert and %s", w->encoder ? "the encoder" :
            "the null sink"));
    goto out;
  }

out:
  gst_object_unref (umat_src);
  gst_object_unref (umat_sink);
  gst_caps_unref (caps);
}

/* parsebin exposes all the streams it found before data flows through
 * any of them (it has no no-more-pads): once something comes out of a
 * stream that is not the video, a video stream would be there by now. */
static GstPadProbeReturn
check_video (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  gboolean report;

  if ((info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
      && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&w->lock);
  report = !w->have_video && !w->checked_video;
  w->checked_video = TRUE;
  g_mutex_unlock (&w->lock);
  if (report)
    worker_post_error (w, g_strdup_printf ("%s has no video stream "
            "GStreamer can decode", w->input));
  return GST_PAD_PROBE_REMOVE;
}

/* parsebin's streams: the first video to the decoder, audio to the muxer
 * (to a fakesink without one). */
static void
on_parsed_pad (GstElement * parsebin, GstPad * pad, Worker * w)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gboolean take;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  g_mutex_lock (&w->lock);
  take = !w->have_video && g_str_has_prefix (gst_structure_get_name
      (gst_caps_get_structure (caps, 0)), "video/");
  w->have_video = w->have_video || take;
  g_mutex_unlock (&w->lock);
  gst_caps_unref (caps);

  if (take) {
    GstPad *sink = gst_element_get_static_pad (w->decodebin, "sink");

    if (w->range != NULL) {
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER
          | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
          | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
          (GstPadProbeCallback) range_gate, w, NULL);
      /* a flushing seek from this streaming thread would wait for itself */
      g_mutex_lock (&w->lock);
      w->video_pad = gst_object_ref (pad);
      w->seek_source = g_idle_add ((GSourceFunc) seek_range, w);
      g_mutex_unlock (&w->lock);
    }
    if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
      worker_post_error (w, g_strdup ("the video stream does not link to "
              "decodebin"));
    gst_object_unref (sink);
  } else {
    GstPad *queued;

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER
        | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        (GstPadProbeCallback) check_video, w, NULL);
    queued = output_end_link_stream (w->options, &w->end,
        GST_BIN (w->pipeline), pad, w->keep_audio, w->input);
    if (queued)
      gst_object_unref (queued);
  }
}

/* ---- progress ---------------------------------------------------------- */

/* Progress is measured where the encoded frames leave the encoder, as
 * ffmpeg does: the encoder's own delay (x264's lookahead) is part of the
 * work still to do. Without an encoder, where the frames leave
 * umatconvert. */
static GstPadProbeReturn
on_encoded (GstPad * pad, GstPadProbeInfo * info, Worker * w)
{
  GstBuffer *buf;
  GstEvent *event;
  GstClockTime end;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    buf = GST_PAD_PROBE_INFO_BUFFER (info);
    g_mutex_lock (&w->lock);
    if (!w->encoded_any && w->part != NULL)
      record_first_out (w, buf);
    w->encoded_any = TRUE;
    if (GST_BUFFER_PTS_IS_VALID (buf)) {
      end = GST_BUFFER_PTS (buf);
      if (GST_BUFFER_DURATION_IS_VALID (buf))
        end += GST_BUFFER_DURATION (buf);
      end = gst_segment_to_stream_time (&w->encoded_segment, GST_FORMAT_TIME,
          end);
      if (GST_CLOCK_TIME_IS_VALID (end) && (!GST_CLOCK_TIME_IS_VALID
              (w->encoded_end) || end > w->encoded_end))
        w->encoded_end = end;
    }
    g_mutex_unlock (&w->lock);
  } else {
    event = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
      g_mutex_lock (&w->lock);
      gst_event_copy_segment (event, &w->encoded_segment);
      g_mutex_unlock (&w->lock);
    }
  }
  return GST_PAD_PROBE_OK;
}

void
worker_progress (Worker * w, GstClockTime * done, GstClockTime * total)
{
  GstClockTime start = w->range ? w->range->start : 0;
  GstPad *pad;
  gint64 value;

  if (!GST_CLOCK_TIME_IS_VALID (w->duration)) {
    if (w->range != NULL) {
      w->duration = w->range->end - w->range->start;
    } else {
      pad = gst_element_get_static_pad (w->decodebin, "sink");
      if (gst_pad_peer_query_duration (pad, GST_FORMAT_TIME, &value)
          && value > 0)
        w->duration = value;
      gst_object_unref (pad);
    }
  }
  *total = w->duration;

  g_mutex_lock (&w->lock);
  *done = w->encoded_end;
  g_mutex_unlock (&w->lock);
  if (GST_CLOCK_TIME_IS_VALID (*done))
    *done = *done > start ? *done - start : 0;
  if (w->ended && !w->interrupted && w->error == NULL
      && GST_CLOCK_TIME_IS_VALID (*total))
    *done = *total;
}

GstClockTime
worker_encoded_end (Worker * w)
{
  GstClockTime end;

  g_mutex_lock (&w->lock);
  end = w->encoded_end;
  g_mutex_unlock (&w->lock);
  return end;
}

void
worker_counts (Worker * w, guint64 * in, guint64 * out)
{
  guint64 processed, dropped, skipped;

  g_mutex_lock (&w->lock);
  skipped = w->skipped;
  g_mutex_unlock (&w->lock);
  g_object_get (w->umat, "frames-processed", &processed,
      "frames-dropped", &dropped, NULL);
  /* frames in = processed + dropped, dropped counting those this worker
   * dropped for the selection over the whole input */
  *in = processed + dropped + skipped;
  *out = processed;
}

/* ---- errors ------------------------------------------------------------ */

/* The caps offered to `element`'s sink pad: those it took, else those its
 * upstream neighbour last sent (kept on that src pad even when refused). */
static GstCaps *
offered_caps (GstElement * element)
{
  GstPad *sink = gst_element_get_static_pad (element, "sink");
  GstCaps *caps = gst_pad_get_current_caps (sink);
  GstPad *peer;

  if (caps == NULL && (peer = gst_pad_get_peer (sink)) != NULL) {
    caps = gst_pad_get_current_caps (peer);
    gst_object_unref (peer);
  }
  gst_object_unref (sink);
  return caps;
}

/* Where the decoded video stopped for want of caps both sides take: the
 * first element of its path that did not take what its neighbour offered.
 * NULL when that is not it. */
static gchar *
refused_caps (Worker * w)
{
  gchar *text = NULL;
  guint i;

  g_mutex_lock (&w->lock);
  for (i = 0; text == NULL && w->video_path[i] != NULL; i++) {
    GstPad *sink = gst_element_get_static_pad (w->video_path[i], "sink");
    GstCaps *taken = gst_pad_get_current_caps (sink);
    GstCaps *offered = taken ? NULL : offered_caps (w->video_path[i]);

    if (offered != NULL) {
      gchar *what = describe_video_caps (offered);

      text = g_strdup_printf ("%s cannot take %s from %s",
          element_kind (GST_OBJECT (w->video_path[i])), what, i > 0 ?
          element_kind (GST_OBJECT (w->video_path[i - 1])) : "the decoder");
      g_free (what);
      gst_caps_unref (offered);
    }
    if (taken)
      gst_caps_unref (taken);
    gst_object_unref (sink);
  }
  g_mutex_unlock (&w->lock);
  return text;
}

/* The line for an ERROR message. */
static gchar *
error_text (Worker * w, GstMessage * msg, GError * err)
{
  GstObject *src = GST_MESSAGE_SRC (msg);
  const GstStructure *details = NULL;
  gboolean encoded_any;
  gint flow;
  gchar *text;

  g_mutex_lock (&w->lock);
  encoded_any = w->encoded_any;
  g_mutex_unlock (&w->lock);

  /* a streaming thread that stopped on caps nobody took (the demuxer's
   * "Internal data stream error"): name who refused what */
  gst_message_parse_error_details (msg, &details);
  if (details != NULL && gst_structure_get_int (details, "flow-return", &flow)
      && flow == GST_FLOW_NOT_NEGOTIATED && (text = refused_caps (w)) != NULL)
    return text;

  /* an encoder that fails before its first frame out could not take what
   * it was given: say what that was */
  if (src == GST_OBJECT (w->encoder) && !encoded_any) {
    GstCaps *caps = offered_caps (w->encoder);
    gchar *what = describe_video_caps (caps), *text;

    text = g_strdup_printf ("%s cannot take %s: %s",
        w->options->encoder_name, what, err->message);
    g_free (what);
    if (caps)
      gst_caps_unref (caps);
    return text;
  }
  if (src == GST_OBJECT (w->end.sink))
    return g_strdup_printf ("cannot write %s: %s", w->output, err->message);
  /* errors from inside the demuxer and the decoder are about the input */
  if (gst_object_has_as_ancestor (src, GST_OBJECT (w->parsebin))
      || gst_object_has_as_ancestor (src, GST_OBJECT (w->decodebin)))
    return g_strdup_printf ("cannot decode %s: %s", w->input, err->message);
  /* umatconvert's own errors say what is wrong (a chain it refuses, a
   * device it cannot open, caps it cannot take) in the message itself */
  return g_strdup_printf ("%s: %s", element_kind (src), err->message);
}

static void
worker_end (Worker * w)
{
  if (w->ended)
    return;
  w->ended = TRUE;
  w->done (w, w->user_data);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, Worker * w)
{
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      worker_end (w);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      if (w->error == NULL && GST_MESSAGE_SRC (msg) == GST_OBJECT (w->end.sink))
        w->sink_failed = TRUE;
      worker_set_error (w, error_text (w, msg, err));
      g_clear_error (&err);
      g_free (debug);
      worker_end (w);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      say (w->options, "warning", "%s: %s", element_kind (msg->src),
          err->message);
      g_clear_error (&err);
      g_free (debug);
      break;
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (msg, "umat-process-error")) {
        worker_set_error (w, g_strdup (gst_structure_get_string
                (gst_message_get_structure (msg), "text")));
        worker_end (w);
      } else if (gst_message_has_name (msg, "umat-process-cancelled")) {
        worker_end (w);
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* ---- the worker -------------------------------------------------------- */

Worker *
worker_new (const Options * options, const gchar * input,
    const gchar * output, const Container * container, gboolean keep_audio,
    const Range * range, const gchar * opencl_device, GstStructure * part,
    WorkerDone done, gpointer user_data)
{
  Worker *w = g_new0 (Worker, 1);
  GstElement *source;
  GstBus *bus;
  GstPad *encoded;
  gchar *error = NULL;
  gboolean built;

  w->options = options;
  w->input = g_strdup (input);
  w->output = g_strdup (output);
  w->keep_audio = keep_audio && output != NULL;
  w->range = range;
  w->part = part;
  w->done = done;
  w->user_data = user_data;
  w->encoded_end = GST_CLOCK_TIME_NONE;
  w->duration = GST_CLOCK_TIME_NONE;
  w->last_pts = GST_CLOCK_TIME_NONE;
  gst_segment_init (&w->natural, GST_FORMAT_UNDEFINED);
  if (range != NULL) {
    guint64 rate = options->selection_rate;

    w->skip = (rate - range->first_frame % rate) % rate;
  }
  g_mutex_init (&w->lock);
  gst_segment_init (&w->encoded_segment, GST_FORMAT_TIME);

  w->pipeline = gst_pipeline_new ("umat-process");
  source = make_element ("filesrc", NULL);
  w->parsebin = make_element ("parsebin", NULL);
  w->decodebin = make_element ("decodebin", NULL);
  w->queue = make_element ("queue", "prefetch");
  w->opencl_device = g_strdup (opencl_device);
  w->gpu_index = worker_gpu_index (opencl_device);
  w->umat = make_umatconvert (w, "umat");
  if (output != NULL) {
    w->encoder = make_encoder (options);
  } else {
    /* as fast as the frames come; it keeps no frame (the last sample) */
    w->null_sink = make_element ("fakesink", "null");
    g_object_set (w->null_sink, "sync", FALSE, "enable-last-sample", FALSE,
        NULL);
  }
  g_object_set (source, "location", input, NULL);
  g_object_set (w->queue, "max-size-buffers", options->prefetch,
      "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  g_object_set (w->umat, "selection-rate", options->selection_rate, NULL);
  /* a chain the element cannot run fails the element when it starts, with
   * an error that says why */
  g_object_set (w->umat, "chain", options->chain, NULL);

  gst_bin_add_many (GST_BIN (w->pipeline), source, w->parsebin, w->decodebin,
      w->queue, w->umat, video_end (w), NULL);
  /* queue ! umatconvert is linked with the rest once the decoder's caps
   * are known: until then umatconvert's sink pad is free for questions */
  built = gst_element_link (source, w->parsebin);
  if (built && output != NULL)
    built = output_end_build (GST_BIN (w->pipeline), w->encoder, container,
        output, &w->end, &error);
  if (!built)
    fail ("cannot build the pipeline: %s", error ? error :
        "filesrc, parsebin and umatconvert do not link");

  if (part != NULL) {
    GstPad *first = gst_element_get_static_pad (w->encoder, "sink");

    set_part_timescale (w);
    gst_pad_add_probe (first, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) first_frame, w, NULL);
    gst_object_unref (first);
  }
  encoded = gst_element_get_static_pad (w->encoder ? w->encoder : w->umat,
      "src");
  gst_pad_add_probe (encoded, GST_PAD_PROBE_TYPE_BUFFER
      | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_encoded, w, NULL);
  gst_object_unref (encoded);
  g_signal_connect (w->parsebin, "pad-added", G_CALLBACK (on_parsed_pad), w);
  g_signal_connect (w->decodebin, "autoplug-select",
      G_CALLBACK (on_autoplug_select), w);
  if (w->gpu_index >= 0)
    g_signal_connect (w->decodebin, "autoplug-sort",
        G_CALLBACK (on_autoplug_sort), w);
  g_signal_connect (w->decodebin, "pad-added", G_CALLBACK (on_decoded_pad),
      w);

  bus = gst_element_get_bus (w->pipeline);
  gst_bus_set_sync_handler (bus, share_gpu_contexts, NULL, NULL);
  w->bus_watch = gst_bus_add_watch (bus, (GstBusFunc) on_bus_message, w);
  gst_object_unref (bus);
  return w;
}

gboolean
worker_start (Worker * w)
{
  GstBus *bus;
  GstMessage *msg;

  if (gst_element_set_state (w->pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE) {
    note (w->options, "range %d: pipeline started after %.2f s",
        range_index (w), since_start (w));
    return TRUE;
  }
  /* the reason, if any, is an ERROR already on the bus */
  bus = gst_element_get_bus (w->pipeline);
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR
              | GST_MESSAGE_APPLICATION)) != NULL) {
    w->ended = TRUE;            /* no done callback for this */
    on_bus_message (bus, msg, w);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  worker_set_error (w, g_strdup ("the pipeline could not start"));
  w->ended = TRUE;
  return FALSE;
}

void
worker_interrupt (Worker * w)
{
  gboolean flowing;

  if (w->ended || w->interrupted)
    return;
  w->interrupted = TRUE;
  g_mutex_lock (&w->lock);
  flowing = w->range == NULL || w->gate_open;
  w->cancelled = !flowing;
  w->stopping = TRUE;
  g_mutex_unlock (&w->lock);
  if (flowing) {
    gst_element_send_event (w->pipeline, gst_event_new_eos ());
  } else {
    /* nothing of the range has gone in: there is nothing to finish */
    gst_element_post_message (w->pipeline, gst_message_new_application
        (GST_OBJECT (w->pipeline), gst_structure_new_empty
            ("umat-process-cancelled")));
  }
}

void
worker_stop (Worker * w)
{
  gst_element_set_state (w->pipeline, GST_STATE_NULL);
}

const gchar *
worker_error (Worker * w)
{
  return w->error;
}

gboolean
worker_sink_failed (Worker * w)
{
  return w->sink_failed;
}

GstElement *
worker_umat (Worker * w)
{
  return w->umat;
}

static void
stop_pipeline (GstElement * pipeline, gpointer unused)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

gboolean
worker_abandon (Worker * w)
{
  if (w->ended)
    return FALSE;
  w->ended = TRUE;
  w->interrupted = TRUE;
  /* off the main loop: an encoder may take its time to stop (x264enc
   * encodes the frames it holds before it closes) */
  gst_element_call_async (w->pipeline, (GstElementCallAsyncFunc)
      stop_pipeline, NULL, NULL);
  return TRUE;
}

gboolean
worker_finished (Worker * w)
{
  return w->ended && !w->interrupted && w->error == NULL;
}

void
worker_free (Worker * w)
{
  gst_element_set_state (w->pipeline, GST_STATE_NULL);
  g_mutex_lock (&w->lock);
  if (w->seek_source)
    g_source_remove (w->seek_source);
  g_mutex_unlock (&w->lock);
  if (w->video_pad)
    gst_object_unref (w->video_pad);
  if (w->part)
    gst_structure_free (w->part);
  g_free (w->opencl_device);
  g_source_remove (w->bus_watch);
  gst_object_unref (w->pipeline);
  g_mutex_clear (&w->lock);
  g_free (w->error);
  g_free (w->output);
  g_free (w->input);
  g_free (w);
}
