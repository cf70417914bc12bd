/* umat-process: a video file through umatconvert into an H.264 file.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-process [--chain CODES] [--selection-rate N] [--queue-size N]
 *                [--prefetch N] [--device auto|cpu|opencl]
 *                [--encoder 'NAME [PROP=VALUE ...]'] [--stats-period S]
 *                [--verbose]
 *                INPUT OUTPUT
 *
 * Builds
 *
 *   uridecodebin ! videoconvert ! <RGB family> ! queue !
 *   umatconvert chain=... ! umatconvert ! ENCODER ! h264parse ! MUXER !
 *   filesink
 *
 * with the muxer chosen by OUTPUT's extension and the encoder, unless named,
 * the first hardware H.264 encoder that opens (NVENC, VA-API, QSV, V4L2),
 * else x264enc. Shows progress the way ffmpeg does (speed as a multiple of
 * realtime) and ends with a summary.
 *
 * Ctrl-C (SIGINT) and SIGTERM (kill, systemd, a container's stop) both
 * finish the file up to where it got: the decoder is sent EOS, the encoder
 * drains, and the muxer writes its index, so the file plays. A second
 * signal stops at once; an unfinished file would not play (an MP4 has no
 * index until the end), so it is removed and the tool says so.
 *
 * Exit status: 0 done, 1 error (one line on stderr), 2 bad arguments,
 * 128 + the signal's number when interrupted, as shells report a process
 * that a signal ended: 130 for Ctrl-C, 143 for SIGTERM (the first signal
 * decides). After one signal the file is complete up to that point; after
 * two there is no file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "umat-process"

#define DEFAULT_CHAIN ""
#define DEFAULT_SELECTION_RATE 1
#define DEFAULT_QUEUE_SIZE 4
#define DEFAULT_PREFETCH 8
#define DEFAULT_DEVICE "auto"
#define DEFAULT_STATS_PERIOD 1.0

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

typedef struct
{
  const gchar *extension;
  const gchar *factory;         /* NULL: raw H.264 byte stream, no muxer */
} Container;

static const Container containers[] = {
  {".mp4", "mp4mux"}, {".m4v", "mp4mux"}, {".mov", "qtmux"},
  {".mkv", "matroskamux"}, {".ts", "mpegtsmux"}, {".m2ts", "mpegtsmux"},
  {".flv", "flvmux"}, {".h264", NULL}, {".264", NULL},
};

/* Everything one run needs; lives on main()'s stack. */
typedef struct
{
  /* options */
  gchar *chain;
  gint selection_rate;
  gint queue_size;
  gint prefetch;
  gdouble stats_period;
  gchar *device;
  gchar *encoder_desc;
  const gchar *input;
  const gchar *output;

  GstElement *pipeline;
  GstElement *decode;
  GstElement *to_rgb;           /* videoconvert in front of the queue */
  GstElement *umat;             /* runs the chain */
  GstElement *encoder;
  GstElement *sink;
  gchar *encoder_name;
  GMainLoop *loop;

  gchar *error;                 /* the first error; NULL while all is well */
  gint interrupted;             /* the first signal's number, or 0 */
  gboolean stopped;             /* a second signal: stop without a file */
  gboolean verbose;
  gboolean backend_noted;
  gboolean sink_failed;         /* the error is filesink's: keep the file */
  gboolean finished;            /* EOS reached the file */
  gboolean on_terminal;
  gint64 start_us;
  gint64 end_us;
  GstClockTime duration;
  GstClockTime position;        /* stream time encoded so far */

  /* written by the probe on the encoder's output (streaming thread) */
  GMutex lock;
  GstSegment encoded_segment;
  GstClockTime encoded_end;     /* running maximum of pts + duration */
} App;

static void
fail (const gchar * format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
static GstPadProbeReturn on_encoded (GstPad * pad, GstPadProbeInfo * info,
    App * app);

static void
fail (const gchar * format, ...)
{
  va_list args;

  fprintf (stderr, PROG ": error: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\n");
  exit (1);
}

/* The first error wins: later ones are usually its consequences
 * ("Internal data stream error" after a refusal). */
static void
app_set_error (App * app, gchar * text)
{
  if (app->error == NULL)
    app->error = text;
  else
    g_free (text);
}

/* Posts an error to the bus so that it reaches the main loop from any
 * thread. */
static void
app_post_error (App * app, const gchar * text)
{
  GstStructure *s = gst_structure_new ("umat-process-error",
      "text", G_TYPE_STRING, text, NULL);

  gst_element_post_message (app->pipeline,
      gst_message_new_application (GST_OBJECT (app->pipeline), s));
}

/* ---- finding things ---------------------------------------------------- */

static gboolean
have_factory (const gchar * name)
{
  GstElementFactory *factory = gst_element_factory_find (name);

  if (factory == NULL)
    return FALSE;
  gst_object_unref (factory);
  return TRUE;
}

/* Makes umatconvert findable when GST_PLUGIN_PATH does not name its folder:
 * next to this program in a build tree (build/tools/umat-process and
 * build/gst/umatconvert/libgstumat.so), else where meson installs it. */
static void
find_plugin (void)
{
  GstRegistry *registry = gst_registry_get ();
  gchar *exe, *exe_dir, *build_dir;

  if (have_factory ("umatconvert"))
    return;

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL) {
    exe_dir = g_path_get_dirname (exe);
    build_dir = g_build_filename (exe_dir, "..", "gst", "umatconvert", NULL);
    if (g_file_test (build_dir, G_FILE_TEST_IS_DIR))
      gst_registry_scan_path (registry, build_dir);
    g_free (build_dir);
    g_free (exe_dir);
    g_free (exe);
  }
  if (!have_factory ("umatconvert"))
    gst_registry_scan_path (registry, UMAT_PLUGIN_DIR);
  if (!have_factory ("umatconvert"))
    fail ("the umatconvert element was not found: build the plugin and set "
        "GST_PLUGIN_PATH to the folder of libgstumat.so (<build>/gst/"
        "umatconvert, or the plugin folder it was installed to)");
}

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

/* The encoder `description` ("x264enc speed-preset=fast") names, once it
 * has shown that it opens. must_open: it was asked for, so failing to make
 * or open it ends the program; otherwise NULL says "try the next one". */
static GstElement *
make_encoder (const gchar * description, gboolean must_open, gchar ** name)
{
  GError *err = NULL;
  GstElement *element;

  element = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (element == NULL) {
    if (must_open)
      fail ("no encoder '%s': %s", description, err->message);
    g_clear_error (&err);
    return NULL;
  }
  if (GST_IS_BIN (element)) {
    gst_object_unref (element);
    fail ("--encoder takes one element (a factory name and properties), "
        "not '%s'", description);
  }
  gst_object_ref_sink (element);
  if (!element_opens (element)) {
    gst_object_unref (element);
    if (must_open)
      fail ("the encoder '%s' cannot start here (no device, or it is busy)",
          description);
    return NULL;
  }
  *name = g_strdup (GST_OBJECT_NAME (gst_element_get_factory (element)));
  return element;
}

static GstElement *
pick_encoder (App * app)
{
  const gchar *const *hw;
  GstElement *encoder;

  if (app->encoder_desc != NULL)
    return make_encoder (app->encoder_desc, TRUE, &app->encoder_name);

  for (hw = hardware_encoders; *hw != NULL; hw++) {
    if (!have_factory (*hw))
      continue;
    encoder = make_encoder (*hw, FALSE, &app->encoder_name);
    if (encoder != NULL)
      return encoder;
  }
  if (!have_factory ("x264enc"))
    fail ("no H.264 encoder: install gstreamer1.0-plugins-ugly (x264enc), "
        "or name one with --encoder");
  return make_encoder (SOFTWARE_ENCODER, TRUE, &app->encoder_name);
}

static const Container *
pick_container (const gchar * output)
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
  if (found == NULL)
    fail ("cannot tell the container from the name '%s': end it in .mp4, "
        ".mkv, .mov, .ts, .flv or .h264", output);
  return found;
}

static gboolean
produces_h264 (GstElement * encoder)
{
  GstPad *src = gst_element_get_static_pad (encoder, "src");
  GstCaps *caps = gst_pad_query_caps (src, NULL);
  GstCaps *h264 = gst_caps_new_empty_simple ("video/x-h264");
  gboolean yes = gst_caps_can_intersect (caps, h264);

  gst_caps_unref (h264);
  gst_caps_unref (caps);
  gst_object_unref (src);
  return yes;
}

static GstElement *
make (const gchar * factory, const gchar * name)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    fail ("GStreamer's '%s' element is missing: install the GStreamer "
        "plugin package that has it (scripts/deps.sh lists what the project "
        "uses)", factory);
  return element;
}

/* ---- the chain --------------------------------------------------------- */

/* Whether the chain's first code reads YUV (YUV2BGR_I420, YUV420sp2RGB...):
 * then the decoder's YUV goes to umatconvert as it is. */
static gboolean
chain_starts_from_yuv (const gchar * chain)
{
  const gchar *p = chain;

  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "COLOR_", 6) == 0)
    p += 6;
  return g_ascii_strncasecmp (p, "YUV", 3) == 0;
}

/* ---- the pipeline ------------------------------------------------------ */

static void
on_pad_added (GstElement * decode, GstPad * pad, App * app)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstPad *sink = gst_element_get_static_pad (app->to_rgb, "sink");
  const gchar *media;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  /* the first video stream; audio and other streams end unlinked, which
   * decodebin allows */
  if (g_str_has_prefix (media, "video/") && !gst_pad_is_linked (sink)) {
    if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
      app_post_error (app, "the decoded video does not link to videoconvert");
  }
  gst_object_unref (sink);
  gst_caps_unref (caps);
}

static void
on_no_more_pads (GstElement * decode, App * app)
{
  GstPad *sink = gst_element_get_static_pad (app->to_rgb, "sink");
  gchar *text;

  if (!gst_pad_is_linked (sink)) {
    text = g_strdup_printf ("%s has no video stream GStreamer can decode",
        app->input);
    app_post_error (app, text);
    g_free (text);
  }
  gst_object_unref (sink);
}

static void
build_pipeline (App * app)
{
  const Container *container = pick_container (app->output);
  GstElement *queue, *to_rgb_caps, *to_encoder, *parse = NULL, *mux = NULL;
  GstElement *sink;
  GstCaps *rgb;
  gchar *path, *uri;
  gboolean linked;

  app->pipeline = gst_pipeline_new ("umat-process");
  app->decode = make ("uridecodebin", "decode");
  app->to_rgb = make ("videoconvert", "to-rgb");
  to_rgb_caps = make ("capsfilter", "to-rgb-caps");
  queue = make ("queue", "prefetch");
  app->umat = make ("umatconvert", "umat");
  to_encoder = make ("umatconvert", "to-encoder");
  app->encoder = pick_encoder (app);
  sink = make ("filesink", "sink");
  app->sink = sink;

  path = g_canonicalize_filename (app->input, NULL);
  uri = gst_filename_to_uri (path, NULL);
  g_object_set (app->decode, "uri", uri, NULL);
  g_free (uri);
  g_free (path);

  /* umatconvert's YUV input must be BT.601 where a matrix applies, and HD
   * decoders give BT.709: videoconvert turns it into the RGB family in
   * front, unless the chain itself starts from YUV (then videoconvert only
   * converts what it must, e.g. the colorimetry). Drop this once the element
   * reads BT.709. */
  if (!chain_starts_from_yuv (app->chain)) {
    rgb = gst_caps_from_string ("video/x-raw, format=(string)"
        "{ BGR, RGB, BGRx, BGRA, RGBx, RGBA, GRAY8 }");
    g_object_set (to_rgb_caps, "caps", rgb, NULL);
    gst_caps_unref (rgb);
  }
  g_object_set (queue, "max-size-buffers", app->prefetch, "max-size-bytes", 0,
      "max-size-time", (guint64) 0, NULL);
  g_object_set (app->umat, "selection-rate", app->selection_rate,
      "queue-size", app->queue_size, NULL);
  gst_util_set_object_arg (G_OBJECT (app->umat), "device", app->device);
  gst_util_set_object_arg (G_OBJECT (to_encoder), "device", app->device);
  /* a chain the element cannot run fails the element when it starts, with
   * an error that says why (see on_bus_message) */
  g_object_set (app->umat, "chain", app->chain, NULL);
  g_object_set (sink, "location", app->output, NULL);

  gst_bin_add_many (GST_BIN (app->pipeline), app->decode, app->to_rgb,
      to_rgb_caps, queue, app->umat, to_encoder, app->encoder, sink, NULL);
  linked = gst_element_link_many (app->to_rgb, to_rgb_caps, queue, app->umat,
      to_encoder, app->encoder, NULL);

  if (produces_h264 (app->encoder) && have_factory ("h264parse")) {
    /* byte-stream encoders (nvh264enc) need it before mp4mux; it also
     * gives a raw .h264 file its byte-stream form */
    parse = make ("h264parse", "parse");
    gst_bin_add (GST_BIN (app->pipeline), parse);
    linked = linked && gst_element_link (app->encoder, parse);
  }
  if (container->factory != NULL) {
    mux = make (container->factory, "mux");
    gst_bin_add (GST_BIN (app->pipeline), mux);
  }
  if (parse != NULL && mux == NULL) {
    GstCaps *bytes = gst_caps_from_string ("video/x-h264, "
        "stream-format=(string)byte-stream");

    linked = linked && gst_element_link_filtered (parse, sink, bytes);
    gst_caps_unref (bytes);
  } else {
    GstElement *last = parse ? parse : app->encoder;

    linked = linked && (mux ? gst_element_link_many (last, mux, sink, NULL)
        : gst_element_link (last, sink));
  }
  if (!linked)
    fail ("cannot build the pipeline: %s does not link to %s",
        app->encoder_name, container->factory ? container->factory : "a file");

  {
    GstPad *encoded = gst_element_get_static_pad (app->encoder, "src");

    gst_segment_init (&app->encoded_segment, GST_FORMAT_TIME);
    gst_pad_add_probe (encoded, GST_PAD_PROBE_TYPE_BUFFER
        | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        (GstPadProbeCallback) on_encoded, app, NULL);
    gst_object_unref (encoded);
  }
  g_signal_connect (app->decode, "pad-added", G_CALLBACK (on_pad_added), app);
  g_signal_connect (app->decode, "no-more-pads", G_CALLBACK (on_no_more_pads),
      app);
}

/* ---- progress ---------------------------------------------------------- */

static void
counts (App * app, guint64 * in, guint64 * out)
{
  guint64 processed, dropped;

  g_object_get (app->umat, "frames-processed", &processed,
      "frames-dropped", &dropped, NULL);
  *in = processed + dropped;
  *out = processed;
}

/* Progress is measured where the encoded frames leave the encoder, as
 * ffmpeg does: the encoder's own delay (x264's lookahead) is part of the
 * work still to do. */
static GstPadProbeReturn
on_encoded (GstPad * pad, GstPadProbeInfo * info, App * app)
{
  GstBuffer *buf;
  GstEvent *event;
  GstClockTime end;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    buf = GST_PAD_PROBE_INFO_BUFFER (info);
    if (!GST_BUFFER_PTS_IS_VALID (buf))
      return GST_PAD_PROBE_OK;
    end = GST_BUFFER_PTS (buf);
    if (GST_BUFFER_DURATION_IS_VALID (buf))
      end += GST_BUFFER_DURATION (buf);
    g_mutex_lock (&app->lock);
    end = gst_segment_to_stream_time (&app->encoded_segment, GST_FORMAT_TIME,
        end);
    if (GST_CLOCK_TIME_IS_VALID (end) && (!GST_CLOCK_TIME_IS_VALID
            (app->encoded_end) || end > app->encoded_end))
      app->encoded_end = end;
    g_mutex_unlock (&app->lock);
  } else {
    event = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
      g_mutex_lock (&app->lock);
      gst_event_copy_segment (event, &app->encoded_segment);
      g_mutex_unlock (&app->lock);
    }
  }
  return GST_PAD_PROBE_OK;
}

static void
poll_position (App * app)
{
  GstPad *pad;
  gint64 value;

  if (!GST_CLOCK_TIME_IS_VALID (app->duration)) {
    pad = gst_element_get_static_pad (app->umat, "sink");
    if (gst_pad_peer_query_duration (pad, GST_FORMAT_TIME, &value)
        && value > 0)
      app->duration = value;
    gst_object_unref (pad);
  }
  g_mutex_lock (&app->lock);
  if (GST_CLOCK_TIME_IS_VALID (app->encoded_end))
    app->position = app->encoded_end;
  g_mutex_unlock (&app->lock);
  if (app->finished && GST_CLOCK_TIME_IS_VALID (app->duration))
    app->position = app->duration;
}

static gdouble
elapsed_s (App * app)
{
  gint64 end = app->end_us ? app->end_us : g_get_monotonic_time ();

  return (end - app->start_us) / 1e6;
}

static gchar *
clock_text (gdouble seconds)
{
  guint tenths = (guint) (seconds * 10 + 0.5), s = tenths / 10;

  return g_strdup_printf ("%02u:%02u:%02u.%u", s / 3600, s / 60 % 60, s % 60,
      tenths % 10);
}

static gboolean
on_progress (App * app)
{
  gdouble elapsed = elapsed_s (app), media, speed, fraction = -1, eta = -1;
  guint64 in, out;
  gchar *elapsed_text, *eta_text;

  poll_position (app);
  counts (app, &in, &out);
  media = (gdouble) app->position / GST_SECOND;
  speed = elapsed > 0 ? media / elapsed : 0;
  if (GST_CLOCK_TIME_IS_VALID (app->duration)) {
    fraction = MIN (1.0, (gdouble) app->position / app->duration);
    if (speed > 0)
      eta = ((gdouble) app->duration / GST_SECOND - media) / speed;
  }
  elapsed_text = clock_text (elapsed);
  eta_text = eta >= 0 ? clock_text (eta) : g_strdup ("--:--:--.-");

  if (app->on_terminal) {
    gchar bar[31];
    guint filled = fraction >= 0 ? (guint) (fraction * 30) : 0;

    memset (bar, '#', filled);
    memset (bar + filled, '.', 30 - filled);
    bar[30] = '\0';
    /* \r and clear-to-end: one line, redrawn in place */
    if (fraction >= 0)
      fprintf (stderr, "\r\033[K[%s] %3d%%  frames %" G_GUINT64_FORMAT
          "  %s  ETA %s  %.2fx", bar, (gint) (fraction * 100), in,
          elapsed_text, eta_text, speed);
    else
      fprintf (stderr, "\r\033[Kframes %" G_GUINT64_FORMAT "  %s  %.2fx",
          in, elapsed_text, speed);
    fflush (stderr);
  } else {
    if (fraction >= 0)
      fprintf (stderr, PROG ": %3d%%  frames %" G_GUINT64_FORMAT " in, %"
          G_GUINT64_FORMAT " out  elapsed %s  ETA %s  speed %.2fx\n",
          (gint) (fraction * 100), in, out, elapsed_text, eta_text, speed);
    else
      fprintf (stderr, PROG ": frames %" G_GUINT64_FORMAT " in, %"
          G_GUINT64_FORMAT " out  elapsed %s  speed %.2fx\n", in, out,
          elapsed_text, speed);
  }
  g_free (eta_text);
  g_free (elapsed_text);
  return G_SOURCE_CONTINUE;
}

/* ---- running ----------------------------------------------------------- */

static const gchar *
signal_text (gint signum)
{
  return signum == SIGINT ? "Ctrl-C" : "SIGTERM";
}

/* The first signal finishes the file; a second one, of either kind, stops
 * now. The sources stay installed until run() removes them. */
static void
on_signal (App * app, gint signum)
{
  if (app->interrupted) {
    if (!app->stopped) {
      app->stopped = TRUE;
      g_main_loop_quit (app->loop);
    }
    return;
  }
  app->interrupted = signum;
  fprintf (stderr, "%s" PROG ": interrupted by %s: finishing the file (a "
      "second Ctrl-C or SIGTERM stops at once, without a file)\n",
      app->on_terminal ? "\n" : "", signal_text (signum));
  gst_element_send_event (app->pipeline, gst_event_new_eos ());
}

static gboolean
on_sigint (App * app)
{
  on_signal (app, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (App * app)
{
  on_signal (app, SIGTERM);
  return G_SOURCE_CONTINUE;
}

/* What a user knows an element as: its factory's name ("x264enc"), not
 * the name it has in the pipeline. */
static const gchar *
element_kind (GstObject * object)
{
  GstElementFactory *factory = NULL;

  if (GST_IS_ELEMENT (object))
    factory = gst_element_get_factory (GST_ELEMENT (object));
  return factory ? GST_OBJECT_NAME (factory) : GST_OBJECT_NAME (object);
}

/* Where device=auto found no OpenCL GPU, the element runs on the CPU and
 * says so in its backend property: a note, once, where someone watches. */
static void
note_backend (App * app)
{
  gchar *backend = NULL;

  if (app->backend_noted || !(app->on_terminal || app->verbose))
    return;
  g_object_get (app->umat, "backend", &backend, NULL);
  if (backend != NULL && *backend != '\0') {
    app->backend_noted = TRUE;
    if (g_str_equal (app->device, "auto") && g_str_equal (backend, "cpu"))
      fprintf (stderr, PROG ": note: no OpenCL GPU here: umatconvert "
          "converts on the CPU\n");
    else if (app->verbose)
      fprintf (stderr, PROG ": note: umatconvert runs on %s\n", backend);
  }
  g_free (backend);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, App * app)
{
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      app->finished = !app->interrupted;
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      if (app->error == NULL && msg->src == GST_OBJECT (app->sink))
        app->sink_failed = TRUE;
      /* errors from inside uridecodebin are about the input file */
      if (gst_object_has_as_ancestor (msg->src, GST_OBJECT (app->decode)))
        app_set_error (app, g_strdup_printf ("cannot decode %s: %s",
                app->input, err->message));
      else
        /* umatconvert's own errors say what is wrong (a chain it refuses,
         * a device it cannot open) in the message itself */
        app_set_error (app, g_strdup_printf ("%s: %s",
                element_kind (msg->src), err->message));
      g_clear_error (&err);
      g_free (debug);
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      fprintf (stderr, "%s" PROG ": warning: %s: %s\n",
          app->on_terminal ? "\n" : "", element_kind (msg->src),
          err->message);
      g_clear_error (&err);
      g_free (debug);
      break;
    case GST_MESSAGE_STATE_CHANGED:
      /* the element picks its backend when it starts (READY to PAUSED) */
      if (msg->src == GST_OBJECT (app->umat))
        note_backend (app);
      break;
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (msg, "umat-process-error")) {
        app_set_error (app, g_strdup (gst_structure_get_string
                (gst_message_get_structure (msg), "text")));
        g_main_loop_quit (app->loop);
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static void
run (App * app)
{
  GstBus *bus = gst_element_get_bus (app->pipeline);
  guint bus_watch, sigint, sigterm, progress;

  app->loop = g_main_loop_new (NULL, FALSE);
  bus_watch = gst_bus_add_watch (bus, (GstBusFunc) on_bus_message, app);
  sigint = g_unix_signal_add (SIGINT, (GSourceFunc) on_sigint, app);
  sigterm = g_unix_signal_add (SIGTERM, (GSourceFunc) on_sigterm, app);
  /* the bar redraws 4 times a second; lines come every stats period */
  progress = g_timeout_add (app->on_terminal ? 250 : app->stats_period * 1000,
      (GSourceFunc) on_progress, app);

  app->start_us = g_get_monotonic_time ();
  if (gst_element_set_state (app->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    GstMessage *msg;

    /* the reason, if any, is an ERROR already on the bus */
    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR
                | GST_MESSAGE_APPLICATION)) != NULL) {
      on_bus_message (bus, msg, app);
      gst_message_unref (msg);
    }
    app_set_error (app, g_strdup ("the pipeline could not start"));
  } else {
    g_main_loop_run (app->loop);
  }
  app->end_us = g_get_monotonic_time ();
  poll_position (app);

  g_source_remove (progress);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_source_remove (bus_watch);
  gst_object_unref (bus);
  g_main_loop_unref (app->loop);
}

static void
print_summary (App * app)
{
  gdouble wall = elapsed_s (app);
  GstClockTime media = app->duration;
  gchar *backend = NULL;
  guint64 in, out;

  if (!GST_CLOCK_TIME_IS_VALID (media) || app->interrupted)
    media = app->position;
  counts (app, &in, &out);
  g_object_get (app->umat, "backend", &backend, NULL);

  printf (PROG ": wrote %s%s\n", app->output,
      app->interrupted ? " (interrupted: up to where it stopped)" : "");
  printf ("  frames in:   %" G_GUINT64_FORMAT "\n", in);
  printf ("  frames out:  %" G_GUINT64_FORMAT " (selection-rate %d)\n", out,
      app->selection_rate);
  printf ("  seconds:     %.2f\n", wall);
  printf ("  fps:         %.1f in, %.1f out\n", in / wall, out / wall);
  printf ("  speed:       %.2fx realtime (%.2f s of video)\n",
      (gdouble) media / GST_SECOND / wall, (gdouble) media / GST_SECOND);
  printf ("  backend:     %s\n", backend ? backend : "");
  printf ("  encoder:     %s\n", app->encoder_name);
  fflush (stdout);
  g_free (backend);
}

/* ---- main -------------------------------------------------------------- */

static gboolean
check_positive (const gchar * option, gint value, gint max)
{
  if (value >= 1 && value <= max)
    return TRUE;
  fprintf (stderr, PROG ": error: %s must be between 1 and %d, not %d\n",
      option, max, value);
  return FALSE;
}

int
main (int argc, char **argv)
{
  App app = {
    .selection_rate = DEFAULT_SELECTION_RATE,
    .queue_size = DEFAULT_QUEUE_SIZE,
    .prefetch = DEFAULT_PREFETCH,
    .stats_period = DEFAULT_STATS_PERIOD,
    .duration = GST_CLOCK_TIME_NONE,
    .encoded_end = GST_CLOCK_TIME_NONE,
  };
  GOptionEntry entries[] = {
    {"chain", 'c', 0, G_OPTION_ARG_STRING, &app.chain,
        "OpenCV cvtColor codes, comma-separated (default: none, only "
          "converts for the encoder)", "CODES"},
    {"selection-rate", 's', 0, G_OPTION_ARG_INT, &app.selection_rate,
        "Keep 1 frame of every N (default 1)", "N"},
    {"queue-size", 'q', 0, G_OPTION_ARG_INT, &app.queue_size,
        "Frames of UMats in the OpenCL pool (default 4)", "N"},
    {"prefetch", 'p', 0, G_OPTION_ARG_INT, &app.prefetch,
        "Decoded frames queued ahead of umatconvert (default 8)", "N"},
    {"device", 'd', 0, G_OPTION_ARG_STRING, &app.device,
        "auto, cpu or opencl (default auto)", "DEVICE"},
    {"encoder", 'e', 0, G_OPTION_ARG_STRING, &app.encoder_desc,
        "Encoder element, with properties if wanted (default: a hardware "
          "H.264 encoder that opens, else '" SOFTWARE_ENCODER "')",
        "'NAME [PROP=VALUE ...]'"},
    {"stats-period", 0, 0, G_OPTION_ARG_DOUBLE, &app.stats_period,
        "Seconds between progress lines when stderr is not a terminal "
          "(default 1)", "S"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &app.verbose,
        "Notes on what runs where and why", NULL},
    {NULL}
  };
  GOptionContext *context;
  GError *err = NULL;
  gchar *in_path, *out_path;
  int status = 0;

  context = g_option_context_new ("INPUT OUTPUT");
  g_option_context_set_summary (context, "Runs a video file through "
      "umatconvert into an H.264 file; the container follows OUTPUT's "
      "extension (.mp4, .mkv, .mov, .ts, .flv, .h264).");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err)) {
    fprintf (stderr, PROG ": error: %s (see --help)\n", err->message);
    return 2;
  }
  g_option_context_free (context);
  if (argc != 3) {
    fprintf (stderr, PROG ": error: need INPUT and OUTPUT (see --help)\n");
    return 2;
  }
  if (app.chain == NULL)
    app.chain = g_strdup (DEFAULT_CHAIN);
  if (app.device == NULL)
    app.device = g_strdup (DEFAULT_DEVICE);
  if (!check_positive ("--selection-rate", app.selection_rate, G_MAXINT)
      || !check_positive ("--queue-size", app.queue_size, 64)
      || !check_positive ("--prefetch", app.prefetch, 1000))
    return 2;
  if (!(app.stats_period >= 0.01 && app.stats_period <= 3600)) {
    fprintf (stderr, PROG ": error: --stats-period must be between 0.01 "
        "and 3600 seconds\n");
    return 2;
  }
  if (!g_str_equal (app.device, "auto") && !g_str_equal (app.device, "cpu")
      && !g_str_equal (app.device, "opencl")) {
    fprintf (stderr, PROG ": error: --device must be auto, cpu or opencl, "
        "not '%s'\n", app.device);
    return 2;
  }
  app.input = argv[1];
  app.output = argv[2];
  app.on_terminal = isatty (STDERR_FILENO);

  if (!g_file_test (app.input, G_FILE_TEST_EXISTS))
    fail ("no such file: %s", app.input);
  if (!g_file_test (app.input, G_FILE_TEST_IS_REGULAR)
      || g_access (app.input, R_OK) != 0)
    fail ("cannot read %s", app.input);
  in_path = realpath (app.input, NULL);
  out_path = g_canonicalize_filename (app.output, NULL);
  if (in_path != NULL && g_str_equal (in_path, out_path))
    fail ("the output would overwrite the input: %s", app.output);
  free (in_path);
  g_free (out_path);

  g_mutex_init (&app.lock);
  find_plugin ();
  build_pipeline (&app);
  fprintf (stderr, PROG ": %s -> %s\n", app.input, app.output);
  fprintf (stderr, PROG ": umatconvert chain=\"%s\" selection-rate=%d "
      "device=%s, encoder %s\n", app.chain, app.selection_rate, app.device,
      app.encoder_name);

  run (&app);
  if (app.on_terminal && app.error == NULL && !app.stopped) {
    on_progress (&app);         /* the bar as it ended, then a new line */
    fprintf (stderr, "\n");
  }
  gst_element_set_state (app.pipeline, GST_STATE_NULL);

  if (app.stopped) {
    /* the muxer never wrote its index: what is there would not play */
    g_unlink (app.output);
    fprintf (stderr, PROG ": stopped by a second signal: no file written (%s "
        "was unfinished and is removed)\n", app.output);
    return 128 + app.interrupted;
  }
  if (app.error != NULL) {
    /* half a file is worse than none (a file of that name that was there
     * before is gone already: filesink truncated it), but a file filesink
     * could not open is not ours */
    if (!app.sink_failed)
      g_unlink (app.output);
    fail ("%s", app.error);
  }
  {
    guint64 in, out;

    counts (&app, &in, &out);
    if (in == 0 && !app.interrupted) {
      g_unlink (app.output);
      fail ("no video frames reached umatconvert");
    }
  }
  print_summary (&app);
  if (app.interrupted)
    status = 128 + app.interrupted;

  gst_object_unref (app.pipeline);
  g_free (app.encoder_name);
  g_free (app.chain);
  g_free (app.device);
  g_free (app.encoder_desc);
  g_mutex_clear (&app.lock);
  return status;
}
