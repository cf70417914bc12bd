/* GStreamer
 * Unit tests for umatcv's engines: which device each device setting gets,
 * and that it converts there.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One program, three processes (meson variants), since OpenCV reads its
 * OpenCL settings once per process:
 *  - cpu: the cpu engine never loads an OpenCL runtime (nothing else in
 *    that process does either, so this holds with CK_FORK=no too);
 *  - opencl: device=opencl finds a device (skips, 77, where OpenCV finds
 *    none, unless UMAT_REQUIRE_OPENCL=1), and OPENCV_OPENCL_DEVICE steers
 *    auto;
 *  - opencl-disabled (OPENCV_OPENCL_RUNTIME=disabled): device=opencl fails
 *    with a reason, device=auto runs on the CPU.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "umattest-support.h"

#define L(x) UMATCV_LAYOUT_##x

/* Whether an OpenCL runtime (the ICD loader or PoCL) is mapped into this
 * process. */
static gboolean
opencl_mapped (void)
{
  gchar *maps = NULL;
  gboolean mapped;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  mapped = strstr (maps, "libOpenCL") != NULL || strstr (maps, "libpocl")
      != NULL;
  g_free (maps);
  return mapped;
}

/* A few frames through the engine, checked against the reference. */
static void
convert_a_few_frames (UmatcvEngine * engine, const gchar * test)
{
  static const UmatcvLayout pairs[][2] = {
    {L (BGR), L (I420)}, {L (NV12), L (RGBA)}, {L (YUY2), L (BGR)},
    {L (BGRX), L (RGBA)},
  };
  const gchar *backend = umatcv_engine_backend (engine);
  GRand *rand = g_rand_new_with_seed (11);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    UmatcvChain *chain = umattest_route (pairs[i][0], pairs[i][1]);
    UmatcvConverter *converter = umattest_converter_new (engine, chain,
        pairs[i][0], pairs[i][1], 64, 48, 2, test);
    UmattestFrame *in = umattest_frame_new (pairs[i][0], 64, 48,
        UMATTEST_PADDED);
    UmattestFrame *out = umattest_frame_new (pairs[i][1], 64, 48,
        UMATTEST_PADDED);
    UmattestImage *src, *got, *want;
    gchar **codes = NULL;

    umattest_frame_fill (in, rand, UMATTEST_DATA_FULL);
    umattest_process (converter, &in->image, &out->image, test);
    src = umattest_frame_pack (in);
    got = umattest_frame_pack (out);
    want = umattest_reference_convert (src, pairs[i][1], &codes);
    umattest_assert_images_close (got, want, umattest_codes_tolerance
        (backend, (const gchar * const *) codes, UMATTEST_DATA_FULL),
        UMATTEST_COMPARE_ALL, "%s: %s to %s", test,
        umatcv_layout_name (pairs[i][0]), umatcv_layout_name (pairs[i][1]));
    g_strfreev (codes);
    umattest_image_free (src);
    umattest_image_free (got);
    umattest_image_free (want);
    umattest_frame_free (in);
    umattest_frame_free (out);
    umatcv_converter_free (converter);
    umatcv_chain_free (chain);
  }
  g_rand_free (rand);
}

/* ------------------------------------------------------------------------
 * cpu
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_engine_cpu)
{
  UmatcvEngine *engine = NULL;

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, &engine,
          NULL), UMATCV_OK);
  fail_unless_equals_string (umatcv_engine_backend (engine), "cpu");
  fail_if (umatcv_engine_uses_opencl (engine));
  convert_a_few_frames (engine, "cpu engine");
  umatcv_engine_free (engine);
  fail_if (opencl_mapped (), "the cpu engine loaded an OpenCL runtime");
}

GST_END_TEST;

GST_START_TEST (test_engine_bad_arguments)
{
  UmatcvEngine *engine = (UmatcvEngine *) 0x1;

  umatcv_engine_free (NULL);
  fail_unless (umatcv_engine_backend (NULL) != NULL);
  fail_if (umatcv_engine_uses_opencl (NULL));
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_CPU, NULL, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless_equals_int (umatcv_engine_new ((UmatcvDevice) 42, &engine,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (engine == NULL);
  engine = (UmatcvEngine *) 0x1;
  fail_unless_equals_int (umatcv_engine_new ((UmatcvDevice) - 1, &engine,
          NULL), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (engine == NULL);
  fail_if (opencl_mapped (), "a refused engine loaded an OpenCL runtime");
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * opencl
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_engine_opencl)
{
  UmatcvEngine *engine = NULL;
  gchar *error = NULL;
  const gchar *backend;

  /* umatcv must find PoCL's CPU device by itself, which OpenCV's default
   * context would not take without this variable */
  g_unsetenv ("OPENCV_OPENCL_DEVICE");
  fail_unless (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine, &error) ==
      UMATCV_OK, "OpenCV finds an OpenCL device, umatcv none: %s", error);
  backend = umatcv_engine_backend (engine);
  fail_unless (g_str_has_prefix (backend, "opencl:") && strlen (backend) > 7,
      "backend '%s'", backend);
  fail_unless (umatcv_engine_uses_opencl (engine));
  fail_unless (opencl_mapped (), "an OpenCL engine without OpenCL mapped?");
  convert_a_few_frames (engine, backend);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* OPENCV_OPENCL_DEVICE=:CPU: asks for an OpenCL CPU device: auto takes it
 * where there is one (PoCL here); where there is none, auto stays on the
 * CPU although, without the variable, it takes the GPU. */
GST_START_TEST (test_engine_opencl_device_variable)
{
  UmatcvEngine *engine = NULL, *plain_auto = NULL;

  /* before any OpenCV call: this test runs in a process of its own */
  g_setenv ("OPENCV_OPENCL_DEVICE", ":CPU:", TRUE);

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &engine,
          NULL), UMATCV_OK);
  if (g_str_has_prefix (umatcv_engine_backend (engine), "opencl:")) {
    fail_unless (umatcv_engine_uses_opencl (engine));
    convert_a_few_frames (engine, umatcv_engine_backend (engine));
    umatcv_engine_free (engine);
    return;
  }
  umatcv_engine_free (engine);

  /* auto ran on the CPU: right only where the OpenCL device is a GPU */
  g_unsetenv ("OPENCV_OPENCL_DEVICE");
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &plain_auto,
          NULL), UMATCV_OK);
  fail_unless (umatcv_engine_uses_opencl (plain_auto),
      "OPENCV_OPENCL_DEVICE=:CPU: left auto on the CPU although there is "
      "an OpenCL device that is no GPU");
  GST_INFO ("no OpenCL CPU device next to %s",
      umatcv_engine_backend (plain_auto));
  umatcv_engine_free (plain_auto);
}

GST_END_TEST;

/* ------------------------------------------------------------------------
 * opencl-disabled
 * ------------------------------------------------------------------------ */

GST_START_TEST (test_engine_opencl_disabled)
{
  UmatcvEngine *engine = NULL;
  gchar *error = NULL;

  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_OPENCL, &engine,
          &error), UMATCV_ERROR_NO_DEVICE);
  fail_unless (engine == NULL);
  fail_unless (error && strstr (error, "OpenCL") != NULL, "error: '%s'",
      error);
  g_clear_pointer (&error, umatcv_free);

  /* auto without OpenCL is no failure: a CPU engine, and a note why */
  fail_unless_equals_int (umatcv_engine_new (UMATCV_DEVICE_AUTO, &engine,
          &error), UMATCV_OK);
  fail_unless (error != NULL && error[0] != '\0', "auto fell back to the "
      "CPU without saying why");
  umatcv_free (error);
  fail_unless_equals_string (umatcv_engine_backend (engine), "cpu");
  fail_if (umatcv_engine_uses_opencl (engine));
  convert_a_few_frames (engine, "auto engine, OpenCL disabled");
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
umatcv_engines_suite (void)
{
  Suite *s = suite_create ("umatcv-engines");
  TCase *tc = tcase_create ("engines");

  suite_add_tcase (s, tc);
  if (g_strcmp0 (g_getenv ("OPENCV_OPENCL_RUNTIME"), "disabled") == 0) {
    tcase_add_test (tc, test_engine_opencl_disabled);
  } else if (umattest_on_opencl ()) {
    umattest_require_opencl (FALSE);
    /* first: with CK_FORK=no it needs OpenCV untouched */
    tcase_add_test (tc, test_engine_opencl_device_variable);
    tcase_add_test (tc, test_engine_opencl);
  } else {
    tcase_add_test (tc, test_engine_cpu);
    tcase_add_test (tc, test_engine_bad_arguments);
  }
  return s;
}

GST_CHECK_MAIN (umatcv_engines);
