/* Frames for the edge tests and benchmarks: any layout, padded strides.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "umatcv.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace edges {

/* One frame of a layout in memory of its own, every row `pad` bytes
 * longer than it needs (kept even for 16-bit samples). */
struct Frame {
  UmatcvImage image;
  std::vector<uint8_t> planes[3];
  size_t row_bytes[3];
  int rows[3];
  int n_planes;

  Frame (UmatcvLayout layout, int width, int height, int pad)
  {
    const UmatcvLayoutInfo *info = umatcv_layout_info (layout);
    int bytes = info->depth > 8 ? 2 : 1;
    int cw = (width + (1 << info->chroma_x_shift) - 1)
        >> info->chroma_x_shift;
    int ch = (height + (1 << info->chroma_y_shift) - 1)
        >> info->chroma_y_shift;
    memset (&image, 0, sizeof (image));
    image.layout = layout;
    image.width = width;
    image.height = height;
    n_planes = info->n_planes;
    for (int p = 0; p < 3; p++) {
      row_bytes[p] = 0;
      rows[p] = 0;
    }
    if (n_planes == 1) {
      /* packed 4:2:2 comes in whole pairs */
      row_bytes[0] = info->family == UMATCV_FAMILY_YUV ? (size_t) 4 * cw
          : (size_t) width * info->pixel_size;
      rows[0] = height;
    } else {
      row_bytes[0] = (size_t) width * bytes;
      rows[0] = height;
      for (int p = 1; p < n_planes; p++) {
        row_bytes[p] = (size_t) cw * bytes * (n_planes == 2 ? 2 : 1);
        rows[p] = ch;
      }
    }
    if (bytes == 2)
      pad = (pad + 1) & ~1;
    for (int p = 0; p < n_planes; p++) {
      image.strides[p] = row_bytes[p] + pad;
      planes[p].assign (image.strides[p] * rows[p], 0);
      image.planes[p] = planes[p].data ();
    }
  }

  Frame (const Frame &) = delete;
  Frame &operator= (const Frame &) = delete;

  void fill_random (std::mt19937 &rng)
  {
    for (int p = 0; p < n_planes; p++)
      for (uint8_t &b : planes[p])
        b = (uint8_t) rng ();
  }

  void fill (uint8_t value)
  {
    for (int p = 0; p < n_planes; p++)
      memset (planes[p].data (), value, planes[p].size ());
  }
};

/* Every layout a video format carries. */
inline std::vector<UmatcvLayout>
video_layouts ()
{
  std::vector<UmatcvLayout> layouts;
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++) {
    const UmatcvLayoutInfo *info = umatcv_layout_info ((UmatcvLayout) l);
    if (info && info->video_format)
      layouts.push_back ((UmatcvLayout) l);
  }
  return layouts;
}

/* A converter with the rows UMATCV_CPU_EDGES names ("scalar", "baseline",
 * "avx2"; NULL: the default), which is read when a converter is made. */
inline UmatcvStatus
converter_with (const char *rows, UmatcvEngine *engine,
    const UmatcvChain *chain, const UmatcvConverterSpec *spec,
    UmatcvConverter **converter, char **error)
{
  if (rows)
    setenv ("UMATCV_CPU_EDGES", rows, 1);
  else
    unsetenv ("UMATCV_CPU_EDGES");
  UmatcvStatus status = umatcv_converter_new (engine, chain, spec, converter,
      error);
  unsetenv ("UMATCV_CPU_EDGES");
  return status;
}

}  /* namespace edges */
