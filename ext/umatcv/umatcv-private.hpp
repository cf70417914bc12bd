/* umatcv internals shared by the ext/ sources; never included from C.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv.h"

#include <opencv2/core.hpp>
#include <opencv2/core/ocl.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace umatcv {

/* How a layout's bytes sit in memory (from its row of the layout table). */
enum class Shape {
  PACKED,       /* one plane, `channels` bytes a pixel */
  PLANAR_420,   /* Y, then two chroma planes of (w/2)x(h/2) */
  SEMI_420,     /* Y, then one interleaved chroma plane of (w/2)x(h/2) pairs */
};

/* The layout's row of the table (umatcv-layouts.cpp); row 0 ("none")
 * outside it. */
const UmatcvLayoutInfo &layout_info (UmatcvLayout layout);
Shape layout_shape (UmatcvLayout layout);
/* Channels of the whole cv::Mat cvtColor sees (1 for 4:2:0). */
int layout_channels (UmatcvLayout layout);

/* One plane of a layout at a given size: rows x cols elements of cn bytes. */
struct PlaneShape {
  int rows, cols, cn;
};

int layout_planes (UmatcvLayout layout, int width, int height,
    PlaneShape planes[3]);
/* The single cv::Mat OpenCV's cvtColor reads or writes for this layout:
 * 4:2:0 is one CV_8UC1 plane of (h*3/2) rows, planes back to back. */
cv::Size layout_mat_size (UmatcvLayout layout, int width, int height);
int layout_mat_type (UmatcvLayout layout);

enum class OpKind {
  CVT,           /* cv::cvtColor (code) */
  REPACK_420,    /* move 4:2:0 planes between I420/YV12/NV12/NV21 */
  ALPHA_OPAQUE,  /* set the 4th byte to 255 */
};

struct Op {
  OpKind kind;
  int code;            /* cv::COLOR_*, for CVT */
  const char *name;    /* as OpenCV spells it, or a description */
  uint32_t inputs;     /* UMATCV_LAYOUT_BIT mask */
  UmatcvLayout output;
};

/* Reads and writes memory of the same geometry pixel by pixel: safe when
 * input and output are the same buffer. */
bool op_is_pixel_local (const Op &op);

/* Counts what it allocates and hands everything to another allocator, which
 * then owns the buffers (UMatData::currAllocator points at it). */
class CountingAllocator : public cv::MatAllocator {
public:
  CountingAllocator () : delegate_ (nullptr), count_ (0) {}
  void set_delegate (cv::MatAllocator *delegate) { delegate_ = delegate; }
  uint64_t count () const { return count_.load (); }

  cv::UMatData *allocate (int dims, const int *sizes, int type, void *data,
      size_t *step, cv::AccessFlag flags,
      cv::UMatUsageFlags usage) const override
  {
    count_++;
    return delegate_->allocate (dims, sizes, type, data, step, flags, usage);
  }
  bool allocate (cv::UMatData *data, cv::AccessFlag flags,
      cv::UMatUsageFlags usage) const override
  {
    return delegate_->allocate (data, flags, usage);
  }
  void deallocate (cv::UMatData *data) const override
  {
    delegate_->deallocate (data);
  }

private:
  cv::MatAllocator *delegate_;
  mutable std::atomic<uint64_t> count_;
};

/* Sets *error (when error is not NULL) to a malloc'd copy of `message`,
 * freeing what it held. */
void set_error (char **error, const std::string &message);

/* Throws an OpenCL error for frame numbers the test environment asks for
 * (umatcv-testhook.cpp); does nothing otherwise. */
void testhook_opencl_frame (uint64_t frame);

/* Thrown for a frame the device cannot hold or address: the converter
 * refuses it (UMATCV_ERROR_TOO_LARGE) with this message. */
class TooLarge : public std::runtime_error {
public:
  explicit TooLarge (const std::string &what) : std::runtime_error (what) {}
};

}  /* namespace umatcv */

struct UmatcvChain {
  std::vector<umatcv::Op> ops;
};

struct UmatcvEngine {
  bool opencl;
  std::string backend;
  cv::ocl::OpenCLExecutionContext context;  /* empty on the CPU */
};

/* Runs `body`, turning any exception into a status and a message. */
template <class F>
UmatcvStatus
umatcv_guard (char **error, F body)
{
  try {
    return body ();
  } catch (const umatcv::TooLarge &e) {
    umatcv::set_error (error, e.what ());
    return UMATCV_ERROR_TOO_LARGE;
  } catch (const cv::Exception &e) {
    umatcv::set_error (error, std::string ("OpenCV: ") + e.what ());
    return e.code == cv::Error::OpenCLApiCallError
        || e.code == cv::Error::OpenCLInitError ?
        UMATCV_ERROR_OPENCL : UMATCV_ERROR_OPENCV;
  } catch (const std::bad_alloc &) {
    umatcv::set_error (error, "out of memory");
    return UMATCV_ERROR_NO_MEMORY;
  } catch (const std::exception &e) {
    umatcv::set_error (error, e.what ());
    return UMATCV_ERROR_OPENCV;
  } catch (...) {
    umatcv::set_error (error, "unknown C++ exception");
    return UMATCV_ERROR_OPENCV;
  }
}
