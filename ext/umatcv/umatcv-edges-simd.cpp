/* umatcv edges: the rows of umatcv-edges.cpp with SIMD, one build per
 * instruction set.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built with -DUMATCV_ROWS_NS=<namespace>: once for the baseline (SSE2 on
 * x86, NEON on ARM), again for AVX2 and for AVX-512 (Skylake-X's set) on
 * x86. OpenCV's universal intrinsics (the vx_ widths: 128, 256 or 512
 * bits) carry the arithmetic, in a namespace of this build too, so that
 * no inline function compiled for AVX2 is shared with code that runs
 * anywhere. Besides the edges, one row gives OpenCV's 8-bit BGR2HSV for
 * the CPU plan (see below).
 *
 * Every value is the integer the scalar reference computes, so the bytes
 * are the same:
 * - chroma is summed down the column (weight 4) at chroma resolution in
 *   16 bits, then along the row per pixel (weight 16, at most 16 x 1023);
 *   the reference sums the other way round, and integer sums do not care;
 * - the matrices run in 32-bit lanes on the samples as they are read, the
 *   offsets folded into one constant per channel: Y cy + Cr16 crv + k_r is
 *   the reference's (Y - y_offset) cy + (Cr16 - c_offset16) crv + 2^19;
 * - clamping is the saturation of packing 32 to 16 to 8 bits;
 * - the ends of rows that fill no vector go through scalar code.
 */
#include "umatcv-edges-simd.hpp"

#ifndef UMATCV_ROWS_NS
#error "build with -DUMATCV_ROWS_NS=rows_baseline, rows_avx2 or rows_avx512"
#endif

#define CV_CPU_OPTIMIZATION_HAL_NAMESPACE UMATCV_ROWS_NS
#define CV_CPU_OPTIMIZATION_HAL_NAMESPACE_BEGIN namespace UMATCV_ROWS_NS {
#define CV_CPU_OPTIMIZATION_HAL_NAMESPACE_END }
#include <opencv2/core/simd_intrinsics.hpp>

#include <math.h>
#include <string.h>

namespace umatcv {
namespace UMATCV_ROWS_NS {

#if CV_SIMD

namespace {

using namespace cv;
using namespace rows;

const int N8 = v_uint8::nlanes;
const int N16 = v_uint16::nlanes;

/* --- scalar pieces, for the ends of rows ---------------------------- */

/* The input rows stream from memory a frame at a time; the rows load the
 * next row while they work on this one. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch (p)
#else
#define PREFETCH(p) ((void) (p))
#endif

/* Prefetches the lines of [p, p + n) that a step reads, when p is not
 * NULL. */
CV_ALWAYS_INLINE void
prefetch_step (const uint8_t *p, size_t n)
{
  if (p == nullptr)
    return;
  for (size_t o = 0; o < n; o += 64)
    PREFETCH (p + o);
}

inline int
clamp255 (int v)
{
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Sample i of a row: a byte, or the 10 bits of a word. */
inline int
sample (const uint8_t *row, int i, Samples s)
{
  if (s.bytes == 1)
    return row[i];
  const uint8_t *p = row + 2 * i;
  return ((p[0] | (p[1] << 8)) >> s.shift) & 0x3ff;
}

inline int
to8_scalar (int v, Samples s)
{
  if (s.bytes == 1)
    return v;
  v = (v + 2) >> 2;
  return v > 255 ? 255 : v;
}

/* --- pixels ----------------------------------------------------------- */

/* Bytes a pixel and the place of each component; cn 3 puts alpha at 3, a
 * slot no pixel has. */
template <int O>
struct Place;
template <>
struct Place<ORDER_BGR> { enum { cn = 3, r = 2, g = 1, b = 0, a = 3 }; };
template <>
struct Place<ORDER_RGB> { enum { cn = 3, r = 0, g = 1, b = 2, a = 3 }; };
template <>
struct Place<ORDER_BGRA> { enum { cn = 4, r = 2, g = 1, b = 0, a = 3 }; };
template <>
struct Place<ORDER_RGBA> { enum { cn = 4, r = 0, g = 1, b = 2, a = 3 }; };
template <>
struct Place<ORDER_ARGB> { enum { cn = 4, r = 1, g = 2, b = 3, a = 0 }; };
template <>
struct Place<ORDER_ABGR> { enum { cn = 4, r = 3, g = 2, b = 1, a = 0 }; };

template <int O>
CV_ALWAYS_INLINE void
load_pixels (const uint8_t *p, v_uint8 & r, v_uint8 & g, v_uint8 & b,
    v_uint8 & a)
{
  typedef Place<O> P;
  v_uint8 c[4];
  if (P::cn == 3) {
    v_load_deinterleave (p, c[0], c[1], c[2]);
    c[3] = vx_setall_u8 (255);
  } else {
    v_load_deinterleave (p, c[0], c[1], c[2], c[3]);
  }
  r = c[P::r];
  g = c[P::g];
  b = c[P::b];
  a = c[P::a];
}

template <int O>
CV_ALWAYS_INLINE void
store_pixels (uint8_t *p, const v_uint8 & r, const v_uint8 & g,
    const v_uint8 & b, const v_uint8 & a)
{
  typedef Place<O> P;
  v_uint8 c[4];
  c[P::r] = r;
  c[P::g] = g;
  c[P::b] = b;
  c[P::a] = a;
  if (P::cn == 3)
    v_store_interleave (p, c[0], c[1], c[2]);
  else
    v_store_interleave (p, c[0], c[1], c[2], c[3]);
}

template <int O>
CV_ALWAYS_INLINE void
store_pixel (uint8_t *p, int r, int g, int b, int a)
{
  typedef Place<O> P;
  p[P::r] = (uint8_t) r;
  p[P::g] = (uint8_t) g;
  p[P::b] = (uint8_t) b;
  if (P::cn == 4)
    p[P::a] = (uint8_t) a;
}

/* --- widening and narrowing ------------------------------------------
 * v_expand, v_zip and v_pack keep elements in order, which with AVX2
 * costs a permute across the vector's 128-bit halves each time. A row
 * widens, computes and narrows back, so the order in between does not
 * matter as long as narrowing undoes widening: with AVX2 and AVX-512
 * these work within each 128-bit quarter (the low result holds elements
 * 0-7 and 16-23 of 32), elsewhere they are the ordered intrinsics. */

#if CV_SIMD512
CV_ALWAYS_INLINE void
widen (const v_uint8 & a, v_int16 & lo, v_int16 & hi)
{
  const __m512i zero = _mm512_setzero_si512 ();
  lo = v_int16 (_mm512_unpacklo_epi8 (a.val, zero));
  hi = v_int16 (_mm512_unpackhi_epi8 (a.val, zero));
}

CV_ALWAYS_INLINE void
widen (const v_int16 & a, v_int32 & lo, v_int32 & hi)
{
  lo = v_int32 (_mm512_srai_epi32 (_mm512_unpacklo_epi16 (a.val, a.val), 16));
  hi = v_int32 (_mm512_srai_epi32 (_mm512_unpackhi_epi16 (a.val, a.val), 16));
}

CV_ALWAYS_INLINE void
zip_widened (const v_int16 & a, const v_int16 & b, v_int16 & lo,
    v_int16 & hi)
{
  lo = v_int16 (_mm512_unpacklo_epi16 (a.val, b.val));
  hi = v_int16 (_mm512_unpackhi_epi16 (a.val, b.val));
}

/* quarters 0 and 2 of each, then 1 and 3 */
CV_ALWAYS_INLINE void
as_widened (const v_int16 & first, const v_int16 & second, v_int16 & lo,
    v_int16 & hi)
{
  lo = v_int16 (_mm512_shuffle_i64x2 (first.val, second.val,
          _MM_SHUFFLE (2, 0, 2, 0)));
  hi = v_int16 (_mm512_shuffle_i64x2 (first.val, second.val,
          _MM_SHUFFLE (3, 1, 3, 1)));
}

CV_ALWAYS_INLINE v_int16
narrow (const v_int32 & lo, const v_int32 & hi)
{
  return v_int16 (_mm512_packs_epi32 (lo.val, hi.val));
}

CV_ALWAYS_INLINE v_uint8
narrow_u (const v_int16 & lo, const v_int16 & hi)
{
  return v_uint8 (_mm512_packus_epi16 (lo.val, hi.val));
}
#elif CV_AVX2
CV_ALWAYS_INLINE void
widen (const v_uint8 & a, v_int16 & lo, v_int16 & hi)
{
  const __m256i zero = _mm256_setzero_si256 ();
  lo = v_int16 (_mm256_unpacklo_epi8 (a.val, zero));
  hi = v_int16 (_mm256_unpackhi_epi8 (a.val, zero));
}

CV_ALWAYS_INLINE void
widen (const v_int16 & a, v_int32 & lo, v_int32 & hi)
{
  lo = v_int32 (_mm256_srai_epi32 (_mm256_unpacklo_epi16 (a.val, a.val), 16));
  hi = v_int32 (_mm256_srai_epi32 (_mm256_unpackhi_epi16 (a.val, a.val), 16));
}

/* pairs (a, b) of the elements widen() puts in lo and hi */
CV_ALWAYS_INLINE void
zip_widened (const v_int16 & a, const v_int16 & b, v_int16 & lo,
    v_int16 & hi)
{
  lo = v_int16 (_mm256_unpacklo_epi16 (a.val, b.val));
  hi = v_int16 (_mm256_unpackhi_epi16 (a.val, b.val));
}

/* two vectors of elements in order, as widen() would give them */
CV_ALWAYS_INLINE void
as_widened (const v_int16 & first, const v_int16 & second, v_int16 & lo,
    v_int16 & hi)
{
  lo = v_int16 (_mm256_permute2x128_si256 (first.val, second.val, 0x20));
  hi = v_int16 (_mm256_permute2x128_si256 (first.val, second.val, 0x31));
}

CV_ALWAYS_INLINE v_int16
narrow (const v_int32 & lo, const v_int32 & hi)
{
  return v_int16 (_mm256_packs_epi32 (lo.val, hi.val));
}

CV_ALWAYS_INLINE v_uint8
narrow_u (const v_int16 & lo, const v_int16 & hi)
{
  return v_uint8 (_mm256_packus_epi16 (lo.val, hi.val));
}
#else
CV_ALWAYS_INLINE void
widen (const v_uint8 & a, v_int16 & lo, v_int16 & hi)
{
  v_uint16 l, h;
  v_expand (a, l, h);
  lo = v_reinterpret_as_s16 (l);
  hi = v_reinterpret_as_s16 (h);
}

CV_ALWAYS_INLINE void
widen (const v_int16 & a, v_int32 & lo, v_int32 & hi)
{
  v_expand (a, lo, hi);
}

CV_ALWAYS_INLINE void
zip_widened (const v_int16 & a, const v_int16 & b, v_int16 & lo,
    v_int16 & hi)
{
  v_zip (a, b, lo, hi);
}

CV_ALWAYS_INLINE void
as_widened (const v_int16 & first, const v_int16 & second, v_int16 & lo,
    v_int16 & hi)
{
  lo = first;
  hi = second;
}

CV_ALWAYS_INLINE v_int16
narrow (const v_int32 & lo, const v_int32 & hi)
{
  return v_pack (lo, hi);
}

CV_ALWAYS_INLINE v_uint8
narrow_u (const v_int16 & lo, const v_int16 & hi)
{
  return v_pack_u (lo, hi);
}
#endif

/* --- decoding --------------------------------------------------------- */

/* Samples j.. of a chroma row into 16-bit lanes. STEP 2: the first
 * channel of a row of pairs goes to `a`, the second to `b`. */
template <int BYTES, int STEP>
CV_ALWAYS_INLINE void
load_chroma (const uint8_t *a_row, const uint8_t *b_row, int j, int shift,
    v_uint16 & a, v_uint16 & b)
{
  if (BYTES == 1 && STEP == 1) {
    a = vx_load_expand (a_row + j);
    b = vx_load_expand (b_row + j);
  } else if (BYTES == 1) {
    v_uint16 w = vx_load ((const ushort *) a_row + j);
    a = w & vx_setall_u16 (0xff);
    b = w >> 8;
  } else if (STEP == 1) {
    const v_uint16 mask = vx_setall_u16 (0x3ff);
    a = (vx_load ((const ushort *) a_row + j) >> shift) & mask;
    b = (vx_load ((const ushort *) b_row + j) >> shift) & mask;
  } else {
    const v_uint16 mask = vx_setall_u16 (0x3ff);
    v_load_deinterleave ((const ushort *) a_row + 2 * j, a, b);
    a = (a >> shift) & mask;
    b = (b >> shift) & mask;
  }
}

/* Column sums of weight 4 of U and V at chroma resolution, with the edge
 * samples repeated at -1 and chroma_width (the reference's clamping). */
template <int BYTES, int STEP>
void
chroma_sums (const DecodeRow &row, int16_t *su, int16_t *sv)
{
  const int cw = row.chroma_width;
  const int t1 = row.n_taps > 1 ? 1 : 0;
  const int w0 = row.weights[0], w1 = t1 ? row.weights[1] : 0;
  /* planar: a row of each; pairs: one row, whichever comes first in it */
  const uint8_t *a0 = row.u[0], *b0 = row.v[0];
  const uint8_t *a1 = row.u[t1], *b1 = row.v[t1];
  int16_t *sa = su, *sb = sv;
  if (STEP == 2 && row.v[0] < row.u[0]) {
    a0 = row.v[0];
    a1 = row.v[t1];
    sa = sv;
    sb = su;
  }
  if (STEP == 2) {
    b0 = a0 + BYTES;
    b1 = a1 + BYTES;
  }
  int j = 0;
  const v_uint16 vw0 = vx_setall_u16 ((ushort) w0);
  const v_uint16 vw1 = vx_setall_u16 ((ushort) w1);
  for (; j + N16 <= cw; j += N16) {
    v_uint16 ua, ub, la, lb;
    load_chroma<BYTES, STEP> (a0, b0, j, row.samples.shift, ua, ub);
    load_chroma<BYTES, STEP> (a1, b1, j, row.samples.shift, la, lb);
    v_store ((ushort *) sa + j, v_mul_wrap (ua, vw0) + v_mul_wrap (la, vw1));
    v_store ((ushort *) sb + j, v_mul_wrap (ub, vw0) + v_mul_wrap (lb, vw1));
  }
  for (; j < cw; j++) {
    int i = j * STEP;
    sa[j] = (int16_t) (w0 * sample (a0, i, row.samples)
        + w1 * sample (a1, i, row.samples));
    sb[j] = (int16_t) (w0 * sample (b0, i, row.samples)
        + w1 * sample (b1, i, row.samples));
  }
  su[-1] = su[0];
  sv[-1] = sv[0];
  su[cw] = su[cw - 1];
  sv[cw] = sv[cw - 1];
}

/* Chroma sums of weight 16 for pixels x.. (N8 of them), laid out as
 * widen() lays out the pixels' luma. */
template <int HM>
CV_ALWAYS_INLINE void
chroma16 (const int16_t *s, int x, v_int16 & lo, v_int16 & hi)
{
  if (HM == H_SAME) {
    as_widened (vx_load (s + x) << 2, vx_load (s + x + N16) << 2, lo, hi);
    return;
  }
  int k = x >> 1;
  v_int16 c = vx_load (s + k), next = vx_load (s + k + 1), even, odd;
  if (HM == H_UP_CENTRED) {
    v_int16 c3 = c + (c << 1);
    even = c3 + vx_load (s + k - 1);
    odd = c3 + next;
  } else {
    even = c << 2;
    odd = (c + next) << 1;
  }
  zip_widened (even, odd, lo, hi);
}

template <int HM>
inline int
chroma16_scalar (const int16_t *s, int x)
{
  if (HM == H_SAME)
    return 4 * s[x];
  int k = x >> 1;
  if (HM == H_UP_CENTRED)
    return 3 * s[k] + s[(x & 1) ? k + 1 : k - 1];
  return (x & 1) ? 2 * (s[k] + s[k + 1]) : 4 * s[k];
}

/* Luma of pixels x.. (N8 of them), widened. */
template <int BYTES>
CV_ALWAYS_INLINE void
load_luma (const uint8_t *row, int x, int shift, v_int16 & lo, v_int16 & hi)
{
  if (BYTES == 1) {
    widen (vx_load (row + x), lo, hi);
  } else {
    const v_uint16 mask = vx_setall_u16 (0x3ff);
    v_uint16 a = (vx_load ((const ushort *) row + x) >> shift) & mask;
    v_uint16 b = (vx_load ((const ushort *) row + x + N16) >> shift) & mask;
    as_widened (v_reinterpret_as_s16 (a), v_reinterpret_as_s16 (b), lo, hi);
  }
}

struct DecodeConstants {
  v_int32 cy, crv, cgu, cgv, cbu, kr, kg, kb;

  explicit DecodeConstants (const DecodeMatrix &m)
    : cy (vx_setall_s32 (m.cy)), crv (vx_setall_s32 (m.crv)),
      cgu (vx_setall_s32 (m.cgu)), cgv (vx_setall_s32 (m.cgv)),
      cbu (vx_setall_s32 (m.cbu)), kr (vx_setall_s32 (m.k_r)),
      kg (vx_setall_s32 (m.k_g)), kb (vx_setall_s32 (m.k_b))
  {
  }
};

/* R', G', B' of luma and chroma sums of weight 16, all widened: the
 * reference's matrix in 32-bit lanes, saturated to 16 bits. */
CV_ALWAYS_INLINE void
rgb16 (const v_int16 & y, const v_int16 & u, const v_int16 & v,
    const DecodeConstants & c, v_int16 & r, v_int16 & g, v_int16 & b)
{
  v_int32 y0, y1, u0, u1, v0, v1;
  widen (y, y0, y1);
  widen (u, u0, u1);
  widen (v, v0, v1);
  y0 = y0 * c.cy;
  y1 = y1 * c.cy;
  r = narrow ((y0 + v0 * c.crv + c.kr) >> 20, (y1 + v1 * c.crv + c.kr) >> 20);
  g = narrow ((y0 + u0 * c.cgu + v0 * c.cgv + c.kg) >> 20,
      (y1 + u1 * c.cgu + v1 * c.cgv + c.kg) >> 20);
  b = narrow ((y0 + u0 * c.cbu + c.kb) >> 20, (y1 + u1 * c.cbu + c.kb) >> 20);
}

template <int O, int HM, int BYTES>
void
decode_pixels (const DecodeRow &row, const DecodeMatrix &m,
    const int16_t *su, const int16_t *sv)
{
  typedef Place<O> P;
  const int w = row.width, shift = row.samples.shift;
  const DecodeConstants c (m);
  const v_uint8 opaque = vx_setall_u8 (255);
  uint8_t *out = row.out;
  int x = 0;

  for (; x + N8 <= w; x += N8) {
    v_int16 u0, u1, v0, v1, y0, y1, r0, r1, g0, g1, b0, b1;
    prefetch_step (row.next_luma ? row.next_luma + x * BYTES : nullptr,
        N8 * BYTES);
    chroma16<HM> (su, x, u0, u1);
    chroma16<HM> (sv, x, v0, v1);
    load_luma<BYTES> (row.luma, x, shift, y0, y1);
    rgb16 (y0, u0, v0, c, r0, g0, b0);
    rgb16 (y1, u1, v1, c, r1, g1, b1);
    store_pixels<O> (out + (size_t) x * P::cn, narrow_u (r0, r1),
        narrow_u (g0, g1), narrow_u (b0, b1), opaque);
  }
  for (; x < w; x++) {
    int yy = sample (row.luma, x, row.samples) * m.cy;
    int cb = chroma16_scalar<HM> (su, x), cr = chroma16_scalar<HM> (sv, x);
    store_pixel<O> (out + (size_t) x * P::cn,
        clamp255 ((yy + cr * m.crv + m.k_r) >> 20),
        clamp255 ((yy + cb * m.cgu + cr * m.cgv + m.k_g) >> 20),
        clamp255 ((yy + cb * m.cbu + m.k_b) >> 20), 255);
  }
}

template <int O, int HM>
void
decode_pixels_for (const DecodeRow &row, const DecodeMatrix &m,
    const int16_t *su, const int16_t *sv)
{
  if (row.samples.bytes == 1)
    decode_pixels<O, HM, 1> (row, m, su, sv);
  else
    decode_pixels<O, HM, 2> (row, m, su, sv);
}

template <int O>
void
decode_pixels_order (const DecodeRow &row, const DecodeMatrix &m,
    const int16_t *su, const int16_t *sv)
{
  switch (row.h_mode) {
    case H_UP_CENTRED:
      decode_pixels_for<O, H_UP_CENTRED> (row, m, su, sv);
      break;
    case H_UP_COSITED:
      decode_pixels_for<O, H_UP_COSITED> (row, m, su, sv);
      break;
    case H_SAME:
      decode_pixels_for<O, H_SAME> (row, m, su, sv);
      break;
  }
}

void
decode (const DecodeRow &row, const DecodeMatrix &m, int16_t *scratch)
{
  int16_t *su = scratch + 64, *sv = su + row.chroma_width + 128;
  if (row.samples.bytes == 1)
    (row.step == 1 ? chroma_sums<1, 1> : chroma_sums<1, 2>) (row, su, sv);
  else
    (row.step == 1 ? chroma_sums<2, 1> : chroma_sums<2, 2>) (row, su, sv);
  switch (row.order) {
    case ORDER_BGR: decode_pixels_order<ORDER_BGR> (row, m, su, sv); break;
    case ORDER_RGB: decode_pixels_order<ORDER_RGB> (row, m, su, sv); break;
    case ORDER_BGRA: decode_pixels_order<ORDER_BGRA> (row, m, su, sv); break;
    case ORDER_RGBA: decode_pixels_order<ORDER_RGBA> (row, m, su, sv); break;
    case ORDER_ARGB: decode_pixels_order<ORDER_ARGB> (row, m, su, sv); break;
    case ORDER_ABGR: decode_pixels_order<ORDER_ABGR> (row, m, su, sv); break;
  }
}

/* --- encoding --------------------------------------------------------- */

/* Luma of widened R', G', B': R G in pairs and B G in pairs against the
 * coefficients, G's split in two halves that fit 16 bits. */
CV_ALWAYS_INLINE v_int16
luma16 (const v_int16 & r, const v_int16 & g, const v_int16 & b,
    const v_int16 & c_rg, const v_int16 & c_bg, const v_int32 & k)
{
  v_int16 rg0, rg1, bg0, bg1;
  zip_widened (r, g, rg0, rg1);
  zip_widened (b, g, bg0, bg1);
  return narrow ((v_dotprod (rg0, c_rg) + v_dotprod (bg0, c_bg) + k) >> 16,
      (v_dotprod (rg1, c_rg) + v_dotprod (bg1, c_bg) + k) >> 16);
}

/* Pairs of 16-bit coefficients (first, second) in every 32-bit lane. */
CV_ALWAYS_INLINE v_int16
pair16 (int first, int second)
{
  return v_reinterpret_as_s16 (vx_setall_u32 ((unsigned) (first & 0xffff)
          | ((unsigned) second << 16)));
}

/* A component filtered along the row at N16 chroma positions from 2 N16
 * pixels. Cosited: `prev` holds the odd pixels of the vector before. */
template <int HD>
CV_ALWAYS_INLINE v_int16
filter_row (const v_uint8 & c, v_uint16 & prev)
{
  v_uint16 w = v_reinterpret_as_u16 (c);
  v_uint16 even = w & vx_setall_u16 (0xff), odd = w >> 8;
  if (HD == H_DOWN_CENTRED)
    return v_reinterpret_as_s16 ((even + odd) << 1);
  v_uint16 before = v_extract<N16 - 1> (prev, odd);
  prev = odd;
  return v_reinterpret_as_s16 (before + (even << 1) + odd);
}

template <int O, int HD>
void
encode_row_t (const EncodeRow &row, const EncodeMatrix &m)
{
  typedef Place<O> P;
  const int w = row.width, cw = row.chroma_width;
  const uint8_t *in = row.in;
  const int cg1 = m.cgy / 2, cg2 = m.cgy - cg1;
  const v_int16 c_rg = pair16 (m.cry, cg1), c_bg = pair16 (m.cby, cg2);
  const v_int32 ky = vx_setall_s32 (m.k_y);
  v_uint16 prev[3] = {vx_setall_u16 (in[P::r]), vx_setall_u16 (in[P::g]),
    vx_setall_u16 (in[P::b])};
  int x = 0;

  for (; x + N8 <= w; x += N8) {
    v_uint8 r, g, b, a;
    prefetch_step (row.next_in ? row.next_in + (size_t) x * P::cn : nullptr,
        N8 * P::cn);
    load_pixels<O> (in + (size_t) x * P::cn, r, g, b, a);
    if (row.luma) {
      v_int16 r0, r1, g0, g1, b0, b1;
      widen (r, r0, r1);
      widen (g, g0, g1);
      widen (b, b0, b1);
      v_store (row.luma + x, narrow_u (luma16 (r0, g0, b0, c_rg, c_bg, ky),
              luma16 (r1, g1, b1, c_rg, c_bg, ky)));
    }
    if (row.h[0]) {
      v_store (row.h[0] + x / 2, filter_row<HD> (r, prev[0]));
      v_store (row.h[1] + x / 2, filter_row<HD> (g, prev[1]));
      v_store (row.h[2] + x / 2, filter_row<HD> (b, prev[2]));
    }
  }
  if (row.luma) {
    for (int i = x; i < w; i++) {
      const uint8_t *p = in + (size_t) i * P::cn;
      row.luma[i] = (uint8_t) clamp255 ((p[P::r] * m.cry + p[P::g] * m.cgy
              + p[P::b] * m.cby + m.k_y) >> 16);
    }
  }
  if (row.h[0]) {
    const int off[3] = {P::r, P::g, P::b};
    for (int j = x / 2; j < cw; j++) {
      int c = 2 * j, l = c > 0 ? c - 1 : 0, n = c + 1 < w ? c + 1 : w - 1;
      for (int ch = 0; ch < 3; ch++) {
        const uint8_t *p = in + off[ch];
        int s = HD == H_DOWN_CENTRED ? 2 * p[c * P::cn] + 2 * p[n * P::cn]
            : p[l * P::cn] + 2 * p[c * P::cn] + p[n * P::cn];
        row.h[ch][j] = (int16_t) s;
      }
    }
  }
}

template <int O>
void
encode_row_order (const EncodeRow &row, const EncodeMatrix &m)
{
  if (row.h_down == H_DOWN_CENTRED)
    encode_row_t<O, H_DOWN_CENTRED> (row, m);
  else
    encode_row_t<O, H_DOWN_COSITED> (row, m);
}

void
encode_row (const EncodeRow &row, const EncodeMatrix &m)
{
  switch (row.order) {
    case ORDER_BGR: encode_row_order<ORDER_BGR> (row, m); break;
    case ORDER_RGB: encode_row_order<ORDER_RGB> (row, m); break;
    case ORDER_BGRA: encode_row_order<ORDER_BGRA> (row, m); break;
    case ORDER_RGBA: encode_row_order<ORDER_RGBA> (row, m); break;
    case ORDER_ARGB: encode_row_order<ORDER_ARGB> (row, m); break;
    case ORDER_ABGR: encode_row_order<ORDER_ABGR> (row, m); break;
  }
}

/* Sums of weight 16 of a component at N8 chroma positions from the
 * filtered rows of the taps, widened. */
CV_ALWAYS_INLINE void
column (const EncodeChroma &row, int ch, int j, const v_int16 & w0,
    const v_int16 & w1, const v_int16 & w2, v_int16 & lo, v_int16 & hi)
{
  v_int16 a = v_mul_wrap (vx_load (row.h[0][ch] + j), w0);
  v_int16 b = v_mul_wrap (vx_load (row.h[0][ch] + j + N16), w0);
  if (row.n_taps > 1) {
    a += v_mul_wrap (vx_load (row.h[1][ch] + j), w1);
    b += v_mul_wrap (vx_load (row.h[1][ch] + j + N16), w1);
  }
  if (row.n_taps > 2) {
    a += v_mul_wrap (vx_load (row.h[2][ch] + j), w2);
    b += v_mul_wrap (vx_load (row.h[2][ch] + j + N16), w2);
  }
  as_widened (a, b, lo, hi);
}

/* (sums against the coefficients + k) >> 20, saturated, from widened
 * sums. */
CV_ALWAYS_INLINE v_int16
chroma16_of (const v_int16 & r, const v_int16 & g, const v_int16 & b,
    const v_int32 & cr, const v_int32 & cg, const v_int32 & cb,
    const v_int32 & k)
{
  v_int32 r0, r1, g0, g1, b0, b1;
  widen (r, r0, r1);
  widen (g, g0, g1);
  widen (b, b0, b1);
  return narrow ((r0 * cr + g0 * cg + b0 * cb + k) >> 20,
      (r1 * cr + g1 * cg + b1 * cb + k) >> 20);
}

void
encode_chroma (const EncodeChroma &row, const EncodeMatrix &m)
{
  const int cw = row.chroma_width, n = row.n_taps;
  const v_int32 cru = vx_setall_s32 (m.cru), cgu = vx_setall_s32 (m.cgu);
  const v_int32 cbu = vx_setall_s32 (m.cbu), crv = vx_setall_s32 (m.crv);
  const v_int32 cgv = vx_setall_s32 (m.cgv), cbv = vx_setall_s32 (m.cbv);
  const v_int32 k = vx_setall_s32 (m.k_c);
  const v_int16 w0 = vx_setall_s16 ((short) row.weights[0]);
  const v_int16 w1 = vx_setall_s16 ((short) (n > 1 ? row.weights[1] : 0));
  const v_int16 w2 = vx_setall_s16 ((short) (n > 2 ? row.weights[2] : 0));
  int j = 0;

  for (; j + N8 <= cw; j += N8) {
    v_int16 r0, r1, g0, g1, b0, b1;
    column (row, 0, j, w0, w1, w2, r0, r1);
    column (row, 1, j, w0, w1, w2, g0, g1);
    column (row, 2, j, w0, w1, w2, b0, b1);
    v_uint8 u = narrow_u (chroma16_of (r0, g0, b0, cru, cgu, cbu, k),
        chroma16_of (r1, g1, b1, cru, cgu, cbu, k));
    v_uint8 v = narrow_u (chroma16_of (r0, g0, b0, crv, cgv, cbv, k),
        chroma16_of (r1, g1, b1, crv, cgv, cbv, k));
    if (row.step == 1) {
      v_store (row.u + j, u);
      v_store (row.v + j, v);
    } else if (row.u < row.v) {
      v_store_interleave (row.u + 2 * j, u, v);
    } else {
      v_store_interleave (row.v + 2 * j, v, u);
    }
  }
  for (; j < cw; j++) {
    int s[3];
    for (int ch = 0; ch < 3; ch++) {
      s[ch] = 0;
      for (int t = 0; t < n; t++)
        s[ch] += row.weights[t] * row.h[t][ch][j];
    }
    row.u[j * row.step] = (uint8_t) clamp255 ((s[0] * m.cru + s[1] * m.cgu
            + s[2] * m.cbu + m.k_c) >> 20);
    row.v[j * row.step] = (uint8_t) clamp255 ((s[0] * m.crv + s[1] * m.cgv
            + s[2] * m.cbv + m.k_c) >> 20);
  }
}

/* --- moving samples --------------------------------------------------- */

/* 2 N16 words of 10 bits to bytes, rounded and saturated. */
CV_ALWAYS_INLINE v_uint8
words_to8 (const v_uint16 & a, const v_uint16 & b, int shift)
{
  const v_uint16 mask = vx_setall_u16 (0x3ff), two = vx_setall_u16 (2);
  return v_pack ((((a >> shift) & mask) + two) >> 2,
      (((b >> shift) & mask) + two) >> 2);
}

void
to8 (const uint8_t *in, Samples s, int n, uint8_t *out)
{
  if (s.bytes == 1) {
    if (in != out)
      memmove (out, in, (size_t) n);
    return;
  }
  const ushort *w = (const ushort *) in;
  int j = 0;
  for (; j + N8 <= n; j += N8)
    v_store (out + j, words_to8 (vx_load (w + j), vx_load (w + j + N16),
            s.shift));
  for (; j < n; j++)
    out[j] = (uint8_t) to8_scalar (sample (in, j, s), s);
}

void
interleave (const uint8_t *first, const uint8_t *second, Samples s, int n,
    uint8_t *out)
{
  int j = 0;
  if (s.bytes == 1) {
    for (; j + N8 <= n; j += N8)
      v_store_interleave (out + 2 * j, vx_load (first + j),
          vx_load (second + j));
  } else {
    const ushort *a = (const ushort *) first, *b = (const ushort *) second;
    for (; j + N8 <= n; j += N8)
      v_store_interleave (out + 2 * j,
          words_to8 (vx_load (a + j), vx_load (a + j + N16), s.shift),
          words_to8 (vx_load (b + j), vx_load (b + j + N16), s.shift));
  }
  for (; j < n; j++) {
    out[2 * j] = (uint8_t) to8_scalar (sample (first, j, s), s);
    out[2 * j + 1] = (uint8_t) to8_scalar (sample (second, j, s), s);
  }
}

void
deinterleave (const uint8_t *in, Samples s, int n, uint8_t *first,
    uint8_t *second)
{
  int j = 0;
  if (s.bytes == 1) {
    for (; j + N8 <= n; j += N8) {
      v_uint8 a, b;
      v_load_deinterleave (in + 2 * j, a, b);
      v_store (first + j, a);
      v_store (second + j, b);
    }
  } else {
    const ushort *w = (const ushort *) in;
    for (; j + N8 <= n; j += N8) {
      v_uint16 a0, b0, a1, b1;
      v_load_deinterleave (w + 2 * j, a0, b0);
      v_load_deinterleave (w + 2 * j + 2 * N16, a1, b1);
      v_store (first + j, words_to8 (a0, a1, s.shift));
      v_store (second + j, words_to8 (b0, b1, s.shift));
    }
  }
  for (; j < n; j++) {
    first[j] = (uint8_t) to8_scalar (sample (in, 2 * j, s), s);
    second[j] = (uint8_t) to8_scalar (sample (in, 2 * j + 1, s), s);
  }
}

template <int FROM, int TO>
void
reorder_t (const uint8_t *in, const uint8_t *next_in, uint8_t *out,
    bool alpha, int width)
{
  typedef Place<FROM> A;
  typedef Place<TO> B;
  const v_uint8 opaque = vx_setall_u8 (255);
  int x = 0;
  for (; x + N8 <= width; x += N8) {
    v_uint8 r, g, b, a;
    prefetch_step (next_in ? next_in + (size_t) x * A::cn : nullptr,
        N8 * A::cn);
    load_pixels<FROM> (in + (size_t) x * A::cn, r, g, b, a);
    store_pixels<TO> (out + (size_t) x * B::cn, r, g, b, alpha ? a : opaque);
  }
  for (; x < width; x++) {
    const uint8_t *p = in + (size_t) x * A::cn;
    int r = p[A::r], g = p[A::g], b = p[A::b];
    int a = alpha ? p[A::a] : 255;
    store_pixel<TO> (out + (size_t) x * B::cn, r, g, b, a);
  }
}

template <int FROM>
void
reorder_from (const uint8_t *in, const uint8_t *next_in, uint8_t *out,
    Order to, bool alpha, int width)
{
  switch (to) {
    case ORDER_BGR:
      reorder_t<FROM, ORDER_BGR> (in, next_in, out, alpha, width);
      break;
    case ORDER_RGB:
      reorder_t<FROM, ORDER_RGB> (in, next_in, out, alpha, width);
      break;
    case ORDER_BGRA:
      reorder_t<FROM, ORDER_BGRA> (in, next_in, out, alpha, width);
      break;
    case ORDER_RGBA:
      reorder_t<FROM, ORDER_RGBA> (in, next_in, out, alpha, width);
      break;
    case ORDER_ARGB:
      reorder_t<FROM, ORDER_ARGB> (in, next_in, out, alpha, width);
      break;
    case ORDER_ABGR:
      reorder_t<FROM, ORDER_ABGR> (in, next_in, out, alpha, width);
      break;
  }
}

void
reorder (const uint8_t *in, const uint8_t *next_in, Order from, uint8_t *out,
    Order to, bool alpha, int width)
{
  switch (from) {
    case ORDER_BGR:
      reorder_from<ORDER_BGR> (in, next_in, out, to, alpha, width);
      break;
    case ORDER_RGB:
      reorder_from<ORDER_RGB> (in, next_in, out, to, alpha, width);
      break;
    case ORDER_BGRA:
      reorder_from<ORDER_BGRA> (in, next_in, out, to, alpha, width);
      break;
    case ORDER_RGBA:
      reorder_from<ORDER_RGBA> (in, next_in, out, to, alpha, width);
      break;
    case ORDER_ARGB:
      reorder_from<ORDER_ARGB> (in, next_in, out, to, alpha, width);
      break;
    case ORDER_ABGR:
      reorder_from<ORDER_ABGR> (in, next_in, out, to, alpha, width);
      break;
  }
}

/* --- OpenCV's BGR2HSV --------------------------------------------------
 * OpenCV (color_hsv.simd.hpp, 8 bits, hue 0-179) computes, with V the
 * largest component, m the smallest and d = V - m:
 *   S = (d sdiv[V] + 2^11) >> 12, sdiv[i] = round ((255 << 12) / i)
 *   H = (h hdiv[d] + 2^11) >> 12, hdiv[i] = round ((180 << 12) / (6 i)),
 *       plus 180 when negative, where h is G - B when V is R, else
 *       B - R + 2 d when V is G, else R - G + 4 d
 * with both tables made in double precision and read by gathers. Each
 * table entry is also the nearest integer to one IEEE float division
 * (1044480 / i and 122880 / i; edges-exact checks all 255 of each, and
 * the whole cube of colours against cvtColor), which vectors compute
 * without a gather. x86 only: elsewhere OpenCV may hand the code to a
 * HAL of the platform (Carotene on ARM) whose bytes nobody checked here,
 * and 32-bit NEON estimates division. */

#if CV_SSE2
#define HAVE_HSV_ROW 1

CV_ALWAYS_INLINE v_int32
divide_round (float numerator, const v_int32 & by)
{
  /* the quotient by 0 is never used: its product is with 0 */
  v_float32 q = vx_setall_f32 (numerator)
      / v_cvt_f32 (v_max (by, vx_setall_s32 (1)));
  return v_round (q);
}

/* H and S of widened V, d and h. */
CV_ALWAYS_INLINE void
hsv16 (const v_int16 & v, const v_int16 & d, const v_int16 & h,
    v_int16 & hue, v_int16 & sat)
{
  const v_int32 half = vx_setall_s32 (1 << 11);
  v_int32 v0, v1, d0, d1, h0, h1;
  widen (v, v0, v1);
  widen (d, d0, d1);
  widen (h, h0, h1);
  sat = narrow ((d0 * divide_round (1044480.f, v0) + half) >> 12,
      (d1 * divide_round (1044480.f, v1) + half) >> 12);
  v_int16 q = narrow ((h0 * divide_round (122880.f, d0) + half) >> 12,
      (h1 * divide_round (122880.f, d1) + half) >> 12);
  hue = q + (vx_setall_s16 (180) & (q < vx_setzero_s16 ()));
}

template <int O>
void
hsv_t (const uint8_t *in, const uint8_t *next_in, uint8_t *out, int width)
{
  typedef Place<O> P;
  int x = 0;
  for (; x + N8 <= width; x += N8) {
    prefetch_step (next_in ? next_in + (size_t) x * P::cn : nullptr,
        N8 * P::cn);
    v_uint8 r, g, b, a;
    load_pixels<O> (in + (size_t) x * P::cn, r, g, b, a);
    v_uint8 v = v_max (b, v_max (g, r)), d = v - v_min (b, v_min (g, r));
    v_uint8 is_r = v == r, is_g = v == g;
    v_int16 r0, r1, g0, g1, b0, b1, v0, v1, d0, d1, h0, h1, s0, s1;
    widen (r, r0, r1);
    widen (g, g0, g1);
    widen (b, b0, b1);
    widen (v, v0, v1);
    widen (d, d0, d1);
    /* the masks widened: 0xff becomes 0x00ff, so compare again */
    v_int16 mr0, mr1, mg0, mg1;
    widen (is_r, mr0, mr1);
    widen (is_g, mg0, mg1);
    const v_int16 zero = vx_setzero_s16 ();
    mr0 = mr0 != zero;
    mr1 = mr1 != zero;
    mg0 = mg0 != zero;
    mg1 = mg1 != zero;
    h0 = v_select (mr0, g0 - b0, v_select (mg0, b0 - r0 + (d0 << 1),
            r0 - g0 + (d0 << 2)));
    h1 = v_select (mr1, g1 - b1, v_select (mg1, b1 - r1 + (d1 << 1),
            r1 - g1 + (d1 << 2)));
    hsv16 (v0, d0, h0, h0, s0);
    hsv16 (v1, d1, h1, h1, s1);
    v_store_interleave (out + (size_t) x * 3, narrow_u (h0, h1),
        narrow_u (s0, s1), v);
  }
  for (; x < width; x++) {
    const uint8_t *p = in + (size_t) x * P::cn;
    int r = p[P::r], g = p[P::g], b = p[P::b];
    int v = r > g ? r : g, m = r < g ? r : g;
    v = v > b ? v : b;
    m = m < b ? m : b;
    int d = v - m;
    int h = v == r ? g - b : v == g ? b - r + 2 * d : r - g + 4 * d;
    int sdiv = v ? (int) lrintf (1044480.f / (float) v) : 0;
    int hdiv = d ? (int) lrintf (122880.f / (float) d) : 0;
    h = (h * hdiv + (1 << 11)) >> 12;
    h += h < 0 ? 180 : 0;
    out[3 * x] = (uint8_t) clamp255 (h);
    out[3 * x + 1] = (uint8_t) ((d * sdiv + (1 << 11)) >> 12);
    out[3 * x + 2] = (uint8_t) v;
  }
}

void
hsv (const uint8_t *in, const uint8_t *next_in, Order from, uint8_t *out,
    int width)
{
  if (from == ORDER_RGB)
    hsv_t<ORDER_RGB> (in, next_in, out, width);
  else
    hsv_t<ORDER_BGR> (in, next_in, out, width);
}
#endif

#if CV_SIMD512
const char build_name[] = "avx512";
#elif CV_AVX2
const char build_name[] = "avx2";
#elif CV_SSE2
const char build_name[] = "sse2";
#elif CV_NEON
const char build_name[] = "neon";
#else
const char build_name[] = "simd128";
#endif

#if CV_SSE2 && !CV_AVX2
const bool reorders_codes = false;
#else
const bool reorders_codes = true;
#endif

const Kernels table = {
  build_name, reorders_codes, decode, encode_row, encode_chroma, to8,
  interleave,
  deinterleave, reorder,
#ifdef HAVE_HSV_ROW
  hsv,
#else
  nullptr,
#endif
};

}  /* namespace */

const rows::Kernels *
kernels ()
{
  return &table;
}

#else  /* !CV_SIMD */

const rows::Kernels *
kernels ()
{
  return nullptr;
}

#endif

}  /* namespace UMATCV_ROWS_NS */
}  /* namespace umatcv */
