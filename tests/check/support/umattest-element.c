/* umattest: umatconvert in a harness or a pipeline, and its accounting.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

/* ------------------------------------------------------------------------
 * Harnesses
 * ------------------------------------------------------------------------ */

GstHarness *
umattest_harness_new (const gchar * properties)
{
  gchar *line = g_strdup_printf ("umatconvert device=%s %s",
      umattest_device (), properties ? properties : "");
  GstElement *element = gst_parse_launch (line, NULL);
  GstHarness *h;

  fail_unless (element != NULL, "cannot make %s", line);
  h = gst_harness_new_with_element (element, "sink", "src");
  umattest_accounting_attach (h->element);
  gst_object_unref (element);
  g_free (line);
  return h;
}

void
umattest_harness_teardown (GstHarness * h)
{
  /* stopped first: frames still in flight are counted as dropped then */
  gst_element_set_state (h->element, GST_STATE_NULL);
  umattest_accounting_check (h->element);
  gst_harness_teardown (h);
}

void
umattest_harness_drain (GstHarness * h)
{
  GstQuery *query = gst_query_new_drain ();

  fail_unless (gst_pad_peer_query (h->srcpad, query), "DRAIN refused");
  gst_query_unref (query);
}

GstBuffer *
umattest_harness_convert (GstHarness * h, GstCaps * in_caps,
    GstCaps * out_caps, GstBuffer * frame)
{
  GstBuffer *out;

  gst_harness_set_caps (h, in_caps, out_caps);
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  umattest_harness_drain (h);
  out = gst_harness_pull (h);
  fail_unless (out != NULL, "no frame came out");
  return out;
}

gboolean
umattest_element_fused (GstElement * element)
{
  gboolean fused = FALSE;

  g_object_get (element, "fused", &fused, NULL);
  return fused;
}

gchar *
umattest_element_backend (GstElement * element)
{
  gchar *backend = NULL;

  g_object_get (element, "backend", &backend, NULL);
  return backend;
}

/* ------------------------------------------------------------------------
 * Pipelines
 * ------------------------------------------------------------------------ */

void
umattest_pipeline_init (UmattestPipeline * p, const gchar * caps,
    const gchar * upstream, const gchar * properties)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time caps=\"%s\" ! "
      "%s%s umatconvert name=convert device=%s %s ! "
      "appsink name=sink sync=false wait-on-eos=false", caps,
      upstream ? upstream : "", upstream ? " !" : "", umattest_device (),
      properties ? properties : "");
  GError *error = NULL;

  p->pipeline = gst_parse_launch (desc, &error);
  fail_unless (p->pipeline != NULL && error == NULL, "could not build %s: %s",
      desc, error ? error->message : "");
  p->src = gst_bin_get_by_name (GST_BIN (p->pipeline), "src");
  p->convert = gst_bin_get_by_name (GST_BIN (p->pipeline), "convert");
  p->sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  p->bus = gst_element_get_bus (p->pipeline);
  p->reached_eos = FALSE;
  umattest_accounting_attach (p->convert);
  g_free (desc);
}

void
umattest_pipeline_clear (UmattestPipeline * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  if (p->reached_eos)
    umattest_accounting_check (p->convert);
  gst_clear_object (&p->src);
  gst_clear_object (&p->convert);
  gst_clear_object (&p->sink);
  gst_clear_object (&p->bus);
  gst_clear_object (&p->pipeline);
}

void
umattest_pipeline_push_frames (UmattestPipeline * p, GstVideoFormat format,
    gint width, gint height, guint n)
{
  guint i;

  for (i = 0; i < n; i++)
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (p->src),
            umattest_buffer_new_timed (format, width, height, i)), GST_FLOW_OK);
}

GError *
umattest_pipeline_finish (UmattestPipeline * p, gchar ** debug)
{
  GstMessage *msg;
  GError *error = NULL;

  gst_app_src_end_of_stream (GST_APP_SRC (p->src));
  msg = gst_bus_timed_pop_filtered (p->bus, umattest_stall_timeout (60),
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "neither EOS nor an error within 60 s");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &error, debug);
  else
    p->reached_eos = TRUE;
  gst_message_unref (msg);
  return error;
}

GstSample *
umattest_pipeline_pull (UmattestPipeline * p)
{
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (p->sink),
      umattest_stall_timeout (30));

  fail_unless (sample != NULL, "no frame within 30 s");
  return sample;
}

UmattestImage *
umattest_pipeline_convert (UmattestPipeline * p, GstBuffer * frame,
    const gchar * format)
{
  GstSample *sample;
  UmattestImage *out;

  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (p->src),
          frame), GST_FLOW_OK);
  sample = umattest_pipeline_pull (p);
  if (format)
    fail_unless_equals_string (gst_structure_get_string
        (gst_caps_get_structure (gst_sample_get_caps (sample), 0), "format"),
        format);
  out = umattest_image_from_sample (sample);
  gst_sample_unref (sample);
  return out;
}

gboolean
umattest_pipeline_drain (UmattestPipeline * p, GPtrArray * samples,
    GError ** error, gchar ** warnings)
{
  GString *seen = g_string_new ("");
  gboolean eos = FALSE, failed = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (!eos && !failed) {
    GstSample *sample;
    GstMessage *msg;

    fail_unless (g_get_monotonic_time () < deadline, "neither EOS nor an "
        "error within 60 s");
    while ((msg = gst_bus_pop_filtered (p->bus, GST_MESSAGE_ERROR
                | GST_MESSAGE_WARNING | GST_MESSAGE_EOS))) {
      GError *e = NULL;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
        eos = TRUE;
      } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        if (!failed)            /* the first says why; others follow it */
          gst_message_parse_error (msg, error, NULL);
        failed = TRUE;
      } else {
        gst_message_parse_warning (msg, &e, NULL);
        g_string_append_printf (seen, "%s\n", e->message);
        g_error_free (e);
      }
      gst_message_unref (msg);
    }
    if (failed)
      break;
    /* appsink posts EOS without waiting for the samples to be pulled */
    while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (p->sink),
                eos ? 0 : GST_SECOND / 20)))
      g_ptr_array_add (samples, sample);
  }
  p->reached_eos = eos;
  if (warnings)
    *warnings = g_string_free (seen, FALSE);
  else
    g_string_free (seen, TRUE);
  /* an element that posts an error without returning GST_FLOW_ERROR lets
   * EOS through after it: that is still a failure */
  return eos && !failed;
}

gchar *
umattest_bus_texts (GstBus * bus, GstMessageType type, guint * count)
{
  GString *texts = g_string_new ("");
  GstMessage *msg;
  guint n = 0;

  g_assert (type == GST_MESSAGE_WARNING || type == GST_MESSAGE_ERROR);
  while ((msg = gst_bus_pop_filtered (bus, type))) {
    GError *error = NULL;

    if (type == GST_MESSAGE_WARNING)
      gst_message_parse_warning (msg, &error, NULL);
    else
      gst_message_parse_error (msg, &error, NULL);
    g_string_append_printf (texts, "%s%s", n ? "\n" : "", error->message);
    g_error_free (error);
    gst_message_unref (msg);
    n++;
  }
  if (count)
    *count = n;
  return g_string_free (texts, FALSE);
}

/* ------------------------------------------------------------------------
 * Frame accounting
 * ------------------------------------------------------------------------ */

typedef struct
{
  GMutex lock;
  guint64 in, since_flush;
  guint flushes;
  GArray *chosen;               /* PTS of the frames selection keeps */
  GArray *out;                  /* PTS of the frames that left */
} Accounting;

static GstPadProbeReturn
accounting_sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Accounting *a = data;
  GstElement *element = GST_ELEMENT (gst_pad_get_parent (pad));
  guint rate = 1;

  if (element) {
    g_object_get (element, "selection-rate", &rate, NULL);
    gst_object_unref (element);
  }
  g_mutex_lock (&a->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));
    a->in++;
    if (a->since_flush++ % rate == 0)
      g_array_append_val (a->chosen, pts);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info))
      == GST_EVENT_FLUSH_STOP) {
    a->since_flush = 0;
    a->flushes++;
  }
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
accounting_src_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Accounting *a = data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&a->lock);
  g_array_append_val (a->out, pts);
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static void
accounting_free (gpointer data)
{
  Accounting *a = data;

  g_array_free (a->chosen, TRUE);
  g_array_free (a->out, TRUE);
  g_mutex_clear (&a->lock);
  g_free (a);
}

void
umattest_accounting_attach (GstElement * convert)
{
  Accounting *a = g_new0 (Accounting, 1);
  GstPad *sink = gst_element_get_static_pad (convert, "sink");
  GstPad *src = gst_element_get_static_pad (convert, "src");

  g_mutex_init (&a->lock);
  a->chosen = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  a->out = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER
      | GST_PAD_PROBE_TYPE_EVENT_FLUSH, accounting_sink_probe, a, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, accounting_src_probe, a,
      NULL);
  g_object_set_data_full (G_OBJECT (convert), "umattest-accounting", a,
      accounting_free);
  gst_object_unref (sink);
  gst_object_unref (src);
}

guint64
umattest_accounting_check (GstElement * convert)
{
  Accounting *a = g_object_get_data (G_OBJECT (convert),
      "umattest-accounting");
  guint64 processed, dropped, in;
  guint i, j;

  fail_unless (a != NULL, "umattest_accounting_attach() was not called");
  g_object_get (convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  g_mutex_lock (&a->lock);
  fail_unless (a->in == processed + dropped, "%" G_GUINT64_FORMAT
      " frames in, but %" G_GUINT64_FORMAT " processed + %" G_GUINT64_FORMAT
      " dropped", a->in, processed, dropped);
  /* a flush may discard the one frame being pushed when it comes: it was
   * converted (processed), then the flushing pad refused it */
  fail_unless (a->out->len <= processed
      && a->out->len + a->flushes >= processed, "%u frames out, but %"
      G_GUINT64_FORMAT " processed (%u flushes)", a->out->len, processed,
      a->flushes);
  /* in order, each a frame selection chose; the ones it chose and that did
   * not come out were dropped for another reason (QoS, a short buffer),
   * which in = processed + dropped above already counts */
  for (i = 0, j = 0; i < a->out->len; i++, j++) {
    GstClockTime pts = g_array_index (a->out, GstClockTime, i);
    while (j < a->chosen->len && g_array_index (a->chosen, GstClockTime, j)
        != pts)
      j++;
    fail_unless (j < a->chosen->len, "frame out %u (PTS %" GST_TIME_FORMAT
        ") is not one selection-rate chose, or out of order", i,
        GST_TIME_ARGS (pts));
  }
  in = a->in;
  g_mutex_unlock (&a->lock);
  return in;
}
