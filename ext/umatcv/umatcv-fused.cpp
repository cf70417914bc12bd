/* umatcv fused kernels: a whole chain as one generated OpenCL kernel.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain of k cvtColor calls reads and writes every frame k times. Here the
 * chain becomes one kernel: each work item loads one pixel (a 2x2 block when
 * 4:2:0 is on the way, a pixel pair for 4:2:2 input), runs every step on it
 * in registers and stores once. Every step ends in 8 bits exactly where its
 * cvtColor call would, so the result is the step-by-step result.
 *
 * Each step's arithmetic is copied from OpenCV 4.6's own 8-bit OpenCL kernel
 * (modules/imgproc/src/opencl/color_{rgb,hsv,lab,yuv}.cl), tables and
 * constants included, built the way the host side (color_*.cpp) builds
 * them, except where that kernel and OpenCV's CPU code disagree: there the
 * CPU wins. HSV2BGR truncates as the CPU's SIMD loop does (hsv2rgb), the
 * HSV/HLS scales are the CPU's exact floats, and the 4:2:0/4:2:2 matrix
 * steps use the CPU's 20-bit fixed point with the coefficients of the
 * converter's colorimetry. Result: equal to cvtColor on the CPU for every
 * covered code but the HLS ones (within 1); tests/check/fused checks every
 * code on all 2^24 colours. Lab2BGR (an integer algorithm of its own on the
 * CPU), Luv, 4:4:4 YUV, LBGR/LRGB and mRGBA are not covered.
 */
#include "umatcv-fused.hpp"
#include "umatcv-kernels.hpp"

#include <opencv2/core/softfloat.hpp>
#include <opencv2/imgproc.hpp>
#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>

#include <cmath>
#include <sstream>

using cv::softdouble;
using cv::softfloat;

namespace umatcv {

namespace {

/* --- tables, built as OpenCV 4.6 builds them --------------------------- */

const int hsv_shift = 12;

void
hsv_tables (int sdiv[256], int hdiv180[256], int hdiv256[256])
{
  sdiv[0] = hdiv180[0] = hdiv256[0] = 0;
  for (int i = 1; i < 256; i++) {
    sdiv[i] = cv::saturate_cast<int> ((255 << hsv_shift) / (1. * i));
    hdiv180[i] = cv::saturate_cast<int> ((180 << hsv_shift) / (6. * i));
    hdiv256[i] = cv::saturate_cast<int> ((256 << hsv_shift) / (6. * i));
  }
}

/* color_lab.cpp */
const softdouble sRGB2XYZ_D65[] = {
  softdouble::fromRaw (0x3fda65a14488c60d), softdouble::fromRaw (0x3fd6e297396d0918),
  softdouble::fromRaw (0x3fc71819d2391d58), softdouble::fromRaw (0x3fcb38cda6e75ff6),
  softdouble::fromRaw (0x3fe6e297396d0918), softdouble::fromRaw (0x3fb279aae6c8f755),
  softdouble::fromRaw (0x3f93cc4ac6cdaf4b), softdouble::fromRaw (0x3fbe836eb4e98138),
  softdouble::fromRaw (0x3fee68427418d691)
};
const softdouble D65[] = {softdouble::fromRaw (0x3fee6a22b3892ee8),
    softdouble::one (), softdouble::fromRaw (0x3ff16b8950763a19)};
const int sRGB2XYZ_D65_i[] = {1689, 1465, 739, 871, 2929, 296, 79, 488, 3892};
const int XYZ2sRGB_D65_i[] = {13273, -6296, -2042, -3970, 7684, 170, 228,
    -836, 4331};

const int lab_shift = 12, gamma_shift = 3, lab_shift2 = lab_shift + gamma_shift;
const int LAB_CBRT_TAB_SIZE_B = 256 * 3 / 2 * (1 << gamma_shift);

const softdouble gammaThreshold = softdouble (809) / softdouble (20000);
const softdouble gammaLowScale = softdouble (323) / softdouble (25);
const softdouble gammaPower = softdouble (12) / softdouble (5);
const softdouble gammaXshift = softdouble (11) / softdouble (200);
const softfloat lthresh = softfloat (216) / softfloat (24389);
const softfloat lscale = softfloat (841) / softfloat (108);
const softfloat lbias = softfloat (16) / softfloat (116);
const softfloat f255 (255);

softfloat
apply_gamma (softfloat x)
{
  softdouble xd = x;
  return (xd <= gammaThreshold ? xd / gammaLowScale
      : pow ((xd + gammaXshift) / (softdouble::one () + gammaXshift),
          gammaPower));
}

template <class T>
std::string
array_literal (const char *decl, const T *v, size_t n)
{
  std::ostringstream s;
  s << "__constant " << decl << "[" << n << "] = {";
  for (size_t i = 0; i < n; i++)
    s << (i % 16 == 0 ? "\n  " : "") << v[i] << ",";
  s << "\n};\n";
  return s.str ();
}

std::string
lab_tables ()
{
  ushort gamma_b[256], cbrt_b[LAB_CBRT_TAB_SIZE_B];
  static const softfloat intScale (255 * (1 << gamma_shift));
  for (int i = 0; i < 256; i++) {
    softfloat x = softfloat (i) / f255;
    gamma_b[i] = (ushort) (cvRound (intScale * apply_gamma (x)));
  }
  static const softfloat cbTabScale (softfloat::one ()
      / (f255 * (1 << gamma_shift)));
  static const softfloat lshift2 (1 << lab_shift2);
  for (int i = 0; i < LAB_CBRT_TAB_SIZE_B; i++) {
    softfloat x = cbTabScale * softfloat (i);
    cbrt_b[i] = (ushort) (cvRound (lshift2 * (x < lthresh
                ? mulAdd (x, lscale, lbias) : cbrt (x))));
  }
  std::string s = array_literal ("ushort lab_gamma_b", gamma_b, 256);
  s += array_literal ("ushort lab_cbrt_b", cbrt_b, LAB_CBRT_TAB_SIZE_B);

  return s;
}

/* BGR2Lab's integer coefficients (oclCvtColorBGR2Lab) */
std::string
lab_forward_coeffs (int bidx)
{
  int coeffs[9];
  static const softfloat lshift (1 << lab_shift);
  for (int i = 0; i < 3; i++) {
    coeffs[i * 3 + (bidx ^ 2)] = cvRound (lshift * sRGB2XYZ_D65[i * 3] / D65[i]);
    coeffs[i * 3 + 1] = cvRound (lshift * sRGB2XYZ_D65[i * 3 + 1] / D65[i]);
    coeffs[i * 3 + bidx] = cvRound (lshift * sRGB2XYZ_D65[i * 3 + 2] / D65[i]);
  }
  return array_literal (bidx ? "int lab_fwd_rgb" : "int lab_fwd_bgr", coeffs, 9);
}

std::string
xyz_coeffs (int bidx)
{
  int f[9], b[9];
  for (int i = 0; i < 9; i++) {
    f[i] = sRGB2XYZ_D65_i[i];
    b[i] = XYZ2sRGB_D65_i[i];
  }
  if (bidx == 0) {
    std::swap (f[0], f[2]); std::swap (f[3], f[5]); std::swap (f[6], f[8]);
    std::swap (b[0], b[6]); std::swap (b[1], b[7]); std::swap (b[2], b[8]);
  }
  const char *sfx = bidx ? "rgb" : "bgr";
  return array_literal ((std::string ("int xyz_fwd_") + sfx).c_str (), f, 9)
      + array_literal ((std::string ("int xyz_inv_") + sfx).c_str (), b, 9);
}

/* How many pixels of a row of `width` OpenCV's CPU HSV2BGR converts in its
 * SIMD loop (the rest, the tail, it rounds instead of truncating): depends
 * on the vector width of the code OpenCV dispatched to on this CPU, so ask
 * it. A fully saturated colour of value v and hue h in sector 0 has green
 * = v h', h' the hue's fraction of the sector: pick one whose green is
 * nowhere near an integer, so that the SIMD loop and the tail differ. */
int
hsv_simd_columns (int width, bool full)
{
  float hscale = 6.f / (full ? 255 : 180);
  int hue = -1, value = 0;
  float green = 0;
  for (int h = 1; h < 30 && hue < 0; h++) {
    for (int v = 1; v < 256 && hue < 0; v++) {
      float g = v * (h * hscale);
      if (h * hscale < 1.f && g - std::floor (g) > 0.6f
          && g - std::floor (g) < 0.9f) {
        hue = h;
        value = v;
        green = g;
      }
    }
  }
  CV_Assert (hue > 0);
  cv::Mat row (1, width, CV_8UC3, cv::Scalar (hue, 255, value)), bgr;
  cv::cvtColor (row, bgr, full ? cv::COLOR_HSV2BGR_FULL : cv::COLOR_HSV2BGR);
  int x = 0;
  while (x < width && bgr.at<cv::Vec3b> (0, x)[1] == (int) std::floor (green))
    x++;
  return x;
}




/* --- generation -------------------------------------------------------- */

const uint64_t rgb_family = UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_BGR)
    | UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_RGB) | UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_BGRA)
    | UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_RGBA) | UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_BGRX)
    | UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_RGBX);

bool
is (uint64_t mask, UmatcvLayout l)
{
  return (mask & UMATCV_LAYOUT_BIT (l)) != 0;
}

bool
is_420 (UmatcvLayout l)
{
  return layout_shape (l) != Shape::PACKED;
}

bool
is_422 (UmatcvLayout l)
{
  return l == UMATCV_LAYOUT_YUY2 || l == UMATCV_LAYOUT_UYVY
      || l == UMATCV_LAYOUT_YVYU;
}

int
bidx_of (UmatcvLayout l)
{
  return l == UMATCV_LAYOUT_RGB || l == UMATCV_LAYOUT_RGBA
      || l == UMATCV_LAYOUT_RGBX ? 2 : 0;
}

/* What the generated code needs besides the prelude. */
struct Needs {
  bool hsv = false, lab = false, xyz = false, yuv = false;
  bool lab_fwd[3] = {false, false, false};
  bool hsv_simd[2] = {false, false};   /* HSV2BGR, HSV2BGR_FULL */
  bool xyz_bidx[3] = {false, false, false};
};

/* The expression that applies one pixel-local step to `p`, or "" when the
 * generator does not cover it. `from` is the layout the step receives. */
std::string
pixel_step (const Op &op, UmatcvLayout from, Needs &needs)
{
  UmatcvLayout to = op.output;
  if (op.kind == OpKind::ALPHA_OPAQUE)
    return "(int4) (@P.x, @P.y, @P.z, 255)";
  if (op.kind != OpKind::CVT)
    return "";
  char buf[160];
  int cs = layout_channels (from), cd = layout_channels (to);

  if (is (rgb_family, from) && is (rgb_family, to)) {
    snprintf (buf, sizeof buf, "reorder (@P, %d, %d, %d)",
        bidx_of (from) != bidx_of (to), cs, cd);
    return buf;
  }
  if (is (rgb_family, from) && to == UMATCV_LAYOUT_GRAY) {
    snprintf (buf, sizeof buf, "rgb2gray (@P, %d)", bidx_of (from));
    return buf;
  }
  if (from == UMATCV_LAYOUT_GRAY && is (rgb_family, to))
    return "gray2rgb (@P)";

  if (is (rgb_family, from) && cs == 3) {
    int b = bidx_of (from);
    switch (to) {
      case UMATCV_LAYOUT_HSV:
      case UMATCV_LAYOUT_HSV_FULL:
        needs.hsv = true;
        snprintf (buf, sizeof buf, "rgb2hsv (@P, %d, %d, sdiv_table, %s)", b,
            to == UMATCV_LAYOUT_HSV ? 180 : 256,
            to == UMATCV_LAYOUT_HSV ? "hdiv_table180" : "hdiv_table256");
        return buf;
      case UMATCV_LAYOUT_HLS:
      case UMATCV_LAYOUT_HLS_FULL: {
        /* the CPU's scale (RGB2HLS_b: hrange/360.f); the OpenCL kernel's
         * is that printed with "%f", a little off */
        float hscale = (to == UMATCV_LAYOUT_HLS ? 180.f : 256.f) / 360.f;
        snprintf (buf, sizeof buf, "rgb2hls (@P, %d, %af)", b, (double) hscale);
        return buf;
      }
      case UMATCV_LAYOUT_YCRCB:
        snprintf (buf, sizeof buf, "rgb2ycrcb (@P, %d)", b);
        return buf;
      case UMATCV_LAYOUT_XYZ:
        needs.xyz = needs.xyz_bidx[b] = true;
        snprintf (buf, sizeof buf, "rgb2xyz (@P, xyz_fwd_%s)", b ? "rgb" : "bgr");
        return buf;
      case UMATCV_LAYOUT_LAB:
        needs.lab = needs.lab_fwd[b] = true;
        snprintf (buf, sizeof buf, "rgb2lab (@P, lab_fwd_%s)", b ? "rgb" : "bgr");
        return buf;
      default:
        return "";
    }
  }

  if (is (rgb_family, to)) {
    int b = bidx_of (to);
    switch (from) {
      case UMATCV_LAYOUT_HSV:
      case UMATCV_LAYOUT_HSV_FULL:
      case UMATCV_LAYOUT_HLS:
      case UMATCV_LAYOUT_HLS_FULL: {
        bool hsv = from == UMATCV_LAYOUT_HSV || from == UMATCV_LAYOUT_HSV_FULL;
        bool full = from == UMATCV_LAYOUT_HSV_FULL || from == UMATCV_LAYOUT_HLS_FULL;
        /* the CPU's scale, 6.f/hrange exactly (HSV2RGB_b, HLS2RGB_b); the
         * OpenCL kernels get it printed with "%f", which puts hue 30 in
         * the wrong sector */
        double hscale = 6.f / (full ? 255 : 180);
        if (hsv) {
          needs.hsv_simd[full] = true;
          snprintf (buf, sizeof buf, "hsv2rgb (@P, %d, %af, @X < HSV_SIMD_COLS_%d)",
              b, hscale, full ? 255 : 180);
        } else {
          snprintf (buf, sizeof buf, "hls2rgb (@P, %d, %af)", b, hscale);
        }
        return buf;
      }
      case UMATCV_LAYOUT_YCRCB:
        snprintf (buf, sizeof buf, "ycrcb2rgb (@P, %d)", b);
        return buf;
      case UMATCV_LAYOUT_XYZ:
        needs.xyz = needs.xyz_bidx[b] = true;
        snprintf (buf, sizeof buf, "xyz2rgb (@P, xyz_inv_%s)", b ? "rgb" : "bgr");
        return buf;
      /* Lab2BGR: the CPU's 8-bit code is an integer algorithm of its own
       * (Lab2RGBinteger), 3 away from the OpenCL kernel: not covered */
      default:
        return "";
    }
  }
  return "";
}

std::string
replace_all (std::string s, const std::string &what, const std::string &with)
{
  for (size_t at = s.find (what); at != std::string::npos;
      at = s.find (what, at + with.size ()))
    s.replace (at, what.size (), with);
  return s;
}

/* p[1] -> p_1 and so on for the block's variables */
std::string
scalarised (const std::string &code)
{
  std::string s;
  for (size_t i = 0; i < code.size (); i++) {
    char c = code[i];
    if ((c == 'p' || c == 'y' || c == 'u' || c == 'v') && i + 3 < code.size ()
        && code[i + 1] == '[' && isdigit ((unsigned char) code[i + 2])
        && code[i + 3] == ']' && (i == 0 || !isalnum ((unsigned char) code[i - 1]))) {
      s += c;
      s += '_';
      s += code[i + 2];
      i += 3;
    } else {
      s += c;
    }
  }
  return s;
}

}  /* namespace */

YuvCoefficients
yuv_coefficients (UmatcvMatrix matrix, UmatcvRange range)
{
  if (matrix == UMATCV_MATRIX_BT601 && range == UMATCV_RANGE_LIMITED) {
    /* OpenCV's own (ITUR_BT_601_*): 3-digit constants, kept so that our
     * BT.601 equals cvtColor's */
    return YuvCoefficients {16, 1220542, 2116026, -409993, -852492, 1673527,
        269484, 528482, 102760, -155188, -305135, 460324,
        460324, -385875, -74448};
  }
  double kr = matrix == UMATCV_MATRIX_BT709 ? 0.2126
      : matrix == UMATCV_MATRIX_BT2020 ? 0.2627 : 0.299;
  double kb = matrix == UMATCV_MATRIX_BT709 ? 0.0722
      : matrix == UMATCV_MATRIX_BT2020 ? 0.0593 : 0.114;
  double kg = 1.0 - kr - kb;
  bool limited = range == UMATCV_RANGE_LIMITED;
  double ys = limited ? 219.0 / 255.0 : 1.0;   /* Y' per unit R'G'B' */
  double cs = limited ? 224.0 / 255.0 : 1.0;   /* Cb/Cr per unit (B'-Y')/... */
  const double one = 1 << 20;
  auto fx = [&] (double v) { return (int) std::lround (v * one); };
  YuvCoefficients c;
  c.y_offset = limited ? 16 : 0;
  c.cy = fx (1.0 / ys);
  c.cub = fx (2.0 * (1.0 - kb) / cs);
  c.cug = fx (-2.0 * (1.0 - kb) * kb / kg / cs);
  c.cvg = fx (-2.0 * (1.0 - kr) * kr / kg / cs);
  c.cvr = fx (2.0 * (1.0 - kr) / cs);
  c.cry = fx (kr * ys);
  c.cgy = fx (kg * ys);
  c.cby = fx (kb * ys);
  c.cru = fx (-kr / (2.0 * (1.0 - kb)) * cs);
  c.cgu = fx (-kg / (2.0 * (1.0 - kb)) * cs);
  c.cbu = fx (0.5 * cs);
  c.crv = fx (0.5 * cs);
  c.cgv = fx (-kg / (2.0 * (1.0 - kr)) * cs);
  c.cbv = fx (-kb / (2.0 * (1.0 - kr)) * cs);
  return c;
}

std::unique_ptr<FusedKernel>
FusedKernel::build (const std::vector<Op> &ops, UmatcvLayout in,
    UmatcvLayout out, int width, int height, const YuvCoefficients &dec,
    const YuvCoefficients &enc)
{
  if (ops.empty ())
    return nullptr;

  /* A block is what one work item owns: 2x2 pixels where 4:2:0 is on the
   * way, a pixel pair for 4:2:2 input, else one pixel. */
  bool any_420 = is_420 (in) || is_420 (out);
  for (const Op &op : ops)
    any_420 = any_420 || is_420 (op.output);
  int bw = any_420 || is_422 (in) ? 2 : 1, bh = any_420 ? 2 : 1;
  int npix = bw * bh;
  if (width % bw != 0 || height % bh != 0)
    return nullptr;

  Needs needs;
  std::ostringstream body;
  /* scalars, not arrays: PoCL vectorises across work items only when
   * nothing is in private arrays */
  body << "  int4 p_0, p_1, p_2, p_3;\n  int y_0, y_1, y_2, y_3, u_0, u_1, v_0, v_1;\n";
  bool yuv_state = false;   /* the block is y[], u[], v[] rather than p[] */

  /* load */
  if (is_420 (in)) {
    yuv_state = true;
    for (int k = 0; k < 4; k++)
      body << "  y[" << k << "] = src[AT (Y0 + " << k / 2 << ", src_step, X0 + "
          << k % 2 << ")];\n";
    const char *uo, *vo;
    switch (in) {
      case UMATCV_LAYOUT_I420:
        uo = "bx"; vo = "bx + FRAME_H / 2 * (FRAME_W / 2)"; break;
      case UMATCV_LAYOUT_YV12:
        uo = "bx + FRAME_H / 2 * (FRAME_W / 2)"; vo = "bx"; break;
      case UMATCV_LAYOUT_NV12:
        uo = "2 * bx"; vo = "2 * bx + 1"; break;
      default:
        uo = "2 * bx + 1"; vo = "2 * bx"; break;
    }
    bool semi = layout_shape (in) == Shape::SEMI_420;
    body << "  {\n    size_t row = AT (FRAME_H, src_step, 0) + AT (by, "
        << (semi ? "FRAME_W" : "FRAME_W / 2") << ", 0);\n"
        << "    u[0] = u[1] = src[row + " << uo << "];\n"
        << "    v[0] = v[1] = src[row + " << vo << "];\n  }\n";
  } else if (is_422 (in)) {
    /* YUY2: Y0 U Y1 V; UYVY: U Y0 V Y1; YVYU: Y0 V Y1 U */
    int yi = in == UMATCV_LAYOUT_UYVY ? 1 : 0;
    int ui = in == UMATCV_LAYOUT_UYVY ? 0 : in == UMATCV_LAYOUT_YVYU ? 3 : 1;
    int vi = in == UMATCV_LAYOUT_UYVY ? 2 : in == UMATCV_LAYOUT_YVYU ? 1 : 3;
    yuv_state = true;
    for (int r = 0; r < bh; r++) {
      body << "  {\n    size_t at = AT (Y0 + " << r << ", src_step, X0 * 2);\n"
          << "    y[" << r * 2 << "] = src[at + " << yi << "];\n"
          << "    y[" << r * 2 + 1 << "] = src[at + " << yi + 2 << "];\n"
          << "    u[" << r << "] = src[at + " << ui << "];\n"
          << "    v[" << r << "] = src[at + " << vi << "];\n  }\n";
    }
  } else {
    int cn = layout_channels (in);
    for (int k = 0; k < npix; k++) {
      body << "  {\n    size_t at = AT (Y0 + " << k / bw << ", src_step, (X0 + "
          << k % bw << ") * " << cn << ");\n    p[" << k << "] = "
          << (cn == 4 ? "convert_int4 (vload4 (0, src + at))"
              : cn == 3 ? "(int4) (convert_int3 (vload3 (0, src + at)), 0)"
              : "(int4) (src[at], 0, 0, 0)") << ";\n  }\n";
    }
  }

  /* steps */
  UmatcvLayout current = in;
  for (const Op &op : ops) {
    UmatcvLayout to = op.output;
    if (yuv_state) {
      if (op.kind == OpKind::CONVERT_YUV) {
        /* only where the planes go changes: the writer handles it */
      } else if (op.kind == OpKind::CVT && to == UMATCV_LAYOUT_GRAY) {
        for (int k = 0; k < npix; k++)
          body << "  p[" << k << "] = (int4) (y[" << k << "], 0, 0, 0);\n";
        yuv_state = false;
      } else if (op.kind == OpKind::CVT && is (rgb_family, to)) {
        needs.yuv = true;
        for (int k = 0; k < npix; k++)
          body << "  p[" << k << "] = yuv2rgb (y[" << k << "], u[" << k / bw
              << "], v[" << k / bw << "], " << bidx_of (to) << ");\n";
        yuv_state = false;
      } else {
        return nullptr;
      }
    } else if (op.kind == OpKind::CVT && is_420 (to)) {
      if (!is (rgb_family, current))
        return nullptr;
      needs.yuv = true;
      int b = bidx_of (current);
        for (int k = 0; k < npix; k++)
        body << "  y[" << k << "] = rgb2y (p[" << k << "], " << b << ");\n";
      /* chroma of the top-left pixel, as OpenCV takes it */
      body << "  {\n    int2 uv = rgb2uv (p[0], " << b << ");\n"
          << "    u[0] = u[1] = uv.x;\n    v[0] = v[1] = uv.y;\n  }\n";
      yuv_state = true;
    } else {
      std::string expr = pixel_step (op, current, needs);
      if (expr.empty ())
        return nullptr;
      for (int k = 0; k < npix; k++)
        body << "  p[" << k << "] = " << replace_all (replace_all (expr, "@P",
                "p[" + std::to_string (k) + "]"), "@X", "(X0 + "
            + std::to_string (k % bw) + ")") << ";\n";
    }
    current = to;
  }

  /* store */
  if (yuv_state) {
    if (!is_420 (out))
      return nullptr;
    for (int k = 0; k < 4; k++)
      body << "  dst[AT (Y0 + " << k / 2 << ", dst_step, X0 + " << k % 2
          << ")] = y[" << k << "];\n";
    bool semi = layout_shape (out) == Shape::SEMI_420;
    const char *uo, *vo;
    switch (out) {
      case UMATCV_LAYOUT_I420:
        uo = "bx"; vo = "bx + FRAME_H / 2 * (FRAME_W / 2)"; break;
      case UMATCV_LAYOUT_YV12:
        uo = "bx + FRAME_H / 2 * (FRAME_W / 2)"; vo = "bx"; break;
      case UMATCV_LAYOUT_NV12:
        uo = "2 * bx"; vo = "2 * bx + 1"; break;
      default:
        uo = "2 * bx + 1"; vo = "2 * bx"; break;
    }
    body << "  {\n    size_t row = AT (FRAME_H, dst_step, 0) + AT (by, "
        << (semi ? "FRAME_W" : "FRAME_W / 2") << ", 0);\n"
        << "    dst[row + " << uo << "] = u[0];\n    dst[row + " << vo
        << "] = v[0];\n  }\n";
  } else {
    if (is_420 (out) || is_422 (out))
      return nullptr;
    int cn = layout_channels (out);
    static const char *const comp = "xyzw";
    for (int k = 0; k < npix; k++) {
      body << "  {\n    size_t at = AT (Y0 + " << k / bw << ", dst_step, (X0 + "
          << k % bw << ") * " << cn << ");\n";
      if (cn == 4)
        body << "    vstore4 (convert_uchar4 (p[" << k << "]), 0, dst + at);\n";
      else if (cn == 3)
        body << "    vstore3 (convert_uchar3 (p[" << k << "].xyz), 0, dst + at);\n";
      else
        for (int c = 0; c < cn; c++)
          body << "    dst[at + " << c << "] = (uchar) p[" << k << "]."
              << comp[c] << ";\n";
      body << "  }\n";
    }
  }

  std::ostringstream src;
  /* The CPU code rounds every product and sum on its own; a GPU compiler
   * that fuses them into FMAs moves HLS results by several levels (8 on
   * the H100 machine before this line). */
  src << "#pragma OPENCL FP_CONTRACT OFF\n";
  src << "#define FRAME_W " << width << "\n#define FRAME_H " << height << "\n";
  /* how OpenCV's CPU HSV2BGR rounds (see hsv2rgb) */
  src << "#define HSV_SIMD_FMA "
      << (cv::checkHardwareSupport (CV_CPU_AVX2) ? 1 : 0) << "\n";
  for (int full = 0; full < 2; full++)
    if (needs.hsv_simd[full])
      src << "#define HSV_SIMD_COLS_" << (full ? 255 : 180) << " "
          << hsv_simd_columns (width, full) << "\n";
  src << kernel_fused_steps;
  if (needs.hsv) {
    int sdiv[256], h180[256], h256[256];
    hsv_tables (sdiv, h180, h256);
    src << array_literal ("int sdiv_table", sdiv, 256)
        << array_literal ("int hdiv_table180", h180, 256)
        << array_literal ("int hdiv_table256", h256, 256);
  }
  for (int b = 0; b <= 2; b += 2)
    if (needs.xyz_bidx[b])
      src << xyz_coeffs (b);
  if (needs.lab) {
    src << lab_tables ();
    for (int b = 0; b <= 2; b += 2)
      if (needs.lab_fwd[b])
        src << lab_forward_coeffs (b);
    src << kernel_fused_lab;
  }
  if (needs.yuv) {
    src << "#define DEC_YOFF " << dec.y_offset << "\n#define DEC_CY " << dec.cy
        << "\n#define DEC_CUB " << dec.cub << "\n#define DEC_CUG " << dec.cug
        << "\n#define DEC_CVG " << dec.cvg << "\n#define DEC_CVR " << dec.cvr
        << "\n#define ENC_YOFF " << enc.y_offset << "\n#define ENC_CRY " << enc.cry
        << "\n#define ENC_CGY " << enc.cgy << "\n#define ENC_CBY " << enc.cby
        << "\n#define ENC_CRU " << enc.cru << "\n#define ENC_CGU " << enc.cgu
        << "\n#define ENC_CBU " << enc.cbu << "\n#define ENC_CRV " << enc.crv
        << "\n#define ENC_CGV " << enc.cgv << "\n#define ENC_CBV " << enc.cbv
        << "\n" << kernel_fused_yuv;
  }
  src << "\n__kernel void fused (__global const uchar *src, int src_step, "
      "ulong src_offset,\n    __global uchar *dst, int dst_step, "
      "ulong dst_offset)\n"
      "{\n  int bx = get_global_id (0), by = get_global_id (1);\n"
      "  if (bx < FRAME_W / " << bw << " && by < FRAME_H / " << bh << ") {\n"
      "  int X0 = bx * " << bw << ", Y0 = by * " << bh << ";\n"
      "  src += src_offset;\n  dst += dst_offset;\n"
      << scalarised (body.str ()) << "  }\n}\n";

  std::unique_ptr<FusedKernel> k (new FusedKernel ());
  k->source_ = src.str ();
  cv::ocl::ProgramSource program (k->source_);
  cv::String errors;
  /* and divides exactly, as the CPU does, where the device can (OpenCL
   * allows 2.5 ulp otherwise, and NVIDIA's default takes it) */
  const char *options = cv::ocl::Device::getDefault ().singleFPConfig ()
      & cv::ocl::Device::FP_CORRECTLY_ROUNDED_DIVIDE_SQRT
      ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
  k->kernel_.create ("fused", program, options, &errors);
  if (k->kernel_.empty ())
    CV_Error (cv::Error::OpenCLApiCallError,
        "fused chain kernel does not compile: " + errors);
  k->global_[0] = width / bw;
  k->global_[1] = height / bh;
  return k;
}

void
FusedKernel::run (const cv::UMat &in, cv::UMat &out)
{
  /* whole images, rows back to back (OpenCV calls images of 2 GiB and more
   * discontinuous: their size does not fit an int) */
  CV_Assert (in.step == in.cols * in.elemSize ()
      && out.step == out.cols * out.elemSize ());
  enqueue (cv::ocl::Queue::getDefault ().ptr (), in, out, 0, (int) global_[1]);
}

void
FusedKernel::enqueue_rows (void *queue, const cv::UMat &in, cv::UMat &out,
    int row0, int rows)
{
  enqueue (queue, in, out, row0, rows);
}

/* The arguments are set on the cl_kernel directly: cv::ocl::Kernel passes
 * offsets as 32-bit ints (frames may pass 2 GiB), keeps each UMat
 * referenced until a completion callback, and refuses a second run before
 * it, while the stripes of one frame run the kernel several times in a
 * row. The slot's UMats outlive the frame, which the caller finishes
 * before it returns. Rows are rows of blocks, one pixel row high for the
 * one-plane layouts that go in stripes. */
void
FusedKernel::enqueue (void *queue, const cv::UMat &in, cv::UMat &out,
    int row0, int rows)
{
  cl_kernel k = (cl_kernel) kernel_.ptr ();
  cl_mem src = (cl_mem) in.handle (cv::ACCESS_READ);
  cl_mem dst = (cl_mem) out.handle (cv::ACCESS_WRITE);
  cl_int src_step = (cl_int) in.step, dst_step = (cl_int) out.step;
  cl_ulong src_offset = in.offset + (cl_ulong) row0 * in.step;
  cl_ulong dst_offset = out.offset + (cl_ulong) row0 * out.step;
  size_t global[2] = {global_[0], (size_t) rows};
  cl_int err = CL_SUCCESS;

  err |= clSetKernelArg (k, 0, sizeof (cl_mem), &src);
  err |= clSetKernelArg (k, 1, sizeof (cl_int), &src_step);
  err |= clSetKernelArg (k, 2, sizeof (cl_ulong), &src_offset);
  err |= clSetKernelArg (k, 3, sizeof (cl_mem), &dst);
  err |= clSetKernelArg (k, 4, sizeof (cl_int), &dst_step);
  err |= clSetKernelArg (k, 5, sizeof (cl_ulong), &dst_offset);
  if (err == CL_SUCCESS)
    err = clEnqueueNDRangeKernel ((cl_command_queue) queue, k, 2, nullptr,
        global, nullptr, 0, nullptr, nullptr);
  if (err != CL_SUCCESS)
    CV_Error (cv::Error::OpenCLApiCallError, "fused chain kernel failed to "
        "run: OpenCL error " + std::to_string (err));
}

}  /* namespace umatcv */
