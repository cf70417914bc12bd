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
  gchar *encoder_desc;          /* each pipeline's encoder is made from it;
                                 * NULL: no output file, no encoder */
  gchar *encoder_name;          /* its factory's name */
  gint convert_threads;         /* n-threads of any videoconvert */
  gboolean verbose;
  gboolean on_terminal;
  gint64 start_us;              /* monotonic: when the work started, for
                                 * the summary and the --verbose notes */
} Options;

typedef struct
{
  const gchar *extension;
  const gchar *factory;         /* NULL: raw H.264 byte stream, no muxer */
  const gchar *name;            /* for messages: "MP4" */
} Container;

/* A time range of the input that starts at a keyframe: the frames with
 * start <= pts < stop, which are `frames` frames from index first_frame
 * of the whole input on. */
typedef struct
{
  guint index;
  guint count;                  /* ranges in the split */
  GstClockTime start;           /* 0 for the first range */
  GstClockTime stop;            /* GST_CLOCK_TIME_NONE for the last */
  GstClockTime end;             /* stop, or the end of the last frame */
  guint64 first_frame;
  guint64 frames;
} Range;

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

/* Links a demuxed stream that is not the video being processed: with
 * keep_audio, audio goes to the muxer untouched, through a queue, where the
 * container takes its codec, and a warning says when it cannot; the rest
 * goes to a fakesink. Call from parsebin's pad-added. Returns the queue's
 * src pad (a reference) when the stream goes to the muxer, else NULL. */
GstPad *output_end_link_stream (const Options * options, OutputEnd * end,
    GstBin * bin, GstPad * pad, gboolean keep_audio, const gchar * input);

/* Drains a stream into a fakesink (added to `bin`). */
void discard_stream (GstBin * bin, GstPad * pad);

/* ---- keyframes and ranges (process-scan.c) ----------------------------- */

/* A keyframe where the input can be cut: its pts, and its index in the
 * whole input (the frames shown before it). */
typedef struct
{
  GstClockTime pts;
  guint64 frame;
} Cut;

typedef struct _Scan Scan;
typedef void (*ScanDone) (Scan * scan, gpointer user_data);
/* The parsed video's caps, once the video stream is found. */
typedef void (*ScanStreams) (Scan * scan, const GstCaps * video,
    gpointer user_data);

/* Reads `input` once, without decoding, for its keyframes; `streams` (if
 * not NULL) is called from a streaming thread once the video stream is
 * found, `done` in the main loop at the end. */
Scan *scan_new (const Options * options, const gchar * input,
    ScanStreams streams, ScanDone done, gpointer user_data);
gboolean scan_start (Scan * scan);
void scan_stop (Scan * scan);
const gchar *scan_error (Scan * scan);
guint64 scan_frames (Scan * scan);
GstClockTime scan_end_time (Scan * scan);

/* At most `wanted` ranges of about equal numbers of frames, cut at clean
 * keyframes (fewer when there are too few); *count says how many. Free
 * with g_free. */
Range *scan_split (Scan * scan, guint wanted, guint * count);
void scan_free (Scan * scan);

/* ---- one pipeline from the input to a file (process-worker.c) --------- */
/* (or to a null sink) */

typedef struct _Worker Worker;

/* Called in the main loop once the worker's pipeline has ended, by EOS or
 * by an error. */
typedef void (*WorkerDone) (Worker * worker, gpointer user_data);

/* Loads the plugins of every element a worker makes but its decoder. */
void worker_load_plugins (const Options * options,
    const Container * container);

/* Starts loading, on a thread, the plugin of the decoder that a worker on
 * `opencl_device` would choose for video of `caps`, if it is not loaded
 * yet (call worker_load_plugins first, and this once). Returns "PLUGIN
 * (DECODER's plugin)" (g_free) when it started, else NULL. exit() waits
 * for the thread. */
gchar *worker_load_decoder_ahead (const GstCaps * caps,
    const gchar * opencl_device);

/* Whether nvcodec has registered a decoder here (a GPU with NVDEC); the
 * registry says so without loading the plugin. */
gboolean worker_nvdec_registered (void);

/* The decoder a worker on `opencl_device` tries first for video of this
 * kind, if it is one of nvcodec's (NVDEC): its name (g_free), else NULL. */
gchar *worker_nvdec_decoder (const GstCaps * caps,
    const gchar * opencl_device);

/* The CUDA device (GPU index) an opencl-device names by index, or -1. */
gint worker_gpu_index (const gchar * opencl_device);

/* A pipeline that decodes `input` (only `range` of it, if not NULL), runs
 * umatconvert (on `opencl_device`, if not NULL) and the encoder, and
 * writes `output` in `container`. keep_audio: demuxed audio goes into the
 * output untouched where the container takes it. part (taken; NULL for
 * none): written into the output's tags as GST_TAG_COMMENT, with
 * "first-pts" added, the input's time of the first frame encoded.
 * output NULL (OUTPUT `-`): umatconvert's frames go to a fakesink
 * (sync=false), with no encoder, no muxer and no file, and no audio;
 * container, keep_audio and part are then unused (NULL, FALSE, NULL). */
Worker *worker_new (const Options * options, const gchar * input,
    const gchar * output, const Container * container, gboolean keep_audio,
    const Range * range, const gchar * opencl_device, GstStructure * part,
    WorkerDone done, gpointer user_data);
void worker_free (Worker * worker);

/* Starts the pipeline; FALSE when it cannot start (worker_error says why;
 * done is not called). */
gboolean worker_start (Worker * worker);

/* Finishes the file up to where the pipeline got (EOS from the source);
 * a range worker whose range has not begun to flow just ends. */
void worker_interrupt (Worker * worker);

/* Stops the pipeline now, its output unfinished; done is not called. TRUE
 * if it was running. */
gboolean worker_abandon (Worker * worker);

/* Whether the pipeline ended by itself at the end of its input or range. */
gboolean worker_finished (Worker * worker);

/* The input's time at the end of the last frame encoded (out of umatconvert,
 * without an encoder), or GST_CLOCK_TIME_NONE. */
GstClockTime worker_encoded_end (Worker * worker);

/* Stops the pipeline now. */
void worker_stop (Worker * worker);

/* The first error, as the one line to print; NULL while all is well. */
const gchar *worker_error (Worker * worker);

/* Whether an error was filesink's (the output is then not ours to remove). */
gboolean worker_sink_failed (Worker * worker);

/* Frames that reached the worker (processed + dropped) and those that
 * umatconvert kept. */
void worker_counts (Worker * worker, guint64 * in, guint64 * out);

/* Media time done (as far as the encoder, or without one umatconvert, has
 * output) and in all, for the range when there is one; either
 * GST_CLOCK_TIME_NONE while not known. */
void worker_progress (Worker * worker, GstClockTime * done,
    GstClockTime * total);

/* The umatconvert element that runs the chain (for its properties). */
GstElement *worker_umat (Worker * worker);

/* ---- parts and joining them (process-join.c) -------------------------- */

/* What a part says of itself: which range of which input it holds, with
 * what settings; written into the part as its comment tag. */
GstStructure *part_info_new (const gchar * input, guint64 input_size,
    const Range * range, const Options * options);

typedef struct _Join Join;
typedef void (*JoinDone) (Join * join, gpointer user_data);

/* Joins `parts` (NULL-terminated, any order) into `output`, not
 * re-encoded, with the audio of `audio_from` (NULL: the input the parts
 * recorded, if it is there). prefix: the parts are the first ranges of a
 * run that stopped early; the last may be short, and the audio stops where
 * the video does. */
Join *join_new (const Options * options, const gchar * const *parts,
    const gchar * audio_from, gboolean prefix,
    const gchar * output, const Container * container, JoinDone done,
    gpointer user_data);

/* Reads and checks the parts and starts; FALSE (join_error says why) when
 * it cannot, and done is not called. */
gboolean join_start (Join * join);

/* Ends the video where the join has got, and the audio there too. */
void join_interrupt (Join * join);
void join_stop (Join * join);
const gchar *join_error (Join * join);
gboolean join_sink_failed (Join * join);
guint join_parts (Join * join);
void join_progress (Join * join, GstClockTime * done, GstClockTime * total,
    guint64 * frames);
void join_free (Join * join);

/* ---- NVDEC engines (process-nvdec.c) ----------------------------------- */

/* The plugin whose decoders are NVDEC's: nvcodec (see process-nvdec.c
 * for the tests'). */
const gchar *nvdec_plugin (void);

/* How many NVDEC engines CUDA device `cuda_device` has for the codec of
 * `video` (parsed caps), as NVIDIA's decode library says; 0 when it cannot
 * tell, and then *why (g_free) says why. Takes a moment (it opens the
 * device's primary CUDA context): call it off the main loop. */
guint nvdec_engines (gint cuda_device, const GstCaps * video, gchar ** why);

G_END_DECLS
