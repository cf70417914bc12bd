/* umatcv fused kernels: a whole chain as one generated OpenCL kernel.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain of k cvtColor calls reads and writes every frame k times. Here the
 * composed chain (the edges that decode the input, the codes, the edges
 * that encode the output: umatcv_chain_compose) becomes one kernel: each
 * work item reads what its block of pixels needs of the input frame, runs
 * every op in registers and stores its block once.
 *
 * Where an op reads neighbouring samples (a chroma filter of the edges,
 * umatcv-edges.hpp), the generator works out, from the last op back to the
 * first, at which offsets from the block each intermediate image is needed
 * (a stencil), and the work item computes the intermediate there: a
 * filtered encoder at the end has the chain run on the pixels next to the
 * block too, a filtered decoder at the start reads the neighbouring chroma
 * from global memory. Offsets are static; a position past the frame's edge
 * takes the value of its neighbour towards the block, which is the value
 * at the clamped position the reference reads: so each intermediate is
 * exactly what the op-by-op chain gives there, and frames of any size work.
 *
 * The edges' arithmetic is umatcv-edges.cpp's (kernels/edges.cl). Each
 * cvtColor step's is copied from OpenCV 4.6's own 8-bit OpenCL kernel
 * (modules/imgproc/src/opencl/color_{rgb,hsv,lab,yuv}.cl), tables and
 * constants included, built the way the host side (color_*.cpp) builds
 * them, except where that kernel and OpenCV's CPU code disagree: there the
 * CPU wins. HSV2BGR truncates as the CPU's SIMD loop does (hsv2rgb), the
 * HSV/HLS scales are the CPU's exact floats, and the 4:2:0/4:2:2 matrix
 * steps use the CPU's 20-bit fixed point with the coefficients of the
 * converter's colorimetry. Result: equal to cvtColor on the CPU for every
 * covered code but the HLS ones (within 1); tests/check/fused checks every
 * code on all 2^24 colours, tests/opencl-edges the edges against the CPU
 * reference. Lab2BGR (an integer algorithm of its own on the CPU), Luv,
 * 4:4:4 YUV, LBGR/LRGB and mRGBA are not covered.
 */
#include "umatcv-fused.hpp"
#include "umatcv-edges.hpp"
#include "umatcv-kernels.hpp"

#include <opencv2/core/softfloat.hpp>
#include <opencv2/imgproc.hpp>
#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
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

/* OpenCV's 4:2:0 layouts, which its codes read and write */
bool
is_cv420 (UmatcvLayout l)
{
  return layout_shape (l) == Shape::PLANAR_420
      || layout_shape (l) == Shape::SEMI_420;
}

bool
is_422 (UmatcvLayout l)
{
  return l == UMATCV_LAYOUT_YUY2 || l == UMATCV_LAYOUT_UYVY
      || l == UMATCV_LAYOUT_YVYU;
}

bool
is_yuv (UmatcvLayout l)
{
  return layout_info (l).family == UMATCV_FAMILY_YUV;
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

/* The byte of a pixel at which a 4-byte R'G'B' layout keeps alpha or
 * padding. */
int
fourth_byte (const Packing &k)
{
  return k.a >= 0 ? k.a : 6 - k.r - k.g - k.b;
}

/* REORDER (umatcv-edges.hpp): R'G'B' bytes move, alpha is copied where
 * both layouts have it, the fourth byte is 255 otherwise. */
std::string
reorder_step (UmatcvLayout from, UmatcvLayout to)
{
  const Packing &a = layout_packing (from), &b = layout_packing (to);
  std::string c[4] = {"255", "255", "255", "255"};
  auto at = [] (int i) { return "@P.s" + std::to_string (i); };
  c[b.r] = at (a.r);
  c[b.g] = at (a.g);
  c[b.b] = at (a.b);
  if (layout_info (to).pixel_size == 4 && a.a >= 0)
    c[fourth_byte (b)] = at (a.a);
  return "(int4) (" + c[0] + ", " + c[1] + ", " + c[2] + ", " + c[3] + ")";
}

/* The expression that applies one pixel-local step to `p`, or "" when the
 * generator does not cover it. `from` is the layout the step receives. */
std::string
pixel_step (const Op &op, UmatcvLayout from, Needs &needs)
{
  UmatcvLayout to = op.output;
  if (op.kind == OpKind::ALPHA_OPAQUE)
    return "(int4) (@P.x, @P.y, @P.z, 255)";
  if (op.kind == OpKind::REORDER)
    return reorder_step (op_input (op), to);
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


/* --- stencils ---------------------------------------------------------- */

/* An offset from a block's first pixel, or first chroma sample. Sets of
 * them iterate nearest the block first: a position past the frame's edge
 * takes the value of its neighbour towards the block, defined before it. */
struct Off {
  int x, y;
  bool operator< (const Off &o) const
  {
    int a = std::abs (x) + std::abs (y), b = std::abs (o.x) + std::abs (o.y);
    return a != b ? a < b : x != o.x ? x < o.x : y < o.y;
  }
};

/* How an op turns its input into its output. */
enum class Rule {
  NONE,         /* not covered */
  PIXEL,        /* pixel-local: cvtColor codes, alpha, REORDER */
  DECODE,       /* DECODE_YUV: filtered chroma */
  ENCODE,       /* ENCODE_YUV: filtered chroma */
  CONVERT,      /* CONVERT_YUV: chroma resampled, bits */
  CV_DECODE,    /* OpenCV's 4:2:0/4:2:2 to R'G'B': chroma repeated */
  CV_GRAY,      /* OpenCV's 4:2:0/4:2:2 to GRAY: the luma */
  CV_ENCODE,    /* OpenCV's R'G'B' to 4:2:0: chroma of the top-left pixel */
};

Rule
rule_of (const Op &op, UmatcvLayout from, Needs &needs)
{
  switch (op.kind) {
    case OpKind::DECODE_YUV: return Rule::DECODE;
    case OpKind::ENCODE_YUV: return Rule::ENCODE;
    case OpKind::CONVERT_YUV: return Rule::CONVERT;
    case OpKind::REORDER:
    case OpKind::ALPHA_OPAQUE: return Rule::PIXEL;
    default: break;
  }
  UmatcvLayout to = op.output;
  if (is_cv420 (from) || is_422 (from)) {
    if (to == UMATCV_LAYOUT_GRAY)
      return Rule::CV_GRAY;
    return is (rgb_family, to) ? Rule::CV_DECODE : Rule::NONE;
  }
  if (is_cv420 (to))
    return is (rgb_family, from) ? Rule::CV_ENCODE : Rule::NONE;
  if (is_yuv (from) || is_yuv (to))
    return Rule::NONE;
  return pixel_step (op, from, needs).empty () ? Rule::NONE : Rule::PIXEL;
}

/* An image on the way: the input (stage 0), each op's output. */
struct Stage {
  UmatcvLayout layout;
  bool yuv;                     /* luma and chroma, else pixels */
  int xs, ys;                   /* chroma subsampling */
  std::set<Off> full, chroma;   /* where pixels (or luma), chroma are needed */
};

struct Tap {
  int at, w;
};

int
floor_half (int d)
{
  return d >= 0 ? d / 2 : -((1 - d) / 2);
}

/* The taps of umatcv-edges.cpp (axis_taps) for position d of an axis of
 * the destination, relative to the block: from a source subsampled by
 * `from` (log2) to a destination subsampled by `to`. The block starts at
 * an even position wherever an axis is subsampled, so the parity of the
 * position is the parity of d. */
std::vector<Tap>
axis_taps (int d, int from, int to, bool src_cosited, bool dst_cosited)
{
  if (from == to)
    return {{d, 4}};
  if (from > to) {
    int k = floor_half (d);
    bool odd = (d & 1) != 0;
    if (src_cosited)
      return odd ? std::vector<Tap> {{k, 2}, {k + 1, 2}}
          : std::vector<Tap> {{k, 4}};
    return {{k, 3}, {odd ? k + 1 : k - 1, 1}};
  }
  int c = 2 * d;
  if (dst_cosited)
    return {{c - 1, 1}, {c, 2}, {c + 1, 1}};
  return {{c, 2}, {c + 1, 2}};
}

/* Makes `set` a rectangle that holds the block's w x h positions, so that
 * every position has its neighbour towards the block. */
void
fill_rect (std::set<Off> &set, int w, int h)
{
  if (set.empty ())
    return;
  int x0 = 0, x1 = w - 1, y0 = 0, y1 = h - 1;
  for (const Off &o : set) {
    x0 = std::min (x0, o.x);
    x1 = std::max (x1, o.x);
    y0 = std::min (y0, o.y);
    y1 = std::max (y1, o.y);
  }
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      set.insert ({x, y});
}

std::string
num (int v)
{
  return v < 0 ? "m" + std::to_string (-v) : std::to_string (v);
}

std::string
plus (int v)
{
  return v < 0 ? " - " + std::to_string (-v) : " + " + std::to_string (v);
}

std::string
var (size_t stage, char grid, const Off &o)
{
  return "s" + std::to_string (stage) + "_" + grid + "_" + num (o.x) + "_"
      + num (o.y);
}

std::string
literal (size_t v)
{
  return "(size_t) " + std::to_string (v) + "UL";
}

/* The coordinates a kernel uses, declared once at its top: on axis 'x' or
 * 'y' of a grid subsampled by `shift`, at an offset from the block. */
class Coords {
public:
  Coords (int width, int height) : width_ (width), height_ (height) {}

  /* the position, clamped to the frame */
  std::string at (char axis, int shift, int d)
  {
    std::string name = std::string ("g") + axis + std::to_string (shift)
        + "_" + num (d);
    decls_[name] = "int " + name + " = clamp (" + origin (axis, shift)
        + plus (d) + ", 0, " + std::to_string (count (axis, shift) - 1)
        + ");";
    return name;
  }

  /* whether the position is in the frame (d != 0: the block's first
   * position always is) */
  std::string inside (char axis, int shift, int d)
  {
    std::string name = std::string ("i") + axis + std::to_string (shift)
        + "_" + num (d);
    decls_[name] = "bool " + name + " = " + origin (axis, shift) + plus (d)
        + (d > 0 ? " < " + std::to_string (count (axis, shift)) : " >= 0")
        + ";";
    return name;
  }

  std::string declarations () const
  {
    std::string s;
    for (const auto &d : decls_)
      s += "    " + d.second + "\n";
    return s;
  }

private:
  std::string origin (char axis, int shift) const
  {
    return std::string ("(") + (axis == 'x' ? "X0" : "Y0")
        + (shift ? " >> 1)" : ")");
  }
  int count (char axis, int shift) const
  {
    int n = axis == 'x' ? width_ : height_;
    return (n + (1 << shift) - 1) >> shift;
  }

  int width_, height_;
  std::map<std::string, std::string> decls_;
};

/* Code that reads a sample of `k`'s layout at byte `at` of a plane. */
std::string
load_sample (const Packing &k, const std::string &base, const std::string &at)
{
  if (k.sample_bytes == 1)
    return "LOAD_S8 (" + base + " + " + at + ")";
  return "LOAD_S16 (" + base + " + " + at + ", "
      + std::to_string (k.sample_shift) + ")";
}

std::string
store_sample (const Packing &k, const std::string &base, const std::string &at,
    const std::string &v)
{
  if (k.sample_bytes == 1)
    return "STORE_S8 (" + base + " + " + at + ", " + v + ");";
  return "STORE_S16 (" + base + " + " + at + ", " + v + ", "
      + std::to_string (k.sample_shift) + ");";
}

/* The start of plane p of an image in buffer `buf` ("src", "dst"). */
std::string
plane (const std::string &buf, const DevicePlanes &d, int p)
{
  return buf + " + " + literal (d.offset[p]);
}

std::string
row_at (const DevicePlanes &d, int p, const std::string &y,
    const std::string &x)
{
  return "AT (" + y + ", " + std::to_string (d.row_bytes[p]) + ", " + x + ")";
}

/* Byte of chroma sample j in a row: U and V of a YUV layout. */
void
chroma_bytes (const Packing &k, const std::string &j, int *u_plane,
    int *v_plane, std::string *u_at, std::string *v_at)
{
  std::string sb = std::to_string (k.sample_bytes);
  switch (k.kind) {
    case Packing::Kind::YUV_PLANAR:
      *u_plane = k.u_plane;
      *v_plane = k.v_plane;
      *u_at = *v_at = j + " * " + sb;
      break;
    case Packing::Kind::YUV_SEMI:
      *u_plane = *v_plane = 1;
      *u_at = "(2 * " + j + (k.v_first ? " + 1" : "") + ") * " + sb;
      *v_at = "(2 * " + j + (k.v_first ? "" : " + 1") + ") * " + sb;
      break;
    default:
      *u_plane = *v_plane = 0;
      *u_at = j + " * 4 + " + std::to_string (k.pair[1]);
      *v_at = j + " * 4 + " + std::to_string (k.pair[3]);
      break;
  }
}

/* The generated kernel's body for `ops` from `in` to `out`, filling in the
 * block size and what it reads past a block. Empty when not covered. */
struct Generated {
  std::string body;
  int bw = 1, bh = 1;
  int above = 0, below = 0;
};

bool
generate (const std::vector<Op> &ops, UmatcvLayout in, UmatcvLayout out,
    int width, int height, const KernelColour &colour, Needs &needs,
    Generated &g)
{
  const size_t n = ops.size ();
  std::vector<Stage> st (n + 1);
  std::vector<Rule> rules (n);
  std::vector<Edge> edges (n);
  for (size_t i = 0; i <= n; i++) {
    Stage &s = st[i];
    s.layout = i == 0 ? in : i == n ? out : ops[i - 1].output;
    const UmatcvLayoutInfo &info = layout_info (s.layout);
    s.yuv = info.family == UMATCV_FAMILY_YUV;
    s.xs = info.chroma_x_shift;
    s.ys = info.chroma_y_shift;
    if (s.yuv && s.xs)
      g.bw = 2;
    if (s.yuv && s.ys)
      g.bh = 2;
  }
  for (size_t i = 0; i < n; i++) {
    UmatcvLayout from = op_is_edge (ops[i]) ? op_input (ops[i]) : st[i].layout;
    if (from != st[i].layout)
      return false;
    rules[i] = rule_of (ops[i], from, needs);
    if (rules[i] == Rule::NONE)
      return false;
    if (op_is_edge (ops[i]))
      edges[i] = make_edge (ops[i], colour.in, colour.out);
  }

  /* where each image is needed, from the block of the output back */
  fill_rect (st[n].full = {{0, 0}}, g.bw, g.bh);
  if (st[n].yuv)
    fill_rect (st[n].chroma = {{0, 0}}, g.bw >> st[n].xs, g.bh >> st[n].ys);
  for (size_t i = n; i-- > 0;) {
    Stage &s = st[i];
    const Stage &d = st[i + 1];
    const Edge &e = edges[i];
    bool in_h = e.in_site & UMATCV_SITE_H_COSITED;
    bool in_v = e.in_site & UMATCV_SITE_V_COSITED;
    bool out_h = e.out_site & UMATCV_SITE_H_COSITED;
    bool out_v = e.out_site & UMATCV_SITE_V_COSITED;
    s.full.insert (d.full.begin (), d.full.end ());
    switch (rules[i]) {
      case Rule::DECODE:
        if (ops[i].output == UMATCV_LAYOUT_GRAY)
          break;
        for (const Off &o : d.full)
          for (const Tap &h : axis_taps (o.x, s.xs, 0, in_h, false))
            for (const Tap &v : axis_taps (o.y, s.ys, 0, in_v, false))
              s.chroma.insert ({h.at, v.at});
        break;
      case Rule::CV_DECODE:
        for (const Off &o : d.full)
          s.chroma.insert ({s.xs ? floor_half (o.x) : o.x,
                s.ys ? floor_half (o.y) : o.y});
        break;
      case Rule::ENCODE:
        for (const Off &c : d.chroma)
          for (const Tap &h : axis_taps (c.x, 0, d.xs, false, out_h))
            for (const Tap &v : axis_taps (c.y, 0, d.ys, false, out_v))
              s.full.insert ({h.at, v.at});
        break;
      case Rule::CONVERT:
        for (const Off &c : d.chroma)
          for (const Tap &h : axis_taps (c.x, s.xs, d.xs, in_h, out_h))
            for (const Tap &v : axis_taps (c.y, s.ys, d.ys, in_v, out_v))
              s.chroma.insert ({h.at, v.at});
        break;
      case Rule::CV_ENCODE:
        for (const Off &c : d.chroma)
          s.full.insert ({2 * c.x, 2 * c.y});
        break;
      default:
        break;
    }
    /* the input is read at clamped positions and needs no neighbours */
    if (i > 0) {
      fill_rect (s.full, g.bw, g.bh);
      if (s.yuv)
        fill_rect (s.chroma, g.bw >> s.xs, g.bh >> s.ys);
    }
  }

  /* the input rows a block reads past its own */
  for (const Off &o : st[0].full) {
    g.above = std::max (g.above, -o.y);
    g.below = std::max (g.below, o.y - (g.bh - 1));
  }
  for (const Off &o : st[0].chroma) {
    int first = o.y * (1 << st[0].ys), last = first + (1 << st[0].ys) - 1;
    g.above = std::max (g.above, -first);
    g.below = std::max (g.below, last - (g.bh - 1));
  }

  Coords xy (width, height);
  std::ostringstream body;

  /* load */
  {
    const Stage &s = st[0];
    const Packing &k = layout_packing (in);
    DevicePlanes d = device_planes (in, width, height);
    for (const Off &o : s.full) {
      std::string x = xy.at ('x', 0, o.x), y = xy.at ('y', 0, o.y);
      if (s.yuv) {
        std::string at = k.kind == Packing::Kind::YUV_PACKED
            ? "(" + x + " >> 1) * 4 + ((" + x + " & 1) ? "
                + std::to_string (k.pair[2]) + " : "
                + std::to_string (k.pair[0]) + ")"
            : x + " * " + std::to_string (k.sample_bytes);
        body << "    int " << var (0, 'y', o) << " = "
            << load_sample (k, plane ("src", d, 0), row_at (d, 0, y, at))
            << ";\n";
        continue;
      }
      int cn = layout_channels (in);
      std::string p = plane ("src", d, 0) + " + "
          + row_at (d, 0, y, x + " * " + std::to_string (cn));
      body << "    int4 " << var (0, 'p', o) << " = "
          << (cn == 4 ? "convert_int4 (vload4 (0, " + p + "))"
              : cn == 3 ? "(int4) (convert_int3 (vload3 (0, " + p + ")), 0)"
              : "(int4) (*(" + p + "), 0, 0, 0)") << ";\n";
    }
    for (const Off &o : s.chroma) {
      std::string j = xy.at ('x', s.xs, o.x), kk = xy.at ('y', s.ys, o.y);
      int up, vp;
      std::string ua, va;
      chroma_bytes (k, j, &up, &vp, &ua, &va);
      std::string name = var (0, 'c', o);
      if (k.kind == Packing::Kind::YUV_SEMI && k.sample_bytes == 1) {
        /* one load for the pair */
        body << "    int2 " << name << " = convert_int2 (vload2 (0, "
            << plane ("src", d, 1) << " + " << row_at (d, 1, kk,
                "2 * " + j) << "))" << (k.v_first ? ".yx" : "") << ";\n";
        continue;
      }
      body << "    int2 " << name << " = (int2) ("
          << load_sample (k, plane ("src", d, up), row_at (d, up, kk, ua))
          << ", "
          << load_sample (k, plane ("src", d, vp), row_at (d, vp, kk, va))
          << ");\n";
    }
  }

  /* each op, at every position its output is needed */
  for (size_t i = 0; i < n; i++) {
    const Stage &s = st[i], &d = st[i + 1];
    const Op &op = ops[i];
    const Edge &e = edges[i];
    const size_t t = i + 1;
    char src_grid = s.yuv ? 'y' : 'p', dst_grid = d.yuv ? 'y' : 'p';
    std::string pixel = rules[i] == Rule::PIXEL
        ? pixel_step (op, s.layout, needs) : "";
    const Packing &kin = layout_packing (s.layout);
    const Packing &kout = layout_packing (op.output);
    int bidx_in = bidx_of (s.layout), bidx_out = bidx_of (op.output);

    for (const Off &o : d.full) {
      std::string name = var (t, dst_grid, o);
      std::string at = var (i, src_grid, o);
      switch (rules[i]) {
        case Rule::PIXEL:
          body << "    int4 " << name << " = " << replace_all (replace_all
                  (pixel, "@P", at), "@X", "(X0" + plus (o.x) + ")") << ";\n";
          break;
        case Rule::DECODE: {
          if (op.output == UMATCV_LAYOUT_GRAY) {
            body << "    int4 " << name << " = (int4) (edge_gray (" << at
                << ", " << e.in_depth - 8 << "), 0, 0, 0);\n";
            break;
          }
          std::string sum = "(int2) (0)";
          for (const Tap &h : axis_taps (o.x, s.xs, 0,
                  e.in_site & UMATCV_SITE_H_COSITED, false))
            for (const Tap &v : axis_taps (o.y, s.ys, 0,
                    e.in_site & UMATCV_SITE_V_COSITED, false))
              sum += " + " + std::to_string (h.w * v.w) + " * "
                  + var (i, 'c', {h.at, v.at});
          std::string c[4] = {"255", "255", "255", "255"};
          c[kout.r] = "t.x";
          c[kout.g] = "t.y";
          c[kout.b] = "t.z";
          body << "    int4 " << name << ";\n    {\n"
              << "      int3 t = edge_decode (" << at << ", " << sum << ", " << e.dec_y_offset << ", "
              << e.dec_c_offset16 << ", " << e.dec_cy << ", " << e.dec_crv
              << ", " << e.dec_cgu << ", " << e.dec_cgv << ", " << e.dec_cbu
              << ");\n      " << name << " = (int4) (" << c[0] << ", " << c[1]
              << ", " << c[2] << ", " << c[3] << ");\n    }\n";
          break;
        }
        case Rule::CV_DECODE:
          needs.yuv = true;
          body << "    int4 " << name << " = yuv2rgb (" << at << ", "
              << var (i, 'c', {s.xs ? floor_half (o.x) : o.x,
                      s.ys ? floor_half (o.y) : o.y}) << ".x, "
              << var (i, 'c', {s.xs ? floor_half (o.x) : o.x,
                      s.ys ? floor_half (o.y) : o.y}) << ".y, " << bidx_out
              << ");\n";
          break;
        case Rule::CV_GRAY:
          body << "    int4 " << name << " = (int4) (" << at << ", 0, 0, 0);\n";
          break;
        case Rule::ENCODE: {
          bool gray = s.layout == UMATCV_LAYOUT_GRAY;
          std::string r = at + (gray ? ".s0" : ".s" + std::to_string (kin.r));
          std::string gg = at + (gray ? ".s0" : ".s" + std::to_string (kin.g));
          std::string b = at + (gray ? ".s0" : ".s" + std::to_string (kin.b));
          body << "    int " << name << " = edge_luma (" << r << ", " << gg
              << ", " << b << ", " << e.enc_y_offset << ", " << e.enc_cry
              << ", " << e.enc_cgy << ", " << e.enc_cby << ", "
              << (1 << e.out_depth) - 1 << ");\n";
          break;
        }
        case Rule::CONVERT: {
          int ds = e.out_depth - e.in_depth;
          body << "    int " << name << " = edge_depth (" << at << ", "
              << std::max (ds, 0) << ", " << std::max (-ds, 0) << ", "
              << (1 << e.out_depth) - 1 << ");\n";
          break;
        }
        case Rule::CV_ENCODE:
          needs.yuv = true;
          body << "    int " << name << " = rgb2y (" << at << ", " << bidx_in
              << ");\n";
          break;
        default:
          return false;
      }
      /* the output's values past the edge are not stored */
      if (o.y != 0 && t < n)
        body << "    " << name << " = " << xy.inside ('y', 0, o.y) << " ? "
            << name << " : "
            << var (t, dst_grid, {o.x, o.y - (o.y > 0 ? 1 : -1)}) << ";\n";
      if (o.x != 0 && t < n)
        body << "    " << name << " = " << xy.inside ('x', 0, o.x) << " ? "
            << name << " : "
            << var (t, dst_grid, {o.x - (o.x > 0 ? 1 : -1), o.y}) << ";\n";
    }

    for (const Off &o : d.chroma) {
      std::string name = var (t, 'c', o);
      switch (rules[i]) {
        case Rule::ENCODE: {
          bool gray = s.layout == UMATCV_LAYOUT_GRAY;
          std::string sum = "(int4) (0)";
          for (const Tap &h : axis_taps (o.x, 0, d.xs, false,
                  e.out_site & UMATCV_SITE_H_COSITED))
            for (const Tap &v : axis_taps (o.y, 0, d.ys, false,
                    e.out_site & UMATCV_SITE_V_COSITED))
              sum += " + " + std::to_string (h.w * v.w) + " * "
                  + var (i, 'p', {h.at, v.at});
          auto ch = [&] (int c) {
            return "t.s" + std::to_string (gray ? 0 : c);
          };
          body << "    int2 " << name << ";\n    {\n      int4 t = " << sum
              << ";\n      " << name << " = edge_chroma (" << ch (kin.r) << ", "
              << ch (kin.g) << ", " << ch (kin.b) << ", " << e.enc_c_offset
              << ", " << e.enc_cru << ", " << e.enc_cgu << ", " << e.enc_cbu
              << ", " << e.enc_crv << ", " << e.enc_cgv << ", " << e.enc_cbv
              << ", " << (1 << e.out_depth) - 1 << ");\n    }\n";
          break;
        }
        case Rule::CONVERT: {
          std::string sum = "(int2) (0)";
          for (const Tap &h : axis_taps (o.x, s.xs, d.xs,
                  e.in_site & UMATCV_SITE_H_COSITED,
                  e.out_site & UMATCV_SITE_H_COSITED))
            for (const Tap &v : axis_taps (o.y, s.ys, d.ys,
                    e.in_site & UMATCV_SITE_V_COSITED,
                    e.out_site & UMATCV_SITE_V_COSITED))
              sum += " + " + std::to_string (h.w * v.w) + " * "
                  + var (i, 'c', {h.at, v.at});
          body << "    int2 " << name << " = edge_rescale (" << sum << ", "
              << 4 + e.in_depth - e.out_depth << ", "
              << (1 << e.out_depth) - 1 << ");\n";
          break;
        }
        case Rule::CV_ENCODE:
          body << "    int2 " << name << " = rgb2uv (" << var (i, 'p',
                  {2 * o.x, 2 * o.y}) << ", " << bidx_in << ");\n";
          break;
        default:
          return false;
      }
      if (o.y != 0 && t < n)
        body << "    " << name << " = " << xy.inside ('y', d.ys, o.y) << " ? "
            << name << " : " << var (t, 'c', {o.x, o.y - (o.y > 0 ? 1 : -1)})
            << ";\n";
      if (o.x != 0 && t < n)
        body << "    " << name << " = " << xy.inside ('x', d.xs, o.x) << " ? "
            << name << " : " << var (t, 'c', {o.x - (o.x > 0 ? 1 : -1), o.y})
            << ";\n";
    }
  }

  /* store the block, what of it is in the frame */
  {
    const Stage &s = st[n];
    const Packing &k = layout_packing (out);
    DevicePlanes d = device_planes (out, width, height);
    auto guard = [&] (int shift_x, int shift_y, const Off &o) {
      std::string c;
      if (o.x > 0)
        c = xy.inside ('x', shift_x, o.x);
      if (o.y > 0)
        c += (c.empty () ? "" : " && ") + xy.inside ('y', shift_y, o.y);
      return c.empty () ? std::string ("    ") : "    if (" + c + ")\n      ";
    };
    for (int y = 0; y < g.bh; y++) {
      for (int x = 0; x < g.bw; x++) {
        Off o {x, y};
        std::string gx = xy.at ('x', 0, x), gy = xy.at ('y', 0, y);
        if (s.yuv) {
          body << guard (0, 0, o) << store_sample (k, plane ("dst", d, 0),
              row_at (d, 0, gy, gx + " * " + std::to_string (k.sample_bytes)),
              var (n, 'y', o)) << "\n";
          continue;
        }
        int cn = layout_channels (out);
        std::string p = plane ("dst", d, 0) + " + "
            + row_at (d, 0, gy, gx + " * " + std::to_string (cn));
        std::string v = var (n, 'p', o);
        body << guard (0, 0, o) << (cn == 4
            ? "vstore4 (convert_uchar4 (" + v + "), 0, " + p + ");\n"
            : cn == 3 ? "vstore3 (convert_uchar3 (" + v + ".xyz), 0, " + p
                + ");\n"
            : "*(" + p + ") = (uchar) " + v + ".x;\n");
      }
    }
    if (s.yuv) {
      for (int y = 0; y < g.bh >> s.ys; y++) {
        for (int x = 0; x < g.bw >> s.xs; x++) {
          Off o {x, y};
          std::string j = xy.at ('x', s.xs, x), kk = xy.at ('y', s.ys, y);
          std::string v = var (n, 'c', o);
          int up, vp;
          std::string ua, va;
          chroma_bytes (k, j, &up, &vp, &ua, &va);
          std::string gd = guard (s.xs, s.ys, o);
          if (k.kind == Packing::Kind::YUV_SEMI && k.sample_bytes == 1) {
            body << gd << "vstore2 (convert_uchar2 (" << v
                << (k.v_first ? ".yx" : "") << "), 0, " << plane ("dst", d, 1)
                << " + " << row_at (d, 1, kk, "2 * " + j) << ");\n";
            continue;
          }
          body << gd << "{\n      "
              << store_sample (k, plane ("dst", d, up), row_at (d, up, kk, ua),
                  v + ".x") << "\n      "
              << store_sample (k, plane ("dst", d, vp), row_at (d, vp, kk, va),
                  v + ".y") << "\n    }\n";
        }
      }
    }
  }

  g.body = xy.declarations () + body.str ();
  return true;
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
DevicePlanes
device_planes (UmatcvLayout layout, int width, int height)
{
  DevicePlanes d;
  PlaneShape shapes[3];
  d.n = layout_planes (layout, width, height, shapes);
  for (int p = 0; p < d.n; p++) {
    d.offset[p] = d.bytes;
    d.row_bytes[p] = shapes[p].row_bytes ();
    d.rows[p] = shapes[p].rows;
    d.bytes += d.row_bytes[p] * (size_t) d.rows[p];
  }
  return d;
}

bool
FusedKernel::covers (const Op &op, UmatcvLayout from)
{
  Needs needs;
  return rule_of (op, from, needs) != Rule::NONE;
}

std::unique_ptr<FusedKernel>
FusedKernel::build (const std::vector<Op> &ops, UmatcvLayout in,
    UmatcvLayout out, int width, int height, const YuvCoefficients &dec,
    const YuvCoefficients &enc)
{
  const UmatcvColorimetry mpeg2 = {UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
    UMATCV_SITE_H_COSITED};
  return build (ops, in, out, width, height, KernelColour {mpeg2, mpeg2, dec,
        enc});
}

/* FNV-1a over the kernel's source and build options, in hex: the key of
 * the compiled program in OpenCV's binary cache. */
static std::string
source_hash (const std::string &source, const char *options)
{
  uint64_t h = 14695981039346656037ull;
  for (const std::string &part : {source, std::string ("\n"),
          std::string (options)})
    for (unsigned char c : part)
      h = (h ^ c) * 1099511628211ull;
  char hex[17];
  snprintf (hex, sizeof (hex), "%016llx", (unsigned long long) h);
  return hex;
}

std::unique_ptr<FusedKernel>
FusedKernel::build (const std::vector<Op> &ops, UmatcvLayout in,
    UmatcvLayout out, int width, int height, const KernelColour &colour)
{
  if (ops.empty ())
    return nullptr;
  Needs needs;
  Generated g;
  if (!generate (ops, in, out, width, height, colour, needs, g))
    return nullptr;

  std::unique_ptr<FusedKernel> k (new FusedKernel ());
  k->block_w_ = g.bw;
  k->block_h_ = g.bh;
  k->blocks_x_ = (width + g.bw - 1) / g.bw;
  k->blocks_y_ = (height + g.bh - 1) / g.bh;
  k->above_ = g.above;
  k->below_ = g.below;
  k->height_ = height;

  std::ostringstream src;
  /* The CPU code rounds every product and sum on its own; a GPU compiler
   * that fuses them into FMAs moves HLS results by several levels (8 on
   * the H100 machine before this line). */
  src << "#pragma OPENCL FP_CONTRACT OFF\n";
  /* how OpenCV's CPU HSV2BGR rounds (see hsv2rgb) */
  src << "#define HSV_SIMD_FMA "
      << (cv::checkHardwareSupport (CV_CPU_AVX2) ? 1 : 0) << "\n";
  for (int full = 0; full < 2; full++)
    if (needs.hsv_simd[full])
      src << "#define HSV_SIMD_COLS_" << (full ? 255 : 180) << " "
          << hsv_simd_columns (width, full) << "\n";
  src << kernel_fused_steps << kernel_edges;
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
    const YuvCoefficients &dec = colour.decode, &enc = colour.encode;
    src << "#define DEC_YOFF " << dec.y_offset << "\n#define DEC_CY " << dec.cy
        << "\n#define DEC_CUB " << dec.cub << "\n#define DEC_CUG " << dec.cug
        << "\n#define DEC_CVG " << dec.cvg << "\n#define DEC_CVR " << dec.cvr
        << "\n#define ENC_YOFF " << enc.y_offset
        << "\n#define ENC_CRY " << enc.cry << "\n#define ENC_CGY " << enc.cgy << "\n#define ENC_CBY " << enc.cby
        << "\n#define ENC_CRU " << enc.cru << "\n#define ENC_CGU " << enc.cgu
        << "\n#define ENC_CBU " << enc.cbu << "\n#define ENC_CRV " << enc.crv
        << "\n#define ENC_CGV " << enc.cgv << "\n#define ENC_CBV " << enc.cbv
        << "\n" << kernel_fused_yuv;
  }
  /* by0, by1: the rows of blocks to convert (stripes run a part) */
  src << "\n__kernel void fused (__global const uchar *src, ulong src_offset,\n"
      "    __global uchar *dst, ulong dst_offset, int by0, int by1)\n"
      "{\n  int bx = get_global_id (0), by = by0 + (int) get_global_id (1);\n"
      "  if (bx < " << k->blocks_x_ << " && by < by1) {\n"
      "    int X0 = bx * " << g.bw << ", Y0 = by * " << g.bh << ";\n"
      "    src += src_offset;\n    dst += dst_offset;\n"
      << g.body << "  }\n}\n";
  k->source_ = src.str ();

  cv::String errors;
  /* and divides exactly, as the CPU does, where the device can (OpenCL
   * allows 2.5 ulp otherwise, and NVIDIA's default takes it) */
  const cv::ocl::Device &device = cv::ocl::Device::getDefault ();
  const char *options = device.singleFPConfig ()
      & cv::ocl::Device::FP_CORRECTLY_ROUNDED_DIVIDE_SQRT
      ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
  /* A module, a name and a hash make the program one that OpenCV keeps
   * in its binary cache on disk (per device and driver, beside its own
   * kernels): a process that starts a pipeline then loads the compiled
   * kernel instead of compiling it again, which a GPU's compiler takes a
   * good part of a second to do, while the decoder waits. */
  cv::ocl::ProgramSource program ("umatcv", "fused",
      k->source_, source_hash (k->source_, options));
  k->kernel_.create ("fused", program, options, &errors);
  if (k->kernel_.empty ())
    CV_Error (cv::Error::OpenCLApiCallError,
        "fused chain kernel does not compile: " + errors);

  /* Work groups of 32 blocks across (a warp's loads of a row are
   * neighbours) and a few rows, the global size rounded up to them: left to
   * itself a driver may pick tiny groups for sizes with no good divisor. */
  size_t group = k->kernel_.workGroupSize ();
  if (group >= 32) {
    k->local_[0] = 32;
    k->local_[1] = std::min<size_t> (8, group / 32);
  }
  return k;
}

void
FusedKernel::run (const cv::UMat &in, cv::UMat &out)
{
  /* whole images, rows back to back (OpenCV calls images of 2 GiB and more
   * discontinuous: their size does not fit an int) */
  CV_Assert (in.step == in.cols * in.elemSize ()
      && out.step == out.cols * out.elemSize ());
  enqueue (cv::ocl::Queue::getDefault ().ptr (), in.handle (cv::ACCESS_READ),
      in.offset, out.handle (cv::ACCESS_WRITE), out.offset, 0, height_);
}

/* The arguments are set on the cl_kernel directly: cv::ocl::Kernel passes
 * offsets as 32-bit ints (frames may pass 2 GiB), keeps each UMat
 * referenced until a completion callback, and refuses a second run before
 * it, while the stripes of one frame run the kernel several times in a
 * row. */
void
FusedKernel::enqueue (void *queue, void *src, size_t src_offset, void *dst,
    size_t dst_offset, int y0, int y1)
{
  cl_kernel k = (cl_kernel) kernel_.ptr ();
  cl_mem src_mem = (cl_mem) src, dst_mem = (cl_mem) dst;
  cl_ulong so = src_offset, dso = dst_offset;
  cl_int by0 = y0 / block_h_, by1 = std::min (blocks_y_,
      (y1 + block_h_ - 1) / block_h_);
  if (by1 <= by0)
    return;
  size_t global[2] = {(size_t) blocks_x_, (size_t) (by1 - by0)};
  const size_t *local = nullptr;
  if (local_[0]) {
    for (int i = 0; i < 2; i++)
      global[i] = (global[i] + local_[i] - 1) / local_[i] * local_[i];
    local = local_;
  }
  cl_int err = CL_SUCCESS;
  err |= clSetKernelArg (k, 0, sizeof (cl_mem), &src_mem);
  err |= clSetKernelArg (k, 1, sizeof (cl_ulong), &so);
  err |= clSetKernelArg (k, 2, sizeof (cl_mem), &dst_mem);
  err |= clSetKernelArg (k, 3, sizeof (cl_ulong), &dso);
  err |= clSetKernelArg (k, 4, sizeof (cl_int), &by0);
  err |= clSetKernelArg (k, 5, sizeof (cl_int), &by1);
  if (err == CL_SUCCESS)
    err = clEnqueueNDRangeKernel ((cl_command_queue) queue, k, 2, nullptr,
        global, local, 0, nullptr, nullptr);
  if (err != CL_SUCCESS)
    CV_Error (cv::Error::OpenCLApiCallError, "fused chain kernel failed to "
        "run: OpenCL error " + std::to_string (err));
}

}  /* namespace umatcv */
