/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

/**
 * GstUmatConvertDevice:
 * @GST_UMAT_CONVERT_DEVICE_AUTO: an OpenCL GPU when OpenCV finds one, else the CPU
 * @GST_UMAT_CONVERT_DEVICE_CPU: the CPU; OpenCL is never loaded
 * @GST_UMAT_CONVERT_DEVICE_OPENCL: an OpenCL GPU if any, else any OpenCL device
 */
typedef enum {
  GST_UMAT_CONVERT_DEVICE_AUTO,
  GST_UMAT_CONVERT_DEVICE_CPU,
  GST_UMAT_CONVERT_DEVICE_OPENCL,
} GstUmatConvertDevice;

#define GST_TYPE_UMAT_CONVERT_DEVICE (gst_umat_convert_device_get_type ())
GType gst_umat_convert_device_get_type (void);

#define GST_TYPE_UMAT_CONVERT (gst_umat_convert_get_type ())
G_DECLARE_FINAL_TYPE (GstUmatConvert, gst_umat_convert, GST, UMAT_CONVERT,
    GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE (umatconvert);

G_END_DECLS
