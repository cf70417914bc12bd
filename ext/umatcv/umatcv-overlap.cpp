/* umatcv overlap: uploads, kernels and downloads of one frame in stripes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenCV runs every kernel on the context's one in-order queue, so a frame
 * uploaded, converted and downloaded through OpenCV alone is strictly
 * sequential: the copy engines and the compute units take turns. Here the
 * copies go on queues of their own, and events order each stripe's
 * upload -> kernels -> download while different stripes overlap. The OpenCL
 * calls go through OpenCV's loader, like umatcv-hostmem.cpp.
 */
#include "umatcv-overlap.hpp"

#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>

#include <cstdlib>
#include <stdexcept>

namespace umatcv {

int
stripes_for (size_t bytes)
{
  const char *env = getenv ("UMATCV_OVERLAP_STRIPES");
  if (env && *env) {
    int n = atoi (env);
    return n < 1 ? 1 : n > 64 ? 64 : n;
  }
  /* about 1.5 MB per stripe, at most 8: a 1080p BGR frame gets 4, a 4K
   * one 8. On the H100 machine 3 to 6 stripes ran 1080p BGR2RGB at about
   * 4300 fps against 3100 in one piece, 16 stripes at a third of that:
   * each stripe costs a barrier and a marker (docs/performance.md). */
  size_t n = bytes / (3u << 19);
  return n < 2 ? 1 : n > 8 ? 8 : (int) n;
}

std::unique_ptr<StripeQueues>
StripeQueues::create (const cv::ocl::OpenCLExecutionContext &context)
{
  cl_context ctx = (cl_context) context.getContext ().ptr ();
  cl_device_id device = (cl_device_id) context.getDevice ().ptr ();
  cl_command_queue main = (cl_command_queue) context.getQueue ().ptr ();
  if (ctx == nullptr || device == nullptr || main == nullptr)
    return nullptr;

  std::unique_ptr<StripeQueues> q (new StripeQueues ());
  cl_int err = CL_SUCCESS;
  q->up_ = clCreateCommandQueue (ctx, device, 0, &err);
  if (err == CL_SUCCESS)
    q->down_ = clCreateCommandQueue (ctx, device, 0, &err);
  if (err != CL_SUCCESS)
    return nullptr;             /* the destructor releases what was made */
  clRetainCommandQueue (main);
  q->main_ = main;
  return q;
}

StripeQueues::~StripeQueues ()
{
  try {
    finish ();
  } catch (...) {
  }
  if (up_)
    clReleaseCommandQueue ((cl_command_queue) up_);
  if (down_)
    clReleaseCommandQueue ((cl_command_queue) down_);
  if (main_)
    clReleaseCommandQueue ((cl_command_queue) main_);
}

void
StripeQueues::check (int err, const char *what)
{
  if (err != CL_SUCCESS)
    throw std::runtime_error (std::string (what) + " failed with OpenCL error "
        + std::to_string (err));
}

namespace {

/* Queues a copy of rows [row0, row0 + rows) between a host image and the
 * same rows of a whole UMat, without waiting: one plain copy when both are
 * continuous with the same stride, a rectangle copy otherwise. */
cl_int
enqueue_rows (cl_command_queue queue, bool upload, cl_mem mem,
    const cv::UMat &m, uint8_t *host, size_t host_stride, int row0, int rows,
    cl_uint n_wait, const cl_event *wait, cl_event *done)
{
  size_t row_bytes = m.cols * m.elemSize ();
  if (host_stride == m.step && m.step == row_bytes) {
    size_t offset = m.offset + row0 * m.step, bytes = rows * row_bytes;
    uint8_t *at = host + row0 * host_stride;
    return upload
        ? clEnqueueWriteBuffer (queue, mem, CL_FALSE, offset, bytes, at,
            n_wait, wait, done)
        : clEnqueueReadBuffer (queue, mem, CL_FALSE, offset, bytes, at,
            n_wait, wait, done);
  }
  size_t buffer_origin[3] = {m.offset, (size_t) row0, 0};
  size_t host_origin[3] = {0, (size_t) row0, 0};
  size_t region[3] = {row_bytes, (size_t) rows, 1};
  return upload
      ? clEnqueueWriteBufferRect (queue, mem, CL_FALSE, buffer_origin,
          host_origin, region, m.step, 0, host_stride, 0, host, n_wait, wait,
          done)
      : clEnqueueReadBufferRect (queue, mem, CL_FALSE, buffer_origin,
          host_origin, region, m.step, 0, host_stride, 0, host, n_wait, wait,
          done);
}

}  /* namespace */

void
StripeQueues::upload (const uint8_t *host, size_t host_stride, cv::UMat &dst,
    int row0, int rows)
{
  cl_mem mem = (cl_mem) dst.handle (cv::ACCESS_WRITE);
  cl_event done = nullptr;

  /* the host image is only read: the cast serves the shared helper */
  check (enqueue_rows ((cl_command_queue) up_, true, mem, dst,
          const_cast<uint8_t *> (host), host_stride, row0, rows, 0, nullptr,
          &done), "uploading a stripe");
  events_.push_back (done);
  clFlush ((cl_command_queue) up_);
  check (clEnqueueBarrierWithWaitList ((cl_command_queue) main_, 1, &done,
          nullptr), "waiting for an upload");
}

void
StripeQueues::download (const cv::UMat &src, uint8_t *host,
    size_t host_stride, int row0, int rows)
{
  cl_mem mem = (cl_mem) src.handle (cv::ACCESS_READ);
  cl_event kernels_done = nullptr, done = nullptr;

  check (clEnqueueMarkerWithWaitList ((cl_command_queue) main_, 0, nullptr,
          &kernels_done), "marking the kernels");
  events_.push_back (kernels_done);
  clFlush ((cl_command_queue) main_);
  check (enqueue_rows ((cl_command_queue) down_, false, mem, src, host,
          host_stride, row0, rows, 1, &kernels_done, &done),
      "downloading a stripe");
  events_.push_back (done);
  clFlush ((cl_command_queue) down_);
}

void
StripeQueues::finish ()
{
  cl_int err = CL_SUCCESS;
  if (down_)
    err = clFinish ((cl_command_queue) down_);
  /* an upload can fail with no download after it: wait for those too */
  if (up_ && err == CL_SUCCESS)
    err = clFinish ((cl_command_queue) up_);
  for (void *e : events_)
    clReleaseEvent ((cl_event) e);
  events_.clear ();
  check (err, "finishing a frame");
}

}  /* namespace umatcv */
