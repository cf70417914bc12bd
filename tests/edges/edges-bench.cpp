/* edges-bench: milliseconds a 1080p frame for the CPU edges, scalar
 * reference against the SIMD rows, on one thread and on all of them.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   edges-bench [--seconds S] [--size WxH] [--rows LIST] [--only TEXT]
 *               [--cpu-time]
 *
 * LIST: which rows (UMATCV_CPU_EDGES), default scalar,baseline,default.
 * TEXT: run only the cases whose name contains it. Each figure converts 4
 * frames in turn into 2 outputs (as a decoder's pool would hand them over)
 * through umatcv_converter_process(), BT.709 limited range, MPEG-2 chroma
 * siting (what GStreamer negotiates for 1080p H.264), for at least S
 * seconds (default 0.5); it prints the fastest of 5 runs. --cpu-time
 * counts the process's CPU time instead of the clock's (on one thread:
 * what a frame costs when other processes share the cores).
 */
#include "edges-common.hpp"
#include "umatcv-edges-fast.hpp"

#include <opencv2/core/utility.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

using namespace edges;

namespace {

#define L(x) UMATCV_LAYOUT_##x

struct Case {
  const char *name;
  UmatcvLayout in, out;
  const char *chain;
};

const Case cases[] = {
  {"decode I420->BGR", L (I420), L (BGR), nullptr},
  {"decode NV12->BGR", L (NV12), L (BGR), nullptr},
  {"decode NV12->RGBA", L (NV12), L (RGBA), nullptr},
  {"decode NV12->BGRx", L (NV12), L (BGRX), nullptr},
  {"decode NV12->GRAY", L (NV12), L (GRAY), nullptr},
  {"decode P010->BGR", L (P010), L (BGR), nullptr},
  {"decode I420_10->BGR", L (I420_10), L (BGR), nullptr},
  {"encode BGR->I420", L (BGR), L (I420), nullptr},
  {"encode BGR->NV12", L (BGR), L (NV12), nullptr},
  {"encode RGBA->NV12", L (RGBA), L (NV12), nullptr},
  {"encode BGRx->I420", L (BGRX), L (I420), nullptr},
  {"convert I420->NV12", L (I420), L (NV12), nullptr},
  {"convert NV12->I420", L (NV12), L (I420), nullptr},
  {"convert P010->NV12", L (P010), L (NV12), nullptr},
  {"convert P010->I420", L (P010), L (I420), nullptr},
  {"reorder BGR->RGB", L (BGR), L (RGB), nullptr},
  {"reorder xRGB->BGRA", L (XRGB), L (BGRA), nullptr},
  {"cvtColor BGR->GRAY", L (BGR), L (GRAY), nullptr},
  {"chain I420->HSV->RGB", L (I420), L (RGB), "BGR2HSV,HSV2RGB"},
};

bool cpu_time = false;

double
now ()
{
  if (cpu_time) {
    timespec t;
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
  }
  return std::chrono::duration<double> (std::chrono::steady_clock::now ()
      .time_since_epoch ()).count ();
}

/* Fastest milliseconds a frame, or < 0 when the converter refuses. */
double
measure (const Case &c, const char *rows, int w, int h, double seconds)
{
  UmatcvEngine *engine = nullptr;
  UmatcvChain *chain = nullptr;
  UmatcvConverter *converter = nullptr;
  UmatcvConverterSpec spec;
  double result = -1;

  umatcv_converter_spec_init (&spec, c.in, c.out, w, h);
  spec.in_colorimetry.matrix = UMATCV_MATRIX_BT709;
  spec.out_colorimetry.matrix = UMATCV_MATRIX_BT709;
  std::mt19937 rng (1);
  std::vector<std::unique_ptr<Frame>> ins, outs;
  for (int i = 0; i < 4; i++) {
    ins.emplace_back (new Frame (c.in, w, h, 0));
    ins.back ()->fill_random (rng);
  }
  for (int i = 0; i < 2; i++)
    outs.emplace_back (new Frame (c.out, w, h, 0));

  if (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine, nullptr) != UMATCV_OK
      || (c.chain && umatcv_chain_parse (c.chain, &chain, nullptr)
          != UMATCV_OK)
      || converter_with (rows, engine, chain, &spec, &converter, nullptr)
      != UMATCV_OK)
    goto done;

  {
    std::vector<double> runs;
    long n = 0;
    for (int i = 0; i < 4; i++)
      umatcv_converter_process (converter, &ins[i]->image,
          &outs[i % 2]->image, nullptr);
    for (int r = 0; r < 5; r++) {
      double start = now (), elapsed = 0;
      long frames = 0;
      do {
        umatcv_converter_process (converter, &ins[n % 4]->image,
            &outs[n % 2]->image, nullptr);
        n++;
        frames++;
        elapsed = now () - start;
      } while (elapsed < seconds / 5);
      runs.push_back (elapsed * 1e3 / frames);
    }
    result = *std::min_element (runs.begin (), runs.end ());
  }

done:
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  umatcv_engine_free (engine);
  return result;
}

}  /* namespace */

int
main (int argc, char **argv)
{
  double seconds = 0.5;
  int w = 1920, h = 1080;
  std::string rows_list = "scalar,baseline,default", only;
  for (int i = 1; i < argc; i += 2) {
    if (!strcmp (argv[i], "--cpu-time")) {
      cpu_time = true;
      i--;
    } else if (i + 1 == argc) {
      fprintf (stderr, "%s needs a value\n", argv[i]);
      return 2;
    } else if (!strcmp (argv[i], "--seconds")) {
      seconds = atof (argv[i + 1]);
    } else if (!strcmp (argv[i], "--size")) {
      if (sscanf (argv[i + 1], "%dx%d", &w, &h) != 2)
        return 2;
    } else if (!strcmp (argv[i], "--rows")) {
      rows_list = argv[i + 1];
    } else if (!strcmp (argv[i], "--only")) {
      only = argv[i + 1];
    } else {
      fprintf (stderr, "usage: edges-bench [--seconds S] [--size WxH] "
          "[--rows LIST] [--only TEXT] [--cpu-time]\n");
      return 2;
    }
  }

  std::vector<std::string> rows;
  for (size_t a = 0, b; a <= rows_list.size (); a = b + 1) {
    b = rows_list.find (',', a);
    if (b == std::string::npos)
      b = rows_list.size ();
    rows.push_back (rows_list.substr (a, b - a));
  }
  int all = cv::getNumThreads ();
  printf ("%dx%d, ms a frame (%s); threads: 1 and %d\n", w, h,
      cpu_time ? "CPU time" : "wall clock", all);
  printf ("%-24s", "case");
  for (const std::string &r : rows) {
    const char *env = r == "default" ? nullptr : r.c_str ();
    if (env)
      setenv ("UMATCV_CPU_EDGES", env, 1);
    const umatcv::rows::Kernels *k = umatcv::edge_rows_pick ();
    unsetenv ("UMATCV_CPU_EDGES");
    std::string label = k ? k->name : "scalar";
    printf (" %11s 1T %11s %dT", label.c_str (), label.c_str (), all);
  }
  printf ("\n");
  for (const Case &c : cases) {
    if (!only.empty () && std::string (c.name).find (only) == std::string::npos)
      continue;
    printf ("%-24s", c.name);
    for (const std::string &r : rows) {
      const char *env = r == "default" ? nullptr : r.c_str ();
      for (int t : {1, all}) {
        cv::setNumThreads (t);
        double ms = measure (c, env, w, h, seconds);
        printf (" %14.3f", ms);
        fflush (stdout);
      }
    }
    cv::setNumThreads (all);
    printf ("\n");
  }
  return 0;
}
