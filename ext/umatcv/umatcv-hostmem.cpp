/* umatcv host memory: pinned blocks for OpenCL, page-aligned ones for the CPU.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A discrete GPU reads host memory by DMA, and DMA needs page-locked
 * memory. From pageable memory the driver first copies every frame into a
 * pinned bounce buffer of its own (about 10 GB/s on the H100 machine);
 * memory that is already pinned goes straight over PCIe (about 54 GB/s).
 * OpenCL's portable way to get pinned memory is a buffer created with
 * CL_MEM_ALLOC_HOST_PTR and mapped: the mapping stays for the block's whole
 * life, and the pointer it gives is handed out as ordinary host memory, so
 * OpenCV's uploads and downloads from it run at the pinned speed.
 *
 * OpenCV's UMat with USAGE_ALLOCATE_HOST_MEMORY does not serve here: on a
 * discrete GPU its getMat() maps into a fresh malloc'd copy.
 *
 * The OpenCL calls go through OpenCV's own loader (opencl_core.hpp), so the
 * plugin does not link libOpenCL and the CPU backend never loads it.
 */
#include "umatcv-private.hpp"

/* OpenCV builds with OpenCL; its header wants to be told */
#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>

#include <cstdlib>
#include <memory>
#include <unistd.h>

using namespace umatcv;

struct UmatcvHostAllocator {
  bool pinned;
  cl_context context;           /* retained; NULL on the CPU */
  cl_command_queue queue;       /* retained; NULL on the CPU */
};

struct UmatcvHostMemory {
  uint8_t *data;
  size_t size;
  cl_mem buffer;                /* NULL: plain memory from posix_memalign */
  cl_command_queue queue;       /* retained, to unmap the buffer */
};

namespace {

std::string
cl_error (const char *what, cl_int err)
{
  return std::string (what) + " failed with OpenCL error " + std::to_string (err);
}

size_t
page_size ()
{
  long size = sysconf (_SC_PAGESIZE);
  return size > 0 ? (size_t) size : 4096;
}

}  /* namespace */

extern "C" {

UmatcvStatus
umatcv_host_allocator_new (UmatcvEngine *engine,
    UmatcvHostAllocator **allocator, char **error)
{
  if (allocator == nullptr) {
    set_error (error, "no place for the host allocator");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *allocator = nullptr;
  if (engine == nullptr) {
    set_error (error, "no engine for the host allocator");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::unique_ptr<UmatcvHostAllocator> a (new UmatcvHostAllocator ());
    a->pinned = engine->opencl;
    a->context = nullptr;
    a->queue = nullptr;
    if (engine->opencl) {
      a->context = (cl_context) engine->context.getContext ().ptr ();
      a->queue = (cl_command_queue) engine->context.getQueue ().ptr ();
      if (a->context == nullptr || a->queue == nullptr) {
        set_error (error, "the OpenCL engine has no context");
        return UMATCV_ERROR_OPENCL;
      }
      clRetainContext (a->context);
      clRetainCommandQueue (a->queue);
    }
    *allocator = a.release ();
    return UMATCV_OK;
  });
}

void
umatcv_host_allocator_free (UmatcvHostAllocator *a)
{
  if (a == nullptr)
    return;
  if (a->queue)
    clReleaseCommandQueue (a->queue);
  if (a->context)
    clReleaseContext (a->context);
  delete a;
}

int
umatcv_host_allocator_pinned (const UmatcvHostAllocator *a)
{
  return a != nullptr && a->pinned;
}

UmatcvStatus
umatcv_host_memory_new (UmatcvHostAllocator *a, size_t size,
    UmatcvHostMemory **memory, char **error)
{
  if (memory == nullptr) {
    set_error (error, "no place for the host memory");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *memory = nullptr;
  if (a == nullptr || size == 0) {
    set_error (error, "invalid host memory arguments");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::unique_ptr<UmatcvHostMemory> m (new UmatcvHostMemory ());
    m->size = size;
    m->buffer = nullptr;
    m->queue = nullptr;
    if (!a->pinned) {
      void *data = nullptr;
      if (posix_memalign (&data, page_size (), size) != 0) {
        set_error (error, "cannot allocate "
            + std::to_string (size) + " bytes of host memory");
        return UMATCV_ERROR_NO_MEMORY;
      }
      m->data = (uint8_t *) data;
      *memory = m.release ();
      return UMATCV_OK;
    }

    cl_int err = CL_SUCCESS;
    m->buffer = clCreateBuffer (a->context,
        CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, size, nullptr, &err);
    if (m->buffer == nullptr || err != CL_SUCCESS) {
      set_error (error, "cannot allocate " + std::to_string (size)
          + " bytes of pinned memory: " + cl_error ("clCreateBuffer", err));
      return err == CL_MEM_OBJECT_ALLOCATION_FAILURE
          || err == CL_OUT_OF_HOST_MEMORY || err == CL_INVALID_BUFFER_SIZE
          ? UMATCV_ERROR_NO_MEMORY : UMATCV_ERROR_OPENCL;
    }
    m->data = (uint8_t *) clEnqueueMapBuffer (a->queue, m->buffer, CL_TRUE,
        CL_MAP_READ | CL_MAP_WRITE, 0, size, 0, nullptr, nullptr, &err);
    if (m->data == nullptr || err != CL_SUCCESS) {
      clReleaseMemObject (m->buffer);
      set_error (error, cl_error ("mapping pinned memory", err));
      return UMATCV_ERROR_OPENCL;
    }
    m->queue = a->queue;
    clRetainCommandQueue (m->queue);
    *memory = m.release ();
    return UMATCV_OK;
  });
}

uint8_t *
umatcv_host_memory_data (const UmatcvHostMemory *m)
{
  return m ? m->data : nullptr;
}

size_t
umatcv_host_memory_size (const UmatcvHostMemory *m)
{
  return m ? m->size : 0;
}

void
umatcv_host_memory_free (UmatcvHostMemory *m)
{
  if (m == nullptr)
    return;
  if (m->buffer) {
    /* the unmap is queued; the release frees the buffer once it ran */
    clEnqueueUnmapMemObject (m->queue, m->buffer, m->data, 0, nullptr,
        nullptr);
    clReleaseMemObject (m->buffer);
    clReleaseCommandQueue (m->queue);
  } else {
    free (m->data);
  }
  delete m;
}

}  /* extern "C" */
