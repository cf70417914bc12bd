/* umatcv chains: the cvtColor code table, parsing, auto routes, checks.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "umatcv-private.hpp"

#include <opencv2/imgproc.hpp>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <strings.h>

using namespace umatcv;

namespace {

#define L(x) UMATCV_LAYOUT_##x


struct CodeEntry {
  const char *name;
  int code;
  uint64_t inputs;     /* 0 for codes we do not run */
  UmatcvLayout output;
};

#define M(l) UMATCV_LAYOUT_BIT (UMATCV_LAYOUT_##l)
#define CODE(n, mask, out) {#n, cv::COLOR_##n, mask, UMATCV_LAYOUT_##out}
#define UNSUPPORTED(n) {#n, cv::COLOR_##n, 0, UMATCV_LAYOUT_NONE}

const CodeEntry codes[] = {
#include "umatcv-codes.inc"
};

#undef CODE
#undef UNSUPPORTED

const size_t max_steps = 16;

const uint64_t yuv420_layouts = M (I420) | M (YV12) | M (NV12) | M (NV21);
const uint64_t yuv422_layouts = M (YUY2) | M (UYVY) | M (YVYU);
const uint64_t rgb_layouts = M (BGR) | M (RGB) | M (BGRA) | M (RGBA)
    | M (BGRX) | M (RGBX) | M (GRAY);

bool
in_mask (uint64_t mask, UmatcvLayout layout)
{
  return (mask & UMATCV_LAYOUT_BIT (layout)) != 0;
}

const CodeEntry *
find_code (const char *name, size_t len)
{
  for (const CodeEntry &c : codes)
    if (strlen (c.name) == len && strncasecmp (c.name, name, len) == 0)
      return &c;
  return nullptr;
}

Op
cvt_op (const char *name)
{
  const CodeEntry *c = find_code (name, strlen (name));
  CV_Assert (c != nullptr && c->inputs != 0);
  return Op {OpKind::CVT, c->code, c->name, c->inputs, c->output};
}

Op
edge_op (OpKind kind, UmatcvLayout from, UmatcvLayout to)
{
  const char *verb = kind == OpKind::DECODE_YUV ? "decode"
      : kind == OpKind::ENCODE_YUV ? "encode"
      : kind == OpKind::CONVERT_YUV ? "convert" : "reorder";
  return Op {kind, 0, std::string (verb) + " " + layout_info (from).name
      + " to " + layout_info (to).name, UMATCV_LAYOUT_BIT (from), to};
}

Op
alpha_op (UmatcvLayout layout)
{
  bool bgr = layout == L (BGRA) || layout == L (BGRX);
  return Op {OpKind::ALPHA_OPAQUE, 0,
      bgr ? "BGRA alpha to 255" : "RGBA alpha to 255",
      bgr ? M (BGRA) | M (BGRX) : M (RGBA) | M (RGBX), bgr ? L (BGRA) : L (RGBA)};
}

/* The name cvtColor codes use for a layout: padding counts as alpha. */
const char *
code_part (UmatcvLayout layout)
{
  switch (layout) {
    case L (BGRX): return "BGRA";
    case L (RGBX): return "RGBA";
    case L (I420): return "I420";
    default: return layout_info (layout).name;
  }
}

bool
has_real_alpha (UmatcvLayout layout)
{
  return layout == L (BGRA) || layout == L (RGBA);
}

bool
is_yuv (UmatcvLayout l)
{
  return layout_info (l).family == UMATCV_FAMILY_YUV;
}

bool
is_colour (UmatcvLayout l)
{
  return layout_info (l).family == UMATCV_FAMILY_RGB
      || layout_info (l).family == UMATCV_FAMILY_GRAY;
}

/* Appends the steps auto mode uses between two video layouts; false when
 * there is no way. OpenCV's codes move between the layouts OpenCV knows
 * (and give its exact bytes there); Y'CbCr is decoded, encoded and
 * resampled by umatcv's own edges, with filtered chroma. */
bool
append_route (UmatcvLayout from, UmatcvLayout to, std::vector<Op> &ops)
{
  std::string name;

  if (from == to)
    return true;
  if (layout_info (to).input_only)
    return false;

  if (in_mask (rgb_layouts, from) && in_mask (rgb_layouts, to)) {
    bool same_order = strcmp (code_part (from), code_part (to)) == 0;
    if (!same_order) {
      name = std::string (code_part (from)) + "2" + code_part (to);
      ops.push_back (cvt_op (name.c_str ()));
    }
    /* padding becomes alpha: videoconvert makes it opaque, so do we */
    if (!has_real_alpha (from) && from != L (GRAY) && has_real_alpha (to)
        && layout_channels (from) == 4)
      ops.push_back (alpha_op (to));
    return true;
  }
  if (is_colour (from) && is_colour (to)) {
    /* one end is ARGB, ABGR, xRGB or xBGR, which OpenCV has no code for */
    if (to == L (GRAY)) {
      ops.push_back (edge_op (OpKind::REORDER, from, L (BGRA)));
      ops.push_back (cvt_op ("BGRA2GRAY"));
    } else if (from == L (GRAY)) {
      ops.push_back (cvt_op ("GRAY2BGRA"));
      ops.push_back (edge_op (OpKind::REORDER, L (BGRA), to));
    } else {
      ops.push_back (edge_op (OpKind::REORDER, from, to));
    }
    return true;
  }
  if (is_yuv (from) && is_colour (to)) {
    ops.push_back (edge_op (OpKind::DECODE_YUV, from, to));
    return true;
  }
  if (is_colour (from) && is_yuv (to)) {
    ops.push_back (edge_op (OpKind::ENCODE_YUV, from, to));
    return true;
  }
  if (is_yuv (from) && is_yuv (to)) {
    ops.push_back (edge_op (OpKind::CONVERT_YUV, from, to));
    return true;
  }
  return false;
}

/* How much a route costs, to pick the layout a chain's first code takes:
 * nothing, moving bytes, or a matrix. */
int
route_cost (UmatcvLayout from, UmatcvLayout to)
{
  std::vector<Op> ops;
  if (!append_route (from, to, ops))
    return -1;
  int cost = 0;
  for (const Op &op : ops)
    cost += op.kind == OpKind::DECODE_YUV || op.kind == OpKind::ENCODE_YUV
        || op.kind == OpKind::CVT ? 4 : 1;
  return cost;
}

bool
is_video (UmatcvLayout l)
{
  return l > L (NONE) && l < UMATCV_N_LAYOUTS
      && layout_info (l).video_format != nullptr;
}

std::string
describe_mask (uint64_t mask)
{
  std::string s;
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++) {
    if (!in_mask (mask, (UmatcvLayout) l))
      continue;
    if (!s.empty ())
      s += "/";
    s += layout_info ((UmatcvLayout) l).name;
  }
  return s;
}

}  /* namespace */

namespace umatcv {

UmatcvLayout
op_input (const Op &op)
{
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++)
    if (in_mask (op.inputs, (UmatcvLayout) l))
      return (UmatcvLayout) l;
  return L (NONE);
}

bool
op_is_pixel_local (const Op &op)
{
  if (op.kind == OpKind::ALPHA_OPAQUE)
    return true;
  if (op.kind != OpKind::CVT)
    return false;
  if (layout_shape (op.output) != Shape::PACKED
      || in_mask (yuv422_layouts, op.output))
    return false;
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++) {
    UmatcvLayout in = (UmatcvLayout) l;
    if (!in_mask (op.inputs, in))
      continue;
    if (layout_shape (in) != Shape::PACKED
        || layout_channels (in) != layout_channels (op.output)
        || in_mask (yuv422_layouts, in))
      return false;
  }
  return true;
}

void
set_error (char **error, const std::string &message)
{
  if (error == nullptr)
    return;
  free (*error);
  *error = strdup (message.c_str ());
}

}  /* namespace umatcv */

extern "C" {

const char *
umatcv_status_name (UmatcvStatus status)
{
  switch (status) {
    case UMATCV_OK: return "ok";
    case UMATCV_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case UMATCV_ERROR_UNKNOWN_CODE: return "unknown cvtColor code";
    case UMATCV_ERROR_UNSUPPORTED_CODE: return "unsupported cvtColor code";
    case UMATCV_ERROR_BROKEN_CHAIN: return "chain steps do not connect";
    case UMATCV_ERROR_NO_ROUTE: return "no conversion between these layouts";
    case UMATCV_ERROR_NO_DEVICE: return "no OpenCL device";
    case UMATCV_ERROR_OPENCL: return "OpenCL failure";
    case UMATCV_ERROR_OPENCV: return "OpenCV failure";
    case UMATCV_ERROR_NO_MEMORY: return "out of memory";
    case UMATCV_ERROR_TOO_LARGE: return "frame too large for the device";
  }
  return "unknown status";
}

void
umatcv_free (void *pointer)
{
  free (pointer);
}

UmatcvStatus
umatcv_chain_parse (const char *text, UmatcvChain **chain, char **error)
{
  if (text == nullptr || chain == nullptr) {
    set_error (error, text == nullptr ? "no chain text"
        : "no place for the chain");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *chain = nullptr;

  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::vector<Op> ops;
    const char *p = text;
    for (size_t step = 1;; step++) {
      const char *end = strchr (p, ',');
      if (end == nullptr)
        end = p + strlen (p);
      const char *a = p, *b = end;
      while (a < b && isspace ((unsigned char) *a))
        a++;
      while (b > a && isspace ((unsigned char) b[-1]))
        b--;
      if (b - a > 6 && strncasecmp (a, "COLOR_", 6) == 0)
        a += 6;
      std::string token (a, b);

      if (token.empty ()) {
        set_error (error, "step " + std::to_string (step)
            + " of the chain is empty");
        return UMATCV_ERROR_UNKNOWN_CODE;
      }
      const CodeEntry *c = find_code (a, b - a);
      if (c == nullptr) {
        set_error (error, "'" + token + "' (step "
            + std::to_string (step) + ") is not an OpenCV cvtColor code");
        return UMATCV_ERROR_UNKNOWN_CODE;
      }
      if (c->inputs == 0) {
        set_error (error, std::string (c->name) + " (step "
            + std::to_string (step) + ") is not supported: Bayer and "
            "5:6:5/5:5:5 codes have no video format here");
        return UMATCV_ERROR_UNSUPPORTED_CODE;
      }
      if (ops.size () == max_steps) {
        set_error (error, "a chain has at most "
            + std::to_string (max_steps) + " steps");
        return UMATCV_ERROR_INVALID_ARGUMENT;
      }
      ops.push_back (Op {OpKind::CVT, c->code, c->name, c->inputs, c->output});
      if (*end == '\0')
        break;
      p = end + 1;
    }
    *chain = new UmatcvChain {std::move (ops)};
    return UMATCV_OK;
  });
}

UmatcvStatus
umatcv_chain_route (UmatcvLayout from, UmatcvLayout to, UmatcvChain **chain,
    char **error)
{
  return umatcv_chain_compose (nullptr, from, to, chain, error);
}

UmatcvStatus
umatcv_chain_compose (const UmatcvChain *chain, UmatcvLayout in,
    UmatcvLayout out, UmatcvChain **composed, char **error)
{
  if (composed == nullptr) {
    set_error (error, "no place for the chain");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *composed = nullptr;
  if (!is_video (in) || !is_video (out)) {
    set_error (error, "no such video layout");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }

  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::vector<Op> ops;
    UmatcvLayout last = in;
    if (chain != nullptr && !chain->ops.empty ()) {
      /* the layout the first code takes that is cheapest to reach, in
       * table order between equals */
      const Op &first = chain->ops.front ();
      UmatcvLayout take = L (NONE);
      int best = -1;
      for (int l = 1; l < UMATCV_N_LAYOUTS; l++) {
        if (!in_mask (first.inputs, (UmatcvLayout) l) || !is_video ((UmatcvLayout) l))
          continue;
        int cost = route_cost (in, (UmatcvLayout) l);
        if (cost >= 0 && (best < 0 || cost < best)) {
          best = cost;
          take = (UmatcvLayout) l;
        }
      }
      if (take == L (NONE) || !append_route (in, take, ops)) {
        set_error (error, std::string ("no conversion from ")
            + layout_info (in).name + " to what step 1 ("
            + first.name + ") takes (" + describe_mask (first.inputs) + ")");
        return UMATCV_ERROR_NO_ROUTE;
      }
      ops.insert (ops.end (), chain->ops.begin (), chain->ops.end ());
      last = chain->ops.back ().output;
    }
    /* padding can carry what the chain gives as alpha */
    bool carried = (last == L (BGRA) && out == L (BGRX))
        || (last == L (RGBA) && out == L (RGBX));
    if (!carried && !(is_video (last) && append_route (last, out, ops))) {
      set_error (error, std::string ("no conversion from ")
          + layout_info (last).name + " to " + layout_info (out).name);
      return UMATCV_ERROR_NO_ROUTE;
    }
    *composed = new UmatcvChain {std::move (ops)};
    return UMATCV_OK;
  });
}

UmatcvStatus
umatcv_chain_check (const UmatcvChain *chain, char **error)
{
  if (chain == nullptr) {
    set_error (error, "no chain");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  const std::vector<Op> &ops = chain->ops;
  for (size_t i = 1; i < ops.size (); i++) {
    if (in_mask (ops[i].inputs, ops[i - 1].output))
      continue;
    set_error (error, "step " + std::to_string (i + 1) + " ("
        + ops[i].name + ") takes " + describe_mask (ops[i].inputs)
        + " but step " + std::to_string (i) + " (" + ops[i - 1].name
        + ") gives " + layout_info (ops[i - 1].output).name);
    return UMATCV_ERROR_BROKEN_CHAIN;
  }
  return UMATCV_OK;
}

void
umatcv_chain_free (UmatcvChain *chain)
{
  delete chain;
}

size_t
umatcv_chain_length (const UmatcvChain *chain)
{
  return chain ? chain->ops.size () : 0;
}

const char *
umatcv_chain_step_name (const UmatcvChain *chain, size_t step)
{
  if (chain == nullptr || step >= chain->ops.size ())
    return nullptr;
  return chain->ops[step].name.c_str ();
}

uint64_t
umatcv_chain_input_layouts (const UmatcvChain *chain)
{
  if (chain == nullptr || chain->ops.empty ())
    return 0;
  return chain->ops.front ().inputs;
}

UmatcvLayout
umatcv_chain_output_layout (const UmatcvChain *chain)
{
  if (chain == nullptr || chain->ops.empty ())
    return UMATCV_LAYOUT_NONE;
  return chain->ops.back ().output;
}

unsigned
umatcv_chain_flags (const UmatcvChain *chain)
{
  /* the first step that applies a matrix decodes the input's Y'CbCr when
   * it reads Y'CbCr; the last one encodes the output's when it writes it */
  unsigned flags = 0;
  int first = -1, last = -1;
  bool first_decodes = false, last_encodes = false, last_is_cvt = false;
  if (chain == nullptr)
    return 0;
  for (size_t i = 0; i < chain->ops.size (); i++) {
    const Op &op = chain->ops[i];
    bool reads_yuv = (op.inputs & ~(yuv420_layouts | yuv422_layouts)) == 0
        || (op_is_edge (op) && is_yuv (op_input (op)));
    bool decodes = (op.kind == OpKind::CVT || op.kind == OpKind::DECODE_YUV)
        && reads_yuv && op.output != L (GRAY);
    bool encodes = op.kind == OpKind::ENCODE_YUV
        || (op.kind == OpKind::CVT && in_mask (yuv420_layouts, op.output));
    if (!decodes && !encodes)
      continue;
    if (first < 0) {
      first = (int) i;
      first_decodes = decodes;
    }
    last = (int) i;
    last_encodes = encodes;
    last_is_cvt = op.kind == OpKind::CVT;
  }
  if (first >= 0 && first_decodes)
    flags |= UMATCV_CHAIN_DECODES_YUV;
  if (last >= 0 && last_encodes)
    flags |= UMATCV_CHAIN_ENCODES_YUV
        | (last_is_cvt ? UMATCV_CHAIN_WRITES_COSITED : 0);
  return flags;
}

void
umatcv_chain_size_alignment (const UmatcvChain *chain, int *width_align,
    int *height_align)
{
  /* OpenCV's 4:2:0 and 4:2:2 codes want even sizes; umatcv's own edges
   * take any size, as GStreamer lays odd ones out */
  int wa = 1, ha = 1;
  if (chain != nullptr) {
    for (const Op &op : chain->ops) {
      if (op.kind != OpKind::CVT)
        continue;
      /* an input must be aligned only if every layout it accepts must */
      int in_wa = 2, in_ha = 2;
      for (int l = 1; l < UMATCV_N_LAYOUTS; l++) {
        if (in_mask (op.inputs, (UmatcvLayout) l)) {
          const UmatcvLayoutInfo &info = layout_info ((UmatcvLayout) l);
          in_wa = std::min (in_wa, 1 << info.chroma_x_shift);
          in_ha = std::min (in_ha, 1 << info.chroma_y_shift);
        }
      }
      const UmatcvLayoutInfo &out = layout_info (op.output);
      wa = std::max ({wa, in_wa, 1 << out.chroma_x_shift});
      ha = std::max ({ha, in_ha, 1 << out.chroma_y_shift});
    }
  }
  if (width_align)
    *width_align = wa;
  if (height_align)
    *height_align = ha;
}

}  /* extern "C" */
