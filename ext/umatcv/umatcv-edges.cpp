/* umatcv edges on the CPU: the arithmetic of umatcv-edges.hpp, row by row.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This is the reference every faster version (SIMD rows, OpenCL kernels)
 * must equal byte for byte: plain integer code, one sample at a time,
 * through rows of int32 in the caller's scratch. The second half of the
 * file walks the same rows and taps with the SIMD rows of
 * umatcv-edges-simd.cpp (umatcv-edges-fast.hpp).
 */
#include "umatcv-edges-fast.hpp"

#include <opencv2/core/utility.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace umatcv {

namespace {

const int dec_shift = 20;
const int enc_shift = 16;

struct Matrix {
  double kr, kb;
};

Matrix
matrix_of (UmatcvMatrix m)
{
  switch (m) {
    case UMATCV_MATRIX_BT709: return {0.2126, 0.0722};
    case UMATCV_MATRIX_BT2020: return {0.2627, 0.0593};
    case UMATCV_MATRIX_BT601:
    default: return {0.299, 0.114};
  }
}

/* Code values of luma and chroma at a depth: offset and the span that
 * maps to [0, 1] (luma) or [-0.5, 0.5] (chroma). */
struct Levels {
  int y_offset, c_offset;
  double y_span, c_span;
};

Levels
levels_of (UmatcvRange range, int depth)
{
  int s = depth - 8;
  if (range == UMATCV_RANGE_FULL)
    return {0, 128 << s, (double) ((1 << depth) - 1),
        (double) ((1 << depth) - 1)};
  return {16 << s, 128 << s, (double) (219 << s), (double) (224 << s)};
}

int
fixed (double v, int shift)
{
  return (int) std::lround (v * (double) (1 << shift));
}

inline int
clamp_int (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* --- samples ---------------------------------------------------------- */

/* A word holds a 10-bit sample: bits beyond it (which I420_10 and the
 * other low-bit layouts must leave 0) are not part of it. */
inline int
read_sample (const uint8_t *p, const Packing &k)
{
  if (k.sample_bytes == 1)
    return *p;
  return ((int) ((unsigned) p[0] | ((unsigned) p[1] << 8)) >> k.sample_shift)
      & 0x3ff;
}

inline void
write_sample (uint8_t *p, const Packing &k, int v)
{
  if (k.sample_bytes == 1) {
    *p = (uint8_t) v;
  } else {
    unsigned w = (unsigned) v << k.sample_shift;
    p[0] = (uint8_t) w;
    p[1] = (uint8_t) (w >> 8);
  }
}

/* Luma of row y. */
void
load_luma (const View &v, int y, int32_t *out)
{
  const Packing &k = layout_packing (v.layout);
  const uint8_t *row = v.row (0, y);
  if (k.kind == Packing::Kind::YUV_PACKED) {
    for (int x = 0; x < v.width; x++)
      out[x] = row[(x >> 1) * 4 + k.pair[(x & 1) ? 2 : 0]];
  } else {
    for (int x = 0; x < v.width; x++)
      out[x] = read_sample (row + (size_t) x * k.sample_bytes, k);
  }
}

void
store_luma (const View &v, int y, const int32_t *in)
{
  const Packing &k = layout_packing (v.layout);
  uint8_t *row = v.row (0, y);
  for (int x = 0; x < v.width; x++)
    write_sample (row + (size_t) x * k.sample_bytes, k, in[x]);
}

int
chroma_width (const View &v)
{
  int xs = layout_info (v.layout).chroma_x_shift;
  return (v.width + (1 << xs) - 1) >> xs;
}

int
chroma_height (const View &v)
{
  int ys = layout_info (v.layout).chroma_y_shift;
  return (v.height + (1 << ys) - 1) >> ys;
}

/* Cb and Cr of chroma row k. */
void
load_chroma (const View &v, int k, int32_t *u, int32_t *w)
{
  const Packing &p = layout_packing (v.layout);
  int cw = chroma_width (v);
  switch (p.kind) {
    case Packing::Kind::YUV_PLANAR: {
      const uint8_t *ru = v.row (p.u_plane, k), *rv = v.row (p.v_plane, k);
      for (int j = 0; j < cw; j++) {
        u[j] = read_sample (ru + (size_t) j * p.sample_bytes, p);
        w[j] = read_sample (rv + (size_t) j * p.sample_bytes, p);
      }
      break;
    }
    case Packing::Kind::YUV_SEMI: {
      const uint8_t *r = v.row (1, k);
      int ui = p.v_first ? 1 : 0;
      for (int j = 0; j < cw; j++) {
        u[j] = read_sample (r + (size_t) (2 * j + ui) * p.sample_bytes, p);
        w[j] = read_sample (r + (size_t) (2 * j + 1 - ui) * p.sample_bytes, p);
      }
      break;
    }
    case Packing::Kind::YUV_PACKED: {
      const uint8_t *r = v.row (0, k);
      for (int j = 0; j < cw; j++) {
        u[j] = r[j * 4 + p.pair[1]];
        w[j] = r[j * 4 + p.pair[3]];
      }
      break;
    }
    default:
      CV_Error (cv::Error::StsInternal, "chroma of a layout with none");
  }
}

void
store_chroma (const View &v, int k, const int32_t *u, const int32_t *w)
{
  const Packing &p = layout_packing (v.layout);
  int cw = chroma_width (v);
  switch (p.kind) {
    case Packing::Kind::YUV_PLANAR: {
      uint8_t *ru = v.row (p.u_plane, k), *rv = v.row (p.v_plane, k);
      for (int j = 0; j < cw; j++) {
        write_sample (ru + (size_t) j * p.sample_bytes, p, u[j]);
        write_sample (rv + (size_t) j * p.sample_bytes, p, w[j]);
      }
      break;
    }
    case Packing::Kind::YUV_SEMI: {
      uint8_t *r = v.row (1, k);
      int ui = p.v_first ? 1 : 0;
      for (int j = 0; j < cw; j++) {
        write_sample (r + (size_t) (2 * j + ui) * p.sample_bytes, p, u[j]);
        write_sample (r + (size_t) (2 * j + 1 - ui) * p.sample_bytes, p, w[j]);
      }
      break;
    }
    default:
      CV_Error (cv::Error::StsInternal, "no writer for this chroma");
  }
}

/* R'G'B' of row y (GRAY: all three the gray). */
void
load_rgb (const View &v, int y, int32_t *r, int32_t *g, int32_t *b,
    int32_t *a)
{
  const Packing &p = layout_packing (v.layout);
  const uint8_t *row = v.row (0, y);
  if (p.kind == Packing::Kind::GRAY) {
    for (int x = 0; x < v.width; x++) {
      r[x] = g[x] = b[x] = row[x];
      if (a)
        a[x] = 255;
    }
    return;
  }
  int n = layout_info (v.layout).pixel_size;
  for (int x = 0; x < v.width; x++, row += n) {
    r[x] = row[p.r];
    g[x] = row[p.g];
    b[x] = row[p.b];
    if (a)
      a[x] = p.a >= 0 ? row[p.a] : 255;
  }
}

void
store_rgb (const View &v, int y, const int32_t *r, const int32_t *g,
    const int32_t *b, const int32_t *a)
{
  const Packing &p = layout_packing (v.layout);
  uint8_t *row = v.row (0, y);
  int n = layout_info (v.layout).pixel_size;
  for (int x = 0; x < v.width; x++, row += n) {
    row[p.r] = (uint8_t) r[x];
    row[p.g] = (uint8_t) g[x];
    row[p.b] = (uint8_t) b[x];
    if (n == 4) {
      /* the fourth byte: alpha, or padding, which holds alpha or 255 */
      int fourth = p.a >= 0 ? p.a : 6 - p.r - p.g - p.b;
      row[fourth] = (uint8_t) (a ? a[x] : 255);
    }
  }
}

/* --- chroma filters --------------------------------------------------- */

/* Up to three source indices and weights (summing to 4) for position i
 * of an axis. */
struct Taps {
  int n;
  int at[3], w[3];
};

/* Upsampling by 2: luma position i from chroma samples [0, count). */
Taps
up_taps (int i, int count, bool cosited)
{
  int k = i >> 1;
  Taps t;
  if (cosited) {
    if ((i & 1) == 0)
      t = {1, {k, 0, 0}, {4, 0, 0}};
    else
      t = {2, {k, std::min (k + 1, count - 1), 0}, {2, 2, 0}};
  } else {
    int side = (i & 1) ? k + 1 : k - 1;
    t = {2, {k, clamp_int (side, 0, count - 1), 0}, {3, 1, 0}};
  }
  return t;
}

/* Downsampling by 2: chroma position k from full samples [0, count). */
Taps
down_taps (int k, int count, bool cosited)
{
  int c = 2 * k;
  if (cosited)
    return {3, {clamp_int (c - 1, 0, count - 1), c,
            std::min (c + 1, count - 1)}, {1, 2, 1}};
  return {2, {c, std::min (c + 1, count - 1), 0}, {2, 2, 0}};
}

Taps
same_taps (int i)
{
  return {1, {i, 0, 0}, {4, 0, 0}};
}

/* An axis of chroma from a source with log2 subsampling `from` to a
 * destination with `to`: position i of the destination. */
Taps
axis_taps (int i, int from, int to, int src_count, bool src_cosited,
    bool dst_cosited)
{
  if (from == to)
    return same_taps (i);
  if (from > to)
    return up_taps (i, src_count, src_cosited);
  return down_taps (i, src_count, dst_cosited);
}

/* The rows (of chroma, or of full resolution when the source is R'G'B')
 * an output row of an axis reads: the first and last tap. */
void
axis_span (int i, int from, int to, int src_count, bool src_cosited,
    bool dst_cosited, int *lo, int *hi)
{
  Taps t = axis_taps (i, from, to, src_count, src_cosited, dst_cosited);
  *lo = *hi = t.at[0];
  for (int n = 1; n < t.n; n++) {
    *lo = std::min (*lo, t.at[n]);
    *hi = std::max (*hi, t.at[n]);
  }
}

/* Sums of weight 16 of chroma row (or R'G'B' rows) resampled: `rows` are
 * the source rows the vertical taps name, `vt` those taps; the horizontal
 * axis goes from `from_x` to `to_x` subsampling over `src_count` columns,
 * into `count` destination columns. */
void
resample_row (const int32_t *const *rows, const Taps &vt, int from_x,
    int to_x, int src_count, bool src_cosited, bool dst_cosited, int count,
    int32_t *column_sums, int32_t *out)
{
  for (int j = 0; j < src_count; j++) {
    int s = 0;
    for (int n = 0; n < vt.n; n++)
      s += vt.w[n] * rows[n][j];
    column_sums[j] = s;
  }
  for (int j = 0; j < count; j++) {
    Taps ht = axis_taps (j, from_x, to_x, src_count, src_cosited, dst_cosited);
    int s = 0;
    for (int n = 0; n < ht.n; n++)
      s += ht.w[n] * column_sums[ht.at[n]];
    out[j] = s;
  }
}

/* --- the four edges --------------------------------------------------- */

/* Scratch rows, each `stride` int32 long. */
struct Rows {
  int32_t *base;
  size_t stride;
  int32_t *operator[] (int i) const { return base + (size_t) i * stride; }
};

void
decode_rows (const Edge &e, const View &src, const View &dst, int y0, int y1,
    Rows s)
{
  const UmatcvLayoutInfo &in = layout_info (e.from);
  int xs = in.chroma_x_shift, ys = in.chroma_y_shift;
  int cw = chroma_width (src), ch = chroma_height (src);
  bool gray = e.to == UMATCV_LAYOUT_GRAY;
  int32_t *luma = s[0], *u16 = s[1], *v16 = s[2], *col = s[3];
  int32_t *r = s[4], *g = s[5], *b = s[6];
  int32_t *urows[2] = {s[7], s[8]}, *vrows[2] = {s[9], s[10]};

  for (int y = y0; y < y1; y++) {
    load_luma (src, y, luma);
    if (gray) {
      int s8 = e.in_depth - 8;
      for (int x = 0; x < src.width; x++)
        r[x] = std::min ((luma[x] + ((1 << s8) >> 1)) >> s8, 255);
      uint8_t *row = dst.row (0, y);
      for (int x = 0; x < src.width; x++)
        row[x] = (uint8_t) r[x];
      continue;
    }
    Taps vt = axis_taps (y, ys, 0, ch, e.in_site & UMATCV_SITE_V_COSITED,
        false);
    const int32_t *ur[3], *vr[3];
    for (int n = 0; n < vt.n; n++) {
      load_chroma (src, vt.at[n], urows[n], vrows[n]);
      ur[n] = urows[n];
      vr[n] = vrows[n];
    }
    resample_row (ur, vt, xs, 0, cw, e.in_site & UMATCV_SITE_H_COSITED, false,
        src.width, col, u16);
    resample_row (vr, vt, xs, 0, cw, e.in_site & UMATCV_SITE_H_COSITED, false,
        src.width, col, v16);
    const int round = 1 << (dec_shift - 1);
    for (int x = 0; x < src.width; x++) {
      int yy = (luma[x] - e.dec_y_offset) * e.dec_cy + round;
      int cb = u16[x] - e.dec_c_offset16, cr = v16[x] - e.dec_c_offset16;
      r[x] = clamp_int ((yy + cr * e.dec_crv) >> dec_shift, 0, 255);
      g[x] = clamp_int ((yy + cb * e.dec_cgu + cr * e.dec_cgv) >> dec_shift,
          0, 255);
      b[x] = clamp_int ((yy + cb * e.dec_cbu) >> dec_shift, 0, 255);
    }
    store_rgb (dst, y, r, g, b, nullptr);
  }
}

void
encode_rows (const Edge &e, const View &src, const View &dst, int y0, int y1,
    Rows s)
{
  const UmatcvLayoutInfo &out = layout_info (e.to);
  int xs = out.chroma_x_shift, ys = out.chroma_y_shift;
  int cw = chroma_width (dst), ch = chroma_height (dst);
  int max = (1 << e.out_depth) - 1;
  int32_t *r = s[0], *g = s[1], *b = s[2], *luma = s[3];
  int32_t *col = s[4], *r16 = s[5], *g16 = s[6], *b16 = s[7];
  int32_t *u = s[8], *v = s[9];
  int32_t *rows[3][3] = {{s[10], s[11], s[12]}, {s[13], s[14], s[15]},
    {s[16], s[17], s[18]}};

  for (int y = y0; y < y1; y++) {
    load_rgb (src, y, r, g, b, nullptr);
    for (int x = 0; x < src.width; x++)
      luma[x] = clamp_int ((r[x] * e.enc_cry + g[x] * e.enc_cgy
              + b[x] * e.enc_cby + (e.enc_y_offset << enc_shift)
              + (1 << (enc_shift - 1))) >> enc_shift, 0, max);
    store_luma (dst, y, luma);
  }

  /* the chroma rows whose first luma row is in [y0, y1) */
  int k0 = (y0 + (1 << ys) - 1) >> ys, k1 = (y1 + (1 << ys) - 1) >> ys;
  const int shift = enc_shift + 4;
  for (int k = k0; k < k1 && k < ch; k++) {
    Taps vt = axis_taps (k, 0, ys, src.height, false,
        e.out_site & UMATCV_SITE_V_COSITED);
    const int32_t *rr[3], *gr[3], *br[3];
    for (int n = 0; n < vt.n; n++) {
      load_rgb (src, vt.at[n], rows[0][n], rows[1][n], rows[2][n], nullptr);
      rr[n] = rows[0][n];
      gr[n] = rows[1][n];
      br[n] = rows[2][n];
    }
    bool cs = e.out_site & UMATCV_SITE_H_COSITED;
    resample_row (rr, vt, 0, xs, src.width, false, cs, cw, col, r16);
    resample_row (gr, vt, 0, xs, src.width, false, cs, cw, col, g16);
    resample_row (br, vt, 0, xs, src.width, false, cs, cw, col, b16);
    const int offset = (e.enc_c_offset << shift) + (1 << (shift - 1));
    for (int j = 0; j < cw; j++) {
      u[j] = clamp_int ((r16[j] * e.enc_cru + g16[j] * e.enc_cgu
              + b16[j] * e.enc_cbu + offset) >> shift, 0, max);
      v[j] = clamp_int ((r16[j] * e.enc_crv + g16[j] * e.enc_cgv
              + b16[j] * e.enc_cbv + offset) >> shift, 0, max);
    }
    store_chroma (dst, k, u, v);
  }
}

/* c16 at one depth to a sample at another, rounded once */
inline int
rescale16 (int c16, int from_depth, int to_depth)
{
  int shift = 4 + from_depth - to_depth;     /* 2, 4 or 6 */
  return std::min ((c16 + (1 << (shift - 1))) >> shift, (1 << to_depth) - 1);
}

void
convert_rows (const Edge &e, const View &src, const View &dst, int y0, int y1,
    Rows s)
{
  const UmatcvLayoutInfo &in = layout_info (e.from), &out = layout_info (e.to);
  int32_t *luma = s[0], *col = s[1], *u16 = s[2], *v16 = s[3];
  int32_t *urows[3] = {s[4], s[5], s[6]}, *vrows[3] = {s[7], s[8], s[9]};
  int src_cw = chroma_width (src), src_ch = chroma_height (src);
  int dst_cw = chroma_width (dst), dst_ch = chroma_height (dst);
  int ds = e.out_depth - e.in_depth;

  for (int y = y0; y < y1; y++) {
    load_luma (src, y, luma);
    for (int x = 0; x < src.width; x++)
      luma[x] = ds >= 0 ? luma[x] << ds
          : std::min ((luma[x] + (1 << (-ds - 1))) >> -ds, (1 << e.out_depth) - 1);
    store_luma (dst, y, luma);
  }

  int ys = out.chroma_y_shift;
  int k0 = (y0 + (1 << ys) - 1) >> ys, k1 = (y1 + (1 << ys) - 1) >> ys;
  bool in_h = e.in_site & UMATCV_SITE_H_COSITED;
  bool in_v = e.in_site & UMATCV_SITE_V_COSITED;
  bool out_h = e.out_site & UMATCV_SITE_H_COSITED;
  bool out_v = e.out_site & UMATCV_SITE_V_COSITED;
  for (int k = k0; k < k1 && k < dst_ch; k++) {
    Taps vt = axis_taps (k, in.chroma_y_shift, out.chroma_y_shift, src_ch,
        in_v, out_v);
    const int32_t *ur[3], *vr[3];
    for (int n = 0; n < vt.n; n++) {
      load_chroma (src, vt.at[n], urows[n], vrows[n]);
      ur[n] = urows[n];
      vr[n] = vrows[n];
    }
    resample_row (ur, vt, in.chroma_x_shift, out.chroma_x_shift, src_cw, in_h,
        out_h, dst_cw, col, u16);
    resample_row (vr, vt, in.chroma_x_shift, out.chroma_x_shift, src_cw, in_h,
        out_h, dst_cw, col, v16);
    for (int j = 0; j < dst_cw; j++) {
      u16[j] = rescale16 (u16[j], e.in_depth, e.out_depth);
      v16[j] = rescale16 (v16[j], e.in_depth, e.out_depth);
    }
    store_chroma (dst, k, u16, v16);
  }
}

void
reorder_rows (const View &src, const View &dst, int y0, int y1, Rows s)
{
  bool alpha = layout_packing (src.layout).a >= 0;
  for (int y = y0; y < y1; y++) {
    load_rgb (src, y, s[0], s[1], s[2], s[3]);
    store_rgb (dst, y, s[0], s[1], s[2], alpha ? s[3] : nullptr);
  }
}

/* --- the same with SIMD rows (umatcv-edges-simd.cpp) ------------------ */

rows::Order
order_of (UmatcvLayout layout)
{
  const Packing &p = layout_packing (layout);
  if (layout_info (layout).pixel_size == 3)
    return p.r == 2 ? rows::ORDER_BGR : rows::ORDER_RGB;
  int fourth = p.a >= 0 ? p.a : 6 - p.r - p.g - p.b;
  if (fourth == 3)
    return p.r == 2 ? rows::ORDER_BGRA : rows::ORDER_RGBA;
  return p.r == 1 ? rows::ORDER_ARGB : rows::ORDER_ABGR;
}

rows::Samples
samples_of (UmatcvLayout layout)
{
  const Packing &p = layout_packing (layout);
  return {p.sample_bytes, p.sample_shift};
}

bool
is_planes (UmatcvLayout layout)
{
  Packing::Kind k = layout_packing (layout).kind;
  return k == Packing::Kind::YUV_PLANAR || k == Packing::Kind::YUV_SEMI;
}

bool
is_rgb (UmatcvLayout layout)
{
  return layout_packing (layout).kind == Packing::Kind::RGB;
}

/* The first sample of Cb and Cr of chroma row k, and the samples from one
 * to the next. */
void
chroma_row (const View &v, int k, const uint8_t **u, const uint8_t **w,
    int *step)
{
  const Packing &p = layout_packing (v.layout);
  if (p.kind == Packing::Kind::YUV_PLANAR) {
    *u = v.row (p.u_plane, k);
    *w = v.row (p.v_plane, k);
    *step = 1;
  } else {
    const uint8_t *r = v.row (1, k);
    int ui = p.v_first ? 1 : 0;
    *u = r + ui * p.sample_bytes;
    *w = r + (1 - ui) * p.sample_bytes;
    *step = 2;
  }
}

/* The reference's offsets and rounding in one constant per channel: the
 * rows multiply the samples as they read them. */
rows::DecodeMatrix
decode_matrix (const Edge &e)
{
  const int base = (1 << (dec_shift - 1)) - e.dec_y_offset * e.dec_cy;
  rows::DecodeMatrix m;
  m.cy = e.dec_cy;
  m.crv = e.dec_crv;
  m.cgu = e.dec_cgu;
  m.cgv = e.dec_cgv;
  m.cbu = e.dec_cbu;
  m.k_r = base - e.dec_c_offset16 * e.dec_crv;
  m.k_g = base - e.dec_c_offset16 * (e.dec_cgu + e.dec_cgv);
  m.k_b = base - e.dec_c_offset16 * e.dec_cbu;
  return m;
}

rows::EncodeMatrix
encode_matrix (const Edge &e)
{
  const int shift = enc_shift + 4;
  rows::EncodeMatrix m;
  m.cry = e.enc_cry;
  m.cgy = e.enc_cgy;
  m.cby = e.enc_cby;
  m.k_y = (e.enc_y_offset << enc_shift) + (1 << (enc_shift - 1));
  m.cru = e.enc_cru;
  m.cgu = e.enc_cgu;
  m.cbu = e.enc_cbu;
  m.crv = e.enc_crv;
  m.cgv = e.enc_cgv;
  m.cbv = e.enc_cbv;
  m.k_c = (e.enc_c_offset << shift) + (1 << (shift - 1));
  return m;
}

void
decode_rows_fast (const Edge &e, const rows::Kernels *k, const View &src,
    const View &dst, int y0, int y1, Rows s)
{
  const UmatcvLayoutInfo &in = layout_info (e.from);
  rows::DecodeRow r {};
  r.width = src.width;
  r.chroma_width = chroma_width (src);
  r.samples = samples_of (e.from);

  if (e.to == UMATCV_LAYOUT_GRAY) {
    for (int y = y0; y < y1; y++)
      k->to8 (src.row (0, y), r.samples, src.width, dst.row (0, y));
    return;
  }
  rows::DecodeMatrix m = decode_matrix (e);
  r.h_mode = in.chroma_x_shift == 0 ? rows::H_SAME
      : (e.in_site & UMATCV_SITE_H_COSITED) ? rows::H_UP_COSITED
      : rows::H_UP_CENTRED;
  r.order = order_of (e.to);
  int ch = chroma_height (src);
  for (int y = y0; y < y1; y++) {
    Taps vt = axis_taps (y, in.chroma_y_shift, 0, ch,
        e.in_site & UMATCV_SITE_V_COSITED, false);
    for (int n = 0; n < vt.n; n++) {
      chroma_row (src, vt.at[n], &r.u[n], &r.v[n], &r.step);
      r.weights[n] = vt.w[n];
    }
    r.n_taps = vt.n;
    r.luma = src.row (0, y);
    r.next_luma = y + 1 < y1 ? src.row (0, y + 1) : nullptr;
    r.out = dst.row (0, y);
    k->decode (r, m, (int16_t *) s.base);
  }
}

/* Luma rows [y0, y1) and the chroma rows whose first luma row is in
 * there. Each input row is read once: its luma, and its R'G'B' filtered
 * along the row into one of three rows of 16-bit sums, which the chroma
 * rows then sum down the column. */
void
encode_rows_fast (const Edge &e, const rows::Kernels *k, const View &src,
    const View &dst, int y0, int y1, Rows s)
{
  const UmatcvLayoutInfo &out = layout_info (e.to);
  const int ys = out.chroma_y_shift;
  const int cw = chroma_width (dst), ch = chroma_height (dst);
  const bool v_cosited = e.out_site & UMATCV_SITE_V_COSITED;
  rows::EncodeMatrix m = encode_matrix (e);
  rows::EncodeRow r {};
  r.width = src.width;
  r.chroma_width = cw;
  r.order = order_of (e.from);
  r.h_down = (e.out_site & UMATCV_SITE_H_COSITED) ? rows::H_DOWN_COSITED
      : rows::H_DOWN_CENTRED;

  const size_t h_stride = ((size_t) cw + 64) & ~(size_t) 31;
  int16_t *ring = (int16_t *) s.base;

  int k0 = (y0 + (1 << ys) - 1) >> ys;
  int k1 = std::min ((y1 + (1 << ys) - 1) >> ys, ch);
  int lo = y0, hi = y1 - 1, f0 = 0, f1 = -1, lo_tap, hi_tap;
  if (k0 < k1) {
    axis_span (k0, 0, ys, src.height, false, v_cosited, &f0, &hi_tap);
    axis_span (k1 - 1, 0, ys, src.height, false, v_cosited, &lo_tap, &f1);
    lo = std::min (lo, f0);
    hi = std::max (hi, f1);
  }

  int next = k0;
  for (int y = lo; y <= hi; y++) {
    bool luma = y >= y0 && y < y1, filter = y >= f0 && y <= f1;
    if (!luma && !filter)
      continue;
    int slot = y % 3;
    r.in = src.row (0, y);
    r.next_in = y < hi ? src.row (0, y + 1) : nullptr;
    r.luma = luma ? dst.row (0, y) : nullptr;
    for (int c = 0; c < 3; c++)
      r.h[c] = filter ? ring + (size_t) (slot * 3 + c) * h_stride : nullptr;
    k->encode_row (r, m);

    for (; next < k1; next++) {
      Taps vt = axis_taps (next, 0, ys, src.height, false, v_cosited);
      int top = vt.at[0];
      for (int n = 1; n < vt.n; n++)
        top = std::max (top, vt.at[n]);
      if (top > y)
        break;
      rows::EncodeChroma c {};
      c.chroma_width = cw;
      c.n_taps = vt.n;
      /* its taps are among the last three rows filtered */
      for (int n = 0; n < vt.n; n++) {
        int t = vt.at[n] % 3;
        for (int i = 0; i < 3; i++)
          c.h[n][i] = ring + (size_t) (t * 3 + i) * h_stride;
        c.weights[n] = vt.w[n];
      }
      const uint8_t *u, *v;
      chroma_row (dst, next, &u, &v, &c.step);
      c.u = (uint8_t *) u;
      c.v = (uint8_t *) v;
      k->encode_chroma (c, m);
    }
  }
}

void
convert_rows_fast (const Edge &e, const rows::Kernels *k, const View &src,
    const View &dst, int y0, int y1)
{
  const Packing &pi = layout_packing (e.from);
  const rows::Samples s = samples_of (e.from);
  for (int y = y0; y < y1; y++)
    k->to8 (src.row (0, y), s, src.width, dst.row (0, y));

  int ys = layout_info (e.to).chroma_y_shift, cw = chroma_width (src);
  int k0 = (y0 + (1 << ys) - 1) >> ys;
  int k1 = std::min ((y1 + (1 << ys) - 1) >> ys, chroma_height (dst));
  for (int c = k0; c < k1; c++) {
    const uint8_t *iu, *iv, *ou, *ov;
    int istep, ostep;
    chroma_row (src, c, &iu, &iv, &istep);
    chroma_row (dst, c, &ou, &ov, &ostep);
    if (istep == 1 && ostep == 1) {
      k->to8 (iu, s, cw, (uint8_t *) ou);
      k->to8 (iv, s, cw, (uint8_t *) ov);
    } else if (istep == 1) {
      if (ou < ov)
        k->interleave (iu, iv, s, cw, (uint8_t *) ou);
      else
        k->interleave (iv, iu, s, cw, (uint8_t *) ov);
    } else if (ostep == 1) {
      if (pi.v_first)
        k->deinterleave (iv, s, cw, (uint8_t *) ov, (uint8_t *) ou);
      else
        k->deinterleave (iu, s, cw, (uint8_t *) ou, (uint8_t *) ov);
    } else {
      /* pairs in the same order (edge_rows_cover) */
      k->to8 (std::min (iu, iv), s, 2 * cw, (uint8_t *) std::min (ou, ov));
    }
  }
}

/* The edge's layouts, not the frames': a code that only moves bytes runs
 * as a reorder from the layout OpenCV sees, where padding is alpha. */
void
reorder_rows_fast (const Edge &e, const rows::Kernels *k, const View &src,
    const View &dst, int y0, int y1)
{
  bool alpha = layout_packing (e.from).a >= 0
      && layout_info (e.to).pixel_size == 4;
  rows::Order from = order_of (e.from), to = order_of (e.to);
  for (int y = y0; y < y1; y++)
    k->reorder (src.row (0, y), y + 1 < y1 ? src.row (0, y + 1) : nullptr,
        from, dst.row (0, y), to, alpha, src.width);
}

const int scratch_rows = 20;

}  /* namespace */

Edge
make_edge (const Op &op, const UmatcvColorimetry &in,
    const UmatcvColorimetry &out)
{
  Edge e {};
  e.kind = op.kind;
  e.from = op_input (op);
  e.to = op.output;
  e.in_site = in.chroma_site;
  e.out_site = out.chroma_site;
  e.in_depth = layout_info (e.from).depth;
  e.out_depth = layout_info (e.to).depth;

  Matrix dm = matrix_of (in.matrix);
  double dkg = 1.0 - dm.kr - dm.kb;
  Levels dl = levels_of (in.range, e.in_depth);
  e.dec_y_offset = dl.y_offset;
  e.dec_c_offset16 = 16 * dl.c_offset;
  e.dec_cy = fixed (255.0 / dl.y_span, dec_shift);
  double c = 255.0 / dl.c_span / 16.0;
  e.dec_crv = fixed (2.0 * (1.0 - dm.kr) * c, dec_shift);
  e.dec_cbu = fixed (2.0 * (1.0 - dm.kb) * c, dec_shift);
  e.dec_cgu = fixed (-2.0 * (1.0 - dm.kb) * dm.kb / dkg * c, dec_shift);
  e.dec_cgv = fixed (-2.0 * (1.0 - dm.kr) * dm.kr / dkg * c, dec_shift);

  Matrix em = matrix_of (out.matrix);
  double ekg = 1.0 - em.kr - em.kb;
  Levels el = levels_of (out.range, e.out_depth);
  e.enc_y_offset = el.y_offset;
  e.enc_c_offset = el.c_offset;
  double ys = el.y_span / 255.0, cs = el.c_span / 255.0;
  e.enc_cry = fixed (em.kr * ys, enc_shift);
  e.enc_cgy = fixed (ekg * ys, enc_shift);
  e.enc_cby = fixed (em.kb * ys, enc_shift);
  e.enc_cru = fixed (-em.kr / (2.0 * (1.0 - em.kb)) * cs, enc_shift);
  e.enc_cgu = fixed (-ekg / (2.0 * (1.0 - em.kb)) * cs, enc_shift);
  e.enc_cbu = fixed (0.5 * cs, enc_shift);
  e.enc_crv = fixed (0.5 * cs, enc_shift);
  e.enc_cgv = fixed (-ekg / (2.0 * (1.0 - em.kr)) * cs, enc_shift);
  e.enc_cbv = fixed (-em.kb / (2.0 * (1.0 - em.kr)) * cs, enc_shift);
  return e;
}

void
edge_input_rows (const Edge &e, int height, int y0, int y1, int *in_y0,
    int *in_y1)
{
  const UmatcvLayoutInfo &in = layout_info (e.from), &out = layout_info (e.to);
  int lo = y0, hi = y1 - 1;
  if ((e.kind == OpKind::DECODE_YUV && in.chroma_y_shift == 1
          && e.to != UMATCV_LAYOUT_GRAY)
      || (e.kind == OpKind::CONVERT_YUV && in.chroma_y_shift > out.chroma_y_shift)) {
    /* chroma rows above and below, as luma rows of the input */
    int ch = (height + 1) >> 1, a, b;
    axis_span (y0, 1, 0, ch, e.in_site & UMATCV_SITE_V_COSITED, false, &a, &b);
    lo = std::min (lo, 2 * a);
    axis_span (y1 - 1, 1, 0, ch, e.in_site & UMATCV_SITE_V_COSITED, false, &a,
        &b);
    hi = std::max (hi, 2 * b + 1);
  } else if (e.kind == OpKind::ENCODE_YUV
      || (e.kind == OpKind::CONVERT_YUV && in.chroma_y_shift < out.chroma_y_shift)) {
    /* the full-resolution rows each output chroma row filters */
    int a, b;
    if (out.chroma_y_shift == 1) {
      axis_span (y0 >> 1, 0, 1, height, false,
          e.out_site & UMATCV_SITE_V_COSITED, &a, &b);
      lo = std::min (lo, a);
      axis_span ((y1 - 1) >> 1, 0, 1, height, false,
          e.out_site & UMATCV_SITE_V_COSITED, &a, &b);
      hi = std::max (hi, b);
    }
  }
  *in_y0 = std::max (lo, 0);
  *in_y1 = std::min (hi + 1, height);
}

size_t
edge_scratch_bytes (int width)
{
  return (size_t) scratch_rows * ((size_t) width + 16) * sizeof (int32_t);
}

void
run_edge (const Edge &edge, const View &src, const View &dst, int y0, int y1,
    int32_t *scratch)
{
  Rows s {scratch, (size_t) src.width + 16};
  switch (edge.kind) {
    case OpKind::DECODE_YUV:
      decode_rows (edge, src, dst, y0, y1, s);
      break;
    case OpKind::ENCODE_YUV:
      encode_rows (edge, src, dst, y0, y1, s);
      break;
    case OpKind::CONVERT_YUV:
      convert_rows (edge, src, dst, y0, y1, s);
      break;
    case OpKind::REORDER:
      reorder_rows (src, dst, y0, y1, s);
      break;
    default:
      CV_Error (cv::Error::StsInternal, "not an edge");
  }
}

const rows::Kernels *
edge_rows_pick ()
{
  /* the widest this build and CPU have, or below it the one asked for */
  const char *env = getenv ("UMATCV_CPU_EDGES");
  std::string want = env ? env : "";
  if (want == "scalar")
    return nullptr;
  const rows::Kernels *rows = rows_baseline::kernels ();
  if (want == "baseline")
    return rows;
#ifdef UMATCV_ROWS_AVX2
  if (cv::checkHardwareSupport (CV_CPU_AVX2))
    rows = rows_avx2::kernels ();
  else
    return rows;
  if (want == "avx2")
    return rows;
#endif
#ifdef UMATCV_ROWS_AVX512
  if (cv::checkHardwareSupport (CV_CPU_AVX512_SKX))
    rows = rows_avx512::kernels ();
#endif
  return rows;
}

bool
edge_rows_cover (const Edge &e, const rows::Kernels *rows)
{
  if (rows == nullptr)
    return false;
  const UmatcvLayoutInfo &in = layout_info (e.from), &out = layout_info (e.to);
  switch (e.kind) {
    case OpKind::DECODE_YUV:
      return is_planes (e.from)
          && (e.to == UMATCV_LAYOUT_GRAY || is_rgb (e.to));
    case OpKind::ENCODE_YUV:
      /* G's coefficient goes into two 16-bit halves */
      return is_rgb (e.from) && is_planes (e.to) && out.depth == 8
          && out.chroma_x_shift == 1 && e.enc_cgy < 65536
          && e.enc_cry < 32768 && e.enc_cby < 32768;
    case OpKind::CONVERT_YUV:
      return is_planes (e.from) && is_planes (e.to) && out.depth == 8
          && in.chroma_x_shift == out.chroma_x_shift
          && in.chroma_y_shift == out.chroma_y_shift
          && !(layout_packing (e.from).kind == Packing::Kind::YUV_SEMI
              && layout_packing (e.to).kind == Packing::Kind::YUV_SEMI
              && layout_packing (e.from).v_first
              != layout_packing (e.to).v_first);
    case OpKind::REORDER:
      return is_rgb (e.from) && is_rgb (e.to);
    default:
      return false;
  }
}

void
run_edge_rows (const Edge &edge, const rows::Kernels *rows, const View &src,
    const View &dst, int y0, int y1, int32_t *scratch)
{
  if (!edge_rows_cover (edge, rows)) {
    run_edge (edge, src, dst, y0, y1, scratch);
    return;
  }
  Rows s {scratch, (size_t) src.width + 16};
  switch (edge.kind) {
    case OpKind::DECODE_YUV:
      decode_rows_fast (edge, rows, src, dst, y0, y1, s);
      break;
    case OpKind::ENCODE_YUV:
      encode_rows_fast (edge, rows, src, dst, y0, y1, s);
      break;
    case OpKind::CONVERT_YUV:
      convert_rows_fast (edge, rows, src, dst, y0, y1);
      break;
    case OpKind::REORDER:
      reorder_rows_fast (edge, rows, src, dst, y0, y1);
      break;
    default:
      CV_Error (cv::Error::StsInternal, "not an edge");
  }
}

}  /* namespace umatcv */
