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

#define RGB UMATCV_FAMILY_RGB
#define GRAY UMATCV_FAMILY_GRAY
#define YUV UMATCV_FAMILY_YUV
#define STEP UMATCV_FAMILY_NONE

/* name, video format, family, planes, pixel size, chroma shifts, input only */
const UmatcvLayoutInfo table[UMATCV_N_LAYOUTS] = {
  /* NONE */ {"none", nullptr, STEP, 0, 0, 0, 0, 0},
  {"BGR", "BGR", RGB, 1, 3, 0, 0, 0},
  {"RGB", "RGB", RGB, 1, 3, 0, 0, 0},
  {"BGRA", "BGRA", RGB, 1, 4, 0, 0, 0},
  {"RGBA", "RGBA", RGB, 1, 4, 0, 0, 0},
  {"BGRx", "BGRx", RGB, 1, 4, 0, 0, 0},
  {"RGBx", "RGBx", RGB, 1, 4, 0, 0, 0},
  {"GRAY", "GRAY8", GRAY, 1, 1, 0, 0, 0},
  {"I420", "I420", YUV, 3, 0, 1, 1, 0},
  {"YV12", "YV12", YUV, 3, 0, 1, 1, 0},
  {"NV12", "NV12", YUV, 2, 0, 1, 1, 0},
  {"NV21", "NV21", YUV, 2, 0, 1, 1, 0},
  {"YUY2", "YUY2", YUV, 1, 2, 1, 0, 1},
  {"UYVY", "UYVY", YUV, 1, 2, 1, 0, 1},
  {"YVYU", "YVYU", YUV, 1, 2, 1, 0, 1},
  {"HSV", nullptr, STEP, 1, 3, 0, 0, 0},
  {"HSV_FULL", nullptr, STEP, 1, 3, 0, 0, 0},
  {"HLS", nullptr, STEP, 1, 3, 0, 0, 0},
  {"HLS_FULL", nullptr, STEP, 1, 3, 0, 0, 0},
  {"Lab", nullptr, STEP, 1, 3, 0, 0, 0},
  {"Luv", nullptr, STEP, 1, 3, 0, 0, 0},
  {"XYZ", nullptr, STEP, 1, 3, 0, 0, 0},
  {"YCrCb", nullptr, STEP, 1, 3, 0, 0, 0},
  {"YUV", nullptr, STEP, 1, 3, 0, 0, 0},
  {"LBGR", nullptr, STEP, 1, 3, 0, 0, 0},
  {"LRGB", nullptr, STEP, 1, 3, 0, 0, 0},
  {"mRGBA", nullptr, STEP, 1, 4, 0, 0, 0},
};

#undef RGB
#undef GRAY
#undef YUV
#undef STEP

}  /* namespace */

namespace umatcv {

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
  switch (layout_info (layout).n_planes) {
    case 3: return Shape::PLANAR_420;
    case 2: return Shape::SEMI_420;
    default: return Shape::PACKED;
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
  switch (layout_shape (layout)) {
    case Shape::PLANAR_420:
      planes[0] = {height, width, 1};
      planes[1] = {height / 2, width / 2, 1};
      planes[2] = {height / 2, width / 2, 1};
      return 3;
    case Shape::SEMI_420:
      planes[0] = {height, width, 1};
      planes[1] = {height / 2, width / 2, 2};
      return 2;
    case Shape::PACKED:
    default:
      planes[0] = {height, width, layout_channels (layout)};
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
