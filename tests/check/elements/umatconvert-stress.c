/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert under load, on the backend UMAT_TEST_DEVICE names:
 *  - 1000 NULL -> PLAYING -> NULL cycles, each converting frames, memory flat;
 *  - 8 pipelines in 8 threads at once, each output bit-identical to the same
 *    pipeline run alone;
 *  - 20,000 frames through one pipeline: every frame kept, resident memory
 *    flat, and (umatcv level) no buffer allocated after the converter's setup.
 * Figures go to the test log (docs/reliability.md quotes them).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "umattest-support.h"

/* ASan's quarantine holds freed memory for a while: RSS says nothing there
 * (the sanitizer run checks leaks with LSan instead). */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_MEANINGFUL FALSE
#else
#define RSS_MEANINGFUL TRUE
#endif

/* Resident memory of this process, in bytes. */
static gsize
rss_bytes (void)
{
  gchar *text = NULL;
  gsize pages = 0;

  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%*u %zu", &pages);
  g_free (text);
  return pages * sysconf (_SC_PAGESIZE);
}

/* A frame of noise for pipeline `job`, the index-th of its stream. */
static GstBuffer *
noise_frame (GstVideoFormat format, gint width, gint height, guint job,
    guint index)
{
  GstBuffer *buffer = umattest_buffer_new_timed (format, width, height,
      job * 100000 + index);

  GST_BUFFER_PTS (buffer) = index * GST_SECOND / 30;
  return buffer;
}

/* ------------------------------------------------------------------ */
/* State cycles                                                       */

#define CYCLES 1000

/* Each cycle starts the engine, negotiates, converts 2 frames and stops. */
GST_START_TEST (test_state_cycles)
{
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=2 pattern=ball ! "
      "video/x-raw,format=NV12,width=64,height=48 ! umatconvert name=convert "
      "device=%s chain=YUV2BGR_NV12,BGR2HSV,HSV2BGR ! fakesink",
      umattest_device ());
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstBus *bus = gst_element_get_bus (pipeline);
  gsize rss_warm = 0, rss_end;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < CYCLES; i++) {
    GstMessage *msg;
    guint64 processed;

    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
        != GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (bus, umattest_stall_timeout (30),
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "cycle %u: no EOS within 30 s", i);
    fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
        "cycle %u ended with an error", i);
    gst_message_unref (msg);
    g_object_get (convert, "frames-processed", &processed, NULL);
    fail_unless_equals_uint64 (processed, 2);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    if (i == CYCLES / 10)
      rss_warm = rss_bytes ();
  }
  rss_end = rss_bytes ();
  GST_INFO ("%u cycles on %s in %.1f s; RSS %zu kB after %u, %zu kB after "
      "%u", CYCLES, umattest_device (),
      (g_get_monotonic_time () - start) / 1e6,
      rss_warm / 1024, CYCLES / 10, rss_end / 1024, CYCLES);
  g_print ("state cycles: %u on %s, RSS %zu kB after %u, %zu kB after %u\n",
      CYCLES, umattest_device (), rss_warm / 1024, CYCLES / 10,
      rss_end / 1024, CYCLES);
  /* a leak of one frame (9 kB) per cycle would add 8 MB */
  fail_unless (!RSS_MEANINGFUL || rss_end < rss_warm + 2 * 1024 * 1024,
      "RSS grew from %zu kB "
      "to %zu kB over %u cycles", rss_warm / 1024, rss_end / 1024,
      CYCLES - CYCLES / 10);

  gst_object_unref (bus);
  gst_object_unref (convert);
  gst_object_unref (pipeline);
  g_free (line);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Parallel pipelines                                                 */

#define N_PIPELINES 8
#define PARALLEL_FRAMES 40
#define PW 96
#define PH 64

typedef struct
{
  guint index;
  const gchar *chain;
  const gchar *caps;
  GstVideoFormat format;
  GPtrArray *checksums;         /* of each output frame */
  gchar *error;
} Job;

static const struct
{
  const gchar *chain;
  GstVideoFormat format;
} job_kinds[] = {
  {"BGR2HSV,HSV2BGR", GST_VIDEO_FORMAT_BGR},
  {"YUV2BGR_NV12", GST_VIDEO_FORMAT_NV12},
  {"BGR2Lab,Lab2RGB", GST_VIDEO_FORMAT_BGR},
  {"YUV2RGBA_I420,RGBA2GRAY", GST_VIDEO_FORMAT_I420},
};

static gpointer
run_job (gpointer data)
{
  Job *job = data;
  gchar *line = g_strdup_printf ("appsrc name=src format=time caps=\"%s\" ! "
      "umatconvert name=convert device=%s chain=%s ! appsink name=sink "
      "sync=false", job->caps, umattest_device (), job->chain);
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstSample *sample;

  umattest_accounting_attach (convert);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < PARALLEL_FRAMES; i++)
    gst_app_src_push_buffer (GST_APP_SRC (src), noise_frame (job->format, PW,
            PH, job->index, i));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              umattest_stall_timeout (30)))) {
    GstMapInfo map;
    GstBuffer *buffer = gst_sample_get_buffer (sample);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    g_ptr_array_add (job->checksums, g_compute_checksum_for_data
        (G_CHECKSUM_SHA256, map.data, map.size));
    gst_buffer_unmap (buffer, &map);
    gst_sample_unref (sample);
  }
  if (!gst_app_sink_is_eos (GST_APP_SINK (sink)))
    job->error = g_strdup ("no EOS within 30 s");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!job->error)
    umattest_accounting_check (convert);
  gst_object_unref (convert);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (line);
  return NULL;
}

static void
jobs_init (Job * jobs)
{
  for (guint i = 0; i < N_PIPELINES; i++) {
    guint k = i % G_N_ELEMENTS (job_kinds);
    jobs[i].index = i;
    jobs[i].chain = job_kinds[k].chain;
    jobs[i].caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,"
        "height=%d,framerate=30/1",
        gst_video_format_to_string (job_kinds[k].format), PW, PH);
    jobs[i].format = job_kinds[k].format;
    jobs[i].checksums = g_ptr_array_new_with_free_func (g_free);
    jobs[i].error = NULL;
  }
}

static void
jobs_clear (Job * jobs)
{
  for (guint i = 0; i < N_PIPELINES; i++) {
    g_free ((gchar *) jobs[i].caps);
    g_ptr_array_unref (jobs[i].checksums);
    g_free (jobs[i].error);
  }
}

GST_START_TEST (test_parallel_pipelines_match_serial)
{
  Job serial[N_PIPELINES], parallel[N_PIPELINES];
  GThread *threads[N_PIPELINES];

  jobs_init (serial);
  jobs_init (parallel);
  for (guint i = 0; i < N_PIPELINES; i++)
    run_job (&serial[i]);
  for (guint i = 0; i < N_PIPELINES; i++)
    threads[i] = g_thread_new ("pipeline", run_job, &parallel[i]);
  for (guint i = 0; i < N_PIPELINES; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_PIPELINES; i++) {
    fail_unless (serial[i].error == NULL, "serial %u: %s", i, serial[i].error);
    fail_unless (parallel[i].error == NULL, "parallel %u: %s", i,
        parallel[i].error);
    fail_unless_equals_int (serial[i].checksums->len, PARALLEL_FRAMES);
    fail_unless_equals_int (parallel[i].checksums->len, PARALLEL_FRAMES);
    for (guint f = 0; f < PARALLEL_FRAMES; f++)
      fail_unless_equals_string (g_ptr_array_index (parallel[i].checksums, f),
          g_ptr_array_index (serial[i].checksums, f));
  }
  g_print ("parallel: %u pipelines x %u frames on %s, identical to serial\n",
      N_PIPELINES, PARALLEL_FRAMES, umattest_device ());
  jobs_clear (serial);
  jobs_clear (parallel);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Long runs                                                          */

#define LONG_FRAMES 20000
#define LW 32
#define LH 24

/* 20,000 small frames through appsrc ! umatconvert ! appsink: all kept, in
 * order, and the process does not grow after the first 2,000. */
GST_START_TEST (test_long_run_memory_flat)
{
  gchar *line = g_strdup_printf ("appsrc name=src format=time caps=\""
      "video/x-raw,format=NV12,width=%d,height=%d,framerate=30/1\" "
      "max-buffers=8 block=true ! queue max-size-buffers=4 ! umatconvert "
      "name=convert device=%s chain=YUV2BGR_NV12,BGR2HSV,HSV2RGB "
      "selection-rate=1 ! appsink name=sink sync=false max-buffers=8",
      LW, LH, umattest_device ());
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstElement *convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  GstBuffer *frames[16];
  gsize rss_warm = 0, rss_end;
  guint64 processed, dropped;
  guint pulled = 0;

  /* no accounting here: its lists grow with every frame; the PTS of
   * each frame out is checked as it comes, and the counters at the end */
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    frames[i] = noise_frame (GST_VIDEO_FORMAT_NV12, LW, LH, 7, i);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < LONG_FRAMES; i++) {
    GstBuffer *frame = gst_buffer_copy (frames[i % G_N_ELEMENTS (frames)]);
    GstSample *sample;

    GST_BUFFER_PTS (frame) = i * GST_SECOND / 30;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src), frame),
        GST_FLOW_OK);
    /* keep at most 12 frames in flight: appsrc, queue and appsink hold
     * more than that, so the push above never waits on this thread */
    while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
                pulled + 12 <= i ? umattest_stall_timeout (10) : 0))) {
      fail_unless_equals_uint64 (GST_BUFFER_PTS (gst_sample_get_buffer
              (sample)), (guint64) pulled * GST_SECOND / 30);
      pulled++;
      gst_sample_unref (sample);
    }
    fail_unless (pulled + 12 > i, "frame %u: nothing out for 10 s", i);
    if (i == LONG_FRAMES / 10)
      rss_warm = rss_bytes ();
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  {
    GstSample *sample;
    while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
                umattest_stall_timeout (10)))) {
      fail_unless_equals_uint64 (GST_BUFFER_PTS (gst_sample_get_buffer
              (sample)), (guint64) pulled * GST_SECOND / 30);
      pulled++;
      gst_sample_unref (sample);
    }
  }
  rss_end = rss_bytes ();
  fail_unless_equals_int (pulled, LONG_FRAMES);
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)));
  g_print ("long run: %u frames %dx%d on %s, RSS %zu kB at frame %u, %zu kB "
      "at the end\n", LONG_FRAMES, LW, LH, umattest_device (),
      rss_warm / 1024, LONG_FRAMES / 10, rss_end / 1024);
  /* 18,000 frames of 1 kB: a leak of a frame each would add 20 MB, one of
   * 32 bytes each 576 kB */
  fail_unless (!RSS_MEANINGFUL || rss_end < rss_warm + 512 * 1024,
      "RSS grew from %zu kB to "
      "%zu kB", rss_warm / 1024, rss_end / 1024);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_object_get (convert, "frames-processed", &processed, "frames-dropped",
      &dropped, NULL);
  fail_unless_equals_uint64 (processed, LONG_FRAMES);
  fail_unless_equals_uint64 (dropped, 0);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    gst_buffer_unref (frames[i]);
  gst_object_unref (convert);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (line);
}

GST_END_TEST;

/* The same length at the umatcv level, where the converter counts every
 * Mat/UMat it allocates: none after setup, on either backend. */
GST_START_TEST (test_long_run_no_allocation)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvChain *chain = NULL;
  UmatcvConverter *converter = NULL;
  UmatcvImage in = { UMATCV_LAYOUT_NV12, LW, LH, {NULL,}, {0,} };
  UmatcvImage out = { UMATCV_LAYOUT_RGB, LW, LH, {NULL,}, {0,} };
  guint8 *in_data = g_malloc (LW * LH * 3 / 2), *out_data =
      g_malloc (LW * LH * 3);
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  guint64 after_setup;
  GRand *rand = g_rand_new_with_seed (3);

  umatcv_converter_spec_init (&spec, UMATCV_LAYOUT_NV12, UMATCV_LAYOUT_RGB,
      LW, LH);
  spec.slots = 4;
  fail_unless (umatcv_chain_parse ("YUV2BGR_NV12,BGR2HSV,HSV2RGB", &chain,
          &error) == UMATCV_OK, "%s", error);
  fail_unless (umatcv_converter_new (engine, chain, &spec, &converter,
          &error) == UMATCV_OK, "no converter: %s", error);
  after_setup = umatcv_converter_allocations (converter);
  in.planes[0] = in_data;
  in.planes[1] = in_data + LW * LH;
  in.strides[0] = in.strides[1] = LW;
  out.planes[0] = out_data;
  out.strides[0] = LW * 3;
  for (guint i = 0; i < LONG_FRAMES; i++) {
    in_data[i % (LW * LH)] = g_rand_int_range (rand, 0, 256);
    fail_unless (umatcv_converter_process (converter, &in, &out,
            &error) == UMATCV_OK, "frame %u: %s", i, error);
  }
  fail_unless_equals_uint64 (umatcv_converter_allocations (converter),
      after_setup);
  g_print ("umatcv: %u frames on %s, %" G_GUINT64_FORMAT " buffers at setup,"
      " 0 after\n", LONG_FRAMES, umatcv_engine_backend (engine), after_setup);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  umatcv_engine_free (engine);
  g_free (in_data);
  g_free (out_data);
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
umatconvert_stress_suite (void)
{
  Suite *s = suite_create ("umatconvert-stress");
  TCase *tc = tcase_create ("stress");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_parallel_pipelines_match_serial);
  tcase_add_test (tc, test_long_run_memory_flat);
  tcase_add_test (tc, test_long_run_no_allocation);
  return s;
}

GST_CHECK_MAIN (umatconvert_stress);
