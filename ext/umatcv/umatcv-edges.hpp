/* umatcv edges: the conversions between a chain and the video formats at
 * either end of it, on the CPU.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain's first code takes BGR, the decoder gives I420: the converter
 * decodes the I420 itself (DECODE_YUV), runs the chain, and encodes what
 * the last code gives into the format downstream takes (ENCODE_YUV), or
 * moves bytes (REORDER, CONVERT_YUV). These are those four, row by row.
 *
 * The arithmetic, which the OpenCL kernels (kernels/edges.cl) repeat
 * exactly:
 *
 * Chroma resampling. Each axis that changes resolution has taps that sum
 * to 4, chosen by the chroma siting (umatcv.h): upsampling a centred
 * sample gives the two luma positions 3/4 of their own sample and 1/4 of
 * the neighbour on their side; a cosited sample gives its own position
 * all of it and the next one half of each neighbour. Downsampling to a
 * centred sample averages the two pixels it covers; to a cosited one it
 * weighs 1 2 1 around it. An axis that keeps its resolution weighs its one
 * sample 4. So a resampled chroma value is a sum of weight 16 (`c16`);
 * neighbours past the frame's edge are the edge sample (clamped). This is
 * the filter of GStreamer's videoconvert, at higher precision: it rounds
 * once, at the end.
 *
 * Decoding (Y'CbCr to 8-bit R'G'B'): R = Y' cy + Cr' crv, G = Y' cy +
 * Cb' cgu + Cr' cgv, B = Y' cy + Cb' cbu, in 20-bit fixed point, Y' the
 * luma less its offset (16, or 0 in full range, at its bit depth) and Cb',
 * Cr' the c16 sums less 16 times the chroma offset; rounded once to the
 * nearest and saturated. GRAY takes the luma as it is (OpenCV's
 * YUV2GRAY), reduced to 8 bits.
 *
 * Encoding (8-bit R'G'B' to Y'CbCr at depth d): Y = R cry + G cgy + B cby
 * + offset, and Cb, Cr from the R'G'B' of the chroma filter's window
 * summed with its weights (16 in all), in 16-bit fixed point (20 for the
 * chroma sums); each rounded once to the nearest and saturated to d bits.
 * GRAY encodes as R' = G' = B'.
 *
 * Converting (Y'CbCr to Y'CbCr): luma changes bit depth only (8 to 10:
 * times 4; 10 to 8: rounded); chroma is resampled as above, from the
 * input's siting up and to the output's down, and rounded once to the
 * output's depth. Same subsampling and depth: the same samples.
 *
 * Reordering: R'G'B' bytes move; alpha is copied where both ends have it,
 * 255 where only the output has it (padding becomes opaque alpha, as
 * videoconvert does).
 */
#pragma once

#include "umatcv-private.hpp"

namespace umatcv {

/* Planes of an image whose rows are addressed in frame coordinates: luma
 * row y of the frame is plane 0's row (y - origin). A view of a whole
 * frame has origin 0; a view of a block of rows [origin, origin + rows)
 * has that origin (even, for vertically subsampled chroma). */
struct View {
  UmatcvLayout layout = UMATCV_LAYOUT_NONE;
  int width = 0, height = 0;    /* of the frame */
  uint8_t *planes[3] = {nullptr, nullptr, nullptr};
  size_t strides[3] = {0, 0, 0};
  int origin = 0;

  /* Row y (frame coordinates of plane p: chroma rows for chroma planes). */
  uint8_t *row (int p, int y) const
  {
    int o = p == 0 ? origin : origin >> layout_info (layout).chroma_y_shift;
    return planes[p] + (ptrdiff_t) (y - o) * (ptrdiff_t) strides[p];
  }
};

/* One edge conversion, with the constants its layouts and colorimetry
 * give, made with the converter. */
struct Edge {
  OpKind kind;
  UmatcvLayout from, to;
  unsigned in_site, out_site;   /* chroma siting of a YUV input, output */
  int in_depth, out_depth;

  /* decoding: 20-bit fixed point, for the input's depth */
  int dec_y_offset, dec_c_offset16;
  int dec_cy, dec_crv, dec_cgu, dec_cgv, dec_cbu;

  /* encoding: 16-bit fixed point, for the output's depth */
  int enc_y_offset, enc_c_offset;
  int enc_cry, enc_cgy, enc_cby;
  int enc_cru, enc_cgu, enc_cbu;
  int enc_crv, enc_cgv, enc_cbv;
};

/* `in` is the colorimetry of a YUV input, `out` of a YUV output. */
Edge make_edge (const Op &op, const UmatcvColorimetry &in,
    const UmatcvColorimetry &out);

/* Rows of the input an edge needs to give output rows [y0, y1): more than
 * those rows where a chroma filter reaches into neighbouring rows;
 * clamped to the frame. */
void edge_input_rows (const Edge &edge, int height, int y0, int y1,
    int *in_y0, int *in_y1);

/* Bytes of scratch a thread needs for rows of `width` pixels. */
size_t edge_scratch_bytes (int width);

/* Output rows [y0, y1) from `src`, which holds at least the rows
 * edge_input_rows() named. `scratch` has edge_scratch_bytes(). */
void run_edge (const Edge &edge, const View &src, const View &dst, int y0,
    int y1, int32_t *scratch);

}  /* namespace umatcv */
