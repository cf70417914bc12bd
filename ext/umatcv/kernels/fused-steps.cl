/* The per-step device functions of fused chain kernels.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Embedded in the library at build time (embed.py); umatcv-fused.cpp puts
 * it in front of the kernel it generates for a chain. One pixel is an
 * int4 of channel values in memory order (GRAY in .x). Bodies follow OpenCV
 * 4.6's 8-bit kernels line by line (but where a comment says otherwise): do
 * not "simplify" them, the rounding is the point.
 */
#pragma OPENCL FP_CONTRACT OFF
#define DESCALE(x,n) (((x) + (1 << ((n)-1))) >> (n))
#define SAT8(v) ((int) convert_uchar_sat (v))
/* convert_uchar_sat_rte / convert_uchar_sat of a float, spelt so that PoCL
 * vectorises them (its rounding-mode conversions are scalar calls) */
#define U8_RTE(x) ((int) clamp (rint (x), 0.f, 255.f))
#define U8_RTZ(x) ((int) clamp ((x), 0.f, 255.f))
#define BLUE(p, bidx) ((bidx) == 0 ? (p).x : (p).z)
#define RED(p, bidx) ((bidx) == 0 ? (p).z : (p).x)
/* The byte offset of column byte x of row y: frames may pass 2^31 bytes,
 * so rows are counted in 64 bits (a row itself is well below 2^31). */
#define AT(y, step, x) ((size_t) (y) * (size_t) (step) + (size_t) (x))

/* tab[sector_data[sector][c]] without indexing a private array (which
 * keeps PoCL from vectorising): the same choice, by comparisons */
inline float3 sector_pick (int sector, float t0, float t1, float t2, float t3)
{
  float b = sector < 2 ? t1 : sector == 2 ? t3 : sector < 5 ? t0 : t2;
  float g = sector < 1 ? t3 : sector < 3 ? t0 : sector == 3 ? t2 : t1;
  float r = sector < 1 ? t0 : sector == 1 ? t2 : sector < 4 ? t1 : sector == 4 ? t3 : t0;
  return (float3) (b, g, r);
}

inline int4 put_bgr (int b, int g, int r, int bidx)
{
  return bidx == 0 ? (int4) (b, g, r, 255) : (int4) (r, g, b, 255);
}

/* channel order and alpha (color_rgb.cl: RGB) */
inline int4 reorder (int4 p, int swap, int scn, int dcn)
{
  int4 q = swap ? (int4) (p.z, p.y, p.x, p.w) : p;
  if (scn == 3 && dcn == 4)
    q.w = 255;
  return q;
}

/* color_rgb.cl: RGB2Gray, Gray2RGB */
inline int4 rgb2gray (int4 p, int bidx)
{
  int v = DESCALE (mad24 (BLUE (p, bidx), 3735, mad24 (p.y, 19235,
              mul24 (RED (p, bidx), 9798))), 15);
  return (int4) (v, 0, 0, 0);
}

inline int4 gray2rgb (int4 p)
{
  return (int4) (p.x, p.x, p.x, 255);
}

/* color_hsv.cl: RGB2HSV, 8 bits */
inline int4 rgb2hsv (int4 p, int bidx, int hrange, __constant int *sdiv_table,
    __constant int *hdiv_table)
{
  int b = BLUE (p, bidx), g = p.y, r = RED (p, bidx);
  int h, s, v = b;
  int vmin = b, diff;
  int vr, vg;

  v = max (v, g);
  v = max (v, r);
  vmin = min (vmin, g);
  vmin = min (vmin, r);

  diff = v - vmin;
  vr = v == r ? -1 : 0;
  vg = v == g ? -1 : 0;

  s = mad24 (diff, sdiv_table[v], (1 << (12 - 1))) >> 12;
  h = (vr & (g - b)) +
      (~vr & ((vg & mad24 (diff, 2, b - r)) + ((~vg) & mad24 (4, diff, r - g))));
  h = mad24 (h, hdiv_table[diff], (1 << (12 - 1))) >> 12;
  h += h < 0 ? hrange : 0;
  return (int4) (SAT8 (h), s, v, 0);
}

/* color_hsv.cl: HSV2RGB, 8 bits, with one change: OpenCV's CPU code
 * (color_hsv.simd.hpp, HSV2RGB_b) truncates where its SIMD loop runs (the
 * first simd_cols pixels of a row) and rounds in the scalar tail; the
 * OpenCL kernel always rounds. We follow the CPU. */
inline int4 hsv2rgb (int4 p, int bidx, float hscale, int truncate)
{
  /* Branch-free (PoCL vectorises only that), same values: for s == 0
   * every entry of the table is v, as the kernel's else branch gives.
   * 8-bit hues are >= 0 and below 255 * 6/180 = 8.5, so the kernel's
   * "do h -= 6 while (h >= 6)" runs at most once and the sector is < 6. */
  float h = p.x, s = p.y * (1 / 255.f), v = p.z * (1 / 255.f);
  h *= hscale;
  h = h >= 6 ? h - 6 : h;
  int sector = (int) h;         /* convert_int_sat_rtn: h >= 0 */
  h -= sector;
  float t2, t3;
  if (truncate && HSV_SIMD_FMA) {
    /* GCC contracts OpenCV's AVX2 loop: 1 - s h is one fused op there */
    t2 = v * fma (-s, h, 1.f);
    t3 = v * fma (-s, 1.f - h, 1.f);
  } else {
    t2 = v * (1.f - s * h);
    t3 = v * (1.f - s * (1.f - h));
  }
  float t1 = v * (1.f - s);
  float b = (sector < 2 ? t1 : sector == 2 ? t3 : sector < 5 ? v : t2) * 255.f;
  float g = (sector < 1 ? t3 : sector < 3 ? v : sector == 3 ? t2 : t1) * 255.f;
  float r = (sector < 1 ? v : sector == 1 ? t2 : sector < 4 ? t1
      : sector == 4 ? t3 : v) * 255.f;
  int qb = truncate ? U8_RTZ (b) : U8_RTE (b);
  int qg = truncate ? U8_RTZ (g) : U8_RTE (g);
  int qr = truncate ? U8_RTZ (r) : U8_RTE (r);
  return put_bgr (qb, qg, qr, bidx);
}

/* color_hsv.cl: RGB2HLS, 8 bits */
inline int4 rgb2hls (int4 p, int bidx, float hscale)
{
  float b = BLUE (p, bidx) * (1 / 255.f), g = p.y * (1 / 255.f),
      r = RED (p, bidx) * (1 / 255.f);
  float h = 0.f, s = 0.f, l;
  float vmin, vmax, diff;

  vmax = vmin = r;
  if (vmax < g) vmax = g;
  if (vmax < b) vmax = b;
  if (vmin > g) vmin = g;
  if (vmin > b) vmin = b;

  diff = vmax - vmin;
  l = (vmax + vmin) * 0.5f;

  if (diff > FLT_EPSILON) {
    s = l < 0.5f ? diff / (vmax + vmin) : diff / (2 - vmax - vmin);
    diff = 60.f / diff;

    if (vmax == r)
      h = (g - b) * diff;
    else if (vmax == g)
      h = fma (b - r, diff, 120.f);
    else
      h = fma (r - g, diff, 240.f);

    if (h < 0.f)
      h += 360.f;
  }
  return (int4) (U8_RTE (h * hscale),
      U8_RTE (l * 255.f), U8_RTE (s * 255.f), 0);
}

/* color_hsv.cl: HLS2RGB, 8 bits */
inline int4 hls2rgb (int4 p, int bidx, float hscale)
{
  float h = p.x, l = p.y * (1.f / 255.f), s = p.z * (1.f / 255.f);
  float b, g, r;

  if (s != 0) {
    float p2 = l <= 0.5f ? l * (1 + s) : l + s - l * s;
    float p1 = 2 * l - p2;

    h *= hscale;
    if (h >= 6)     /* once at most, as in hsv2rgb */
      h -= 6;

    int sector = (int) h;       /* convert_int_sat_rtn: h >= 0 here */
    h -= sector;

    float3 bgr = sector_pick (sector, p2, p1, fma (p2 - p1, 1 - h, p1),
        fma (p2 - p1, h, p1));
    b = bgr.x;
    g = bgr.y;
    r = bgr.z;
  } else
    b = g = r = l;

  return put_bgr (U8_RTE (b * 255.f),
      U8_RTE (g * 255.f), U8_RTE (r * 255.f),
      bidx);
}

/* color_yuv.cl: RGB2YCrCb, YCrCb2RGB, 8 bits */
inline int4 rgb2ycrcb (int4 p, int bidx)
{
  int b = BLUE (p, bidx), g = p.y, r = RED (p, bidx);
  int delta = 128 * (1 << 14);
  int Y = DESCALE (mad24 (b, 1868, mad24 (g, 9617, mul24 (r, 4899))), 14);
  int Cr = DESCALE (mad24 (r - Y, 11682, delta), 14);
  int Cb = DESCALE (mad24 (b - Y, 9241, delta), 14);
  return (int4) (SAT8 (Y), SAT8 (Cr), SAT8 (Cb), 0);
}

inline int4 ycrcb2rgb (int4 p, int bidx)
{
  int yp = p.x, cr = p.y, cb = p.z;
  int r = yp + DESCALE (22987 * (cr - 128), 14);
  int g = yp + DESCALE (mad24 (-11698, cr - 128, -5636 * (cb - 128)), 14);
  int b = yp + DESCALE (29049 * (cb - 128), 14);
  return put_bgr (SAT8 (b), SAT8 (g), SAT8 (r), bidx);
}

/* color_lab.cl: RGB2XYZ, XYZ2RGB, 8 bits (coefficients already swapped) */
inline int4 rgb2xyz (int4 p, __constant int *coeffs)
{
  int r = p.x, g = p.y, b = p.z;
  int x = DESCALE (mad24 (r, coeffs[0], mad24 (g, coeffs[1], b * coeffs[2])), 12);
  int y = DESCALE (mad24 (r, coeffs[3], mad24 (g, coeffs[4], b * coeffs[5])), 12);
  int z = DESCALE (mad24 (r, coeffs[6], mad24 (g, coeffs[7], b * coeffs[8])), 12);
  return (int4) (SAT8 (x), SAT8 (y), SAT8 (z), 0);
}

inline int4 xyz2rgb (int4 p, __constant int *coeffs)
{
  int x = p.x, y = p.y, z = p.z;
  int b = DESCALE (mad24 (x, coeffs[0], mad24 (y, coeffs[1], z * coeffs[2])), 12);
  int g = DESCALE (mad24 (x, coeffs[3], mad24 (y, coeffs[4], z * coeffs[5])), 12);
  int r = DESCALE (mad24 (x, coeffs[6], mad24 (y, coeffs[7], z * coeffs[8])), 12);
  return (int4) (SAT8 (b), SAT8 (g), SAT8 (r), 255);
}
