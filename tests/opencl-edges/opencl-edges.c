/* opencl-edges: every conversion on OpenCL against the CPU engine, byte
 * for byte.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CPU engine runs the edges of a chain (decoding, encoding, converting
 * Y'CbCr, reordering) with the scalar reference (umatcv-edges.cpp) and the
 * codes with OpenCV's CPU cvtColor; the OpenCL engine with generated
 * kernels (umatcv-fused.cpp) and OpenCV's kernels. Both must give the same
 * bytes for:
 *
 *  - auto mode (no chain) between every pair of video layouts at an odd
 *    size, and each Y'CbCr layout decoded, encoded and converted at an
 *    even one; the colorimetry (BT.601/709/2020, limited/full range, the
 *    four chroma sitings) changes from pair to pair, both ends
 *    differently;
 *  - a few chains (BGR2HSV,HSV2BGR; BGR2GRAY; BGR2Lab,Lab2BGR, which does
 *    not fuse: Lab2BGR is OpenCV's kernel between generated edges, and may
 *    round otherwise than its CPU code: within 3 there) between pairs of
 *    layouts, fused and not;
 *  - OpenCV's own YUV codes with a colorimetry OpenCV has no code for, and
 *    a frame converted in place.
 *
 * Frames are random (10-bit samples within 10 bits) with padded strides;
 * the padding of an output frame must come back untouched. Where the
 * composed chain should be one kernel, the converter must say it is fused.
 *
 * Environment: UMAT_TEST_DEVICE=cpu skips; without an OpenCL device the
 * program skips (exit 77) unless UMAT_REQUIRE_OPENCL=1, when it fails.
 * UMATCV_OVERLAP_STRIPES=N runs every frame in stripes (the meson test
 * 'opencl-edges (stripes)'). UMAT_TEST_VERBOSE=1 prints every case.
 */
#include "umatcv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define L(x) UMATCV_LAYOUT_##x
#define PADDING 0xa5
#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

static int failures, cases;
static int verbose;
/* the largest difference seen where one is allowed */
static int tolerated;
static unsigned seed = 1;

static double
seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static unsigned
next_random (void)
{
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}

static void
fail (const char *format, ...)
{
  va_list args;
  failures++;
  if (failures > 40)
    return;
  va_start (args, format);
  fputs ("FAIL: ", stdout);
  vprintf (format, args);
  fputs ("\n", stdout);
  va_end (args);
}

/* A frame with padded rows, in one block of memory. */
typedef struct
{
  UmatcvImage image;
  uint8_t *memory;
  size_t row_bytes[3];
  int rows[3];
  int n_planes;
} Frame;

static void
frame_init (Frame * f, UmatcvLayout layout, int width, int height)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (layout);
  int cw = (width + (1 << info->chroma_x_shift) - 1) >> info->chroma_x_shift;
  int ch = (height + (1 << info->chroma_y_shift) - 1) >> info->chroma_y_shift;
  int sb = info->depth > 8 ? 2 : 1;
  size_t total = 0, offset = 0;
  int p;

  memset (f, 0, sizeof (*f));
  f->image.layout = layout;
  f->image.width = width;
  f->image.height = height;
  f->n_planes = info->n_planes;
  f->rows[0] = height;
  if (info->n_planes == 1) {
    f->row_bytes[0] = info->family == UMATCV_FAMILY_YUV ? (size_t) 4 * cw
        : (size_t) width * info->pixel_size;
  } else {
    f->row_bytes[0] = (size_t) width * sb;
    f->row_bytes[1] = (size_t) cw * sb * (info->n_planes == 2 ? 2 : 1);
    f->row_bytes[2] = info->n_planes == 3 ? f->row_bytes[1] : 0;
    f->rows[1] = f->rows[2] = ch;
  }
  /* padding of a different odd size on each plane */
  for (p = 0; p < f->n_planes; p++) {
    f->image.strides[p] = f->row_bytes[p] + 5 + 2 * p;
    total += f->image.strides[p] * f->rows[p];
  }
  f->memory = malloc (total);
  if (f->memory == NULL)
    abort ();
  memset (f->memory, PADDING, total);
  for (p = 0; p < f->n_planes; p++) {
    f->image.planes[p] = f->memory + offset;
    offset += f->image.strides[p] * f->rows[p];
  }
}

/* Random samples: bytes, or 10-bit values where the layout keeps them. */
static void
frame_fill (Frame * f)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (f->image.layout);
  int shift = f->image.layout == L (P010) ? 6 : 0;
  int p, y;
  size_t x;

  for (p = 0; p < f->n_planes; p++) {
    for (y = 0; y < f->rows[p]; y++) {
      uint8_t *row = f->image.planes[p] + y * f->image.strides[p];
      if (info->depth == 8) {
        for (x = 0; x < f->row_bytes[p]; x++)
          row[x] = next_random () & 255;
        continue;
      }
      for (x = 0; x < f->row_bytes[p]; x += 2) {
        unsigned v = (next_random () & 1023) << shift;
        row[x] = v & 255;
        row[x + 1] = v >> 8;
      }
    }
  }
}

/* Whether two frames hold the same samples (bytes within `tolerance`);
 * then whether `b`'s padding is untouched. Reports the first difference. */
static int
frames_equal (const Frame * a, const Frame * b, int tolerance,
    const char *what)
{
  int p, y;
  size_t x;

  for (p = 0; p < a->n_planes; p++) {
    for (y = 0; y < a->rows[p]; y++) {
      const uint8_t *ra = a->image.planes[p] + y * a->image.strides[p];
      const uint8_t *rb = b->image.planes[p] + y * b->image.strides[p];
      for (x = 0; x < a->row_bytes[p]; x++) {
        int d = abs (ra[x] - rb[x]);
        if (d > tolerated && d <= tolerance)
          tolerated = d;
        if (d > tolerance) {
          fail ("%s: plane %d row %d byte %zu: CPU %d, OpenCL %d", what, p,
              y, x, ra[x], rb[x]);
          return 0;
        }
      }
      for (x = b->row_bytes[p]; x < b->image.strides[p]; x++) {
        if (rb[x] != PADDING) {
          fail ("%s: plane %d row %d: OpenCL wrote padding byte %zu", what,
              p, y, x);
          return 0;
        }
      }
    }
  }
  return 1;
}

static UmatcvEngine *cpu, *opencl;

/* The colorimetry of case number i: every matrix, range and siting turns
 * up, at each end differently. */
static void
colorimetry_for (unsigned i, UmatcvConverterSpec * spec)
{
  spec->in_colorimetry.matrix = (UmatcvMatrix) (i % 3);
  spec->in_colorimetry.range = (UmatcvRange) (i / 3 % 2);
  spec->in_colorimetry.chroma_site = i / 6 % 4;
  spec->out_colorimetry.matrix = (UmatcvMatrix) ((i + 1) % 3);
  spec->out_colorimetry.range = (UmatcvRange) ((i / 3 + 1) % 2);
  spec->out_colorimetry.chroma_site = (i / 6 + i / 24 + 1) % 4;
}

/* Converts one random frame with both engines and compares, exactly or
 * within `tolerance`. expect_fused: 1 or 0 when the converter must say so,
 * -1 when either will do. */
static void
check_case_within (const char *chain_text, UmatcvLayout in, UmatcvLayout out,
    int width, int height, unsigned colour, int fuse, int in_place,
    int expect_fused, int tolerance)
{
  UmatcvChain *chain = NULL;
  UmatcvConverterSpec spec;
  UmatcvConverter *reference = NULL, *converter = NULL;
  UmatcvStatus status;
  char *error = NULL, what[200];
  Frame src, want, got;

  snprintf (what, sizeof (what), "%s -> [%s] -> %s %dx%d colour %u%s%s",
      umatcv_layout_name (in), chain_text ? chain_text : "auto",
      umatcv_layout_name (out), width, height, colour,
      fuse ? "" : " unfused", in_place ? " in place" : "");
  if (verbose)
    printf ("%s\n", what);
  if (chain_text && umatcv_chain_parse (chain_text, &chain, &error)) {
    fail ("%s: %s", what, error);
    umatcv_free (error);
    return;
  }
  umatcv_converter_spec_init (&spec, in, out, width, height);
  colorimetry_for (colour, &spec);
  spec.fuse = fuse;
  status = umatcv_converter_new (cpu, chain, &spec, &reference, &error);
  if (status != UMATCV_OK) {
    fail ("%s: CPU converter: %s", what, error);
    umatcv_free (error);
    umatcv_chain_free (chain);
    return;
  }
  status = umatcv_converter_new (opencl, chain, &spec, &converter, &error);
  umatcv_chain_free (chain);
  if (status != UMATCV_OK) {
    fail ("%s: OpenCL converter: %s: %s", what, umatcv_status_name (status),
        error);
    umatcv_free (error);
    umatcv_converter_free (reference);
    return;
  }
  cases++;
  if (expect_fused >= 0
      && umatcv_converter_is_fused (converter) != expect_fused)
    fail ("%s: fused is %d, not %d", what,
        umatcv_converter_is_fused (converter), expect_fused);

  frame_init (&src, in, width, height);
  frame_fill (&src);
  frame_init (&want, out, width, height);
  frame_init (&got, out, width, height);
  if (umatcv_converter_process (reference, &src.image, &want.image, &error)) {
    fail ("%s: CPU: %s", what, error);
    umatcv_free (error);
  } else if (in_place) {
    /* the input's memory gets the output (the layouts are alike) */
    UmatcvImage same = src.image;
    same.layout = out;
    if (umatcv_converter_process (converter, &src.image, &same, &error)) {
      fail ("%s: OpenCL: %s", what, error);
      umatcv_free (error);
    } else {
      frames_equal (&want, &src, tolerance, what);
    }
  } else if (umatcv_converter_process (converter, &src.image, &got.image,
          &error)) {
    fail ("%s: OpenCL: %s", what, error);
    umatcv_free (error);
  } else {
    frames_equal (&want, &got, tolerance, what);
  }
  free (src.memory);
  free (want.memory);
  free (got.memory);
  umatcv_converter_free (reference);
  umatcv_converter_free (converter);
}

static void
check_case (const char *chain_text, UmatcvLayout in, UmatcvLayout out,
    int width, int height, unsigned colour, int fuse, int in_place,
    int expect_fused)
{
  check_case_within (chain_text, in, out, width, height, colour, fuse,
      in_place, expect_fused, 0);
}

static int
is_video (UmatcvLayout l)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (l);
  return info && info->video_format;
}

/* Auto mode between every pair of video layouts (the same one at both
 * ends is no conversion). Every composed chain of auto mode is one
 * kernel, but an empty one. */
static void
check_auto (int width, int height)
{
  unsigned i = 0;
  int a, b;

  for (a = 1; a < UMATCV_N_LAYOUTS; a++) {
    for (b = 1; b < UMATCV_N_LAYOUTS; b++) {
      UmatcvChain *route = NULL;
      char *error = NULL;
      size_t steps;
      if (a == b || !is_video (a) || !is_video (b))
        continue;
      if (umatcv_chain_route (a, b, &route, &error) != UMATCV_OK) {
        umatcv_free (error);   /* no route: nothing to compare */
        continue;
      }
      steps = umatcv_chain_length (route);
      umatcv_chain_free (route);
      /* no step (padding carries alpha): a copy, on the CPU */
      check_case (NULL, a, b, width, height, i++, 1, 0, steps > 0);
    }
  }
}

/* At an even size, where every block is whole: each Y'CbCr layout decoded,
 * encoded and converted, against other layouts in turn. */
static void
check_auto_even (int width, int height)
{
  static const UmatcvLayout colours[] = {
    L (BGR), L (RGBA), L (BGRX), L (GRAY), L (ARGB), L (XBGR), L (RGB),
  };
  unsigned i = 100, n = 0;
  int y, other = 1;

  for (y = 1; y < UMATCV_N_LAYOUTS; y++) {
    const UmatcvLayoutInfo *info = umatcv_layout_info (y);
    UmatcvLayout c = colours[n++ % N_ELEMENTS (colours)];
    if (!is_video (y) || info->family != UMATCV_FAMILY_YUV)
      continue;
    check_case (NULL, y, c, width, height, i++, 1, 0, 1);
    if (!info->input_only)
      check_case (NULL, c, y, width, height, i++, 1, 0, 1);
    /* the next Y'CbCr layout that can be written, not this one */
    do
      other = other % (UMATCV_N_LAYOUTS - 1) + 1;
    while (other == y || !is_video (other)
        || umatcv_layout_info (other)->family != UMATCV_FAMILY_YUV
        || umatcv_layout_info (other)->input_only);
    check_case (NULL, y, other, width, height, i++, 1, 0, 1);
  }
}

/* Lab2BGR runs as OpenCV's OpenCL kernel, which need not round as its
 * CPU code does (an integer algorithm of its own): the edges around it are
 * checked exactly by every other case. */
static const struct
{
  const char *chain;
  int fused, tolerance;
} chains[] = {
  {"BGR2HSV,HSV2BGR", 1, 0},
  {"BGR2GRAY", 1, 0},
  {"BGR2Lab,Lab2BGR", 0, 3},
};

/* the ends the chains are put between */
static const UmatcvLayout chain_ends[][2] = {
  {L (I420), L (I420)}, {L (NV12), L (BGR)}, {L (P010), L (NV12)},
  {L (YUY2), L (I420_10)}, {L (BGRX), L (ARGB)}, {L (GRAY), L (Y444)},
  {L (I422_10), L (GRAY)}, {L (Y42B), L (P010)}, {L (ARGB), L (NV21)},
  {L (Y444_10), L (NV16)}, {L (BGR), L (YV12)}, {L (UYVY), L (XBGR)},
};

static void
check_chains (void)
{
  unsigned c, e, i = 7;

  for (c = 0; c < N_ELEMENTS (chains); c++) {
    for (e = 0; e < N_ELEMENTS (chain_ends); e++) {
      UmatcvLayout in = chain_ends[e][0], out = chain_ends[e][1];
      /* odd and even sizes in turn */
      check_case_within (chains[c].chain, in, out, e % 2 ? 10 : 9,
          e % 2 ? 6 : 7, i++, 1, 0, chains[c].fused, chains[c].tolerance);
    }
    /* not fused: OpenCV's kernels between the generated edges */
    check_case_within (chains[c].chain, L (I420), L (NV12), 9, 7, i++, 0, 0,
        0, chains[c].tolerance);
    check_case_within (chains[c].chain, L (P010), L (Y42B), 10, 6, i++, 0,
        0, 0, chains[c].tolerance);
  }
}

/* OpenCV's 4:2:0/4:2:2 codes with BT.709 or full range: a generated
 * kernel, fused or not; and frames converted in their own memory. */
static void
check_others (void)
{
  check_case ("YUV2BGR_NV12", L (NV12), L (BGR), 10, 6, 1, 0, 0, 1);
  check_case ("YUV2BGR_NV12,BGR2HSV,HSV2BGR,BGR2YUV_I420", L (NV12),
      L (I420), 10, 6, 4, 0, 0, 0);
  check_case ("YUV2BGR_NV12,BGR2HSV,HSV2BGR,BGR2YUV_I420", L (NV12),
      L (I420), 10, 6, 4, 1, 0, 1);
  check_case ("YUV2BGR_YUY2,BGR2YUV_YV12", L (YUY2), L (NV21), 10, 6, 5, 1,
      0, 1);
  check_case ("BGR2HSV,HSV2BGR", L (I420), L (I420), 9, 7, 3, 1, 1, 1);
  check_case_within ("BGR2Lab,Lab2BGR", L (NV12), L (NV12), 10, 6, 9, 1, 1,
      0, 3);
  /* BT.709 into OpenCV's Lab kernels: the YUV code is a kernel of its own */
  check_case_within ("YUV2BGR_I420,BGR2Lab,Lab2BGR", L (I420), L (BGR), 10,
      6, 1, 1, 0, 0, 3);
  check_case (NULL, L (BGRA), L (RGBA), 9, 7, 0, 1, 1, 1);
}

int
main (void)
{
  const char *device = getenv ("UMAT_TEST_DEVICE");
  char *error = NULL;
  double t0, t;

  verbose = getenv ("UMAT_TEST_VERBOSE")
      && strcmp (getenv ("UMAT_TEST_VERBOSE"), "1") == 0;
  if (device && strcmp (device, "cpu") == 0) {
    printf ("SKIPPED: OpenCL only (UMAT_TEST_DEVICE=cpu)\n");
    return 77;
  }
  if (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu, &error) != UMATCV_OK) {
    printf ("FAIL: no CPU engine: %s\n", error);
    return 1;
  }
  if (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &opencl, &error)
      != UMATCV_OK) {
    int required = getenv ("UMAT_REQUIRE_OPENCL")
        && strcmp (getenv ("UMAT_REQUIRE_OPENCL"), "1") == 0;
    printf ("%s: no OpenCL device: %s%s\n", required ? "FAIL" : "SKIPPED",
        error, required ? "" : " (UMAT_REQUIRE_OPENCL=1 makes this a "
        "failure)");
    umatcv_free (error);
    umatcv_engine_free (cpu);
    return required ? 1 : 77;
  }
  printf ("OpenCL: %s%s\n", umatcv_engine_backend (opencl),
      getenv ("UMATCV_OVERLAP_STRIPES") ? ", in stripes" : "");

  t0 = t = seconds ();
  check_auto (9, 7);
  printf ("auto mode, 9x7: %d pairs, %.1f s\n", cases, seconds () - t);
  t = seconds ();
  check_auto_even (10, 6);
  printf ("auto mode, 10x6: %.1f s\n", seconds () - t);
  t = seconds ();
  check_chains ();
  printf ("chains: %.1f s; Lab chains differ by up to %d\n",
      seconds () - t, tolerated);
  t = seconds ();
  check_others ();
  printf ("YUV codes, in place: %.1f s\n", seconds () - t);
  printf ("%d cases, %d failures, %.1f s\n", cases, failures,
      seconds () - t0);

  umatcv_engine_free (opencl);
  umatcv_engine_free (cpu);
  return failures ? 1 : 0;
}
