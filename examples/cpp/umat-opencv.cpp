/* umat-opencv: converted frames handed to an application's own OpenCV code.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-opencv [--chain CODES] [--selection-rate N] [--device D] INPUT
 *
 * The pipeline and output of examples/c/umat-appsink.c, but each frame is
 * wrapped as a cv::Mat, without a copy, and handed to OpenCV (cv::sum
 * here). The Mat borrows the buffer's memory: it is valid while the frame
 * is mapped; clone() it to keep it longer.
 *
 * Build: c++ umat-opencv.cpp $(pkg-config --cflags --libs gstreamer-app-1.0
 * gstreamer-video-1.0 opencv4)
 */
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <opencv2/core.hpp>

#include <cstdio>

static int
fail (const char *what, const char *why)
{
  std::fprintf (stderr, "umat-opencv: error: %s%s%s\n", what,
      why ? ": " : "", why ? why : "");
  return 1;
}

/* The part an OpenCV user needs: a mapped GstVideoFrame as a cv::Mat. */
static void
handle_frame (unsigned number, GstSample * sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf = gst_sample_get_buffer (sample);

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, buf, GST_MAP_READ))
    return;

  /* rows may be padded: pass the stride (from GstVideoMeta, through the
   * GstVideoFrame), never assume width * channels */
  int channels = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0);
  cv::Mat mat (GST_VIDEO_FRAME_HEIGHT (&frame), GST_VIDEO_FRAME_WIDTH (&frame),
      CV_8UC (channels), GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0));

  cv::Scalar sums = cv::sum (mat);      /* the application's OpenCV work */

  std::printf ("frame %u pts %.6f %s %dx%d stride %zu sums", number,
      (double) GST_BUFFER_PTS (buf) / GST_SECOND,
      gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (&frame)),
      mat.cols, mat.rows, mat.step[0]);
  for (int c = 0; c < channels; c++)
    std::printf ("%s%.0f", c ? "," : " ", sums[c]);
  std::printf ("\n");
  gst_video_frame_unmap (&frame);
}

int
main (int argc, char **argv)
{
  gchar *chain = NULL, *device = NULL;
  gint selection_rate = 1;
  GOptionEntry entries[] = {
    {"chain", 'c', 0, G_OPTION_ARG_STRING, &chain,
        "umatconvert's chain (default BGR2HSV,HSV2BGR)", "CODES"},
    {"selection-rate", 's', 0, G_OPTION_ARG_INT, &selection_rate,
        "Keep 1 frame of every N", "N"},
    {"device", 'd', 0, G_OPTION_ARG_STRING, &device,
        "auto, cpu or opencl", "DEVICE"},
    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}
  };
  GError *err = NULL;

  GOptionContext *context = g_option_context_new ("INPUT");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err) || argc != 2)
    return fail ("usage: umat-opencv [OPTION...] INPUT",
        err ? err->message : NULL);
  g_option_context_free (context);

  gchar *uri = gst_filename_to_uri (argv[1], &err);
  if (uri == NULL)
    return fail (argv[1], err->message);
  /* umatconvert takes whatever the decoder gives and runs the chain on it
   * in one pass: no videoconvert */
  gchar *description = g_strdup_printf ("uridecodebin uri=\"%s\" ! "
      "queue ! umatconvert chain=\"%s\" selection-rate=%d "
      "device=%s ! video/x-raw, format=(string){ BGR, RGB, BGRx, BGRA, RGBx, "
      "RGBA, GRAY8 } ! appsink name=sink sync=false max-buffers=4", uri,
      chain ? chain : "BGR2HSV,HSV2BGR", selection_rate,
      device ? device : "auto");
  GstElement *pipeline = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  g_free (description);
  g_free (uri);
  if (pipeline == NULL)
    return fail ("cannot build the pipeline", err->message);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstBus *bus = gst_element_get_bus (pipeline);

  unsigned frames = 0;
  int status = 0;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        GST_SECOND);
    if (sample != NULL) {
      if (frames == 0) {
        gchar *caps = gst_caps_to_string (gst_sample_get_caps (sample));
        std::printf ("caps %s\n", caps);
        g_free (caps);
      }
      handle_frame (frames++, sample);
      gst_sample_unref (sample);
      continue;
    }
    if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg != NULL) {
      gst_message_parse_error (msg, &err, NULL);
      status = fail (GST_OBJECT_NAME (msg->src), err->message);
      g_clear_error (&err);
      gst_message_unref (msg);
      break;
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (status == 0)
    std::printf ("%u frames\n", frames);

  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (chain);
  g_free (device);
  return status;
}
