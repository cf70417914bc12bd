/* umatcv test hook: an OpenCL failure on demand, for the fault tests.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With UMATCV_TEST_OPENCL_FAIL_AFTER=N in the environment, every OpenCL
 * converter fails each frame after its N-th with the exception a lost device
 * gives (cv::Error::OpenCLApiCallError), as a GPU reset or a driver crash
 * would in the middle of a stream. Without the variable it costs one getenv()
 * per OpenCL frame. tests/check/elements/umatconvert-faults.c uses it.
 */
#include "umatcv-private.hpp"

#include <cstdlib>

void
umatcv::testhook_opencl_frame (uint64_t frame)
{
  const char *after = getenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");
  if (after != nullptr && frame >= strtoull (after, nullptr, 10))
    CV_Error (cv::Error::OpenCLApiCallError,
        "UMATCV_TEST_OPENCL_FAIL_AFTER: simulated OpenCL failure");
}
