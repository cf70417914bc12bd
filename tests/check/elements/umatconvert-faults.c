/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert when things go wrong: no OpenCL platform, OpenCL failing in the
 * middle of a stream, sizes that cannot be allocated, and bad input (buffers
 * smaller than their caps, absurd or odd sizes, caps changes, flushing seeks,
 * EOS with frames in flight). Each must end in correct output or a clear
 * message, never a crash or a hang. Frames that come out are checked against
 * OpenCV's CPU cvtColor (cvref) and the frame accounting (accounting.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "accounting.h"
#include "cvref.h"

static const gchar *device = "cpu";

static guint32
next_random (guint32 * state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* A BGR frame of noise (GStreamer's default strides: width*3 rounded to 4). */
static GstBuffer *
bgr_frame (gint width, gint height, guint index)
{
  GstVideoInfo info;
  GstBuffer *buffer;
  GstMapInfo map;
  guint32 seed = 2654435761u * (index + 1);

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, width, height);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = next_random (&seed) >> 24;
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = index * GST_SECOND / 30;
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 30;
  return buffer;
}

/* Asserts that `out` is what OpenCV's CPU cvtColor makes of `in` (BGR) with
 * the chain `codes` (each exact on OpenCL too: channel moves and GRAY). */
static void
check_frame (GstBuffer * in, GstBuffer * out, gint width, gint height,
    const gchar * const *codes, GstVideoFormat out_format, guint index)
{
  GstVideoInfo in_info, out_info;
  GstVideoFrame in_frame, out_frame;
  CvrefImage img = { NULL, height, width, 3 };

  gst_video_info_set_format (&in_info, GST_VIDEO_FORMAT_BGR, width, height);
  gst_video_info_set_format (&out_info, out_format, width, height);
  fail_unless (gst_video_frame_map (&in_frame, &in_info, in, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&out_frame, &out_info, out,
          GST_MAP_READ));
  img.data = malloc ((gsize) width * height * 3);
  for (gint y = 0; y < height; y++)
    memcpy (img.data + (gsize) y * width * 3,
        (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&in_frame, 0)
        + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&in_frame, 0), width * 3);
  for (guint i = 0; codes[i]; i++) {
    CvrefImage next;
    fail_unless_equals_int (cvref_cvt_color (img.data, img.rows, img.cols,
            img.channels, cvref_code (codes[i]), &next), 0);
    free (img.data);
    img = next;
  }
  for (gint y = 0; y < height; y++)
    fail_unless (memcmp (img.data + (gsize) y * width * img.channels,
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out_frame, 0)
            + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&out_frame, 0),
            width * img.channels) == 0,
        "frame %u, row %d differs from OpenCV's CPU cvtColor", index, y);
  free (img.data);
  gst_video_frame_unmap (&in_frame);
  gst_video_frame_unmap (&out_frame);
}

typedef struct
{
  GstElement *pipeline, *src, *convert, *sink;
  GstBus *bus;
} Pipeline;

/* appsrc ! [middle !] umatconvert <properties> ! appsink */
static Pipeline
pipeline_new (const gchar * caps, const gchar * middle,
    const gchar * properties)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time caps=\"%s\" ! "
      "%s%s umatconvert name=convert %s ! appsink name=sink sync=false",
      caps, middle ? middle : "", middle ? " !" : "", properties);
  Pipeline p;

  p.pipeline = gst_parse_launch (desc, NULL);
  fail_unless (p.pipeline != NULL, "could not build %s", desc);
  p.src = gst_bin_get_by_name (GST_BIN (p.pipeline), "src");
  p.convert = gst_bin_get_by_name (GST_BIN (p.pipeline), "convert");
  p.sink = gst_bin_get_by_name (GST_BIN (p.pipeline), "sink");
  p.bus = gst_element_get_bus (p.pipeline);
  accounting_attach (p.convert);
  g_free (desc);
  return p;
}

static void
pipeline_free (Pipeline * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (p->src);
  gst_object_unref (p->convert);
  gst_object_unref (p->sink);
  gst_object_unref (p->bus);
  gst_object_unref (p->pipeline);
}

/* Pulls frames until EOS (TRUE) or an error (FALSE, *error set). Warnings
 * seen on the way are joined into *warnings (may be NULL). */
static gboolean
pipeline_drain (Pipeline * p, GPtrArray * samples, GError ** error,
    gchar ** warnings)
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
    /* the pipeline's EOS comes after the sink has every sample */
    while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (p->sink),
                eos ? 0 : GST_SECOND / 20)))
      g_ptr_array_add (samples, sample);
  }
  if (warnings)
    *warnings = g_string_free (seen, FALSE);
  else
    g_string_free (seen, TRUE);
  return eos;
}

static gchar *
backend_of (GstElement * convert)
{
  gchar *backend = NULL;
  g_object_get (convert, "backend", &backend, NULL);
  return backend;
}

/* ------------------------------------------------------------------ */
/* No OpenCL platform (suite variant no-opencl: an empty ICD folder)  */

GST_START_TEST (test_no_opencl_auto_runs_on_cpu)
{
  const gchar *codes[] = { "BGR2RGB", NULL };
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "device=auto chain=BGR2RGB");
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[5];
  GError *error = NULL;
  gchar *warnings, *backend;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 5; i++) {
    frames[i] = bgr_frame (32, 24, i);
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (pipeline_drain (&p, samples, &error, &warnings), "error: %s",
      error ? error->message : "");
  /* the documented case of device=auto: the backend says it, the log
   * too, and the bus carries no warning */
  fail_unless_equals_string (warnings, "");
  backend = backend_of (p.convert);
  fail_unless_equals_string (backend, "cpu");
  fail_unless_equals_int (samples->len, 5);
  for (guint i = 0; i < 5; i++) {
    check_frame (frames[i], gst_sample_get_buffer (g_ptr_array_index (samples,
                i)), 32, 24, codes, GST_VIDEO_FORMAT_RGB, i);
    gst_buffer_unref (frames[i]);
  }
  accounting_check (p.convert);
  g_free (backend);
  g_free (warnings);
  g_ptr_array_unref (samples);
  pipeline_free (&p);
}

GST_END_TEST;

GST_START_TEST (test_no_opencl_device_opencl_fails)
{
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, "device=opencl chain=BGR2RGB");
  GstMessage *msg;
  GError *error = NULL;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (p.bus, 30 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error within 30 s");
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (strstr (error->message, "OpenCL") != NULL, "the error does "
      "not name OpenCL: %s", error->message);
  GST_INFO ("device=opencl without OpenCL: %s", error->message);
  g_error_free (error);
  gst_message_unref (msg);
  pipeline_free (&p);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* OpenCL failing mid-stream (test hook in ext/umatcv/umatcv-testhook.cpp) */

/* A converting chain, an in-place one, and auto mode (no chain). */
static const struct
{
  const gchar *props, *codes, *out_caps;
  GstVideoFormat out_format;
} failing[] = {
  {"chain=BGR2RGB", "BGR2RGB", NULL, GST_VIDEO_FORMAT_RGB},
  {"chain=BGR2RGB,RGB2BGR", "BGR2RGB,RGB2BGR", NULL, GST_VIDEO_FORMAT_BGR},
  {"", "BGR2RGB", "video/x-raw,format=RGB", GST_VIDEO_FORMAT_RGB},
};

GST_START_TEST (test_opencl_failure_falls_back_to_cpu)
{
  gchar **codes = g_strsplit (failing[__i__].codes, ",", -1);
  GstVideoFormat out_format = failing[__i__].out_format;
  gchar *props = g_strdup_printf ("device=opencl %s", failing[__i__].props);
  Pipeline p;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[20];
  GError *error = NULL;
  gchar *warnings, *backend;

  g_setenv ("UMATCV_TEST_OPENCL_FAIL_AFTER", "7", TRUE);
  p = pipeline_new ("video/x-raw,format=BGR,width=40,height=30,"
      "framerate=30/1", NULL, props);
  if (failing[__i__].out_caps) {
    GstCaps *caps = gst_caps_from_string (failing[__i__].out_caps);
    g_object_set (p.sink, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++) {
    frames[i] = bgr_frame (40, 30, i);
    /* a copy: the in-place chain must not see our reference's bytes change */
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_copy (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (pipeline_drain (&p, samples, &error, &warnings), "error: %s",
      error ? error->message : "");
  g_unsetenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");

  fail_unless (strstr (warnings, "OpenCL failed") != NULL, "no warning of "
      "the OpenCL failure; warnings: %s", warnings);
  backend = backend_of (p.convert);
  fail_unless_equals_string (backend, "cpu");
  fail_unless_equals_int (samples->len, G_N_ELEMENTS (frames));
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++) {
    check_frame (frames[i], gst_sample_get_buffer (g_ptr_array_index (samples,
                i)), 40, 30, (const gchar * const *) codes, out_format, i);
    gst_buffer_unref (frames[i]);
  }
  accounting_check (p.convert);
  g_free (backend);
  g_free (warnings);
  g_free (props);
  g_strfreev (codes);
  g_ptr_array_unref (samples);
  pipeline_free (&p);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Sizes that cannot be allocated                                     */

/* The largest size the caps allow. On the CPU, in a process limited to
 * 1 GiB more address space than it has: the 3.2 GB scratch image of the
 * chain cannot be allocated. On OpenCL, a pool of 64 slots of 3 such images
 * (617 GB; PoCL also refuses any buffer over 2 GiB). */
GST_START_TEST (test_unallocatable_size)
{
  gboolean opencl = strcmp (device, "opencl") == 0;
  struct rlimit old, limited;
  Pipeline p;
  GstMessage *msg;
  GError *error = NULL;
  gchar *vm = NULL, *props;
  gsize pages = 0;

  if (!opencl) {
#if defined(__SANITIZE_ADDRESS__)
    GST_INFO ("skipped: ASan reserves terabytes of address space");
    return;
#endif
    if (g_strrstr (g_getenv ("LD_PRELOAD") ? g_getenv ("LD_PRELOAD") : "",
            "vgpreload") || g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0) {
      GST_INFO ("skipped: needs a process of its own, not under valgrind");
      return;
    }
    g_file_get_contents ("/proc/self/statm", &vm, NULL, NULL);
    sscanf (vm, "%zu", &pages);
    g_free (vm);
    getrlimit (RLIMIT_AS, &old);
    limited = old;
    limited.rlim_cur = pages * 4096 + ((rlim_t) 1 << 30);
    fail_unless (setrlimit (RLIMIT_AS, &limited) == 0);
  }

  props = g_strdup_printf ("chain=BGR2HSV,HSV2BGR device=%s queue-size=64",
      device);
  p = pipeline_new ("video/x-raw,format=BGR,width=32766,height=32766,"
      "framerate=30/1", NULL, props);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  /* caps come with the first buffer; its size does not matter here */
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_new_allocate (NULL,
          64, NULL));
  msg = gst_bus_timed_pop_filtered (p.bus, 30 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error within 30 s");
  gst_message_parse_error (msg, &error, NULL);
  GST_INFO ("32766x32766: %s", error->message);
  fail_unless (g_error_matches (error, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION), "not a negotiation error: %s",
      error->message);
  fail_unless (strstr (error->message, "32766x32766") != NULL,
      "the error does not name the size: %s", error->message);
  g_error_free (error);
  gst_message_unref (msg);
  pipeline_free (&p);
  g_free (props);
  if (!opencl)
    setrlimit (RLIMIT_AS, &old);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Bad input                                                          */

/* Runs caps + the given buffers; returns the error message (or NULL after
 * EOS) and the frames out in *n_out. */
static gchar *
run_buffers (const gchar * caps, const gchar * props, GstBuffer ** buffers,
    guint n, guint * n_out)
{
  gchar *all = g_strdup_printf ("device=%s %s", device, props);
  Pipeline p = pipeline_new (caps, NULL, all);
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GError *error = NULL;
  gchar *message = NULL;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < n; i++)
    gst_app_src_push_buffer (GST_APP_SRC (p.src), buffers[i]);
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  if (!pipeline_drain (&p, samples, &error, NULL)) {
    message = g_strdup (error->message);
    g_error_free (error);
  } else {
    accounting_check (p.convert);
  }
  *n_out = samples->len;
  g_ptr_array_unref (samples);
  pipeline_free (&p);
  g_free (all);
  return message;
}

/* A buffer too small for its caps is dropped with a warning (and counted
 * as dropped); the frames around it come out converted. */
GST_START_TEST (test_buffer_smaller_than_caps)
{
  const gchar *codes[] = { "BGR2RGB", NULL };
  gchar *props = g_strdup_printf ("device=%s chain=BGR2RGB", device);
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, props);
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[2] = { bgr_frame (32, 24, 0), bgr_frame (32, 24, 2) };
  GstBuffer *short_one = gst_buffer_new_allocate (NULL, 100, NULL);
  GError *error = NULL;
  gchar *warnings;
  guint64 dropped;

  GST_BUFFER_PTS (short_one) = GST_SECOND / 30;
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[0]));
  gst_app_src_push_buffer (GST_APP_SRC (p.src), short_one);
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[1]));
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (pipeline_drain (&p, samples, &error, &warnings), "error: %s",
      error ? error->message : "");
  GST_INFO ("short buffer: %s", warnings);
  fail_unless (strstr (warnings, "100 bytes") != NULL, "no warning about "
      "the short buffer: %s", warnings);
  fail_unless_equals_int (samples->len, 2);
  for (guint i = 0; i < 2; i++) {
    check_frame (frames[i], gst_sample_get_buffer (g_ptr_array_index (samples,
                i)), 32, 24, codes, GST_VIDEO_FORMAT_RGB, i);
    gst_buffer_unref (frames[i]);
  }
  g_object_get (p.convert, "frames-dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 1);
  accounting_check (p.convert);
  g_free (warnings);
  g_free (props);
  g_ptr_array_unref (samples);
  pipeline_free (&p);
}

GST_END_TEST;

static const gchar *absurd_caps[] = {
  "video/x-raw,format=BGR,width=2147483647,height=2147483647,framerate=30/1",
  "video/x-raw,format=BGR,width=0,height=24,framerate=30/1",
  "video/x-raw,format=I420,width=63,height=47,framerate=30/1",
  "video/x-raw,format=NV12,width=64,height=47,framerate=30/1",
  "video/x-raw,format=YUY2,width=63,height=48,framerate=30/1",
};

/* Refused at negotiation with an error, before any frame is touched. */
GST_START_TEST (test_absurd_and_odd_caps)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, 64, NULL);
  guint n_out;
  gchar *message = run_buffers (absurd_caps[__i__], "", &buffer, 1, &n_out);

  fail_unless (message != NULL, "%s was taken", absurd_caps[__i__]);
  GST_INFO ("%s: %s", absurd_caps[__i__], message);
  fail_unless_equals_int (n_out, 0);
  g_free (message);
}

GST_END_TEST;

/* 32x24 then 64x48 then 16x8 in one stream: every frame converted at its
 * own size. */
GST_START_TEST (test_caps_change_mid_stream)
{
  const gchar *codes[] = { "BGR2RGB", NULL };
  const gint sizes[3][2] = { {32, 24}, {64, 48}, {16, 8} };
  gchar *props = g_strdup_printf ("device=%s chain=BGR2RGB", device);
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", NULL, props);
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstBuffer *frames[12];
  GError *error = NULL;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 12; i++) {
    const gint *size = sizes[i / 4];
    if (i % 4 == 0) {
      GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format",
          G_TYPE_STRING, "BGR", "width", G_TYPE_INT, size[0], "height",
          G_TYPE_INT, size[1], "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
      gst_app_src_set_caps (GST_APP_SRC (p.src), caps);
      gst_caps_unref (caps);
    }
    frames[i] = bgr_frame (size[0], size[1], i);
    gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_ref (frames[i]));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (pipeline_drain (&p, samples, &error, NULL), "error: %s",
      error ? error->message : "");
  fail_unless_equals_int (samples->len, 12);
  for (guint i = 0; i < 12; i++) {
    GstSample *sample = g_ptr_array_index (samples, i);
    GstVideoInfo info;
    fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps
            (sample)));
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), sizes[i / 4][0]);
    check_frame (frames[i], gst_sample_get_buffer (sample), sizes[i / 4][0],
        sizes[i / 4][1], codes, GST_VIDEO_FORMAT_RGB, i);
    gst_buffer_unref (frames[i]);
  }
  accounting_check (p.convert);
  g_ptr_array_unref (samples);
  pipeline_free (&p);
  g_free (props);
}

GST_END_TEST;

/* A flushing seek while frames flow through a queue: the stream goes on
 * from the new position, selection restarts, nothing hangs. */
GST_START_TEST (test_flush_seek_mid_stream)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=90 ! "
      "video/x-raw,format=NV12,width=64,height=48,framerate=30/1 ! queue ! "
      "umatconvert name=convert device=%s selection-rate=3 ! "
      "video/x-raw,format=BGR ! appsink name=sink sync=false max-buffers=4",
      device);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GstSample *sample;
  guint before = 0, after = 0;

  accounting_attach (convert);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipeline, NULL, NULL,
          30 * GST_SECOND) == GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (before < 5 && (sample = gst_app_sink_try_pull_sample (GST_APP_SINK
              (sink), 10 * GST_SECOND))) {
    before++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (before, 5);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SECOND / 3));
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              10 * GST_SECOND))) {
    after++;
    gst_sample_unref (sample);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS after "
      "the seek");
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "an error after the seek");
  GST_INFO ("%u frames before the seek, %u after", before, after);
  fail_unless (after > 0);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  /* frames pulled = frames out; in = processed + dropped, the right ones */
  fail_unless (accounting_check (convert) > 0);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (convert);
  gst_object_unref (pipeline);
  g_free (desc);
}

GST_END_TEST;

/* 60 frames and EOS pushed at once into a queue in front: EOS comes after
 * the last of them, none lost. */
GST_START_TEST (test_eos_with_frames_in_flight)
{
  gchar *props = g_strdup_printf ("device=%s chain=BGR2HSV,HSV2BGR", device);
  Pipeline p = pipeline_new ("video/x-raw,format=BGR,width=32,height=24,"
      "framerate=30/1", "queue max-size-buffers=100", props);
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GError *error = NULL;

  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 60; i++)
    gst_app_src_push_buffer (GST_APP_SRC (p.src), bgr_frame (32, 24, i));
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  fail_unless (pipeline_drain (&p, samples, &error, NULL), "error: %s",
      error ? error->message : "");
  fail_unless_equals_int (samples->len, 60);
  for (guint i = 0; i < 60; i++)
    fail_unless_equals_uint64 (GST_BUFFER_PTS (gst_sample_get_buffer
            (g_ptr_array_index (samples, i))), i * GST_SECOND / 30);
  fail_unless_equals_uint64 (accounting_check (p.convert), 60);
  g_ptr_array_unref (samples);
  pipeline_free (&p);
  g_free (props);
}

GST_END_TEST;

static Suite *
umatconvert_faults_suite (void)
{
  Suite *s = suite_create ("umatconvert-faults");
  TCase *tc = tcase_create ("faults");
  const gchar *env = g_getenv ("UMAT_TEST_DEVICE");

  if (env)
    device = env;
  suite_add_tcase (s, tc);
  if (g_getenv ("UMAT_TEST_NO_OPENCL")) {
    /* a process whose OpenCL loader finds no platform */
    tcase_add_test (tc, test_no_opencl_auto_runs_on_cpu);
    tcase_add_test (tc, test_no_opencl_device_opencl_fails);
    return s;
  }
  if (strcmp (device, "opencl") == 0)
    tcase_add_loop_test (tc, test_opencl_failure_falls_back_to_cpu, 0,
        G_N_ELEMENTS (failing));
  tcase_add_test (tc, test_unallocatable_size);
  tcase_add_test (tc, test_buffer_smaller_than_caps);
  tcase_add_loop_test (tc, test_absurd_and_odd_caps, 0,
      G_N_ELEMENTS (absurd_caps));
  tcase_add_test (tc, test_caps_change_mid_stream);
  tcase_add_test (tc, test_flush_seek_mid_stream);
  tcase_add_test (tc, test_eos_with_frames_in_flight);
  return s;
}

GST_CHECK_MAIN (umatconvert_faults);
