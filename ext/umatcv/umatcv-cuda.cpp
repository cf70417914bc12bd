/* umatcv CUDA: frames of an NVIDIA decoder's CUDA memory, into OpenCL.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See umatcv-cuda.hpp. The driver API is declared here, as NVIDIA's cuda.h
 * has it for the calls used (CUDA 11.3 and later have them all), and
 * resolved from libcuda.so.1 once.
 */
#include "umatcv-cuda.hpp"

#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>

#include <dlfcn.h>

#include <cstring>
#include <mutex>

namespace umatcv {

namespace {

/* --- the driver API, as cuda.h declares it ----------------------------- */

typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;
typedef unsigned long long CUmemGenericAllocationHandle;

struct CUuuid {
  char bytes[16];
};

enum {
  CUDA_SUCCESS = 0,
  CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR = 0x1,
  CU_MEM_ALLOCATION_TYPE_PINNED = 0x1,
  CU_MEM_LOCATION_TYPE_DEVICE = 0x1,
  CU_MEM_ACCESS_FLAGS_PROT_READWRITE = 0x3,
  CU_MEM_ALLOC_GRANULARITY_MINIMUM = 0x0,
  CU_STREAM_NON_BLOCKING = 0x1,
  CU_POINTER_ATTRIBUTE_CONTEXT = 1,
  CU_MEMORYTYPE_DEVICE = 2,
};

struct CUmemLocation {
  int type;
  int id;
};

struct CUmemAllocationProp {
  int type;
  int requestedHandleTypes;
  CUmemLocation location;
  void *win32HandleMetaData;
  struct {
    unsigned char compressionType;
    unsigned char gpuDirectRDMACapable;
    unsigned short usage;
    unsigned char reserved[4];
  } allocFlags;
};

struct CUmemAccessDesc {
  CUmemLocation location;
  int flags;
};

struct CUDA_MEMCPY2D {
  size_t srcXInBytes, srcY;
  int srcMemoryType;
  const void *srcHost;
  CUdeviceptr srcDevice;
  void *srcArray;
  size_t srcPitch;
  size_t dstXInBytes, dstY;
  int dstMemoryType;
  void *dstHost;
  CUdeviceptr dstDevice;
  void *dstArray;
  size_t dstPitch;
  size_t WidthInBytes, Height;
};

struct Driver {
  bool loaded = false;
  std::string why;
  CUresult (*Init) (unsigned);
  CUresult (*DeviceGetCount) (int *);
  CUresult (*DeviceGet) (CUdevice *, int);
  CUresult (*DeviceGetUuid) (CUuuid *, CUdevice);
  CUresult (*DevicePrimaryCtxRetain) (CUcontext *, CUdevice);
  CUresult (*DevicePrimaryCtxRelease) (CUdevice);
  CUresult (*CtxPushCurrent) (CUcontext);
  CUresult (*CtxPopCurrent) (CUcontext *);
  CUresult (*CtxGetDevice) (CUdevice *);
  CUresult (*PointerGetAttribute) (void *, int, CUdeviceptr);
  CUresult (*MemGetAllocationGranularity) (size_t *,
      const CUmemAllocationProp *, int);
  CUresult (*MemCreate) (CUmemGenericAllocationHandle *, size_t,
      const CUmemAllocationProp *, unsigned long long);
  CUresult (*MemRelease) (CUmemGenericAllocationHandle);
  CUresult (*MemAddressReserve) (CUdeviceptr *, size_t, size_t, CUdeviceptr,
      unsigned long long);
  CUresult (*MemAddressFree) (CUdeviceptr, size_t);
  CUresult (*MemMap) (CUdeviceptr, size_t, size_t,
      CUmemGenericAllocationHandle, unsigned long long);
  CUresult (*MemUnmap) (CUdeviceptr, size_t);
  CUresult (*MemSetAccess) (CUdeviceptr, size_t, const CUmemAccessDesc *,
      size_t);
  CUresult (*MemExportToShareableHandle) (void *,
      CUmemGenericAllocationHandle, int, unsigned long long);
  CUresult (*StreamCreate) (CUstream *, unsigned);
  CUresult (*StreamDestroy) (CUstream);
  CUresult (*StreamSynchronize) (CUstream);
  CUresult (*Memcpy2DAsync) (const CUDA_MEMCPY2D *, CUstream);
  CUresult (*GetErrorName) (CUresult, const char **);
};

template <class F>
bool
resolve (void *lib, const char *name, F &fn)
{
  fn = (F) dlsym (lib, name);
  return fn != nullptr;
}

const Driver &
driver ()
{
  static Driver d;
  static std::once_flag once;
  std::call_once (once, [] {
    void *lib = dlopen ("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      d.why = "no NVIDIA driver (libcuda.so.1 does not load)";
      return;
    }
    bool ok = resolve (lib, "cuInit", d.Init)
        && resolve (lib, "cuDeviceGetCount", d.DeviceGetCount)
        && resolve (lib, "cuDeviceGet", d.DeviceGet)
        && resolve (lib, "cuDeviceGetUuid", d.DeviceGetUuid)
        && resolve (lib, "cuDevicePrimaryCtxRetain", d.DevicePrimaryCtxRetain)
        && resolve (lib, "cuDevicePrimaryCtxRelease_v2",
            d.DevicePrimaryCtxRelease)
        && resolve (lib, "cuCtxPushCurrent_v2", d.CtxPushCurrent)
        && resolve (lib, "cuCtxPopCurrent_v2", d.CtxPopCurrent)
        && resolve (lib, "cuCtxGetDevice", d.CtxGetDevice)
        && resolve (lib, "cuPointerGetAttribute", d.PointerGetAttribute)
        && resolve (lib, "cuMemGetAllocationGranularity",
            d.MemGetAllocationGranularity)
        && resolve (lib, "cuMemCreate", d.MemCreate)
        && resolve (lib, "cuMemRelease", d.MemRelease)
        && resolve (lib, "cuMemAddressReserve", d.MemAddressReserve)
        && resolve (lib, "cuMemAddressFree", d.MemAddressFree)
        && resolve (lib, "cuMemMap", d.MemMap)
        && resolve (lib, "cuMemUnmap", d.MemUnmap)
        && resolve (lib, "cuMemSetAccess", d.MemSetAccess)
        && resolve (lib, "cuMemExportToShareableHandle",
            d.MemExportToShareableHandle)
        && resolve (lib, "cuStreamCreate", d.StreamCreate)
        && resolve (lib, "cuStreamDestroy_v2", d.StreamDestroy)
        && resolve (lib, "cuStreamSynchronize", d.StreamSynchronize)
        && resolve (lib, "cuMemcpy2DAsync_v2", d.Memcpy2DAsync)
        && resolve (lib, "cuGetErrorName", d.GetErrorName);
    if (!ok) {
      d.why = "libcuda.so.1 lacks the virtual memory calls (driver for "
          "CUDA 11.3 or later needed)";
      return;
    }
    if (d.Init (0) != CUDA_SUCCESS) {
      d.why = "cuInit failed: no usable NVIDIA GPU";
      return;
    }
    d.loaded = true;
  });
  return d;
}

void
check (CUresult r, const char *what)
{
  if (r == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  driver ().GetErrorName (r, &name);
  CV_Error (cv::Error::OpenCLApiCallError, std::string ("CUDA: ") + what
      + " failed: " + (name ? name : std::to_string (r)));
}

/* --- OpenCL's side ------------------------------------------------------ */

const cl_uint CL_DEVICE_UUID = 0x106A;                   /* cl_khr_device_uuid */
/* cl_mem_properties (OpenCL 3.0) is a cl_ulong */
typedef cl_ulong mem_properties;
const mem_properties CL_EXTERNAL_MEMORY_OPAQUE_FD = 0x2060;

typedef cl_mem (*CreateBufferWithProperties) (cl_context,
    const mem_properties *, cl_mem_flags, size_t, void *, cl_int *);

/* clCreateBufferWithProperties (OpenCL 3.0) is not in OpenCV's loader:
 * from the ICD loader OpenCV has already opened. */
CreateBufferWithProperties
create_buffer_with_properties ()
{
  static CreateBufferWithProperties fn = [] {
    for (const char *name : {"libOpenCL.so.1", "libOpenCL.so"}) {
      void *lib = dlopen (name, RTLD_NOW | RTLD_NOLOAD);
      if (lib == nullptr)
        lib = dlopen (name, RTLD_NOW);
      if (lib != nullptr) {
        void *f = dlsym (lib, "clCreateBufferWithProperties");
        if (f)
          return (CreateBufferWithProperties) f;
      }
    }
    return (CreateBufferWithProperties) nullptr;
  } ();
  return fn;
}

bool
device_uuid (const cv::ocl::Device &device, CUuuid &uuid)
{
  return device.isExtensionSupported ("cl_khr_device_uuid")
      && clGetDeviceInfo ((cl_device_id) device.ptr (), CL_DEVICE_UUID,
          sizeof (uuid.bytes), uuid.bytes, nullptr) == CL_SUCCESS;
}

/* The CUDA device that is `context`'s OpenCL device, or -1. */
int
cuda_device_of (const cv::ocl::Context &context)
{
  const Driver &d = driver ();
  CUuuid want;
  int count = 0;
  if (!device_uuid (context.device (0), want)
      || d.DeviceGetCount (&count) != CUDA_SUCCESS)
    return -1;
  for (int i = 0; i < count; i++) {
    CUdevice dev;
    CUuuid uuid;
    if (d.DeviceGet (&dev, i) == CUDA_SUCCESS
        && d.DeviceGetUuid (&uuid, dev) == CUDA_SUCCESS
        && memcmp (uuid.bytes, want.bytes, sizeof (want.bytes)) == 0)
      return dev;
  }
  return -1;
}

/* Pushes a CUDA context for a scope. */
class Pushed {
public:
  explicit Pushed (CUcontext c)
  {
    check (driver ().CtxPushCurrent (c), "cuCtxPushCurrent");
  }
  ~Pushed ()
  {
    CUcontext ignored;
    driver ().CtxPopCurrent (&ignored);
  }
};

/* Whether `context` is a CUDA context on `device`. */
bool
context_on (CUcontext context, int device)
{
  const Driver &d = driver ();
  CUdevice on = -1;
  if (d.CtxPushCurrent (context) != CUDA_SUCCESS)
    return false;
  CUresult r = d.CtxGetDevice (&on);
  CUcontext ignored;
  d.CtxPopCurrent (&ignored);
  return r == CUDA_SUCCESS && on == device;
}

}  /* namespace */

bool
cuda_import_available (const cv::ocl::Context &context, std::string &why)
{
  const Driver &d = driver ();
  if (!d.loaded) {
    why = d.why;
    return false;
  }
  const cv::ocl::Device &device = context.device (0);
  if (!device.isExtensionSupported ("cl_khr_external_memory_opaque_fd")) {
    why = "OpenCL device " + device.name () + " cannot import CUDA memory "
        "(no cl_khr_external_memory_opaque_fd)";
    return false;
  }
  if (create_buffer_with_properties () == nullptr) {
    why = "the OpenCL loader has no clCreateBufferWithProperties (OpenCL 3.0)";
    return false;
  }
  if (cuda_device_of (context) < 0) {
    why = "no CUDA device is OpenCL device " + device.name ()
        + " (no matching UUID)";
    return false;
  }
  return true;
}

CudaBuffer::CudaBuffer (const cv::ocl::Context &context, size_t size,
    void *cuda_context)
  : mem_ (nullptr), address_ (0), handle_ (0), context_ (nullptr),
    primary_ (false), stream_ (nullptr), stream_context_ (nullptr),
    size_ (size), mapped_ (0), device_ (-1)
{
  const Driver &d = driver ();
  std::string why;
  if (!cuda_import_available (context, why))
    CV_Error (cv::Error::OpenCLApiCallError, why);
  device_ = cuda_device_of (context);

  try {
    /* the frames' own context when it is on this GPU; else the device's
     * primary context, which costs a context of its own when nothing in
     * the process holds it yet */
    if (cuda_context != nullptr && context_on ((CUcontext) cuda_context,
            device_)) {
      context_ = cuda_context;
    } else {
      CUcontext primary;
      check (d.DevicePrimaryCtxRetain (&primary, device_),
          "cuDevicePrimaryCtxRetain");
      context_ = primary;
      primary_ = true;
    }
    Pushed pushed ((CUcontext) context_);

    CUmemAllocationProp prop;
    memset (&prop, 0, sizeof (prop));
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = device_;
    size_t granularity = 0;
    check (d.MemGetAllocationGranularity (&granularity, &prop,
            CU_MEM_ALLOC_GRANULARITY_MINIMUM), "cuMemGetAllocationGranularity");
    mapped_ = (size + granularity - 1) / granularity * granularity;
    CUmemGenericAllocationHandle handle;
    check (d.MemCreate (&handle, mapped_, &prop, 0), "cuMemCreate");
    handle_ = handle;
    CUdeviceptr address;
    check (d.MemAddressReserve (&address, mapped_, granularity, 0, 0),
        "cuMemAddressReserve");
    address_ = address;
    check (d.MemMap (address, mapped_, 0, handle, 0), "cuMemMap");
    CUmemAccessDesc access;
    access.location = prop.location;
    access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    check (d.MemSetAccess (address, mapped_, &access, 1), "cuMemSetAccess");

    /* exported once, imported once: the file descriptor goes to the
     * OpenCL implementation with the import */
    int fd = -1;
    check (d.MemExportToShareableHandle (&fd, handle,
            CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0),
        "cuMemExportToShareableHandle");
    mem_properties props[] = {CL_EXTERNAL_MEMORY_OPAQUE_FD,
      (mem_properties) fd, 0};
    cl_int err = CL_SUCCESS;
    mem_ = create_buffer_with_properties () ((cl_context) context.ptr (),
        props, CL_MEM_READ_WRITE, mapped_, nullptr, &err);
    if (mem_ == nullptr || err != CL_SUCCESS)
      CV_Error (cv::Error::OpenCLApiCallError, "importing CUDA memory into "
          "OpenCL failed: error " + std::to_string (err));
  } catch (...) {
    release ();
    throw;
  }
}

CudaBuffer::~CudaBuffer ()
{
  release ();
}

void
CudaBuffer::release ()
{
  const Driver &d = driver ();
  if (mem_)
    clReleaseMemObject ((cl_mem) mem_);
  mem_ = nullptr;
  if (stream_) {
    Pushed pushed ((CUcontext) stream_context_);
    d.StreamDestroy ((CUstream) stream_);
  }
  stream_ = stream_context_ = nullptr;
  if (context_ == nullptr)
    return;
  {
    Pushed pushed ((CUcontext) context_);
    if (address_ && mapped_)
      d.MemUnmap (address_, mapped_);
    if (handle_)
      d.MemRelease (handle_);
    if (address_ && mapped_)
      d.MemAddressFree (address_, mapped_);
  }
  if (primary_)
    d.DevicePrimaryCtxRelease (device_);
  primary_ = false;
  context_ = nullptr;
  stream_ = nullptr;
  address_ = handle_ = 0;
}

void
CudaBuffer::copy_in (uint64_t src, size_t src_stride, size_t offset,
    size_t dst_stride, size_t row_bytes, size_t rows)
{
  const Driver &d = driver ();
  if (offset + dst_stride * (rows - 1) + row_bytes > size_)
    CV_Error (cv::Error::StsOutOfRange, "CUDA frame larger than its buffer");
  /* the copy runs in the context that owns the source (the decoder's);
   * the destination, mapped for the whole device, is reachable from it */
  CUcontext owner = nullptr;
  check (d.PointerGetAttribute (&owner, CU_POINTER_ATTRIBUTE_CONTEXT,
          (CUdeviceptr) src), "cuPointerGetAttribute");
  if (owner == nullptr)
    owner = (CUcontext) context_;
  Pushed pushed (owner);
  /* a stream belongs to a context: one in the source's, made for the
   * first frame of a decoder (then reused) */
  if (stream_context_ != owner) {
    if (stream_)
      d.StreamDestroy ((CUstream) stream_);
    stream_ = nullptr;
    CUstream stream;
    check (d.StreamCreate (&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    stream_ = stream;
    stream_context_ = owner;
  }
  CUDA_MEMCPY2D copy;
  memset (&copy, 0, sizeof (copy));
  copy.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.srcDevice = src;
  copy.srcPitch = src_stride;
  copy.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.dstDevice = address_ + offset;
  copy.dstPitch = dst_stride;
  copy.WidthInBytes = row_bytes;
  copy.Height = rows;
  check (d.Memcpy2DAsync (&copy, (CUstream) stream_), "cuMemcpy2DAsync");
}

void
CudaBuffer::finish_copies ()
{
  if (stream_ == nullptr)
    return;
  Pushed pushed ((CUcontext) stream_context_);
  check (driver ().StreamSynchronize ((CUstream) stream_),
      "cuStreamSynchronize");
}

}  /* namespace umatcv */
