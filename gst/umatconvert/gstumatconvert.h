/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "gstumatcaps.h"
#include "gstumatdevice.h"
#include "gstumatinflight.h"
#include "gstumatrefusal.h"
#include "gstumatselection.h"

G_BEGIN_DECLS

/**
 * GstUmatConvertDevice:
 * @GST_UMAT_CONVERT_DEVICE_AUTO: an OpenCL GPU when OpenCV finds one, else
 *     the CPU
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

/* The element's state, for its files (one job each: see docs/design.md). */
struct _GstUmatConvert
{
  GstVideoFilter parent;

  /* properties, under the object lock */
  GstUmatChainInfo *chain;      /* never NULL; swapped whole, atomically
                                 * (gstumatchainswitch.c) */
  guint selection_rate;
  guint queue_size;
  GstUmatConvertDevice device;
  gchar *opencl_device;
  gboolean started;             /* from start to stop */

  /* the jobs, one file each */
  GstUmatDevice dev;            /* gstumatdevice.c */
  GstUmatSelection selection;   /* gstumatselection.c */
  GstUmatRefusal refusal;       /* gstumatrefusal.c */
  GstUmatInFlight flight;       /* gstumatinflight.c */

  /* streaming thread */
  gboolean stale_chain_noted;   /* gstumatchainswitch.c */
  gboolean in_place;            /* converting into the input buffer */
};

GST_ELEMENT_REGISTER_DECLARE (umatconvert);

/* gstumatconvert.c, for gstumatchainswitch.c */
GstCaps *gst_umat_convert_caps_for_chain (GstUmatConvert * self,
    GstUmatChainInfo * chain, GstPadDirection direction, GstCaps * caps);
gboolean gst_umat_convert_configure (GstUmatConvert * self,
    GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, gboolean cuda_in);

/* gstumatchainswitch.c: the chain property's life */
GstUmatChainInfo *gst_umat_convert_get_chain (GstUmatConvert * self);
void gst_umat_convert_set_chain (GstUmatConvert * self, const gchar * text);
GstUmatChainInfo *gst_umat_convert_chain_for_formats (GstUmatConvert * self,
    GstVideoFormat in, GstVideoFormat out);
gboolean gst_umat_convert_follow_chain (GstUmatConvert * self);

G_END_DECLS
