/* umat-appsink: converted frames into a C application through appsink.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-appsink [--chain CODES] [--selection-rate N] [--device D] INPUT
 *
 * Decodes INPUT, runs umatconvert on the frames in GStreamer's threads and
 * pulls the results from an appsink. For every frame it prints its time,
 * format, size, row stride and the sum of each channel, reading the pixels
 * the way application code must: row by row with the stride GStreamer gives
 * (GstVideoFrame, from the buffer's GstVideoMeta when it has one), because
 * rows can be padded. examples/cpp/umat-opencv.cpp wraps the same frame as
 * a cv::Mat instead.
 *
 * Build: cc umat-appsink.c $(pkg-config --cflags --libs gstreamer-app-1.0
 * gstreamer-video-1.0); the plugin must be on GST_PLUGIN_PATH.
 */
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <stdio.h>
#include <stdlib.h>

/* Packed formats only: one plane, one pixel = pixel_stride bytes. */
#define APPSINK_CAPS \
  "video/x-raw, format=(string){ BGR, RGB, BGRx, BGRA, RGBx, RGBA, GRAY8 }"

static int
fail (const gchar * what, const gchar * why)
{
  fprintf (stderr, "umat-appsink: error: %s%s%s\n", what, why ? ": " : "",
      why ? why : "");
  return 1;
}

/* What an application does with a frame; here, sums per channel. */
static void
print_frame (guint number, GstSample * sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf = gst_sample_get_buffer (sample);
  guint64 sums[4] = { 0, 0, 0, 0 };
  gint x, y, c, pixel_stride, stride;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, buf, GST_MAP_READ)) {
    fprintf (stderr, "umat-appsink: cannot map frame %u\n", number);
    return;
  }
  pixel_stride = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  for (y = 0; y < GST_VIDEO_FRAME_HEIGHT (&frame); y++) {
    const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame,
        0) + (gsize) y * stride;

    for (x = 0; x < GST_VIDEO_FRAME_WIDTH (&frame); x++)
      for (c = 0; c < pixel_stride; c++)
        sums[c] += row[x * pixel_stride + c];
  }

  /* bytes in memory order: B,G,R for BGR; x (padding) is summed too */
  printf ("frame %u pts %.6f %s %dx%d stride %d sums", number,
      (gdouble) GST_BUFFER_PTS (buf) / GST_SECOND,
      gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (&frame)),
      GST_VIDEO_FRAME_WIDTH (&frame), GST_VIDEO_FRAME_HEIGHT (&frame), stride);
  for (c = 0; c < pixel_stride; c++)
    printf ("%s%" G_GUINT64_FORMAT, c ? "," : " ", sums[c]);
  printf ("\n");
  gst_video_frame_unmap (&frame);
}

/* What an application that only wants the frames does: maps one. */
static void
touch_frame (GstSample * sample)
{
  GstMapInfo map;
  GstBuffer *buf = gst_sample_get_buffer (sample);

  if (gst_buffer_map (buf, &map, GST_MAP_READ))
    gst_buffer_unmap (buf, &map);
}

int
main (int argc, char **argv)
{
  gchar *chain = NULL, *device = NULL, *uri, *description;
  gint selection_rate = 1;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    {"chain", 'c', 0, G_OPTION_ARG_STRING, &chain,
        "umatconvert's chain (default BGR2HSV,HSV2BGR)", "CODES"},
    {"selection-rate", 's', 0, G_OPTION_ARG_INT, &selection_rate,
        "Keep 1 frame of every N", "N"},
    {"device", 'd', 0, G_OPTION_ARG_STRING, &device,
        "auto, cpu or opencl", "DEVICE"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
        "Map each frame but print only the count and the rate", NULL},
    {NULL}
  };
  GOptionContext *context;
  GError *err = NULL;
  GstElement *pipeline, *sink;
  GstSample *sample;
  GstMessage *msg;
  GstBus *bus;
  guint frames = 0;
  int status = 0;
  gint64 started, first = 0;

  context = g_option_context_new ("INPUT");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err) || argc != 2)
    return fail ("usage: umat-appsink [OPTION...] INPUT",
        err ? err->message : NULL);
  g_option_context_free (context);

  uri = gst_filename_to_uri (argv[1], &err);
  if (uri == NULL)
    return fail (argv[1], err->message);
  /* umatconvert takes whatever the decoder gives (10-bit and 4:4:4 too)
   * and runs the chain on it in one pass: no videoconvert. sync=false: as
   * fast as frames come, not at playback speed; max-buffers bounds what
   * waits for us. */
  description = g_strdup_printf ("uridecodebin uri=\"%s\" ! "
      "queue ! umatconvert name=umat chain=\"%s\" selection-rate=%d "
      "device=%s ! " APPSINK_CAPS " ! appsink name=sink sync=false "
      "max-buffers=4", uri, chain ? chain : "BGR2HSV,HSV2BGR", selection_rate,
      device ? device : "auto");
  pipeline = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  g_free (description);
  g_free (uri);
  if (pipeline == NULL)
    return fail ("cannot build the pipeline", err->message);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_element_get_bus (pipeline);

  started = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;) {
    /* NULL: end of stream, or an error (on the bus), or just slow */
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), GST_SECOND);
    if (sample != NULL) {
      if (frames == 0) {
        gchar *caps = gst_caps_to_string (gst_sample_get_caps (sample));

        first = g_get_monotonic_time ();
        printf ("caps %s\n", caps);
        g_free (caps);
      }
      if (quiet)
        touch_frame (sample);
      else
        print_frame (frames, sample);
      frames++;
      gst_sample_unref (sample);
      continue;
    }
    if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg != NULL) {
      gst_message_parse_error (msg, &err, NULL);
      status = fail (GST_OBJECT_NAME (msg->src), err->message);
      g_clear_error (&err);
      gst_message_unref (msg);
      break;
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (status == 0 && quiet && frames > 1) {
    gint64 now = g_get_monotonic_time ();
    /* from PLAYING, and from the first frame on (without the decoder's and
     * the device's start-up) */
    printf ("%u frames in %.2f s, %.1f fps; after the first frame %.1f fps\n",
        frames, (now - started) / 1e6, frames * 1e6 / (now - started),
        (frames - 1) * 1e6 / (now - first));
  } else if (status == 0) {
    printf ("%u frames\n", frames);
  }

  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (chain);
  g_free (device);
  return status;
}
