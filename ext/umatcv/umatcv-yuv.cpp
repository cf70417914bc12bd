/* umatcv Y'CbCr on the CPU for the matrices and ranges OpenCV has no code
 * for (BT.709, full range).
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenCV's 4:2:0 and 4:2:2 codes apply BT.601 limited range only. For any
 * other colorimetry the CPU path runs these loops instead: the arithmetic
 * of OpenCV's own CPU code (color_yuv.simd.hpp: 20-bit fixed point, chroma
 * of a 2x2 block from its top-left pixel when encoding, each chroma sample
 * used for the pixels it covers when decoding) with the coefficients of the
 * colorimetry, the same as the fused OpenCL kernels use, so both backends
 * give the same bytes. Rows are split over threads with cv::parallel_for_;
 * the inner loops are plain integer code the compiler vectorises.
 */
#include "umatcv-fused.hpp"

#include <opencv2/core/utility.hpp>

namespace umatcv {

namespace {

inline uint8_t
sat8 (int v)
{
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

bool
is_rgb (UmatcvLayout l)
{
  return l == UMATCV_LAYOUT_BGR || l == UMATCV_LAYOUT_RGB
      || l == UMATCV_LAYOUT_BGRA || l == UMATCV_LAYOUT_RGBA
      || l == UMATCV_LAYOUT_BGRX || l == UMATCV_LAYOUT_RGBX;
}

bool
is_422 (UmatcvLayout l)
{
  return l == UMATCV_LAYOUT_YUY2 || l == UMATCV_LAYOUT_UYVY
      || l == UMATCV_LAYOUT_YVYU;
}

bool
is_420 (UmatcvLayout l)
{
  return layout_shape (l) != Shape::PACKED;
}

/* Offsets of a 4:2:0 frame's chroma in OpenCV's single Mat (continuous,
 * step = width): U and V of block (bx, by). */
struct Chroma {
  size_t u0, v0;      /* first sample */
  size_t row;         /* bytes from one block row to the next */
  size_t step;        /* from one sample to the next in a row */
};

Chroma
chroma_of (UmatcvLayout l, int w, int h)
{
  size_t luma = (size_t) w * h, quarter = luma / 4;
  switch (l) {
    case UMATCV_LAYOUT_I420: return {luma, luma + quarter, (size_t) w / 2, 1};
    case UMATCV_LAYOUT_YV12: return {luma + quarter, luma, (size_t) w / 2, 1};
    case UMATCV_LAYOUT_NV12: return {luma, luma + 1, (size_t) w, 2};
    default: return {luma + 1, luma, (size_t) w, 2};
  }
}

inline void
decode_pixel (int y, int ruv, int guv, int buv, const YuvCoefficients &c,
    uint8_t *dst, int bidx, int dcn)
{
  int yy = std::max (0, y - c.y_offset) * c.cy;
  dst[bidx] = sat8 ((yy + buv) >> 20);
  dst[1] = sat8 ((yy + guv) >> 20);
  dst[bidx ^ 2] = sat8 ((yy + ruv) >> 20);
  if (dcn == 4)
    dst[3] = 255;
}

inline void
chroma_terms (int u, int v, const YuvCoefficients &c, int &ruv, int &guv,
    int &buv)
{
  int uu = u - 128, vv = v - 128;
  ruv = (1 << 19) + c.cvr * vv;
  guv = (1 << 19) + c.cvg * vv + c.cug * uu;
  buv = (1 << 19) + c.cub * uu;
}

/* The luma of one row of RGB: the hot loop of encoding, one pixel in and
 * one byte out, written so that the compiler vectorises it (channels and
 * order known at compile time, coefficients in registers). */
template <int SCN, int BIDX>
inline __attribute__ ((always_inline)) void
luma_row_of (const uint8_t *s, uint8_t *y, int w, int cr, int cg, int cb,
    int shift)
{
  for (int x = 0; x < w; x++) {
    int b = s[x * SCN + BIDX], g = s[x * SCN + 1], r = s[x * SCN + (BIDX ^ 2)];
    int v = (cr * r + cg * g + cb * b + shift) >> 20;
    y[x] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

/* On x86, built for AVX2 and for the baseline, picked when the library
 * loads, as OpenCV's own dispatch does: 8 pixels a step where the CPU has
 * AVX2. Elsewhere (aarch64: NEON is the baseline) one build. */
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__clang__)
#define UMATCV_ROW_CLONES \
  __attribute__ ((target_clones ("avx2", "default"), optimize ("O3")))
#elif defined(__x86_64__) || defined(__i386__)
#define UMATCV_ROW_CLONES __attribute__ ((target_clones ("avx2", "default")))
#elif !defined(__clang__)
#define UMATCV_ROW_CLONES __attribute__ ((optimize ("O3")))
#else
#define UMATCV_ROW_CLONES
#endif

UMATCV_ROW_CLONES
void
luma_row (int scn, int bidx, const uint8_t *s, uint8_t *y, int w, int cr,
    int cg, int cb, int shift)
{
  if (scn == 3 && bidx == 0)
    luma_row_of<3, 0> (s, y, w, cr, cg, cb, shift);
  else if (scn == 3)
    luma_row_of<3, 2> (s, y, w, cr, cg, cb, shift);
  else if (bidx == 0)
    luma_row_of<4, 0> (s, y, w, cr, cg, cb, shift);
  else
    luma_row_of<4, 2> (s, y, w, cr, cg, cb, shift);
}

/* The chroma of a row of 2x2 blocks, from each block's top-left pixel as
 * OpenCV takes it; u and v samples `STEP` bytes apart (2: NV12/NV21). */
template <int SCN, int BIDX, int STEP>
inline __attribute__ ((always_inline)) void
chroma_row_of (const uint8_t *s, uint8_t *u, uint8_t *v, int w,
    const int *k, int shift)
{
  const int cru = k[0], cgu = k[1], cbu = k[2], crv = k[3], cgv = k[4],
      cbv = k[5];
  for (int bx = 0; bx < w / 2; bx++) {
    const uint8_t *p = s + 2 * bx * SCN;
    int b = p[BIDX], g = p[1], r = p[BIDX ^ 2];
    int uu = (cru * r + cgu * g + cbu * b + shift) >> 20;
    int vv = (crv * r + cgv * g + cbv * b + shift) >> 20;
    u[bx * STEP] = (uint8_t) (uu < 0 ? 0 : uu > 255 ? 255 : uu);
    v[bx * STEP] = (uint8_t) (vv < 0 ? 0 : vv > 255 ? 255 : vv);
  }
}

UMATCV_ROW_CLONES
void
chroma_row (int scn, int bidx, int step, const uint8_t *s, uint8_t *u,
    uint8_t *v, int w, const int *k, int shift)
{
#define CHROMA_ROW(SCN, BIDX, STEP) \
  if (scn == SCN && bidx == BIDX && step == STEP) \
    return chroma_row_of<SCN, BIDX, STEP> (s, u, v, w, k, shift)
  CHROMA_ROW (3, 0, 1); CHROMA_ROW (3, 2, 1);
  CHROMA_ROW (4, 0, 1); CHROMA_ROW (4, 2, 1);
  CHROMA_ROW (3, 0, 2); CHROMA_ROW (3, 2, 2);
  CHROMA_ROW (4, 0, 2); CHROMA_ROW (4, 2, 2);
#undef CHROMA_ROW
}

/* Two rows of RGB from a row of 4:2:0 chroma (u and v `step` apart from
 * one sample to the next) and two rows of luma, in tiles: first each
 * chroma sample's three terms, written out once per pixel it covers, then
 * a plain loop over pixels that the compiler vectorises (no gathers, one
 * pixel per iteration). */
template <int DCN, int BIDX>
inline __attribute__ ((always_inline)) void
decode_rows_of (const uint8_t *y0, const uint8_t *y1, const uint8_t *u,
    const uint8_t *v, int step, uint8_t *d0, uint8_t *d1, int w, int yoff,
    int cy, int cvr, int cvg, int cug, int cub)
{
  enum { TILE = 256 };
  int rt[TILE], gt[TILE], bt[TILE];
  for (int x0 = 0; x0 < w; x0 += TILE) {
    int n = std::min ((int) TILE, w - x0);
    for (int i = 0; i < n / 2; i++) {
      int c = (x0 / 2 + i) * step;
      int uu = u[c] - 128, vv = v[c] - 128;
      int r = (1 << 19) + cvr * vv, g = (1 << 19) + cvg * vv + cug * uu;
      int b = (1 << 19) + cub * uu;
      rt[2 * i] = rt[2 * i + 1] = r;
      gt[2 * i] = gt[2 * i + 1] = g;
      bt[2 * i] = bt[2 * i + 1] = b;
    }
    const uint8_t *ys[2] = {y0 + x0, y1 + x0};
    uint8_t *ds[2] = {d0 + x0 * DCN, d1 + x0 * DCN};
    for (int row = 0; row < 2; row++) {
      const uint8_t *yr = ys[row];
      uint8_t *d = ds[row];
      for (int x = 0; x < n; x++) {
        int yv = yr[x] - yoff;
        int yy = (yv < 0 ? 0 : yv) * cy;
        int b = (yy + bt[x]) >> 20, g = (yy + gt[x]) >> 20;
        int r = (yy + rt[x]) >> 20;
        d[x * DCN + BIDX] = (uint8_t) (b < 0 ? 0 : b > 255 ? 255 : b);
        d[x * DCN + 1] = (uint8_t) (g < 0 ? 0 : g > 255 ? 255 : g);
        d[x * DCN + (BIDX ^ 2)] = (uint8_t) (r < 0 ? 0 : r > 255 ? 255 : r);
        if (DCN == 4)
          d[x * DCN + 3] = 255;
      }
    }
  }
}

UMATCV_ROW_CLONES
void
decode_rows (int dcn, int bidx, const uint8_t *y0, const uint8_t *y1,
    const uint8_t *u, const uint8_t *v, int step, uint8_t *d0, uint8_t *d1,
    int w, const YuvCoefficients &c)
{
  if (dcn == 3 && bidx == 0)
    decode_rows_of<3, 0> (y0, y1, u, v, step, d0, d1, w, c.y_offset, c.cy,
        c.cvr, c.cvg, c.cug, c.cub);
  else if (dcn == 3)
    decode_rows_of<3, 2> (y0, y1, u, v, step, d0, d1, w, c.y_offset, c.cy,
        c.cvr, c.cvg, c.cug, c.cub);
  else if (bidx == 0)
    decode_rows_of<4, 0> (y0, y1, u, v, step, d0, d1, w, c.y_offset, c.cy,
        c.cvr, c.cvg, c.cug, c.cub);
  else
    decode_rows_of<4, 2> (y0, y1, u, v, step, d0, d1, w, c.y_offset, c.cy,
        c.cvr, c.cvg, c.cug, c.cub);
}

}  /* namespace */

bool
yuv_matrix_step (const Op &op, UmatcvLayout from)
{
  if (op.kind != OpKind::CVT)
    return false;
  return ((is_420 (from) || is_422 (from)) && is_rgb (op.output))
      || (is_rgb (from) && is_420 (op.output));
}

void
yuv_cpu_step (const Op &op, UmatcvLayout from, const cv::Mat &src,
    cv::Mat &dst, int w, int h, const YuvCoefficients &dec,
    const YuvCoefficients &enc)
{
  UmatcvLayout to = op.output;
  if (is_420 (from)) {
    int dcn = layout_channels (to);
    int bidx = to == UMATCV_LAYOUT_RGB || to == UMATCV_LAYOUT_RGBA ? 2 : 0;
    Chroma ch = chroma_of (from, w, h);
    CV_Assert (src.isContinuous () && src.step == (size_t) w);
    const uint8_t *base = src.data;
    cv::parallel_for_ (cv::Range (0, h / 2), [&] (const cv::Range &r) {
      for (int by = r.start; by < r.end; by++) {
        const uint8_t *y0 = base + (size_t) (2 * by) * w, *y1 = y0 + w;
        uint8_t *d0 = dst.ptr (2 * by), *d1 = dst.ptr (2 * by + 1);
        const uint8_t *u = base + ch.u0 + by * ch.row;
        const uint8_t *v = base + ch.v0 + by * ch.row;
        decode_rows (dcn, bidx, y0, y1, u, v, (int) ch.step, d0, d1, w, dec);
      }
    });
  } else if (is_422 (from)) {
    int dcn = layout_channels (to);
    int bidx = to == UMATCV_LAYOUT_RGB || to == UMATCV_LAYOUT_RGBA ? 2 : 0;
    int yi = from == UMATCV_LAYOUT_UYVY ? 1 : 0;
    int ui = from == UMATCV_LAYOUT_UYVY ? 0 : from == UMATCV_LAYOUT_YVYU ? 3 : 1;
    int vi = from == UMATCV_LAYOUT_UYVY ? 2 : from == UMATCV_LAYOUT_YVYU ? 1 : 3;
    cv::parallel_for_ (cv::Range (0, h), [&] (const cv::Range &r) {
      for (int y = r.start; y < r.end; y++) {
        const uint8_t *s = src.ptr (y);
        uint8_t *d = dst.ptr (y);
        for (int x = 0; x < w / 2; x++, s += 4) {
          int ruv, guv, buv;
          chroma_terms (s[ui], s[vi], dec, ruv, guv, buv);
          decode_pixel (s[yi], ruv, guv, buv, dec, d + 2 * x * dcn, bidx, dcn);
          decode_pixel (s[yi + 2], ruv, guv, buv, dec, d + (2 * x + 1) * dcn, bidx, dcn);
        }
      }
    });
  } else {
    int scn = layout_channels (from);
    int bidx = from == UMATCV_LAYOUT_RGB || from == UMATCV_LAYOUT_RGBA
        || from == UMATCV_LAYOUT_RGBX ? 2 : 0;
    Chroma ch = chroma_of (to, w, h);
    CV_Assert (dst.isContinuous () && dst.step == (size_t) w);
    uint8_t *base = dst.data;
    const int yshift = (1 << 19) + (enc.y_offset << 20);
    const int cshift = (1 << 19) + (128 << 20);
    const int chroma_k[6] = {enc.cru, enc.cgu, enc.cbu, enc.crv, enc.cgv,
      enc.cbv};
    cv::parallel_for_ (cv::Range (0, h / 2), [&] (const cv::Range &r) {
      for (int by = r.start; by < r.end; by++) {
        for (int dy = 0; dy < 2; dy++) {
          luma_row (scn, bidx, src.ptr (2 * by + dy),
              base + (size_t) (2 * by + dy) * w, w, enc.cry, enc.cgy, enc.cby,
              yshift);
        }
        chroma_row (scn, bidx, (int) ch.step, src.ptr (2 * by),
            base + ch.u0 + by * ch.row, base + ch.v0 + by * ch.row, w,
            chroma_k, cshift);
      }
    });
  }
}

}  /* namespace umatcv */
