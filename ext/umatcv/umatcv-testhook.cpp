/* umatcv test hook: an OpenCL failure on demand, for the fault tests.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With UMATCV_TEST_OPENCL_FAIL_AFTER=N in the environment of the process,
 * every OpenCL converter fails each frame after its N-th with the exception
 * a lost device gives (cv::Error::OpenCLApiCallError), as a GPU reset or a
 * driver crash would in the middle of a stream. With
 * UMATCV_TEST_OPENCL_HOLD=1, a wait() that does not block never finds an
 * OpenCL frame finished, as with a device slower than the stream: frames
 * stay in flight until the element must wait for one, whatever the pace of
 * the machine running the tests. A converter reads the variables when it
 * is made (so that tests run one after the other in a process each get
 * their own); after that each hook is one comparison.
 * tests/check/elements/umatconvert-faults.c uses them.
 */
#include "umatcv-private.hpp"

#include <cstdlib>
#include <cstring>

umatcv::TestHooks
umatcv::testhooks_from_environment ()
{
  const char *after = getenv ("UMATCV_TEST_OPENCL_FAIL_AFTER");
  const char *hold = getenv ("UMATCV_TEST_OPENCL_HOLD");
  return {after != nullptr ? strtoull (after, nullptr, 10) : UINT64_MAX,
    hold != nullptr && strcmp (hold, "1") == 0};
}

void
umatcv::testhook_opencl_frame (const TestHooks &hooks, uint64_t frame)
{
  if (frame >= hooks.fail_after)
    CV_Error (cv::Error::OpenCLApiCallError,
        "UMATCV_TEST_OPENCL_FAIL_AFTER: simulated OpenCL failure");
}
