/* The conversions at the edges of a chain, for fused chain kernels.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Embedded in the library at build time (embed.py); umatcv-fused.cpp puts
 * it in front of the kernels it generates. The arithmetic of
 * umatcv-edges.hpp, term for term as umatcv-edges.cpp (the reference)
 * writes it: the generated code sums the chroma filter's taps (weight 16
 * in all) and passes the constants of the converter's colorimetry and bit
 * depths, which the compiler folds.
 */

/* Samples: one byte, or a little-endian word whose 10-bit sample sits
 * `shift` bits up (images are placed so that words are aligned); other
 * bits are not part of it, as on the CPU (umatcv-edges.cpp read_sample). */
#define LOAD_S8(p) ((int) *(p))
#define LOAD_S16(p, shift) \
  (((int) *((__global const ushort *) (p)) >> (shift)) & 0x3ff)
#define STORE_S8(p, v) (*(p) = (uchar) (v))
#define STORE_S16(p, v, shift) \
  (*((__global ushort *) (p)) = (ushort) ((v) << (shift)))

/* Y'CbCr to R'G'B' (in that order): 20-bit fixed point, rounded once */
inline int3 edge_decode (int y, int2 c16, int y_offset, int c_offset16,
    int cy, int crv, int cgu, int cgv, int cbu)
{
  int yy = (y - y_offset) * cy + (1 << 19);
  int cb = c16.x - c_offset16, cr = c16.y - c_offset16;
  return (int3) (clamp ((yy + cr * crv) >> 20, 0, 255),
      clamp ((yy + cb * cgu + cr * cgv) >> 20, 0, 255),
      clamp ((yy + cb * cbu) >> 20, 0, 255));
}

/* luma to 8-bit gray (OpenCV's YUV2GRAY, rounded where bits go) */
inline int edge_gray (int y, int shift)
{
  return min ((y + ((1 << shift) >> 1)) >> shift, 255);
}

/* R'G'B' to luma: 16-bit fixed point */
inline int edge_luma (int r, int g, int b, int y_offset, int cry, int cgy,
    int cby, int max_value)
{
  return clamp ((r * cry + g * cgy + b * cby + (y_offset << 16)
          + (1 << 15)) >> 16, 0, max_value);
}

/* R'G'B' sums of weight 16 to Cb, Cr: 20-bit fixed point */
inline int2 edge_chroma (int r16, int g16, int b16, int c_offset, int cru,
    int cgu, int cbu, int crv, int cgv, int cbv, int max_value)
{
  int offset = (c_offset << 20) + (1 << 19);
  return (int2) (clamp ((r16 * cru + g16 * cgu + b16 * cbu + offset) >> 20,
          0, max_value),
      clamp ((r16 * crv + g16 * cgv + b16 * cbv + offset) >> 20, 0,
          max_value));
}

/* luma from one bit depth to another: up by a shift, down rounded */
inline int edge_depth (int y, int up, int down, int max_value)
{
  return down ? min ((y + (1 << (down - 1))) >> down, max_value) : y << up;
}

/* chroma sums of weight 16 to samples of the output's depth */
inline int2 edge_rescale (int2 c16, int shift, int max_value)
{
  return min ((c16 + (1 << (shift - 1))) >> shift, (int2) (max_value));
}
