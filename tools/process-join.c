/* umat-process: joining the parts of an input processed range by range.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A part is an MP4 file of the encoded frames of one range, with a comment
 * tag that says which range of which input it is (a GstStructure named
 * "umat-process-part", see part_info_new) and the input's time of its
 * first frame. The join reads the parts in order with qtdemux, moves each
 * part's frames back to their times in the input, and pushes them, not
 * re-encoded, through an appsrc into the output's muxer:
 *
 *   appsrc ! [h264parse !] [MUXER !] filesink
 *   filesrc (the input) ! parsebin ! (audio) queue ! MUXER
 *
 * The frames go in at the running times one pipeline's muxer would get:
 * part 0's first frame at the running time its encoder gave it
 * ("first-out"), and every frame of part k later than that by its time in
 * the input less part 0's first frame's ("first-pts"), which is its time
 * in its part less the part's first frame's, plus the difference of the
 * first-pts of k and of 0. The audio comes from the input once, for
 * the whole file, and is cut where the video ends when the run stopped
 * early.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umat-process.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <glib/gstdio.h>

#include <string.h>

#define PART_INFO "umat-process-part"
#define PART_INFO_VERSION 1

/* The video's times are running times plus this: an encoder gives its
 * first frames decoding times before the start (B-frames), which the muxer
 * takes as negative running times, and a buffer's time cannot be negative
 * (x264enc's base class offsets its segment by as much, for the same
 * reason). */
#define TIME_BASE (1000 * 3600 * GST_SECOND)

/* How long reading a part may stall before the join gives up. */
#define READ_TIMEOUT (30 * GST_SECOND)
/* a part reader's frames read ahead of the join */
#define READ_AHEAD 64

typedef struct
{
  gchar *path;
  GstStructure *info;
  guint index;
  GstClockTime first_pts;       /* the input's time of its first frame */
  GstClockTime first_out;       /* the running time its encoder gave it */
  GstClockTime file_first;      /* that frame's time in the part */
  guint64 expected;             /* frames it has when complete */
  GstCaps *caps;
} Part;

struct _Join
{
  const Options *options;
  gchar *output;
  const Container *container;
  gchar *audio_from;
  gboolean prefix;
  JoinDone done;
  gpointer user_data;

  gchar **paths;                /* the parts as given */
  GPtrArray *parts;             /* Part, in range order */
  GstElement *pipeline;
  GstElement *appsrc;
  OutputEnd end;
  guint bus_watch;
  GThread *feeder;

  GMutex lock;
  GCond cond;
  gboolean streams_linked;      /* the audio is linked to the muxer */
  gboolean stop_feeding;        /* interrupted: end the video here */
  GstClockTime pushed_end;      /* output time of the end of what went in */
  guint64 frames;
  GstClockTime base;            /* the output segment's base */
  gboolean video_ended;         /* every frame that goes in has */

  /* main loop only */
  gboolean ended;
  gboolean interrupted;
  gchar *error;
  gboolean sink_failed;
};

/* ---- the parts' information -------------------------------------------- */

GstStructure *
part_info_new (const gchar * input, guint64 input_size, const Range * range,
    const Options * options)
{
  guint64 rate = options->selection_rate;
  gchar *path = g_canonicalize_filename (input, NULL);
  GstStructure *info;

  /* the frames selection-rate keeps: those whose index in the whole input
   * is a multiple of the rate */
  info = gst_structure_new (PART_INFO,
      "version", G_TYPE_INT, PART_INFO_VERSION,
      "index", G_TYPE_UINT, range->index,
      "count", G_TYPE_UINT, range->count,
      "input", G_TYPE_STRING, path,
      "input-size", G_TYPE_UINT64, input_size,
      "start", G_TYPE_UINT64, range->start,
      "end", G_TYPE_UINT64, range->end,
      "first-frame", G_TYPE_UINT64, range->first_frame,
      "frames", G_TYPE_UINT64, range->frames,
      "frames-out", G_TYPE_UINT64,
      (range->first_frame + range->frames + rate - 1) / rate
      - (range->first_frame + rate - 1) / rate,
      "selection-rate", G_TYPE_UINT, options->selection_rate,
      "chain", G_TYPE_STRING, options->chain,
      "encoder", G_TYPE_STRING, options->encoder_desc, NULL);
  g_free (path);
  return info;
}

typedef struct
{
  GstElement *pipeline;
  GstElement *sink;
  GMutex lock;
  GCond cond;
  gboolean linked;
  gchar *comment;
} PartReader;

static GstPadProbeReturn
on_part_tags (GstPad * pad, GstPadProbeInfo * info, PartReader * reader)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstTagList *tags;
  gchar *comment = NULL;

  if (GST_EVENT_TYPE (event) != GST_EVENT_TAG)
    return GST_PAD_PROBE_OK;
  gst_event_parse_tag (event, &tags);
  if (gst_tag_list_get_string (tags, GST_TAG_COMMENT, &comment)
      && g_str_has_prefix (comment, PART_INFO)) {
    g_mutex_lock (&reader->lock);
    g_free (reader->comment);
    reader->comment = comment;
    g_mutex_unlock (&reader->lock);
  } else {
    g_free (comment);
  }
  return GST_PAD_PROBE_OK;
}

static void
on_part_pad (GstElement * demux, GstPad * pad, PartReader * reader)
{
  GstPad *sink = gst_element_get_static_pad (reader->sink, "sink");

  g_mutex_lock (&reader->lock);
  if (!reader->linked && g_str_has_prefix (GST_PAD_NAME (pad), "video")) {
    gst_pad_link (pad, sink);
    reader->linked = TRUE;
    g_cond_signal (&reader->cond);
  }
  g_mutex_unlock (&reader->lock);
  gst_object_unref (sink);
}

static void
part_reader_close (PartReader * reader)
{
  gst_element_set_state (reader->pipeline, GST_STATE_NULL);
  gst_object_unref (reader->pipeline);
  g_mutex_clear (&reader->lock);
  g_cond_clear (&reader->cond);
  g_free (reader->comment);
  g_free (reader);
}

/* The error on a reader's bus, as a line, or NULL. */
static gchar *
part_reader_error (PartReader * reader, const gchar * path)
{
  GstBus *bus = gst_element_get_bus (reader->pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *err = NULL;
  gchar *text = NULL;

  if (msg != NULL) {
    gst_message_parse_error (msg, &err, NULL);
    text = g_strdup_printf ("cannot read the part %s: %s", path,
        err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return text;
}

/* A part's video, read by a thread of its own into an appsink. */
static PartReader *
part_reader_open (const gchar * path, gchar ** error)
{
  PartReader *reader = g_new0 (PartReader, 1);
  GstElement *source, *demux;
  GstPad *sink;
  gint64 until = g_get_monotonic_time () + READ_TIMEOUT / GST_USECOND;

  g_mutex_init (&reader->lock);
  g_cond_init (&reader->cond);
  reader->pipeline = gst_pipeline_new ("umat-process-part");
  source = make_element ("filesrc", NULL);
  demux = make_element ("qtdemux", NULL);
  reader->sink = make_element ("appsink", NULL);
  g_object_set (source, "location", path, NULL);
  /* not synchronised, not waiting to preroll. Nor waiting at the end for
   * its frames to be pulled, and bounded only once the pipeline plays
   * (below): an appsink that waits (for the frames to be pulled at EOS,
   * for room in its queue) does so inside GstBaseSink's preroll lock,
   * which the sink's own change to PLAYING takes. An unsynchronised sink
   * takes frames from PAUSED on, so a fast demuxer could fill it, or reach
   * the end of a short part, while the pipeline was still on its way to
   * PLAYING, and the state change (in this thread, the only one that
   * pulls) waited for ever. The frames queued at EOS are still pulled. */
  g_object_set (reader->sink, "sync", FALSE, "async", FALSE, "wait-on-eos",
      FALSE, NULL);
  gst_bin_add_many (GST_BIN (reader->pipeline), source, demux, reader->sink,
      NULL);
  gst_element_link (source, demux);
  sink = gst_element_get_static_pad (reader->sink, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_part_tags, reader, NULL);
  gst_object_unref (sink);
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_part_pad), reader);

  if (gst_element_set_state (reader->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    goto failed;
  g_object_set (reader->sink, "max-buffers", READ_AHEAD, NULL);
  g_mutex_lock (&reader->lock);
  while (!reader->linked && g_cond_wait_until (&reader->cond, &reader->lock,
          until));
  g_mutex_unlock (&reader->lock);
  if (!reader->linked)
    goto failed;
  return reader;

failed:
  *error = part_reader_error (reader, path);
  if (*error == NULL)
    *error = g_strdup_printf ("%s is not an MP4 file with video", path);
  part_reader_close (reader);
  return NULL;
}

static GstSample *
part_reader_pull (PartReader * reader)
{
  return gst_app_sink_try_pull_sample (GST_APP_SINK (reader->sink),
      READ_TIMEOUT);
}

static void
part_free (Part * part)
{
  if (part->info)
    gst_structure_free (part->info);
  if (part->caps)
    gst_caps_unref (part->caps);
  g_free (part->path);
  g_free (part);
}

/* Reads what a part says of itself and its first frame. */
static Part *
part_read (const gchar * path, gchar ** error)
{
  Part *part = g_new0 (Part, 1);
  PartReader *reader;
  GstSample *sample;
  guint64 first_pts, first_out;
  gchar *comment;

  part->path = g_strdup (path);
  reader = part_reader_open (path, error);
  if (reader == NULL) {
    part_free (part);
    return NULL;
  }
  sample = part_reader_pull (reader);
  g_mutex_lock (&reader->lock);
  comment = g_strdup (reader->comment);
  g_mutex_unlock (&reader->lock);
  if (sample == NULL) {
    *error = part_reader_error (reader, path);
    if (*error == NULL)
      *error = g_strdup_printf ("the part %s has no frames", path);
  } else {
    part->caps = gst_caps_ref (gst_sample_get_caps (sample));
    part->file_first = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
    gst_sample_unref (sample);
    if (comment != NULL)
      part->info = gst_structure_from_string (comment, NULL);
    if (part->info == NULL
        || !gst_structure_get_uint (part->info, "index", &part->index)
        || !gst_structure_get_uint64 (part->info, "frames-out",
            &part->expected)
        || !gst_structure_get_uint64 (part->info, "first-pts", &first_pts)
        || !gst_structure_get_uint64 (part->info, "first-out", &first_out)
        || !GST_CLOCK_TIME_IS_VALID (part->file_first))
      *error = g_strdup_printf ("%s is not a part that umat-process wrote "
          "(it does not say which range of which input it holds)", path);
    part->first_pts = first_pts;
    part->first_out = first_out;
  }
  g_free (comment);
  part_reader_close (reader);
  if (*error != NULL) {
    part_free (part);
    return NULL;
  }
  return part;
}

static gint
compare_parts (gconstpointer a, gconstpointer b)
{
  const Part *pa = *(const Part **) a, *pb = *(const Part **) b;

  return pa->index < pb->index ? -1 : pa->index > pb->index;
}

/* Whether two parts hold the same stream: the same codec and codec data,
 * size and packaging (qtdemux leaves out a framerate it cannot derive from
 * a part's sample durations, so not all fields are compared). */
static gboolean
same_stream (const Part * a, const Part * b)
{
  static const gchar *const fields[] = {
    "stream-format", "alignment", "codec_data", "width", "height", NULL
  };
  GstStructure *sa = gst_caps_get_structure (a->caps, 0);
  GstStructure *sb = gst_caps_get_structure (b->caps, 0);
  guint i;

  if (!gst_structure_has_name (sb, gst_structure_get_name (sa)))
    return FALSE;
  for (i = 0; fields[i] != NULL; i++) {
    const GValue *va = gst_structure_get_value (sa, fields[i]);
    const GValue *vb = gst_structure_get_value (sb, fields[i]);

    if ((va == NULL) != (vb == NULL)
        || (va && gst_value_compare (va, vb) != GST_VALUE_EQUAL))
      return FALSE;
  }
  return TRUE;
}

/* Whether two parts' information agrees on `field`. */
static gboolean
same_field (const Part * a, const Part * b, const gchar * field)
{
  const GValue *va = gst_structure_get_value (a->info, field);
  const GValue *vb = gst_structure_get_value (b->info, field);

  return va && vb && gst_value_compare (va, vb) == GST_VALUE_EQUAL;
}

/* The parts in range order, one for each range (from the first up to the
 * last given, with prefix), all of the same input and settings. */
static gchar *
check_parts (Join * join)
{
  static const gchar *const same[] = {
    "version", "count", "input", "input-size", "selection-rate", "chain",
    "encoder", NULL
  };
  GPtrArray *parts = join->parts;
  const Part *first;
  guint count, i, j;

  g_ptr_array_sort (parts, compare_parts);
  first = g_ptr_array_index (parts, 0);
  gst_structure_get_uint (first->info, "count", &count);
  for (i = 0; i < parts->len; i++) {
    const Part *part = g_ptr_array_index (parts, i);

    for (j = 0; same[j] != NULL; j++)
      if (!same_field (part, first, same[j]))
        return g_strdup_printf ("%s and %s are not parts of one run: their "
            "%s differs", first->path, part->path, same[j]);
    if (!same_stream (part, first))
      return g_strdup_printf ("%s and %s were encoded differently (their "
          "caps differ): they cannot be joined without re-encoding",
          first->path, part->path);
    if (part->index != i) {
      if (part->index < i)
        return g_strdup_printf ("%s and %s are both range %u", part->path,
            ((Part *) g_ptr_array_index (parts, i - 1))->path, part->index);
      return g_strdup_printf ("range %u of %u is missing (it would be the "
          "part of --segment %u/%u)", i, count, i, count);
    }
  }
  if (!join->prefix && parts->len != count)
    return g_strdup_printf ("range %u of %u is missing (it would be the "
        "part of --segment %u/%u)", parts->len, count, parts->len, count);
  return NULL;
}

/* ---- feeding the muxer ------------------------------------------------- */

static void
join_post_error (Join * join, gchar * text)
{
  GstStructure *s = gst_structure_new ("umat-process-error",
      "text", G_TYPE_STRING, text, NULL);

  g_free (text);
  gst_element_post_message (join->pipeline,
      gst_message_new_application (GST_OBJECT (join->pipeline), s));
}

/* Pushes one part's frames at the running times one pipeline's muxer
 * would get: running time = time in the part + offset. The number pushed,
 * or -1 after an error (posted) or when told to stop. */
static gint64
feed_part (Join * join, Part * part, GstClockTimeDiff offset)
{
  GstAppSrc *src = GST_APP_SRC (join->appsrc);
  gchar *error = NULL;
  PartReader *reader = part_reader_open (part->path, &error);
  GstSample *sample;
  gint64 pushed = 0;

  if (reader == NULL) {
    join_post_error (join, error);
    return -1;
  }
  while ((sample = part_reader_pull (reader)) != NULL) {
    GstBuffer *buf = gst_buffer_copy (gst_sample_get_buffer (sample));
    gboolean stop;

    gst_sample_unref (sample);
    if (GST_BUFFER_PTS_IS_VALID (buf))
      GST_BUFFER_PTS (buf) += TIME_BASE - join->base + offset;
    if (GST_BUFFER_DTS_IS_VALID (buf))
      GST_BUFFER_DTS (buf) += TIME_BASE - join->base + offset;
    g_mutex_lock (&join->lock);
    stop = join->stop_feeding;
    if (!stop && GST_BUFFER_PTS_IS_VALID (buf)) {
      GstClockTime end = GST_BUFFER_PTS (buf) - TIME_BASE + join->base
          + (GST_BUFFER_DURATION_IS_VALID (buf) ? GST_BUFFER_DURATION (buf) :
          0);

      if (!GST_CLOCK_TIME_IS_VALID (join->pushed_end)
          || end > join->pushed_end) {
        join->pushed_end = end;
        g_cond_broadcast (&join->cond);
      }
      join->frames++;
    }
    g_mutex_unlock (&join->lock);
    if (stop) {
      gst_buffer_unref (buf);
      pushed = -1;
      break;
    }
    if (gst_app_src_push_buffer (src, buf) != GST_FLOW_OK) {
      pushed = -1;              /* flushing: the join is being stopped */
      break;
    }
    pushed++;
  }
  if (pushed >= 0 && (error = part_reader_error (reader, part->path)))
    join_post_error (join, error);
  part_reader_close (reader);
  return error ? -1 : pushed;
}

/* appsrc's segment starts at 0: it becomes the segment part 0's encoder
 * gave its first frame, moved to start at TIME_BASE: the same running
 * time, time from the start and stream time for it. */
static GstPadProbeReturn
encoder_segment (GstPad * pad, GstPadProbeInfo * info, Join * join)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  Part *first = g_ptr_array_index (join->parts, 0);
  guint64 position = 0, stream = 0;
  GstSegment segment;

  if (GST_EVENT_TYPE (event) != GST_EVENT_SEGMENT)
    return GST_PAD_PROBE_OK;
  gst_structure_get_uint64 (first->info, "first-out-position", &position);
  gst_structure_get_uint64 (first->info, "first-out-stream", &stream);
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = segment.position = TIME_BASE;
  segment.base = first->first_out - position;
  segment.time = stream - position;
  GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&segment);
  gst_event_set_seqnum (GST_PAD_PROBE_INFO_DATA (info),
      gst_event_get_seqnum (event));
  gst_event_unref (event);
  return GST_PAD_PROBE_OK;
}

static gpointer
feed (Join * join)
{
  Part *first = g_ptr_array_index (join->parts, 0);
  gint64 until = g_get_monotonic_time () + READ_TIMEOUT / GST_USECOND;
  guint i;

  /* the muxer takes no new stream once it has begun: the audio first */
  g_mutex_lock (&join->lock);
  while (!join->streams_linked && !join->stop_feeding
      && g_cond_wait_until (&join->cond, &join->lock, until));
  g_mutex_unlock (&join->lock);

  for (i = 0; i < join->parts->len; i++) {
    Part *part = g_ptr_array_index (join->parts, i);
    /* from running times in part k's pipeline to those in one pipeline;
     * and from times in the part to running times in its pipeline, by its
     * first frame: exactly, so that part 0's first frame lands on the
     * segment's start. (Anchored on the first dts instead, the part's
     * rounding of pts to its timescale put that frame 1 ns before the
     * start whenever the encoder's first dts was not on the timescale's
     * grid, and the muxer dropped it as outside the segment.) */
    GstClockTimeDiff offset =
        GST_CLOCK_DIFF (first->first_pts, first->first_out)
        - GST_CLOCK_DIFF (part->first_pts, part->first_out)
        + GST_CLOCK_DIFF (part->file_first, part->first_out);
    gint64 pushed = feed_part (join, part, offset);

    if (pushed < 0)
      break;
    /* only the last part of a run that stopped early may be short */
    if ((guint64) pushed != part->expected
        && !(join->prefix && i + 1 == join->parts->len)) {
      join_post_error (join, g_strdup_printf ("the part %s is incomplete "
              "(%" G_GINT64_FORMAT " of %" G_GUINT64_FORMAT " frames): run "
              "its --segment again", part->path, pushed, part->expected));
      break;
    }
  }
  g_mutex_lock (&join->lock);
  join->video_ended = TRUE;
  g_cond_broadcast (&join->cond);
  g_mutex_unlock (&join->lock);
  gst_app_src_end_of_stream (GST_APP_SRC (join->appsrc));
  return NULL;
}

/* ---- the audio --------------------------------------------------------- */

/* Cuts the audio where the video ends, when the run stopped early: on the
 * queue's way out, so that what it holds past that point goes too. Where
 * the video ends is known once the last frame has gone in; until then the
 * audio waits for the video to get ahead of it, so that none past the end
 * reaches the muxer (which never holds back the audio while it has the
 * video up to that time). */
static GstPadProbeReturn
cut_audio (GstPad * pad, GstPadProbeInfo * info, Join * join)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstEvent *event;
  GstClockTime stop = GST_CLOCK_TIME_NONE, running_time;
  const GstSegment *segment;

  if (!GST_BUFFER_PTS_IS_VALID (buf)
      || (event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0)) == NULL)
    return GST_PAD_PROBE_OK;
  gst_event_parse_segment (event, &segment);
  running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buf));
  gst_event_unref (event);
  if (!GST_CLOCK_TIME_IS_VALID (running_time))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&join->lock);
  while (join->prefix && !join->video_ended && !join->stop_feeding
      && (!GST_CLOCK_TIME_IS_VALID (join->pushed_end)
          || running_time >= join->pushed_end))
    g_cond_wait (&join->cond, &join->lock);
  if (join->video_ended && (join->prefix || join->stop_feeding))
    stop = join->pushed_end;
  g_mutex_unlock (&join->lock);
  if (!GST_CLOCK_TIME_IS_VALID (stop) || running_time < stop)
    return GST_PAD_PROBE_OK;
  gst_pad_push_event (pad, gst_event_new_eos ());
  return GST_PAD_PROBE_DROP;
}

/* parsebin exposes all the streams before data flows through any of
 * them: the first data says the audio is linked. */
static GstPadProbeReturn
streams_linked (GstPad * pad, GstPadProbeInfo * info, Join * join)
{
  if ((info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
      && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&join->lock);
  join->streams_linked = TRUE;
  g_cond_broadcast (&join->cond);
  g_mutex_unlock (&join->lock);
  return GST_PAD_PROBE_REMOVE;
}

static void
on_audio_pad (GstElement * parsebin, GstPad * pad, Join * join)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstPad *out = NULL;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER
      | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) streams_linked, join, NULL);
  /* the input's video is in the parts */
  if (g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps,
                  0)), "video/"))
    discard_stream (GST_BIN (join->pipeline), pad);
  else
    out = output_end_link_stream (join->options, &join->end,
        GST_BIN (join->pipeline), pad, TRUE, join->audio_from);
  gst_caps_unref (caps);

  if (out != NULL) {
    gst_pad_add_probe (out, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) cut_audio, join, NULL);
    gst_object_unref (out);
  }
}

/* The input the parts were made from, for its audio: --audio-from, else
 * the path the parts recorded, when it is still there. NULL: no audio. */
static gchar *
find_audio (Join * join, const gchar * audio_from, gchar ** error)
{
  Part *first = g_ptr_array_index (join->parts, 0);
  const gchar *recorded = gst_structure_get_string (first->info, "input");
  guint64 size = 0, recorded_size = 0;
  GStatBuf st;

  gst_structure_get_uint64 (first->info, "input-size", &recorded_size);
  if (audio_from == NULL) {
    if (recorded == NULL || g_stat (recorded, &st) != 0
        || (guint64) st.st_size != recorded_size) {
      say (join->options, "warning", "the input the parts were made from "
          "(%s) is not there: the output has no audio (--audio-from INPUT "
          "names it)", recorded ? recorded : "not recorded");
      return NULL;
    }
    return g_strdup (recorded);
  }
  if (g_stat (audio_from, &st) == 0)
    size = st.st_size;
  if (size != recorded_size) {
    *error = g_strdup_printf ("%s is not the input the parts were made from "
        "(%s, of %" G_GUINT64_FORMAT " bytes)", audio_from, recorded,
        recorded_size);
    return NULL;
  }
  return g_strdup (audio_from);
}

/* ---- the join ---------------------------------------------------------- */

static void
join_set_error (Join * join, gchar * text)
{
  if (join->error == NULL)
    join->error = text;
  else
    g_free (text);
}

static void
join_end (Join * join)
{
  if (join->ended)
    return;
  join->ended = TRUE;
  join->done (join, join->user_data);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, Join * join)
{
  GError *err = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      join_end (join);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      if (join->error == NULL && GST_MESSAGE_SRC (msg)
          == GST_OBJECT (join->end.sink))
        join->sink_failed = TRUE;
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (join->end.sink))
        join_set_error (join, g_strdup_printf ("cannot write %s: %s",
                join->output, err->message));
      else
        join_set_error (join, g_strdup_printf ("%s: %s",
                element_kind (GST_MESSAGE_SRC (msg)), err->message));
      g_clear_error (&err);
      join_end (join);
      break;
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (msg, "umat-process-error")) {
        join_set_error (join, g_strdup (gst_structure_get_string
                (gst_message_get_structure (msg), "text")));
        join_end (join);
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

Join *
join_new (const Options * options, const gchar * const *parts,
    const gchar * audio_from, gboolean prefix,
    const gchar * output, const Container * container, JoinDone done,
    gpointer user_data)
{
  Join *join = g_new0 (Join, 1);

  join->options = options;
  join->output = g_strdup (output);
  join->container = container;
  join->audio_from = g_strdup (audio_from);
  join->prefix = prefix;
  join->done = done;
  join->user_data = user_data;
  join->pushed_end = GST_CLOCK_TIME_NONE;
  g_mutex_init (&join->lock);
  g_cond_init (&join->cond);
  join->paths = g_strdupv ((gchar **) parts);
  join->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  return join;
}

gboolean
join_start (Join * join)
{
  GstElement *source, *parsebin;
  Part *first;
  GstBus *bus;
  gchar *error = NULL, *audio;
  guint i;

  /* what each part is, in range order */
  for (i = 0; join->paths[i] != NULL && error == NULL; i++) {
    Part *part = part_read (join->paths[i], &error);

    if (part != NULL)
      g_ptr_array_add (join->parts, part);
  }
  if (error == NULL && join->parts->len == 0)
    error = g_strdup ("no parts to join");
  if (error == NULL)
    error = check_parts (join);
  if (error != NULL)
    goto failed;
  first = g_ptr_array_index (join->parts, 0);
  {
    guint64 position = 0;

    gst_structure_get_uint64 (first->info, "first-out-position", &position);
    join->base = first->first_out - position;
  }
  audio = find_audio (join, join->audio_from, &error);
  if (error != NULL)
    goto failed;
  g_free (join->audio_from);
  join->audio_from = audio;

  join->pipeline = gst_pipeline_new ("umat-process-join");
  join->appsrc = make_element ("appsrc", NULL);
  g_object_set (join->appsrc, "caps", first->caps, "format", GST_FORMAT_TIME,
      "block", TRUE, "max-bytes", (guint64) 8 << 20, NULL);
  gst_bin_add (GST_BIN (join->pipeline), join->appsrc);
  {
    GstPad *pad = gst_element_get_static_pad (join->appsrc, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        (GstPadProbeCallback) encoder_segment, join, NULL);
    gst_object_unref (pad);
  }
  if (!output_end_build (GST_BIN (join->pipeline), join->appsrc,
          join->container, join->output, &join->end, &error))
    goto failed;
  join->streams_linked = join->audio_from == NULL;
  if (join->audio_from != NULL) {
    source = make_element ("filesrc", NULL);
    parsebin = make_element ("parsebin", NULL);
    g_object_set (source, "location", join->audio_from, NULL);
    gst_bin_add_many (GST_BIN (join->pipeline), source, parsebin, NULL);
    gst_element_link (source, parsebin);
    g_signal_connect (parsebin, "pad-added", G_CALLBACK (on_audio_pad),
        join);
  }
  bus = gst_element_get_bus (join->pipeline);
  join->bus_watch = gst_bus_add_watch (bus, (GstBusFunc) on_bus_message,
      join);
  gst_object_unref (bus);

  if (gst_element_set_state (join->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    error = g_strdup_printf ("cannot start writing %s", join->output);
    goto failed;
  }
  join->feeder = g_thread_new ("umat-process-join", (GThreadFunc) feed,
      join);
  return TRUE;

failed:
  join_set_error (join, error);
  join->ended = TRUE;
  return FALSE;
}

void
join_interrupt (Join * join)
{
  if (join->ended || join->interrupted)
    return;
  join->interrupted = TRUE;
  g_mutex_lock (&join->lock);
  join->stop_feeding = TRUE;
  g_cond_broadcast (&join->cond);
  g_mutex_unlock (&join->lock);
}

void
join_stop (Join * join)
{
  g_mutex_lock (&join->lock);
  join->stop_feeding = TRUE;
  g_cond_broadcast (&join->cond);
  g_mutex_unlock (&join->lock);
  if (join->pipeline != NULL)
    gst_element_set_state (join->pipeline, GST_STATE_NULL);
  if (join->feeder != NULL) {
    g_thread_join (join->feeder);
    join->feeder = NULL;
  }
}

const gchar *
join_error (Join * join)
{
  return join->error;
}

gboolean
join_sink_failed (Join * join)
{
  return join->sink_failed;
}

guint
join_parts (Join * join)
{
  return join->parts->len;
}

void
join_progress (Join * join, GstClockTime * done, GstClockTime * total,
    guint64 * frames)
{
  Part *first, *last;
  guint64 start = 0, end = 0;

  *done = *total = GST_CLOCK_TIME_NONE;
  *frames = 0;
  if (join->parts->len == 0 || join->pipeline == NULL)
    return;
  first = g_ptr_array_index (join->parts, 0);
  last = g_ptr_array_index (join->parts, join->parts->len - 1);
  gst_structure_get_uint64 (first->info, "start", &start);
  gst_structure_get_uint64 (last->info, "end", &end);
  *total = end - start;
  g_mutex_lock (&join->lock);
  *frames = join->frames;
  if (GST_CLOCK_TIME_IS_VALID (join->pushed_end))
    *done = MIN (*total, join->pushed_end > first->first_out ?
        join->pushed_end - first->first_out : 0);
  g_mutex_unlock (&join->lock);
}

void
join_free (Join * join)
{
  join_stop (join);
  if (join->pipeline != NULL) {
    g_source_remove (join->bus_watch);
    gst_object_unref (join->pipeline);
  }
  g_ptr_array_free (join->parts, TRUE);
  g_strfreev (join->paths);
  g_cond_clear (&join->cond);
  g_mutex_clear (&join->lock);
  g_free (join->error);
  g_free (join->audio_from);
  g_free (join->output);
  g_free (join);
}
