/* umatcv overlap: uploads, kernels and downloads of one frame in stripes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv-private.hpp"

#include <memory>

namespace umatcv {

/* Two command queues beside the context's own (which runs OpenCV's
 * kernels): one uploads, one downloads. Stripe k's upload, kernels and
 * download are chained by events, so the upload of stripe k+1 and the
 * download of stripe k-1 run while stripe k's kernels do: PCIe carries
 * both directions at once, and the GPU is never idle waiting for a whole
 * frame to arrive. Nothing is allocated per frame but OpenCL events. */
class StripeQueues {
public:
  /* nullptr when the device cannot (the queues cannot be made). */
  static std::unique_ptr<StripeQueues> create (
      const cv::ocl::OpenCLExecutionContext &context);
  ~StripeQueues ();

  /* Rows [row0, row0 + rows) of a host image into the same rows of a whole,
   * continuous UMat, and a barrier that makes the context's queue wait for
   * them before the kernels that follow. */
  void upload (const uint8_t *host, size_t host_stride, cv::UMat &dst,
      int row0, int rows);
  /* The same rows back, once the kernels queued so far have run. */
  void download (const cv::UMat &src, uint8_t *host, size_t host_stride,
      int row0, int rows);
  /* Waits for every download; the frame is complete on return. */
  void finish ();
  /* The context's queue (cl_command_queue), where the kernels go. */
  void *kernel_queue () const { return main_; }

private:
  StripeQueues () = default;
  void check (int err, const char *what);

  void *main_ = nullptr;        /* cl_command_queue, the context's */
  void *up_ = nullptr, *down_ = nullptr;
  std::vector<void *> events_;  /* cl_event, released by finish() */
};

/* How many stripes a frame of `bytes` is cut into: 1 (no overlap) for
 * small frames, where the queueing costs more than it saves.
 * UMATCV_OVERLAP_STRIPES=N overrides it (1 turns overlap off). */
int stripes_for (size_t bytes);

}  /* namespace umatcv */
