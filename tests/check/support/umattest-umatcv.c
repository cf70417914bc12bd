/* umattest: umatcv calls that fail the test, with umatcv's reason.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

UmatcvChain *
umattest_parse (const gchar * text)
{
  UmatcvChain *chain = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_chain_parse (text, &chain, &error);
  fail_unless (status == UMATCV_OK, "'%s' does not parse: %s: %s", text,
      umatcv_status_name (status), error);
  fail_unless (chain != NULL);
  return chain;
}

UmatcvChain *
umattest_route (UmatcvLayout from, UmatcvLayout to)
{
  UmatcvChain *chain = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_chain_route (from, to, &chain, &error);
  fail_unless (status == UMATCV_OK, "no route from %s to %s: %s: %s",
      umatcv_layout_name (from), umatcv_layout_name (to),
      umatcv_status_name (status), error);
  fail_unless (chain != NULL);
  return chain;
}

UmatcvEngine *
umattest_engine_new (void)
{
  UmatcvEngine *engine = NULL;
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_engine_new (umattest_umatcv_device (), &engine, &error);
  fail_unless (status == UMATCV_OK, "no %s engine: %s: %s",
      umattest_device (), umatcv_status_name (status), error);
  fail_unless_equals_int (umatcv_engine_uses_opencl (engine),
      umattest_on_opencl ());
  umatcv_free (error);
  return engine;
}

UmatcvConverter *
umattest_converter_new (UmatcvEngine * engine, const UmatcvChain * chain,
    UmatcvLayout in, UmatcvLayout out, gint width, gint height, guint slots,
    const gchar * what)
{
  UmatcvConverter *converter = NULL;
  UmatcvConverterSpec spec;
  gchar *error = NULL;
  UmatcvStatus status;

  umatcv_converter_spec_init (&spec, in, out, width, height);
  spec.slots = slots;
  status = umatcv_converter_new (engine, chain, &spec, &converter, &error);
  fail_unless (status == UMATCV_OK, "%s: no converter: %s: %s", what,
      umatcv_status_name (status), error);
  fail_unless (converter != NULL);
  return converter;
}

void
umattest_process (UmatcvConverter * converter, const UmatcvImage * in,
    const UmatcvImage * out, const gchar * what)
{
  gchar *error = NULL;
  UmatcvStatus status;

  status = umatcv_converter_process (converter, in, out, &error);
  fail_unless (status == UMATCV_OK, "%s: process failed: %s: %s", what,
      umatcv_status_name (status), error);
}

void
umattest_sizes (gint width_align, gint height_align,
    UmattestSize sizes[UMATTEST_N_SIZES])
{
  static const UmattestSize base[UMATTEST_N_SIZES] = {
    {13, 7}, {1277, 5}, {320, 240}
  };
  guint i;

  for (i = 0; i < UMATTEST_N_SIZES; i++) {
    sizes[i].width = (base[i].width + width_align - 1) / width_align
        * width_align;
    sizes[i].height = (base[i].height + height_align - 1) / height_align
        * height_align;
  }
}
