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

/* An image in a device buffer: its planes back to back, each row as long
 * as its samples (no padding). For one-plane layouts, and for OpenCV's
 * 4:2:0 layouts at even sizes, that is the cv::Mat cvtColor takes. */
struct DevicePlanes {
  int n = 0;
  size_t offset[3] = {0, 0, 0};   /* bytes from the start of the image */
  size_t row_bytes[3] = {0, 0, 0};
  int rows[3] = {0, 0, 0};
  size_t bytes = 0;               /* of the whole image */
};

DevicePlanes device_planes (UmatcvLayout layout, int width, int height);

/* What the colour conversions of a kernel apply: the edges
 * (umatcv-edges.hpp) the colorimetry of the input and of the output,
 * OpenCV's 4:2:0/4:2:2 codes the coefficients of the same. */
struct KernelColour {
  UmatcvColorimetry in, out;
  YuvCoefficients decode, encode;
};

/* Ops compiled into one kernel for one frame size and pair of layouts:
 * each work item owns a block of pixels (2x2 where chroma is subsampled
 * vertically on the way, 2x1 where only horizontally, else 1x1), reads what
 * it needs of the input (the block, and the neighbouring pixels and chroma
 * samples the chroma filters of the edges reach), runs every op in
 * registers and writes its block once. Every intermediate is what the op
 * by op chain gives, bit for bit. */
class FusedKernel {
public:
  /* Whether the generator covers `op` receiving `from`. */
  static bool covers (const Op &op, UmatcvLayout from);

  /* nullptr when an op is not covered. `in` and `out` are DevicePlanes
   * images. Compiles in the OpenCL context current on this thread. */
  static std::unique_ptr<FusedKernel> build (const std::vector<Op> &ops,
      UmatcvLayout in, UmatcvLayout out, int width, int height,
      const KernelColour &colour);
  /* The same with BT.601 limited range and MPEG-2 siting for the edges,
   * and these coefficients for OpenCV's codes (tests/kernels/fused-timing
   * measures chains of codes alone). */
  static std::unique_ptr<FusedKernel> build (const std::vector<Op> &ops,
      UmatcvLayout in, UmatcvLayout out, int width, int height,
      const YuvCoefficients &decode, const YuvCoefficients &encode);

  /* in and out: whole, continuous images; on the default queue. */
  void run (const cv::UMat &in, cv::UMat &out);
  /* Pixel rows [y0, y1) (y0 a multiple of block_rows(), y1 too or the
   * height), from and into images at byte offsets of OpenCL buffers,
   * queued on `queue` (a cl_command_queue) without waiting. The caller
   * keeps the buffers alive until the queue has run it. */
  void enqueue (void *queue, void *src, size_t src_offset, void *dst,
      size_t dst_offset, int y0, int y1);

  int block_rows () const { return block_h_; }
  /* Input rows above a block's first and below its last that it reads. */
  int rows_above () const { return above_; }
  int rows_below () const { return below_; }
  const std::string &source () const { return source_; }

private:
  std::string source_;
  cv::ocl::Kernel kernel_;
  int block_w_ = 1, block_h_ = 1;
  int blocks_x_ = 0, blocks_y_ = 0;
  int height_ = 0;
  int above_ = 0, below_ = 0;
  size_t local_[2] = {0, 0};     /* 0: the implementation chooses */
};

}  /* namespace umatcv */
