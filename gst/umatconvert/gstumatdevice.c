/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An OpenCL failure while streaming (a lost device, a driver error) does
 * not lose the stream: the element posts a warning, makes a CPU engine,
 * rebuilds the converter there and converts the failed frame again (OpenCL
 * writes the output frame last, with the download, so the input is
 * intact). It stays on the CPU until it stops.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatdevice.h"
#include "gstumatconvert.h"
#include "gstumatcudacontext.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

GType
gst_umat_convert_device_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_UMAT_CONVERT_DEVICE_AUTO,
        "An OpenCL GPU when OpenCV finds one, else the CPU", "auto"},
    {GST_UMAT_CONVERT_DEVICE_CPU, "The CPU; OpenCL is never loaded", "cpu"},
    {GST_UMAT_CONVERT_DEVICE_OPENCL,
        "An OpenCL GPU if any, else any OpenCL device; an error if none",
        "opencl"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstUmatConvertDevice", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
gst_umat_device_init (GstUmatDevice * dev)
{
  dev->backend = g_strdup ("");
  dev->takes_cuda = -1;
}

void
gst_umat_device_finalize (GstUmatDevice * dev)
{
  gst_clear_object (&dev->cuda_context);
  g_free (dev->backend);
}

static void
set_state (GstUmatDevice * dev, GstElement * element, gboolean fused,
    gboolean new_backend)
{
  GST_OBJECT_LOCK (element);
  dev->fused = fused;
  if (new_backend) {
    g_free (dev->backend);
    dev->backend = g_strdup (umatcv_engine_backend (dev->engine));
  }
  GST_OBJECT_UNLOCK (element);
}

gboolean
gst_umat_device_start (GstUmatDevice * dev, GstElement * element,
    UmatcvDevice device, const gchar * opencl_device)
{
  gchar *note = NULL;
  gint64 began = g_get_monotonic_time ();
  UmatcvStatus status = umatcv_engine_new_on (device, opencl_device,
      &dev->engine, &note);

  if (status != UMATCV_OK)
    goto no_engine;
  /* device=auto without a usable OpenCL GPU is the documented, common case
   * (the backend property says "cpu"): a log line, not a warning */
  if (note)
    GST_INFO_OBJECT (element, "no OpenCL GPU, converting on the CPU: %s",
        note);
  umatcv_free (note);
  note = NULL;
  g_atomic_int_set (&dev->takes_cuda,
      umatcv_engine_takes_cuda (dev->engine, &note));
  if (umatcv_engine_uses_opencl (dev->engine))
    GST_INFO_OBJECT (element, "frames in CUDA memory: %s",
        note ? note : "taken");
  umatcv_free (note);
  set_state (dev, element, FALSE, TRUE);
  GST_INFO_OBJECT (element, "backend %s, ready after %.3f s",
      umatcv_engine_backend (dev->engine),
      (g_get_monotonic_time () - began) / 1e6);
  return TRUE;

  /* ERRORS */
no_engine:
  {
    if (status == UMATCV_ERROR_NO_DEVICE)
      GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND,
          ("No OpenCL device for device=opencl: %s", note),
          ("use device=auto or device=cpu to run on the CPU"));
    else
      GST_ELEMENT_ERROR (element, LIBRARY, INIT,
          ("Could not set up OpenCV (%s): %s", umatcv_status_name (status),
              note), (NULL));
    umatcv_free (note);
    return FALSE;
  }
}

void
gst_umat_device_drop_converter (GstUmatDevice * dev, GstElement * element)
{
  umatcv_converter_free (dev->converter);
  dev->converter = NULL;
  gst_clear_object (&dev->cuda_context);       /* after the converter */
  gst_umat_chain_info_unref (dev->chain);
  dev->chain = NULL;
  GST_OBJECT_LOCK (element);
  dev->fused = FALSE;
  GST_OBJECT_UNLOCK (element);
}

void
gst_umat_device_stop (GstUmatDevice * dev, GstElement * element)
{
  g_atomic_int_set (&dev->takes_cuda, -1);
  gst_umat_device_drop_converter (dev, element);
  umatcv_engine_free (dev->engine);
  dev->engine = NULL;
}

gboolean
gst_umat_device_on_opencl (const GstUmatDevice * dev)
{
  return dev->engine != NULL && umatcv_engine_uses_opencl (dev->engine);
}

static gboolean
same_but_framerate (const GstVideoInfo * a, const GstVideoInfo * b)
{
  GstVideoInfo c = *b;

  GST_VIDEO_INFO_FPS_N (&c) = GST_VIDEO_INFO_FPS_N (a);
  GST_VIDEO_INFO_FPS_D (&c) = GST_VIDEO_INFO_FPS_D (a);
  return gst_video_info_is_equal (a, &c);
}

/* Whether `chain` already runs on these formats with `slots` (only the
 * framerate may differ, as when selection-rate changes): nothing to
 * rebuild. */
static gboolean
runs (const GstUmatDevice * dev,
    const GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, guint slots)
{
  return dev->chain == chain && dev->slots == slots
      && same_but_framerate (&dev->in_info, in_info)
      && same_but_framerate (&dev->out_info, out_info);
}

/* The matrix, range and chroma siting the converter applies to YUV of
 * `info`. RGB caps say full range (sRGB) too, but no matrix applies to
 * them: they keep the default, so that an RGB end never takes a chain off
 * OpenCV's own codes. A matrix the caps do not name is GStreamer's default
 * for the size; siting they do not name is MPEG-2's, which H.264 and HEVC
 * decoders and encoders assume. */
static UmatcvColorimetry
colorimetry_of (const GstVideoInfo * info)
{
  UmatcvColorimetry c = { UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
    UMATCV_SITE_H_COSITED
  };
  GstVideoChromaSite site = GST_VIDEO_INFO_CHROMA_SITE (info);

  if (!GST_VIDEO_INFO_IS_YUV (info))
    return c;
  switch (info->colorimetry.matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT709:
      c.matrix = UMATCV_MATRIX_BT709;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      c.matrix = UMATCV_MATRIX_BT2020;
      break;
    case GST_VIDEO_COLOR_MATRIX_UNKNOWN:
      /* GStreamer's default for the size (video-info.c) */
      if (GST_VIDEO_INFO_HEIGHT (info) >= 2160)
        c.matrix = UMATCV_MATRIX_BT2020;
      else if (GST_VIDEO_INFO_HEIGHT (info) > 576)
        c.matrix = UMATCV_MATRIX_BT709;
      break;
    default:
      break;
  }
  if (info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255)
    c.range = UMATCV_RANGE_FULL;
  if (site != GST_VIDEO_CHROMA_SITE_UNKNOWN) {
    c.chroma_site = 0;
    if (site & GST_VIDEO_CHROMA_SITE_H_COSITED)
      c.chroma_site |= UMATCV_SITE_H_COSITED;
    if (site & GST_VIDEO_CHROMA_SITE_V_COSITED)
      c.chroma_site |= UMATCV_SITE_V_COSITED;
  }
  return c;
}

static gboolean
build (GstUmatDevice * dev, GstElement * element)
{
  UmatcvConverterSpec spec;
  UmatcvStatus status;
  const GstVideoInfo *in_info = &dev->in_info;
  gchar *error = NULL;
  gint64 began = g_get_monotonic_time ();

  umatcv_converter_spec_init (&spec, dev->in_layout, dev->out_layout,
      GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info));
  spec.cuda_input = dev->cuda_in;
  if (dev->cuda_in)
    spec.cuda_context = gst_umat_cuda_context_handle (dev->cuda_context);
  spec.in_colorimetry = colorimetry_of (in_info);
  spec.out_colorimetry = colorimetry_of (&dev->out_info);
  spec.slots = dev->slots;
  status = umatcv_converter_new (dev->engine, dev->chain->chain, &spec,
      &dev->converter, &error);
  if (status != UMATCV_OK)
    goto failed;
  if (dev->cuda_in) {
    gpointer made_in = umatcv_converter_cuda_context (dev->converter);

    GST_INFO_OBJECT (element, "CUDA memory made in %s",
        made_in && made_in == spec.cuda_context ? "upstream's CUDA context"
        : spec.cuda_context ? "the GPU's primary CUDA context (upstream's "
        "is on another GPU)" : "the GPU's primary CUDA context (upstream "
        "shares none)");
  }

  set_state (dev, element, umatcv_converter_is_fused (dev->converter), FALSE);
  /* the kernels are compiled (or loaded from OpenCV's cache) and the
   * slots allocated here, while upstream waits */
  GST_INFO_OBJECT (element, "converting %s to %s at %dx%d with %s chain, %u "
      "slots%s, built in %.3f s", umatcv_layout_name (dev->in_layout),
      umatcv_layout_name (dev->out_layout), GST_VIDEO_INFO_WIDTH (in_info),
      GST_VIDEO_INFO_HEIGHT (in_info),
      gst_umat_chain_info_is_auto (dev->chain) ? "auto" : dev->chain->text,
      dev->slots,
      umatcv_converter_is_fused (dev->converter) ? ", fused" : "",
      (g_get_monotonic_time () - began) / 1e6);
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (element, CORE, NEGOTIATION,
        ("Cannot convert %s to %s at %dx%d: %s",
            GST_VIDEO_INFO_NAME (in_info), GST_VIDEO_INFO_NAME (&dev->out_info),
            GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info),
            error), ("chain \"%s\"", dev->chain->text));
    umatcv_free (error);
    return FALSE;
  }
}

gboolean
gst_umat_device_configure (GstUmatDevice * dev, GstElement * element,
    GstUmatChainInfo * chain, const GstVideoInfo * in_info,
    const GstVideoInfo * out_info, gboolean cuda_in, GstObject * cuda_context,
    guint slots, gboolean * passthrough, gboolean * in_place)
{
  gboolean same_format =
      GST_VIDEO_INFO_FORMAT (in_info) == GST_VIDEO_INFO_FORMAT (out_info);

  /* In place only when the format stays: a buffer's GstVideoMeta belongs
   * to upstream's pool, and relabelling it (BGR to RGB in the same bytes)
   * breaks upstream when the buffer comes back to it. */
  /* frames in CUDA memory are never passed through (downstream takes
   * system memory) nor converted in place */
  *passthrough = gst_umat_chain_info_is_auto (chain) && same_format
      && !cuda_in;
  *in_place = same_format && !cuda_in;
  if (!*passthrough && dev->converter && dev->cuda_in == cuda_in
      && runs (dev, chain, in_info, out_info, slots)) {
    GST_DEBUG_OBJECT (element, "only the framerate changed: same converter");
  } else {
    gst_umat_device_drop_converter (dev, element);
    dev->chain = gst_umat_chain_info_ref (chain);
    dev->in_info = *in_info;
    dev->out_info = *out_info;
    dev->in_layout = gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT
        (in_info));
    dev->out_layout = gst_umat_layout_from_format (GST_VIDEO_INFO_FORMAT
        (out_info));
    dev->slots = slots;
    dev->cuda_in = cuda_in;
    gst_object_replace (&dev->cuda_context, cuda_in ? cuda_context : NULL);
    if (!*passthrough && !build (dev, element))
      return FALSE;
  }
  /* chroma filters that read neighbouring rows want an output of their own */
  *in_place = *in_place && (dev->converter == NULL
      || umatcv_converter_in_place_ok (dev->converter));
  return TRUE;
}

gboolean
gst_umat_device_fall_back_to_cpu (GstUmatDevice * dev, GstElement * element,
    const gchar * why)
{
  UmatcvEngine *cpu = NULL;

  if (dev->cuda_in) {
    GST_ELEMENT_ERROR (element, RESOURCE, FAILED,
        ("OpenCL failed on %s with frames in CUDA memory, which the CPU "
            "cannot take: %s", umatcv_engine_backend (dev->engine), why),
        (NULL));
    return FALSE;
  }
  GST_ELEMENT_WARNING (element, RESOURCE, FAILED,
      ("OpenCL failed on %s, converting on the CPU from now on: %s",
          umatcv_engine_backend (dev->engine), why), (NULL));
  if (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu, NULL) != UMATCV_OK)
    return FALSE;
  umatcv_converter_free (dev->converter);     /* before its engine */
  dev->converter = NULL;
  umatcv_engine_free (dev->engine);
  dev->engine = cpu;
  set_state (dev, element, FALSE, TRUE);
  return build (dev, element);
}

static void
image_from_frame (UmatcvImage * image, UmatcvLayout layout,
    GstVideoFrame * frame)
{
  memset (image, 0, sizeof (*image));
  image->layout = layout;
  image->width = GST_VIDEO_FRAME_WIDTH (frame);
  image->height = GST_VIDEO_FRAME_HEIGHT (frame);
  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES (frame) && i < 3; i++) {
    image->planes[i] = GST_VIDEO_FRAME_PLANE_DATA (frame, i);
    /* a negative stride is refused by the library as too small */
    image->strides[i] = MAX (GST_VIDEO_FRAME_PLANE_STRIDE (frame, i), 0);
  }
}

guint
gst_umat_device_depth (const GstUmatDevice * dev)
{
  return dev->converter ? umatcv_converter_depth (dev->converter) : 1;
}

GstFlowReturn
gst_umat_device_submit (GstUmatDevice * dev, GstElement * element,
    GstVideoFrame * in, GstVideoFrame * out)
{
  UmatcvImage in_image, out_image;
  gchar *error = NULL;
  UmatcvStatus status;

  if (G_UNLIKELY (dev->converter == NULL))
    goto not_negotiated;
  image_from_frame (&in_image, dev->in_layout, in);
  image_from_frame (&out_image, dev->out_layout, out);
  status = umatcv_converter_submit (dev->converter, &in_image, &out_image,
      &error);
  if (G_UNLIKELY (status != UMATCV_OK))
    goto failed;
  return GST_FLOW_OK;

  /* ERRORS */
not_negotiated:
  {
    GST_ELEMENT_ERROR (element, CORE, NEGOTIATION, (NULL),
        ("no converter for the current caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
failed:
  {
    GST_ELEMENT_ERROR (element, STREAM, FAILED,
        ("Conversion failed on %s: %s", umatcv_engine_backend (dev->engine),
            error), ("%s", umatcv_status_name (status)));
    umatcv_free (error);
    return GST_FLOW_ERROR;
  }
}

GstUmatWait
gst_umat_device_wait (GstUmatDevice * dev, GstElement * element,
    gboolean block, gchar ** why)
{
  gchar *error = NULL;
  int done = 0;
  UmatcvStatus status = umatcv_converter_wait (dev->converter, block, &done,
      &error);

  *why = NULL;
  if (status == UMATCV_OK)
    return done ? GST_UMAT_WAIT_DONE : GST_UMAT_WAIT_PENDING;
  /* OpenCL writes the output frame last (the download), so the input is
   * intact and the frame can be done again on the CPU */
  *why = g_strdup (error ? error : umatcv_status_name (status));
  umatcv_free (error);
  if (status != UMATCV_ERROR_INVALID_ARGUMENT && gst_umat_device_on_opencl (dev))
    return GST_UMAT_WAIT_DEVICE_FAILED;
  GST_ELEMENT_ERROR (element, STREAM, FAILED,
      ("Conversion failed on %s: %s", umatcv_engine_backend (dev->engine),
          *why), ("%s", umatcv_status_name (status)));
  return GST_UMAT_WAIT_FAILED;
}
