/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Chains that cannot work (an unknown code, steps that do not connect):
 * set before the element starts, it fails to start with an error on the
 * bus that names the code; set while it runs, a warning names the code and
 * frames keep the previous chain. Never a GLib warning: the program runs
 * with G_DEBUG=fatal-warnings, and every GLib warning or critical fails the
 * test that logs it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsrc.h>
#include <string.h>

#include "umattest-support.h"

static void
assert_message_names (const GError * error, const gchar * const *words)
{
  for (guint i = 0; words[i]; i++)
    fail_unless (strstr (error->message, words[i]) != NULL,
        "\"%s\" does not say \"%s\"", error->message, words[i]);
}

/* A chain that cannot work, set while the element runs, is refused: a
 * warning names the code, the previous chain stays. Spelling is OpenCV's, in
 * any case, with or without COLOR_. */
GST_START_TEST (test_bad_chain_strings)
{
  const gchar *bad[] = { "BGR2HSV,FOO", "BGR2HSV,,HSV2BGR", "BayerBG2BGR",
    "BGR2HSV;HSV2BGR", "BGR2HSV,RGB2GRAY"
  };
  const gchar *named[] = { "FOO", "step 2", "BayerBG2BGR", "BGR2HSV;HSV2BGR",
    "RGB2GRAY"
  };
  UmattestPipeline p;
  gchar *chain;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL, "chain=\"color_bgr2hsv , HSV2rgb\"");
  fail_unless (gst_element_set_state (p.pipeline, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstMessage *msg;
    GError *error = NULL;

    g_object_set (p.convert, "chain", bad[i], NULL);
    g_object_get (p.convert, "chain", &chain, NULL);
    fail_unless_equals_string (chain, "color_bgr2hsv , HSV2rgb");
    g_free (chain);

    msg = gst_bus_pop_filtered (p.bus, GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "no warning on the bus for %s", bad[i]);
    gst_message_parse_warning (msg, &error, NULL);
    fail_unless (strstr (error->message, named[i]) != NULL,
        "\"%s\" does not name \"%s\"", error->message, named[i]);
    g_error_free (error);
    gst_message_unref (msg);
  }
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* Steps that do not connect, set before the element starts: it fails to
 * start with an error that names the steps and what they take and give. */
GST_START_TEST (test_chain_not_connecting)
{
  const gchar *words[] = { "step 2", "RGB2GRAY", "BGR2HSV", "HSV", "RGB",
    NULL
  };
  UmattestPipeline p;
  GstMessage *msg;
  GError *error = NULL;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=32,height=8,"
      "framerate=30/1", NULL, NULL);
  g_object_set (p.convert, "chain", "BGR2HSV,RGB2GRAY", NULL);
  fail_unless_equals_int (gst_element_set_state (p.pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (p.bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error on the bus");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p.convert));
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
  assert_message_names (error, words);
  g_error_free (error);
  gst_message_unref (msg);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;
/* gst-launch's case: a bad code set before start. The element fails to
 * start; the bus carries its RESOURCE/SETTINGS error, which names the
 * code; no frame comes out. */
GST_START_TEST (test_bad_chain_at_start_is_an_error)
{
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "umatconvert name=convert device=%s chain=BGR2FOO ! fakesink name=sink",
      umattest_device ());
  const gchar *words[] = { "Chain \"BGR2FOO\" refused", "BGR2FOO", NULL };
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  guint64 processed;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, umattest_stall_timeout (10),
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "neither an error nor EOS within 10 s");
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR,
      "the stream ran to EOS with chain=BGR2FOO");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (convert),
      "the error is from %s, not umatconvert", GST_MESSAGE_SRC_NAME (msg));
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
  assert_message_names (error, words);
  g_object_get (convert, "frames-processed", &processed, NULL);
  fail_unless_equals_uint64 (processed, 0);

  g_error_free (error);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (convert);
  gst_object_unref (pipeline);
  g_free (line);
}

GST_END_TEST;

/* A bad chain set while frames flow: a warning names the code, and the
 * frames after it are converted with the chain before it, pixel for
 * pixel. */
GST_START_TEST (test_bad_chain_while_playing_keeps_converting)
{
  UmattestPipeline p;
  GstVideoInfo info;
  gchar *warnings, *chain;
  guint n_warnings;

  umattest_pipeline_init (&p, "video/x-raw,format=BGR,width=64,height=48,"
      "framerate=30/1", NULL, "chain=BGR2RGB queue-size=1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 64, 48);
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < 4; i++) {
    GstBuffer *frame = umattest_buffer_new (&info, 0, i + 1);
    UmattestImage *in = umattest_image_from_buffer (frame, &info), *got, *want;

    GST_BUFFER_PTS (frame) = i * GST_SECOND / 30;
    if (i == 2) {
      g_object_set (p.convert, "chain", "BGR2FOO", NULL);
      warnings = umattest_bus_texts (p.bus, GST_MESSAGE_WARNING,
          &n_warnings);
      fail_unless_equals_int (n_warnings, 1);
      fail_unless (strstr (warnings, "BGR2FOO") != NULL, "the warning does "
          "not name the code: %s", warnings);
      g_free (warnings);
      g_object_get (p.convert, "chain", &chain, NULL);
      fail_unless_equals_string (chain, "BGR2RGB");
      g_free (chain);
    }
    got = umattest_pipeline_convert (&p, frame, "RGB");
    want = umattest_cvt (in, "BGR2RGB");
    umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
        "frame %u%s", i, i >= 2 ? ", after chain=BGR2FOO" : "");
    umattest_image_free (in);
    umattest_image_free (got);
    umattest_image_free (want);
  }
  fail_unless (umattest_pipeline_finish (&p, NULL) == NULL);
  fail_unless (gst_bus_pop_filtered (p.bus, GST_MESSAGE_ERROR) == NULL);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Frames in CUDA memory where the backend cannot take them           */

#define CUDA_CAPS "video/x-raw(memory:CUDAMemory),format=BGR,width=32," \
    "height=24,framerate=30/1"
#define SYSTEM_CAPS "video/x-raw,format=BGR,width=32,height=24,framerate=30/1"

/* How many RECONFIGURE events the harness has received from the element
 * since the last call (the upstream events are taken). */
static guint
upstream_reconfigures (GstHarness * h)
{
  GstEvent *event;
  guint n = 0;

  while ((event = gst_harness_try_pull_upstream_event (h)) != NULL) {
    n += GST_EVENT_TYPE (event) == GST_EVENT_RECONFIGURE;
    gst_event_unref (event);
  }
  return n;
}

/* Frames in CUDA memory that the element cannot take (device=cpu never
 * can), from an upstream that can give the same frames in system memory:
 * a decoder inside decodebin chooses its memory before decodebin links it
 * here, and nvcodec's decoders take CUDA memory whenever nothing says no.
 * The caps are refused without an error, upstream is asked once to
 * negotiate again (a RECONFIGURE event; the same event sent again asks
 * nothing more), and the frames then come in system memory and convert.
 * Upstream that comes back with CUDA memory in a new event gets the error
 * that says what to change. */
GST_START_TEST (test_cuda_memory_refused_asks_upstream_again)
{
  const gchar *words[] = { "CUDA memory", "(memory:CUDAMemory)", NULL };
  GstHarness *h = umattest_harness_new ("device=cpu chain=BGR2RGB");
  GstBus *bus = gst_bus_new ();
  GstBuffer *frame = gst_buffer_new_allocate (NULL, 32 * 24 * 3, NULL);
  GstCaps *cuda_caps = gst_caps_from_string (CUDA_CAPS);
  GstEvent *cuda = gst_event_new_caps (cuda_caps);
  GstBuffer *out;
  GstMessage *msg;
  GstMapInfo in_map, out_map;
  GstPad *sinkpad;
  GError *error = NULL;

  gst_element_set_bus (h->element, bus);
  /* what linking the harness sent upstream is not the element's asking */
  upstream_reconfigures (h);
  /* the harness answers caps queries with anything: it can give both */
  gst_harness_push_event (h, gst_event_ref (cuda));
  sinkpad = gst_element_get_static_pad (h->element, "sink");
  fail_if (gst_pad_has_current_caps (sinkpad), "CUDA memory taken on the "
      "CPU");
  gst_object_unref (sinkpad);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg != NULL) {
    gst_message_parse_error (msg, &error, NULL);
    fail ("an error for caps upstream can change: %s", error->message);
  }
  fail_unless_equals_int (upstream_reconfigures (h), 1);
  gst_harness_push_event (h, cuda);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL,
      "an error for the event asked about");
  fail_unless_equals_int (upstream_reconfigures (h), 0);
  /* back with CUDA memory in a new event */
  gst_harness_push_event (h, gst_event_new_caps (cuda_caps));
  gst_caps_unref (cuda_caps);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error for CUDA memory after asking");
  gst_message_parse_error (msg, &error, NULL);
  assert_message_names (error, words);
  g_clear_error (&error);
  gst_message_unref (msg);

  gst_buffer_map (frame, &in_map, GST_MAP_WRITE);
  for (gsize i = 0; i < in_map.size; i++)
    in_map.data[i] = (guint8) (i * 7);
  gst_buffer_unmap (frame, &in_map);
  out = umattest_harness_convert (h, gst_caps_from_string (SYSTEM_CAPS),
      gst_caps_from_string ("video/x-raw,format=RGB"), gst_buffer_ref (frame));
  gst_buffer_map (frame, &in_map, GST_MAP_READ);
  gst_buffer_map (out, &out_map, GST_MAP_READ);
  fail_unless_equals_int (out_map.size, in_map.size);
  for (gsize i = 0; i < in_map.size; i += 3)
    fail_unless (out_map.data[i] == in_map.data[i + 2]
        && out_map.data[i + 1] == in_map.data[i + 1]
        && out_map.data[i + 2] == in_map.data[i], "pixel %" G_GSIZE_FORMAT
        " not BGR2RGB", i / 3);
  gst_buffer_unmap (out, &out_map);
  gst_buffer_unmap (frame, &in_map);

  gst_buffer_unref (out);
  gst_buffer_unref (frame);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* From an upstream that has frames in CUDA memory only (appsrc with those
 * caps), the refusal is an error on the bus that says what to change. */
GST_START_TEST (test_cuda_memory_only_is_an_error)
{
  const gchar *words[] = { "CUDA memory", "device=auto or opencl",
    "(memory:CUDAMemory)", NULL
  };
  UmattestPipeline p;
  GstMessage *msg;
  GError *error = NULL;

  umattest_pipeline_init (&p, CUDA_CAPS, NULL, "device=cpu chain=BGR2RGB");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (p.src),
      gst_buffer_new_allocate (NULL, 32 * 24 * 3, NULL));
  msg = gst_bus_timed_pop_filtered (p.bus, umattest_stall_timeout (30),
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error within 30 s");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p.convert),
      "the error is from %s, not umatconvert", GST_MESSAGE_SRC_NAME (msg));
  gst_message_parse_error (msg, &error, NULL);
  assert_message_names (error, words);
  g_error_free (error);
  gst_message_unref (msg);
  umattest_pipeline_clear (&p);
}

GST_END_TEST;

static Suite *
umatconvert_refusals_suite (void)
{
  Suite *s = suite_create ("umatconvert-refusals");
  TCase *tc = tcase_create ("refusals");

  umattest_require_opencl (FALSE);
  umattest_fail_on_glib_warnings ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_bad_chain_strings);
  tcase_add_test (tc, test_chain_not_connecting);
  tcase_add_test (tc, test_bad_chain_at_start_is_an_error);
  tcase_add_test (tc, test_bad_chain_while_playing_keeps_converting);
  tcase_add_test (tc, test_cuda_memory_refused_asks_upstream_again);
  tcase_add_test (tc, test_cuda_memory_only_is_an_error);
  return s;
}

GST_CHECK_MAIN (umatconvert_refusals);
