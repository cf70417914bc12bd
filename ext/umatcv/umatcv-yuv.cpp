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
  return layout_info (l).shape != Shape::PACKED;
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
    int dcn = layout_info (to).channels;
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
        for (int bx = 0; bx < w / 2; bx++) {
          int ruv, guv, buv;
          chroma_terms (u[bx * ch.step], v[bx * ch.step], dec, ruv, guv, buv);
          decode_pixel (y0[2 * bx], ruv, guv, buv, dec, d0 + 2 * bx * dcn, bidx, dcn);
          decode_pixel (y0[2 * bx + 1], ruv, guv, buv, dec, d0 + (2 * bx + 1) * dcn, bidx, dcn);
          decode_pixel (y1[2 * bx], ruv, guv, buv, dec, d1 + 2 * bx * dcn, bidx, dcn);
          decode_pixel (y1[2 * bx + 1], ruv, guv, buv, dec, d1 + (2 * bx + 1) * dcn, bidx, dcn);
        }
      }
    });
  } else if (is_422 (from)) {
    int dcn = layout_info (to).channels;
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
    int scn = layout_info (from).channels;
    int bidx = from == UMATCV_LAYOUT_RGB || from == UMATCV_LAYOUT_RGBA
        || from == UMATCV_LAYOUT_RGBX ? 2 : 0;
    Chroma ch = chroma_of (to, w, h);
    CV_Assert (dst.isContinuous () && dst.step == (size_t) w);
    uint8_t *base = dst.data;
    const int yshift = (1 << 19) + (enc.y_offset << 20);
    const int cshift = (1 << 19) + (128 << 20);
    cv::parallel_for_ (cv::Range (0, h / 2), [&] (const cv::Range &r) {
      for (int by = r.start; by < r.end; by++) {
        for (int dy = 0; dy < 2; dy++) {
          const uint8_t *s = src.ptr (2 * by + dy);
          uint8_t *yrow = base + (size_t) (2 * by + dy) * w;
          for (int x = 0; x < w; x++, s += scn) {
            int b = s[bidx], g = s[1], rr = s[bidx ^ 2];
            yrow[x] = sat8 ((enc.cry * rr + enc.cgy * g + enc.cby * b + yshift) >> 20);
          }
        }
        /* chroma of each block's top-left pixel, as OpenCV takes it */
        const uint8_t *s = src.ptr (2 * by);
        uint8_t *u = base + ch.u0 + by * ch.row, *v = base + ch.v0 + by * ch.row;
        for (int bx = 0; bx < w / 2; bx++, s += 2 * scn) {
          int b = s[bidx], g = s[1], rr = s[bidx ^ 2];
          u[bx * ch.step] = sat8 ((enc.cru * rr + enc.cgu * g + enc.cbu * b + cshift) >> 20);
          v[bx * ch.step] = sat8 ((enc.crv * rr + enc.cgv * g + enc.cbv * b + cshift) >> 20);
        }
      }
    });
  }
}

}  /* namespace umatcv */
