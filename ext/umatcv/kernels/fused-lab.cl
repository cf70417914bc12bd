/* BGR2Lab for fused chain kernels.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Embedded in the library at build time (embed.py); umatcv-fused.cpp puts
 * it in front of the kernel it generates for a chain. Needs the
 * tables umatcv-fused.cpp writes in front (lab_gamma_b, lab_cbrt_b).
 */
/* color_lab.cl: BGR2Lab, 8 bits, sRGB */
inline int4 rgb2lab (int4 p, __constant int *coeffs)
{
  int C0 = coeffs[0], C1 = coeffs[1], C2 = coeffs[2],
      C3 = coeffs[3], C4 = coeffs[4], C5 = coeffs[5],
      C6 = coeffs[6], C7 = coeffs[7], C8 = coeffs[8];
  const int Lscale = (116 * 255 + 50) / 100;
  const int Lshift = -((16 * 255 * (1 << 15) + 50) / 100);

  int R = lab_gamma_b[p.x], G = lab_gamma_b[p.y], B = lab_gamma_b[p.z];
  int fX = lab_cbrt_b[DESCALE (mad24 (R, C0, mad24 (G, C1, B * C2)), 12)];
  int fY = lab_cbrt_b[DESCALE (mad24 (R, C3, mad24 (G, C4, B * C5)), 12)];
  int fZ = lab_cbrt_b[DESCALE (mad24 (R, C6, mad24 (G, C7, B * C8)), 12)];

  int L = DESCALE (Lscale * fY + Lshift, 15);
  int a = DESCALE (mad24 (500, fX - fY, 128 * (1 << 15)), 15);
  int b = DESCALE (mad24 (200, fY - fZ, 128 * (1 << 15)), 15);
  return (int4) (SAT8 (L), SAT8 (a), SAT8 (b), 0);
}

