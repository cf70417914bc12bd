/* umat-process: what its source files share.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define PROG "umat-process"

/* What the user asked for, resolved; read-only once the work starts. */
typedef struct
{
  gchar *chain;
  gint selection_rate;
  gint queue_size;
  gint prefetch;
  gchar *device;
  gchar *encoder_desc;          /* each pipeline's encoder is made from it */
  gchar *encoder_name;          /* its factory's name */
  gint convert_threads;         /* n-threads of any videoconvert */
  gboolean verbose;
  gboolean on_terminal;
} Options;

typedef struct
{
  const gchar *extension;
  const gchar *factory;         /* NULL: raw H.264 byte stream, no muxer */
  const gchar *name;            /* for messages: "MP4" */
} Container;

/* The end every output shares: [h264parse !] [MUXER !] filesink. */
typedef struct
{
  const Container *container;
  GstElement *parse;
  GstElement *mux;
  GstElement *sink;
} OutputEnd;

/* ---- messages (process-common.c) --------------------------------------- */

/* One line "umat-process: error: ..." on stderr, then exit status 1. */
void fail (const gchar * format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

/* "umat-process: KIND: ..." on stderr (KIND: "warning", "note"; NULL for
 * none), on a line of its own even while a progress bar is drawn. */
void say (const Options * options, const gchar * kind, const gchar * format,
    ...) G_GNUC_PRINTF (3, 4);

/* A note only --verbose shows. */
void note (const Options * options, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);

/* ---- GStreamer helpers (process-common.c) ------------------------------ */

gboolean have_factory (const gchar * name);
GstElement *make_element (const gchar * factory, const gchar * name);

/* What a user knows an element as: its factory's name ("x264enc"). */
const gchar *element_kind (GstObject * object);

/* "1279x719 Y444" for video caps; the caps as GStreamer writes them
 * otherwise. Free with g_free. */
gchar *describe_video_caps (const GstCaps * caps);

/* The codec in words ("MPEG-4 AAC"), for messages. Free with g_free. */
gchar *describe_codec (const GstCaps * caps);

/* The container OUTPUT's extension names, or NULL. */
const Container *container_for (const gchar * output);

/* A new encoder from options->encoder_desc. */
GstElement *make_encoder (const Options * options);

/* Finds the encoder to use (options->encoder_desc as given, else the
 * first hardware H.264 encoder that opens, else x264enc) and fills in
 * options->encoder_desc and encoder_name; ends the program if none. */
void pick_encoder (Options * options);

/* Adds [h264parse] [muxer] filesink to `bin` after `from`, writing
 * `location`. FALSE (with *error set) when they do not link. */
gboolean output_end_build (GstBin * bin, GstElement * from,
    const Container * container, const gchar * location, OutputEnd * end,
    gchar ** error);

/* Links a demuxed stream that is not the video being processed: audio
 * goes to the muxer untouched where the container takes its codec; what
 * cannot be carried goes to a fakesink, with a warning for audio when
 * `warn` is set. Call from parsebin's pad-added. */
void output_end_link_stream (const Options * options, OutputEnd * end,
    GstBin * bin, GstPad * pad, gboolean keep_audio, const gchar * input);

/* Drains a stream into a fakesink (added to `bin`). */
void discard_stream (GstBin * bin, GstPad * pad);

/* ---- one pipeline from the input to a file (process-worker.c) --------- */

typedef struct _Worker Worker;

/* Called in the main loop once the worker's pipeline has ended, by EOS or
 * by an error. */
typedef void (*WorkerDone) (Worker * worker, gpointer user_data);

/* A pipeline that decodes `input`, runs umatconvert and the encoder, and
 * writes `output` in `container`; keep_audio: demuxed audio goes into the
 * output untouched where the container takes it. */
Worker *worker_new (const Options * options, const gchar * input,
    const gchar * output, const Container * container, gboolean keep_audio,
    WorkerDone done, gpointer user_data);
void worker_free (Worker * worker);

/* Starts the pipeline; FALSE when it cannot start (worker_error says why;
 * done is not called). */
gboolean worker_start (Worker * worker);

/* Finishes the file up to where the pipeline got (EOS from the source). */
void worker_interrupt (Worker * worker);

/* Stops the pipeline now. */
void worker_stop (Worker * worker);

/* The first error, as the one line to print; NULL while all is well. */
const gchar *worker_error (Worker * worker);

/* Whether an error was filesink's (the output is then not ours to remove). */
gboolean worker_sink_failed (Worker * worker);

/* Frames that reached the worker (processed + dropped) and those that
 * umatconvert kept. */
void worker_counts (Worker * worker, guint64 * in, guint64 * out);

/* Media time done (as far as the encoder has output) and in all; either
 * GST_CLOCK_TIME_NONE while not known. */
void worker_progress (Worker * worker, GstClockTime * done,
    GstClockTime * total);

/* The umatconvert element that runs the chain (for its properties). */
GstElement *worker_umat (Worker * worker);

G_END_DECLS
