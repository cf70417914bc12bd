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
stripes_for (size_t bytes, unsigned frames_in_flight)
{
  const char *env = getenv ("UMATCV_OVERLAP_STRIPES");
  if (env && *env) {
    int n = atoi (env);
    return n < 1 ? 1 : n > 64 ? 64 : n;
  }
  /* Frames in flight already keep the copy engines and the compute units
   * busy with different frames; stripes then only add a barrier and a
   * marker each (on the H200 machine, 1080p BGR2HSV,HSV2RGB at queue-size
   * 4 ran fastest in one piece, and slower with every stripe added:
   * docs/performance.md). */
  if (frames_in_flight > 1)
    return 1;
  /* One frame at a time: about 1.5 MB per stripe, at most 8: a 1080p BGR
   * frame gets 4, a 4K one 8. On the H100 machine 3 to 6 stripes ran
   * 1080p BGR2RGB at about 4300 fps against 3100 in one piece, 16 stripes
   * at a third of that. */
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

int
copy_plane_rows (void *queue, bool upload, const PlaneRows &r,
    unsigned n_wait, void *const *wait, void **done)
{
  cl_command_queue q = (cl_command_queue) queue;
  cl_mem mem = (cl_mem) r.buffer;
  const cl_event *events = (const cl_event *) wait;
  cl_event *event = (cl_event *) done;
  uint8_t *host = r.host + (size_t) r.row0 * r.host_stride;
  if (r.rows <= 0)
    return CL_SUCCESS;
  if (r.host_stride == r.row_bytes) {
    size_t offset = r.offset + (size_t) r.row0 * r.row_bytes;
    size_t bytes = (size_t) r.rows * r.row_bytes;
    return upload
        ? clEnqueueWriteBuffer (q, mem, CL_FALSE, offset, bytes, host,
            n_wait, events, event)
        : clEnqueueReadBuffer (q, mem, CL_FALSE, offset, bytes, host,
            n_wait, events, event);
  }
  size_t buffer_origin[3] = {r.offset + (size_t) r.row0 * r.row_bytes, 0, 0};
  size_t host_origin[3] = {0, 0, 0};
  size_t region[3] = {r.row_bytes, (size_t) r.rows, 1};
  return upload
      ? clEnqueueWriteBufferRect (q, mem, CL_FALSE, buffer_origin,
          host_origin, region, r.row_bytes, 0, r.host_stride, 0, host, n_wait,
          events, event)
      : clEnqueueReadBufferRect (q, mem, CL_FALSE, buffer_origin,
          host_origin, region, r.row_bytes, 0, r.host_stride, 0, host, n_wait,
          events, event);
}

static const int MAX_PLANES = 4;

/* Planes that follow each other without a gap both in host memory and in
 * the buffer (a frame of GStreamer's default layout: NV12's two planes,
 * I420's three) go as one copy: each copy costs the device a command and
 * its launch, and at 1080p a frame in flight is a few copies apart from
 * the next. Planes without rows are left out. Writes the copies into `out`
 * (room for n); returns how many. */
static int
merge_contiguous (const PlaneRows *planes, int n, PlaneRows *out)
{
  int m = 0;
  if (n > MAX_PLANES)
    throw std::runtime_error ("a frame of more than 4 planes");
  for (int p = 0; p < n; p++) {
    const PlaneRows &b = planes[p];
    if (b.rows <= 0)
      continue;
    if (m > 0) {
      PlaneRows &a = out[m - 1];
      if (a.buffer == b.buffer && a.host_stride == a.row_bytes
          && b.host_stride == b.row_bytes
          && a.host + (size_t) (a.row0 + a.rows) * a.row_bytes
          == b.host + (size_t) b.row0 * b.row_bytes
          && a.offset + (size_t) (a.row0 + a.rows) * a.row_bytes
          == b.offset + (size_t) b.row0 * b.row_bytes) {
        /* one row of all the bytes */
        size_t bytes = (size_t) a.rows * a.row_bytes
            + (size_t) b.rows * b.row_bytes;
        a.host += (size_t) a.row0 * a.row_bytes;
        a.offset += (size_t) a.row0 * a.row_bytes;
        a.row_bytes = a.host_stride = bytes;
        a.row0 = 0;
        a.rows = 1;
        continue;
      }
    }
    out[m++] = b;
  }
  return m;
}

void
StripeQueues::upload (const PlaneRows *in_planes, int n_in)
{
  cl_event done = nullptr;
  PlaneRows planes[MAX_PLANES];
  int n = merge_contiguous (in_planes, n_in, planes);
  for (int p = 0; p < n; p++) {
    /* the queue is in order: the last copy's event stands for them all */
    if (done)
      clReleaseEvent (done);
    done = nullptr;
    check (copy_plane_rows (up_, true, planes[p], 0, nullptr,
            (void **) &done), "uploading a stripe");
  }
  if (done == nullptr)
    check (clEnqueueMarkerWithWaitList ((cl_command_queue) up_, 0, nullptr,
            &done), "marking an upload");
  uploads_.push_back (done);
  clFlush ((cl_command_queue) up_);
}

void
StripeQueues::wait_upload (size_t stripe)
{
  if (stripe >= uploads_.size ())
    throw std::runtime_error ("waiting for a stripe not uploaded");
  cl_event e = (cl_event) uploads_[stripe];
  check (clEnqueueBarrierWithWaitList ((cl_command_queue) main_, 1, &e,
          nullptr), "waiting for an upload");
}

void
StripeQueues::download (const PlaneRows *in_planes, int n_in)
{
  cl_event kernels_done = nullptr;
  PlaneRows planes[MAX_PLANES];
  int n = merge_contiguous (in_planes, n_in, planes);

  check (clEnqueueMarkerWithWaitList ((cl_command_queue) main_, 0, nullptr,
          &kernels_done), "marking the kernels");
  events_.push_back (kernels_done);
  clFlush ((cl_command_queue) main_);
  for (int p = 0; p < n; p++)
    check (copy_plane_rows (down_, false, planes[p], 1,
            (void *const *) &kernels_done, nullptr), "downloading a stripe");
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
  for (void *e : uploads_)
    clReleaseEvent ((cl_event) e);
  uploads_.clear ();
  for (void *e : events_)
    clReleaseEvent ((cl_event) e);
  events_.clear ();
  check (err, "finishing a frame");
}

}  /* namespace umatcv */

namespace umatcv {

StripeQueues::Frame
StripeQueues::end_frame ()
{
  Frame frame;
  cl_event done = nullptr;
  /* in order: the marker fires after this frame's downloads, which wait
   * for its kernels, which wait for its uploads */
  check (clEnqueueMarkerWithWaitList ((cl_command_queue) down_, 0, nullptr,
          &done), "marking the end of a frame");
  clFlush ((cl_command_queue) down_);
  frame.done = done;
  frame.held.swap (uploads_);
  frame.held.insert (frame.held.end (), events_.begin (), events_.end ());
  events_.clear ();
  return frame;
}

bool
StripeQueues::wait_frame (Frame &frame, bool block)
{
  cl_event done = (cl_event) frame.done;
  cl_int status = CL_QUEUED;
  if (done == nullptr)
    return true;
  if (block)
    clWaitForEvents (1, &done);
  if (clGetEventInfo (done, CL_EVENT_COMMAND_EXECUTION_STATUS,
          sizeof (status), &status, nullptr) != CL_SUCCESS)
    status = CL_INVALID_EVENT;
  if (status > CL_COMPLETE)
    return false;               /* queued, submitted or running */
  release (frame);
  if (status < 0)
    CV_Error (cv::Error::OpenCLApiCallError, "a frame failed on the device "
        "with OpenCL error " + std::to_string (status));
  return true;
}

void
StripeQueues::release (Frame &frame)
{
  if (frame.done)
    clReleaseEvent ((cl_event) frame.done);
  frame.done = nullptr;
  for (void *e : frame.held)
    clReleaseEvent ((cl_event) e);
  frame.held.clear ();
}

}  /* namespace umatcv */
