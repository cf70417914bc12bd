/* umat-bench: umatconvert against videoconvert and bare OpenCV, side by side.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-bench [--sizes 640x360,1920x1080,3840x2160] [--conversions LIST]
 *              [--paths LIST] [--seconds S] [--json FILE] [--tsv FILE]
 *              [--strict]
 *
 * Every figure of one run is measured in the same process on the same
 * pre-made frames, so the ratios it prints hold even on a noisy machine.
 * Paths (--paths takes a comma list of these names):
 *   videoconvert       appsrc ! videoconvert n-threads=<cores> ! fakesink
 *   umat-cpu           appsrc ! umatconvert device=cpu ! fakesink
 *   umat-opencl        the same on OpenCL, the frames coming from the pool
 *                      umatconvert offers upstream (pinned memory), as a
 *                      decoder or a queue in front of it would write them
 *   umat-opencl-plain  the same with plain frames (the element copies them
 *                      through a pinned staging frame)
 *   opencv-cpu         cv::cvtColor in a bare loop over the frames: the
 *                      ceiling for umat-cpu
 *   umatcv-pinned      umatcv's converter in a bare loop from and to pinned
 *                      memory, no GStreamer: the ceiling for umat-opencl
 *   umatcv-pageable    the same from and to malloc'd memory
 *   gst-floor          appsrc ! identity ! fakesink: what GStreamer itself
 *                      costs per frame in these pipelines, converting nothing
 * Frames per second count frames out of the conversion, timed from the
 * 10th frame to the last, for at least --seconds (default 1.0) per figure.
 * UMAT_BENCH_QUEUE_SIZE sets umatconvert's queue-size and the frames the
 * bare converter loop keeps in flight (default 4, the element's).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "bench-opencv.h"
#include "umatcv.h"

#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARMUP_FRAMES 10
#define N_SOURCE_FRAMES 4

typedef struct
{
  const gchar *name;            /* as printed */
  const gchar *in_format, *out_format;
  const gchar *chain;           /* umatconvert's chain; NULL: auto */
  const gchar *cv_codes;        /* the bare OpenCV loop's cvtColor codes */
} Conversion;

static const Conversion conversions[] = {
  {"BGR->RGB", "BGR", "RGB", NULL, "BGR2RGB"},
  {"BGR->I420", "BGR", "I420", NULL, "BGR2YUV_I420"},
  {"NV12->BGR", "NV12", "BGR", NULL, "YUV2BGR_NV12"},
  {"BGR->GRAY8", "BGR", "GRAY8", NULL, "BGR2GRAY"},
  /* "chain" is the seed's BGR2HSV,HSV2RGB */
  {"BGR->chain->RGB", "BGR", "RGB", "BGR2HSV,HSV2RGB", "BGR2HSV,HSV2RGB"},
  /* the seed's job between a decoder and an encoder: umatconvert decodes
   * and encodes with filtered chroma, the bare loop with OpenCV's codes */
  {"NV12->chain->I420", "NV12", "I420", "BGR2HSV,HSV2RGB",
      "YUV2BGR_NV12,BGR2HSV,HSV2RGB,RGB2YUV_I420"},
  /* 10-bit from HEVC decoders; OpenCV has no code for it */
  {"P010->BGR", "P010_10LE", "BGR", NULL, NULL},
};

typedef enum
{
  PATH_VIDEOCONVERT,
  PATH_UMAT_CPU,
  PATH_UMAT_OPENCL,
  PATH_UMAT_OPENCL_PLAIN,
  PATH_OPENCV_CPU,
  PATH_UMATCV_PINNED,
  PATH_UMATCV_PAGEABLE,
  PATH_GST_FLOOR,
  N_PATHS
} Path;

static const gchar *path_names[N_PATHS] = {
  "videoconvert", "umat-cpu", "umat-opencl", "umat-opencl-plain",
  "opencv-cpu", "umatcv-pinned", "umatcv-pageable", "gst-floor",
};

typedef struct
{
  gint width, height;
  guint conversion;
  Path path;
  gdouble fps;                  /* < 0: not measured (the reason in note) */
  glong frames;
  gchar *note;
  gboolean inapplicable;        /* no such conversion on this path */
} Result;

/* The frames every path converts, in GStreamer's default layout, which for
 * the benchmark's sizes is also OpenCV's single-Mat layout. */
typedef struct
{
  GstVideoInfo info;
  GstBuffer *buffers[N_SOURCE_FRAMES];
  guint8 *data[N_SOURCE_FRAMES];
} SourceFrames;

static gdouble min_seconds = 1.0;
/* umatconvert's queue-size and the bare loop's frames in flight:
 * UMAT_BENCH_QUEUE_SIZE, else the element's default */
#define MAX_QUEUE_SIZE 64
static guint queue_size = 4;
static gchar *backend_seen;

static void
source_frames_init (SourceFrames * frames, const gchar * format, gint width,
    gint height)
{
  GRand *rand = g_rand_new_with_seed (width * 7919 + height);

  gst_video_info_set_format (&frames->info, gst_video_format_from_string
      (format), width, height);
  /* the matrix OpenCV's codes use, so the bare loop does the same work */
  if (GST_VIDEO_INFO_IS_YUV (&frames->info))
    gst_video_colorimetry_from_string (&frames->info.colorimetry, "bt601");
  for (guint i = 0; i < N_SOURCE_FRAMES; i++) {
    gsize size = GST_VIDEO_INFO_SIZE (&frames->info);
    guint32 *words;

    frames->data[i] = g_malloc (size + 4);
    words = (guint32 *) frames->data[i];
    for (gsize w = 0; w < size / 4 + 1; w++)
      words[w] = g_rand_int (rand);
    frames->buffers[i] = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
        frames->data[i], size, 0, size, NULL, NULL);
  }
  g_rand_free (rand);
}

static void
source_frames_clear (SourceFrames * frames)
{
  for (guint i = 0; i < N_SOURCE_FRAMES; i++) {
    gst_buffer_unref (frames->buffers[i]);
    g_free (frames->data[i]);
  }
}

/* Counts frames out of the conversion, and when the 10th and last came. */
typedef struct
{
  gint count;                   /* atomic */
  gint64 first_us, last_us;
} Counter;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad, Counter * c)
{
  gint n = g_atomic_int_add (&c->count, 1) + 1;
  gint64 now = g_get_monotonic_time ();

  if (n == WARMUP_FRAMES)
    c->first_us = now;
  c->last_us = now;
}

static gchar *
element_text (Path path, const Conversion * conv)
{
  switch (path) {
    case PATH_VIDEOCONVERT:
      return g_strdup_printf ("videoconvert n-threads=%u",
          g_get_num_processors ());
    case PATH_UMAT_CPU:
    case PATH_UMAT_OPENCL:
    case PATH_UMAT_OPENCL_PLAIN:
      return g_strdup_printf ("umatconvert name=umat device=%s queue-size=%u"
          "%s%s", path == PATH_UMAT_CPU ? "cpu" : "opencl", queue_size,
          conv->chain ? " chain=" : "", conv->chain ? conv->chain : "");
    case PATH_GST_FLOOR:
      return g_strdup ("identity");
    default:
      return NULL;
  }
}

/* The pool umatconvert offers for `caps`, active, every frame filled. */
static GstBufferPool *
take_offered_pool (GstElement * appsrc, GstCaps * caps,
    const SourceFrames * frames, gchar ** note)
{
  GstPad *pad = gst_element_get_static_pad (appsrc, "src");
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL;
  /* appsrc queues 3 frames (max-bytes), the element and fakesink one each:
   * the pool, which has no maximum, seldom hands out more than these */
  GstBuffer *held[8];
  guint n_held = 0, max = 0;

  if (gst_pad_peer_query (pad, query)
      && gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, &max);
  gst_query_unref (query);
  gst_object_unref (pad);
  if (pool == NULL || !gst_buffer_pool_set_active (pool, TRUE)) {
    *note = g_strdup ("umatconvert offered no pool");
    gst_clear_object (&pool);
    return NULL;
  }
  /* fill the frames the pool will give; they keep their bytes */
  while (n_held < G_N_ELEMENTS (held) && (max == 0 || n_held < max)) {
    GstBufferPoolAcquireParams params = {.flags =
          GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT };
    GstBuffer *buffer;
    if (gst_buffer_pool_acquire_buffer (pool, &buffer, &params) != GST_FLOW_OK)
      break;
    gst_buffer_fill (buffer, 0, frames->data[n_held % N_SOURCE_FRAMES],
        GST_VIDEO_INFO_SIZE (&frames->info));
    held[n_held++] = buffer;
  }
  while (n_held > 0)
    gst_buffer_unref (held[--n_held]);
  return pool;
}

/* Waits until the element under test has negotiated its output (caps and
 * converter are made before the first frame is converted: kernels compile
 * then), or an error, or 60 s. A frame need not come out: on OpenCL the
 * element keeps frames in flight until later ones come. */
static gboolean
wait_for_caps (GstElement * pipeline, GstBus * bus, gchar ** note)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  gboolean ok = FALSE;

  while (!ok) {
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    GstCaps *caps;
    if (msg) {
      GError *err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      *note = g_strdup (err->message);
      g_error_free (err);
      gst_message_unref (msg);
      break;
    }
    if ((caps = gst_pad_get_current_caps (pad)) != NULL) {
      gst_caps_unref (caps);
      ok = TRUE;
    } else if (g_get_monotonic_time () > deadline) {
      *note = g_strdup ("no caps downstream within 60 s");
      break;
    } else {
      g_usleep (500);
    }
  }
  gst_object_unref (pad);
  gst_object_unref (sink);
  return ok;
}

static void
run_pipeline (Result * r, const Conversion * conv, const SourceFrames * frames)
{
  gchar *element = element_text (r->path, conv);
  GstCaps *caps = gst_video_info_to_caps (&frames->info);
  gchar *caps_text = gst_caps_to_string (caps);
  gchar *launch = g_strdup_printf ("appsrc name=src format=time block=true "
      "max-bytes=%" G_GSIZE_FORMAT " caps=\"%s\" ! %s ! "
      "video/x-raw,format=%s ! fakesink name=sink sync=false "
      "signal-handoffs=true", 3 * GST_VIDEO_INFO_SIZE (&frames->info),
      caps_text, element, r->path == PATH_GST_FLOOR ? conv->in_format
      : conv->out_format);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (launch, &err);
  GstElement *src, *sink;
  GstBufferPool *pool = NULL;
  GstBus *bus;
  GstMessage *msg;
  Counter counter = { 0, };
  gint64 start_us;
  guint i = 0;

  if (pipeline == NULL) {
    r->note = g_strdup (err ? err->message : "cannot build the pipeline");
    g_clear_error (&err);
    goto out;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &counter);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  /* one frame negotiates (and compiles kernels); a pool needs caps */
  gst_app_src_push_buffer (GST_APP_SRC (src),
      gst_buffer_ref (frames->buffers[0]));
  if (!wait_for_caps (pipeline, bus, &r->note))
    goto stop;
  if (r->path == PATH_UMAT_OPENCL
      && !(pool = take_offered_pool (src, caps, frames, &r->note)))
    goto stop;

  start_us = g_get_monotonic_time ();
  for (i = 1; i < WARMUP_FRAMES + 5
      || g_get_monotonic_time () - start_us < min_seconds * 1e6; i++) {
    GstBuffer *buffer;
    if (pool) {
      if (gst_buffer_pool_acquire_buffer (pool, &buffer, NULL) != GST_FLOW_OK)
        break;
    } else {
      buffer = gst_buffer_ref (frames->buffers[i % N_SOURCE_FRAMES]);
    }
    GST_BUFFER_PTS (buffer) = i * GST_MSECOND;
    if (gst_app_src_push_buffer (GST_APP_SRC (src), buffer) != GST_FLOW_OK)
      break;
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    r->note = g_strdup (err->message);
    g_clear_error (&err);
  } else if (counter.count <= WARMUP_FRAMES + 1) {
    r->note = g_strdup ("too few frames came out");
  } else {
    r->frames = counter.count - WARMUP_FRAMES;
    r->fps = r->frames / ((counter.last_us - counter.first_us) / 1e6);
  }
  gst_message_unref (msg);

  if (r->path == PATH_UMAT_OPENCL || r->path == PATH_UMAT_OPENCL_PLAIN) {
    GstElement *umat = gst_bin_get_by_name (GST_BIN (pipeline), "umat");
    g_free (backend_seen);
    g_object_get (umat, "backend", &backend_seen, NULL);
    gst_object_unref (umat);
  }

stop:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (pool) {
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
  }
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
out:
  gst_caps_unref (caps);
  g_free (caps_text);
  g_free (launch);
  g_free (element);
}

static void
run_opencv (Result * r, const Conversion * conv, const SourceFrames * frames)
{
  gchar **names;
  gint codes[8], n_codes = 0;
  const GstVideoInfo *info = &frames->info;
  gboolean yuv420 = GST_VIDEO_INFO_IS_YUV (info);
  gint rows = yuv420 ? info->height * 3 / 2 : info->height;
  gint channels = yuv420 ? 1 : GST_VIDEO_INFO_COMP_PSTRIDE (info, 0);

  names = g_strsplit (conv->cv_codes, ",", -1);
  for (gchar ** n = names; *n && n_codes < 8; n++)
    codes[n_codes++] = bench_opencv_code (*n);
  g_strfreev (names);
  r->fps = bench_opencv_cpu (codes, n_codes, rows, info->width, channels,
      (uint8_t * const *) frames->data, N_SOURCE_FRAMES, min_seconds,
      &r->frames);
}

static UmatcvLayout
layout_of (const gchar * format)
{
  static const struct
  {
    const gchar *format;
    UmatcvLayout layout;
  } layouts[] = {
    {"BGR", UMATCV_LAYOUT_BGR}, {"RGB", UMATCV_LAYOUT_RGB},
    {"I420", UMATCV_LAYOUT_I420}, {"NV12", UMATCV_LAYOUT_NV12},
    {"GRAY8", UMATCV_LAYOUT_GRAY}, {"P010_10LE", UMATCV_LAYOUT_P010},
  };
  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (!strcmp (format, layouts[i].format))
      return layouts[i].layout;
  return UMATCV_LAYOUT_NONE;
}

static void
image_init (UmatcvImage * image, const GstVideoInfo * info, UmatcvLayout layout,
    guint8 * data)
{
  memset (image, 0, sizeof (*image));
  image->layout = layout;
  image->width = info->width;
  image->height = info->height;
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    image->planes[p] = data + info->offset[p];
    image->strides[p] = info->stride[p];
  }
}

/* The converter the element would make, in a bare loop over host memory:
 * pinned (umatcv_host_memory_new) or pageable (malloc). */
/* Submits a frame, first waiting for the oldest if the ring is full. */
static gboolean
convert_in_flight (UmatcvConverter * converter, const UmatcvImage * in,
    const UmatcvImage * out, gchar ** error)
{
  if (umatcv_converter_in_flight (converter)
      >= umatcv_converter_depth (converter)
      && umatcv_converter_wait (converter, 1, NULL, error) != UMATCV_OK)
    return FALSE;
  return umatcv_converter_submit (converter, in, out, error) == UMATCV_OK;
}

static void
run_umatcv (Result * r, const Conversion * conv, const SourceFrames * frames)
{
  gboolean pinned = r->path == PATH_UMATCV_PINNED;
  UmatcvLayout in = layout_of (conv->in_format), out =
      layout_of (conv->out_format);
  GstVideoInfo out_info;
  UmatcvEngine *engine = NULL;
  UmatcvChain *chain = NULL;
  UmatcvConverter *converter = NULL;
  UmatcvHostAllocator *allocator = NULL;
  /* the source frames, then an output for each frame in flight */
  UmatcvHostMemory *memory[N_SOURCE_FRAMES + MAX_QUEUE_SIZE] = { NULL, };
  guint8 *data[N_SOURCE_FRAMES + MAX_QUEUE_SIZE] = { NULL, };
  UmatcvImage in_images[N_SOURCE_FRAMES], out_images[MAX_QUEUE_SIZE];
  guint n_buffers = N_SOURCE_FRAMES + queue_size;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  gint64 start_us, elapsed_us;
  glong n = 0;

  gst_video_info_set_format (&out_info,
      gst_video_format_from_string (conv->out_format), frames->info.width,
      frames->info.height);
  if (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine, &error) != UMATCV_OK)
    goto failed;
  if ((conv->chain ? umatcv_chain_parse (conv->chain, &chain, &error)
          : umatcv_chain_route (in, out, &chain, &error)) != UMATCV_OK)
    goto failed;
  umatcv_converter_spec_init (&spec, in, out, frames->info.width,
      frames->info.height);
  spec.slots = queue_size;
  if (umatcv_converter_new (engine, chain, &spec, &converter, &error)
      != UMATCV_OK)
    goto failed;
  if (pinned && umatcv_host_allocator_new (engine, &allocator, &error)
      != UMATCV_OK)
    goto failed;

  for (guint i = 0; i < n_buffers; i++) {
    gsize size = i < N_SOURCE_FRAMES ? GST_VIDEO_INFO_SIZE (&frames->info)
        : GST_VIDEO_INFO_SIZE (&out_info);
    if (pinned) {
      if (umatcv_host_memory_new (allocator, size, &memory[i], &error)
          != UMATCV_OK)
        goto failed;
      data[i] = umatcv_host_memory_data (memory[i]);
    } else {
      data[i] = g_malloc (size);
    }
    if (i < N_SOURCE_FRAMES) {
      memcpy (data[i], frames->data[i], size);
      image_init (&in_images[i], &frames->info, in, data[i]);
    } else {
      image_init (&out_images[i - N_SOURCE_FRAMES], &out_info, out, data[i]);
    }
  }

  /* as the element runs them: up to queue-size frames in flight, the
   * oldest waited for when the ring is full */
  for (gint i = 0; i < WARMUP_FRAMES; i++)
    if (!convert_in_flight (converter, &in_images[i % N_SOURCE_FRAMES],
            &out_images[i % queue_size], &error))
      goto failed;
  start_us = g_get_monotonic_time ();
  do {
    if (!convert_in_flight (converter, &in_images[n % N_SOURCE_FRAMES],
            &out_images[(WARMUP_FRAMES + n) % queue_size], &error))
      goto failed;
    n++;
    elapsed_us = g_get_monotonic_time () - start_us;
  } while (elapsed_us < min_seconds * 1e6);
  while (umatcv_converter_in_flight (converter) > 0)
    if (umatcv_converter_wait (converter, 1, NULL, &error) != UMATCV_OK)
      goto failed;
  elapsed_us = g_get_monotonic_time () - start_us;
  r->frames = n;
  r->fps = n / (elapsed_us / 1e6);
  goto done;

failed:
  r->note = g_strdup (error ? error : "failed without a reason");
  umatcv_free (error);
done:
  for (guint i = 0; i < n_buffers; i++) {
    if (pinned)
      umatcv_host_memory_free (memory[i]);
    else
      g_free (data[i]);
  }
  umatcv_host_allocator_free (allocator);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  umatcv_engine_free (engine);
}

static const Result *
find_result (GPtrArray * results, gint width, gint height, guint conversion,
    Path path)
{
  for (guint i = 0; i < results->len; i++) {
    const Result *r = g_ptr_array_index (results, i);
    if (r->width == width && r->height == height && r->conversion == conversion
        && r->path == path && r->fps > 0)
      return r;
  }
  return NULL;
}

static gdouble
ratio (GPtrArray * results, const Result * r, Path base)
{
  const Result *b = find_result (results, r->width, r->height, r->conversion,
      base);
  return b && r->fps > 0 ? r->fps / b->fps : -1;
}

static void
print_result (GPtrArray * results, const Result * r)
{
  gdouble vs_vc = ratio (results, r, PATH_VIDEOCONVERT);
  gdouble vs_cv = ratio (results, r, PATH_OPENCV_CPU);
  gchar vc[16] = "-", cv[16] = "-";

  if (r->fps < 0) {
    g_print ("%-10s %-16s %-18s %10s  (%s)\n", "", "", path_names[r->path],
        "n/a", r->note ? r->note : "not run");
    return;
  }
  if (vs_vc > 0)
    g_snprintf (vc, sizeof (vc), "%.2fx", vs_vc);
  if (vs_cv > 0)
    g_snprintf (cv, sizeof (cv), "%.2fx", vs_cv);
  g_print ("%4dx%-5d %-16s %-18s %10.1f %9.3f %14s %14s\n", r->width,
      r->height, conversions[r->conversion].name, path_names[r->path], r->fps,
      1000.0 / r->fps, vc, cv);
}

static void
write_json (const gchar * file, GPtrArray * results)
{
  GString *s = g_string_new (NULL);
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *date = g_date_time_format_iso8601 (now);

  g_string_append_printf (s, "{\n  \"date\": \"%s\",\n  \"host\": \"%s\",\n"
      "  \"cores\": %u,\n  \"opencl_backend\": \"%s\",\n  \"seconds\": %g,\n"
      "  \"results\": [\n", date, g_get_host_name (), g_get_num_processors (),
      backend_seen ? backend_seen : "", min_seconds);
  for (guint i = 0; i < results->len; i++) {
    const Result *r = g_ptr_array_index (results, i);
    g_string_append_printf (s, "    {\"size\": \"%dx%d\", \"conversion\": "
        "\"%s\", \"path\": \"%s\", ", r->width, r->height,
        conversions[r->conversion].name, path_names[r->path]);
    if (r->fps > 0)
      g_string_append_printf (s, "\"fps\": %.1f, \"ms\": %.4f, \"frames\": "
          "%ld, \"vs_videoconvert\": %.3f, \"vs_opencv_cpu\": %.3f}", r->fps,
          1000.0 / r->fps, r->frames, ratio (results, r, PATH_VIDEOCONVERT),
          ratio (results, r, PATH_OPENCV_CPU));
    else {
      gchar *note = g_strescape (r->note ? r->note : "not run", NULL);
      g_string_append_printf (s, "\"fps\": null, \"note\": \"%s\"}", note);
      g_free (note);
    }
    g_string_append (s, i + 1 < results->len ? ",\n" : "\n");
  }
  g_string_append (s, "  ]\n}\n");
  if (!g_file_set_contents (file, s->str, s->len, NULL))
    g_printerr ("cannot write %s\n", file);
  g_string_free (s, TRUE);
  g_free (date);
  g_date_time_unref (now);
}

/* One row per size and conversion, one column of fps per path: what
 * tests/bench/chart.gp draws. */
static void
write_tsv (const gchar * file, GPtrArray * results, const gint (*sizes)[2],
    guint n_sizes, const gboolean * paths)
{
  GString *s = g_string_new ("size\tconversion");

  for (guint p = 0; p < N_PATHS; p++)
    if (paths[p])
      g_string_append_printf (s, "\t%s", path_names[p]);
  g_string_append_c (s, '\n');
  for (guint z = 0; z < n_sizes; z++)
    for (guint c = 0; c < G_N_ELEMENTS (conversions); c++) {
      g_string_append_printf (s, "%dx%d\t\"%s\"", sizes[z][0], sizes[z][1],
          conversions[c].name);
      for (guint p = 0; p < N_PATHS; p++) {
        const Result *r;
        if (!paths[p])
          continue;
        r = find_result (results, sizes[z][0], sizes[z][1], c, p);
        if (r)
          g_string_append_printf (s, "\t%.1f", r->fps);
        else
          g_string_append (s, "\tNaN");
      }
      g_string_append_c (s, '\n');
    }
  if (!g_file_set_contents (file, s->str, s->len, NULL))
    g_printerr ("cannot write %s\n", file);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  gchar *sizes_text = NULL, *conversions_text = NULL, *paths_text = NULL;
  gchar *json = NULL, *tsv = NULL;
  gboolean strict = FALSE;
  gint status = 0;
  GOptionEntry entries[] = {
    {"sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_text,
        "Frame sizes (default 640x360,1920x1080,3840x2160)", "WxH,..."},
    {"conversions", 0, 0, G_OPTION_ARG_STRING, &conversions_text,
        "Conversions by number 1-7 (default all)", "N,..."},
    {"paths", 0, 0, G_OPTION_ARG_STRING, &paths_text,
        "Paths to measure (default all)", "NAME,..."},
    {"seconds", 0, 0, G_OPTION_ARG_DOUBLE, &min_seconds,
        "Seconds per figure (default 1.0)", "S"},
    {"json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write the results as JSON",
        "FILE"},
    {"tsv", 0, 0, G_OPTION_ARG_FILENAME, &tsv,
        "Write fps per size, conversion and path for chart.gp", "FILE"},
    {"strict", 0, 0, G_OPTION_ARG_NONE, &strict,
        "Exit with status 1 unless every path measured every conversion",
        NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- umatconvert side by side "
      "with videoconvert and OpenCV");
  GError *err = NULL;
  gint sizes[8][2];
  guint n_sizes = 0;
  gboolean run_conv[G_N_ELEMENTS (conversions)], run_path[N_PATHS];
  GPtrArray *results = g_ptr_array_new ();
  gchar **list;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("umat-bench: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (g_getenv ("UMAT_BENCH_QUEUE_SIZE") != NULL)
    queue_size = CLAMP (atoi (g_getenv ("UMAT_BENCH_QUEUE_SIZE")), 1,
        MAX_QUEUE_SIZE);

  list = g_strsplit (sizes_text ? sizes_text : "640x360,1920x1080,3840x2160",
      ",", -1);
  for (gchar ** s = list; *s && n_sizes < 8; s++) {
    if (sscanf (*s, "%dx%d", &sizes[n_sizes][0], &sizes[n_sizes][1]) != 2
        || sizes[n_sizes][0] <= 0 || sizes[n_sizes][0] % 4
        || sizes[n_sizes][1] <= 0 || sizes[n_sizes][1] % 2) {
      g_printerr ("umat-bench: bad size \"%s\" (WxH, width a multiple of 4, "
          "height even)\n", *s);
      return 2;
    }
    n_sizes++;
  }
  g_strfreev (list);
  for (guint c = 0; c < G_N_ELEMENTS (conversions); c++)
    run_conv[c] = conversions_text == NULL;
  if (conversions_text) {
    list = g_strsplit (conversions_text, ",", -1);
    for (gchar ** s = list; *s; s++) {
      guint c = atoi (*s);
      if (c < 1 || c > G_N_ELEMENTS (conversions)) {
        g_printerr ("umat-bench: no conversion %s (1-%u)\n", *s,
            (guint) G_N_ELEMENTS (conversions));
        return 2;
      }
      run_conv[c - 1] = TRUE;
    }
    g_strfreev (list);
  }
  for (guint p = 0; p < N_PATHS; p++)
    run_path[p] = paths_text == NULL;
  if (paths_text) {
    list = g_strsplit (paths_text, ",", -1);
    for (gchar ** s = list; *s; s++) {
      guint p;
      for (p = 0; p < N_PATHS && strcmp (*s, path_names[p]); p++);
      if (p == N_PATHS) {
        g_printerr ("umat-bench: no path \"%s\"\n", *s);
        return 2;
      }
      run_path[p] = TRUE;
    }
    g_strfreev (list);
  }

  g_print ("%-10s %-16s %-18s %10s %9s %14s %14s\n", "size", "conversion",
      "path", "fps", "ms/frame", "vs videoconv.", "vs opencv-cpu");
  for (guint z = 0; z < n_sizes; z++)
    for (guint c = 0; c < G_N_ELEMENTS (conversions); c++) {
      SourceFrames frames;
      guint first = results->len;

      if (!run_conv[c])
        continue;
      source_frames_init (&frames, conversions[c].in_format, sizes[z][0],
          sizes[z][1]);
      for (guint p = 0; p < N_PATHS; p++) {
        Result *r;
        if (!run_path[p])
          continue;
        r = g_new0 (Result, 1);
        r->width = sizes[z][0];
        r->height = sizes[z][1];
        r->conversion = c;
        r->path = p;
        r->fps = -1;
        if (p == PATH_OPENCV_CPU && conversions[c].cv_codes == NULL) {
          r->note = g_strdup ("OpenCV has no code for it");
          r->inapplicable = TRUE;
        } else if (p == PATH_OPENCV_CPU)
          run_opencv (r, &conversions[c], &frames);
        else if (p == PATH_UMATCV_PINNED || p == PATH_UMATCV_PAGEABLE)
          run_umatcv (r, &conversions[c], &frames);
        else if (p == PATH_VIDEOCONVERT && conversions[c].chain) {
          r->note = g_strdup ("videoconvert has no HSV");
          r->inapplicable = TRUE;
        }
        else
          run_pipeline (r, &conversions[c], &frames);
        g_ptr_array_add (results, r);
      }
      for (guint i = first; i < results->len; i++)
        print_result (results, g_ptr_array_index (results, i));
      source_frames_clear (&frames);
    }
  g_print ("cores: %u; queue-size %u; OpenCL: %s\n", g_get_num_processors (),
      queue_size,
      backend_seen ? backend_seen : "(not run)");

  if (json)
    write_json (json, results);
  if (tsv)
    write_tsv (tsv, results, (const gint (*)[2]) sizes, n_sizes, run_path);
  for (guint i = 0; i < results->len; i++) {
    Result *r = g_ptr_array_index (results, i);
    if (strict && r->fps <= 0 && !r->inapplicable) {
      g_printerr ("umat-bench: %s %s %dx%d: %s\n", path_names[r->path],
          conversions[r->conversion].name, r->width, r->height,
          r->note ? r->note : "no figure");
      status = 1;
    }
    g_free (r->note);
    g_free (r);
  }
  g_ptr_array_free (results, TRUE);
  g_free (sizes_text);
  g_free (conversions_text);
  g_free (paths_text);
  g_free (json);
  g_free (tsv);
  g_free (backend_seen);
  return status;
}
