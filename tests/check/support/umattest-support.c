/* umattest: the backend under test, skips, frames, images and comparison.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * The backend under test, and skips
 * ------------------------------------------------------------------------ */

const gchar *
umattest_device (void)
{
  const gchar *device = g_getenv ("UMAT_TEST_DEVICE");

  if (device == NULL || strcmp (device, "cpu") == 0)
    return "cpu";
  if (strcmp (device, "opencl") == 0)
    return "opencl";
  g_printerr ("UMAT_TEST_DEVICE must be cpu or opencl, not '%s'\n", device);
  exit (1);
}

UmatcvDevice
umattest_umatcv_device (void)
{
  return umattest_on_opencl ()? UMATCV_DEVICE_OPENCL : UMATCV_DEVICE_CPU;
}

gboolean
umattest_on_opencl (void)
{
  return strcmp (umattest_device (), "opencl") == 0;
}

gboolean
umattest_opencl_required (void)
{
  return g_strcmp0 (g_getenv ("UMAT_REQUIRE_OPENCL"), "1") == 0;
}

void
umattest_skip_program (const gchar * format, ...)
{
  va_list args;
  gchar *why;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("SKIP: %s\n", why);
  g_free (why);
  exit (UMATTEST_SKIP);
}

/* Whether OpenCV finds an OpenCL device, asked in a child process unless
 * check runs the tests in this one (CK_FORK=no). */
static gboolean
opencl_device_found (gint * gpus)
{
  gint status = 0;
  pid_t child;

  if (g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0)
    return cvref_opencl_devices (gpus) > 0;
  fflush (NULL);
  child = fork ();
  if (child == 0) {
    gint n = cvref_opencl_devices (gpus);
    _exit (n > 0 ? (*gpus > 0 ? 2 : 1) : 0);
  }
  if (child < 0 || waitpid (child, &status, 0) != child
      || !WIFEXITED (status)) {
    g_printerr ("FAIL: could not ask for OpenCL devices in a child "
        "process\n");
    exit (1);
  }
  *gpus = WEXITSTATUS (status) == 2;
  return WEXITSTATUS (status) > 0;
}

guint64
umattest_opencl_max_alloc (void)
{
  guint64 size = 0;
  gint fds[2], status = 0;
  pid_t child;

  if (g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0)
    return cvref_opencl_max_alloc ();
  if (pipe (fds) != 0)
    return 0;
  fflush (NULL);
  child = fork ();
  if (child == 0) {
    size = cvref_opencl_max_alloc ();
    _exit (write (fds[1], &size, sizeof (size)) == sizeof (size) ? 0 : 1);
  }
  close (fds[1]);
  if (child < 0 || read (fds[0], &size, sizeof (size)) != sizeof (size))
    size = 0;
  close (fds[0]);
  if (child > 0)
    waitpid (child, &status, 0);
  return size;
}

void
umattest_require_opencl (gboolean always)
{
  gint gpus = 0;

  if (!always && !umattest_on_opencl ())
    return;
  if (opencl_device_found (&gpus))
    return;
  if (umattest_opencl_required ()) {
    g_printerr ("FAIL: OpenCV finds no OpenCL device, and "
        "UMAT_REQUIRE_OPENCL=1\n");
    exit (1);
  }
  umattest_skip_program ("OpenCV finds no OpenCL device; set "
      "UMAT_REQUIRE_OPENCL=1 to make this a failure");
}

gboolean
umattest_thorough (void)
{
  const gchar *preload = g_getenv ("LD_PRELOAD");

  return preload == NULL || strstr (preload, "vgpreload") == NULL;
}

gboolean
umattest_contains_ci (const gchar * haystack, const gchar * needle)
{
  gchar *h = g_ascii_strdown (haystack, -1);
  gchar *n = g_ascii_strdown (needle, -1);
  gboolean found = strstr (h, n) != NULL;

  g_free (h);
  g_free (n);
  return found;
}

GstClockTime
umattest_stall_timeout (guint seconds)
{
  return (umattest_thorough ()? 1 : 10) * seconds * GST_SECOND;
}

static void
fail_on_log (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer data)
{
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
    fail ("unexpected %s from %s: %s", level & G_LOG_LEVEL_CRITICAL ?
        "critical" : "warning", domain ? domain : "GLib's default domain",
        message);
  g_log_default_handler (domain, level, message, data);
}

void
umattest_fail_on_glib_warnings (void)
{
  g_log_set_default_handler (fail_on_log, NULL);
}

/* ------------------------------------------------------------------------
 * Geometry
 * ------------------------------------------------------------------------ */

static const UmatcvLayoutInfo *
info_of (UmatcvLayout layout)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (layout);

  g_assert (info != NULL);
  return info;
}

static gint
shift_up (gint size, gint shift)
{
  return (size + (1 << shift) - 1) >> shift;
}

void
umattest_geometry (UmatcvLayout layout, gint width, gint height,
    UmattestGeometry * g)
{
  const UmatcvLayoutInfo *info = info_of (layout);
  gint chroma_width = shift_up (width, info->chroma_x_shift);
  gint chroma_rows = shift_up (height, info->chroma_y_shift);
  gint sample = info->depth > 8 ? 2 : 1;       /* little-endian words */
  gint p;

  memset (g, 0, sizeof (*g));
  g->layout = layout;
  g->width = width;
  g->height = height;
  g->n_planes = info->n_planes;
  g->rows[0] = height;
  if (info->n_planes == 1) {
    /* packed 4:2:2 holds whole pairs of pixels */
    g->row_bytes[0] = (gsize) (chroma_width << info->chroma_x_shift)
        * info->pixel_size;
    return;
  }
  g->row_bytes[0] = (gsize) width * sample;
  for (p = 1; p < info->n_planes; p++) {
    g->rows[p] = chroma_rows;
    /* semi-planar: U and V interleaved in one plane */
    g->row_bytes[p] = (gsize) chroma_width * sample
        * (info->n_planes == 2 ? 2 : 1);
  }
}

gsize
umattest_geometry_size (const UmattestGeometry * g)
{
  gsize size = 0;
  gint p;

  for (p = 0; p < g->n_planes; p++)
    size += (gsize) g->rows[p] * g->row_bytes[p];
  return size;
}

gboolean
umattest_geometry_same_planes (const UmattestGeometry * a,
    const UmattestGeometry * b)
{
  gint p;

  if (a->n_planes != b->n_planes)
    return FALSE;
  for (p = 0; p < a->n_planes; p++)
    if (a->rows[p] != b->rows[p] || a->row_bytes[p] != b->row_bytes[p])
      return FALSE;
  return TRUE;
}

guint
umattest_video_layouts (UmatcvLayout layouts[UMATCV_N_LAYOUTS])
{
  guint n = 0;
  gint l;

  for (l = 1; l < UMATCV_N_LAYOUTS; l++)
    if (info_of ((UmatcvLayout) l)->video_format != NULL)
      layouts[n++] = (UmatcvLayout) l;
  return n;
}

UmattestFamily
umattest_family (UmatcvLayout layout)
{
  const UmatcvLayoutInfo *info = info_of (layout);

  switch (info->family) {
    case UMATCV_FAMILY_RGB:
    case UMATCV_FAMILY_GRAY:
      return UMATTEST_RGB;
    case UMATCV_FAMILY_YUV:
      return info->chroma_y_shift ? UMATTEST_YUV420 : info->chroma_x_shift ?
          UMATTEST_YUV422 : UMATTEST_YUV444;
    default:
      return UMATTEST_STEP;
  }
}

gboolean
umattest_has_padding (UmatcvLayout layout)
{
  return layout == UMATCV_LAYOUT_BGRX || layout == UMATCV_LAYOUT_RGBX
      || layout == UMATCV_LAYOUT_XRGB || layout == UMATCV_LAYOUT_XBGR;
}

gint
umattest_fourth_byte (UmatcvLayout layout)
{
  switch (layout) {
    case UMATCV_LAYOUT_BGRA:
    case UMATCV_LAYOUT_RGBA:
    case UMATCV_LAYOUT_BGRX:
    case UMATCV_LAYOUT_RGBX:
    case UMATCV_LAYOUT_MRGBA:
      return 3;
    case UMATCV_LAYOUT_ARGB:
    case UMATCV_LAYOUT_ABGR:
    case UMATCV_LAYOUT_XRGB:
    case UMATCV_LAYOUT_XBGR:
      return 0;
    default:
      return -1;
  }
}

gboolean
umattest_opencv_knows (UmatcvLayout layout)
{
  switch (layout) {
    case UMATCV_LAYOUT_BGR:
    case UMATCV_LAYOUT_RGB:
    case UMATCV_LAYOUT_BGRA:
    case UMATCV_LAYOUT_RGBA:
    case UMATCV_LAYOUT_BGRX:
    case UMATCV_LAYOUT_RGBX:
    case UMATCV_LAYOUT_GRAY:
    case UMATCV_LAYOUT_I420:
    case UMATCV_LAYOUT_YV12:
    case UMATCV_LAYOUT_NV12:
    case UMATCV_LAYOUT_NV21:
    case UMATCV_LAYOUT_YUY2:
    case UMATCV_LAYOUT_UYVY:
    case UMATCV_LAYOUT_YVYU:
      return TRUE;
    default:
      return umattest_family (layout) == UMATTEST_STEP;
  }
}

const gchar *
umattest_code_name (UmatcvLayout layout)
{
  switch (layout) {
    case UMATCV_LAYOUT_BGRX:
      return "BGRA";
    case UMATCV_LAYOUT_RGBX:
      return "RGBA";
    default:
      return umatcv_layout_name (layout);
  }
}

GstVideoFormat
umattest_video_format (UmatcvLayout layout)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (layout);

  if (info == NULL || info->video_format == NULL)
    return GST_VIDEO_FORMAT_UNKNOWN;
  return gst_video_format_from_string (info->video_format);
}

UmatcvLayout
umattest_layout (GstVideoFormat format)
{
  return umatcv_layout_from_video_format (gst_video_format_to_string
      (format));
}

/* ------------------------------------------------------------------------
 * Images
 * ------------------------------------------------------------------------ */

UmattestImage *
umattest_image_new (UmatcvLayout layout, gint width, gint height)
{
  UmattestImage *image = g_new0 (UmattestImage, 1);
  UmattestGeometry g;

  umattest_geometry (layout, width, height, &g);
  image->layout = layout;
  image->width = width;
  image->height = height;
  image->size = umattest_geometry_size (&g);
  image->data = g_malloc0 (image->size);
  return image;
}

UmattestImage *
umattest_image_copy (const UmattestImage * image)
{
  UmattestImage *copy = g_memdup2 (image, sizeof (*image));

  copy->data = g_memdup2 (image->data, image->size);
  return copy;
}

void
umattest_image_free (UmattestImage * image)
{
  if (image == NULL)
    return;
  g_free (image->data);
  g_free (image);
}

static const gint data_low[] = { 0, 2 };
static const gint data_high[] = { 256, 101 };

/* Where the value of a sample of `layout` sits in its 16-bit word
 * (P010: high bits), or -1 for 8-bit samples. */
static gint
word_shift (UmatcvLayout layout)
{
  GstVideoFormat format = umattest_video_format (layout);

  if (info_of (layout)->depth <= 8 || format == GST_VIDEO_FORMAT_UNKNOWN)
    return -1;
  return GST_VIDEO_FORMAT_INFO_SHIFT (gst_video_format_get_info (format), 0);
}

/* Random samples in `data`'s range into a row of `bytes`: bytes, or
 * little-endian words of valid samples of the layout's depth (the 8-bit
 * range scaled up). */
static void
fill_row (guint8 * row, gsize bytes, UmatcvLayout layout, GRand * rand,
    UmattestData data)
{
  gint shift = word_shift (layout), scale;
  gsize x;

  if (shift < 0) {
    for (x = 0; x < bytes; x++)
      row[x] = g_rand_int_range (rand, data_low[data], data_high[data]);
    return;
  }
  scale = 1 << (info_of (layout)->depth - 8);
  for (x = 0; x + 1 < bytes; x += 2) {
    guint w = (guint) g_rand_int_range (rand, data_low[data] * scale,
        (data_high[data] - 1) * scale + 1) << shift;
    row[x] = w & 255;
    row[x + 1] = w >> 8;
  }
}

void
umattest_image_fill (UmattestImage * image, GRand * rand, UmattestData data)
{
  fill_row (image->data, image->size, image->layout, rand, data);
}

void
umattest_image_mat (const UmattestImage * image, gint * rows, gint * cols,
    gint * channels)
{
  const UmatcvLayoutInfo *info = info_of (image->layout);

  *cols = image->width;
  if (info->n_planes == 1) {
    *rows = image->height;
    *channels = info->pixel_size;
  } else {
    /* OpenCV's single Mat of 4:2:0 needs even sizes, as umatcv does */
    fail_unless (image->width % 2 == 0 && image->height % 2 == 0,
        "%s at %dx%d has no single-Mat form", umatcv_layout_name
        (image->layout), image->width, image->height);
    *rows = image->height * 3 / 2;
    *channels = 1;
  }
}

UmatcvImage
umattest_image_umatcv (UmattestImage * image)
{
  UmatcvImage view;
  UmattestGeometry g;
  guint8 *plane = image->data;
  gint p;

  memset (&view, 0, sizeof (view));
  umattest_geometry (image->layout, image->width, image->height, &g);
  view.layout = image->layout;
  view.width = image->width;
  view.height = image->height;
  for (p = 0; p < g.n_planes; p++) {
    view.planes[p] = plane;
    view.strides[p] = g.row_bytes[p];
    plane += (gsize) g.rows[p] * g.row_bytes[p];
  }
  return view;
}

/* ------------------------------------------------------------------------
 * Frames
 * ------------------------------------------------------------------------ */

#define GUARD 64                /* sentinel bytes around and between planes */
#define ROW_PAD 64              /* extra bytes a row in padded frames */
#define SENTINEL 0xa5

static const gchar *const memory_names[] = { "tight", "padded", "apart" };

const gchar *
umattest_memory_name (UmattestMemory memory)
{
  return memory_names[memory];
}

UmattestFrame *
umattest_frame_new (UmatcvLayout layout, gint width, gint height,
    UmattestMemory memory)
{
  UmattestFrame *f = g_new0 (UmattestFrame, 1);
  gsize offsets[3] = { 0, 0, 0 };
  gsize size = GUARD;
  gint p;

  umattest_geometry (layout, width, height, &f->geometry);
  f->memory = memory;
  for (p = 0; p < f->geometry.n_planes; p++) {
    gsize stride = f->geometry.row_bytes[p]
        + (memory == UMATTEST_PADDED ? ROW_PAD : 0);

    if (p > 0 && memory != UMATTEST_TIGHT)
      size += GUARD;
    offsets[p] = size;
    f->image.strides[p] = stride;
    size += stride * f->geometry.rows[p];
  }
  size += GUARD;

  f->block = g_malloc (size);
  f->size = size;
  memset (f->block, SENTINEL, size);
  f->image.layout = layout;
  f->image.width = width;
  f->image.height = height;
  for (p = 0; p < f->geometry.n_planes; p++)
    f->image.planes[p] = f->block + offsets[p];
  return f;
}

void
umattest_frame_free (UmattestFrame * frame)
{
  if (frame == NULL)
    return;
  g_free (frame->block);
  g_free (frame);
}

guint8 *
umattest_frame_row (const UmattestFrame * frame, gint plane, gint row)
{
  return frame->image.planes[plane] + frame->image.strides[plane] * row;
}

void
umattest_frame_fill (UmattestFrame * frame, GRand * rand, UmattestData data)
{
  gint p, r;

  for (p = 0; p < frame->geometry.n_planes; p++) {
    for (r = 0; r < frame->geometry.rows[p]; r++) {
      fill_row (umattest_frame_row (frame, p, r), frame->geometry.row_bytes[p],
          frame->image.layout, rand, data);
    }
  }
}

UmattestImage *
umattest_image_from_umatcv (const UmatcvImage * in)
{
  UmattestImage *image = umattest_image_new (in->layout, in->width,
      in->height);
  guint8 *d = image->data;
  UmattestGeometry g;
  gint p, r;

  umattest_geometry (in->layout, in->width, in->height, &g);
  for (p = 0; p < g.n_planes; p++) {
    for (r = 0; r < g.rows[p]; r++) {
      memcpy (d, in->planes[p] + in->strides[p] * r, g.row_bytes[p]);
      d += g.row_bytes[p];
    }
  }
  return image;
}

UmattestImage *
umattest_frame_pack (const UmattestFrame * frame)
{
  return umattest_image_from_umatcv (&frame->image);
}

void
umattest_frame_unpack (UmattestFrame * frame, const UmattestImage * image)
{
  const guint8 *s = image->data;
  gint p, r;

  fail_unless (image->layout == frame->image.layout
      && image->width == frame->image.width
      && image->height == frame->image.height);
  for (p = 0; p < frame->geometry.n_planes; p++) {
    for (r = 0; r < frame->geometry.rows[p]; r++) {
      memcpy (umattest_frame_row (frame, p, r), s,
          frame->geometry.row_bytes[p]);
      s += frame->geometry.row_bytes[p];
    }
  }
}

void
umattest_assert_guards_intact (const UmattestFrame * f, const gchar * what)
{
  guint8 *pixel = g_malloc0 (f->size);
  gsize i;
  gint p, r;

  for (p = 0; p < f->geometry.n_planes; p++)
    for (r = 0; r < f->geometry.rows[p]; r++)
      memset (pixel + (umattest_frame_row (f, p, r) - f->block), 1,
          f->geometry.row_bytes[p]);
  for (i = 0; i < f->size; i++) {
    if (!pixel[i] && f->block[i] != SENTINEL)
      fail ("%s: something wrote outside the frame's rows (byte %"
          G_GSIZE_FORMAT " of the %s %s frame of %" G_GSIZE_FORMAT
          " bytes)", what, i, umattest_memory_name (f->memory),
          umatcv_layout_name (f->image.layout), f->size);
  }
  g_free (pixel);
}

UmatcvImage
umattest_frame_view (const UmattestFrame * f, UmatcvLayout layout)
{
  UmatcvImage view = f->image;
  UmattestGeometry g;
  gint p;

  umattest_geometry (layout, f->image.width, f->image.height, &g);
  view.layout = layout;
  if (umattest_geometry_same_planes (&f->geometry, &g))
    return view;
  for (p = 0; p < 3; p++) {
    view.strides[p] = g.row_bytes[p];
    view.planes[p] = p == 0 ? f->image.planes[0] : p < g.n_planes ?
        view.planes[p - 1] + (gsize) g.rows[p - 1] * g.row_bytes[p - 1] : NULL;
  }
  return view;
}

/* ------------------------------------------------------------------------
 * GStreamer buffers
 * ------------------------------------------------------------------------ */

GstCaps *
umattest_caps (GstVideoFormat format, gint width, gint height)
{
  GstVideoInfo info;

  gst_video_info_set_format (&info, format, width, height);
  GST_VIDEO_INFO_FPS_N (&info) = 30;
  GST_VIDEO_INFO_FPS_D (&info) = 1;
  return gst_video_info_to_caps (&info);
}

GstCaps *
umattest_sink_caps (GstVideoFormat format, gint width, gint height)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      gst_video_format_to_string (format), "width", G_TYPE_INT, width,
      "height", G_TYPE_INT, height, NULL);
}

static guint32
next_random (guint32 * state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

GstBuffer *
umattest_buffer_new (const GstVideoInfo * info, guint extra, guint32 seed)
{
  gsize offsets[GST_VIDEO_MAX_PLANES] = { 0, };
  gint strides[GST_VIDEO_MAX_PLANES] = { 0, };
  gsize size = 0, i;
  GstBuffer *buffer;
  GstMapInfo map;
  guint p;

  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, p,
        GST_VIDEO_INFO_HEIGHT (info));
    strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (info, p) + extra;
    offsets[p] = extra ? size : GST_VIDEO_INFO_PLANE_OFFSET (info, p);
    size = offsets[p] + (gsize) strides[p] * rows;
  }
  if (!extra)
    size = GST_VIDEO_INFO_SIZE (info);

  buffer = gst_buffer_new_allocate (NULL, size, NULL);
  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
  seed = seed ? seed : 1;
  for (i = 0; i < size; i++)
    map.data[i] = next_random (&seed) >> 24;
  if (GST_VIDEO_INFO_COMP_DEPTH (info, 0) > 8) {
    /* words of valid samples: the bits outside the sample are 0 */
    guint mask = ((1u << GST_VIDEO_INFO_COMP_DEPTH (info, 0)) - 1)
        << GST_VIDEO_FORMAT_INFO_SHIFT (info->finfo, 0);
    for (i = 0; i + 1 < size; i += 2) {
      guint w = (map.data[i] | (map.data[i + 1] << 8)) & mask;
      map.data[i] = w & 255;
      map.data[i + 1] = w >> 8;
    }
  }
  gst_buffer_unmap (buffer, &map);
  if (extra)
    gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_N_PLANES (info),
        offsets, strides);
  return buffer;
}

GstBuffer *
umattest_buffer_new_timed (GstVideoFormat format, gint width, gint height,
    guint index)
{
  GstVideoInfo info;
  GstBuffer *buffer;

  gst_video_info_set_format (&info, format, width, height);
  buffer = umattest_buffer_new (&info, 0, 2654435761u * (index + 1));
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (index, GST_SECOND, 30);
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 30;
  return buffer;
}

UmattestImage *
umattest_image_from_buffer (GstBuffer * buffer, const GstVideoInfo * info)
{
  UmatcvLayout layout = umattest_layout (GST_VIDEO_INFO_FORMAT (info));
  GstVideoFrame frame;
  UmattestImage *image;
  UmatcvImage view;
  guint p;

  fail_unless (layout != UMATCV_LAYOUT_NONE, "no umatcv layout for %s",
      GST_VIDEO_INFO_NAME (info));
  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  memset (&view, 0, sizeof (view));
  view.layout = layout;
  view.width = GST_VIDEO_INFO_WIDTH (info);
  view.height = GST_VIDEO_INFO_HEIGHT (info);
  fail_unless_equals_int (GST_VIDEO_FRAME_N_PLANES (&frame),
      info_of (layout)->n_planes);
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    view.planes[p] = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
  }
  image = umattest_image_from_umatcv (&view);
  gst_video_frame_unmap (&frame);
  return image;
}

/* Derived from GStreamer's own definitions, not a copy of the element's
 * mapping (gstumatdevice.c), so that a slip there shows against it: the
 * matrix by its Kr, an unknown one by what GStreamer gives a frame of that
 * size, the siting from the caps' bits. */
UmatcvColorimetry
umattest_colorimetry_of (const GstVideoInfo * info)
{
  UmatcvColorimetry c = umattest_colorimetry_default ();
  GstVideoColorMatrix matrix = info->colorimetry.matrix;
  GstVideoChromaSite site = GST_VIDEO_INFO_CHROMA_SITE (info);
  gdouble kr, kb;

  if (!GST_VIDEO_INFO_IS_YUV (info))
    return c;
  if (matrix == GST_VIDEO_COLOR_MATRIX_UNKNOWN) {
    GstVideoInfo sized;

    gst_video_info_set_format (&sized, GST_VIDEO_INFO_FORMAT (info),
        GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
    matrix = sized.colorimetry.matrix;
  }
  fail_unless (gst_video_color_matrix_get_Kr_Kb (matrix, &kr, &kb));
  if (G_APPROX_VALUE (kr, 0.2126, 1e-6))
    c.matrix = UMATCV_MATRIX_BT709;
  else if (G_APPROX_VALUE (kr, 0.2627, 1e-6))
    c.matrix = UMATCV_MATRIX_BT2020;
  else
    fail_unless (G_APPROX_VALUE (kr, 0.299, 1e-6), "Kr %f", kr);
  if (info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255)
    c.range = UMATCV_RANGE_FULL;
  if (site != GST_VIDEO_CHROMA_SITE_UNKNOWN)
    c.chroma_site = ((site & GST_VIDEO_CHROMA_SITE_H_COSITED) ?
        UMATCV_SITE_H_COSITED : 0) | ((site & GST_VIDEO_CHROMA_SITE_V_COSITED) ?
        UMATCV_SITE_V_COSITED : 0);
  return c;
}

UmattestImage *
umattest_image_from_sample (GstSample * sample)
{
  GstVideoInfo info;

  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps
          (sample)));
  return umattest_image_from_buffer (gst_sample_get_buffer (sample), &info);
}

/* ------------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------------ */

/* Whether byte x of a row of plane p is compared, between frames of
 * layouts a and b (the same but for what the 4th byte means). */
static gboolean
compared (UmatcvLayout a, UmatcvLayout b, gint p, gsize x,
    UmattestCompare flags)
{
  gint fourth = umattest_fourth_byte (a);

  if (p != 0 || fourth < 0 || (gint) (x % 4) != fourth)
    return TRUE;
  return !umattest_has_padding (a) && !umattest_has_padding (b)
      && !(flags & UMATTEST_COMPARE_COLOURS);
}

/* Whether frames of a and b hold the same bytes, but for what the 4th one
 * means (BGRx and BGRA, xRGB and ARGB). */
static gboolean
same_but_fourth (UmatcvLayout a, UmatcvLayout b)
{
  static const UmatcvLayout pairs[][2] = {
    {UMATCV_LAYOUT_BGRA, UMATCV_LAYOUT_BGRX},
    {UMATCV_LAYOUT_RGBA, UMATCV_LAYOUT_RGBX},
    {UMATCV_LAYOUT_ARGB, UMATCV_LAYOUT_XRGB},
    {UMATCV_LAYOUT_ABGR, UMATCV_LAYOUT_XBGR},
  };
  guint i;

  if (a == b)
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (pairs); i++)
    if ((a == pairs[i][0] && b == pairs[i][1])
        || (a == pairs[i][1] && b == pairs[i][0]))
      return TRUE;
  return FALSE;
}

typedef struct
{
  gint max;
  gsize where;                  /* offset of the largest difference */
  gint plane, row;
  gsize byte;
  guint64 beyond;               /* bytes further than the tolerance */
} Difference;

static gint
sample_value (const guint8 * p, gint shift)
{
  return shift < 0 ? *p : (p[0] | (p[1] << 8)) >> shift;
}

/* Byte by byte; sample by sample where samples are words. */
static void
compare (const UmattestImage * got, const UmattestImage * want,
    gint tolerance, UmattestCompare flags, Difference * d)
{
  gint shift = word_shift (got->layout), step = shift < 0 ? 1 : 2;
  UmattestGeometry g;
  gsize offset = 0, x;
  gint p, r;

  /* BGRx and BGRA (RGBx and RGBA) differ only in what the 4th byte means */
  fail_unless (same_but_fourth (got->layout, want->layout)
      && got->width == want->width
      && got->height == want->height, "comparing a %dx%d %s image with a "
      "%dx%d %s one", got->width, got->height,
      umatcv_layout_name (got->layout), want->width, want->height,
      umatcv_layout_name (want->layout));
  fail_unless_equals_uint64 (got->size, want->size);
  memset (d, 0, sizeof (*d));
  umattest_geometry (got->layout, got->width, got->height, &g);
  for (p = 0; p < g.n_planes; p++) {
    for (r = 0; r < g.rows[p]; r++) {
      for (x = 0; x < g.row_bytes[p]; x += step) {
        gsize i = offset + (gsize) r * g.row_bytes[p] + x;
        gint diff = ABS (sample_value (got->data + i, shift)
            - sample_value (want->data + i, shift));

        if (diff == 0 || !compared (got->layout, want->layout, p, x, flags))
          continue;
        if (diff > tolerance)
          d->beyond++;
        if (diff > d->max) {
          d->max = diff;
          d->where = i;
          d->plane = p;
          d->row = r;
          d->byte = x;
        }
      }
    }
    offset += (gsize) g.rows[p] * g.row_bytes[p];
  }
}

gint
umattest_max_difference (const UmattestImage * got,
    const UmattestImage * want, UmattestCompare flags, gsize * where)
{
  Difference d;

  compare (got, want, G_MAXINT, flags, &d);
  if (where)
    *where = d.where;
  return d.max;
}

gint
umattest_assert_images_close (const UmattestImage * got,
    const UmattestImage * want, gint tolerance, UmattestCompare flags,
    const gchar * what, ...)
{
  const UmatcvLayoutInfo *info = info_of (got->layout);
  Difference d;
  va_list args;
  gchar *text;
  gint bytes_per_pixel;

  compare (got, want, tolerance, flags, &d);
  if (d.max <= tolerance)
    return d.max;

  va_start (args, what);
  text = g_strdup_vprintf (what, args);
  va_end (args);
  bytes_per_pixel = (info->n_planes == 1 ? info->pixel_size
      : d.plane > 0 && info->n_planes == 2 ? 2 : 1) * (info->depth > 8 ? 2 : 1);
  fail ("%s: %dx%d %s, plane %d, row %d, pixel %" G_GSIZE_FORMAT
      " byte %" G_GSIZE_FORMAT " is %d, expected %d: off by %d, tolerance "
      "%d; %" G_GUINT64_FORMAT " of %" G_GSIZE_FORMAT " bytes off by more",
      text, got->width, got->height, umatcv_layout_name (got->layout),
      d.plane, d.row, d.byte / bytes_per_pixel, d.byte % bytes_per_pixel,
      sample_value (got->data + d.where, word_shift (got->layout)),
      sample_value (want->data + d.where, word_shift (want->layout)), d.max,
      tolerance, d.beyond, got->size);
  g_free (text);
  return d.max;
}
