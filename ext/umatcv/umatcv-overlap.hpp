/* umatcv overlap: uploads, kernels and downloads of one frame in stripes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv-private.hpp"

#include <memory>

namespace umatcv {

/* Rows of one plane of a frame in host memory, and the same rows of its
 * copy in a device buffer (rows back to back, no padding). */
struct PlaneRows {
  uint8_t *host;          /* the plane's first row */
  size_t host_stride;
  void *buffer;           /* cl_mem */
  size_t offset;          /* of the plane's first row in the buffer */
  size_t row_bytes;
  int row0, rows;         /* the rows to copy */
};

/* Queues the copy of those rows on `queue` (a cl_command_queue) without
 * waiting: up into the buffer or down into host memory, after the events
 * of `wait` (cl_event, n_wait of them); *done (when not NULL) gets the
 * copy's event. Returns the OpenCL status. */
int copy_plane_rows (void *queue, bool upload, const PlaneRows &rows,
    unsigned n_wait, void *const *wait, void **done);

/* Two command queues beside the context's own (which runs the kernels):
 * one uploads, one downloads. Stripe k's upload, kernels and download are
 * chained by events, so the upload of stripe k+1 and the download of
 * stripe k-1 run while stripe k's kernels do: PCIe carries both directions
 * at once, and the GPU is never idle waiting for a whole frame to arrive.
 * The same holds from frame to frame when frames are ended (end_frame)
 * rather than finished: the next frame's upload runs while this one's
 * kernels and download do. Nothing is allocated per frame but OpenCL
 * events (and the vector holding them, reserved once). */
class StripeQueues {
public:
  /* nullptr when the device cannot (the queues cannot be made). */
  static std::unique_ptr<StripeQueues> create (
      const cv::ocl::OpenCLExecutionContext &context);
  ~StripeQueues ();

  /* Queues the upload of the next stripe, one entry per plane. */
  void upload (const PlaneRows *planes, int n);
  /* Makes the kernels queued next wait until stripe `stripe` (counted
   * from 0 since the last finish()) and every one before it arrived. */
  void wait_upload (size_t stripe);
  /* Queues a download once the kernels queued so far have run. */
  void download (const PlaneRows *planes, int n);
  /* Waits for every transfer; the frame is complete on return. */
  void finish ();

  /* One frame queued and not waited for: `done` (a cl_event) fires once
   * its last download has, and `held` are its other events, released
   * with it. */
  struct Frame {
    void *done = nullptr;
    std::vector<void *> held;
  };
  /* Ends the frame queued since the last end_frame() or finish() without
   * waiting for it: what wait_frame() takes. */
  Frame end_frame ();
  /* Waits for a frame (block) or says whether it is done; releases its
   * events once it is. Throws when one of its commands failed. */
  static bool wait_frame (Frame &frame, bool block);
  static void release (Frame &frame);
  /* The context's queue (cl_command_queue), where the kernels go. */
  void *kernel_queue () const { return main_; }

private:
  StripeQueues () = default;
  void check (int err, const char *what);

  void *main_ = nullptr;        /* cl_command_queue, the context's */
  void *up_ = nullptr, *down_ = nullptr;
  std::vector<void *> uploads_; /* cl_event: each stripe's last upload */
  std::vector<void *> events_;  /* cl_event, released by finish() */
};

/* How many stripes a frame of `bytes` is cut into when `frames_in_flight`
 * frames can be on the device at once: 1 (no overlap within the frame)
 * for small frames, where the queueing costs more than it saves, and when
 * frames in flight overlap one frame's transfers with the next one's.
 * UMATCV_OVERLAP_STRIPES=N overrides it (1 turns it off). */
int stripes_for (size_t bytes, unsigned frames_in_flight);

}  /* namespace umatcv */
