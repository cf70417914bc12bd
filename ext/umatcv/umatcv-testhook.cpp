/* umatcv test hook: an OpenCL failure on demand, for the fault tests.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With UMATCV_TEST_OPENCL_FAIL_AFTER=N in the environment of the process,
 * every OpenCL converter fails each frame after its N-th with the exception
 * a lost device gives (cv::Error::OpenCLApiCallError), as a GPU reset or a
 * driver crash would in the middle of a stream. The variable is read once,
 * the first time an OpenCL frame is converted; after that the hook is one
 * comparison. tests/check/elements/umatconvert-faults.c uses it.
 */
#include "umatcv-private.hpp"

#include <cstdlib>

namespace {

uint64_t
fail_after ()
{
  const char *after = getenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");
  return after != nullptr ? strtoull (after, nullptr, 10) : UINT64_MAX;
}

}  /* namespace */

void
umatcv::testhook_opencl_frame (uint64_t frame)
{
  static const uint64_t after = fail_after ();
  if (frame >= after)
    CV_Error (cv::Error::OpenCLApiCallError,
        "UMATCV_TEST_OPENCL_FAIL_AFTER: simulated OpenCL failure");
}
