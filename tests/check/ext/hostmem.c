/* umatcv host memory: pinned blocks on OpenCL, plain ones on the CPU.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * UMAT_TEST_DEVICE=cpu|opencl picks the engine; on OpenCL without a device
 * the program skips (77) unless UMAT_REQUIRE_OPENCL=1.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <unistd.h>

#include "umattest-support.h"

#define WIDTH 638
#define HEIGHT 360

static void
image_bgr (UmatcvImage * image, UmatcvLayout layout, guint8 * data)
{
  memset (image, 0, sizeof (*image));
  image->layout = layout;
  image->width = WIDTH;
  image->height = HEIGHT;
  image->planes[0] = data;
  image->strides[0] = WIDTH * 3;
}

/* Blocks are aligned for SIMD and DMA, writable end to end, pinned exactly
 * when the engine is OpenCL, and outlive both the allocator and the engine
 * (frames held downstream after the element stopped). */
GST_START_TEST (test_blocks_outlive_allocator_and_engine)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvHostAllocator *allocator;
  UmatcvHostMemory *block;
  const size_t size = 3 * 1024 * 1024 + 5;
  guint8 *data;

  fail_unless_equals_int (umatcv_host_allocator_new (engine, &allocator, NULL),
      UMATCV_OK);
  fail_unless_equals_int (umatcv_host_allocator_pinned (allocator),
      umatcv_engine_uses_opencl (engine));
  fail_unless_equals_int (umatcv_host_memory_new (allocator, size, &block,
          NULL), UMATCV_OK);
  data = umatcv_host_memory_data (block);
  /* OpenCV copies host pointers that are not 16-byte aligned first */
  fail_unless ((guintptr) data % 64 == 0, "%p is not 64-byte aligned", data);
  fail_unless_equals_uint64 (umatcv_host_memory_size (block), size);

  umatcv_host_allocator_free (allocator);
  umatcv_engine_free (engine);
  memset (data, 0xa5, size);
  fail_unless (data[0] == 0xa5 && data[size - 1] == 0xa5);
  umatcv_host_memory_free (block);
}

GST_END_TEST;

GST_START_TEST (test_bad_arguments)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvHostAllocator *allocator = NULL;
  UmatcvHostMemory *block = (UmatcvHostMemory *) 1;
  gchar *error = NULL;

  fail_unless_equals_int (umatcv_host_allocator_new (NULL, &allocator,
          &error), UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (allocator == NULL && error != NULL && error[0] != '\0');
  umatcv_free (error);
  error = NULL;
  fail_unless_equals_int (umatcv_host_allocator_new (engine, &allocator, NULL),
      UMATCV_OK);
  fail_unless_equals_int (umatcv_host_memory_new (allocator, 0, &block, NULL),
      UMATCV_ERROR_INVALID_ARGUMENT);
  fail_unless (block == NULL);
  /* more than any machine has: a status, not an abort */
  fail_unless (umatcv_host_memory_new (allocator, (size_t) 1 << 50, &block,
          &error) != UMATCV_OK);
  fail_unless (block == NULL);
  fail_unless (error != NULL && error[0] != '\0');
  umatcv_free (error);
  umatcv_host_memory_free (NULL);
  umatcv_host_allocator_free (NULL);
  umatcv_host_allocator_free (allocator);
  umatcv_engine_free (engine);
}

GST_END_TEST;

/* Converting from and into host memory gives what converting malloc'd
 * memory gives, and allocates nothing per frame. */
GST_START_TEST (test_convert_between_blocks)
{
  UmatcvEngine *engine = umattest_engine_new ();
  UmatcvHostAllocator *allocator;
  UmatcvHostMemory *in_block, *out_block;
  UmatcvChain *chain;
  UmatcvConverter *converter;
  UmatcvConverterSpec spec;
  UmatcvImage in, out, plain_in, plain_out;
  const size_t size = WIDTH * 3 * HEIGHT;
  guint8 *plain_in_data, *plain_out_data;
  guint64 allocations;

  fail_unless_equals_int (umatcv_host_allocator_new (engine, &allocator, NULL),
      UMATCV_OK);
  fail_unless_equals_int (umatcv_host_memory_new (allocator, size, &in_block,
          NULL), UMATCV_OK);
  fail_unless_equals_int (umatcv_host_memory_new (allocator, size, &out_block,
          NULL), UMATCV_OK);
  fail_unless_equals_int (umatcv_chain_parse ("BGR2HSV,HSV2RGB", &chain, NULL),
      UMATCV_OK);
  umatcv_converter_spec_init (&spec, UMATCV_LAYOUT_BGR, UMATCV_LAYOUT_RGB,
      WIDTH, HEIGHT);
  spec.slots = 2;
  fail_unless_equals_int (umatcv_converter_new (engine, chain, &spec,
          &converter, NULL), UMATCV_OK);

  plain_in_data = g_malloc (size);
  plain_out_data = g_malloc (size);
  for (size_t i = 0; i < size; i++)
    plain_in_data[i] = (guint8) (i * 31 + i / 1913);
  memcpy (umatcv_host_memory_data (in_block), plain_in_data, size);
  image_bgr (&in, UMATCV_LAYOUT_BGR, umatcv_host_memory_data (in_block));
  image_bgr (&out, UMATCV_LAYOUT_RGB, umatcv_host_memory_data (out_block));
  image_bgr (&plain_in, UMATCV_LAYOUT_BGR, plain_in_data);
  image_bgr (&plain_out, UMATCV_LAYOUT_RGB, plain_out_data);

  allocations = umatcv_converter_allocations (converter);
  for (guint i = 0; i < 3; i++) {
    fail_unless_equals_int (umatcv_converter_process (converter, &plain_in,
            &plain_out, NULL), UMATCV_OK);
    fail_unless_equals_int (umatcv_converter_process (converter, &in, &out,
            NULL), UMATCV_OK);
    fail_unless (memcmp (umatcv_host_memory_data (out_block), plain_out_data,
            size) == 0, "host memory and malloc'd memory differ");
  }
  fail_unless_equals_uint64 (umatcv_converter_allocations (converter),
      allocations);

  g_free (plain_in_data);
  g_free (plain_out_data);
  umatcv_converter_free (converter);
  umatcv_chain_free (chain);
  umatcv_host_memory_free (in_block);
  umatcv_host_memory_free (out_block);
  umatcv_host_allocator_free (allocator);
  umatcv_engine_free (engine);
}

GST_END_TEST;

static Suite *
hostmem_suite (void)
{
  Suite *s = suite_create ("umatcv-hostmem");
  TCase *tc = tcase_create ("general");

  umattest_require_opencl (FALSE);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_blocks_outlive_allocator_and_engine);
  tcase_add_test (tc, test_bad_arguments);
  tcase_add_test (tc, test_convert_between_blocks);
  return s;
}

GST_CHECK_MAIN (hostmem);
