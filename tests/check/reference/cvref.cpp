/* cvref: OpenCV's CPU cvtColor, callable from the C tests.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The independent reference the tests compare umatconvert with. OpenCV 4
 * has no C API, hence this much C++ in tests/. It knows nothing of umatcv:
 * only code names and cv::cvtColor on tightly packed buffers.
 */
#include "cvref.h"

#include <opencv2/core.hpp>
#include <opencv2/core/ocl.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace {

struct Name {
  const char *name;
  int code;
};

#define C(n) {#n, cv::COLOR_##n}
const Name names[] = {
  C (BGR2BGRA),
  C (RGB2RGBA),
  C (BGRA2BGR),
  C (RGBA2RGB),
  C (BGR2RGBA),
  C (RGB2BGRA),
  C (RGBA2BGR),
  C (BGRA2RGB),
  C (BGR2RGB),
  C (RGB2BGR),
  C (BGRA2RGBA),
  C (RGBA2BGRA),
  C (BGR2GRAY),
  C (RGB2GRAY),
  C (GRAY2BGR),
  C (GRAY2RGB),
  C (GRAY2BGRA),
  C (GRAY2RGBA),
  C (BGRA2GRAY),
  C (RGBA2GRAY),
  C (BGR2XYZ),
  C (RGB2XYZ),
  C (XYZ2BGR),
  C (XYZ2RGB),
  C (BGR2YCrCb),
  C (RGB2YCrCb),
  C (YCrCb2BGR),
  C (YCrCb2RGB),
  C (BGR2HSV),
  C (RGB2HSV),
  C (BGR2Lab),
  C (RGB2Lab),
  C (BGR2Luv),
  C (RGB2Luv),
  C (BGR2HLS),
  C (RGB2HLS),
  C (HSV2BGR),
  C (HSV2RGB),
  C (Lab2BGR),
  C (Lab2RGB),
  C (Luv2BGR),
  C (Luv2RGB),
  C (HLS2BGR),
  C (HLS2RGB),
  C (BGR2HSV_FULL),
  C (RGB2HSV_FULL),
  C (BGR2HLS_FULL),
  C (RGB2HLS_FULL),
  C (HSV2BGR_FULL),
  C (HSV2RGB_FULL),
  C (HLS2BGR_FULL),
  C (HLS2RGB_FULL),
  C (LBGR2Lab),
  C (LRGB2Lab),
  C (LBGR2Luv),
  C (LRGB2Luv),
  C (Lab2LBGR),
  C (Lab2LRGB),
  C (Luv2LBGR),
  C (Luv2LRGB),
  C (BGR2YUV),
  C (RGB2YUV),
  C (YUV2BGR),
  C (YUV2RGB),
  C (YUV2RGB_NV12),
  C (YUV2BGR_NV12),
  C (YUV2RGB_NV21),
  C (YUV2BGR_NV21),
  C (YUV420sp2RGB),
  C (YUV420sp2BGR),
  C (YUV2RGBA_NV12),
  C (YUV2BGRA_NV12),
  C (YUV2RGBA_NV21),
  C (YUV2BGRA_NV21),
  C (YUV420sp2RGBA),
  C (YUV420sp2BGRA),
  C (YUV2RGB_YV12),
  C (YUV2BGR_YV12),
  C (YUV2RGB_IYUV),
  C (YUV2BGR_IYUV),
  C (YUV2RGB_I420),
  C (YUV2BGR_I420),
  C (YUV420p2RGB),
  C (YUV420p2BGR),
  C (YUV2RGBA_YV12),
  C (YUV2BGRA_YV12),
  C (YUV2RGBA_IYUV),
  C (YUV2BGRA_IYUV),
  C (YUV2RGBA_I420),
  C (YUV2BGRA_I420),
  C (YUV420p2RGBA),
  C (YUV420p2BGRA),
  C (YUV2GRAY_420),
  C (YUV2GRAY_NV21),
  C (YUV2GRAY_NV12),
  C (YUV2GRAY_YV12),
  C (YUV2GRAY_IYUV),
  C (YUV2GRAY_I420),
  C (YUV420sp2GRAY),
  C (YUV420p2GRAY),
  C (YUV2RGB_UYVY),
  C (YUV2BGR_UYVY),
  C (YUV2RGB_Y422),
  C (YUV2BGR_Y422),
  C (YUV2RGB_UYNV),
  C (YUV2BGR_UYNV),
  C (YUV2RGBA_UYVY),
  C (YUV2BGRA_UYVY),
  C (YUV2RGBA_Y422),
  C (YUV2BGRA_Y422),
  C (YUV2RGBA_UYNV),
  C (YUV2BGRA_UYNV),
  C (YUV2RGB_YUY2),
  C (YUV2BGR_YUY2),
  C (YUV2RGB_YVYU),
  C (YUV2BGR_YVYU),
  C (YUV2RGB_YUYV),
  C (YUV2BGR_YUYV),
  C (YUV2RGB_YUNV),
  C (YUV2BGR_YUNV),
  C (YUV2RGBA_YUY2),
  C (YUV2BGRA_YUY2),
  C (YUV2RGBA_YVYU),
  C (YUV2BGRA_YVYU),
  C (YUV2RGBA_YUYV),
  C (YUV2BGRA_YUYV),
  C (YUV2RGBA_YUNV),
  C (YUV2BGRA_YUNV),
  C (YUV2GRAY_UYVY),
  C (YUV2GRAY_YUY2),
  C (YUV2GRAY_Y422),
  C (YUV2GRAY_UYNV),
  C (YUV2GRAY_YVYU),
  C (YUV2GRAY_YUYV),
  C (YUV2GRAY_YUNV),
  C (RGBA2mRGBA),
  C (mRGBA2RGBA),
  C (RGB2YUV_I420),
  C (BGR2YUV_I420),
  C (RGB2YUV_IYUV),
  C (BGR2YUV_IYUV),
  C (RGBA2YUV_I420),
  C (BGRA2YUV_I420),
  C (RGBA2YUV_IYUV),
  C (BGRA2YUV_IYUV),
  C (RGB2YUV_YV12),
  C (BGR2YUV_YV12),
  C (RGBA2YUV_YV12),
  C (BGRA2YUV_YV12),
};

/* Hands a result to C: a malloc()ed, tightly packed copy. */
void
copy_out (const cv::Mat &out, CvrefImage *dst)
{
  dst->rows = out.rows;
  dst->cols = out.cols;
  dst->channels = out.channels ();
  dst->data = (uint8_t *) malloc (out.total () * out.elemSize ());
  memcpy (dst->data, out.data, out.total () * out.elemSize ());
}

}  /* namespace */

extern "C" int
cvref_code (const char *name)
{
  for (const Name &n : names)
    if (strcasecmp (n.name, name) == 0)
      return n.code;
  return -1;
}

extern "C" int
cvref_cvt_color (const uint8_t *src, int rows, int cols, int channels,
    int code, CvrefImage *dst)
{
  try {
    cv::Mat in (rows, cols, CV_8UC (channels), (void *) src);
    cv::Mat out;
    cv::cvtColor (in, out, code);
    copy_out (out, dst);
    return 0;
  } catch (const cv::Exception &) {
    return -1;
  }
}

/* The device umatconvert's device=opencl picks: a GPU if any, else the first
 * OpenCL device; bound to this thread. */
static bool
bind_opencl_device ()
{
  static cv::ocl::OpenCLExecutionContext context;
  if (context.empty ()) {
    if (!cv::ocl::haveOpenCL ())
      return false;
    std::vector<cv::ocl::PlatformInfo> platforms;
    cv::ocl::getPlatfomsInfo (platforms);
    cv::ocl::Device pick;
    for (const cv::ocl::PlatformInfo &p : platforms) {
      for (int i = 0; i < p.deviceNumber (); i++) {
        cv::ocl::Device d;
        p.getDevice (d, i);
        if (pick.ptr () == nullptr || (d.type () & cv::ocl::Device::TYPE_GPU))
          pick = d;
      }
    }
    if (pick.ptr () == nullptr)
      return false;
    cv::ocl::Context c = cv::ocl::Context::fromDevice (pick);
    context = cv::ocl::OpenCLExecutionContext::create (c, c.device (0));
  }
  context.bind ();
  return true;
}

extern "C" int
cvref_cvt_color_opencl (const uint8_t *src, int rows, int cols, int channels,
    int code, CvrefImage *dst)
{
  try {
    if (!bind_opencl_device ())
      return -1;
    cv::Mat in (rows, cols, CV_8UC (channels), (void *) src), out;
    cv::UMat uin, uout;
    in.copyTo (uin);
    cv::cvtColor (uin, uout, code);
    uout.copyTo (out);
    copy_out (out, dst);
    return 0;
  } catch (const cv::Exception &) {
    return -1;
  }
}

extern "C" int
cvref_opencl_devices (int *gpus)
{
  int n = 0;
  *gpus = 0;
  try {
    if (!cv::ocl::haveOpenCL ())
      return 0;
    std::vector<cv::ocl::PlatformInfo> platforms;
    cv::ocl::getPlatfomsInfo (platforms);
    for (const cv::ocl::PlatformInfo &p : platforms) {
      for (int i = 0; i < p.deviceNumber (); i++) {
        cv::ocl::Device d;
        p.getDevice (d, i);
        n++;
        if (d.type () & cv::ocl::Device::TYPE_GPU)
          (*gpus)++;
      }
    }
  } catch (const cv::Exception &) {
    return 0;
  }
  return n;
}

extern "C" uint64_t
cvref_opencl_max_alloc (void)
{
  try {
    if (!bind_opencl_device ())
      return 0;
    return cv::ocl::Device::getDefault ().maxMemAllocSize ();
  } catch (const cv::Exception &) {
    return 0;
  }
}
