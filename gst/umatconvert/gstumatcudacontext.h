/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CUDA context of the frames that come in CUDA memory: upstream's
 * GstCudaContext (the one nvcodec's decoders share through GstContext),
 * so that the element makes its CUDA slots there and not in a CUDA
 * context of its own.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Upstream's GstCudaContext, asked for with a context query on `sinkpad`'s
 * peer (a new reference), or NULL when none answers. */
GstObject *gst_umat_cuda_context_from_upstream (GstPad * sinkpad);
/* Its CUcontext, or NULL where gst/cuda's library is not loaded. */
gpointer gst_umat_cuda_context_handle (GstObject * context);

G_END_DECLS
