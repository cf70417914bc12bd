/* umatcv fused kernels: a whole chain as one generated OpenCL kernel.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv-private.hpp"

#include <memory>

namespace umatcv {

/* Y'CbCr <-> R'G'B' coefficients in 20-bit fixed point, as OpenCV's CPU
 * 4:2:0/4:2:2 code writes them (ITUR_BT_601_* in color_yuv.simd.hpp), for
 * any matrix and range. For BT.601 limited range they are OpenCV's own. */
struct YuvCoefficients {
  int y_offset;                 /* 16 (limited range) or 0 (full) */
  int cy, cub, cug, cvg, cvr;   /* decode: R = (cy (Y - off) + cvr V') >> 20... */
  int cry, cgy, cby;            /* encode Y */
  int cru, cgu, cbu;            /* encode U */
  int crv, cgv, cbv;            /* encode V */
};

YuvCoefficients yuv_coefficients (UmatcvMatrix matrix, UmatcvRange range);

/* Whether `op`, receiving `from`, is a 4:2:0/4:2:2 matrix (decode to colour
 * or encode from it): the steps whose colorimetry OpenCV cannot change. */
bool yuv_matrix_step (const Op &op, UmatcvLayout from);

/* Runs such a step on the CPU with the given coefficients
 * (umatcv-yuv.cpp); src and dst are whole images as cvtColor takes them. */
void yuv_cpu_step (const Op &op, UmatcvLayout from, const cv::Mat &src,
    cv::Mat &dst, int width, int height, const YuvCoefficients &decode,
    const YuvCoefficients &encode);

/* One chain compiled into one kernel for one frame size and pair of
 * layouts: reads each pixel (each 2x2 block where 4:2:0 is on the way) once
 * and writes it once, every step in registers, each intermediate rounded to
 * 8 bits as the step-by-step chain rounds it. */
class FusedKernel {
public:
  /* nullptr when a step is not one the generator covers; then the chain runs
   * step by step. Compiles in the OpenCL context current on this thread. */
  static std::unique_ptr<FusedKernel> build (const std::vector<Op> &ops,
      UmatcvLayout in, UmatcvLayout out, int width, int height,
      const YuvCoefficients &decode, const YuvCoefficients &encode);

  /* in and out: whole, continuous images of the converter's layouts. */
  void run (const cv::UMat &in, cv::UMat &out);
  /* Rows [row0, row0 + rows) of the same, queued on `queue` (a
   * cl_command_queue) without waiting: the stripes of umatcv-overlap.hpp.
   * Only for one-plane layouts, whose blocks are one row high. */
  void enqueue_rows (void *queue, const cv::UMat &in, cv::UMat &out,
      int row0, int rows);

  const std::string &source () const { return source_; }

private:
  void enqueue (void *queue, const cv::UMat &in, cv::UMat &out, int row0,
      int rows);

  std::string source_;
  cv::ocl::Kernel kernel_;
  size_t global_[2];
};

}  /* namespace umatcv */
