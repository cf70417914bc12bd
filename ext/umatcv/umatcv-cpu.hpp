/* umatcv on the CPU: a chain with its edges, one block of rows at a time.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv-edges.hpp"
#include "umatcv-fused.hpp"

#include <memory>

namespace umatcv {

/* Whether two images share memory. */
bool images_overlap (const UmatcvImage *a, const UmatcvImage *b);

/* Runs composed ops (edges and cvtColor codes) over a frame in blocks of
 * rows: each block goes from the input format to the output format while
 * it is in cache, one block per thread (cv::parallel_for_). Intermediate
 * images are block-sized scratch, allocated with the plan; nothing is
 * allocated per frame. */
class CpuPlan {
public:
  CpuPlan (const std::vector<Op> &ops, UmatcvLayout in, UmatcvLayout out,
      int width, int height, const UmatcvColorimetry &in_colorimetry,
      const UmatcvColorimetry &out_colorimetry, cv::MatAllocator *allocator);
  ~CpuPlan ();

  /* `out` may share memory with `in` only when in_place_ok(). */
  void run (const UmatcvImage *in, const UmatcvImage *out);
  /* Whether a block reads only its own rows of the input, so that the
   * output may be the input's memory. */
  bool in_place_ok () const { return in_place_ok_; }

private:
  struct Stage;
  struct Part;
  struct Range {
    int y0, y1;
  };

  void run_part (Part &part, int block0, int block1, const View &in,
      const View &out);
  void run_block (Part &part, int y0, int y1, const View &in,
      const View &out);
  void input_rows (size_t stage, int y0, int y1, int *in_y0, int *in_y1) const;

  std::vector<Stage> stages_;
  YuvCoefficients decode_, encode_;   /* for own_matrix steps */
  std::vector<std::unique_ptr<Part>> parts_;
  UmatcvLayout in_, out_;
  int width_, height_;
  int block_rows_, max_rows_;
  bool in_place_ok_;
  cv::MatAllocator *allocator_;
};

}  /* namespace umatcv */
