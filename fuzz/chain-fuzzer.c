/* libFuzzer target: the chain property, as a user or an application types it.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the text given to umatcv_chain_parse(). A chain that parses is
 * checked, read back step by step, and, when it connects video layouts, run
 * once on a small frame on the CPU (the converter's setup and per-frame
 * paths, with its strides and scratch images). The first two bytes also pick
 * two layouts, valid or not, for umatcv_chain_route(). Built with
 * -Dfuzzing=enabled (clang, -fsanitize=fuzzer,address,undefined).
 */
#include "umatcv.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TEXT 4096
#define FRAME_W 8
#define FRAME_H 6

static UmatcvEngine *cpu_engine;

static void
must (int condition)
{
  if (!condition)
    abort ();
}

/* Any layout a frame can be, or NONE. */
static UmatcvLayout
first_video_layout (uint64_t mask)
{
  for (int l = UMATCV_LAYOUT_BGR; l <= UMATCV_LAYOUT_YVYU; l++)
    if (mask & UMATCV_LAYOUT_BIT (l))
      return (UmatcvLayout) l;
  return UMATCV_LAYOUT_NONE;
}

/* A frame of `layout` in one malloc()ed block, planes back to back with
 * strides `pad` bytes wider than needed, so ASan sees any overrun. */
static uint8_t *
frame_new (UmatcvImage *image, UmatcvLayout layout, int pad)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (layout);
  int w = FRAME_W, h = FRAME_H, pixel = info->n_planes == 1 ? info->pixel_size : 0;
  size_t rows[3] = { h, 0, 0 }, bytes[3] = { 0, };
  size_t total = 0;
  uint8_t *data;

  memset (image, 0, sizeof (*image));
  image->layout = layout;
  image->width = w;
  image->height = h;
  if (pixel > 0) {
    bytes[0] = (size_t) w * pixel;
  } else if (layout == UMATCV_LAYOUT_I420 || layout == UMATCV_LAYOUT_YV12) {
    bytes[0] = w;
    bytes[1] = bytes[2] = w / 2;
    rows[1] = rows[2] = h / 2;
  } else {                      /* NV12, NV21 */
    bytes[0] = bytes[1] = w;
    rows[1] = h / 2;
  }
  for (int p = 0; p < 3; p++)
    if (bytes[p])
      total += (bytes[p] + pad) * rows[p];
  data = malloc (total);
  must (data != NULL);
  memset (data, 0x5a, total);
  total = 0;
  for (int p = 0; p < 3; p++) {
    if (!bytes[p])
      continue;
    image->planes[p] = data + total;
    image->strides[p] = bytes[p] + pad;
    total += (bytes[p] + pad) * rows[p];
  }
  return data;
}

static void
run_on_a_frame (const UmatcvChain *chain, int pad)
{
  UmatcvLayout in = first_video_layout (umatcv_chain_input_layouts (chain));
  UmatcvLayout out = umatcv_chain_output_layout (chain);
  UmatcvConverter *converter = NULL;
  UmatcvImage in_image, out_image;
  UmatcvConverterSpec spec;
  uint8_t *in_data, *out_data;
  char *error = NULL;

  if (in == UMATCV_LAYOUT_NONE || out < UMATCV_LAYOUT_BGR
      || out > UMATCV_LAYOUT_NV21)
    return;
  umatcv_converter_spec_init (&spec, in, out, FRAME_W, FRAME_H);
  if (umatcv_converter_new (cpu_engine, chain, &spec, &converter,
          &error) != UMATCV_OK) {
    must (converter == NULL && error != NULL);
    umatcv_free (error);
    return;
  }
  in_data = frame_new (&in_image, in, pad);
  out_data = frame_new (&out_image, out, pad);
  must (umatcv_converter_process (converter, &in_image, &out_image,
          NULL) == UMATCV_OK);
  umatcv_converter_free (converter);
  free (in_data);
  free (out_data);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  must (umatcv_engine_new (UMATCV_DEVICE_CPU, &cpu_engine, NULL) == UMATCV_OK);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  char text[MAX_TEXT + 1], *error = NULL;
  UmatcvChain *chain = NULL;
  UmatcvStatus status;

  if (size > MAX_TEXT)
    return -1;
  memcpy (text, data, size);
  text[size] = '\0';

  /* routes between any two layout numbers, in range or not */
  if (size >= 2) {
    UmatcvLayout from = (UmatcvLayout) (data[0] % (UMATCV_N_LAYOUTS + 2));
    UmatcvLayout to = (UmatcvLayout) (data[1] % (UMATCV_N_LAYOUTS + 2));
    status = umatcv_chain_route (from, to, &chain, &error);
    if (status == UMATCV_OK) {
      must (chain != NULL && error == NULL);
      must (umatcv_chain_check (chain, NULL) == UMATCV_OK);
      run_on_a_frame (chain, data[0] & 7);
    } else {
      must (chain == NULL && error != NULL);    /* a refusal says why */
      umatcv_free (error);
      error = NULL;
    }
    umatcv_chain_free (chain);
    chain = NULL;
  }

  status = umatcv_chain_parse (text, &chain, &error);
  if (status != UMATCV_OK) {
    must (chain == NULL);
    must (error != NULL && *error != '\0');    /* a refusal always says why */
    umatcv_free (error);
    return 0;
  }
  must (chain != NULL && umatcv_chain_length (chain) > 0);
  for (size_t i = 0; i < umatcv_chain_length (chain); i++)
    must (umatcv_chain_step_name (chain, i) != NULL);
  must (umatcv_chain_step_name (chain, umatcv_chain_length (chain)) == NULL);
  if (umatcv_chain_check (chain, &error) == UMATCV_OK) {
    int wa, ha;
    umatcv_chain_size_alignment (chain, &wa, &ha);
    must (wa >= 1 && ha >= 1);
    if (FRAME_W % wa == 0 && FRAME_H % ha == 0)
      run_on_a_frame (chain, size & 7);
  } else {
    must (error != NULL && *error != '\0');
    umatcv_free (error);
  }
  umatcv_chain_free (chain);
  return 0;
}
