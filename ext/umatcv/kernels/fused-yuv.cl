/* Y'CbCr for fused chain kernels: OpenCV's CPU
 * fixed point (color_yuv.simd.hpp: uvToRGBuv, yRGBuvToRGBA, rgbToY42x,
 * rgbToUV42x).
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Embedded in the library at build time (embed.py); umatcv-fused.cpp puts
 * it in front of the kernel it generates for a chain. The coefficients
 * (DEC_*, ENC_*) are macros umatcv-fused.cpp defines for the converter's
 * colorimetry.
 */
inline int4 yuv2rgb (int y, int u, int v, int bidx)
{
  int uu = u - 128, vv = v - 128;
  int ruv = (1 << 19) + DEC_CVR * vv;
  int guv = (1 << 19) + DEC_CVG * vv + DEC_CUG * uu;
  int buv = (1 << 19) + DEC_CUB * uu;
  int yy = max (0, y - DEC_YOFF) * DEC_CY;
  return put_bgr (SAT8 ((yy + buv) >> 20), SAT8 ((yy + guv) >> 20),
      SAT8 ((yy + ruv) >> 20), bidx);
}

inline int rgb2y (int4 p, int bidx)
{
  int r = RED (p, bidx), g = p.y, b = BLUE (p, bidx);
  return SAT8 ((ENC_CRY * r + ENC_CGY * g + ENC_CBY * b + (1 << 19)
          + (ENC_YOFF << 20)) >> 20);
}

inline int2 rgb2uv (int4 p, int bidx)
{
  int r = RED (p, bidx), g = p.y, b = BLUE (p, bidx);
  int uu = ENC_CRU * r + ENC_CGU * g + ENC_CBU * b + (1 << 19) + (128 << 20);
  int vv = ENC_CRV * r + ENC_CGV * g + ENC_CBV * b + (1 << 19) + (128 << 20);
  return (int2) (SAT8 (uu >> 20), SAT8 (vv >> 20));
}
