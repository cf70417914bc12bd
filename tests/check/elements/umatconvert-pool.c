/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert's frame pools: on OpenCL it offers upstream a pool of pinned
 * frames and downloads into pinned frames of its own; frames come back by
 * refcount and are never handed out while held; pinned frames and plain
 * ones give the same bytes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

#define WIDTH 318               /* odd chroma width, rows not 4-aligned */
#define HEIGHT 240
#define QUEUE_SIZE 3

static GstCaps *
bgr_caps (const gchar * format)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, format,
      "width", G_TYPE_INT, WIDTH, "height", G_TYPE_INT, HEIGHT,
      "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
}

/* A harness on umatconvert with queue-size QUEUE_SIZE. */
static GstHarness *
new_harness (const gchar * chain, const gchar * in, const gchar * out)
{
  gchar *line = g_strdup_printf ("queue-size=%d%s%s", QUEUE_SIZE,
      chain ? " chain=" : "", chain ? chain : "");
  GstHarness *h = umattest_harness_new (line);

  gst_harness_set_caps (h, bgr_caps (in), bgr_caps (out));
  g_free (line);
  return h;
}

/* What umatconvert offers upstream for `caps`, as a decoder would ask. */
static GstBufferPool *
offered_pool (GstHarness * h, const gchar * format, guint * max)
{
  GstCaps *caps = bgr_caps (format);
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL;

  fail_unless (gst_pad_peer_query (h->srcpad, query));
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, max);
  gst_query_unref (query);
  gst_caps_unref (caps);
  return pool;
}

/* The offered pool, active; NULL on the CPU, which offers none (a failure
 * on OpenCL). */
static GstBufferPool *
active_offered_pool (GstHarness * h)
{
  GstBufferPool *pool = offered_pool (h, "BGR", NULL);

  if (pool == NULL) {
    fail_if (umattest_on_opencl (), "no pool offered on OpenCL");
    return NULL;
  }
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  return pool;
}

static void
fill_pattern (GstBuffer * buffer, guint seed)
{
  GstMapInfo map;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = (guint8) (i * 7 + seed * 13 + (i / 977));
  gst_buffer_unmap (buffer, &map);
}

/* `rgb` is OpenCV's BGR2RGB of `bgr`, both `width`x`height`. */
static void
assert_swapped_at (GstBuffer * bgr, GstBuffer * rgb, gint width, gint height)
{
  GstVideoInfo info;
  UmattestImage *in, *got, *want;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, width, height);
  in = umattest_image_from_buffer (bgr, &info);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, width, height);
  got = umattest_image_from_buffer (rgb, &info);
  want = umattest_cvt (in, "BGR2RGB");
  umattest_assert_images_close (got, want, 0, UMATTEST_COMPARE_ALL,
      "BGR to RGB");
  umattest_image_free (in);
  umattest_image_free (got);
  umattest_image_free (want);
}

static void
assert_swapped (GstBuffer * bgr, GstBuffer * rgb)
{
  assert_swapped_at (bgr, rgb, WIDTH, HEIGHT);
}

static gboolean
same_bytes (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  gboolean same;

  fail_unless (gst_buffer_map (a, &ma, GST_MAP_READ));
  fail_unless (gst_buffer_map (b, &mb, GST_MAP_READ));
  same = ma.size == mb.size && memcmp (ma.data, mb.data, ma.size) == 0;
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return same;
}

/* On OpenCL the pool offered upstream is the element's pinned one, with no
 * maximum: its frames leave the element (in place, they go downstream), and
 * a bound would stall a downstream that holds more frames than queue-size
 * (an encoder's look-ahead). A frame that comes back is the same memory,
 * not a new allocation. */
GST_START_TEST (test_offered_pool_has_no_maximum)
{
  GstHarness *h;
  GstBuffer *held[QUEUE_SIZE + 4], *again;
  GstBufferPoolAcquireParams dontwait = {.flags =
        GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT
  };
  GstBufferPool *pool;
  GstMapInfo map;
  gpointer first_data;
  guint max = 1;

  h = new_harness (NULL, "BGR", "RGB");
  pool = offered_pool (h, "BGR", &max);
  if (!umattest_on_opencl ()) {
    /* the CPU reads any memory as fast: no pinned pool to offer */
    fail_if (pool && !strcmp (G_OBJECT_TYPE_NAME (pool), "GstUmatPool"));
    gst_clear_object (&pool);
    umattest_harness_teardown (h);
    return;
  }
  fail_unless (pool != NULL, "no pool offered on OpenCL");
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (pool), "GstUmatPool");
  fail_unless_equals_int (max, 0);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &held[i],
            &dontwait), GST_FLOW_OK);

  fail_unless (gst_buffer_map (held[0], &map, GST_MAP_READ));
  first_data = map.data;
  gst_buffer_unmap (held[0], &map);
  gst_buffer_unref (held[0]);
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &again,
          &dontwait), GST_FLOW_OK);
  fail_unless (gst_buffer_map (again, &map, GST_MAP_READ));
  fail_unless (map.data == first_data, "the pool made a new frame");
  gst_buffer_unmap (again, &map);

  gst_buffer_unref (again);
  for (guint i = 1; i < G_N_ELEMENTS (held); i++)
    gst_buffer_unref (held[i]);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* Frames from the offered pool convert correctly, and a frame that the
 * application still holds is never handed out again and overwritten,
 * however many frames pass after it. */
GST_START_TEST (test_pool_frames_convert_and_stay_intact)
{
  GstHarness *h;
  GstBufferPool *pool;
  GstBuffer *kept, *kept_copy, *out;

  h = new_harness (NULL, "BGR", "RGB");
  if (!(pool = active_offered_pool (h))) {
    umattest_harness_teardown (h);
    return;
  }
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &kept, NULL),
      GST_FLOW_OK);
  fill_pattern (kept, 1);
  kept_copy = gst_buffer_copy_deep (kept);

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (kept)),
      GST_FLOW_OK);
  umattest_harness_drain (h);
  out = gst_harness_pull (h);
  assert_swapped (kept, out);
  gst_buffer_unref (out);

  for (guint i = 0; i < 4 * QUEUE_SIZE; i++) {
    GstBuffer *frame;
    fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &frame,
            NULL), GST_FLOW_OK);
    fail_if (frame == kept, "a held frame was handed out again");
    fill_pattern (frame, i + 2);
    fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
    umattest_harness_drain (h);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (same_bytes (kept, kept_copy), "a held frame was overwritten");

  gst_buffer_unref (kept_copy);
  gst_buffer_unref (kept);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* On OpenCL, downstream without a pool of its own gets frames from the
 * element's pinned pool, so the download is a DMA transfer too. */
GST_START_TEST (test_output_frames_are_pinned)
{
  GstHarness *h;
  GstBuffer *in, *out;
  GstVideoInfo info;

  h = new_harness (NULL, "BGR", "RGB");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, WIDTH, HEIGHT);
  in = gst_harness_create_buffer (h, GST_VIDEO_INFO_SIZE (&info));
  fill_pattern (in, 3);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_OK);
  umattest_harness_drain (h);
  out = gst_harness_pull (h);
  assert_swapped (in, out);
  if (umattest_on_opencl ()) {
    fail_unless (out->pool != NULL, "the output frame has no pool");
    fail_unless_equals_string (G_OBJECT_TYPE_NAME (out->pool), "GstUmatPool");
  }
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* A pinned frame (from the pool, converted in place) and a plain one
 * (copied through the staging frame) give the same bytes. */
GST_START_TEST (test_pinned_and_plain_frames_agree)
{
  GstHarness *h;
  GstBufferPool *pool;
  GstBuffer *plain, *pinned, *from_plain, *from_pinned;
  GstMapInfo map;
  gpointer pinned_data;

  h = new_harness ("BGR2HSV,HSV2BGR", "BGR", "BGR");
  if (!(pool = active_offered_pool (h))) {
    umattest_harness_teardown (h);
    return;
  }
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &pinned, NULL),
      GST_FLOW_OK);
  fill_pattern (pinned, 4);
  plain = gst_buffer_copy_deep (pinned);
  fail_unless (gst_buffer_map (pinned, &map, GST_MAP_READ));
  pinned_data = map.data;
  gst_buffer_unmap (pinned, &map);

  fail_unless_equals_int (gst_harness_push (h, plain), GST_FLOW_OK);
  umattest_harness_drain (h);
  from_plain = gst_harness_pull (h);
  fail_unless_equals_int (gst_harness_push (h, pinned), GST_FLOW_OK);
  umattest_harness_drain (h);
  from_pinned = gst_harness_pull (h);

  /* the format stays, so the pinned frame was converted in place */
  fail_unless (gst_buffer_map (from_pinned, &map, GST_MAP_READ));
  fail_unless (map.data == pinned_data, "not converted in place");
  gst_buffer_unmap (from_pinned, &map);
  fail_unless (same_bytes (from_plain, from_pinned));

  gst_buffer_unref (from_plain);
  gst_buffer_unref (from_pinned);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* A sink that keeps queue-size + 4 frames before it lets any go, as an
 * encoder's look-ahead or an application's queue does. */
typedef struct
{
  GPtrArray *held;
  guint hold, seen, from_umat_pool;
} Holder;

static GstPadProbeReturn
hold_frames (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Holder *holder = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  holder->seen++;
  if (buffer->pool && g_str_equal (G_OBJECT_TYPE_NAME (buffer->pool),
          "GstUmatPool"))
    holder->from_umat_pool++;
  g_ptr_array_add (holder->held, gst_buffer_ref (buffer));
  if (holder->held->len >= holder->hold)
    g_ptr_array_set_size (holder->held, 0);
  return GST_PAD_PROBE_OK;
}

/* videotestsrc ! <caps> ! umatconvert <props> ! fakesink that holds
 * frames: every frame reaches the sink and the stream its end, in time. */
static void
check_downstream_holds_frames (const gchar * caps, const gchar * props,
    gboolean in_place)
{
  const guint frames = 3 * (QUEUE_SIZE + 4);
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=%u ! %s ! "
      "umatconvert name=convert device=%s queue-size=%d %s ! "
      "fakesink name=sink sync=false", frames, caps, umattest_device (),
      QUEUE_SIZE, props);
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  Holder holder = { g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref), QUEUE_SIZE + 4, 0, 0
  };
  GstMessage *msg;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, hold_frames, &holder,
      NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      umattest_stall_timeout (60), GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: stalled: %u of %u frames out within 60 s, "
      "downstream holding %u", line, holder.seen, frames, holder.hold);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "%s: an error", line);
  fail_unless_equals_int (holder.seen, frames);
  /* in place, the frames downstream holds are the pool's the element
   * offered upstream, on OpenCL: that pool is what this is about */
  if (in_place && umattest_on_opencl ())
    fail_unless_equals_int (holder.from_umat_pool, frames);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_ptr_array_unref (holder.held);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (line);
}

/* Warnings and errors of the element's own categories in the debug log. */
static void
count_warnings (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  if (level <= GST_LEVEL_WARNING && g_str_has_prefix
      (gst_debug_category_get_name (category), "umat"))
    g_atomic_int_inc ((gint *) data);
}

/* A stream that starts, converts and ends as it should leaves no warning
 * in the debug log (GST_DEBUG=2 is where people look first): the output
 * pool used to be configured once without caps, and said so. */
GST_START_TEST (test_clean_run_logs_no_warning)
{
  gint warnings = 0;
  GstMessage *msg;
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=NV12,width=320,height=240 ! umatconvert device=%s "
      "chain=BGR2HSV,HSV2RGB ! video/x-raw,format=BGR ! fakesink",
      umattest_device ());
  GstElement *pipeline = gst_parse_launch (line, NULL);

  gst_debug_set_threshold_for_name ("umat*", GST_LEVEL_WARNING);
  gst_debug_add_log_function (count_warnings, &warnings, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      umattest_stall_timeout (60), GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_debug_remove_log_function (count_warnings);
  gst_debug_unset_threshold_for_name ("umat*");
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  fail_unless_equals_int (g_atomic_int_get (&warnings), 0);
  gst_message_unref (msg);
  gst_object_unref (pipeline);
  g_free (line);
}

GST_END_TEST;

/* In place (I420 to I420 through BGR), the frames downstream holds come
 * from the pool offered upstream: a bound on it stalled the stream. */
GST_START_TEST (test_downstream_holding_frames_in_place)
{
  check_downstream_holds_frames ("video/x-raw,format=I420,width=320,"
      "height=240", "chain=YUV2BGR_I420,BGR2YUV_I420", TRUE);
}

GST_END_TEST;

/* Converting (BGR to RGB), they come from the element's own pool. */
GST_START_TEST (test_downstream_holding_frames_converting)
{
  check_downstream_holds_frames ("video/x-raw,format=BGR,width=320,"
      "height=240", "chain=BGR2RGB", FALSE);
}

GST_END_TEST;

/* With queue-size=1 umatconvert holds no frame (docs/properties.md: "1
 * converts each frame before the next comes"): a frame is out as soon as
 * it is pushed, not when the next one comes, and the LATENCY query adds
 * nothing. A frame that waits for the next one delays a live stream by a
 * frame that the latency does not account for. */
GST_START_TEST (test_queue_size_one_holds_no_frame)
{
  GstHarness *h = umattest_harness_new ("queue-size=1 chain=BGR2RGB");
  GstQuery *query;
  GstClockTime min = GST_CLOCK_TIME_NONE, max;
  gboolean live;

  /* 1080p: on the device long enough that a frame left behind is seen
   * still there, even when the machine is busy */
  gst_harness_set_caps (h, umattest_caps (GST_VIDEO_FORMAT_BGR, 1920, 1080),
      umattest_caps (GST_VIDEO_FORMAT_RGB, 1920, 1080));
  for (guint i = 0; i < 8; i++) {
    GstBuffer *frame = umattest_buffer_new_timed (GST_VIDEO_FORMAT_BGR,
        1920, 1080, i);
    GstBuffer *out;

    fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (frame)),
        GST_FLOW_OK);
    fail_unless (gst_harness_buffers_in_queue (h) == 1, "frame %u is still "
        "in umatconvert after its push returned", i);
    out = gst_harness_pull (h);
    assert_swapped_at (frame, out, 1920, 1080);
    gst_buffer_unref (out);
    gst_buffer_unref (frame);
  }
  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (h->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless_equals_uint64 (min, 0);
  gst_query_unref (query);
  umattest_harness_teardown (h);
}

GST_END_TEST;

/* Frames in flight (queue-size 1, 3 and 8): every frame comes out once, in
 * the order and with the times it went in, with the pixels of OpenCV's CPU
 * cvtColor, and the LATENCY query says queue-size - 1 frames. */
GST_START_TEST (test_frames_in_flight_order_times_pixels)
{
  static const guint queue_sizes[] = { 1, 3, 8 };
  const gint w = 320, h = 240;
  const guint n = 20;

  for (guint q = 0; q < G_N_ELEMENTS (queue_sizes); q++) {
    gchar *properties = g_strdup_printf ("queue-size=%u chain=BGR2HSV,HSV2RGB",
        queue_sizes[q]);
    GstHarness *harness = umattest_harness_new (properties);
    GstBuffer *ins[20];
    GstQuery *query;
    GstClockTime min = GST_CLOCK_TIME_NONE, max;
    gboolean live;
    GstVideoInfo in_info, out_info;

    gst_video_info_set_format (&in_info, GST_VIDEO_FORMAT_BGR, w, h);
    gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_RGB, w, h);
    gst_harness_set_caps (harness, umattest_caps (GST_VIDEO_FORMAT_BGR, w, h),
        umattest_caps (GST_VIDEO_FORMAT_RGB, w, h));
    for (guint i = 0; i < n; i++) {
      ins[i] = umattest_buffer_new_timed (GST_VIDEO_FORMAT_BGR, w, h, i);
      fail_unless_equals_int (gst_harness_push (harness,
              gst_buffer_ref (ins[i])), GST_FLOW_OK);
    }
    /* what is still in flight comes out at EOS */
    fail_unless (gst_harness_push_event (harness, gst_event_new_eos ()));
    fail_unless_equals_int (gst_harness_buffers_in_queue (harness), n);
    for (guint i = 0; i < n; i++) {
      GstBuffer *out = gst_harness_pull (harness);
      UmattestImage *in = umattest_image_from_buffer (ins[i], &in_info);
      UmattestImage *got = umattest_image_from_buffer (out, &out_info);
      UmattestImage *want = umattest_cvt_chain (in, "BGR2HSV,HSV2RGB", FALSE);

      fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (ins[i]));
      fail_unless_equals_uint64 (GST_BUFFER_DURATION (out),
          GST_BUFFER_DURATION (ins[i]));
      umattest_assert_images_close (got, want,
          umattest_fused_tolerance ((const gchar *[]) { "BGR2HSV", "HSV2RGB",
                  NULL }), UMATTEST_COMPARE_ALL, "queue-size %u, frame %u",
          queue_sizes[q], i);
      umattest_image_free (in);
      umattest_image_free (got);
      umattest_image_free (want);
      gst_buffer_unref (out);
      gst_buffer_unref (ins[i]);
    }
    query = gst_query_new_latency ();
    fail_unless (gst_pad_peer_query (harness->sinkpad, query));
    gst_query_parse_latency (query, &live, &min, &max);
    /* on the CPU a frame is converted as it comes: nothing is held */
    fail_unless_equals_uint64 (min, umattest_on_opencl () ?
        gst_util_uint64_scale_int ((queue_sizes[q] - 1) * GST_SECOND, 1, 30)
        : 0);
    gst_query_unref (query);
    umattest_harness_teardown (harness);
    g_free (properties);
  }
}

GST_END_TEST;

static Suite *
umatconvert_pool_suite (void)
{
  Suite *s = suite_create ("umatconvert-pool");
  TCase *tc = tcase_create ("general");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);

  tcase_add_test (tc, test_offered_pool_has_no_maximum);
  tcase_add_test (tc, test_pool_frames_convert_and_stay_intact);
  tcase_add_test (tc, test_output_frames_are_pinned);
  tcase_add_test (tc, test_pinned_and_plain_frames_agree);
  tcase_add_test (tc, test_downstream_holding_frames_in_place);
  tcase_add_test (tc, test_downstream_holding_frames_converting);
  tcase_add_test (tc, test_queue_size_one_holds_no_frame);
  tcase_add_test (tc, test_frames_in_flight_order_times_pixels);
  tcase_add_test (tc, test_clean_run_logs_no_warning);
  return s;
}

GST_CHECK_MAIN (umatconvert_pool);
