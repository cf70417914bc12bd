/* umatcv engines: which device runs the conversions.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenCV's own default context takes GPU devices only, and only once per
 * process. An engine instead owns an OpenCLExecutionContext (context, device
 * and queue) that the converter binds on whatever thread streams, so two
 * elements may use two devices, and device=opencl can use a CPU OpenCL device
 * (PoCL) without the OPENCV_OPENCL_DEVICE variable. When that variable is
 * set, it is honoured, as OpenCV would, unless the engine is asked for a
 * device of its own (umatcv_engine_new_on).
 */
#include "umatcv-cuda.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

using namespace umatcv;

namespace {

std::string
trimmed (const std::string &s)
{
  size_t a = s.find_first_not_of (" \t\n");
  size_t b = s.find_last_not_of (" \t\n");
  return a == std::string::npos ? std::string () : s.substr (a, b - a + 1);
}

std::string
lower (std::string s)
{
  for (char &c : s)
    c = (char) tolower ((unsigned char) c);
  return s;
}

/* The device a selector names: "N" is the N-th GPU (0 first) in the order
 * the platforms list them, any other text the first device whose
 * "platform: device" name contains it, ignoring case. */
cv::ocl::Device
select_device (const std::vector<cv::ocl::PlatformInfo> &platforms,
    const std::string &selector, std::string &seen)
{
  bool index = !selector.empty ()
      && selector.find_first_not_of ("0123456789") == std::string::npos;
  long wanted = index ? strtol (selector.c_str (), nullptr, 10) : -1;
  long gpus = 0;
  for (const cv::ocl::PlatformInfo &platform : platforms) {
    for (int i = 0; i < platform.deviceNumber (); i++) {
      cv::ocl::Device device;
      platform.getDevice (device, i);
      if (!device.available () || !device.compilerAvailable ())
        continue;
      std::string name = trimmed (platform.name ()) + ": "
          + trimmed (device.name ());
      seen += (seen.empty ()? "" : ", ") + name;
      bool gpu = (device.type () & cv::ocl::Device::TYPE_GPU) != 0;
      if (index ? gpu && gpus++ == wanted
          : lower (name).find (lower (selector)) != std::string::npos)
        return device;
    }
  }
  return cv::ocl::Device ();
}

/* The context to run on, or an empty one with `why` filled in. */
cv::ocl::Context
find_context (bool any_device, const char *selector, std::string &why)
{
  if (!cv::ocl::haveOpenCL ()) {
    why = "no OpenCL platform found (no ICD installed, or "
        "OPENCV_OPENCL_RUNTIME=disabled)";
    return cv::ocl::Context ();
  }

  std::vector<cv::ocl::PlatformInfo> platforms;
  cv::ocl::getPlatfomsInfo (platforms);
  if (selector != nullptr && *selector != '\0') {
    std::string seen;
    cv::ocl::Device device = select_device (platforms, selector, seen);
    if (device.ptr () == nullptr) {
      why = std::string ("no OpenCL device matches \"") + selector
          + "\" (a GPU's index, or part of a \"platform: device\" name; "
          + (seen.empty ()? std::string ("found none)")
              : "found " + seen + ")");
      return cv::ocl::Context ();
    }
    return cv::ocl::Context::fromDevice (device);
  }

  const char *config = getenv ("OPENCV_OPENCL_DEVICE");
  if (config != nullptr && *config != '\0') {
    cv::ocl::Context context;
    if (strcmp (config, "disabled") != 0)
      context = cv::ocl::Context::create (config);
    if (context.ptr () == nullptr)
      why = std::string ("no OpenCL device matches OPENCV_OPENCL_DEVICE=")
          + config;
    return context;
  }

  cv::ocl::Device gpu, other;
  std::string seen;
  for (const cv::ocl::PlatformInfo &platform : platforms) {
    for (int i = 0; i < platform.deviceNumber () && gpu.ptr () == nullptr; i++) {
      cv::ocl::Device device;
      platform.getDevice (device, i);
      if (!device.available () || !device.compilerAvailable ())
        continue;
      seen += (seen.empty ()? "" : ", ") + trimmed (device.name ());
      if (device.type () & cv::ocl::Device::TYPE_GPU)
        gpu = device;
      else if (other.ptr () == nullptr)
        other = device;
    }
  }

  cv::ocl::Device pick = gpu.ptr () ? gpu : any_device ? other : cv::ocl::Device ();
  if (pick.ptr () == nullptr) {
    why = seen.empty ()? std::string ("no usable OpenCL device found")
        : "no OpenCL GPU device (found " + seen + ")";
    return cv::ocl::Context ();
  }
  return cv::ocl::Context::fromDevice (pick);
}

}  /* namespace */

extern "C" {

UmatcvStatus
umatcv_engine_new (UmatcvDevice device, UmatcvEngine **engine, char **error)
{
  return umatcv_engine_new_on (device, nullptr, engine, error);
}

UmatcvStatus
umatcv_engine_new_on (UmatcvDevice device, const char *opencl_device,
    UmatcvEngine **engine, char **error)
{
  if (engine == nullptr) {
    set_error (error, "no place for the engine");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *engine = nullptr;
  if (device < UMATCV_DEVICE_AUTO || device > UMATCV_DEVICE_OPENCL) {
    set_error (error, "no such device: " + std::to_string ((int) device));
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }

  /* OpenCV fills its lists of platforms and devices, and its default
   * context, without a lock: engines made on several threads at once
   * (pipelines started from several threads) take turns */
  static std::mutex making;
  std::lock_guard<std::mutex> turn (making);
  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::unique_ptr<UmatcvEngine> e (new UmatcvEngine {false, "cpu", {}});
    if (device != UMATCV_DEVICE_CPU) {
      std::string why;
      cv::ocl::Context context = find_context (device == UMATCV_DEVICE_OPENCL,
          opencl_device, why);
      if (context.ptr () != nullptr) {
        cv::ocl::Device dev = context.device (0);
        e->context = cv::ocl::OpenCLExecutionContext::create (context, dev);
        ContextGuard bound (e->context);
        if (cv::ocl::useOpenCL ()) {
          e->opencl = true;
          e->backend = "opencl:" + trimmed (dev.name ());
        } else {
          why = "OpenCV cannot use OpenCL device " + trimmed (dev.name ());
          e->context = cv::ocl::OpenCLExecutionContext ();
        }
      }
      if (!e->opencl) {
        set_error (error, why);
        if (device == UMATCV_DEVICE_OPENCL)
          return UMATCV_ERROR_NO_DEVICE;
      }
    }
    *engine = e.release ();
    return UMATCV_OK;
  });
}

void
umatcv_engine_free (UmatcvEngine *engine)
{
  delete engine;
}

const char *
umatcv_engine_backend (const UmatcvEngine *engine)
{
  return engine ? engine->backend.c_str () : "";
}

int
umatcv_engine_takes_cuda (const UmatcvEngine *engine, char **why)
{
  if (engine == nullptr || !engine->opencl) {
    set_error (why, "frames in CUDA memory need an OpenCL engine");
    return 0;
  }
  std::string reason;
  bool ok = false;
  UmatcvStatus status = umatcv_guard (why, [&] () -> UmatcvStatus {
    ok = cuda_import_available (engine->context.getContext (), reason);
    return UMATCV_OK;
  });
  if (status == UMATCV_OK && !ok)
    set_error (why, reason);
  return ok;
}

int
umatcv_engine_uses_opencl (const UmatcvEngine *engine)
{
  return engine != nullptr && engine->opencl;
}

}  /* extern "C" */
