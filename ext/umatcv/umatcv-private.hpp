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

/* How a layout's bytes sit in memory as OpenCV's cvtColor sees them. */
enum class Shape {
  PACKED,       /* one plane, `channels` bytes a pixel */
  PLANAR_420,   /* 8-bit Y, then two chroma planes of (w/2)x(h/2) */
  SEMI_420,     /* 8-bit Y, then one interleaved chroma plane of pairs */
  OTHER,        /* planes no cvtColor code takes (4:2:2, 4:4:4, 10 bits) */
};

/* Where a video layout keeps its samples: what the conversions at the
 * edges of a chain (umatcv-edges.cpp) read and write. */
struct Packing {
  enum class Kind { OTHER, RGB, GRAY, YUV_PLANAR, YUV_SEMI, YUV_PACKED };
  Kind kind;
  int sample_bytes;     /* 1, or 2 (little-endian words) */
  int sample_shift;     /* where a sample sits in its word (P010: 6) */
  int r, g, b, a;       /* RGB: byte offsets in a pixel; a -1 when none */
  bool padding;         /* RGB: the 4th byte is padding */
  int u_plane, v_plane; /* YUV planar: planes of U and V */
  bool v_first;         /* YUV semi-planar or packed: V before U */
  int pair[4];          /* YUV packed: byte offsets of Y0 U Y1 V in a pair */
};

const Packing &layout_packing (UmatcvLayout layout);

/* The layout's row of the table (umatcv-layouts.cpp); row 0 ("none")
 * outside it. */
const UmatcvLayoutInfo &layout_info (UmatcvLayout layout);
Shape layout_shape (UmatcvLayout layout);
/* Channels of the whole cv::Mat cvtColor sees (1 for 4:2:0). */
int layout_channels (UmatcvLayout layout);

/* One plane of a layout at a given size: rows x cols elements of cn
 * samples of `bytes` bytes. */
struct PlaneShape {
  int rows, cols, cn, bytes;
  size_t row_bytes () const { return (size_t) cols * cn * bytes; }
};

int layout_planes (UmatcvLayout layout, int width, int height,
    PlaneShape planes[3]);
/* The single cv::Mat OpenCV's cvtColor reads or writes for this layout:
 * 4:2:0 is one CV_8UC1 plane of (h*3/2) rows, planes back to back. */
cv::Size layout_mat_size (UmatcvLayout layout, int width, int height);
int layout_mat_type (UmatcvLayout layout);

enum class OpKind {
  CVT,           /* cv::cvtColor (code): OpenCV's own arithmetic */
  ALPHA_OPAQUE,  /* set the 4th byte to 255 */
  /* the conversions at the edges of a chain (umatcv-edges.hpp), for one
   * input layout each */
  REORDER,       /* R'G'B' bytes from one order to another */
  DECODE_YUV,    /* Y'CbCr to R'G'B' or GRAY: matrix, chroma upsampled */
  ENCODE_YUV,    /* R'G'B' or GRAY to Y'CbCr: matrix, chroma filtered */
  CONVERT_YUV,   /* Y'CbCr to Y'CbCr: planes, bits, chroma resampled */
};

struct Op {
  OpKind kind;
  int code;            /* cv::COLOR_*, for CVT */
  std::string name;    /* as OpenCV spells it, or a description */
  uint64_t inputs;     /* UMATCV_LAYOUT_BIT mask */
  UmatcvLayout output;
};

/* Whether an op is one of the conversions at the edges of a chain. */
inline bool
op_is_edge (const Op &op)
{
  return op.kind == OpKind::REORDER || op.kind == OpKind::DECODE_YUV
      || op.kind == OpKind::ENCODE_YUV || op.kind == OpKind::CONVERT_YUV;
}

/* The one layout an edge op reads. */
UmatcvLayout op_input (const Op &op);

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

/* What the test environment asks of a converter (umatcv-testhook.cpp):
 * OpenCL failing from frame `fail_after` on, and `hold`, a wait() that
 * does not block leaving OpenCL frames in flight. */
struct TestHooks {
  uint64_t fail_after;
  bool hold;
};
TestHooks testhooks_from_environment ();
/* Throws an OpenCL error for frame numbers the hooks ask for; does nothing
 * otherwise. */
void testhook_opencl_frame (const TestHooks &hooks, uint64_t frame);

/* Binds an engine's OpenCL context on this thread while it lives, then
 * gives the thread back the OpenCV state it had: its own context (or none)
 * and its useOpenCL() setting. The element runs on the application's
 * threads (the one that starts it, the streaming threads, where appsink
 * callbacks run), and an application using OpenCV there must find it as
 * it left it. (OpenCV's own OpenCLExecutionContextScope leaves a context
 * bound on a thread that had none.) */
class ContextGuard {
public:
  explicit ContextGuard (const cv::ocl::OpenCLExecutionContext &context)
    : use_ (cv::ocl::useOpenCL ()),
      saved_ (cv::ocl::OpenCLExecutionContext::getCurrentRef ())
  {
    context.bind ();
  }
  ~ContextGuard ()
  {
    cv::ocl::OpenCLExecutionContext::getCurrentRef () = saved_;
    cv::ocl::setUseOpenCL (use_);
  }
  ContextGuard (const ContextGuard &) = delete;
  ContextGuard &operator= (const ContextGuard &) = delete;

private:
  bool use_;
  cv::ocl::OpenCLExecutionContext saved_;
};

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
