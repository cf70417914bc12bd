/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A decoder that gives frames in CUDA memory has a CUDA context of its own
 * (GStreamer 1.22's nvcodec makes one per GPU and shares it as
 * "gst.cuda.context"). Making the slots' CUDA memory in that context spares
 * the GPU one more context and the element the time to make it, while the
 * decoder waits for the caps. gst/cuda's gst_cuda_context_get_handle is
 * looked up at run time in libgstcuda, which whoever made the CUDA memory
 * has loaded: the build needs no CUDA headers, and the plugin does not
 * link libgstcuda.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstumatcudacontext.h"

#include <dlfcn.h>

GST_DEBUG_CATEGORY_EXTERN (gst_umat_convert_debug);
#define GST_CAT_DEFAULT gst_umat_convert_debug

/* gst/cuda/gstcudacontext.h's GST_CUDA_CONTEXT_TYPE */
#define CUDA_CONTEXT_TYPE "gst.cuda.context"

GstObject *
gst_umat_cuda_context_from_upstream (GstPad * sinkpad)
{
  GstQuery *query = gst_query_new_context (CUDA_CONTEXT_TYPE);
  GstObject *context = NULL;

  if (gst_pad_peer_query (sinkpad, query)) {
    GstContext *answer = NULL;
    const GValue *value;

    gst_query_parse_context (query, &answer);
    value = answer ? gst_structure_get_value (gst_context_get_structure
        (answer), CUDA_CONTEXT_TYPE) : NULL;
    if (value && G_VALUE_HOLDS_OBJECT (value)
        && GST_IS_OBJECT (g_value_get_object (value)))
      context = g_value_dup_object (value);
  }
  gst_query_unref (query);
  GST_DEBUG_OBJECT (sinkpad, "upstream's CUDA context: %" GST_PTR_FORMAT,
      context);
  return context;
}

gpointer
gst_umat_cuda_context_handle (GstObject * context)
{
  /* gst_cuda_context_get_handle, once found: libgstcuda is loaded by
   * whoever made the CUDA memory, which may be after a first look */
  static gpointer get_handle = NULL;
  gpointer fn = g_atomic_pointer_get (&get_handle);

  if (context == NULL)
    return NULL;
  if (fn == NULL) {
    void *lib = dlopen ("libgstcuda-1.0.so.0", RTLD_NOW | RTLD_NOLOAD);

    fn = lib ? dlsym (lib, "gst_cuda_context_get_handle") : NULL;
    if (fn == NULL) {
      if (lib != NULL)
        dlclose (lib);
      return NULL;
    }
    g_atomic_pointer_set (&get_handle, fn);
  }
  return ((gpointer (*) (GstObject *)) fn) (context);
}
