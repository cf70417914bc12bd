/* umatcv CUDA: frames of an NVIDIA decoder's CUDA memory, into OpenCL
 * without a trip through the host.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GStreamer 1.22's nvh264dec and nvh265dec give video/x-raw(memory:
 * CUDAMemory): frames in device memory of the decoder's CUDA context. That
 * memory cannot be exported, so each frame is copied once, device to
 * device, into memory the converter owns: a CUDA allocation made with
 * cuMemCreate for a POSIX file descriptor, exported once and imported
 * into the engine's OpenCL context once (cl_khr_external_memory_opaque_fd),
 * where the kernels read it as any buffer. The copy runs on a CUDA stream
 * of the converter's; the CPU waits for it (cuStreamSynchronize) before
 * OpenCL reads the memory, which keeps the decoder's own stream free.
 *
 * libcuda is opened at run time (dlopen) and the few driver calls and types
 * used are declared here: the build needs no CUDA SDK, and machines without
 * NVIDIA's driver never load it.
 */
#pragma once

#include "umatcv-private.hpp"

#include <memory>

namespace umatcv {

/* Whether frames in CUDA memory can come into `context`'s device: libcuda
 * loads, the OpenCL device has cl_khr_external_memory_opaque_fd and
 * reports a UUID. `why` says what is missing. */
bool cuda_import_available (const cv::ocl::Context &context, std::string &why);

/* One allocation of CUDA memory imported into an OpenCL context. */
class CudaBuffer {
public:
  /* `size` bytes on the GPU the OpenCL device is (matched by UUID), made
   * in `cuda_context` (a CUcontext on that GPU, which must outlive the
   * buffer) or, when NULL or on another GPU, in the device's primary
   * context. Throws a cv::Exception that names what failed. */
  CudaBuffer (const cv::ocl::Context &context, size_t size,
      void *cuda_context);
  ~CudaBuffer ();
  CudaBuffer (const CudaBuffer &) = delete;
  CudaBuffer &operator= (const CudaBuffer &) = delete;

  /* The memory as OpenCL sees it (a cl_mem) and as CUDA does. */
  void *cl_buffer () const { return mem_; }
  uint64_t cuda_address () const { return address_; }
  size_t size () const { return size_; }
  /* The CUcontext it was made in. */
  void *cuda_context () const { return context_; }

  /* Queues a copy of rows of bytes from CUDA device memory (any context on
   * the same GPU) into this buffer at `offset`; finish_copies() waits
   * until every copy queued is there (one wait for a frame's planes). */
  void copy_in (uint64_t src, size_t src_stride, size_t offset,
      size_t dst_stride, size_t row_bytes, size_t rows);
  void finish_copies ();

private:
  void release ();

  void *mem_;              /* cl_mem */
  uint64_t address_;       /* CUdeviceptr */
  uint64_t handle_;        /* CUmemGenericAllocationHandle */
  void *context_;          /* CUcontext of the allocation */
  bool primary_;           /* context_ is the primary one, retained */
  void *stream_;           /* CUstream for the copies, of... */
  void *stream_context_;   /* ...the CUcontext of the frames' memory */
  size_t size_, mapped_;
  int device_;             /* CUdevice */
};

}  /* namespace umatcv */
