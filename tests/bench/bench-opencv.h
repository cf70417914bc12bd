/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cv::COLOR_<name> for the codes the benchmark uses, or -1. */
int bench_opencv_code (const char *name);

/* Frames per second of cv::cvtColor applying `codes` in turn to `frames`
 * (OpenCV's single-Mat layout: rows x cols x channels), for at least
 * min_seconds; *converted gets the number of frames. */
double bench_opencv_cpu (const int *codes, int n_codes, int rows, int cols,
    int channels, uint8_t *const *frames, int n_frames, double min_seconds,
    long *converted);

#ifdef __cplusplus
}
#endif
