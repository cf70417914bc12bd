/* edges-exact: the CPU edges with SIMD rows give the scalar reference's
 * bytes.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every pair of video layouts (no chain: decoding, encoding, converting,
 * reordering and OpenCV's byte-moving codes, which run as reorders with
 * SIMD rows), and short chains between some of them, on random frames of
 * odd and even sizes with padded strides, under every colorimetry and
 * chroma siting in turn. Each conversion runs with the scalar reference
 * (UMATCV_CPU_EDGES=scalar), the baseline rows, the AVX2 rows and the
 * default rows (AVX-512 where the CPU has it; a build the CPU lacks runs
 * the one below it); their outputs must be equal byte for byte,
 * and the bytes past the end of each row untouched. Large frames run
 * again on one thread and on all of them; conversions between R'G'B'
 * orders of one pixel size again in place. The rows' copy of OpenCV's
 * BGR2HSV and RGB2HSV runs on every colour against cvtColor.
 *
 *   edges-exact [--quick]
 *
 * --quick: 4 colorimetries a pair instead of 16, one run of each large
 * frame, no colour cube (for valgrind).
 */
#include "edges-common.hpp"
#include "umatcv-edges-fast.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>

using namespace edges;

namespace {

const uint8_t untouched = 0xa5;
const char allocated[] = "allocated memory for a frame";

const int sizes[][2] = {
  {1, 1}, {2, 2}, {3, 5}, {7, 3}, {16, 4}, {17, 9}, {31, 2}, {33, 7},
  {64, 6}, {65, 5}, {97, 3}, {130, 11}, {191, 4}, {257, 19},
};

const UmatcvMatrix matrices[] = {UMATCV_MATRIX_BT601, UMATCV_MATRIX_BT709,
  UMATCV_MATRIX_BT2020};

struct Stats {
  long conversions = 0, skipped = 0, failures = 0;
};

std::string
describe (UmatcvLayout in, UmatcvLayout out, const char *chain, int w, int h,
    const UmatcvConverterSpec &spec)
{
  char text[256];
  snprintf (text, sizeof (text), "%s -> %s%s%s %dx%d (matrix %d/%d range "
      "%d/%d siting %u/%u)", umatcv_layout_name (in), umatcv_layout_name (out),
      chain ? " chain " : "", chain ? chain : "", w, h,
      spec.in_colorimetry.matrix, spec.out_colorimetry.matrix,
      spec.in_colorimetry.range, spec.out_colorimetry.range,
      spec.in_colorimetry.chroma_site, spec.out_colorimetry.chroma_site);
  return text;
}

/* Converts `in` with the rows `rows` names into `out` (filled with
 * `untouched` first), twice; false when the converter refuses, or
 * allocates for the second frame. */
bool
convert (const char *rows, UmatcvEngine *engine, const UmatcvChain *chain,
    const UmatcvConverterSpec &spec, const Frame &in, Frame &out,
    std::string &error)
{
  UmatcvConverter *converter = nullptr;
  char *message = nullptr;
  out.fill (untouched);
  UmatcvStatus status = converter_with (rows, engine, chain, &spec,
      &converter, &message);
  if (status == UMATCV_OK)
    status = umatcv_converter_process (converter, &in.image, &out.image,
        &message);
  uint64_t made = umatcv_converter_allocations (converter);
  if (status == UMATCV_OK)
    status = umatcv_converter_process (converter, &in.image, &out.image,
        &message);
  if (status == UMATCV_OK && umatcv_converter_allocations (converter) != made) {
    error = allocated;
    umatcv_converter_free (converter);
    return false;
  }
  umatcv_converter_free (converter);
  if (status != UMATCV_OK) {
    error = std::string (umatcv_status_name (status)) + ": "
        + (message ? message : "");
    umatcv_free (message);
    return false;
  }
  return true;
}

/* The first difference between two outputs, or in the padding of `b`. */
bool
same_bytes (const Frame &a, const Frame &b, std::string &where)
{
  char text[160];
  for (int p = 0; p < a.n_planes; p++) {
    for (int y = 0; y < a.rows[p]; y++) {
      const uint8_t *ra = a.image.planes[p] + a.image.strides[p] * y;
      const uint8_t *rb = b.image.planes[p] + b.image.strides[p] * y;
      for (size_t x = 0; x < a.row_bytes[p]; x++) {
        if (ra[x] != rb[x]) {
          snprintf (text, sizeof (text), "plane %d row %d byte %zu: "
              "reference %u, got %u", p, y, x, ra[x], rb[x]);
          where = text;
          return false;
        }
      }
      for (size_t x = b.row_bytes[p]; x < b.image.strides[p]; x++) {
        if (rb[x] != untouched) {
          snprintf (text, sizeof (text), "plane %d row %d: wrote byte %zu "
              "of the padding", p, y, x);
          where = text;
          return false;
        }
      }
    }
  }
  return true;
}

/* One conversion, reference against each build of the rows. */
void
check (UmatcvEngine *engine, UmatcvLayout in, UmatcvLayout out,
    const char *chain_text, int w, int h, const UmatcvConverterSpec &spec,
    int pad, std::mt19937 &rng, Stats &stats, int ref_threads = 0)
{
  UmatcvChain *chain = nullptr;
  if (chain_text && umatcv_chain_parse (chain_text, &chain, nullptr)
      != UMATCV_OK) {
    fprintf (stderr, "bad chain %s\n", chain_text);
    stats.failures++;
    return;
  }
  Frame src (in, w, h, pad), ref (out, w, h, pad + 3), got (out, w, h, pad);
  src.fill_random (rng);
  std::string error, where;
  int threads = cv::getNumThreads ();
  if (ref_threads > 0)
    cv::setNumThreads (ref_threads);
  bool made = convert ("scalar", engine, chain, spec, src, ref, error);
  cv::setNumThreads (threads);
  if (!made && error == allocated) {
    fprintf (stderr, "FAIL %s [scalar]: %s\n", describe (in, out, chain_text,
            w, h, spec).c_str (), error.c_str ());
    stats.failures++;
    umatcv_chain_free (chain);
    return;
  }
  if (!made) {
    /* no route, or a size the chain's OpenCV codes cannot take */
    stats.skipped++;
    umatcv_chain_free (chain);
    return;
  }
  const char *builds[] = {"baseline", "avx2", nullptr};
  for (const char *rows : builds) {
    stats.conversions++;
    if (!convert (rows, engine, chain, spec, src, got, error)) {
      fprintf (stderr, "FAIL %s [%s]: %s\n", describe (in, out, chain_text,
              w, h, spec).c_str (), rows ? rows : "default", error.c_str ());
      stats.failures++;
    } else if (!same_bytes (ref, got, where)) {
      fprintf (stderr, "FAIL %s [%s]: %s\n", describe (in, out, chain_text,
              w, h, spec).c_str (), rows ? rows : "default", where.c_str ());
      stats.failures++;
    }
  }
  umatcv_chain_free (chain);
}

/* `in` to `out` (R'G'B' orders of one pixel size) in the input's own
 * memory with the default rows, against the reference out of place. */
void
check_in_place (UmatcvEngine *engine, UmatcvLayout in, UmatcvLayout out,
    int w, int h, std::mt19937 &rng, Stats &stats)
{
  UmatcvConverterSpec spec;
  umatcv_converter_spec_init (&spec, in, out, w, h);
  Frame src (in, w, h, 5), ref (out, w, h, 5), same (in, w, h, 5);
  src.fill_random (rng);
  std::string error, where;
  if (!convert ("scalar", engine, nullptr, spec, src, ref, error)) {
    stats.skipped++;
    return;
  }
  /* the input's bytes, converted where they are */
  memcpy (same.image.planes[0], src.image.planes[0], src.planes[0].size ());
  UmatcvImage as_out = same.image;
  as_out.layout = out;
  UmatcvConverter *converter = nullptr;
  UmatcvStatus status = converter_with (nullptr, engine, nullptr, &spec,
      &converter, nullptr);
  if (status == UMATCV_OK)
    status = umatcv_converter_process (converter, &same.image, &as_out,
        nullptr);
  umatcv_converter_free (converter);
  stats.conversions++;
  /* the padding is the input's: compare the rows only */
  for (int y = 0; y < h && status == UMATCV_OK; y++) {
    if (memcmp (ref.image.planes[0] + ref.image.strides[0] * y,
            as_out.planes[0] + as_out.strides[0] * y,
            ref.row_bytes[0]) != 0) {
      where = "row " + std::to_string (y);
      break;
    }
  }
  if (status != UMATCV_OK || !where.empty ()) {
    fprintf (stderr, "FAIL %s -> %s %dx%d in place: %s\n",
        umatcv_layout_name (in), umatcv_layout_name (out), w, h,
        status != UMATCV_OK ? umatcv_status_name (status) : where.c_str ());
    stats.failures++;
  }
}

UmatcvConverterSpec
spec_for (UmatcvLayout in, UmatcvLayout out, int w, int h, int variant)
{
  UmatcvConverterSpec spec;
  umatcv_converter_spec_init (&spec, in, out, w, h);
  spec.in_colorimetry.matrix = matrices[variant % 3];
  spec.in_colorimetry.range = (UmatcvRange) ((variant / 3) % 2);
  spec.in_colorimetry.chroma_site = (unsigned) variant % 4;
  spec.out_colorimetry.matrix = matrices[(variant + 1) % 3];
  spec.out_colorimetry.range = (UmatcvRange) ((variant / 2) % 2);
  spec.out_colorimetry.chroma_site = (unsigned) (variant / 4) % 4;
  return spec;
}

const umatcv::rows::Kernels *
rows_for (const char *env)
{
  if (env)
    setenv ("UMATCV_CPU_EDGES", env, 1);
  const umatcv::rows::Kernels *k = umatcv::edge_rows_pick ();
  unsetenv ("UMATCV_CPU_EDGES");
  return k;
}

/* Every colour through each build's HSV row, in rows of a multiple of
 * every vector width and in rows that end in scalar code, against
 * OpenCV's cvtColor. */
void
check_hsv (Stats &stats)
{
  const int n = 1 << 24;
  cv::Mat cube (4096, 4096, CV_8UC3), got (4096, 4096, CV_8UC3);
  for (int i = 0; i < n; i++) {
    cube.data[3 * i] = (uint8_t) i;
    cube.data[3 * i + 1] = (uint8_t) (i >> 8);
    cube.data[3 * i + 2] = (uint8_t) (i >> 16);
  }
  const struct {
    int code;
    umatcv::rows::Order order;
    const char *name;
  } codes[] = {
    {cv::COLOR_BGR2HSV, umatcv::rows::ORDER_BGR, "BGR2HSV"},
    {cv::COLOR_RGB2HSV, umatcv::rows::ORDER_RGB, "RGB2HSV"},
  };
  for (const auto &c : codes) {
    cv::Mat ref;
    cv::cvtColor (cube, ref, c.code);
    for (const char *env : {"baseline", "avx2", (const char *) nullptr}) {
      const umatcv::rows::Kernels *k = rows_for (env);
      if (k == nullptr || k->hsv == nullptr)
        continue;
      for (int width : {4096, 4091}) {
        got.setTo (cv::Scalar::all (untouched));
        for (int o = 0; o < n; o += width)
          k->hsv (cube.data + 3 * (size_t) o, nullptr, c.order,
              got.data + 3 * (size_t) o, std::min (width, n - o));
        stats.conversions++;
        for (int i = 0; i < 3 * n; i++) {
          if (got.data[i] != ref.data[i]) {
            fprintf (stderr, "FAIL %s [%s] rows of %d: colour %06x gives "
                "%u in byte %d, cvtColor %u\n", c.name, k->name, width,
                i / 3, got.data[i], i % 3, ref.data[i]);
            stats.failures++;
            break;
          }
        }
      }
    }
  }
}

}  /* namespace */

int
main (int argc, char **argv)
{
  bool quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  UmatcvEngine *engine = nullptr;
  char *error = nullptr;
  if (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine, &error) != UMATCV_OK) {
    fprintf (stderr, "no CPU engine: %s\n", error ? error : "");
    return 1;
  }
  const auto rows_name = [] (const char *env) {
    const umatcv::rows::Kernels *k = rows_for (env);
    return k ? k->name : "scalar";
  };
  printf ("rows: default %s, avx2 %s, baseline %s, scalar %s\n",
      rows_name (nullptr), rows_name ("avx2"), rows_name ("baseline"),
      rows_name ("scalar"));
  if (strcmp (rows_name ("scalar"), "scalar") != 0
      || strcmp (rows_name ("baseline"), "scalar") == 0) {
    fprintf (stderr, "UMATCV_CPU_EDGES does not pick the rows\n");
    return 1;
  }

  std::mt19937 rng (20261130);
  std::vector<UmatcvLayout> layouts = video_layouts ();
  const int n_sizes = sizeof (sizes) / sizeof (sizes[0]);
  const int variants = quick ? 4 : 16;
  Stats stats;

  /* every pair, no chain */
  int pair = 0;
  for (UmatcvLayout in : layouts) {
    for (UmatcvLayout out : layouts) {
      if (in == out || umatcv_layout_info (out)->input_only)
        continue;
      for (int v = 0; v < variants; v++) {
        const int *size = sizes[(pair + v) % n_sizes];
        check (engine, in, out, nullptr, size[0], size[1],
            spec_for (in, out, size[0], size[1], v + pair), 1 + (v * 7) % 29,
            rng, stats);
      }
      pair++;
    }
  }

  /* in place, where a frame of one order can become another */
  for (UmatcvLayout in : layouts) {
    for (UmatcvLayout out : layouts) {
      const UmatcvLayoutInfo *a = umatcv_layout_info (in);
      const UmatcvLayoutInfo *b = umatcv_layout_info (out);
      if (in == out || a->family != UMATCV_FAMILY_RGB
          || b->family != UMATCV_FAMILY_RGB
          || a->pixel_size != b->pixel_size)
        continue;
      for (int v = 0; v < 3; v++) {
        const int *size = sizes[(pair + v) % n_sizes];
        check_in_place (engine, in, out, size[0], size[1], rng, stats);
      }
      pair++;
    }
  }

  /* chains whose ends are edges, byte-moving codes in the middle */
  const char *chains[] = {"BGR2HSV,HSV2RGB", "BGR2RGB", "RGB2BGR",
    "BGRA2RGBA", "BGR2BGRA", "BGRA2BGR", "RGB2RGBA,RGBA2BGR", "BGR2GRAY",
    "GRAY2BGR"};
  const UmatcvLayout ends[] = {UMATCV_LAYOUT_I420, UMATCV_LAYOUT_NV12,
    UMATCV_LAYOUT_P010, UMATCV_LAYOUT_BGR, UMATCV_LAYOUT_RGBA,
    UMATCV_LAYOUT_BGRX, UMATCV_LAYOUT_XRGB, UMATCV_LAYOUT_GRAY};
  for (const char *chain : chains) {
    for (UmatcvLayout in : ends) {
      for (UmatcvLayout out : ends) {
        const int *size = sizes[pair % n_sizes];
        check (engine, in, out, chain, size[0], size[1],
            spec_for (in, out, size[0], size[1], pair), 4, rng, stats);
        pair++;
      }
    }
  }

  /* frames of many blocks: the reference on one thread, the rows on all
   * of them, and the other way round */
  const struct {
    UmatcvLayout in, out;
    const char *chain;
  } big[] = {
    {UMATCV_LAYOUT_I420, UMATCV_LAYOUT_BGR, nullptr},
    {UMATCV_LAYOUT_NV12, UMATCV_LAYOUT_RGBA, nullptr},
    {UMATCV_LAYOUT_P010, UMATCV_LAYOUT_BGR, nullptr},
    {UMATCV_LAYOUT_BGR, UMATCV_LAYOUT_I420, nullptr},
    {UMATCV_LAYOUT_BGRX, UMATCV_LAYOUT_NV12, nullptr},
    {UMATCV_LAYOUT_P010, UMATCV_LAYOUT_NV12, nullptr},
    {UMATCV_LAYOUT_I420, UMATCV_LAYOUT_NV12, nullptr},
    {UMATCV_LAYOUT_BGR, UMATCV_LAYOUT_RGB, nullptr},
    {UMATCV_LAYOUT_I420, UMATCV_LAYOUT_RGB, "BGR2HSV,HSV2RGB"},
    {UMATCV_LAYOUT_NV12, UMATCV_LAYOUT_I420, "BGR2HSV,HSV2BGR"},
  };
  const int big_sizes[][2] = {{301, 613}, {640, 360}, {1921, 135}};
  int threads = cv::getNumThreads ();
  for (int t : {threads, 1}) {
    cv::setNumThreads (t);
    for (const auto &b : big) {
      for (const auto &size : big_sizes) {
        for (int v = 0; v < (quick ? 1 : 4); v++) {
          check (engine, b.in, b.out, b.chain, size[0], size[1],
              spec_for (b.in, b.out, size[0], size[1], 5 * v + 1), 12, rng,
              stats, t == 1 ? threads : 1);
        }
      }
    }
  }
  cv::setNumThreads (threads);

  if (!quick)
    check_hsv (stats);

  printf ("%ld conversions compared with the reference, %ld failed; %ld "
      "without a route\n", stats.conversions, stats.failures, stats.skipped);
  umatcv_engine_free (engine);
  return stats.failures == 0 && stats.conversions > 0 ? 0 : 1;
}
