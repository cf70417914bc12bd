/* umatcv layouts: the one table of what frames and chain steps carry.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element builds its caps from this table (through umatcv.h), the
 * converter its images, and the tests their frames.
 */
#include "umatcv-private.hpp"

#include <cstring>

using namespace umatcv;

namespace {

#define F_RGB UMATCV_FAMILY_RGB
#define F_GRAY UMATCV_FAMILY_GRAY
#define F_YUV UMATCV_FAMILY_YUV
#define F_STEP UMATCV_FAMILY_NONE

/* name, video format, family, planes, pixel size, chroma shifts, depth,
 * input only */
const UmatcvLayoutInfo table[UMATCV_N_LAYOUTS] = {
  /* NONE */ {"none", nullptr, F_STEP, 0, 0, 0, 0, 0, 0},
  {"BGR", "BGR", F_RGB, 1, 3, 0, 0, 8, 0},
  {"RGB", "RGB", F_RGB, 1, 3, 0, 0, 8, 0},
  {"BGRA", "BGRA", F_RGB, 1, 4, 0, 0, 8, 0},
  {"RGBA", "RGBA", F_RGB, 1, 4, 0, 0, 8, 0},
  {"BGRx", "BGRx", F_RGB, 1, 4, 0, 0, 8, 0},
  {"RGBx", "RGBx", F_RGB, 1, 4, 0, 0, 8, 0},
  {"GRAY", "GRAY8", F_GRAY, 1, 1, 0, 0, 8, 0},
  {"I420", "I420", F_YUV, 3, 0, 1, 1, 8, 0},
  {"YV12", "YV12", F_YUV, 3, 0, 1, 1, 8, 0},
  {"NV12", "NV12", F_YUV, 2, 0, 1, 1, 8, 0},
  {"NV21", "NV21", F_YUV, 2, 0, 1, 1, 8, 0},
  {"YUY2", "YUY2", F_YUV, 1, 2, 1, 0, 8, 1},
  {"UYVY", "UYVY", F_YUV, 1, 2, 1, 0, 8, 1},
  {"YVYU", "YVYU", F_YUV, 1, 2, 1, 0, 8, 1},
  {"ARGB", "ARGB", F_RGB, 1, 4, 0, 0, 8, 0},
  {"ABGR", "ABGR", F_RGB, 1, 4, 0, 0, 8, 0},
  {"xRGB", "xRGB", F_RGB, 1, 4, 0, 0, 8, 0},
  {"xBGR", "xBGR", F_RGB, 1, 4, 0, 0, 8, 0},
  {"Y42B", "Y42B", F_YUV, 3, 0, 1, 0, 8, 0},
  {"NV16", "NV16", F_YUV, 2, 0, 1, 0, 8, 0},
  {"Y444", "Y444", F_YUV, 3, 0, 0, 0, 8, 0},
  {"P010", "P010_10LE", F_YUV, 2, 0, 1, 1, 10, 0},
  {"I420_10", "I420_10LE", F_YUV, 3, 0, 1, 1, 10, 0},
  {"I422_10", "I422_10LE", F_YUV, 3, 0, 1, 0, 10, 0},
  {"Y444_10", "Y444_10LE", F_YUV, 3, 0, 0, 0, 10, 0},
  {"HSV", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"HSV_FULL", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"HLS", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"HLS_FULL", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"Lab", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"Luv", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"XYZ", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"YCrCb", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"YUV", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"LBGR", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"LRGB", nullptr, F_STEP, 1, 3, 0, 0, 8, 0},
  {"mRGBA", nullptr, F_STEP, 1, 4, 0, 0, 8, 0},
};

using K = Packing::Kind;

/* Where each layout keeps its samples (same order as the table above):
 * kind, bytes a sample, shift of a sample in its word; R, G, B, A byte
 * offsets in a pixel (-1: none), padding; U and V planes (planar) or
 * whether V comes first (semi-planar, packed); Y0 U Y1 V byte offsets of a
 * packed 4:2:2 pair. */
const Packing packings[UMATCV_N_LAYOUTS] = {
  /* NONE */ {K::OTHER, 1, 0, -1, -1, -1, -1, false, 0, 0, false, {0, 0, 0, 0}},
  /* BGR */ {K::RGB, 1, 0, 2, 1, 0, -1, false, 0, 0, false, {0, 0, 0, 0}},
  /* RGB */ {K::RGB, 1, 0, 0, 1, 2, -1, false, 0, 0, false, {0, 0, 0, 0}},
  /* BGRA */ {K::RGB, 1, 0, 2, 1, 0, 3, false, 0, 0, false, {0, 0, 0, 0}},
  /* RGBA */ {K::RGB, 1, 0, 0, 1, 2, 3, false, 0, 0, false, {0, 0, 0, 0}},
  /* BGRx */ {K::RGB, 1, 0, 2, 1, 0, -1, true, 0, 0, false, {0, 0, 0, 0}},
  /* RGBx */ {K::RGB, 1, 0, 0, 1, 2, -1, true, 0, 0, false, {0, 0, 0, 0}},
  /* GRAY */ {K::GRAY, 1, 0, -1, -1, -1, -1, false, 0, 0, false, {0, 0, 0, 0}},
  /* I420 */ {K::YUV_PLANAR, 1, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
  /* YV12 */ {K::YUV_PLANAR, 1, 0, -1, -1, -1, -1, false, 2, 1, false, {0, 0, 0, 0}},
  /* NV12 */ {K::YUV_SEMI, 1, 0, -1, -1, -1, -1, false, 1, 1, false, {0, 0, 0, 0}},
  /* NV21 */ {K::YUV_SEMI, 1, 0, -1, -1, -1, -1, false, 1, 1, true, {0, 0, 0, 0}},
  /* YUY2 */ {K::YUV_PACKED, 1, 0, -1, -1, -1, -1, false, 0, 0, false, {0, 1, 2, 3}},
  /* UYVY */ {K::YUV_PACKED, 1, 0, -1, -1, -1, -1, false, 0, 0, false, {1, 0, 3, 2}},
  /* YVYU */ {K::YUV_PACKED, 1, 0, -1, -1, -1, -1, false, 0, 0, true, {0, 3, 2, 1}},
  /* ARGB */ {K::RGB, 1, 0, 1, 2, 3, 0, false, 0, 0, false, {0, 0, 0, 0}},
  /* ABGR */ {K::RGB, 1, 0, 3, 2, 1, 0, false, 0, 0, false, {0, 0, 0, 0}},
  /* xRGB */ {K::RGB, 1, 0, 1, 2, 3, -1, true, 0, 0, false, {0, 0, 0, 0}},
  /* xBGR */ {K::RGB, 1, 0, 3, 2, 1, -1, true, 0, 0, false, {0, 0, 0, 0}},
  /* Y42B */ {K::YUV_PLANAR, 1, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
  /* NV16 */ {K::YUV_SEMI, 1, 0, -1, -1, -1, -1, false, 1, 1, false, {0, 0, 0, 0}},
  /* Y444 */ {K::YUV_PLANAR, 1, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
  /* P010 */ {K::YUV_SEMI, 2, 6, -1, -1, -1, -1, false, 1, 1, false, {0, 0, 0, 0}},
  /* I420_10 */ {K::YUV_PLANAR, 2, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
  /* I422_10 */ {K::YUV_PLANAR, 2, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
  /* Y444_10 */ {K::YUV_PLANAR, 2, 0, -1, -1, -1, -1, false, 1, 2, false, {0, 0, 0, 0}},
};

#undef F_RGB
#undef F_GRAY
#undef F_YUV
#undef F_STEP

}  /* namespace */

namespace umatcv {

const Packing &
layout_packing (UmatcvLayout layout)
{
  /* layouts that exist only between chain steps are packed 8-bit images
   * that only cvtColor reads */
  if (layout <= UMATCV_LAYOUT_NONE || layout > UMATCV_LAYOUT_Y444_10)
    return packings[0];
  return packings[layout];
}

const UmatcvLayoutInfo &
layout_info (UmatcvLayout layout)
{
  if (layout <= UMATCV_LAYOUT_NONE || layout >= UMATCV_N_LAYOUTS)
    return table[0];
  return table[layout];
}

Shape
layout_shape (UmatcvLayout layout)
{
  switch (layout) {
    case UMATCV_LAYOUT_I420:
    case UMATCV_LAYOUT_YV12:
      return Shape::PLANAR_420;
    case UMATCV_LAYOUT_NV12:
    case UMATCV_LAYOUT_NV21:
      return Shape::SEMI_420;
    default:
      return layout_info (layout).n_planes == 1 ? Shape::PACKED : Shape::OTHER;
  }
}

int
layout_channels (UmatcvLayout layout)
{
  const UmatcvLayoutInfo &info = layout_info (layout);
  return info.n_planes == 1 ? info.pixel_size : 1;
}

int
layout_planes (UmatcvLayout layout, int width, int height, PlaneShape planes[3])
{
  const UmatcvLayoutInfo &info = layout_info (layout);
  const Packing &packing = layout_packing (layout);
  /* chroma of an odd size covers the last luma column or row alone, as
   * GStreamer lays frames out */
  int cw = (width + (1 << info.chroma_x_shift) - 1) >> info.chroma_x_shift;
  int ch = (height + (1 << info.chroma_y_shift) - 1) >> info.chroma_y_shift;
  int bytes = packing.sample_bytes;

  switch (info.n_planes) {
    case 3:
      planes[0] = {height, width, 1, bytes};
      planes[1] = {ch, cw, 1, bytes};
      planes[2] = {ch, cw, 1, bytes};
      return 3;
    case 2:
      planes[0] = {height, width, 1, bytes};
      planes[1] = {ch, cw, 2, bytes};
      return 2;
    default:
      /* packed 4:2:2 as cvtColor sees it: 2 bytes a pixel, in pairs */
      if (packing.kind == Packing::Kind::YUV_PACKED)
        planes[0] = {height, 2 * cw, 2, 1};
      else
        planes[0] = {height, width, layout_channels (layout), 1};
      return 1;
  }
}

cv::Size
layout_mat_size (UmatcvLayout layout, int width, int height)
{
  if (layout_shape (layout) == Shape::PACKED)
    return cv::Size (width, height);
  return cv::Size (width, height * 3 / 2);
}

int
layout_mat_type (UmatcvLayout layout)
{
  return CV_8UC (layout_channels (layout));
}

}  /* namespace umatcv */

extern "C" {

const UmatcvLayoutInfo *
umatcv_layout_info (UmatcvLayout layout)
{
  if (layout <= UMATCV_LAYOUT_NONE || layout >= UMATCV_N_LAYOUTS)
    return nullptr;
  return &table[layout];
}

const char *
umatcv_layout_name (UmatcvLayout layout)
{
  return layout_info (layout).name;
}

UmatcvLayout
umatcv_layout_from_video_format (const char *video_format)
{
  if (video_format == nullptr)
    return UMATCV_LAYOUT_NONE;
  for (int l = 1; l < UMATCV_N_LAYOUTS; l++)
    if (table[l].video_format
        && strcmp (table[l].video_format, video_format) == 0)
      return (UmatcvLayout) l;
  return UMATCV_LAYOUT_NONE;
}

}  /* extern "C" */
