/* The ceiling for the CPU path: OpenCV's cvtColor in a bare loop.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same pre-made frames the pipelines get, converted by cv::cvtColor into
 * Mats allocated once: no GStreamer, no mapping, no pool. What umatconvert
 * device=cpu does per frame should cost no more than this.
 */
#include "bench-opencv.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <vector>

extern "C" int
bench_opencv_code (const char *name)
{
  static const struct { const char *name; int code; } codes[] = {
    {"BGR2RGB", cv::COLOR_BGR2RGB},
    {"BGR2YUV_I420", cv::COLOR_BGR2YUV_I420},
    {"RGB2YUV_I420", cv::COLOR_RGB2YUV_I420},
    {"YUV2BGR_NV12", cv::COLOR_YUV2BGR_NV12},
    {"BGR2GRAY", cv::COLOR_BGR2GRAY},
    {"BGR2HSV", cv::COLOR_BGR2HSV},
    {"HSV2RGB", cv::COLOR_HSV2RGB},
    {"HSV2BGR", cv::COLOR_HSV2BGR},
  };
  for (const auto &c : codes)
    if (cv::String (name) == c.name)
      return c.code;
  return -1;
}

extern "C" double
bench_opencv_cpu (const int *codes, int n_codes, int rows, int cols,
    int channels, uint8_t *const *frames, int n_frames, double min_seconds,
    long *converted)
{
  typedef std::chrono::steady_clock clock;
  std::vector<cv::Mat> inputs;
  for (int i = 0; i < n_frames; i++)
    inputs.emplace_back (rows, cols, CV_8UC (channels), frames[i]);

  /* every intermediate and the output, allocated by a first pass */
  std::vector<cv::Mat> outputs (n_codes);
  const cv::Mat *src = &inputs[0];
  for (int s = 0; s < n_codes; s++) {
    cv::cvtColor (*src, outputs[s], codes[s]);
    src = &outputs[s];
  }

  long n = 0;
  clock::time_point start = clock::now ();
  double elapsed = 0;
  do {
    for (int i = 0; i < 16; i++, n++) {
      src = &inputs[n % n_frames];
      for (int s = 0; s < n_codes; s++) {
        cv::cvtColor (*src, outputs[s], codes[s]);
        src = &outputs[s];
      }
    }
    elapsed = std::chrono::duration<double> (clock::now () - start).count ();
  } while (elapsed < min_seconds);
  *converted = n;
  return n / elapsed;
}
