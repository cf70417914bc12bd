/* umat-process: messages, encoders, containers and the output end.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umat-process.h"

#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* x264enc's own default (medium) makes the encoder the slowest element by
 * far; as the fallback it runs with the preset the main job always used. */
#define SOFTWARE_ENCODER "x264enc speed-preset=veryfast"

/* Hardware H.264 encoders, in the order tried: each must exist and open its
 * device (reach READY) to be used. */
static const gchar *const hardware_encoders[] = {
  "nvh264enc",                  /* NVENC, gst-plugins-bad nvcodec */
  "nvcudah264enc",
  "vah264enc",                  /* VA-API, gst-plugins-bad va */
  "vah264lpenc",
  "vaapih264enc",               /* gstreamer-vaapi */
  "qsvh264enc",                 /* Intel Quick Sync */
  "v4l2h264enc",                /* V4L2 stateful (Raspberry Pi, ...) */
  NULL
};

static const Container containers[] = {
  {".mp4", "mp4mux", "MP4"}, {".m4v", "mp4mux", "MP4"},
  {".mov", "qtmux", "QuickTime"}, {".mkv", "matroskamux", "Matroska"},
  {".ts", "mpegtsmux", "MPEG-TS"}, {".m2ts", "mpegtsmux", "MPEG-TS"},
  {".flv", "flvmux", "FLV"}, {".h264", NULL, "raw H.264"},
  {".264", NULL, "raw H.264"},
};

/* ---- messages ---------------------------------------------------------- */

static void
vsay (gboolean on_terminal, const gchar * kind, const gchar * format,
    va_list args)
{
  gchar *text = g_strdup_vprintf (format, args);

  /* on a terminal, the progress bar may hold the current line: clear it,
   * the next redraw puts it back under the message */
  fprintf (stderr, "%s" PROG ": %s%s%s\n", on_terminal ? "\r\033[K" : "",
      kind ? kind : "", kind ? ": " : "", text);
  fflush (stderr);
  g_free (text);
}

void
fail (const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  vsay (isatty (fileno (stderr)), "error", format, args);
  va_end (args);
  exit (1);
}

void
say (const Options * options, const gchar * kind, const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  vsay (options->on_terminal, kind, format, args);
  va_end (args);
}

void
note (const Options * options, const gchar * format, ...)
{
  va_list args;

  if (!options->verbose)
    return;
  va_start (args, format);
  vsay (options->on_terminal, "note", format, args);
  va_end (args);
}

/* ---- GStreamer helpers ------------------------------------------------- */

gboolean
have_factory (const gchar * name)
{
  GstElementFactory *factory = gst_element_factory_find (name);

  if (factory == NULL)
    return FALSE;
  gst_object_unref (factory);
  return TRUE;
}

GstElement *
make_element (const gchar * factory, const gchar * name)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    fail ("GStreamer's '%s' element is missing: install the GStreamer "
        "plugin package that has it (scripts/deps.sh lists what the project "
        "uses)", factory);
  return element;
}

const gchar *
element_kind (GstObject * object)
{
  GstElementFactory *factory = NULL;

  if (GST_IS_ELEMENT (object))
    factory = gst_element_get_factory (GST_ELEMENT (object));
  return factory ? GST_OBJECT_NAME (factory) : GST_OBJECT_NAME (object);
}

gchar *
describe_video_caps (const GstCaps * caps)
{
  GString *text;
  GstStructure *s;
  gint width = 0, height = 0;
  guint i;

  if (caps == NULL || gst_caps_is_empty (caps))
    return g_strdup ("nothing");
  s = gst_caps_get_structure (caps, 0);
  if (!gst_structure_get_int (s, "width", &width)
      || !gst_structure_get_int (s, "height", &height))
    return gst_caps_to_string (caps);
  /* "1279x719 I420", or "1279x719 BGR, RGB or GRAY8" */
  text = g_string_new (NULL);
  g_string_printf (text, "%dx%d ", width, height);
  for (i = 0; i < gst_caps_get_size (caps); i++) {
    const gchar *format;

    s = gst_caps_get_structure (caps, i);
    format = gst_structure_get_string (s, "format");
    if (i > 0)
      g_string_append (text, i + 1 == gst_caps_get_size (caps) ? " or " :
          ", ");
    g_string_append (text, format ? format : "(any format)");
  }
  return g_string_free (text, FALSE);
}

gchar *
describe_codec (const GstCaps * caps)
{
  static gsize initialized = 0;
  gchar *text;

  if (g_once_init_enter (&initialized)) {
    gst_pb_utils_init ();
    g_once_init_leave (&initialized, 1);
  }
  text = gst_pb_utils_get_codec_description (caps);
  if (text == NULL)
    text = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps,
                0)));
  return text;
}

const Container *
container_for (const gchar * output)
{
  gchar *lower = g_ascii_strdown (output, -1);
  const Container *found = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (containers); i++) {
    if (g_str_has_suffix (lower, containers[i].extension)) {
      found = &containers[i];
      break;
    }
  }
  g_free (lower);
  return found;
}

/* ---- encoders ---------------------------------------------------------- */

/* Whether an element can open whatever device it drives: hardware
 * encoders register even where their device is missing or busy. */
static gboolean
element_opens (GstElement * element)
{
  gboolean ok = gst_element_set_state (element, GST_STATE_READY)
      != GST_STATE_CHANGE_FAILURE;

  gst_element_set_state (element, GST_STATE_NULL);
  return ok;
}

/* The encoder `description` ("x264enc speed-preset=fast") names. NULL with
 * *error set when it cannot be made; a bin is refused. */
static GstElement *
parse_encoder (const gchar * description, gchar ** error)
{
  GError *err = NULL;
  GstElement *element;

  element = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (element == NULL) {
    *error = g_strdup_printf ("no encoder '%s': %s", description,
        err->message);
    g_clear_error (&err);
    return NULL;
  }
  if (GST_IS_BIN (element)) {
    gst_object_unref (element);
    *error = g_strdup_printf ("--encoder takes one element (a factory name "
        "and properties), not '%s'", description);
    return NULL;
  }
  return gst_object_ref_sink (element);
}

/* Whether `description` makes an encoder that opens here. must_open: it was
 * asked for, so failing ends the program. */
static gboolean
encoder_works (const gchar * description, gboolean must_open, gchar ** name)
{
  gchar *error = NULL;
  GstElement *element = parse_encoder (description, &error);

  if (element == NULL) {
    if (must_open)
      fail ("%s", error);
    g_free (error);
    return FALSE;
  }
  if (!element_opens (element)) {
    gst_object_unref (element);
    if (must_open)
      fail ("the encoder '%s' cannot start here (no device, or it is busy)",
          description);
    return FALSE;
  }
  *name = g_strdup (GST_OBJECT_NAME (gst_element_get_factory (element)));
  gst_object_unref (element);
  return TRUE;
}

void
pick_encoder (Options * options)
{
  const gchar *const *hw;

  if (options->encoder_desc != NULL) {
    encoder_works (options->encoder_desc, TRUE, &options->encoder_name);
    return;
  }
  for (hw = hardware_encoders; *hw != NULL; hw++) {
    if (have_factory (*hw)
        && encoder_works (*hw, FALSE, &options->encoder_name)) {
      options->encoder_desc = g_strdup (*hw);
      return;
    }
  }
  if (!have_factory ("x264enc"))
    fail ("no H.264 encoder: install gstreamer1.0-plugins-ugly (x264enc), "
        "or name one with --encoder");
  options->encoder_desc = g_strdup (SOFTWARE_ENCODER);
  encoder_works (options->encoder_desc, TRUE, &options->encoder_name);
}

GstElement *
make_encoder (const Options * options)
{
  gchar *error = NULL;
  GstElement *encoder = parse_encoder (options->encoder_desc, &error);

  if (encoder == NULL)
    fail ("%s", error);
  return encoder;
}

/* ---- the output end ---------------------------------------------------- */

static gboolean
produces_h264 (GstElement * element)
{
  GstPad *src = gst_element_get_static_pad (element, "src");
  GstCaps *caps = gst_pad_query_caps (src, NULL);
  GstCaps *h264 = gst_caps_new_empty_simple ("video/x-h264");
  gboolean yes = gst_caps_can_intersect (caps, h264);

  gst_caps_unref (h264);
  gst_caps_unref (caps);
  gst_object_unref (src);
  return yes;
}

gboolean
output_end_build (GstBin * bin, GstElement * from,
    const Container * container, const gchar * location, OutputEnd * end,
    gchar ** error)
{
  GstElement *last = from;
  gboolean linked = TRUE;

  end->container = container;
  end->parse = end->mux = NULL;
  if (produces_h264 (from) && have_factory ("h264parse")) {
    /* byte-stream encoders (nvh264enc) need it before mp4mux; it also
     * gives a raw .h264 file its byte-stream form */
    end->parse = make_element ("h264parse", NULL);
    gst_bin_add (bin, end->parse);
    linked = gst_element_link (last, end->parse);
    last = end->parse;
  }
  if (container->factory != NULL) {
    end->mux = make_element (container->factory, NULL);
    gst_bin_add (bin, end->mux);
  }
  end->sink = make_element ("filesink", NULL);
  g_object_set (end->sink, "location", location, NULL);
  gst_bin_add (bin, end->sink);

  if (end->mux != NULL) {
    linked = linked && gst_element_link_many (last, end->mux, end->sink,
        NULL);
  } else if (end->parse != NULL) {
    GstCaps *bytes = gst_caps_from_string ("video/x-h264, "
        "stream-format=(string)byte-stream");

    linked = linked && gst_element_link_filtered (last, end->sink, bytes);
    gst_caps_unref (bytes);
  } else {
    linked = linked && gst_element_link (last, end->sink);
  }
  if (!linked) {
    *error = g_strdup_printf ("%s does not link to %s", element_kind
        (GST_OBJECT (from)), container->factory ? container->factory :
        "a file");
    return FALSE;
  }
  return TRUE;
}

void
discard_stream (GstBin * bin, GstPad * pad)
{
  GstElement *sink = make_element ("fakesink", NULL);
  GstPad *sink_pad = gst_element_get_static_pad (sink, "sink");

  /* async=false: the pipeline does not wait for it to preroll */
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (bin, sink);
  gst_pad_link (pad, sink_pad);
  gst_element_sync_state_with_parent (sink);
  gst_object_unref (sink_pad);
}

/* The muxer's pad for `caps`, linked to `pad` through a queue of its own;
 * the queue's src pad, or NULL where the container cannot carry them. */
static GstPad *
link_to_muxer (GstBin * bin, GstElement * mux, GstPad * pad, GstCaps * caps)
{
  GstElement *queue;
  GstPad *mux_pad, *queue_sink, *queue_src = NULL;
  gboolean linked;

  if (mux == NULL)
    return NULL;
  mux_pad = gst_element_get_compatible_pad (mux, pad, caps);
  if (mux_pad == NULL)
    return NULL;
  /* The muxer interleaves by time, so it holds the audio back until the
   * video, which comes later by the encoder's delay, catches up; the
   * demuxer meanwhile must go on, to feed the video. The queue takes what
   * it needs: that is bounded by how far the video runs behind. */
  queue = make_element ("queue", NULL);
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) 0, NULL);
  gst_bin_add (bin, queue);
  queue_sink = gst_element_get_static_pad (queue, "sink");
  linked = gst_element_link_pads (queue, "src", mux, GST_PAD_NAME (mux_pad))
      && gst_pad_link (pad, queue_sink) == GST_PAD_LINK_OK;
  gst_object_unref (queue_sink);
  if (linked) {
    gst_element_sync_state_with_parent (queue);
    queue_src = gst_element_get_static_pad (queue, "src");
  } else {
    gst_element_set_state (queue, GST_STATE_NULL);
    gst_bin_remove (bin, queue);
    if (GST_PAD_TEMPLATE_PRESENCE (GST_PAD_PAD_TEMPLATE (mux_pad))
        == GST_PAD_REQUEST)
      gst_element_release_request_pad (mux, mux_pad);
  }
  gst_object_unref (mux_pad);
  return queue_src;
}

GstPad *
output_end_link_stream (const Options * options, OutputEnd * end,
    GstBin * bin, GstPad * pad, gboolean keep_audio, const gchar * input)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstPad *linked = NULL;
  const gchar *media;
  gchar *codec;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  codec = describe_codec (caps);
  if (!keep_audio || !g_str_has_prefix (media, "audio/")) {
    if (keep_audio)
      note (options, "a stream of %s (%s) is left out", input, codec);
    discard_stream (bin, pad);
  } else if ((linked = link_to_muxer (bin, end->mux, pad, caps)) != NULL) {
    note (options, "the audio of %s (%s) goes into the output as it is",
        input, codec);
  } else {
    say (options, "warning", "the audio of %s (%s) cannot go into %s "
        "output: it is left out", input, codec, end->container->name);
    discard_stream (bin, pad);
  }
  g_free (codec);
  gst_caps_unref (caps);
  return linked;
}
