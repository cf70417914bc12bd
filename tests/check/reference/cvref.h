/* cvref: OpenCV's CPU cvtColor for the C tests (see cvref.cpp).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A tightly packed image in OpenCV's single-Mat layout (4:2:0 is one plane
 * of rows*3/2 rows). data is malloc()ed: the caller frees it. */
typedef struct {
  uint8_t *data;
  int rows, cols, channels;
} CvrefImage;

/* cv::COLOR_<name> (case-insensitive, no COLOR_ prefix), or -1. */
int cvref_code (const char *name);

/* dst = cv::cvtColor (src, code); 0 on success, -1 if OpenCV refused. */
int cvref_cvt_color (const uint8_t *src, int rows, int cols, int channels,
    int code, CvrefImage *dst);

/* The same with OpenCV's OpenCL kernels, on the device umatconvert's
 * device=opencl picks (a GPU if any, else the first OpenCL device);
 * -1 also when there is no OpenCL device. */
int cvref_cvt_color_opencl (const uint8_t *src, int rows, int cols,
    int channels, int code, CvrefImage *dst);

/* How many OpenCL devices OpenCV finds on every platform; *gpus gets how
 * many of them are GPUs. 0 where there is no OpenCL runtime. */
int cvref_opencl_devices (int *gpus);

/* The largest buffer (CL_DEVICE_MAX_MEM_ALLOC_SIZE) of the device
 * umatconvert's device=opencl picks; 0 when there is none. */
uint64_t cvref_opencl_max_alloc (void);

#ifdef __cplusplus
}
#endif
