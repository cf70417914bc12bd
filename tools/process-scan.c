/* umat-process: where the input can be cut into ranges that are processed
 * on their own.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One pass over the input without decoding (filesrc ! parsebin ! fakesink)
 * records every video sample's pts and whether it is a keyframe, in
 * decode order. A keyframe is a clean cut when the samples before it in
 * decode order are exactly those shown before it: none earlier has a later
 * pts (nothing of the GOP before it is shown after it), none later an
 * earlier pts (no leading pictures that need the GOP before it, as an open
 * GOP's B-frames do). Then the frames before the cut are the samples before
 * it, so its index in decode order is the index, in the whole input, of
 * the first frame at or after it, which selection-rate needs.
 *
 * Keyframes are found with GStreamer alone (no ffprobe), by reading the
 * file once: at disk speed, without decoding.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umat-process.h"

typedef struct
{
  GstClockTime pts;
  GstClockTime duration;
  gboolean keyframe;
} Sample;

struct _Scan
{
  const Options *options;
  gchar *input;
  ScanStreams streams;
  ScanDone done;
  gpointer user_data;

  GstElement *pipeline;
  guint bus_watch;

  GMutex lock;
  gboolean have_video;
  GArray *samples;              /* Sample, in decode order, under lock */

  /* main loop only */
  gboolean ended;
  gchar *error;
  GArray *cuts;                 /* Cut, by frame */
  guint64 frames;
  GstClockTime end;
};

static GstPadProbeReturn
on_sample (GstPad * pad, GstPadProbeInfo * info, Scan * scan)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Sample sample = {
    GST_BUFFER_PTS (buf), GST_BUFFER_DURATION (buf),
    !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)
  };

  g_mutex_lock (&scan->lock);
  g_array_append_val (scan->samples, sample);
  g_mutex_unlock (&scan->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_parsed_pad (GstElement * parsebin, GstPad * pad, Scan * scan)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gboolean take;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  g_mutex_lock (&scan->lock);
  take = !scan->have_video && g_str_has_prefix (gst_structure_get_name
      (gst_caps_get_structure (caps, 0)), "video/");
  scan->have_video = scan->have_video || take;
  g_mutex_unlock (&scan->lock);
  if (take && scan->streams != NULL)
    scan->streams (scan, caps, scan->user_data);
  gst_caps_unref (caps);
  if (take)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) on_sample, scan, NULL);
  discard_stream (GST_BIN (scan->pipeline), pad);
}

/* The clean cuts among the samples (see the top of the file). */
static void
find_cuts (Scan * scan)
{
  GArray *samples = scan->samples;
  guint n = samples->len, i;
  GstClockTime *later_min = g_new (GstClockTime, n + 1);
  GstClockTime earlier_max = 0;

  scan->frames = n;
  scan->end = 0;
  later_min[n] = GST_CLOCK_TIME_NONE;   /* the largest value */
  for (i = n; i > 0; i--) {
    Sample *s = &g_array_index (samples, Sample, i - 1);

    later_min[i - 1] = MIN (later_min[i], s->pts);
  }
  for (i = 0; i < n; i++) {
    Sample *s = &g_array_index (samples, Sample, i);
    Cut cut = { s->pts, i };

    if (!GST_CLOCK_TIME_IS_VALID (s->pts)) {
      /* without every pts, what is shown before what is not known */
      note (scan->options, "%s has video samples without a timestamp: it "
          "is not cut into ranges", scan->input);
      g_array_set_size (scan->cuts, 0);
      break;
    }
    if (i > 0 && s->keyframe && earlier_max < s->pts
        && later_min[i + 1] > s->pts)
      g_array_append_val (scan->cuts, cut);
    earlier_max = MAX (earlier_max, s->pts);
    scan->end = MAX (scan->end, s->pts + (GST_CLOCK_TIME_IS_VALID
            (s->duration) ? s->duration : 0));
  }
  g_free (later_min);
}

static void
scan_end (Scan * scan)
{
  if (scan->ended)
    return;
  scan->ended = TRUE;
  gst_element_set_state (scan->pipeline, GST_STATE_NULL);
  if (scan->error == NULL) {
    g_mutex_lock (&scan->lock);
    if (!scan->have_video || scan->samples->len == 0)
      scan->error = g_strdup_printf ("%s has no video stream GStreamer can "
          "read", scan->input);
    else
      find_cuts (scan);
    g_mutex_unlock (&scan->lock);
  }
  scan->done (scan, scan->user_data);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, Scan * scan)
{
  GError *err = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      scan_end (scan);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      if (scan->error == NULL)
        scan->error = g_strdup_printf ("cannot read %s: %s", scan->input,
            err->message);
      g_clear_error (&err);
      scan_end (scan);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

Scan *
scan_new (const Options * options, const gchar * input, ScanStreams streams,
    ScanDone done, gpointer user_data)
{
  Scan *scan = g_new0 (Scan, 1);
  GstElement *source, *parsebin;
  GstBus *bus;

  scan->options = options;
  scan->input = g_strdup (input);
  scan->streams = streams;
  scan->done = done;
  scan->user_data = user_data;
  g_mutex_init (&scan->lock);
  scan->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  scan->cuts = g_array_new (FALSE, FALSE, sizeof (Cut));

  scan->pipeline = gst_pipeline_new ("umat-process-scan");
  source = make_element ("filesrc", NULL);
  parsebin = make_element ("parsebin", NULL);
  g_object_set (source, "location", input, NULL);
  gst_bin_add_many (GST_BIN (scan->pipeline), source, parsebin, NULL);
  gst_element_link (source, parsebin);
  g_signal_connect (parsebin, "pad-added", G_CALLBACK (on_parsed_pad), scan);

  bus = gst_element_get_bus (scan->pipeline);
  scan->bus_watch = gst_bus_add_watch (bus, (GstBusFunc) on_bus_message,
      scan);
  gst_object_unref (bus);
  return scan;
}

gboolean
scan_start (Scan * scan)
{
  if (gst_element_set_state (scan->pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE)
    return TRUE;
  scan->error = g_strdup_printf ("cannot read %s", scan->input);
  scan->ended = TRUE;
  return FALSE;
}

void
scan_stop (Scan * scan)
{
  scan->ended = TRUE;
  gst_element_set_state (scan->pipeline, GST_STATE_NULL);
}

const gchar *
scan_error (Scan * scan)
{
  return scan->error;
}

guint64
scan_frames (Scan * scan)
{
  return scan->frames;
}

GstClockTime
scan_end_time (Scan * scan)
{
  return scan->end;
}

/* The cut whose frame is nearest `frame`, at or after index `from`. */
static guint
nearest_cut (GArray * cuts, guint from, guint64 frame)
{
  guint best = from, i;

  for (i = from; i < cuts->len; i++) {
    guint64 at = g_array_index (cuts, Cut, i).frame;
    guint64 best_at = g_array_index (cuts, Cut, best).frame;

    if ((at > frame ? at - frame : frame - at)
        < (best_at > frame ? best_at - frame : frame - best_at))
      best = i;
    if (at > frame)
      break;
  }
  return best;
}

Range *
scan_split (Scan * scan, guint wanted, guint * count)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (Cut));
  Range *ranges;
  guint k, next = 0, n;

  /* cuts as near as the keyframes allow to equal numbers of frames */
  for (k = 1; k < wanted && next < scan->cuts->len; k++) {
    guint64 target = scan->frames * k / wanted;
    guint i = nearest_cut (scan->cuts, next, target);

    g_array_append_val (chosen, g_array_index (scan->cuts, Cut, i));
    next = i + 1;
  }
  n = chosen->len + 1;
  ranges = g_new0 (Range, n);
  for (k = 0; k < n; k++) {
    Range *r = &ranges[k];

    r->index = k;
    r->count = n;
    r->start = k == 0 ? 0 : g_array_index (chosen, Cut, k - 1).pts;
    r->stop = k + 1 == n ? GST_CLOCK_TIME_NONE :
        g_array_index (chosen, Cut, k).pts;
    r->first_frame = k == 0 ? 0 : g_array_index (chosen, Cut, k - 1).frame;
    r->frames = (k + 1 == n ? scan->frames :
        g_array_index (chosen, Cut, k).frame) - r->first_frame;
    r->end = k + 1 == n ? scan->end : r->stop;
  }
  g_array_free (chosen, TRUE);
  *count = n;
  return ranges;
}

void
scan_free (Scan * scan)
{
  gst_element_set_state (scan->pipeline, GST_STATE_NULL);
  g_source_remove (scan->bus_watch);
  gst_object_unref (scan->pipeline);
  g_array_free (scan->cuts, TRUE);
  g_array_free (scan->samples, TRUE);
  g_mutex_clear (&scan->lock);
  g_free (scan->error);
  g_free (scan->input);
  g_free (scan);
}
