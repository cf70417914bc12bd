/* umatcv edges: the rows of umatcv-edges.cpp with SIMD.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatcv-edges-simd.cpp is built once for the architecture's baseline
 * (SSE2, NEON) into namespace rows_baseline and, on x86, again for AVX2
 * into rows_avx2 and for AVX-512 into rows_avx512; umatcv-edges.cpp picks
 * one when a converter is made. Each row gives exactly the bytes of the
 * scalar reference (umatcv-edges.cpp): the same integer sums, split
 * differently.
 *
 * This header is all the builds share, so it holds plain structs and
 * declarations only: an inline function compiled with -mavx2 could be the
 * copy the linker keeps for code that runs on any CPU.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace umatcv {
namespace rows {

/* Where R', G', B' and the fourth byte sit in a pixel. BGRx shares BGRA's
 * order, xRGB ARGB's, and so on. */
enum Order {
  ORDER_BGR, ORDER_RGB,         /* 3 bytes */
  ORDER_BGRA, ORDER_RGBA,       /* 4 bytes, the fourth last */
  ORDER_ARGB, ORDER_ABGR,       /* 4 bytes, the fourth first */
};

/* Chroma resampling along a row: luma position x from chroma samples. */
enum HMode {
  H_UP_CENTRED,       /* 2:1, centred: 3/4 own sample, 1/4 the neighbour */
  H_UP_COSITED,       /* 2:1, cosited: own sample, or half of two */
  H_SAME,             /* 1:1 */
};

/* Chroma filtering along a row: chroma position j from pixels. */
enum HDown {
  H_DOWN_CENTRED,     /* pixels 2j and 2j+1, 2 each */
  H_DOWN_COSITED,     /* pixels 2j-1, 2j, 2j+1 weighed 1 2 1 */
};

/* Samples of a plane row: bytes, or little-endian words whose 10-bit
 * sample sits `shift` bits up (P010: 6). */
struct Samples {
  int bytes;
  int shift;
};

/* Decoding: 20-bit coefficients of umatcv-edges.hpp, and the rounding
 * less the offsets (k = 2^19 - y_offset cy - c_offset16 (its chroma
 * coefficients)), so that every term is a product of a sample as it is
 * read: R = (Y cy + Cr16 crv + k_r) >> 20, and so on. */
struct DecodeMatrix {
  int cy, crv, cgu, cgv, cbu;
  int k_r, k_g, k_b;
};

/* One output row of decoding. */
struct DecodeRow {
  int width, chroma_width;
  Samples samples;
  const uint8_t *luma;
  const uint8_t *next_luma;     /* to prefetch; NULL: none */
  /* first U and V sample of each vertical tap's chroma row, `step`
   * samples between a sample and the next (2 in a semi-planar row) */
  const uint8_t *u[2], *v[2];
  int step;
  int weights[2], n_taps;       /* vertical, summing to 4 */
  HMode h_mode;
  Order order;
  uint8_t *out;
};

/* Encoding: 16-bit coefficients; k_y = (y_offset << 16) + 2^15; k_c =
 * (c_offset << 20) + 2^19. */
struct EncodeMatrix {
  int cry, cgy, cby, k_y;
  int cru, cgu, cbu, crv, cgv, cbv, k_c;
};

/* One input row of encoding: its luma, and the R', G', B' of its pixels
 * filtered along the row at each chroma position (weight 4). */
struct EncodeRow {
  int width, chroma_width;
  const uint8_t *in;
  const uint8_t *next_in;       /* to prefetch; NULL: none */
  Order order;
  uint8_t *luma;                /* NULL: not wanted */
  int16_t *h[3];                /* R, G, B; h[0] NULL: not wanted */
  HDown h_down;
};

/* One output chroma row of encoding from filtered rows (weights summing
 * to 4). */
struct EncodeChroma {
  int chroma_width;
  const int16_t *h[3][3];       /* per tap: R, G, B */
  int weights[3], n_taps;
  uint8_t *u, *v;               /* `step` bytes from one sample to the next */
  int step;
};

/* The rows one build has. */
struct Kernels {
  const char *name;
  /* whether reorder() beats OpenCV's own byte-moving codes (not with
   * SSE2 alone, which has no byte shuffle; OpenCV dispatches SSSE3) */
  bool reorders_codes;
  /* `scratch` holds 2 * (chroma_width + 2 * 64) int16 */
  void (*decode) (const DecodeRow &row, const DecodeMatrix &m,
      int16_t *scratch);
  void (*encode_row) (const EncodeRow &row, const EncodeMatrix &m);
  void (*encode_chroma) (const EncodeChroma &row, const EncodeMatrix &m);
  /* n samples to 8 bits: bytes copied, 10-bit words rounded */
  void (*to8) (const uint8_t *in, Samples s, int n, uint8_t *out);
  /* n pairs of samples to 8 bits, between two planes and one plane of
   * pairs (first, second) */
  void (*interleave) (const uint8_t *first, const uint8_t *second,
      Samples s, int n, uint8_t *out);
  void (*deinterleave) (const uint8_t *in, Samples s, int n,
      uint8_t *first, uint8_t *second);
  /* R'G'B' bytes to another order; the fourth byte is copied when
   * `alpha` (both ends have alpha), else 255; `next_in` (or NULL) is
   * prefetched */
  void (*reorder) (const uint8_t *in, const uint8_t *next_in, Order from,
      uint8_t *out, Order to, bool alpha, int width);
  /* OpenCV's 8-bit BGR2HSV or RGB2HSV (`from` ORDER_BGR or ORDER_RGB,
   * hue 0-179), its bytes; NULL but on x86 */
  void (*hsv) (const uint8_t *in, const uint8_t *next_in, Order from,
      uint8_t *out, int width);
};

}  /* namespace rows */

/* NULL where a build has no SIMD. */
namespace rows_baseline {
const rows::Kernels *kernels ();
}
namespace rows_avx2 {
const rows::Kernels *kernels ();
}
namespace rows_avx512 {
const rows::Kernels *kernels ();
}

}  /* namespace umatcv */
