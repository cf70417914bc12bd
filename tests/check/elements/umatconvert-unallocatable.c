/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert at a size whose device buffers cannot be allocated: an error
 * on the bus that names the size, not a crash.
 *
 * OpenCL only: on the CPU nothing of a frame's size is allocated with the
 * converter any more (the CPU converts in blocks of rows), so there is
 * nothing to refuse before a frame arrives. The size is the smallest square
 * RGBA frame larger than the largest buffer the OpenCL device allocates,
 * which the converter's device images cannot be. Where the largest frame
 * the element's caps allow fits that buffer (PoCL's 8 GiB here), nothing
 * is unallocatable at negotiation: the program skips (77), saying so.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsrc.h>
#include <math.h>
#include <string.h>

#include "umattest-support.h"

static guint64 max_alloc;
static gint side;

GST_START_TEST (test_unallocatable_size)
{
  UmattestPipeline p;
  GstMessage *msg;
  GError *error = NULL;
  gchar *caps, *size;

  size = g_strdup_printf ("%dx%d", side, side);
  caps = g_strdup_printf ("video/x-raw,format=RGBA,width=%d,height=%d,"
      "framerate=30/1", side, side);
  umattest_pipeline_init (&p, caps, NULL, "chain=RGBA2BGRA,BGRA2RGBA");
  gst_element_set_state (p.pipeline, GST_STATE_PLAYING);
  /* caps come with the first buffer; its size does not matter here */
  gst_app_src_push_buffer (GST_APP_SRC (p.src), gst_buffer_new_allocate (NULL,
          64, NULL));
  msg = gst_bus_timed_pop_filtered (p.bus, umattest_stall_timeout (60),
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error within 60 s at %s (the device's "
      "largest buffer: %" G_GUINT64_FORMAT " bytes)", size, max_alloc);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p.convert),
      "the error is not umatconvert's");
  gst_message_parse_error (msg, &error, NULL);
  GST_INFO ("%s: %s", size, error->message);
  fail_unless (g_error_matches (error, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION), "not a negotiation error: %s",
      error->message);
  fail_unless (strstr (error->message, size) != NULL,
      "the error does not name the size %s: %s", size, error->message);
  g_error_free (error);
  gst_message_unref (msg);
  umattest_pipeline_clear (&p);
  g_free (caps);
  g_free (size);
}

GST_END_TEST;

/* The largest width (or height) umatconvert's sink caps allow. */
static gint
largest_side (void)
{
  GstElementFactory *factory = gst_element_factory_find ("umatconvert");
  GstCaps *caps;
  const GValue *width;
  gint max;

  /* no fail_unless () out of a test: check has no place to report it */
  g_assert (factory != NULL);
  caps = gst_static_caps_get (&((GstStaticPadTemplate *)
          gst_element_factory_get_static_pad_templates (factory)->data)->
      static_caps);
  width = gst_structure_get_value (gst_caps_get_structure (caps, 0),
      "width");
  max = GST_VALUE_HOLDS_INT_RANGE (width) ?
      gst_value_get_int_range_max (width) : g_value_get_int (width);
  gst_caps_unref (caps);
  gst_object_unref (factory);
  return max;
}

static Suite *
umatconvert_unallocatable_suite (void)
{
  Suite *s = suite_create ("umatconvert-unallocatable");
  TCase *tc = tcase_create ("unallocatable");
  gint largest;

  umattest_require_opencl (TRUE);
  max_alloc = umattest_opencl_max_alloc ();
  side = ((gint) ceil (sqrt (max_alloc / 4.0)) + 2) & ~1;
  largest = largest_side ();
  if (side > largest)
    umattest_skip_program ("the OpenCL device allocates buffers of %"
        G_GUINT64_FORMAT " bytes: the largest frame umatconvert's caps "
        "allow (%dx%d RGBA) fits one", max_alloc, largest, largest);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_unallocatable_size);
  return s;
}

GST_CHECK_MAIN (umatconvert_unallocatable);
