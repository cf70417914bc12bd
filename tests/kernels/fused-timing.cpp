/* fused-timing: OpenCV's kernels step by step against one fused kernel.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   fused-timing [--size WxH] [--runs N] [CHAIN...]
 *
 * For each chain (cvtColor names, comma separated; the first step's name
 * gives the input layout), on UMats of the given size (1920x1080 by
 * default) on the OpenCL device umatconvert's device=opencl picks: the
 * median time of N runs (default 100) of the chain as OpenCV's cvtColor
 * calls, then of the fused kernel, each run bounded by clFinish, after 5
 * warm-up runs; and the largest difference of the fused result from the
 * step-by-step one and from OpenCV's CPU cvtColor chain. Only
 * device time: no upload or download. Prints a table (a chain with a step
 * the generator does not cover shows "not fused"); exits 1 when a chain
 * does not parse.
 */
#include "umatcv-fused.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

using namespace umatcv;

namespace {

const char *const default_chains[] = {
  "BGR2RGB",
  "BGR2HSV,HSV2BGR",
  "BGR2HSV_FULL,HSV2BGR_FULL",
  "BGR2HLS,HLS2BGR",
  "BGR2YCrCb,YCrCb2BGR",
  "BGR2XYZ,XYZ2BGR",
  "BGR2Lab,Lab2BGR",            /* Lab2BGR is not covered: not fused */
  "BGR2GRAY,GRAY2BGR",
  "BGR2HSV,HSV2BGR,BGR2GRAY",
  "YUV2BGR_I420",
  "YUV2BGR_NV12",
  "YUV2BGRA_YUY2",
  "BGR2YUV_I420",
  "YUV2BGR_I420,BGR2HSV,HSV2BGR,BGR2YUV_I420",
};

double
median_ms (int runs, const std::function<void ()> &body)
{
  for (int i = 0; i < 5; i++)
    body ();
  cv::ocl::finish ();
  std::vector<double> t;
  for (int i = 0; i < runs; i++) {
    auto a = std::chrono::steady_clock::now ();
    body ();
    cv::ocl::finish ();
    auto b = std::chrono::steady_clock::now ();
    t.push_back (std::chrono::duration<double, std::milli> (b - a).count ());
  }
  std::sort (t.begin (), t.end ());
  return t[t.size () / 2];
}

UmatcvLayout
first_input (const UmatcvChain *chain)
{
  uint32_t mask = umatcv_chain_input_layouts (chain);
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++)
    if (mask & UMATCV_LAYOUT_BIT (l))
      return (UmatcvLayout) l;
  return UMATCV_LAYOUT_NONE;
}

}  /* namespace */

int
main (int argc, char **argv)
{
  int width = 1920, height = 1080, runs = 100;
  std::vector<const char *> chains;
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--size") == 0 && i + 1 < argc)
      sscanf (argv[++i], "%dx%d", &width, &height);
    else if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
      runs = atoi (argv[++i]);
    else
      chains.push_back (argv[i]);
  }
  if (chains.empty ())
    chains.assign (std::begin (default_chains), std::end (default_chains));

  char *error = nullptr;
  UmatcvEngine *engine = nullptr;
  if (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine, &error) != UMATCV_OK) {
    fprintf (stderr, "no OpenCL device: %s\n", error);
    umatcv_free (error);
    return 77;
  }
  int failures = 0;
  {
    cv::ocl::OpenCLExecutionContextScope scope (engine->context);
    printf ("device: %s\n", umatcv_engine_backend (engine));
    printf ("size: %dx%d, median of %d runs, clFinish after each, "
        "5 warm-up runs\n\n", width, height, runs);
    printf ("| chain | OpenCV step by step (ms) | fused (ms) | speed-up | "
        "max diff. from OpenCV OpenCL | max diff. from CPU |\n"
        "|---|---:|---:|---:|---:|---:|\n");
    cv::RNG rng (1);
    for (const char *text : chains) {
      UmatcvChain *chain = nullptr;
      if (umatcv_chain_parse (text, &chain, &error) != UMATCV_OK
          || umatcv_chain_check (chain, &error) != UMATCV_OK) {
        fprintf (stderr, "%s: %s\n", text, error);
        umatcv_free (error);
        error = nullptr;
        umatcv_chain_free (chain);
        failures++;
        continue;
      }
      const std::vector<Op> &ops = chain->ops;
      UmatcvLayout in = first_input (chain), out = ops.back ().output;
      cv::Mat host (layout_mat_size (in, width, height), layout_mat_type (in));
      rng.fill (host, cv::RNG::UNIFORM, 0, 256);
      cv::UMat src = host.getUMat (cv::ACCESS_READ).clone ();
      std::vector<cv::UMat> steps (ops.size ());
      for (size_t i = 0; i < ops.size (); i++)
        steps[i].create (layout_mat_size (ops[i].output, width, height),
            layout_mat_type (ops[i].output));
      cv::UMat fused_out (layout_mat_size (out, width, height),
          layout_mat_type (out));

      double per_step = median_ms (runs, [&] () {
        const cv::UMat *s = &src;
        for (size_t i = 0; i < ops.size (); i++) {
          cv::cvtColor (*s, steps[i], ops[i].code);
          s = &steps[i];
        }
      });
      YuvCoefficients bt601 = yuv_coefficients (UMATCV_MATRIX_BT601,
          UMATCV_RANGE_LIMITED);
      std::unique_ptr<FusedKernel> fused = FusedKernel::build (ops, in, out,
          width, height, bt601, bt601);
      if (!fused) {
        printf ("| %s | %.3f | (not fused) | | |\n", text, per_step);
        umatcv_chain_free (chain);
        continue;
      }
      double one_pass = median_ms (runs, [&] () {
        fused->run (src, fused_out);
      });
      double diff = cv::norm (steps.back (), fused_out, cv::NORM_INF);
      cv::Mat cpu = host, next;
      for (const Op &op : ops) {
        cv::cvtColor (cpu, next, op.code);
        cpu = next;
      }
      double cpu_diff = cv::norm (cpu, fused_out.getMat (cv::ACCESS_READ),
          cv::NORM_INF);
      printf ("| %s | %.3f | %.3f | %.1fx | %g | %g |\n", text, per_step,
          one_pass, per_step / one_pass, diff, cpu_diff);
      fflush (stdout);
      umatcv_chain_free (chain);
    }
  }
  umatcv_engine_free (engine);
  return failures ? 1 : 0;
}
